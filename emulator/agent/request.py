"""What one message asks for, as data: the reader fills it clause by clause, the planner turns it into steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nemo_emulator.agent import amounts, slots
from nemo_protocol.wire import JSON


@dataclass
class MusicAsk:
    """What a message asks of the background music."""

    add: bool = False
    """New music on the BGM track (replacing what is there)."""
    change: bool = False
    """The user asked for different music than what plays now."""
    style: str | None = None
    modifier: str | None = None
    volume: amounts.Volume | None = None
    scope: amounts.Scope | None = None
    fade_in: int | None = None
    fade_out: int | None = None


@dataclass
class TextAsk:
    """What a message asks of a title or a text overlay."""

    kind: str
    """`title` or `text`."""
    action: str
    """`add`, `move` (position or time), `style` (colour, size) or `retext` (new words, same place)."""
    text: str | None = None
    color: str | None = None
    size: int | None = None
    pos: str | None = None
    scope: amounts.Scope | None = None


@dataclass
class Request:
    """What one message asks for."""

    intents: list[str] = field(default_factory=list)
    generate: JSON | None = None
    target: slots.Target | None = None
    trim: tuple[int, int] | None = None
    trim_to: float | None = None
    cut_first: float | None = None
    cut_last: float | None = None
    ratio: str | None = None
    music: MusicAsk | None = None
    texts: list[TextAsk] = field(default_factory=list)
    removals: list[tuple[int | None, int | None, str]] = field(default_factory=list)
    keep: list[str] | None = None
    """Remove every track but these kinds (empty: remove everything)."""
    topic: str | None = None
    """A question about the draft (duration, volume, ratio, tracks, title, music): answered, nothing changes."""
    doubt: tuple[str, dict[str, Any]] | None = None
    """A question to ask instead of guessing (a replies key and its values)."""

    @property
    def edits(self) -> bool:
        return bool(self.intents)
