"""The MCP surface (NEMO's MCP server with OAuth 2.1; protocol Appendix B)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from nemo_emulator.state.store import Store


def routes(store: Store) -> list[BaseRoute]:
    return []
