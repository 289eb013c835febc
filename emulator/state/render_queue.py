"""A small pool of render workers fed fairly: users take turns, so one user's long render never starves another's
short one. Workers start with the first render, not with the server.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class _Work:
    user: str
    run: Callable[[], Any]
    future: concurrent.futures.Future[Any]


class RenderQueue:
    """Round-robin by user over `workers` threads; `pending(user)` counts what a user has queued or running."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._cond = threading.Condition()
        self._queues: OrderedDict[str, deque[_Work]] = OrderedDict()
        self._running: dict[str, int] = {}
        self._threads: list[threading.Thread] = []
        self._closed = False

    def submit(self, user: str, run: Callable[[], Any]) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        with self._cond:
            if self._closed:
                raise RuntimeError("render queue closed")
            self._queues.setdefault(user, deque()).append(_Work(user, run, future))
            if len(self._threads) < self.workers:
                thread = threading.Thread(target=self._work, name=f"render-{len(self._threads)}", daemon=True)
                self._threads.append(thread)
                thread.start()
            self._cond.notify()
        return future

    def pending(self, user: str | None = None) -> int:
        """Renders queued or running, for one user or for everyone."""
        with self._cond:
            if user is not None:
                return len(self._queues.get(user, ())) + self._running.get(user, 0)
            return sum(len(q) for q in self._queues.values()) + sum(self._running.values())

    def _next(self) -> _Work | None:
        while True:
            for user, queue in list(self._queues.items()):
                work = queue.popleft()
                if queue:
                    self._queues.move_to_end(user)
                else:
                    del self._queues[user]
                if work.future.set_running_or_notify_cancel():
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
                self._running[work.user] = self._running.get(work.user, 0) + 1
            try:
                work.future.set_result(work.run())
            except BaseException as exc:  # handed to whoever waits on the future
                work.future.set_exception(exc)
            finally:
                with self._cond:
                    self._running[work.user] -= 1
                    if not self._running[work.user]:
                        del self._running[work.user]

    def close(self, wait: bool = True) -> None:
        """Cancel what is queued, let running renders stop (their jobs cancel them), end the workers."""
        with self._cond:
            self._closed = True
            for queue in self._queues.values():
                for work in queue:
                    work.future.cancel()
            self._queues.clear()
            self._cond.notify_all()
        if wait:
            for thread in self._threads:
                thread.join(10)
