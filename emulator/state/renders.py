"""Render jobs: status and progress derived from the virtual clock; the MP4 is encoded by the fair render pool.

A job belongs to its user, not its session: it keeps rendering when the session or token goes away (§7.5) and is
forgotten `render_retention_s` after it finishes. It finishes when its virtual render time is up and the worker is
done with its MP4, whichever is later. Render ids are the client's and live in the user's own namespace: another
user's id neither collides nor shows through a 409. The MP4 is stored under an unguessable key.

Fair shares: a user may have `max_renders_per_user` jobs and `render_user_output_s` output seconds queued or
rendering at once, the anonymous users of one IP `max_renders_per_anonymous_ip` jobs, everyone together
`max_renders_total`; and the pool preempts a long render between slices so a short one never waits it out.
"""

from __future__ import annotations

import concurrent.futures
import math
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from nemo_emulator.clock import VirtualClock
from nemo_emulator.errors import ApiError, crash_record
from nemo_emulator.ids import Ids
from nemo_emulator.settings import Settings
from nemo_emulator.state.pool import FairPool
from nemo_emulator.state.uploads import Uploads
from nemo_protocol import draft as drafts
from nemo_protocol.codes import Code
from nemo_protocol.wire import JSON

DRAFT_HEIGHT, DRAFT_FPS = 540, 10
"""The `draft` quality: a real, playable MP4 for test suites that do not need a pretty one."""
Status = Literal["pending", "processing", "completed", "failed", "cancelled"]
HEIGHTS = {"low": 480, "medium": 720, "high": 1080, "draft": DRAFT_HEIGHT, "360p": 360, "480p": 480, "720p": 720,
           "1080p": 1080}  # fmt: skip
INJECTED = "render failed: injected failure"


@dataclass
class RenderJob:
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
    fail_at: float | None = None
    result: JSON = field(default_factory=dict)
    encoded_at: float | None = None
    """Virtual time the worker was done with the MP4 (written, failed or cancelled); real-time clocks only."""
    key: str = ""
    """The unguessable name of its MP4 (and of its public URL)."""
    encode: concurrent.futures.Future[JSON] | None = field(default=None, repr=False)
    stop: threading.Event = field(default_factory=threading.Event, repr=False)
    """Set to stop a running encode between frames."""

    @property
    def finishes_at(self) -> float:
        return self.submitted_at + self.duration

    @property
    def done_at(self) -> float:
        """When the job stops changing: the later of its render time and its encode (inf while encoding)."""
        if self.encode is not None and not self.encode.done():
            return math.inf
        return max(self.finishes_at, self.encoded_at or 0.0)

    def failure(self, now: float) -> str | None:
        """Why the job failed, if it has by `now` (reading it changes nothing)."""
        if self.error is not None:
            return self.error
        if self.fail_at is not None and now >= self.fail_at:
            return INJECTED
        if now >= self.finishes_at and self.encode is not None and self.encode.done() and not self.encode.cancelled():
            exc = self.encode.exception()
            if exc is not None:
                return f"render failed: {exc}"
        return None

    def status(self, now: float) -> Status:
        if self.cancelled_at is not None:
            return "cancelled"
        if self.failure(now) is not None:
            return "failed"
        if now < self.submitted_at + min(2.0, self.duration / 10):
            return "pending"
        if now < self.finishes_at or self.encode is None or not self.encode.done():
            return "processing"
        return "completed"

    def output_info(self) -> JSON:
        """{duration, size, width, height} of the finished MP4."""
        if self.result or self.encode is None or not self.encode.done() or self.encode.exception() is not None:
            return self.result
        return self.encode.result()

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
    pool: FairPool
    record_error: Callable[[JSON], None]
    """Where encoder crashes are recorded (they are emulator bugs, not render failures the user caused)."""
    by_id: dict[tuple[str, str], RenderJob] = field(default_factory=dict)
    """(user id, render id) -> job."""
    by_key: dict[str, RenderJob] = field(default_factory=dict)

    def get(self, render_id: str, user_id: str) -> RenderJob:
        """The user's job, unless unknown, expired after retention, or someone else's (all look the same)."""
        job = self.by_id.get((user_id, render_id))
        if job is not None and self.clock.now() > job.done_at + self.settings.render_retention_s:
            self.forget(job)
            job = None
        if job is None:
            raise ApiError(Code.NOT_FOUND, f"render {render_id[:128]!r} not found")
        return job

    def latest(self, user_id: str, session_id: str) -> RenderJob | None:
        """The user's newest completed render of a session."""
        now = self.clock.now()
        done = [j for (u, _), j in self.by_id.items() if u == user_id and j.session_id == session_id
                and j.status(now) == "completed"]  # fmt: skip
        return max(done, key=lambda j: j.submitted_at, default=None)

    def forget(self, job: RenderJob) -> None:
        self.by_id.pop((job.user_id, job.id), None)
        self.by_key.pop(job.key, None)
        job.path.unlink(missing_ok=True)

    def check_room(self, user_id: str, seconds: float, ip_users: set[str] | None) -> None:
        """429 past a user's (or an anonymous IP's) fair share, 503 once the emulator renders all it can."""
        s = self.settings
        if self.pool.pending(user_id) >= s.max_renders_per_user:
            raise ApiError(Code.RATE_LIMITED, f"{s.max_renders_per_user} of your renders are still running; wait "
                                              "for one to finish", headers={"Retry-After": "30"})  # fmt: skip
        if self.pool.load({user_id}) + seconds > s.render_user_output_s:
            raise ApiError(Code.RATE_LIMITED, f"your queued renders would pass {s.render_user_output_s:g} seconds "
                                              "of output; wait for one to finish", headers={"Retry-After": "30"})
        if ip_users is not None and sum(self.pool.pending(u) for u in ip_users) >= s.max_renders_per_anonymous_ip:
            raise ApiError(Code.RATE_LIMITED, "the anonymous users of your network have too many renders running; "
                                              "wait for one to finish", headers={"Retry-After": "30"})
        if self.pool.pending() >= s.max_renders_total:
            raise ApiError(Code.BUSY, "the emulator is rendering all it can; retry shortly",
                           headers={"Retry-After": "30"})  # fmt: skip

    def submit(self, render_id: str, user_id: str, session_id: str, draft: JSON, output: JSON, uploads: Uploads,
               analyses: JSON, ip_users: set[str] | None = None) -> RenderJob:  # fmt: skip
        """Start a job; its duration is drawn from the render latency profile, seeded by id."""
        s = self.settings
        if (user_id, render_id) in self.by_id:
            raise ApiError(Code.CONFLICT, "duplicate id; submit again with a new render id")
        seconds = drafts.duration_ms(draft) / 1000
        self.check_room(user_id, seconds, ip_users)
        rng = random.Random(f"render:{s.seed}:{render_id}")
        duration = s.latency_render.draw(rng, seconds)
        key = Ids.file_key()
        job = RenderJob(render_id, user_id, session_id, draft, output, self.clock.now(), duration,
                        self.root / f"{key}.mp4", key=key)  # fmt: skip
        self.start_encode(job, uploads, analyses)
        self.by_id[(user_id, render_id)] = job
        self.by_key[key] = job
        return job

    def start_encode(self, job: RenderJob, uploads: Uploads, analyses: JSON) -> None:
        """Queue the job's MP4 for encoding (also used to resume jobs after a restart)."""
        from nemo_emulator.media.render import render_steps
        from nemo_emulator.state.sessions import analysis_for

        output = job.output
        draft_quality = self.settings.render_draft or output.get("quality") == "draft"
        asked = "draft" if self.settings.render_draft else str(output.get("resolution") or output.get("quality"))
        height = min(HEIGHTS.get(asked, 1080), self.settings.render_max_height)
        max_fps = DRAFT_FPS if draft_quality else 60
        resolve = source_resolver(job.user_id, uploads, self.root.parent / "generated")

        def cuts(src: str) -> list[float]:
            return list(analysis_for(analyses, src).get("scene_cuts", []))

        def encode() -> object:
            return render_steps(job.draft, job.path, resolve, max_short=height, max_fps=max_fps, cuts=cuts,
                                cancel=job.stop, preset=self.settings.render_preset)  # fmt: skip

        self.root.mkdir(parents=True, exist_ok=True)
        job.encode = self.pool.submit(job.user_id, encode, weight=max(1.0, drafts.duration_ms(job.draft) / 1000))
        if self.clock.mode == "realtime":  # other clocks treat the encode as instant: no status depends on CPU speed
            job.encode.add_done_callback(lambda _: setattr(job, "encoded_at", self.clock.now()))
        job.encode.add_done_callback(lambda fut: self._record_crash(job, fut))

    def _record_crash(self, job: RenderJob, fut: concurrent.futures.Future[JSON]) -> None:
        """A failed encode is an emulator bug, unless it was stopped (cancelled, or the store reset under it)."""
        if not fut.cancelled() and (exc := fut.exception()) is not None and not job.stop.is_set():
            self.record_error(crash_record("render", exc))

    def cancel(self, job: RenderJob) -> None:
        """Cancel a job: a queued encode never starts, a running one stops at its next frame."""
        status = job.status(self.clock.now())
        if status in ("completed", "failed"):
            raise ApiError(Code.CONFLICT, f"render already {status}; nothing to cancel")
        if job.cancelled_at is None:
            job.cancelled_at = self.clock.now()
            _stop(job)

    def stop_all(self) -> None:
        """Stop every job's encode (a reset or shutdown), as `cancel` does, without marking them cancelled."""
        for job in self.by_id.values():
            _stop(job)


def _stop(job: RenderJob) -> None:
    """A queued encode never starts; a running one stops at its next frame."""
    job.stop.set()
    if job.encode is not None:
        job.encode.cancel()


def source_resolver(user_id: str, uploads: Uploads, generated: Path) -> Callable[[str], Path | None]:
    """Local file behind a segment `src`: the user's own uploads and generated audio; else None."""

    def resolve(src: str) -> Path | None:
        if src.startswith("asset://media/"):  # the MCP surface's name of an upload (nemo_protocol.v3.asset_url)
            src = "/cdn/uploads/" + src.removeprefix("asset://media/")
        parts = urlsplit(src).path.split("/")
        if len(parts) >= 5 and parts[1:3] == ["cdn", "uploads"]:
            upload = uploads.by_id.get(parts[3])
            if upload is not None and upload.user_id == user_id and upload.filename == unquote(parts[4]):
                return upload.path
        if len(parts) == 4 and parts[1:3] == ["cdn", "generated"] and parts[3].endswith((".wav", ".mp4")):
            path = generated / parts[3]
            return path if path.exists() and "/" not in parts[3] else None
        return None

    return resolve
