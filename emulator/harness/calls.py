"""Each MCP session's tool calls, for the inspector: which user called which tool when, and how it ended. Kept
whether or not a page is open (a session's history is what one opens the page to see), and bounded: the latest
SESSIONS sessions, the latest CALLS calls of each."""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

SESSIONS = 50
CALLS = 100


@dataclass
class McpSession:
    key: str
    user_id: str
    started_at: float
    calls: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=CALLS))
    count: int = 0


class McpCalls:
    def __init__(self) -> None:
        self.sessions: OrderedDict[str, McpSession] = OrderedDict()

    def record(self, key: str | None, user_id: str, tool: str, code: int, at: float) -> dict[str, Any]:
        """One finished call (`code` 0: it succeeded; otherwise its B.4 code)."""
        key = key or "(no session)"
        session = self.sessions.get(key)
        if session is None:
            session = self.sessions[key] = McpSession(key, user_id, at)
            while len(self.sessions) > SESSIONS:
                self.sessions.popitem(last=False)
        self.sessions.move_to_end(key)
        session.count += 1
        call = {"n": session.count, "tool": tool, "code": code, "at": at}
        session.calls.append(call)
        return {"session": key, "user_id": user_id, **call}

    def view(self) -> list[dict[str, Any]]:
        return [{"session": s.key, "user_id": s.user_id, "started_at": s.started_at, "count": s.count,
                 "calls": list(s.calls)} for s in reversed(self.sessions.values())]  # fmt: skip
