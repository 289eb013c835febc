"""The mega API's framing of a turn: ADK events as they go on the wire, framed like a given ADK release's api_server
(Settings.adk_profile), and the heartbeat frames.

A model reply (text, a tool call, or text followed by a tool call) is one event. Asked for `streaming`, a reply's
text first goes out as partial events, a tool call as a partial event of its own, then the aggregated reply; which
keys, ids and splits each release uses was recorded from its own api_server (fixtures/exchanges/adk-*.json).

Deliberate divergences from a bare ADK api_server: heartbeats (ADK sends none; NEMO's gateway does), and no
`usageMetadata` (the emulator runs no model).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

from sse_starlette import ServerSentEvent

from nemo_emulator.agent.steps import Call, Chunk, Done, Failed, Question, Reply, Result, Step, Tick
from nemo_emulator.ids import TurnIds
from nemo_protocol.wire import JSON, dumps


@dataclass(frozen=True, slots=True)
class Profile:
    """How one ADK release frames /run_sse."""

    name: str
    uuid_ids: bool
    """Event ids are UUIDs (else 8 letters and digits)."""
    shared_partial_id: bool
    """A reply's partial events and its aggregate carry one id."""
    node_info: bool
    """Every event carries `nodeInfo: {"path": "<agent>@1"}`."""
    tool_confirmations: bool
    """`actions` carries `requestedToolConfirmations: {}`."""
    finish_reason: bool
    """Model events (and a reply's last partial event) carry `finishReason: "STOP"`."""
    streams_calls: bool
    """Streamed, a tool call arrives as a partial event, then the aggregate holds text and call together with
    `partial: false`; else the aggregated text and the call are two plain events."""
    app_name_required: bool
    message_required: bool


PROFILES = {
    p.name: p
    for p in (
        Profile("adk-2.13", True, True, True, True, True, True, False, False),
        Profile("adk-1.39", True, False, False, True, True, True, True, False),
        Profile("adk-1.4", False, False, False, False, False, False, True, True),
    )
}


class EventFactory:
    """Builds one turn's events: shared invocationId, seeded ids, virtual-clock timestamps, the profile's framing."""

    def __init__(self, ids: TurnIds, author: str, profile: Profile) -> None:
        self.ids = ids
        self.author = author
        self.profile = profile
        self.invocation_id = ids.invocation()

    def event_id(self) -> str:
        return self.ids.uuid() if self.profile.uuid_ids else self.ids.event()

    def _actions(self, state_delta: JSON | None = None) -> JSON:
        actions: JSON = {"stateDelta": state_delta or {}, "artifactDelta": {}, "requestedAuthConfigs": {}}
        if self.profile.tool_confirmations:
            actions["requestedToolConfirmations"] = {}
        return actions

    def _event(
        self,
        parts: list[JSON],
        role: str,
        now: float,
        *,
        event_id: str | None = None,
        partial: bool | None = None,
        finished: bool = False,
        calls: bool = False,
        delta: JSON | None = None,
    ) -> JSON:
        event: JSON = {"content": {"parts": parts, "role": role}}
        if partial is not None:
            event["partial"] = partial
        if finished and self.profile.finish_reason:
            event["finishReason"] = "STOP"
        event["invocationId"] = self.invocation_id
        event["author"] = self.author
        event["actions"] = self._actions(delta)
        if self.profile.node_info:
            event["nodeInfo"] = {"path": f"{self.author}@1"}
        if calls:
            event["longRunningToolIds"] = []
        event["id"] = event_id or self.event_id()
        event["timestamp"] = round(now, 6)
        return event

    def reply(self, text: str | None, call: JSON | None, now: float) -> JSON:
        """A whole model reply as one event: its text, its tool call, or both."""
        parts = ([{"text": text}] if text else []) + ([{"functionCall": call}] if call else [])
        return self._event(parts, "model", now, finished=True, calls=call is not None)

    def partial_text(self, chunk: str, now: float, *, event_id: str | None, last: bool) -> JSON:
        """One streamed chunk of a reply's text (the last chunk of a text-only reply carries the finish reason)."""
        return self._event([{"text": chunk}], "model", now, event_id=event_id, partial=True, finished=last)

    def streamed_ending(self, text: str | None, call: JSON | None, now: float, *, event_id: str) -> list[JSON]:
        """What follows a streamed reply's partial text: the call's own partial event and the aggregate."""
        p = self.profile
        if not p.streams_calls:
            out = [self._event([{"text": text}], "model", now, event_id=event_id)] if text else []
            if call is not None:
                out.append(self._event([{"functionCall": call}], "model", now, calls=True))
            return out
        out = []
        if call is not None:
            own = event_id if p.shared_partial_id else None
            out.append(
                self._event(
                    [{"functionCall": call}], "model", now, event_id=own, partial=True, finished=True, calls=True
                )
            )
        parts = ([{"text": text}] if text else []) + ([{"functionCall": call}] if call else [])
        aggregate_id = event_id if p.shared_partial_id else None
        out.append(
            self._event(
                parts, "model", now, event_id=aggregate_id, partial=False, finished=True, calls=call is not None
            )
        )
        return out

    def response(self, call_id: str, name: str, response: JSON, now: float, delta: JSON | None = None) -> JSON:
        part = {"functionResponse": {"id": call_id, "name": name, "response": response}}
        return self._event([part], "user", now, delta=delta)


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


Frame = tuple[str, ServerSentEvent] | None
"""(kind, frame) on a turn's queue, kind being `event`, `partial` or `heartbeat`; None ends the stream."""


def _call(call: Call | None) -> JSON | None:
    return None if call is None else {"id": call.id, "args": call.args, "name": call.name}


class AdkFraming:
    """A turn's steps as ADK events on a queue the /run_sse response reads: a reply is one event (with
    `streaming`, partial events first), a tool result another, a question a text reply, and a Tick a heartbeat."""

    def __init__(self, ids: TurnIds, author: str, profile: Profile, *, streaming: bool, style: str,
                 interval: float) -> None:  # fmt: skip
        self.events = EventFactory(ids, author, profile)
        self.chunked = streaming
        self.tick_s: float | None = interval
        self.style = style
        self.queue: asyncio.Queue[Frame] = asyncio.Queue()
        self._shared: str | None = None

    def _put(self, kind: str, event: JSON) -> None:
        self.queue.put_nowait((kind, frame(event)))

    def emit(self, step: Step, now: float) -> None:
        events = self.events
        if isinstance(step, Chunk):
            if self._shared is None:
                self._shared = events.event_id()
            own = self._shared if events.profile.shared_partial_id else None
            self._put("partial", events.partial_text(step.text, now, event_id=own, last=step.last))
        elif isinstance(step, Reply | Question):
            text, call = (step.text, _call(step.call)) if isinstance(step, Reply) else (step.text, None)
            if not step.streamed:
                self._put("event", events.reply(text, call, now))
                return
            shared, self._shared = self._shared or events.event_id(), None
            for event in events.streamed_ending(text, call, now, event_id=shared):
                self._put("partial" if event.get("partial") else "event", event)
        elif isinstance(step, Result):
            self._put("event", events.response(step.call.id, step.call.name, step.response, now, step.delta))
        elif isinstance(step, Tick):
            self.queue.put_nowait(("heartbeat", heartbeat(self.style)))
        elif isinstance(step, Failed):
            self.queue.put_nowait(("event", stream_error(step.message)))
            self.queue.put_nowait(None)
        elif isinstance(step, Done):
            self.queue.put_nowait(None)
