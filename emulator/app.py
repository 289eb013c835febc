"""create_app(): the Starlette app with its own Store, each surface's routes and the harness.

One serving path, with one documented shortcut. Every request goes through Starlette (its middlewares, router and
exception handlers), except the cheap, frequent API routes without path parameters: those are found by one dict
lookup and called directly, with the very exception handlers Starlette would pick (`web/errors.handler_for`), so
the two paths answer with the same bytes (tests/emulator/test_direct_routes.py). That shortcut exists for speed
(a quarter of a cheap request's instructions) and is turned off by anything that must see every request: the
harness's layer while it is active, or middleware added with `add_middleware`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from nemo_emulator import mega
from nemo_emulator.errors import ApiError, crash_record
from nemo_emulator.harness import control, inspector, install, mutants
from nemo_emulator.harness.layer import ControlLayer
from nemo_emulator.settings import Settings
from nemo_emulator.state.store import Store
from nemo_emulator.urls import host_allowed
from nemo_emulator.web import errors, files, openapi
from nemo_emulator.web.errors import error_response
from nemo_protocol.codes import Code

_CLOSE = {"Connection": "close"}

Endpoint = Callable[[Request], Awaitable[Response]]


def direct_routes(routes: list[BaseRoute]) -> dict[tuple[str, str], Endpoint]:
    """(method, path) -> endpoint for the routes whose path has no parameters: one dict lookup finds them."""
    return {(method, r.path): r.endpoint for r in routes if isinstance(r, Route) and "{" not in r.path
            for method in r.methods or ()}  # fmt: skip


def surface_routes(store: Store) -> list[BaseRoute]:
    """Every surface's routes, the shared files, and (unless --no-control) the harness's."""
    from nemo_emulator import gateway, mcp

    plane = [*control.routes, *inspector.routes] if store.settings.control else []
    return [*mega.ROUTES, *gateway.routes(store), *mcp.routes(store), *files.routes, *plane, *openapi.routes]


class Emulator(Starlette):
    """Starlette, entered through the harness's layer while the harness is active.

    The check lives here rather than in a middleware because one more ASGI hop costs about 2% of a cheap request.
    Handlers find the Store in the scope (`nemo.store`): a dict read, where `app.state.store` is a Python
    `__getattr__`.
    """

    def __init__(self, store: Store) -> None:
        self.harness = install(store)
        super().__init__(routes=surface_routes(store), exception_handlers=errors.HANDLERS)
        self.state.store = self.store = store
        self.layer = ControlLayer(self._serve, self.harness)
        self.max_target = store.settings.max_request_line_bytes
        self.direct: dict[tuple[str, str], Endpoint] = {}
        """Filled when the middleware stack is built (after which no middleware can be added)."""
        self.mcp: ASGIApp | None = None
        """/mcp's own ASGI app (it answers every method and error itself), called past Starlette's layers too."""

    def build_middleware_stack(self) -> ASGIApp:
        self.direct = {} if self.user_middleware else direct_routes(list(mega.ROUTES))
        self.mcp = None if self.user_middleware else next(
            (r.app for r in self.routes if isinstance(r, Route) and r.path == "/mcp"), None)  # fmt: skip
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

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, exc: ApiError) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": exc.message[:120]})
            return
        await error_response(Request(scope), exc)(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Starlette.__call__, without the scope bookkeeping done below
        if self.middleware_stack is None:
            self.middleware_stack = self.build_middleware_stack()
        await self.middleware_stack(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = self
        scope["nemo.store"] = store = self.store
        kind = scope["type"]
        if kind == "lifespan":
            await self._serve(scope, receive, send)
            return
        if store.loop is None:
            store.loop = asyncio.get_running_loop()
        if not host_allowed(scope["headers"], store.settings.allowed_hosts):
            exc = ApiError(Code.FORBIDDEN, "this Host is not allowed here (a guard against DNS rebinding); start the "
                                           "emulator with --allowed-host NAME to serve it")  # fmt: skip
            await self._refuse(scope, receive, send, exc)
        elif kind == "http" and len(scope["raw_path"]) + len(scope["query_string"]) > self.max_target:
            exc = ApiError(Code.URI_TOO_LONG, f"request line larger than {self.max_target} bytes", headers=_CLOSE)
            await self._refuse(scope, receive, send, exc)
        elif self.harness.active:
            await self.layer(scope, receive, send)
        elif kind == "http" and (endpoint := self.direct.get((scope["method"], scope["path"]))) is not None:
            await self._direct(endpoint, scope, receive, send)
        elif self.mcp is not None and scope["path"] == "/mcp" and kind == "http":
            try:
                await self.mcp(scope, receive, send)
            except Exception as exc:
                store.record_error(crash_record("/mcp", exc, method=scope["method"]))
                raise
        elif self.middleware_stack is not None:
            await self.middleware_stack(scope, receive, send)
        else:
            await self._serve(scope, receive, send)


def create_app(settings: Settings | None = None, store: Store | None = None) -> Starlette:
    """A new emulator; two apps never share state. A mutant's settings preset applies to a store built here."""
    return Emulator(store or Store(mutants.preset(settings or Settings())))
