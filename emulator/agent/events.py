"""ADK events as they go on the wire, and heartbeat frames.

Deliberate divergences from a bare ADK api_server: heartbeats (ADK sends none; NEMO's gateway does),
and LF-only separators as ADK itself writes them.
"""

from __future__ import annotations

import json
from typing import Any

from sse_starlette import ServerSentEvent

from nemo_emulator.ids import TurnIds
from nemo_protocol.wire import JSON, dumps


def _actions(state_delta: JSON | None = None) -> JSON:
    return {"stateDelta": state_delta or {}, "artifactDelta": {}, "requestedAuthConfigs": {}}


class EventFactory:
    """Builds one turn's events: shared invocationId, seeded event ids, virtual-clock timestamps."""

    def __init__(self, ids: TurnIds, author: str) -> None:
        self.ids = ids
        self.author = author
        self.invocation_id = ids.invocation()

    def _event(self, content: JSON, now: float, *, actions: JSON | None = None, **extra: Any) -> JSON:
        event: JSON = {
            "content": content,
            "invocationId": self.invocation_id,
            "author": self.author,
            "actions": actions or _actions(),
        }
        event.update(extra)
        event["id"] = self.ids.event()
        event["timestamp"] = round(now, 6)
        return event

    def text(self, text: str, now: float) -> JSON:
        return self._event({"parts": [{"text": text}], "role": "model"}, now)

    def call(self, call_id: str, name: str, args: JSON, now: float) -> JSON:
        part = {"functionCall": {"id": call_id, "args": args, "name": name}}
        return self._event({"parts": [part], "role": "model"}, now, longRunningToolIds=[])

    def response(self, call_id: str, name: str, response: JSON, now: float, delta: JSON | None = None) -> JSON:
        part = {"functionResponse": {"id": call_id, "name": name, "response": response}}
        return self._event({"parts": [part], "role": "user"}, now, actions=_actions(delta))


def frame(event: JSON) -> ServerSentEvent:
    """One event = one `data:` line of compact JSON (the responses' encoder: never a raw newline, and text the
    user sent with lone surrogates in it goes out escaped instead of breaking the stream)."""
    return ServerSentEvent(data=dumps(event).decode(), sep="\n")


def heartbeat(style: str) -> ServerSentEvent:
    """A keep-alive in the configured style (protocol §8 Q5)."""
    if style == "comment":
        return ServerSentEvent(comment="heartbeat", sep="\n")
    if style == "json":
        return ServerSentEvent(data='{"type":"heartbeat"}', sep="\n")
    return ServerSentEvent(data="", sep="\n")


def stream_error(message: str) -> ServerSentEvent:
    """ADK's stream-level failure line; the stream ends after it."""
    return ServerSentEvent(data=json.dumps({"error": message}), sep="\n")
