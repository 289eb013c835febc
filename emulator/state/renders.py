"""Render jobs: status and progress derived from the virtual clock; output written by a worker."""

from __future__ import annotations

import concurrent.futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from client.codes import Code
from emulator.clock import VirtualClock
from emulator.errors import ApiError
from emulator.settings import Settings

Status = Literal["pending", "processing", "completed", "failed", "cancelled"]
JSON = dict[str, Any]


@dataclass
class RenderJob:
    """One export. The job belongs to its user, not its session: it outlives both (§7.5)."""

    id: str
    user_id: str
    session_id: str
    draft: JSON
    output: JSON
    submitted_at: float
    duration: float
    path: Path
    cancelled_at: float | None = None
    error: str | None = None
    encode: concurrent.futures.Future[Any] | None = field(default=None, repr=False)

    @property
    def finishes_at(self) -> float:
        return self.submitted_at + self.duration

    def status(self, now: float) -> Status:
        if self.cancelled_at is not None:
            return "cancelled"
        if self.error is not None:
            return "failed"
        if now < self.submitted_at + min(2.0, self.duration / 10):
            return "pending"
        if now < self.finishes_at or self.encode is None or not self.encode.done():
            return "processing"
        exc = self.encode.exception()
        if exc is not None:
            self.error = f"render failed: {exc}"
            return "failed"
        return "completed"

    def progress(self, now: float) -> int:
        status = self.status(now)
        if status == "completed":
            return 100
        if status == "pending":
            return 5
        done = (now - self.submitted_at) / self.duration if self.duration else 1.0
        return max(5, min(99, int(5 + 94 * done)))


@dataclass
class Renders:
    settings: Settings
    clock: VirtualClock
    root: Path
    by_id: dict[str, RenderJob] = field(default_factory=dict)

    def get(self, render_id: str, user_id: str | None = None) -> RenderJob:
        """The job, unless unknown, expired after retention, or (when `user_id` is given) someone else's."""
        job = self.by_id.get(render_id)
        now = self.clock.now()
        if job is not None and now > job.finishes_at + self.settings.render_retention_s:
            self.by_id.pop(render_id, None)
            job.path.unlink(missing_ok=True)
            job = None
        if job is None or (user_id is not None and job.user_id != user_id):
            raise ApiError(Code.NOT_FOUND, f"render {render_id[:80]!r} not found")
        return job

    def add(self, job: RenderJob) -> None:
        if job.id in self.by_id:
            raise ApiError(Code.CONFLICT, "duplicate id; submit again with a new render id")
        self.by_id[job.id] = job
