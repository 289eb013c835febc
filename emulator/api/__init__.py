"""The protocol's routes, one module per resource."""

from emulator.api import auth, credits, files, renders, run_sse, sessions, state, uploads

ROUTES = [
    *auth.routes,
    *sessions.routes,
    *credits.routes,
    *state.routes,
    *run_sse.routes,
    *uploads.routes,
    *renders.routes,
    *files.routes,
]
