"""Running the emulator under uvicorn: bounded request heads, a warning when reachable from other machines, and a
clean exit on SIGTERM and SIGINT.

The request line and headers are limited inside the HTTP parser, before anything is buffered: httptools would
otherwise collect a 100 MiB header in memory. Past the limit the client gets 414 or 431 in the code envelope and
the connection is closed.
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import socket
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from nemo_emulator.settings import Settings
from nemo_protocol.codes import Code
from nemo_protocol.wire import code_error_body, dumps

_STATUS = {Code.URI_TOO_LONG: b"414 URI Too Long", Code.HEADERS_TOO_LARGE: b"431 Request Header Fields Too Large"}


class _Repeats(logging.Filter):
    """Lets the first of a run of identical log records through and counts the rest (a flood of bad requests
    must not fill the disk)."""

    def __init__(self) -> None:
        super().__init__()
        self.last: str | None = None
        self.repeats = 0

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message == self.last:
            self.repeats += 1
            return self.repeats in (10, 100, 1000) or self.repeats % 10000 == 0
        if self.repeats:
            record.msg = f"(previous message repeated {self.repeats} times) {record.msg}"
        self.last, self.repeats = message, 0
        return True


class BoundedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bound on the request line and on the whole head."""

    max_line = 8 * 1024
    max_head = 64 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True
        self._head = 0
        self._refused: Code | None = None

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head = True, 0

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.max_line:
            self._refuse(Code.URI_TOO_LONG)
            raise ValueError("request line too long")

    def data_received(self, data: bytes) -> None:
        if self._refused is not None:
            return
        if self._in_head and self._head + len(data) > self.max_head:
            allowed = max(0, self.max_head - self._head)
            self._head += allowed
            super().data_received(data[:allowed])
            if self._in_head and self._refused is None:
                self._refuse(Code.HEADERS_TOO_LARGE)
                return
            data = data[allowed:]
            if self._refused is not None or not data:
                return
        elif self._in_head:
            self._head += len(data)
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        if self._refused is None:
            super().send_400_response(msg)

    def _refuse(self, code: Code) -> None:
        """Answer 414/431 in the code envelope and close: nothing more of this request is read."""
        if self._refused is not None or self.transport.is_closing():
            return
        self._refused = code
        limit = self.max_line if code is Code.URI_TOO_LONG else self.max_head
        what = "request line" if code is Code.URI_TOO_LONG else "request line and headers"
        body = dumps(code_error_body(code, f"{what} larger than {limit} bytes"))
        head = [b"HTTP/1.1 ", _STATUS[code], b"\r\ncontent-type: application/json\r\ncontent-length: ",
                str(len(body)).encode(), b"\r\nconnection: close\r\n\r\n"]  # fmt: skip
        self.transport.write(b"".join(head) + body)
        self.transport.close()


def config(app: Any, settings: Settings, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for `app`, with the head limits of `settings` (h11 gets the same bound)."""
    protocol = type("Bounded", (BoundedHttpTools,), {
        "max_line": settings.max_request_line_bytes, "max_head": settings.max_header_bytes})  # fmt: skip
    options.setdefault("log_level", "warning")
    return uvicorn.Config(
        app,
        http=protocol,
        access_log=False,
        timeout_graceful_shutdown=1,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        **options,
    )


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
