"""What happened, kept bounded: the request journal (the last N requests, for /_emulator/requests and the
inspector) and the error log (the unexpected exceptions the server caught, for /_emulator/errors)."""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import Any

REDACT = {b"authorization", b"cookie", b"x-api-key"}


class Journal:
    """The last `size` requests: method, path, headers (secrets redacted), body size, status, timing."""

    def __init__(self, size: int) -> None:
        self.entries: deque[dict[str, Any]] = deque(maxlen=max(1, size))
        self.enabled = size > 0

    def query(
        self, method: str | None = None, path: str | None = None, status: int | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        out = [
            e
            for e in self.entries
            if (method is None or e["method"] == method.upper())
            and (path is None or e["path"].startswith(path))
            and (status is None or e["status"] == status)
        ]
        return out[-limit:]


class ErrorLog:
    """The last `size` distinct unexpected errors; one that repeats is counted, not kept again."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._by_key: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()

    def record(self, record: dict[str, Any]) -> None:
        key = (str(record.get("path")), str(record.get("error")))
        kept = self._by_key.get(key)
        if kept is not None:
            kept["count"] += 1
            self._by_key.move_to_end(key)
            return
        self._by_key[key] = {**record, "count": 1}
        while len(self._by_key) > self.size:
            self._by_key.popitem(last=False)

    @property
    def entries(self) -> list[dict[str, Any]]:
        return list(self._by_key.values())
