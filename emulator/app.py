"""create_app(): the Starlette app with its own Store."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from nemo_emulator import api, control, errors, inspector, openapi
from nemo_emulator.errors import ApiError, error_response
from nemo_emulator.middleware import ControlLayer
from nemo_emulator.settings import Settings
from nemo_emulator.state.store import Store
from nemo_protocol.codes import Code

_CLOSE = {"Connection": "close"}

Endpoint = Callable[[Request], Awaitable[Response]]


def direct_routes(routes: list[Route]) -> dict[tuple[str, str], Endpoint]:
    """(method, path) -> endpoint for the routes whose path has no parameters: one dict lookup finds them."""
    return {(method, r.path): r.endpoint for r in routes if "{" not in r.path for method in r.methods or ()}


class Emulator(Starlette):
    """Starlette entered through the control layer (faults, journal) only while one of them is on.

    The check lives here rather than in a middleware because one more ASGI hop costs about 2% of a cheap request.
    Handlers find the Store in the scope (`nemo.store`): a dict read, where `app.state.store` is a Python
    `__getattr__`.

    The API's routes without path parameters (the balance, the token routes, /run_sse, render submission) are
    called directly, past Starlette's two middlewares and its router (a quarter of a cheap request's instructions).
    The same exception handlers answer as on the routed path (tests/emulator/test_direct_routes.py holds the two
    to the same bytes). Middleware added with `add_middleware` turns this off, so it is never bypassed.
    """

    def __init__(self, store: Store) -> None:
        plane = [*control.routes, *inspector.routes] if store.settings.control else []
        super().__init__(routes=[*api.ROUTES, *plane, *openapi.routes], exception_handlers=errors.HANDLERS)
        self.state.store = self.store = store
        self.control = ControlLayer(self._serve, store)
        self.max_target = store.settings.max_request_line_bytes
        self.direct: dict[tuple[str, str], Endpoint] = {}
        """Filled when the middleware stack is built (after which no middleware can be added)."""

    def build_middleware_stack(self) -> ASGIApp:
        self.direct = {} if self.user_middleware else direct_routes(api.ROUTES)
        return super().build_middleware_stack()

    async def _direct(self, endpoint: Endpoint, scope: Scope, receive: Receive, send: Send) -> None:
        """What ServerErrorMiddleware, ExceptionMiddleware and the router would do for this endpoint."""
        request = Request(scope, receive, send)
        try:
            response = await endpoint(request)
        except Exception as exc:
            handler, unexpected = errors.handler_for(exc, self.exception_handlers)
            await (await handler(request, exc))(scope, receive, send)
            if unexpected:
                raise  # as ServerErrorMiddleware does: answered in the envelope, and logged by the server
            return
        try:
            await response(scope, receive, send)
        except Exception as exc:
            await errors.unexpected(request, exc)  # recorded; the response has begun, nothing more is sent
            raise

    async def _too_long(self, scope: Scope, receive: Receive, send: Send) -> None:
        """414 in the route's envelope; the head was already bounded by the server (server.BoundedHttpTools)."""
        exc = ApiError(Code.URI_TOO_LONG, f"request line larger than {self.max_target} bytes", headers=_CLOSE)
        await error_response(Request(scope), exc)(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Starlette.__call__, without the scope bookkeeping done below
        if self.middleware_stack is None:
            self.middleware_stack = self.build_middleware_stack()
        await self.middleware_stack(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = self
        scope["nemo.store"] = store = self.store
        if scope["type"] != "http":
            await self._serve(scope, receive, send)
        elif len(scope["raw_path"]) + len(scope["query_string"]) > self.max_target:
            await self._too_long(scope, receive, send)
        elif store.faults.rules or store.journal.enabled or store.settings.request_log:
            await self.control(scope, receive, send)
        elif (endpoint := self.direct.get((scope["method"], scope["path"]))) is not None:
            await self._direct(endpoint, scope, receive, send)
        elif self.middleware_stack is not None:
            await self.middleware_stack(scope, receive, send)
        else:
            await self._serve(scope, receive, send)


def create_app(settings: Settings | None = None, store: Store | None = None) -> Starlette:
    """A new emulator; two apps never share state."""
    return Emulator(store or Store(settings or Settings()))
