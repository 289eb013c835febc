"""Store: all of one emulator's state, built per app; `reset()` re-initialises it."""

from __future__ import annotations

import asyncio
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any

from nemo_emulator.clock import VirtualClock
from nemo_emulator.ids import Ids
from nemo_emulator.settings import Settings
from nemo_emulator.state.accounts import Accounts
from nemo_emulator.state.faults import Faults
from nemo_emulator.state.feed import Feed
from nemo_emulator.state.journal import ErrorLog, Journal
from nemo_emulator.state.render_queue import RenderQueue
from nemo_emulator.state.renders import RenderJob, Renders
from nemo_emulator.state.sessions import Session, Sessions
from nemo_emulator.state.uploads import Upload, Uploads
from nemo_emulator.urls import UrlSigner
from nemo_protocol.wire import JSON

LOCK = ".lock"


class Store:
    """Tokens, users, sessions, uploads, renders and the clock of one emulator instance."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._own_dir = self.settings.state_dir is None
        self.root = Path(tempfile.mkdtemp(prefix="nemo-emulator-")) if self._own_dir else Path(self.settings.state_dir)  # type: ignore[arg-type]
        self.durable = not self._own_dir
        """With a user-given --state-dir, every change is saved before it is acknowledged."""
        self._lock: IO[str] | None = None
        if self.durable:
            self.root.mkdir(parents=True, exist_ok=True)
            self._lock = _lock(self.root)
        self.clock = VirtualClock(self.settings.clock_mode, self.settings.start_time, self.settings.time_scale)
        self.queue = RenderQueue(self.settings.render_workers)
        self.feed = Feed(Journal(0))
        """Open inspector pages; they outlive a reset."""
        self._init_state()
        self.signer = UrlSigner(self.ids.signing_key(), self.clock, self.settings.cdn_url_ttl_s)
        if self.durable:
            from nemo_emulator.state import persist

            try:
                persist.load(self)
            except (ValueError, KeyError, TypeError) as exc:
                self.close()
                raise RuntimeError(
                    f"{self.root / persist.SNAPSHOT} is not a state snapshot this emulator can read "
                    f"({type(exc).__name__}: {exc}); move it away to start empty"
                ) from exc

    def _init_state(self) -> None:
        s = self.settings
        self.ids = Ids(s.seed, reproducible_tokens=s.reproducible_tokens)
        self.accounts = Accounts(s, self.clock, self.ids)
        self.sessions = Sessions(self.ids, s.mutation)
        self.uploads = Uploads(s, self.ids, self.root / "uploads")
        self.errors = ErrorLog(s.errors_kept)
        self.faults = Faults()
        self.journal = Journal(s.journal_size)
        self.feed.attach(self.journal)
        self.renders = Renders(s, self.clock, self.root / "renders", self.queue, self.record_error)
        self.tasks: set[asyncio.Task[Any]] = set()

    @property
    def unexpected_errors(self) -> list[dict[str, Any]]:
        """The unexpected exceptions the server caught (tests assert there are none)."""
        return self.errors.entries

    def record_error(self, record: dict[str, Any]) -> None:
        """Keep an unexpected exception for /_emulator/errors; repeats are counted, the list is bounded."""
        self.errors.record(record)
        self.feed.publish("caught", {"path": record.get("path"), "error": record.get("error")})

    def media_url(self, base_url: str, kind: str, name: str) -> str:
        """The signed, expiring public URL of a file the emulator serves under /cdn/<kind>/."""
        return self.signer.url(base_url, kind, name)

    def upload_url(self, base_url: str, upload: Upload) -> str:
        """An upload's bytes, under its id and its own file name."""
        return self.media_url(base_url, "uploads", f"{upload.id}/{upload.filename}")

    def output_url(self, base_url: str, job: RenderJob) -> str:
        """A render's MP4 (its name is the job's unguessable key, not its client-chosen id)."""
        return self.media_url(base_url, "renders", f"{job.key}.mp4")

    def start_render(
        self, render_id: str, user_id: str, session: Session, draft: JSON, output: JSON, base_url: str
    ) -> RenderJob:
        """Submit an export; on the auto clock something must wait for the job's end, or time never gets there."""
        job = self.renders.submit(render_id, user_id, session, draft, output, self.uploads, base_url)
        if self.clock.mode == "auto":
            self.spawn(self.clock.sleep_until(job.finishes_at))
        return job

    def reset(self) -> None:
        """Forget everything, as if just created with the same settings; the clock restarts too (open inspector
        pages stay subscribed and are told)."""
        for task in list(self.tasks):
            task.get_loop().call_soon_threadsafe(task.cancel)
        self.renders.stop_all()
        for sub in ("uploads", "renders", "generated"):
            shutil.rmtree(self.root / sub, ignore_errors=True)
        self.clock = VirtualClock(self.settings.clock_mode, self.settings.start_time, self.settings.time_scale)
        self.signer.clock = self.clock
        self._init_state()
        self.feed.publish("reset", {})
        self.commit()

    def commit(self) -> None:
        """Make the latest change durable (a no-op without --state-dir)."""
        if self.durable:
            from nemo_emulator.state import persist

            persist.save(self)

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        """Run work that must outlive the request (agent turns), keeping a reference until it ends."""
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def close(self) -> None:
        """Stop the renders, remove the private state directory (never a user-given --state-dir), drop the lock."""
        self.renders.stop_all()
        self.queue.close()
        if self._own_dir:
            shutil.rmtree(self.root, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def _lock(root: Path) -> IO[str]:
    """An exclusive lock on the state directory, so two servers never hand out the same ids from one snapshot."""
    handle = (root / LOCK).open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        owner = handle.read().strip() or "another process"
        handle.close()
        raise RuntimeError(f"{root} is in use by {owner}; stop that server or choose another --state-dir") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"nemo-emulator (pid {os.getpid()})")
    handle.flush()
    return handle
