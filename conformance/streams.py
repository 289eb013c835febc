"""Reading a /run_sse turn byte-faithfully: raw lines (comments included), framing checks, schema checks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from nemo_client import NemoClient
from nemo_client._stream import KeepAlive, TurnEvent, events_from_lines
from nemo_conformance.checks import ConformanceFailure, sse_event
from nemo_conformance.target import Control


@dataclass
class RawTurn:
    status: int
    content_type: str
    lines: list[str] = field(default_factory=list)
    events: list[TurnEvent] = field(default_factory=list)
    body: Any = None

    @property
    def json_events(self) -> list[dict[str, Any]]:
        out = []
        for line in self.lines:
            if line.startswith("data:") and line[5:].strip().startswith("{"):
                out.append(json.loads(line[5:]))
        return out

    @property
    def keepalives(self) -> int:
        return sum(isinstance(e, KeepAlive) for e in self.events)


def is_keepalive(line: str) -> bool:
    """A heartbeat line in any of the protocol's styles (§5.4): empty `data:`, `heartbeat`, JSON, or a comment."""
    if line.startswith(":"):
        return True
    if not line.startswith("data:"):
        return False
    data = line[5:].strip()
    return data in ("", "heartbeat") or data.replace(" ", "") == '{"type":"heartbeat"}'


def tool_events(lines: list[str]) -> list[tuple[int, dict[str, Any]]]:
    """(line number, event) of every JSON event that has content parts."""
    out = []
    for i, line in enumerate(lines):
        data = line[5:].strip() if line.startswith("data:") else ""
        if data.startswith("{"):
            event = json.loads(data)
            if isinstance(event.get("content"), dict) and isinstance(event["content"].get("parts"), list):
                out.append((i, event))
    return out


def framing_is_sse(lines: list[str]) -> None:
    """Every line is an SSE field, a comment or a blank separator; each event is one `data:` line."""
    __tracebackhide__ = True
    previous_data = False
    for i, line in enumerate(lines):
        if line == "":
            previous_data = False
            continue
        if line.startswith(":"):
            continue
        name = line.split(":", 1)[0]
        if name not in ("data", "event", "id", "retry"):
            raise ConformanceFailure(f"line {i} is not an SSE field: {line[:120]!r}")
        if name == "data":
            if previous_data:
                raise ConformanceFailure(f"event split over several data: lines at line {i} (ADK writes one)")
            previous_data = True
            sse_event(line[5:].removeprefix(" "))


def run_raw(
    client: NemoClient, text: str, control: Control | None, session_id: str | None = None, *, streaming: bool = False
) -> RawTurn:
    """POST /run_sse and read the whole turn, firing the emulator's timers meanwhile when there is a control plane."""
    body = client.run_body(session_id or client.session_id or "", text, streaming=streaming)
    headers = {**client.headers(_SSE_CALL), "Accept": "text/event-stream"}
    from contextlib import nullcontext

    with (
        control.running() if control else nullcontext(),
        client.http.stream("POST", "/run_sse", json=body, headers=headers) as response,
    ):
        turn = RawTurn(response.status_code, response.headers.get("content-type", ""))
        if not turn.content_type.startswith("text/event-stream"):
            response.read()
            turn.body = response.json()
            return turn
        turn.lines = list(response.iter_lines())
    turn.events = list(events_from_lines(turn.lines))
    return turn


def _call() -> Any:
    from nemo_client._ops import Call

    return Call("POST", "/run_sse", envelope="json")


_SSE_CALL = _call()
