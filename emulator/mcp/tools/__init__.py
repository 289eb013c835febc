"""The MCP server's tools (protocol B.3), one module per group, over the shared world: projects and drafts
(projects.py), media, generation and renders (media.py), the delegated agent (agent.py) and platform resources
(platform.py). A tool takes its context and checked arguments and returns a Reply, or raises ApiError with a code
of nemo_protocol.mcp's table (the surface renders it as B.4 says)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from nemo_emulator.errors import ApiError
from nemo_emulator.state.accounts import User
from nemo_emulator.state.sessions import Session
from nemo_emulator.state.store import Store
from nemo_protocol.mcp import McpCode
from nemo_protocol.wire import JSON


@dataclass
class Context:
    store: Store
    user: User
    scopes: list[str]
    base_url: str
    session_key: str | None = None
    """The MCP session (Mcp-Session-Id) the call came in on, if any."""

    def project(self, project_id: str) -> Session:
        try:
            return self.store.sessions.project(project_id, self.user.id)
        except ApiError:
            raise ApiError(McpCode.NOT_FOUND, f"no project {project_id[:80]!r}; create_video_project makes "
                                              "one") from None  # fmt: skip

    def session(self, session_id: str) -> Session:
        try:
            return self.store.sessions.owned(session_id, self.user.id)
        except ApiError:
            raise ApiError(McpCode.NOT_FOUND, f"no session {session_id[:80]!r} of yours") from None


@dataclass
class Reply:
    """A tool's result: structured JSON (also sent as text), and any extra content (an image, a resource)."""

    data: JSON
    content: list[Any] = field(default_factory=list)


Handler = Callable[[Context, JSON], Awaitable[Reply]]


def handlers() -> dict[str, Handler]:
    """Every tool's handler, by name."""
    from nemo_emulator.mcp.tools import agent, media, platform, projects

    return {**projects.TOOLS, **media.TOOLS, **agent.TOOLS, **platform.TOOLS}
