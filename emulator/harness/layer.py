"""The harness's request hook: the layer in front of the app that logs requests, injects request faults, keeps the
journal (with each stream's and WebSocket's frames and their timings) and applies a mutant's response rewrite.

The app enters it only while one of these is on (emulator/app.py); otherwise requests pass it by entirely.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nemo_emulator.errors import ApiError
from nemo_emulator.harness.journal import BODY_KEPT, FRAMES_KEPT, redact, redact_headers, redact_query
from nemo_emulator.harness.mutants import Reply
from nemo_emulator.web.errors import error_response
from nemo_protocol.codes import Code
from nemo_protocol.wire import dumps, loads

if TYPE_CHECKING:
    from nemo_emulator.harness import Harness

request_log = logging.getLogger("nemo_emulator.requests")
"""One line per request (`serve` prints it unless --quiet): method, path, status, envelope code, milliseconds."""

_SESSION = re.compile(r"/(\d{19})(?:/|$)")
_SESSION_FIELD = re.compile(r'"(?:session_id|sessionId)"\s*:\s*"(\d{1,40})"')
_TOOL = re.compile(r'"method"\s*:\s*"tools/call".*?"name"\s*:\s*"([A-Za-z0-9_]{1,64})"', re.DOTALL)


class ControlLayer:
    def __init__(self, app: ASGIApp, harness: Harness) -> None:
        self.app = app
        self.harness = harness

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        store = self.harness.store
        if store.settings.request_log and scope["type"] == "http":
            await self._logged(scope, receive, send)
        else:
            await self._controlled(scope, receive, send)

    async def _logged(self, scope: Scope, receive: Receive, send: Send) -> None:
        clock = self.harness.store.clock
        started = clock.wall()
        status: list[int] = []

        async def watching_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self._controlled(scope, receive, watching_send)
        finally:
            ms = (clock.wall() - started) * 1000
            code = scope.get("nemo.code", 0 if status and status[0] < 400 else "-")
            query = "?…" if scope.get("query_string") else ""
            shown = status[0] if status else "---"
            request_log.info("%s %s%s %s code=%s %.1fms", scope["method"], scope["path"], query, shown, code, ms)

    async def _fault(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer an injected error (or hold an injected latency); True when the request was answered."""
        harness = self.harness
        method = scope.get("method", "GET")
        fault = harness.faults.take(("error", "latency"), method, scope["path"],
                                    client_id=_header(scope, b"x-client-id"))  # fmt: skip
        if fault is None:
            return False
        if fault.kind == "latency":
            await harness.store.clock.wall_sleep(fault.latency_s)
            return False
        code = fault.code or Code.INTERNAL
        message = fault.message or f"injected fault {fault.id}"
        if scope["type"] == "websocket":
            await _refuse_handshake(scope, send, code if 100 <= code < 600 else 503, message)
            return True
        await error_response(Request(scope), ApiError(code, message))(scope, receive, send)
        return True

    async def _controlled(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.harness.journal.enabled or scope["path"].startswith("/_emulator/"):
            await self._handled(scope, receive, send)
            return
        await self._journaled(scope, receive, send)

    async def _handled(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The request as faults and mutants make it (the journal records what this answers, faults included)."""
        harness = self.harness
        internal = scope["path"].startswith("/_emulator/")
        if harness.faults.rules and not internal and await self._fault(scope, receive, send):
            return
        if harness.faults.rules and scope["path"] == "/mcp":
            self._expire(scope)
        if harness.mutant is not None and harness.mutant.rewrite is not None and scope["type"] == "http":
            send = self._rewriting(scope, send)
        await self.app(scope, receive, send)

    def _expire(self, scope: Scope) -> None:
        """An expire_token fault: the access token this request carries has just expired."""
        fault = self.harness.faults.take(("expire_token",), scope.get("method", "POST"), scope["path"])
        bearer = (_header(scope, b"authorization") or "")[7:].strip()
        if fault is not None and bearer:
            self.harness.store.oauth.expire_token(bearer)

    def _rewriting(self, scope: Scope, send: Send) -> Send:
        """A send that holds a JSON response back, lets the mutant rewrite it, then sends it."""
        mutant = self.harness.mutant
        assert mutant is not None and mutant.rewrite is not None
        rewrite = mutant.rewrite
        held: dict[str, Any] = {}

        async def rewriting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                ctype = dict(message.get("headers", [])).get(b"content-type", b"")
                if not ctype.startswith(b"application/json"):
                    held["pass"] = True
                    await send(message)
                    return
                held["start"], held["body"] = message, b""
                return
            if held.get("pass") or message["type"] != "http.response.body":
                await send(message)
                return
            held["body"] += message.get("body", b"")
            if message.get("more_body"):
                return
            reply = Reply(scope["path"], held["start"]["status"], loads(held["body"] or b"null"), self.harness.store)
            rewrite(reply)
            body = dumps(reply.body)
            headers = [(k, v) for k, v in held["start"].get("headers", []) if k != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": reply.status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        return rewriting_send

    async def _journaled(self, scope: Scope, receive: Receive, send: Send) -> None:
        harness = self.harness
        store, journal = harness.store, harness.journal
        clock = store.clock
        entry: dict[str, Any] = {
            "id": journal.next_id,
            "method": scope.get("method", "WS"),
            "path": scope["path"],
            "query": redact_query(scope["query_string"].decode("latin-1")),
            "headers": redact_headers(scope["headers"]),
            "session_id": _session_in(scope["path"]) or _session_in_query(scope),
            "body_bytes": 0,
            "status": None,
            "time": clock.now(),
        }
        journal.next_id += 1
        started = clock.wall()
        sent: list[bytes] = []
        received: list[bytes] = []
        stream = scope["type"] == "websocket"
        frames: list[dict[str, Any]] = []
        ctype = entry["headers"].get("content-type", "application/json")
        binary = not ctype.startswith(("application/json", "text/"))

        def frame(direction: str, text: str) -> None:
            if len(frames) < FRAMES_KEPT:
                frames.append({"ms": round((clock.wall() - started) * 1000, 1),
                               "clock_s": round(clock.now() - entry["time"], 3), "dir": direction,
                               "data": redact(text)[:BODY_KEPT]})  # fmt: skip

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "websocket.receive":
                frame("in", message.get("text") or f"<{len(message.get('bytes') or b'')} bytes>")
                return message
            chunk = message.get("body", b"")
            entry["body_bytes"] += len(chunk)
            if not binary and sum(map(len, received)) < BODY_KEPT:
                received.append(chunk)
            return message

        async def recording_send(message: Message) -> None:
            nonlocal stream
            kind = message["type"]
            if kind in ("http.response.start", "websocket.http.response.start"):
                entry["status"] = message["status"]
                entry["duration_ms"] = round((clock.wall() - started) * 1000, 3)
                stream = any(k == b"content-type" and v.startswith(b"text/event-stream") for k, v in message["headers"])
            elif kind == "websocket.accept":
                entry["status"] = 101
                entry["duration_ms"] = round((clock.wall() - started) * 1000, 3)
            elif kind == "websocket.send":
                frame("out", message.get("text") or f"<{len(message.get('bytes') or b'')} bytes>")
            elif kind == "websocket.close":
                entry["close_code"] = message.get("code", 1000)
            elif kind == "http.response.body":
                chunk = message.get("body", b"")
                if stream:
                    for line in chunk.decode("utf-8", "replace").split("\n\n"):
                        if line:
                            frame("out", line)
                elif sum(map(len, sent)) < BODY_KEPT and not _is_media(entry):
                    sent.append(chunk)
            await send(message)

        journal.entries.append(entry)
        try:
            await self._handled(scope, counting_receive, recording_send)
        finally:
            request_text = b"".join(received)[:BODY_KEPT].decode("utf-8", "replace")
            entry["request_body"] = redact(request_text)
            if binary and entry["body_bytes"]:
                entry["request_body"] = f"<{ctype.split(';')[0]}: {entry['body_bytes']} bytes, not kept>"
            entry["session_id"] = entry["session_id"] or _session_in_body(request_text)
            if (tool := _TOOL.search(request_text)) is not None:
                entry["tool"] = tool.group(1)
            entry["response_body"] = redact(b"".join(sent)[:BODY_KEPT].decode("utf-8", "replace"))
            entry["code"] = scope.get("nemo.code", 0 if (entry["status"] or 500) < 400 else None)
            entry["total_ms"] = round((clock.wall() - started) * 1000, 1)
            if frames:
                entry["frames"] = frames
            harness.feed.publish("request", entry)


async def _refuse_handshake(scope: Scope, send: Send, status: int, message: str) -> None:
    """Refuse a WebSocket handshake with an HTTP status (or, where the server cannot, close it at once)."""
    if "websocket.http.response" in scope.get("extensions", {}):
        body = dumps({"code": status, "message": message, "reason": message})
        await send({"type": "websocket.http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 1013, "reason": message[:120]})


def _session_in(path: str) -> str | None:
    found = _SESSION.search(path)
    return found.group(1) if found else None


def _session_in_query(scope: Scope) -> str | None:
    found = re.search(rb"(?:^|&)session_id=(\d{1,40})", scope.get("query_string", b""))
    return found.group(1).decode() if found else None


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
