"""create_app(): the Starlette app with its own Store."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware

from emulator import api, control, errors, openapi
from emulator.middleware import ControlLayer
from emulator.settings import Settings
from emulator.state.store import Store


def create_app(settings: Settings | None = None, store: Store | None = None) -> Starlette:
    """A new emulator; two apps never share state."""
    app = Starlette(
        routes=[*api.ROUTES, *control.routes, *openapi.routes],
        exception_handlers=errors.HANDLERS,
        middleware=[Middleware(ControlLayer)],
    )
    app.state.store = store or Store(settings or Settings())
    return app
