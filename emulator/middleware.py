"""The control layer in front of the app: injected request faults, the request journal and the request log.

The app enters it only while a fault is set, the journal is on or requests are logged (emulator/app.py).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nemo_emulator.errors import ApiError, error_response
from nemo_emulator.state.journal import BODY_KEPT, FRAMES_KEPT, REDACT, redact
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
        """An HTTP request, entered only while something here is on (the app checks; with nothing on, this passes
        the request through unchanged)."""
        if self.store.settings.request_log:
            await self._logged(scope, receive, send)
        else:
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
        journal = store.journal
        entry: dict[str, Any] = {
            "id": journal.next_id,
            "method": scope["method"],
            "path": scope["path"],
            "query": scope["query_string"].decode("latin-1"),
            "headers": _headers(scope),
            "session_id": _session_in(scope["path"]),
            "body_bytes": 0,
            "status": None,
            "time": store.clock.now(),
        }
        journal.next_id += 1
        started = store.clock.wall()
        sent: list[bytes] = []
        received: list[bytes] = []
        stream = False
        frames: list[dict[str, Any]] = []
        binary = not entry["headers"].get("content-type", "application/json").startswith(("application/json", "text/"))

        async def counting_receive() -> Message:
            message = await receive()
            chunk = message.get("body", b"")
            entry["body_bytes"] += len(chunk)
            if not binary and sum(map(len, received)) < BODY_KEPT:
                received.append(chunk)
            return message

        async def recording_send(message: Message) -> None:
            nonlocal stream
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
                entry["duration_ms"] = round((store.clock.wall() - started) * 1000, 3)
                stream = any(k == b"content-type" and v.startswith(b"text/event-stream") for k, v in message["headers"])
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                if stream:
                    ms = round((store.clock.wall() - started) * 1000, 1)
                    clock_s = round(store.clock.now() - entry["time"], 3)
                    for line in chunk.decode("utf-8", "replace").split("\n\n"):
                        if line and len(frames) < FRAMES_KEPT:
                            frames.append({"ms": ms, "clock_s": clock_s, "data": redact(line)[:BODY_KEPT]})
                elif sum(map(len, sent)) < BODY_KEPT and not _is_media(entry):
                    sent.append(chunk)
            await send(message)

        journal.entries.append(entry)
        try:
            await self.app(scope, counting_receive, recording_send)
        finally:
            request_text = b"".join(received)[:BODY_KEPT].decode("utf-8", "replace")
            entry["request_body"] = redact(request_text)
            if binary and entry["body_bytes"]:
                kind = entry["headers"]["content-type"].split(";")[0]
                entry["request_body"] = f"<{kind}: {entry['body_bytes']} bytes, not kept>"
            entry["session_id"] = entry["session_id"] or _session_in_body(request_text)
            entry["response_body"] = redact(b"".join(sent)[:BODY_KEPT].decode("utf-8", "replace"))
            entry["code"] = scope.get("nemo.code", 0 if (entry["status"] or 500) < 400 else None)
            entry["total_ms"] = round((store.clock.wall() - started) * 1000, 1)
            if frames:
                entry["frames"] = frames
            store.feed.publish("request", entry)


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


_SESSION = re.compile(r"/(\d{19})(?:/|$)")
_SESSION_FIELD = re.compile(r'"(?:session_id|sessionId)"\s*:\s*"(\d{1,40})"')


def _session_in(path: str) -> str | None:
    found = _SESSION.search(path)
    return found.group(1) if found else None


def _session_in_body(text: str) -> str | None:
    found = _SESSION_FIELD.search(text)
    return found.group(1) if found else None


def _is_media(entry: dict[str, Any]) -> bool:
    path: str = entry["path"]
    return path.startswith("/cdn/") or path.endswith("/download")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None
