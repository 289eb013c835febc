"""The control layer in front of the app: injected request faults, the request journal and the request log.

The app enters it only while a fault is set, the journal is on or requests are logged (emulator/app.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nemo_emulator.errors import ApiError, error_response
from nemo_emulator.state.journal import REDACT
from nemo_protocol.codes import Code

if TYPE_CHECKING:
    from nemo_emulator.state.store import Store

request_log = logging.getLogger("nemo_emulator.requests")
"""One line per request (`serve` prints it unless --quiet): method, path, status, envelope code, milliseconds."""


def _headers(scope: Scope) -> dict[str, str]:
    return {
        k.decode("latin-1"): ("<redacted>" if k in REDACT else v.decode("latin-1")[:200]) for k, v in scope["headers"]
    }


class ControlLayer:
    def __init__(self, app: ASGIApp, store: Store) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        store = self.store
        if scope["type"] != "http" or not (store.faults.rules or store.journal.enabled or store.settings.request_log):
            await self.app(scope, receive, send)
            return
        if store.settings.request_log:
            await self._logged(scope, receive, send)
            return
        await self._controlled(scope, receive, send)

    async def _logged(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = self.store.clock.wall()
        status: list[int] = []

        async def watching_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self._controlled(scope, receive, watching_send)
        finally:
            ms = (self.store.clock.wall() - started) * 1000
            code = scope.get("nemo.code", 0 if status and status[0] < 400 else "-")
            query = "?…" if scope.get("query_string") else ""
            shown = status[0] if status else "---"
            request_log.info("%s %s%s %s code=%s %.1fms", scope["method"], scope["path"], query, shown, code, ms)

    async def _controlled(self, scope: Scope, receive: Receive, send: Send) -> None:
        store = self.store
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
