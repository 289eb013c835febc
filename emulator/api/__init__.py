"""The protocol's routes, one module per resource; the cheap, frequent reads are matched first."""

from nemo_emulator.api import auth, credits, files, renders, run_sse, sessions, state, uploads

ROUTES = [
    *credits.routes,
    *state.routes,
    *renders.routes,
    *run_sse.routes,
    *auth.routes,
    *sessions.routes,
    *uploads.routes,
    *files.routes,
]
