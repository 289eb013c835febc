"""The protocol's routes, one module per resource."""

from emulator.api import auth, credits, sessions, state

ROUTES = [*auth.routes, *sessions.routes, *credits.routes, *state.routes]
