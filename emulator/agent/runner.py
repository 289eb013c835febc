"""Runs one agent turn in the background: credits, tool latencies on the virtual clock, state changes, events.

The turn is a task of its own, so a client that disconnects does not stop it (protocol §7.3); the stream only
reads the queue the turn writes to. A `Say` followed by a `Tool` is one model reply, sent as one event (or, with
`streaming`, as partial events and then that event).
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sse_starlette import ServerSentEvent

from nemo_emulator.agent import replies
from nemo_emulator.agent.events import PROFILES, EventFactory, chunks, frame, heartbeat, stream_error
from nemo_emulator.agent.plan import Plan, Say, Tool, Wait
from nemo_emulator.agent.planner import Planner
from nemo_emulator.errors import ApiError, crash_record
from nemo_emulator.ids import TurnIds
from nemo_emulator.state.accounts import User
from nemo_emulator.state.sessions import Session, note_view
from nemo_emulator.state.store import Store
from nemo_protocol.codes import Code
from nemo_protocol.draft import diff
from nemo_protocol.wire import JSON


def turn_rng(store: Store, session: Session) -> random.Random:
    """The RNG of the session's next turn: same seed + same messages = same bytes."""
    session.turns += 1
    return random.Random(f"turn:{store.settings.seed}:{session.id}:{session.turns}")


def prepare(store: Store, session: Session, user: User, message: str) -> tuple[Plan, random.Random]:
    """Plan the turn and apply the checks that answer before any streaming starts."""
    if session.running and store.settings.concurrent_turns == "reject_409":
        raise ApiError(Code.CONFLICT, "a turn is already running on this session; wait for it or read /state")
    rng = turn_rng(store, session)
    plan = Planner(store.settings, rng).plan(message, session.state, session.language)
    silent = rng.random() < store.settings.silent_edit_ratio
    trailing = rng.random() < store.settings.trailing_temp_issue_ratio
    if plan.silent_eligible and silent:
        plan.steps = [s for s in plan.steps if not isinstance(s, Say)]
    elif trailing and plan.kind == "edit":
        plan.steps.append(Say(replies.say(plan.language, "temp_issue")))
    busy = sum(s.latency for s in plan.steps if isinstance(s, Tool | Wait))
    budget = store.settings.max_turn_s - 1
    if busy > budget:
        for step in plan.steps:
            if isinstance(step, Tool | Wait):
                step.latency = step.latency * budget / busy
    if plan.cost and user.available == 0 and store.settings.credits_exhausted_mode == "before_turn":
        raise ApiError(
            Code.INSUFFICIENT_CREDITS,
            f"no credits left; register at https://nemovideo.com/register?bind={user.id} to keep your work",
        )
    return plan, rng


@dataclass
class Turn:
    """One running invocation and the queue of frames it produces; also the context its tools run in."""

    store: Store
    session: Session
    user: User
    base_url: str
    plan: Plan
    seed: int
    """Seeds the turn's ids and stream chunking (drawn from the turn's RNG once planning is done)."""
    streaming: bool = False
    queue: asyncio.Queue[ServerSentEvent | None] = field(default_factory=asyncio.Queue)
    stall_heartbeats: bool = False

    def __post_init__(self) -> None:
        settings = self.store.settings
        self.ids = TurnIds(self.seed)
        self.events = EventFactory(self.ids, settings.agent_author, PROFILES[settings.adk_profile])
        self.clock = self.store.clock
        self.last_sent = self.clock.now()
        self.generated_dir: Path = self.store.root / "generated"
        self.streaming = self.streaming and settings.mutation != "no_partial"

    @functools.cached_property
    def rng(self) -> random.Random:
        """Chunk sizes and gaps of streamed replies; made on first use, as most turns never stream (2.5 KB each)."""
        return random.Random(self.seed)

    # -- ToolContext ---------------------------------------------------------------------------------------------

    def media_id(self) -> str:
        return self.ids.media()

    def media_url(self, name: str) -> str:
        return self.store.media_url(self.base_url, "generated", name)

    # -- the stream ----------------------------------------------------------------------------------------------

    def _emit(self, item: ServerSentEvent, event: bool = False) -> None:
        self.last_sent = self.clock.now()
        self.queue.put_nowait(item)
        if event:
            self._note("event", item.data)
        else:
            self._note("heartbeat")

    def _event(self, event: JSON) -> None:
        self._emit(frame(event), event=True)

    def _note(self, kind: str, data: Any = None) -> None:
        """Keep a line in the session's transcript and tell any open inspector."""
        line = (self.clock.now(), self.session.turns, kind, data)
        self.session.note(line)
        if self.store.feed.subscribers:
            self.store.feed.publish("turn", {"session_id": self.session.id, **note_view(line)})

    async def _wait(self, seconds: float) -> None:
        """Let `seconds` of virtual time pass, sending a heartbeat whenever the stream has been quiet an interval."""
        end = self.clock.now() + seconds
        interval = self.store.settings.heartbeat_interval_s
        while self.clock.now() < end:
            due = self.last_sent + interval
            if due >= end:
                await self.clock.sleep_until(end)
                break
            await self.clock.sleep_until(due)
            if self.clock.now() >= end:
                break
            if self.stall_heartbeats or self.store.settings.mutation == "no_heartbeat":
                self.last_sent = self.clock.now()
            else:
                self._emit(heartbeat(self.store.settings.heartbeat_style))

    def _replies(self) -> Iterator[Wait | tuple[str | None, Tool | None]]:
        """The plan as waits and model replies: (text, tool), a Say before a Tool being the same reply."""
        steps = self.plan.steps
        i = 0
        while i < len(steps):
            step = steps[i]
            if isinstance(step, Wait):
                yield step
            elif isinstance(step, Say):
                following = steps[i + 1] if i + 1 < len(steps) else None
                if isinstance(following, Tool):
                    yield step.text, following
                    i += 1
                else:
                    yield step.text, None
            else:
                yield None, step
            i += 1

    async def run(self, message: str = "") -> None:
        self.session.running += 1
        before = dict(self.session.state)  # apply_delta replaces top-level keys, so their old values stay intact
        self._note("user", (message, self.plan.kind, self.plan.intents))
        try:
            for item in self._replies():
                if isinstance(item, Wait):
                    await self._wait(item.latency)
                elif not await self._reply(*item):
                    break
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.store.record_error(crash_record("/run_sse", exc))
            self._emit(stream_error(f"internal agent error: {exc}"), event=True)
        finally:
            self.session.running -= 1
            self.queue.put_nowait(None)
            said = any(isinstance(s, Say) for s in self.plan.steps)
            changes = diff(before, self.session.state)
            self._note("end", (not said, changes))
            if changes:
                self.store.feed.publish("state", {"session_id": self.session.id})

    async def _send(self, text: str | None, call: JSON | None) -> None:
        """One model reply, whole or (asked for `streaming`) as partial text events and then the aggregate."""
        if not self.streaming:
            self._event(self.events.reply(text, call, self.clock.now()))
            return
        shared = self.events.event_id()
        own = shared if self.events.profile.shared_partial_id else None
        sizes = iter(lambda: self.rng.randint(*self.store.settings.stream_chunk_words), None)
        pieces = chunks(text, sizes) if text else []
        for k, piece in enumerate(pieces):
            if k:
                await self._wait(self.store.settings.latency_stream_chunk.draw(self.rng))
            last = call is None and k == len(pieces) - 1
            self._event(self.events.partial_text(piece, self.clock.now(), event_id=own, last=last))
        for event in self.events.streamed_ending(text, call, self.clock.now(), event_id=shared):
            self._event(event)

    async def _reply(self, text: str | None, step: Tool | None) -> bool:
        if step is None:
            await self._send(text, None)
            return True
        call_id = self.ids.function_call()
        call: JSON = {"id": call_id, "args": step.args, "name": step.name}
        try:
            if step.cost:
                self.store.accounts.freeze(self.user, step.cost, step.name)
        except ApiError as exc:
            await self._send(text, call)
            error = {"status": "error", "code": int(exc.code), "message": exc.message}
            self._event(self.events.response(call_id, step.name, error, self.clock.now()))
            await self._send(replies.say(self.plan.language, "out_of_credits", user=self.user.id), None)
            return False
        await self._send(text, call)
        charged = False
        try:
            await self._wait(step.latency)
            async with self.session.edit_lock:
                response, delta = await asyncio.to_thread(step.effect, self, self.session.state)
                if delta:
                    self.session.apply_delta(delta)
            charged = True
        finally:
            if step.cost:
                self.store.accounts.settle(self.user, step.cost, charge=charged, why=step.name)
            self.store.commit()
        self._event(self.events.response(call_id, step.name, response, self.clock.now(), delta))
        return True
