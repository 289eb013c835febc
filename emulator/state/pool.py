"""Fair, bounded worker pools: users take turns, so one user's work never starves another's.

The emulator keeps three (Store.pools): upload analysis, agent work (tool effects such as music) and renders, so a
flood of one kind never delays another kind. Work may be a plain function or a generator function: a generator
runs one step (a slice of a render) at a time, and between steps it yields its worker to whoever else is
waiting, which is how a 20-minute render is preempted by a one-second one. Threads start with the first work.
"""

from __future__ import annotations

import concurrent.futures
import inspect
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, cast


@dataclass(slots=True)
class _Work:
    user: str
    run: Callable[[], Any]
    future: concurrent.futures.Future[Any]
    weight: float
    steps: Generator[Any, None, Any] | None = field(default=None)
    """A started generator: the work is suspended between two of its steps."""


class FairPool:
    """Round-robin by user over `workers` threads. `pending(user)` counts what a user has queued or running, and
    `load(user)` the weight of it (a render's output seconds)."""

    def __init__(self, workers: int, name: str) -> None:
        self.workers = max(1, workers)
        self.name = name
        self._cond = threading.Condition()
        self._queues: OrderedDict[str, deque[_Work]] = OrderedDict()
        self._running: dict[str, list[_Work]] = {}
        self._threads: list[threading.Thread] = []
        self._closed = False

    def submit(self, user: str, run: Callable[[], Any], weight: float = 1.0) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        with self._cond:
            if self._closed:
                raise RuntimeError(f"{self.name} pool closed")
            self._queues.setdefault(user, deque()).append(_Work(user, run, future, weight))
            if len(self._threads) < self.workers:
                thread = threading.Thread(target=self._work, name=f"{self.name}-{len(self._threads)}", daemon=True)
                self._threads.append(thread)
                thread.start()
            self._cond.notify()
        return future

    def pending(self, user: str | None = None) -> int:
        """Work queued or running, for one user or for everyone."""
        with self._cond:
            users = [user] if user is not None else list({*self._queues, *self._running})
            return sum(len(self._queues.get(u, ())) + len(self._running.get(u, ())) for u in users)

    def load(self, users: set[str]) -> float:
        """The weight of what these users have queued or running."""
        with self._cond:
            works = [w for u in users for w in (*self._queues.get(u, ()), *self._running.get(u, ()))]
            return float(sum(w.weight for w in works))

    def busy(self) -> bool:
        with self._cond:
            return bool(self._queues or self._running)

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is queued or running (a reset waits for the work it stopped)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._queues and not self._running, timeout)

    def _waiting_others(self, user: str) -> bool:
        return any(u != user and q for u, q in self._queues.items())

    def _next(self) -> _Work | None:
        while True:
            for user, queue in list(self._queues.items()):
                work = queue.popleft()
                if queue:
                    self._queues.move_to_end(user)
                else:
                    del self._queues[user]
                if work.steps is not None or work.future.set_running_or_notify_cancel():
                    return work
                break
            else:
                if self._closed:
                    return None
                self._cond.wait()

    def _work(self) -> None:
        while True:
            with self._cond:
                work = self._next()
                if work is None:
                    return
                self._running.setdefault(work.user, []).append(work)
            suspended = False
            try:
                suspended = self._step(work)
            finally:
                with self._cond:
                    running = self._running[work.user]
                    running.remove(work)
                    if not running:
                        del self._running[work.user]
                    if suspended:
                        self._queues.setdefault(work.user, deque()).appendleft(work)
                        self._queues.move_to_end(work.user)
                    self._cond.notify_all()

    def _step(self, work: _Work) -> bool:
        """Run the work, or its generator until another user waits; True if it was suspended."""
        try:
            if work.steps is None:
                result: Any = work.run()
                if not inspect.isgenerator(result):
                    work.future.set_result(result)
                    return False
                work.steps = cast("Generator[Any, None, Any]", result)
            steps = work.steps
            while True:
                next(steps)
                with self._cond:
                    if self._waiting_others(work.user) or self._closed:
                        return not self._closed
        except StopIteration as stop:
            work.future.set_result(stop.value)
        except BaseException as exc:  # handed to whoever waits on the future
            if not work.future.done():
                work.future.set_exception(exc)
        return False

    def close(self, wait: bool = True) -> None:
        """Cancel what is queued, let running work stop (its owners stop it), end the workers."""
        with self._cond:
            self._closed = True
            for queue in self._queues.values():
                for work in queue:
                    if work.steps is None:
                        work.future.cancel()
                        continue
                    work.steps.close()
                    work.future.set_exception(RuntimeError(f"{self.name} pool closed"))
            self._queues.clear()
            self._cond.notify_all()
        if wait:
            for thread in self._threads:
                thread.join(10)
