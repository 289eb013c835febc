"""The turn engine: one agent turn as neutral steps (agent/steps.py), for whichever surface frames them.

A turn runs as a task of its own, so a client that disconnects does not stop it (protocol §7.3): credits are
frozen and settled, tools wait on the virtual clock and change the session's state, and every step goes to the
turn's framing as it happens. A `Say` followed by a `Tool` is one model reply. Waiting, the engine sends a Tick
whenever the stream has been quiet for the framing's interval.
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from nemo_emulator.agent import replies
from nemo_emulator.agent.plan import Ask, Plan, Say, Tool, Wait
from nemo_emulator.agent.planner import Planner
from nemo_emulator.agent.steps import (
    Call,
    Chunk,
    Done,
    Failed,
    Framing,
    Option,
    Question,
    Reply,
    Result,
    Step,
    Thinking,
    Tick,
)
from nemo_emulator.errors import ApiError, crash_record
from nemo_emulator.ids import TurnIds
from nemo_emulator.state.accounts import User
from nemo_emulator.state.sessions import Pending, Session, note_view
from nemo_emulator.state.store import Store
from nemo_protocol.codes import Code
from nemo_protocol.draft import diff
from nemo_protocol.wire import JSON

FramingFactory = Callable[[TurnIds], Framing]
"""Builds a turn's framing from the turn's ids (a framing that numbers its frames draws from them in order)."""


def turn_rng(store: Store, session: Session) -> random.Random:
    """The RNG of the session's next turn: same seed + same messages = same bytes."""
    session.turns += 1
    return random.Random(f"turn:{store.settings.seed}:{session.id}:{session.turns}")


def prepare(store: Store, session: Session, user: User, message: str) -> tuple[Plan, random.Random]:
    """Plan the turn and apply the checks that answer before any streaming starts."""
    if session.running and store.settings.concurrent_turns == "reject_409":
        raise ApiError(Code.CONFLICT, "a turn is already running on this session; wait for it or read /state")
    rng = turn_rng(store, session)
    pending, session.pending = session.pending, None
    plan = Planner(store.settings, rng).plan(message, session.state, session.language, pending)
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
        raise ApiError(Code.INSUFFICIENT_CREDITS, f"no credits left; {store.accounts.top_up_hint(user)}")
    return plan, rng


class Turn:
    """One running turn; also the context its tools run in (ToolContext)."""

    def __init__(
        self,
        store: Store,
        session: Session,
        user: User,
        base_url: str,
        plan: Plan,
        seed: int,
        framing: FramingFactory,
    ) -> None:
        """`seed` (drawn from the turn's RNG once planning is done) seeds the turn's ids and its chunking."""
        self.store, self.session, self.user, self.base_url, self.plan, self.seed = (
            store, session, user, base_url, plan, seed)  # fmt: skip
        self.ids = TurnIds(seed)
        self.framing = framing(self.ids)
        self.clock = store.clock
        self.last_sent = self.clock.now()
        self.generated_dir: Path = store.root / "generated"
        self.conversation = f"conv_{seed & 0xFFFFFFFFFFFFFFFF:016x}"
        """The id this turn's charges carry in the ledger (the gateway's usage history groups by it)."""
        self.began = False

    def start(self, message: str = "") -> asyncio.Task[None]:
        """Run the turn as the store's work (a reset cancels it). A turn cancelled before its first step never
        reaches run()'s own ending, so its stream is ended here: a client must not wait on a turn that is gone."""
        task = self.store.spawn(self.run(message))

        def ended(done: asyncio.Task[None]) -> None:
            if not self.began:
                self.framing.emit(Done(), self.clock.now())

        task.add_done_callback(ended)
        return task

    @functools.cached_property
    def rng(self) -> random.Random:
        """Chunk sizes and gaps of streamed replies; made on first use, as most turns never stream (2.5 KB each)."""
        return random.Random(self.seed)

    # -- ToolContext ---------------------------------------------------------------------------------------------

    def media_id(self) -> str:
        return self.ids.media()

    def media_url(self, name: str) -> str:
        return self.store.media_url(self.base_url, "generated", name)

    # -- steps ---------------------------------------------------------------------------------------------------

    def _emit(self, step: Step) -> None:
        now = self.clock.now()
        if not isinstance(step, Thinking | Done):
            self.last_sent = now
        self.framing.emit(step, now)
        self._note(step)

    def _note(self, step: Step | tuple[str, Any]) -> None:
        """Keep a line in the session's transcript and tell any open inspector."""
        if isinstance(step, tuple):
            kind, data = step
        elif isinstance(step, Reply | Chunk | Result | Question | Failed):
            kind, data = type(step).__name__.lower(), step
        elif isinstance(step, Tick):
            kind, data = "heartbeat", None
        else:
            return
        line = (self.clock.now(), self.session.turns, kind, data)
        self.session.note(line)
        if self.store.hooks.watching:
            self.store.publish("turn", {"session_id": self.session.id, **note_view(line)})

    async def _wait(self, seconds: float) -> None:
        """Let `seconds` of virtual time pass, with a Tick whenever the stream has been quiet an interval."""
        end = self.clock.now() + seconds
        interval = self.framing.tick_s
        while self.clock.now() < end:
            due = self.last_sent + interval if interval else end
            if due >= end:
                await self.clock.sleep_until(end)
                break
            await self.clock.sleep_until(due)
            if self.clock.now() >= end:
                break
            self._emit(Tick())

    def _replies(self) -> Iterator[Wait | Ask | tuple[str | None, Tool | None]]:
        """The plan as waits, questions and model replies: (text, tool), a Say before a Tool being one reply."""
        steps = self.plan.steps
        i = 0
        while i < len(steps):
            step = steps[i]
            if isinstance(step, Wait | Ask):
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
        self.began = True
        self.session.running += 1
        before = dict(self.session.state)  # apply_delta replaces top-level keys, so their old values stay intact
        self._note(("user", (message, self.plan.kind, self.plan.intents)))
        asked = ended = False
        try:
            for item in self._replies():
                if isinstance(item, Wait):
                    self._emit(Thinking(True))
                    await self._wait(item.latency)
                    self._emit(Thinking(False))
                elif isinstance(item, Ask):
                    asked = True
                    await self._ask(item)
                elif not await self._reply(*item):
                    break
            ended = True
            self._emit(Done(asked))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            ended = True
            self.store.record_error(crash_record("turn", exc))
            self._emit(Failed(f"internal agent error: {exc}"))
        finally:
            if not ended:  # cancelled (a reset, or a client that asked to stop): the stream still ends
                self.framing.emit(Done(), self.clock.now())
            self.session.running -= 1
            said = any(isinstance(s, Say | Ask) for s in self.plan.steps)
            changes = diff(before, self.session.state)
            self._note(("end", (not said, changes)))
            if changes:
                self.store.publish("state", {"session_id": self.session.id})

    async def _ask(self, ask: Ask) -> None:
        """A clarifying question; the session keeps its choices, so that the next message may pick one."""
        self.session.pending = Pending(self.plan.message, ask.options) if ask.options else None
        options = tuple(Option(o.id, o.label) for o in ask.options)
        if self.framing.chunked:
            await self._chunks(ask.text, None)
        self._emit(Question(ask.text, ask.prompt, options, streamed=self.framing.chunked))

    async def _send(self, text: str | None, call: Call | None) -> None:
        """One model reply, whole or (the framing asks for chunks) as chunks of text and then the reply."""
        if not self.framing.chunked:
            self._emit(Reply(text, call))
            return
        await self._chunks(text, call)
        self._emit(Reply(text, call, streamed=True))

    async def _chunks(self, text: str | None, call: Call | None) -> None:
        sizes = iter(lambda: self.rng.randint(*self.store.settings.stream_chunk_words), None)
        pieces = replies.chunks(text, sizes) if text else []
        for k, piece in enumerate(pieces):
            if k:
                await self._wait(self.store.settings.latency_stream_chunk.draw(self.rng))
            self._emit(Chunk(piece, last=call is None and k == len(pieces) - 1))

    async def _reply(self, text: str | None, step: Tool | None) -> bool:
        if step is None:
            await self._send(text, None)
            return True
        call = Call(self.ids.function_call(), step.name, step.args)
        accounts = self.store.accounts
        try:
            if step.cost:
                accounts.freeze(self.user, step.cost, step.name)
        except ApiError as exc:
            await self._send(text, call)
            error = {"status": "error", "code": int(exc.code), "message": exc.message}
            self._emit(Result(call, error))
            await self._send(replies.say(self.plan.language, "out_of_credits", hint=accounts.top_up_hint(self.user)),
                             None)  # fmt: skip
            return False
        charged = False
        response: JSON = {}
        delta: JSON = {}
        try:  # from the freeze on: whatever stops the turn (an abort, a reset), the credits are settled
            await self._send(text, call)
            await self._wait(step.latency)
            async with self.session.edit_lock:
                work = functools.partial(step.effect, self, self.session.state)
                response, delta = await asyncio.wrap_future(self.store.pools.agent.submit(self.user.id, work))
                if delta:
                    self.session.apply_delta(delta, self.clock.now())
            charged = True
        finally:
            if step.cost:
                accounts.settle(self.user, step.cost, charge=charged, why=step.name,
                                turn=self._charge_context())  # fmt: skip
            self.store.commit()
        self._emit(Result(call, response, delta))
        return True

    def _charge_context(self) -> JSON:
        return {"conversation_id": self.conversation, "session_id": self.session.id,
                "project_id": self.session.task_id, "message": self.plan.message}  # fmt: skip
