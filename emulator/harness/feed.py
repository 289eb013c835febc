"""The emulator's own activity as a stream for the inspector page: requests, agent turns, state changes, renders,
the clock, faults and errors. Publishing costs one attribute check while no page is open.

Opening the first page turns the request journal on (if it was off); closing the last turns it off again.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from nemo_emulator.harness.journal import Journal

QUEUE = 1000
"""Messages a slow page may fall behind by before it misses some (it reloads what it shows on a gap)."""


class Feed:
    def __init__(self, journal: Journal) -> None:
        self.subscribers: set[asyncio.Queue[dict[str, Any]]] = set()
        self.attach(journal)

    def attach(self, journal: Journal) -> None:
        """Record into `journal` from now on (a reset made a new one): open pages keep it on."""
        self.journal = journal
        self._journal_was_on = journal.enabled
        if self.subscribers:
            journal.enabled = True

    def publish(self, kind: str, data: Any) -> None:
        """Tell every open page; never blocks, never raises."""
        if not self.subscribers:
            return
        message = {"kind": kind, "data": data}
        for queue in self.subscribers:
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(message)

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        if not self.subscribers:
            self._journal_was_on = self.journal.enabled
            self.journal.enabled = True
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE)
        self.subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self.subscribers.discard(queue)
        if not self.subscribers:
            self.journal.enabled = self._journal_was_on
