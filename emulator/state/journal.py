"""What happened, kept bounded: the request journal (the last N requests, for /_emulator/requests and the
inspector) and the error log (the unexpected exceptions the server caught, for /_emulator/errors)."""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from typing import Any

REDACT = {b"authorization", b"cookie", b"x-api-key", b"x-control-token"}
SECRETS = re.compile(r"(nmv_usr_|clm_)[A-Za-z0-9_\-]{6,}")
"""Bearer and claim tokens wherever they appear in a recorded body."""
BODY_KEPT = 4096
"""Bytes of each request and response body the journal keeps."""
FRAMES_KEPT = 300
"""Stream frames kept per /run_sse entry."""


def redact(text: str) -> str:
    return SECRETS.sub(lambda m: m.group(1) + "<redacted>", text)


class Journal:
    """The last `size` requests (500 while only the inspector turned it on): method, path, headers and bodies with
    secrets redacted, status, envelope code, timing, and for streams each frame with its time offset."""

    def __init__(self, size: int) -> None:
        self.entries: deque[dict[str, Any]] = deque(maxlen=size if size > 0 else 500)
        self.enabled = size > 0
        self.next_id = 1

    def query(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        limit: int = 100,
        code: int | None = None,
        session: str | None = None,
    ) -> list[dict[str, Any]]:
        out = [
            e
            for e in self.entries
            if (method is None or e["method"] == method.upper())
            and (path is None or path in e["path"])
            and (status is None or e["status"] == status)
            and (code is None or e.get("code") == code)
            and (session is None or e.get("session_id") == session)
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
