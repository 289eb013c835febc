"""Media generated on request (the MCP server's generate_video and generate_audio, protocol B.3): billed once per
caller-stable idempotency key, ready after the generation latency of the virtual clock, and its file made by the
agent's worker pool. Video and music are asynchronous; a sound effect or speech is made at once."""

from __future__ import annotations

import concurrent.futures
from dataclasses import dataclass, field
from typing import Literal

from nemo_emulator.clock import VirtualClock
from nemo_emulator.settings import Settings

Status = Literal["pending", "running", "succeeded", "failed"]
MAX_GENERATIONS = 10000


@dataclass
class Generation:
    id: str
    type: Literal["video", "audio"]
    kind: str
    """video, music, sound_effect or speech."""
    user_id: str
    key: str
    prompt: str
    duration: float
    created_at: float
    ready_at: float
    file: str
    """Its file's name under the generated folder."""
    cost: int
    work: concurrent.futures.Future[object] | None = field(default=None, repr=False)

    def status(self, now: float) -> Status:
        if self.work is not None and self.work.done() and self.work.exception() is not None:
            return "failed"
        if now < self.created_at + min(2.0, (self.ready_at - self.created_at) / 10):
            return "pending"
        if now < self.ready_at or self.work is None or not self.work.done():
            return "running"
        return "succeeded"


@dataclass
class Generations:
    settings: Settings
    clock: VirtualClock
    by_id: dict[str, Generation] = field(default_factory=dict)
    by_key: dict[tuple[str, str], Generation] = field(default_factory=dict)

    def find(self, user_id: str, key: str) -> Generation | None:
        """The user's generation for an idempotency key (a retry of one already billed)."""
        return self.by_key.get((user_id, key))

    def add(self, generation: Generation) -> None:
        if len(self.by_id) >= MAX_GENERATIONS:
            oldest = self.by_id.pop(next(iter(self.by_id)))
            self.by_key.pop((oldest.user_id, oldest.key), None)
        self.by_id[generation.id] = generation
        self.by_key[(generation.user_id, generation.key)] = generation

    def get(self, generation_id: str, user_id: str) -> Generation | None:
        found = self.by_id.get(generation_id)
        return found if found is not None and found.user_id == user_id else None
