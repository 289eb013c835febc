"""Runs one agent turn in the background: credits, tool latencies on the virtual clock, state changes, events.

The turn is a task of its own, so a client that disconnects does not stop it (protocol §7.3); the
stream only reads the queue the turn writes to.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field

from sse_starlette import ServerSentEvent

from nemo_emulator.agent import tools
from nemo_emulator.agent.events import EventFactory, frame, heartbeat, stream_error
from nemo_emulator.agent.phrases import find_mood
from nemo_emulator.agent.turns import MOODS_LABEL, Plan, Planner, Say, Tool, Wait, draft_video_src
from nemo_emulator.errors import ApiError, crash_record
from nemo_emulator.ids import TurnIds
from nemo_emulator.state.accounts import User
from nemo_emulator.state.sessions import Session, analysis_for
from nemo_emulator.state.store import Store
from nemo_protocol.codes import Code
from nemo_protocol.wire import JSON

TEMP_ISSUE = "I encountered a temporary issue. Please try again later."


def turn_rng(store: Store, session: Session) -> random.Random:
    """The RNG of the session's next turn: same seed + same messages = same bytes."""
    session.turns += 1
    return random.Random(f"turn:{store.settings.seed}:{session.id}:{session.turns}")


def prepare(store: Store, session: Session, user: User, message: str) -> tuple[Plan, random.Random]:
    """Plan the turn and apply the checks that answer before any streaming starts."""
    if session.running and store.settings.concurrent_turns == "reject_409":
        raise ApiError(Code.CONFLICT, "a turn is already running on this session; wait for it or read /state")
    rng = turn_rng(store, session)
    plan = Planner(store.settings, rng).plan(message, session.state)
    silent = rng.random() < store.settings.silent_edit_ratio
    trailing = rng.random() < store.settings.trailing_temp_issue_ratio
    if plan.silent_eligible and silent:
        last_tool = max(i for i, s in enumerate(plan.steps) if isinstance(s, Tool))
        plan.steps = plan.steps[: last_tool + 1]
    elif trailing and plan.kind != "help":
        plan.steps.append(Say(TEMP_ISSUE))
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
    """One running invocation and the queue of frames it produces."""

    store: Store
    session: Session
    user: User
    base_url: str
    plan: Plan
    seed: int
    """Seeds the turn's ids (drawn from the turn's RNG once planning is done)."""
    queue: asyncio.Queue[ServerSentEvent | None] = field(default_factory=asyncio.Queue)
    stall_heartbeats: bool = False

    def __post_init__(self) -> None:
        self.ids = TurnIds(self.seed)
        self.events = EventFactory(self.ids, self.store.settings.agent_author)
        self.clock = self.store.clock
        self.last_sent = self.clock.now()

    def _emit(self, item: ServerSentEvent) -> None:
        self.last_sent = self.clock.now()
        self.queue.put_nowait(item)

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

    async def run(self) -> None:
        self.session.running += 1
        try:
            for step in self.plan.steps:
                if isinstance(step, Say):
                    self._emit(frame(self.events.text(step.text, self.clock.now())))
                elif isinstance(step, Wait):
                    await self._wait(step.latency)
                elif not await self._tool(step):
                    break
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.store.unexpected_errors.append(crash_record("/run_sse", exc))
            self._emit(stream_error(f"internal agent error: {exc}"))
        finally:
            self.session.running -= 1
            self.queue.put_nowait(None)

    async def _tool(self, step: Tool) -> bool:
        call_id = self.ids.function_call()
        try:
            if step.cost:
                self.store.accounts.freeze(self.user, step.cost)
        except ApiError as exc:
            self._emit(frame(self.events.call(call_id, step.name, step.args, self.clock.now())))
            error = {"status": "error", "code": int(exc.code), "message": exc.message}
            self._emit(frame(self.events.response(call_id, step.name, error, self.clock.now())))
            self._emit(
                frame(
                    self.events.text(
                        "You're out of credits, so I couldn't finish this. Check your account page to top up, or "
                        f"register at https://nemovideo.com/register?bind={self.user.id} to get more.",
                        self.clock.now(),
                    )
                )
            )
            return False
        self._emit(frame(self.events.call(call_id, step.name, step.args, self.clock.now())))
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
                self.store.accounts.settle(self.user, step.cost, charge=charged)
            self.store.commit()
        self._emit(frame(self.events.response(call_id, step.name, response, self.clock.now(), delta)))
        return True

    # -- effects that create media (called from a worker thread; they only read state) -------------------

    def generate_video(self, state: JSON, prompt: str, seconds: float, mood: str | None) -> tuple[JSON, JSON]:
        media_id = self.ids.media()
        url = f"{self.base_url}/cdn/generated/{media_id}.mp4"
        entry = {
            "id": media_id,
            "type": "video",
            "url": url,
            "duration": seconds,
            "prompt": prompt,
            "tool": "generate_video_with_seedance",
        }
        analysis = {
            "mood": mood or find_mood(prompt) or "cinematic",
            "scene_cuts": [round(seconds / 3, 2), round(2 * seconds / 3, 2)],
            "source": "prompt",
        }
        response, delta = tools.add_video(state, entry, name=prompt[:40])
        delta["generated_media"] = [*state.get("generated_media", []), entry]
        delta["video_analyses"] = {**state.get("video_analyses", {}), media_id: analysis}
        return {**response, "media_id": media_id}, delta

    def generate_music(
        self, state: JSON, mood: str | None, volume: float, seed: int, requested_ms: int | None
    ) -> tuple[JSON, JSON]:
        from nemo_emulator.media.music import compose, write_wav

        length = int(tools.video_length_ms(state) or requested_ms or 10000)
        analysis = analysis_for(state.get("video_analyses", {}), draft_video_src(state) or "")
        chosen = mood or analysis.get("mood") or "lo-fi"
        cuts = [c for c in analysis.get("scene_cuts", []) if c * 1000 < length]
        media_id = self.ids.media()
        path = self.store.root / "generated" / f"{media_id}.wav"
        write_wav(path, compose(length / 1000, chosen, seed, cuts))
        url = f"{self.base_url}/cdn/generated/{media_id}.wav"
        label = MOODS_LABEL.get(chosen, chosen.title())
        response, delta = tools.add_bgm(state, url, label=label, mood=chosen, volume=volume, duration_ms=length)
        entry = {
            "id": media_id,
            "type": "audio",
            "url": url,
            "duration": length / 1000,
            "prompt": chosen,
            "tool": "generate_music",
            "scene_cuts": cuts,
        }
        delta["generated_media"] = [*state.get("generated_media", []), entry]
        return {**response, "media_id": media_id}, delta
