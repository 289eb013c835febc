"""What every MCP tool gets (its Context) and gives back (a Reply)."""

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
