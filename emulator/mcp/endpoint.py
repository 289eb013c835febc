"""/mcp: Streamable HTTP (the official SDK's session manager, which serves session-based clients and stateless
2026-07-28 ones alike) behind the surface's own door.

Before the SDK sees a request: CORS (so browser-based clients can read `WWW-Authenticate` and `Mcp-Session-Id`);
the bearer, checked on the virtual clock (401 with `WWW-Authenticate: Bearer resource_metadata=…` otherwise, as
the MCP spec asks); and for tools/call, the tool's scope (403 `insufficient_scope` naming it: the spec's
step-up). Settings.mcp_auth may serve it without sign-in instead (a leniency). The SDK's manager starts with the
first request, in a task of its own (nothing in the app has a lifespan).
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Any

from mcp.server.auth.middleware.auth_context import auth_context_var
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from starlette.types import Message, Receive, Scope, Send

from nemo_emulator.mcp.carrier import as_http_status, is_tool_call
from nemo_emulator.mcp.server import GRANT, Caller, build
from nemo_emulator.state.store import Store
from nemo_protocol.mcp import BY_NAME, RESOURCE_PATH
from nemo_protocol.wire import dumps, loads

MAX_BODY = 4 * 1024 * 1024
CORS = [(b"access-control-allow-origin", b"*"),
        (b"access-control-expose-headers", b"WWW-Authenticate, Mcp-Session-Id, Mcp-Protocol-Version")]  # fmt: skip
ALLOWED = b"Authorization, Content-Type, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID, Accept"
PREFLIGHT = [*CORS, (b"access-control-allow-methods", b"GET, POST, DELETE, OPTIONS"),
             (b"access-control-allow-headers", ALLOWED), (b"access-control-max-age", b"600")]  # fmt: skip


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _parsed(body: bytes) -> Any:
    try:
        return loads(body)
    except ValueError:
        return None


def _base(scope: Scope) -> str:
    host = _header(scope, b"host") or "localhost"
    return f"{scope.get('scheme', 'http')}://{host}"


async def _answer(send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]) -> None:
    raw = dumps(body)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode()),
                            *CORS, *headers]})  # fmt: skip
    await send({"type": "http.response.body", "body": raw})


class McpEndpoint:
    """The ASGI app at /mcp of one emulator."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.manager: Any = None
        self._starting: asyncio.Lock | None = None
        self._task: asyncio.Task[None] | None = None

    async def _manager(self) -> Any:
        if self.manager is not None:
            return self.manager
        self._starting = self._starting or asyncio.Lock()
        async with self._starting:
            if self.manager is None:
                from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

                s = self.store.settings
                manager = StreamableHTTPSessionManager(build(self.store), json_response=s.mcp_json_response,
                                                       max_sessions=s.mcp_max_sessions,
                                                       session_idle_timeout=1800)  # fmt: skip
                ready = asyncio.Event()

                async def run() -> None:
                    async with manager.run():
                        ready.set()
                        await asyncio.Event().wait()

                self._task = asyncio.get_running_loop().create_task(run())
                await ready.wait()
                self.manager = manager
        return self.manager

    def _unauthorized(self, scope: Scope, send: Send, error: str, description: str) -> Any:
        metadata = f"{_base(scope)}/.well-known/oauth-protected-resource{RESOURCE_PATH}"
        challenge = f'Bearer error="{error}", error_description="{description}", resource_metadata="{metadata}"'
        return _answer(send, 401, {"error": error, "error_description": description},
                       [(b"www-authenticate", challenge.encode())])  # fmt: skip

    def _caller(self, scope: Scope) -> tuple[Caller | None, str]:
        """The caller, or None and why not."""
        store = self.store
        s = store.settings
        auth = _header(scope, b"authorization") or ""
        bearer = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        session_key = _header(scope, b"mcp-session-id")
        if s.mcp_auth in ("none", "static"):
            if s.mcp_auth == "static" and (not s.mcp_static_token or not hmac.compare_digest(
                    bearer.encode(), s.mcp_static_token.encode())):  # fmt: skip
                return None, "send the static bearer the emulator printed at start"
            from nemo_emulator.mcp.oauth import granted_scopes, signing_user

            user = signing_user(store, None)
            if user is None:
                return None, "no registered user to serve: create one with POST /_emulator/users"
            return Caller(store, user, tuple(granted_scopes(user, None)), _base(scope), session_key), ""
        if not bearer:
            return None, "sign in: this server takes OAuth 2.1 access tokens (see resource_metadata)"
        grant = store.oauth.grant_of(bearer)
        if grant is None:
            return None, "the access token is unknown, expired or revoked; refresh it or sign in again"
        user = store.accounts.users.get(grant.user_id)
        if user is None:
            return None, "the access token's user no longer exists"
        return Caller(store, user, tuple(grant.scopes), _base(scope), session_key), ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] == "OPTIONS":
            await send({"type": "http.response.start", "status": 204, "headers": PREFLIGHT})
            await send({"type": "http.response.body", "body": b""})
            return
        caller, why = self._caller(scope)
        if caller is None:
            await self._unauthorized(scope, send, "invalid_token", why)
            return
        body, carried = b"", False
        if scope["method"] == "POST":
            more = True
            while more:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > MAX_BODY:
                    await _answer(send, 413, {"error": "request_too_large"}, [])
                    return
            message = _parsed(body)
            if (refusal := self._scope_refusal(message, caller)) is not None:
                await _answer(send, 403, refusal[0], [(b"www-authenticate", refusal[1].encode())])
                return
            carried = self.store.settings.mcp_error_carrier == "http_status" and is_tool_call(message)
        sent = [False]

        async def replay() -> Message:
            if not sent[0]:
                sent[0] = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        out = as_http_status(send) if carried else send

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *CORS]}
            await out(message)

        token = AccessToken(token="-", client_id=caller.user.id, scopes=list(caller.scopes), subject=caller.user.id)
        user = AuthenticatedUser(token)
        inner = {**scope, GRANT: caller, "user": user}
        manager = await self._manager()
        reset = auth_context_var.set(user)
        try:
            await manager.handle_request(inner, replay, with_cors)
        finally:
            auth_context_var.reset(reset)

    def _scope_refusal(self, message: Any, caller: Caller) -> tuple[dict[str, Any], str] | None:
        """403 insufficient_scope for a tools/call whose tool needs a scope the grant lacks."""
        if not self.store.settings.mcp_enforce_scopes or message is None:
            return None
        calls = message if isinstance(message, list) else [message]
        for call in calls:
            if not isinstance(call, dict) or call.get("method") != "tools/call":
                continue
            params = call.get("params")
            tool = BY_NAME.get(str(params.get("name"))) if isinstance(params, dict) else None
            if tool is not None and tool.scope not in caller.scopes and (
                    not tool.creator_only or caller.user.plan == "creator"):  # fmt: skip
                text = f"the tool {tool.name} needs the scope {tool.scope}; reconnect and approve it"
                challenge = f'Bearer error="insufficient_scope", scope="{tool.scope}", error_description="{text}"'
                return {"error": "insufficient_scope", "error_description": text, "scope": tool.scope}, challenge
        return None
