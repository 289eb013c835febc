"""Store: all of one emulator's state, built per app; `reset()` re-initialises it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import shutil
import tempfile
from pathlib import Path
from typing import Any

from nemo_emulator.clock import VirtualClock
from nemo_emulator.ids import Ids
from nemo_emulator.settings import Settings
from nemo_emulator.state.accounts import Accounts
from nemo_emulator.state.faults import Faults
from nemo_emulator.state.journal import Journal
from nemo_emulator.state.renders import Renders
from nemo_emulator.state.sessions import Sessions
from nemo_emulator.state.uploads import Uploads


class Store:
    """Tokens, users, sessions, uploads, renders and the clock of one emulator instance."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._own_dir = self.settings.state_dir is None
        self.root = Path(tempfile.mkdtemp(prefix="nemo-emulator-")) if self._own_dir else Path(self.settings.state_dir)  # type: ignore[arg-type]
        self.clock = VirtualClock(self.settings.clock_mode, self.settings.start_time, self.settings.time_scale)
        self.pool = concurrent.futures.ThreadPoolExecutor(self.settings.render_workers, thread_name_prefix="render")
        self._init_state()
        self.durable = not self._own_dir
        """With a user-given --state-dir, every change is saved before it is acknowledged."""
        if self.durable:
            from nemo_emulator.state import persist

            self.root.mkdir(parents=True, exist_ok=True)
            try:
                persist.load(self)
            except (ValueError, KeyError, TypeError) as exc:
                raise RuntimeError(
                    f"{self.root / persist.SNAPSHOT} is not a state snapshot this emulator can read "
                    f"({type(exc).__name__}: {exc}); move it away to start empty"
                ) from exc

    def _init_state(self) -> None:
        s = self.settings
        self.ids = Ids(s.seed)
        self.accounts = Accounts(s, self.clock, self.ids)
        self.sessions = Sessions(self.ids, s.mutation)
        self.uploads = Uploads(s, self.ids, self.root / "uploads")
        self.unexpected_errors: list[dict[str, Any]] = []
        self.faults = Faults()
        self.journal = Journal(s.journal_size)
        self.renders = Renders(s, self.clock, self.root / "renders", self.pool, self.unexpected_errors)
        self.tasks: set[asyncio.Task[Any]] = set()

    def reset(self) -> None:
        """Forget everything, as if just created with the same settings; the clock restarts too."""
        for task in list(self.tasks):
            task.get_loop().call_soon_threadsafe(task.cancel)
        for job in self.renders.by_id.values():
            if job.encode is not None:
                job.encode.cancel()
        for sub in ("uploads", "renders", "generated"):
            shutil.rmtree(self.root / sub, ignore_errors=True)
        self.clock = VirtualClock(self.settings.clock_mode, self.settings.start_time, self.settings.time_scale)
        self._init_state()
        self.commit()

    def commit(self) -> None:
        """Make the latest change durable (a no-op without --state-dir)."""
        if self.durable:
            from nemo_emulator.state import persist

            persist.save(self)

    def record_error(self, record: dict[str, Any]) -> None:
        """Keep an unexpected exception for /_emulator/errors (and the tests that check there are none)."""
        self.unexpected_errors.append(record)

    def media_url(self, base_url: str, kind: str, name: str) -> str:
        """The public URL of a file the emulator serves under /cdn/<kind>/."""
        return f"{base_url.rstrip('/')}/cdn/{kind}/{name}"

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        """Run work that must outlive the request (agent turns), keeping a reference until it ends."""
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def close(self) -> None:
        """Remove the private state directory (not a user-given --state-dir)."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        if self._own_dir:
            shutil.rmtree(self.root, ignore_errors=True)
