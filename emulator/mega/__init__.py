"""The mega API (the skill's surface, protocol §3): one module per resource, the ADK framing of a turn (adk.py).
The cheap, frequent reads are matched first."""

from nemo_emulator.mega import auth, credits, renders, run_sse, sessions, state, uploads

ROUTES = [
    *credits.routes,
    *state.routes,
    *renders.routes,
    *run_sse.routes,
    *auth.routes,
    *sessions.routes,
    *uploads.routes,
]
