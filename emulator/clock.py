"""The virtual clock: the only place in the emulator that reads real time or sleeps.

In `manual` mode time moves only when told to (tests, /_emulator/clock). In `auto` mode it stands still while
nothing waits and jumps straight to the earliest deadline as soon as something does (a turn's tool, a render), so a
client's calls complete at once and in a deterministic order. In `realtime` mode it follows the wall clock
multiplied by `time_scale`. Every mode can be advanced by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from datetime import UTC, datetime
from typing import Any


class VirtualClock:
    """Virtual epoch seconds; safe to advance from any thread while the server waits on it."""

    AUTO_IDLE_S = 0.002
    """In `auto` mode, real seconds to let other tasks reach their own waits before time jumps."""

    def __init__(self, mode: str = "manual", start: float | None = None, scale: float = 1.0) -> None:
        self.mode = mode
        self.scale = scale
        self._base = start if start is not None and mode != "realtime" else time.time()
        self._real0 = time.monotonic()
        self._lock = threading.Condition()
        self._waiters: dict[asyncio.Future[None], float] = {}
        self._auto_pending = False

    def now(self) -> float:
        """Current virtual time, epoch seconds."""
        if self.mode == "realtime":
            return self._base + (time.monotonic() - self._real0) * self.scale
        return self._base

    def view(self) -> dict[str, Any]:
        """The clock as the control plane and the inspector show it."""
        return {"now": self.now(), "iso": self.iso(), "mode": self.mode, "scale": self.scale,
                "next_deadline": self.next_deadline()}  # fmt: skip

    @staticmethod
    def wall() -> float:
        """Real monotonic seconds, for measuring how long something took (the request journal)."""
        return time.monotonic()

    @staticmethod
    def real_epoch() -> float:
        """The wall clock's epoch seconds, for a library that compares expiries with it (the MCP SDK's OAuth)."""
        return time.time()

    @staticmethod
    async def wall_sleep(seconds: float) -> None:
        """Hold for real seconds (injected latency is about real clients' timeouts, not virtual time)."""
        await asyncio.sleep(max(0.0, min(seconds, 600.0)))

    def iso(self, t: float | None = None) -> str:
        """ISO-8601 UTC with a trailing Z, the protocol's timestamp form."""
        moment = datetime.fromtimestamp(self.now() if t is None else t, UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def advance(self, seconds: float) -> float:
        """Move time forward and wake every sleeper whose deadline has passed."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._base += seconds
        self._wake()
        return self.now()

    def set(self, t: float) -> float:
        """Jump to an absolute virtual time (never backwards)."""
        return self.advance(max(0.0, t - self.now()))

    async def sleep_until(self, deadline: float) -> None:
        """Wait until virtual time reaches `deadline`."""
        loop = asyncio.get_running_loop()
        while (remaining := deadline - self.now()) > 0:
            fut: asyncio.Future[None] = loop.create_future()
            with self._lock:
                self._waiters[fut] = deadline
                self._lock.notify_all()
            if self.mode == "auto" and not self._auto_pending:
                self._auto_pending = True
                loop.call_later(self.AUTO_IDLE_S, self._auto_step)
            try:
                timeout = remaining / self.scale if self.mode == "realtime" else None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(fut, timeout)
            finally:
                with self._lock:
                    self._waiters.pop(fut, None)

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of virtual time."""
        await self.sleep_until(self.now() + seconds)

    def next_deadline(self) -> float | None:
        """The earliest time something is sleeping until, if anything is."""
        with self._lock:
            return min(self._waiters.values(), default=None)

    def wait_for_sleeper(self, timeout: float) -> bool:
        """Block this thread until some task sleeps on the clock (a test driving another thread's server)."""
        with self._lock:
            return self._lock.wait_for(lambda: bool(self._waiters), timeout)

    async def next_sleeper(self, timeout: float) -> float | None:
        """From inside the server's loop: wait up to `timeout` real seconds for a sleeper; its deadline."""
        end = time.monotonic() + timeout
        while (deadline := self.next_deadline()) is None and time.monotonic() < end:
            await asyncio.sleep(0.002)
        return deadline

    def advance_to_next(self) -> float:
        """Jump to the earliest pending deadline (run the next timer); returns the seconds advanced."""
        deadline = self.next_deadline()
        if deadline is None:
            return 0.0
        step = max(0.0, deadline - self.now())
        self.advance(step)
        return step

    def _auto_step(self) -> None:
        """Jump to the earliest deadline; while others still wait, the next jump follows (a sleeper woken early
        need not sleep again for the later ones to be reached)."""
        self._auto_pending = False
        self.advance_to_next()
        if self.next_deadline() is not None:
            self._auto_pending = True
            asyncio.get_running_loop().call_later(self.AUTO_IDLE_S, self._auto_step)

    def _wake(self) -> None:
        now = self.now()
        with self._lock:
            due = [f for f, d in self._waiters.items() if d <= now or self.mode == "realtime"]
            for fut in due:
                del self._waiters[fut]
        for fut in due:
            loop = fut.get_loop()
            if not loop.is_closed():
                loop.call_soon_threadsafe(_resolve, fut)


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)
