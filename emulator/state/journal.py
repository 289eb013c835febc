"""The request journal: the last N requests, kept for /_emulator/requests (and the inspector)."""

from __future__ import annotations

from collections import deque
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
