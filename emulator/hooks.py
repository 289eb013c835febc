"""The few points where the harness (faults, journal, feed, mutants: emulator/harness/) may observe or change what
the product does. The product calls these and never asks whether it is being tested; with no harness installed
they cost one attribute read and do nothing.

- `publish`: something happened (a turn's step, a state change, a render), for whoever watches (the inspector).
- `open_stream`: a surface is about to stream frames (SSE events, WebSocket frames); the returned tap sees every
  frame before it is sent, and may drop it or cut the stream.
- `render_submitted`: a render job was accepted.
- `tool_called`: an MCP tool is about to run; the hook may answer with an error instead.
- `tool_returned`: an MCP tool call ended (with its B.4 code, 0 when it succeeded).
- `reset`: the store was reset (the harness forgets its own state too, or keeps what outlives a reset).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nemo_emulator.errors import ApiError


class StreamDropped(Exception):
    """Raised by a tap to cut its stream's connection mid-response (an injected network drop)."""


class Tap:
    """Sees one stream's frames. `frame` returns what to send (None: send nothing) or raises StreamDropped."""

    def frame(self, kind: str, frame: Any) -> Any:
        return frame


NO_TAP = Tap()


class Hooks:
    """The product's side of the seam: every hook does nothing."""

    @property
    def watching(self) -> bool:
        """Whether anything listens to `publish` (so a caller can skip building what it would publish)."""
        return False

    def publish(self, kind: str, data: Any) -> None:
        """Tell the watchers; never blocks, never raises."""

    def open_stream(self, surface: str, path: str, session_id: str | None) -> Tap:
        """The tap of a stream about to start (`surface`: mega, gateway or mcp)."""
        return NO_TAP

    def render_submitted(self, job: Any, path: str) -> None:
        """A render job was accepted on `path`."""

    def tool_called(self, name: str, session_id: str | None) -> ApiError | None:
        """An MCP tool is about to run; an error to answer instead, if any."""
        return None

    def tool_returned(self, name: str, session_id: str | None, user_id: str, code: int) -> None:
        """An MCP tool call ended; `code` is 0 or the B.4 code it failed with."""

    def reset(self) -> None:
        """The store was just reset."""
