"""A turn as neutral steps, and the framing protocol each surface implements to put them on its wire.

The engine (engine.py) produces the steps; the mega API frames them as ADK events (mega/adk.py), the gateway as
WebSocket frames (gateway/ws_frames.py), the MCP server as a delegated turn's events (mcp/turns.py). Adding a
surface is one more framing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from nemo_protocol.wire import JSON


@dataclass(frozen=True, slots=True)
class Call:
    """A tool call: its id pairs it with its result."""

    id: str
    name: str
    args: JSON


@dataclass(frozen=True, slots=True)
class Thinking:
    """The agent starts (or stops) thinking."""

    start: bool


@dataclass(frozen=True, slots=True)
class Chunk:
    """A streamed piece of the next reply's text (only for framings that ask for chunks)."""

    text: str
    last: bool
    """The reply's last piece, with no tool call after it."""


@dataclass(frozen=True, slots=True)
class Reply:
    """One model reply: its text, a tool call, or both; `streamed` when its text went out as chunks first."""

    text: str | None
    call: Call | None
    streamed: bool = False


@dataclass(frozen=True, slots=True)
class Result:
    """A tool's result, and the state it changed."""

    call: Call
    response: JSON
    delta: JSON | None = None


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    """One clarifying question with options; nothing changed. `text` is the question as a sentence."""

    text: str
    prompt: str
    options: tuple[Option, ...] = field(default_factory=tuple)
    allow_multiple: bool = False
    streamed: bool = False
    """Its text went out as chunks first."""


@dataclass(frozen=True, slots=True)
class Tick:
    """The stream has been quiet for the framing's tick interval (a keep-alive is due)."""


@dataclass(frozen=True, slots=True)
class Failed:
    """The turn failed; nothing more follows."""

    message: str


@dataclass(frozen=True, slots=True)
class Done:
    """The turn is over. `asked`: it ended with a question, whose answer is the session's next message."""

    asked: bool = False


Step = Thinking | Chunk | Reply | Result | Question | Tick | Failed | Done


class Framing(Protocol):
    """Puts one turn's steps on a surface's wire."""

    chunked: bool
    """Whether the surface wants a reply's text as chunks first."""
    tick_s: float | None
    """After this many quiet virtual seconds a Tick is due (None: never)."""

    def emit(self, step: Step, now: float) -> None:
        """Frame and send one step (never blocks)."""
