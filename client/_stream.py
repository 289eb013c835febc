"""Reading a /run_sse stream: SSE lines into events, and events into what they mean (protocol §5.4).

Lines come from httpx's line iterator; the few SSE field rules are applied here rather than through
httpx-sse because httpx-sse drops comment lines (one of the heartbeat styles) and gives no control
back while only comments arrive, which a progress display needs.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field

from httpx_sse import ServerSentEvent

from nemo_protocol.wire import JSON, obj


@dataclass(frozen=True, slots=True)
class KeepAlive:
    """A heartbeat: empty `data:`, `heartbeat`, `{"type":"heartbeat"}` or an SSE comment. Work is still running."""

    style: str


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    partial: bool = False
    event: JSON = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ToolCall:
    name: str
    args: JSON
    id: str | None = None


@dataclass(frozen=True, slots=True)
class ToolResult:
    name: str
    response: JSON
    id: str | None = None
    state_delta: JSON = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class StreamError:
    """`data: {"error": …}`: the turn failed; the stream ends after it."""

    message: str


@dataclass(frozen=True, slots=True)
class ModelError:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Unknown:
    data: str


TurnEvent = KeepAlive | Text | ToolCall | ToolResult | StreamError | ModelError | Unknown


def _parts(event: JSON) -> list[JSON]:
    content = event.get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    return [p for p in parts if isinstance(p, dict)] if isinstance(parts, list) else []


def classify(data: str) -> list[TurnEvent]:
    """What one SSE event's data means; several parts give several results. Never raises."""
    stripped = data.strip()
    if stripped == "":
        return [KeepAlive("empty_data")]
    if stripped == "heartbeat":
        return [KeepAlive("heartbeat")]
    try:
        event = json.loads(stripped)
    except ValueError:
        return [Unknown(data)]
    if not isinstance(event, dict):
        return [Unknown(data)]
    if event.get("type") == "heartbeat":
        return [KeepAlive("json")]
    if set(event) == {"error"}:
        return [StreamError(str(event["error"]))]
    if "errorCode" in event or "errorMessage" in event:
        return [ModelError(str(event.get("errorCode", "")), str(event.get("errorMessage", "")))]
    if event.get("type") in ("text", "tool_call", "tool_result"):
        kind = event["type"]
        if kind == "text":
            return [Text(str(event.get("content", "")), event=event)]
        if kind == "tool_call":
            return [ToolCall(str(event.get("name", "")), dict(event.get("args") or {}))]
        return [ToolResult(str(event.get("name", "")), dict(event.get("result") or {}))]
    out: list[TurnEvent] = []
    actions = obj(event.get("actions"))
    delta = actions.get("stateDelta") or actions.get("state_delta") or {}
    for part in _parts(event):
        if isinstance(part.get("functionCall"), dict):
            fc = part["functionCall"]
            out.append(ToolCall(str(fc.get("name", "")), dict(fc.get("args") or {}), fc.get("id")))
        elif isinstance(part.get("functionResponse"), dict):
            fr = part["functionResponse"]
            out.append(ToolResult(str(fr.get("name", "")), dict(fr.get("response") or {}), fr.get("id"), dict(delta)))
        elif isinstance(part.get("text"), str) and not part.get("thought"):
            out.append(Text(part["text"], bool(event.get("partial")), event))
    return out or [Unknown(data)]


class SSEParser:
    """The SSE field rules: `data:` lines accumulate, a blank line dispatches, `:` lines are comments."""

    def __init__(self) -> None:
        self._data: list[str] = []
        self._event = ""
        self._id = ""
        self._retry: int | None = None
        self.comments = 0

    def feed(self, line: str) -> ServerSentEvent | KeepAlive | None:
        if line == "":
            if not self._data and not self._event:
                return None
            sse = ServerSentEvent(self._event, "\n".join(self._data), self._id, self._retry)
            self._data, self._event = [], ""
            return sse
        if line.startswith(":"):
            self.comments += 1
            return KeepAlive("comment")
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None


def events_from_lines(lines: Iterable[str]) -> Iterator[TurnEvent]:
    """Turn events from the lines of a response body."""
    parser = SSEParser()
    for line in lines:
        item = parser.feed(line)
        if isinstance(item, KeepAlive):
            yield item
        elif item is not None:
            yield from classify(item.data)
    tail = parser.feed("")
    if isinstance(tail, ServerSentEvent):
        yield from classify(tail.data)


async def aevents_from_lines(lines: AsyncIterator[str]) -> AsyncIterator[TurnEvent]:
    parser = SSEParser()
    async for line in lines:
        item = parser.feed(line)
        if isinstance(item, KeepAlive):
            yield item
        elif item is not None:
            for event in classify(item.data):
                yield event
    tail = parser.feed("")
    if isinstance(tail, ServerSentEvent):
        for event in classify(tail.data):
            yield event


@dataclass
class TurnResult:
    """Everything one turn produced, plus, for silent turns, what changed in the session."""

    events: list[TurnEvent] = field(default_factory=list)
    changes: list[str] | None = None
    disconnected: bool = False

    @property
    def texts(self) -> list[str]:
        return [e.text for e in self.events if isinstance(e, Text) and not e.partial]

    @property
    def tool_calls(self) -> list[ToolCall]:
        return [e for e in self.events if isinstance(e, ToolCall)]

    @property
    def tool_results(self) -> list[ToolResult]:
        return [e for e in self.events if isinstance(e, ToolResult)]

    @property
    def keepalives(self) -> int:
        return sum(isinstance(e, KeepAlive) for e in self.events)

    @property
    def silent(self) -> bool:
        """No user-visible text arrived: the client must look at state to know what happened."""
        return not self.texts

    @property
    def error(self) -> str | None:
        for e in self.events:
            if isinstance(e, StreamError | ModelError):
                return e.message
        return None
