"""The I/O operations a flow yields (requests, sleeps, streams, uploads, downloads, callbacks, WebSocket frames)
and the calls they carry: the vocabulary both clients' runners execute, one with blocking I/O, one with `await`."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

from nemo_client._stream import TurnEvent

T = TypeVar("T")
Envelope = Literal["code", "success", "json"]
Progress = Callable[[int, int], None]
"""Called with (bytes done, bytes in all; 0 when unknown)."""
UploadItem = str | Path | IO[bytes] | tuple[str, IO[bytes]]
EventHook = Callable[[TurnEvent], Any]


@dataclass(frozen=True, slots=True)
class Call:
    """One request, before it is sent."""

    method: str
    path: str
    envelope: Envelope = "code"
    json: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    auth: bool = True


# -- the I/O operations a flow asks for -------------------------------------------------------------------------


@dataclass(slots=True)
class Request:
    """Send `call`; the result is the httpx.Response."""

    call: Call


@dataclass(slots=True)
class Sleep:
    """Wait `seconds`, with `using` if given (a poll's `between_polls`), else the client's `sleep`."""

    seconds: float
    using: Callable[[float], Any] | None = None


@dataclass(slots=True)
class Stream:
    """Read one /run_sse turn, appending each event to `events` and passing it to `on_event` as it arrives.
    Raises TransportError if the connection drops (the events so far stay in `events`)."""

    text: str
    session_id: str
    streaming: bool = False
    events: list[TurnEvent] = field(default_factory=list)
    on_event: EventHook | None = None


@dataclass(slots=True)
class Upload:
    """POST the items as multipart parts named `part` (beside plain `fields`); the result is the httpx.Response."""

    call: Call
    items: Sequence[UploadItem]
    progress: Progress | None = None
    part: str = "files"
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Download:
    """GET a file to `dest` (via a temporary name); the result is None once written, else the error reply."""

    call: Call
    dest: Path
    progress: Progress | None = None


@dataclass(slots=True)
class Notify:
    """Call a user's callback with `args` (a coroutine function is awaited, by either client)."""

    callback: Callable[..., Any]
    args: tuple[Any, ...]


def call_back(callback: Callable[..., Any], *args: Any) -> None:
    """Run a callback from blocking code: a coroutine it returns is run to its end, here and now."""
    result = callback(*args)
    if inspect.isawaitable(result):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(_awaited(result))
            return
        close = getattr(result, "close", None)
        if close is not None:
            close()
        raise TypeError("NemoClient cannot await a coroutine callback inside a running event loop; "
                        "use AsyncNemoClient there")  # fmt: skip


async def _awaited(value: Any) -> Any:
    return await value


async def acall_back(callback: Callable[..., Any], *args: Any) -> None:
    """Run a callback from async code, awaiting what it returns if that is awaitable."""
    result = callback(*args)
    if inspect.isawaitable(result):
        await result


@dataclass(slots=True)
class WsOpen:
    """Open a WebSocket; the result is the socket. Raises HandshakeRefused, or TransportError."""

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class WsSend:
    socket: Any
    text: str


@dataclass(slots=True)
class WsReceive:
    """The next text frame; raises SocketClosed once the socket is closed, TransportError after `timeout`."""

    socket: Any
    timeout: float


@dataclass(slots=True)
class WsClose:
    socket: Any


class HandshakeRefused(Exception):
    """The server answered the WebSocket handshake with an HTTP status instead of switching protocols."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"HTTP {status}: {reason}")
        self.status, self.reason = status, reason


class SocketClosed(Exception):
    """The WebSocket closed; `code` is its close code (1006: no close frame at all)."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"closed {code}: {reason}")
        self.code, self.reason = code, reason


Op = Request | Sleep | Stream | Upload | Download | Notify | WsOpen | WsSend | WsReceive | WsClose
Flow = Generator[Op, Any, T]


@dataclass(slots=True)
class Attempt:
    """What recovery already did for one call (each rule fires at most once)."""

    retried_429: bool = False
    reauthed: bool = False
