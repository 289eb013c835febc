"""Connecting the official `mcp` SDK client to NEMO's MCP server (protocol Appendix B), with no person in the loop.

`HeadlessOAuth` is the SDK's OAuthClientProvider with a redirect handler that follows the authorization URL itself
(`login_hint` names the user to sign in as) and hands the code back: dynamic client registration, PKCE S256 and
refresh all stay the SDK's. `connect()` yields an initialised `mcp.ClientSession` over Streamable HTTP on a real
socket; `McpConnection` runs one from blocking code (a pytest fixture, a script) on a loop of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator, Coroutine, Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from nemo_client._errors import tool_error

REDIRECT = "http://127.0.0.1:9/oauth/callback"
"""Where the sign-in would send a browser; nothing listens there: the headless handler reads the redirect."""


class Tokens:
    """In-memory token storage for the SDK's OAuth provider (what a real client keeps on disk)."""

    def __init__(self) -> None:
        self.tokens: Any = None
        self.client: Any = None

    async def get_tokens(self) -> Any:
        return self.tokens

    async def set_tokens(self, tokens: Any) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> Any:
        return self.client

    async def set_client_info(self, client_info: Any) -> None:
        self.client = client_info


def headless_oauth(server_url: str, *, login_hint: str | None = None, scopes: Sequence[str] | None = None,
                   storage: Tokens | None = None, client_name: str = "nemo-client") -> Any:  # fmt: skip
    """The SDK's OAuthClientProvider, signing in without a browser (the server must approve at once)."""
    import httpx2
    from mcp.client.auth import OAuthClientProvider
    from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

    redirect: dict[str, str | None] = {}

    async def follow(url: str) -> None:
        if login_hint:
            url += ("&" if "?" in url else "?") + urlencode({"login_hint": login_hint})
        async with httpx2.AsyncClient(timeout=30) as http:
            answer = await http.get(url, follow_redirects=False)
        location = answer.headers.get("location")
        if answer.status_code not in (302, 303) or not location:
            raise RuntimeError(f"sign-in did not redirect ({answer.status_code}): {answer.text[:300]}")
        query = parse_qs(urlsplit(location).query)
        if "error" in query:
            raise PermissionError(f"sign-in refused: {query['error'][0]} {query.get('error_description', [''])[0]}")
        redirect["code"], redirect["state"] = query["code"][0], query.get("state", [None])[0]

    async def callback() -> AuthorizationCodeResult:
        return AuthorizationCodeResult(code=str(redirect["code"]), state=redirect["state"])

    metadata = OAuthClientMetadata(client_name=client_name, redirect_uris=[REDIRECT],  # type: ignore[list-item]
                                   grant_types=["authorization_code", "refresh_token"], response_types=["code"],
                                   scope=" ".join(scopes) if scopes else None)  # fmt: skip
    return OAuthClientProvider(server_url, metadata, storage or Tokens(), follow, callback)


@contextlib.asynccontextmanager
async def connect(base_url: str, *, login_hint: str | None = None, scopes: Sequence[str] | None = None,
                  token: str | None = None, storage: Tokens | None = None,
                  holder: list[Any] | None = None) -> AsyncIterator[Any]:  # fmt: skip
    """An initialised `mcp.ClientSession` to `<base_url>/mcp`: signed in through OAuth, or with a ready `token`.
    `holder` receives the SDK's OAuth provider (a test may tell it that its token has expired)."""
    import httpx2
    from mcp.client.session import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    url = base_url.rstrip("/") + "/mcp"
    auth = None if token else headless_oauth(url, login_hint=login_hint, scopes=scopes, storage=storage)
    if holder is not None:
        holder.append(auth)
    headers = {"Authorization": f"Bearer {token}"} if token else None
    async with (
        httpx2.AsyncClient(auth=auth, headers=headers, timeout=httpx2.Timeout(60, read=300)) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


class McpConnection:
    """An MCP client session from blocking code: `call("get_credits")` returns the tool's result."""

    def __init__(self, base_url: str, **options: Any) -> None:
        """`options`: those of `connect` (login_hint, scopes, token, storage)."""
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="mcp-client", daemon=True)
        self.thread.start()
        self._stack = contextlib.AsyncExitStack()
        holder: list[Any] = []
        try:
            self.session: Any = self.run(self._stack.enter_async_context(connect(base_url, holder=holder,
                                                                                 **options)))  # fmt: skip
        except BaseException as exc:
            self._stop()
            raise _leaf(exc) from exc
        self.auth: Any = holder[0] if holder else None
        """The SDK's OAuthClientProvider, when signed in through OAuth."""

    def expire_locally(self) -> None:
        """Tell the SDK's provider its access token has expired (it keeps expiries on the wall clock; the
        emulator's tokens expire on the virtual one), so that its next request refreshes first."""
        if self.auth is not None:
            self.auth.context.token_expiry_time = 1.0  # 1970: long gone (0 would mean "never expires")

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 600) -> Any:
        """Run a coroutine on the connection's loop (`run(conn.session.list_tools())`); an error comes out as itself,
        not wrapped in the task groups it passed through."""
        try:
            return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)
        except BaseExceptionGroup as group:
            raise _leaf(group) from group

    def call(self, tool: str, /, **arguments: Any) -> Any:
        """Call a tool; the SDK's CallToolResult, error results included."""
        return self.run(self.session.call_tool(tool, arguments))

    def result(self, tool: str, /, **arguments: Any) -> dict[str, Any]:
        """Call a tool; its JSON result, or the client's exception for its error (OutOfCredits, Conflict with the
        current draft in `.data`, …)."""
        return tool_json(tool, self.call(tool, **arguments))

    def tools(self) -> list[str]:
        return [t.name for t in self.run(self.session.list_tools()).tools]

    def close(self) -> None:
        with contextlib.suppress(BaseException):
            self.run(self._stack.aclose(), timeout=30)
        self._stop()

    def _stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def __enter__(self) -> McpConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def tool_json(tool: str, result: Any) -> dict[str, Any]:
    """A CallToolResult's JSON (its structured content, else its first JSON text), or raise its error."""
    data = result.structured_content
    if not isinstance(data, dict):
        texts = [c.text for c in result.content if getattr(c, "type", "") == "text"]
        try:
            data = json.loads(texts[0]) if texts else {}
        except ValueError:
            data = {"message": texts[0]}
    if not isinstance(data, dict):
        data = {"value": data}
    if result.is_error:
        raise tool_error(tool, data)
    return data


def _leaf(exc: BaseException) -> BaseException:
    """The first real error inside nested exception groups."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc
