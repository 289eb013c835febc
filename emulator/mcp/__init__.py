"""The MCP surface (NEMO's MCP server with OAuth 2.1; protocol Appendix B): the authorization server at NEMO's
paths (oauth.py), /mcp behind it (endpoint.py), the SDK server and its tools (server.py, tools/), V3 drafts
(nemo_protocol.v3) and the delegated turn's framing (turns.py).

The official SDK loads with the first request to one of these routes, not with the emulator: a server that never
speaks MCP never pays for it.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from nemo_emulator.state.store import Store

OAUTH_PATHS = {
    "/.well-known/oauth-authorization-server": ["GET", "OPTIONS"],
    "/.well-known/oauth-protected-resource/mcp": ["GET", "OPTIONS"],
    "/.well-known/oauth-protected-resource": ["GET", "OPTIONS"],
    "/oauth/authorize": ["GET", "POST"],
    "/oauth/token": ["POST", "OPTIONS"],
    "/oauth/register": ["POST", "OPTIONS"],
    "/oauth/revoke": ["POST", "OPTIONS"],
    "/oauth/consent": ["GET", "POST"],
}


class _OAuthRoute:
    """One of the authorization server's routes, loaded with the SDK on first use."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.app: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            from nemo_emulator.mcp import oauth

            self.app = next(r for r in oauth.routes if r.path == self.path).app
        await self.app(scope, receive, send)


class _Endpoint:
    """/mcp, loaded with the SDK on first use."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.app: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            from nemo_emulator.mcp.endpoint import McpEndpoint

            self.app = McpEndpoint(self.store)
        await self.app(scope, receive, send)


def routes(store: Store) -> list[BaseRoute]:
    endpoint = _Endpoint(store)
    oauth = [Route(path, _OAuthRoute(path), methods=methods) for path, methods in OAUTH_PATHS.items()]
    return [*oauth, Route("/mcp", endpoint, methods=["GET", "POST", "DELETE", "OPTIONS"])]
