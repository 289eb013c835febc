"""The control layer in front of the app: injected request faults and the request journal.

The app enters it only while a fault is set or the journal is on (emulator/app.py).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from client.codes import Code
from emulator.errors import ApiError, error_response

if TYPE_CHECKING:
    from emulator.state.store import Store

_REDACT = {b"authorization", b"cookie", b"x-api-key"}


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


def _headers(scope: Scope) -> dict[str, str]:
    return {
        k.decode("latin-1"): ("<redacted>" if k in _REDACT else v.decode("latin-1")[:200]) for k, v in scope["headers"]
    }


class ControlLayer:
    def __init__(self, app: ASGIApp, store: Store) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        store = self.store
        if scope["type"] != "http" or not (store.faults.rules or store.journal.enabled):
            await self.app(scope, receive, send)
            return
        if store.faults.rules and not scope["path"].startswith("/_emulator/"):
            fault = store.faults.take(
                ("error", "latency"), scope["method"], scope["path"], client_id=_header(scope, b"x-client-id")
            )
            if fault is not None and fault.kind == "latency":
                await store.clock.wall_sleep(fault.latency_s)
            elif fault is not None:
                exc = ApiError(Code(fault.code or Code.INTERNAL), fault.message or f"injected fault {fault.id}")
                await error_response(Request(scope), exc)(scope, receive, send)
                return
        if not store.journal.enabled or scope["path"].startswith("/_emulator/"):
            await self.app(scope, receive, send)
            return
        entry: dict[str, Any] = {
            "method": scope["method"],
            "path": scope["path"],
            "query": scope["query_string"].decode("latin-1"),
            "headers": _headers(scope),
            "body_bytes": 0,
            "status": None,
            "time": store.clock.now(),
        }
        started = store.clock.wall()

        async def counting_receive() -> Message:
            message = await receive()
            entry["body_bytes"] += len(message.get("body", b""))
            return message

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
                entry["duration_ms"] = round((store.clock.wall() - started) * 1000, 3)
            await send(message)

        store.journal.entries.append(entry)
        await self.app(scope, counting_receive, recording_send)


class StreamDropped(Exception):
    """Raised by a stream to cut its connection mid-response (an injected network drop)."""


class Droppable:
    """Wraps a streaming response: an injected drop ends it unfinished, so the client sees the connection break."""

    def __init__(self, response: ASGIApp) -> None:
        self.response = response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.response(scope, receive, send)
        except StreamDropped:
            return
        except BaseExceptionGroup as group:
            rest = group.subgroup(lambda e: not isinstance(e, StreamDropped | BaseExceptionGroup))
            if rest is not None:
                raise


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None
