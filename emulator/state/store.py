"""Store: all of one emulator's state, built per app; `reset()` re-initialises it.

Everything that runs on behalf of the store (agent turns, uploads being analysed, renders being encoded) is known
to it, and a reset stops all of it, and waits, before it forgets the files: nothing written after a reset lands
in the next test's world. Shared records are changed on the event loop only; worker threads compute and hand
their results back, and `lock` gives a snapshot a consistent view.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import shutil
import tempfile
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import IO, Any

from nemo_emulator.clock import VirtualClock
from nemo_emulator.errors import ErrorLog
from nemo_emulator.hooks import Hooks
from nemo_emulator.ids import Ids
from nemo_emulator.settings import Settings
from nemo_emulator.state.accounts import Accounts
from nemo_emulator.state.generations import Generations
from nemo_emulator.state.oauth import OAuth
from nemo_emulator.state.platform import Platform
from nemo_emulator.state.pool import FairPool
from nemo_emulator.state.renders import RenderJob, Renders
from nemo_emulator.state.sessions import Sessions
from nemo_emulator.state.uploads import Upload, Uploads
from nemo_emulator.urls import UrlSigner

LOCK = ".lock"
_DRAIN_S = 30.0
"""How long a reset waits for stopped work (a render stops at its next frame, an analysis when it is done)."""


class Pools:
    """The store's worker pools, one per kind of work, so that no kind waits behind another."""

    def __init__(self, settings: Settings) -> None:
        self.uploads = FairPool(settings.upload_workers, "upload")
        self.agent = FairPool(settings.agent_workers, "agent")
        self.renders = FairPool(settings.render_workers, "render")

    def all(self) -> tuple[FairPool, ...]:
        return (self.uploads, self.agent, self.renders)


class Store:
    """Tokens, users, sessions, uploads, renders and the clock of one emulator instance."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._own_dir = self.settings.state_dir is None
        self.root = Path(tempfile.mkdtemp(prefix="nemo-emulator-")) if self._own_dir else Path(self.settings.state_dir)  # type: ignore[arg-type]
        self.durable = not self._own_dir
        """With a user-given --state-dir, every change is saved before it is acknowledged."""
        self._lock_file: IO[str] | None = None
        if self.durable:
            self.root.mkdir(parents=True, exist_ok=True)
            self._lock_file = _lock(self.root)
            shutil.rmtree(self.root / "uploads" / ".incoming", ignore_errors=True)  # cut short by a crash
        self.lock = threading.RLock()
        """Held while a snapshot reads the store, and by any thread that changes a shared record."""
        self.hooks = Hooks()
        """Replaced by the harness when the app is built (emulator/harness/)."""
        self.loop: asyncio.AbstractEventLoop | None = None
        """The event loop serving this store, known from its first request."""
        self.epoch = 0
        """Counts resets: work begun before one must not land after it."""
        self.clock = VirtualClock(self.settings.clock_mode, self.settings.start_time, self.settings.time_scale)
        self.pools = Pools(self.settings)
        self.errors = ErrorLog(self.settings.errors_kept)
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
        self.sessions = Sessions(self.ids)
        self.uploads = Uploads(s, self.ids, self.root / "uploads")
        self.renders = Renders(s, self.clock, self.root / "renders", self.pools.renders, self.record_error)
        self.oauth = OAuth(s, self.clock)
        self.generations = Generations(s, self.clock)
        self.platform = Platform(self.clock)
        self.tasks: set[asyncio.Task[Any]] = set()

    @property
    def unexpected_errors(self) -> list[dict[str, Any]]:
        """The unexpected exceptions the server caught (tests assert there are none)."""
        return self.errors.entries

    def record_error(self, record: dict[str, Any]) -> None:
        """Keep an unexpected exception for /_emulator/errors; repeats are counted, the list is bounded."""
        self.errors.record(record)
        self.publish("caught", {"path": record.get("path"), "error": record.get("error")})

    def publish(self, kind: str, data: Any) -> None:
        """Tell whoever watches (the inspector) that something happened."""
        self.hooks.publish(kind, data)

    def media_url(self, base_url: str, kind: str, name: str) -> str:
        """The signed, expiring public URL of a file the emulator serves under /cdn/<kind>/."""
        return self.signer.url(base_url, kind, name)

    def upload_url(self, base_url: str, upload: Upload) -> str:
        """An upload's bytes, under its id and its own file name."""
        return self.media_url(base_url, "uploads", f"{upload.id}/{upload.filename}")

    def output_url(self, base_url: str, job: RenderJob) -> str:
        """A render's MP4 (its name is the job's unguessable key, not its client-chosen id)."""
        return self.media_url(base_url, "renders", f"{job.key}.mp4")

    def watch_clock(self, deadline: float) -> None:
        """On the auto clock something must wait for a deadline that only a poll reads (a render's end), or time
        never gets there."""
        if self.clock.mode == "auto":
            self.spawn(self.clock.sleep_until(deadline))

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run work that must outlive the request (agent turns), keeping a reference until it ends."""
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def areset(self) -> None:
        """Forget everything, as if just created with the same settings, once every turn, upload analysis and
        render of the old world has stopped; the clock restarts too (open inspector pages stay subscribed)."""
        self.epoch += 1
        while tasks := [t for t in self.tasks if t is not asyncio.current_task()]:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)  # a request served meanwhile may start more
        # From here on nothing awaits, so no request is served until the new world exists: the threads' work is
        # waited for right here (a render stops at its next slice, an analysis or a piece of music soon ends).
        self.renders.stop_all()
        self._drain()
        self._forget()

    def reset(self) -> None:
        """`areset()` from a thread other than the server's (a test fixture), or with no server running."""
        loop = self.loop
        if loop is None or loop.is_closed() or not loop.is_running():
            self.epoch += 1
            self.renders.stop_all()
            self._drain()
            self._forget()
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            raise RuntimeError("inside the server's loop, await store.areset()")
        asyncio.run_coroutine_threadsafe(self.areset(), loop).result(_DRAIN_S + 10)

    def _drain(self) -> None:
        for pool in self.pools.all():
            pool.wait_idle(_DRAIN_S)

    def _forget(self) -> None:
        for sub in ("uploads", "renders", "generated"):
            shutil.rmtree(self.root / sub, ignore_errors=True)
        self.clock = VirtualClock(self.settings.clock_mode, self.settings.start_time, self.settings.time_scale)
        self.signer.clock = self.clock
        self._init_state()
        self.hooks.reset()
        self.publish("reset", {})
        self.commit()

    def commit(self) -> None:
        """Make the latest change durable (a no-op without --state-dir)."""
        if self.durable:
            from nemo_emulator.state import persist

            with self.lock:
                persist.save(self)

    def close(self) -> None:
        """Stop the renders, remove the private state directory (never a user-given --state-dir), drop the lock."""
        self.renders.stop_all()
        for pool in self.pools.all():
            pool.close()
        if self._own_dir:
            shutil.rmtree(self.root, ignore_errors=True)
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None


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
