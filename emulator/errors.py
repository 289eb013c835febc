"""ApiError: the one exception every layer raises for a protocol error (a code from the surface's table and a
message that says how to fix it). It knows nothing of HTTP: each surface renders it in its own envelope."""

from __future__ import annotations

import traceback
from typing import Any


class ApiError(Exception):
    """A protocol error: a code from a surface's code table, a message, and optionally extra headers."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        """`body` replaces the envelope where the protocol fixes another shape (FastAPI's 422 validation list)."""
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.headers = headers
        self.body = body


def crash_record(where: str, exc: BaseException, **extra: str) -> dict[str, Any]:
    """How an unexpected exception is kept for /_emulator/errors (and for the tests that check it stays empty)."""
    return {"path": where, **extra, "error": repr(exc), "traceback": "".join(traceback.format_exception(exc))}


class ErrorLog:
    """The last `size` distinct unexpected errors; one that repeats is counted, not kept again."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._by_key: dict[tuple[str, str], dict[str, Any]] = {}

    def record(self, record: dict[str, Any]) -> None:
        key = (str(record.get("path")), str(record.get("error")))
        kept = self._by_key.pop(key, None)
        if kept is not None:
            kept["count"] += 1
            self._by_key[key] = kept
            return
        self._by_key[key] = {**record, "count": 1}
        while len(self._by_key) > self.size:
            del self._by_key[next(iter(self._by_key))]

    @property
    def entries(self) -> list[dict[str, Any]]:
        return list(self._by_key.values())
