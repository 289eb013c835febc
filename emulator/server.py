"""Running the emulator under uvicorn: bounded request heads, a warning when reachable from other machines, and a
clean exit on SIGTERM and SIGINT.

The request head is limited as it arrives, before httptools buffers it: it would otherwise collect a 100 MiB
header in memory. Past the limit the client gets 431 in the code envelope and the connection is closed.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from nemo_emulator.settings import Settings
from nemo_emulator.urls import is_loopback
from nemo_protocol.codes import Code
from nemo_protocol.wire import code_error_body, dumps

_STATUS = {Code.HEADERS_TOO_LARGE: b"431 Request Header Fields Too Large"}


class _Repeats(logging.Filter):
    """Lets the first record of each kind through and counts its repeats, whatever comes in between (a flood of
    bad requests, or crashes interleaved with garbage, must not fill the disk). A repeat is let through again at
    the 10th, 100th, 1000th and every 10 000th time, saying how often it came."""

    KINDS = 256
    """Distinct messages remembered (the least recently seen is forgotten)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            key += f"|{type(exc).__name__}: {exc}"
        count = self.seen.pop(key, 0) + 1
        self.seen[key] = count
        if len(self.seen) > self.KINDS:
            del self.seen[next(iter(self.seen))]
        if count == 1:
            return True
        if count in (10, 100, 1000) or count % 10000 == 0:
            record.msg = f"(seen {count} times) {record.msg}"
            return True
        return False


_base = HttpToolsProtocol
"""Called directly rather than through super(): data_received runs for every request."""


class BoundedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bound on the request head (the request line's own bound, 414, is the
    app's: see app.Emulator).

    Only `data_received` is overridden, so a request pays one extra Python call. A head is in progress while
    uvicorn's scope for the message has no "method" yet (it creates the scope when a message begins and adds the
    method when the headers are complete). The chunk in which a head begins is not counted, so the bound is
    `max_head` plus one socket read (256 KiB): it bounds memory, and never refuses a head within `max_head`.
    """

    max_head = 64 * 1024
    _head = 0
    """Bytes of the head in progress; class defaults, like `_refused`, keep idle connections small."""
    _counting: Any = None
    """The scope whose head `_head` counts."""
    _refused: Code | None = None

    def data_received(self, data: bytes) -> None:
        scope = self.scope
        if scope is not None and "method" not in scope:
            if scope is not self._counting:
                self._counting, self._head = scope, 0
            head = self._head + len(data)
            if head > self.max_head:
                self._overflow(data)
                return
            self._head = head
        if self._refused is None:
            _base.data_received(self, data)

    def _overflow(self, data: bytes) -> None:
        """Feed what fits; refuse if the head is still not complete, else go on with the rest."""
        if self._refused is not None:
            return
        allowed = max(0, self.max_head - self._head)
        self._head = self.max_head
        _base.data_received(self, data[:allowed])
        if self.scope is self._counting and "method" not in self.scope:
            self._refuse(Code.HEADERS_TOO_LARGE)
        elif self._refused is None and len(data) > allowed:
            self.data_received(data[allowed:])

    def send_400_response(self, msg: str) -> None:
        if self._refused is None:
            _base.send_400_response(self, msg)

    def _refuse(self, code: Code) -> None:
        """Answer 431 in the code envelope and close: nothing more of this request is read."""
        if self._refused is not None or self.transport.is_closing():
            return
        self._refused = code
        body = dumps(code_error_body(code, f"request line and headers larger than {self.max_head} bytes"))
        head = [b"HTTP/1.1 ", _STATUS[code], b"\r\ncontent-type: application/json\r\ncontent-length: ",
                str(len(body)).encode(), b"\r\nconnection: close\r\n\r\n"]  # fmt: skip
        self.transport.write(b"".join(head) + body)
        self.transport.close()


def config(app: Any, settings: Settings, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for `app`, with the head limits of `settings` (h11 gets the same bound)."""
    protocol = type("Bounded", (BoundedHttpTools,), {"max_head": settings.max_header_bytes})
    options.setdefault("log_level", "warning")
    return uvicorn.Config(
        app,
        http=protocol,
        access_log=False,
        timeout_graceful_shutdown=1,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        **options,
    )


def exposure(host: str, settings: Settings) -> str | None:
    """What a non-loopback bind opens to other machines, or None on loopback."""
    if is_loopback(host):
        return None
    control = (
        "off"
        if not settings.control
        else "behind --control-token"
        if settings.control_token
        else "OPEN to anyone who can reach it (reset, clock, faults, credits): pass --control-token or --no-control"
    )
    return (
        f"warning: listening on {host}, reachable from other machines. The API issues real-looking tokens to anyone; "
        f"uploads and renders are stored on this disk; the control plane /_emulator/ is {control}."
    )


def listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def run(app: Any, sock: socket.socket, settings: Settings, on_exit: Callable[[], None], **options: Any) -> None:
    """Serve until SIGINT or SIGTERM, then run `on_exit` (which removes the temporary data folder)."""
    for name in ("uvicorn.error", "nemo_emulator.requests"):
        logging.getLogger(name).addFilter(_Repeats())
    server = uvicorn.Server(config(app, settings, **options))

    def stop(signum: int, frame: Any) -> None:
        server.should_exit = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.run(sockets=[sock])  # uvicorn re-raises the signal it caught once it has shut down: `stop` takes it
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        on_exit()
