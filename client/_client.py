"""NemoClient: the synchronous face. It only performs the I/O that the shared flows (nemo_client._core) ask for."""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Self

import httpx

from nemo_client import _errors as errors
from nemo_client._config import tls_context
from nemo_client._core import Core, is_file_reply
from nemo_client._ops import (
    Call,
    Download,
    EventHook,
    Flow,
    HandshakeRefused,
    Notify,
    Op,
    Progress,
    Request,
    Sleep,
    SocketClosed,
    Stream,
    T,
    Upload,
    UploadItem,
    WsClose,
    WsOpen,
    WsReceive,
    WsSend,
    call_back,
)
from nemo_client._stream import TurnEvent, TurnResult, events_from_lines
from nemo_client._types import (
    AnonymousToken,
    Balance,
    ClaimToken,
    RenderJob,
    SessionInfo,
    StateSnapshot,
    UploadResult,
)


class _ProgressReader:
    """A file wrapper that reports bytes read, so uploads stream from disk with a progress display."""

    def __init__(self, fh: IO[bytes], report: Callable[[int], None]) -> None:
        self._fh, self._report = fh, report

    def read(self, size: int = -1) -> bytes:
        chunk = self._fh.read(size)
        self._report(len(chunk))
        return chunk


@contextlib.contextmanager
def transport_errors() -> Iterator[None]:
    """The one place httpx's network errors become TransportError."""
    try:
        yield
    except httpx.TransportError as exc:
        raise errors.TransportError(f"{type(exc).__name__}: {exc or 'connection failed'}") from exc


@contextlib.contextmanager
def multipart_files(items: Sequence[UploadItem], progress: Progress | None, part: str = "files") -> Iterator[
        list[tuple[str, Any]]]:  # fmt: skip
    """The parts for httpx: each item opened (paths) and wrapped to report bytes as httpx reads them."""
    with contextlib.ExitStack() as stack:
        opened: list[tuple[str, IO[bytes], int]] = []
        for item in items:
            if isinstance(item, str | Path):
                path = Path(item)
                opened.append((path.name, stack.enter_context(path.open("rb")), path.stat().st_size))
            elif isinstance(item, tuple):
                name, fh = item
                opened.append((name, fh, _size(fh)))
            else:
                opened.append((Path(getattr(item, "name", "upload")).name, item, _size(item)))
        total = sum(size for _, _, size in opened)
        sent = 0

        def report(n: int) -> None:
            nonlocal sent
            sent += n
            if progress is not None:
                progress(sent, total)

        yield [(part, (name, _ProgressReader(fh, report))) for name, fh, _ in opened]


def _size(fh: IO[bytes]) -> int:
    try:
        here = fh.tell()
        end = fh.seek(0, 2)
        fh.seek(here)
        return end - here
    except (OSError, AttributeError):
        return 0


class SyncRunner:
    """Runs flows (the clients' rules, written once in _core.py) with blocking I/O: httpx for HTTP, websockets for
    WebSockets. NemoClient and GatewayClient are this runner under their own rules."""

    base_url: str
    headers: Callable[[Call], dict[str, str]]

    def _open_io(self, http: httpx.Client | None, sleep: Callable[[float], None]) -> None:
        self.http = http or httpx.Client(
            base_url=self.base_url, timeout=httpx.Timeout(30, read=900), verify=tls_context()
        )
        self.sleep = sleep

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running flows ---------------------------------------------------------------------------------------

    def _run(self, flow: Flow[T]) -> T:
        result: Any = None
        failure: BaseException | None = None
        while True:
            try:
                op = flow.send(result) if failure is None else flow.throw(failure)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            result, failure = None, None
            try:
                result = self._do(op)
            except Exception as exc:  # handed to the flow, which recovers or re-raises
                failure = exc

    def _do(self, op: Op) -> Any:
        if isinstance(op, Request):
            call = op.call
            with transport_errors():
                return self.http.request(call.method, call.path, json=call.json, headers=self.headers(call))
        if isinstance(op, Sleep):
            return (op.using or self.sleep)(op.seconds)
        if isinstance(op, Notify):
            return call_back(op.callback, *op.args)
        if isinstance(op, Stream):
            for event in self.stream(op.text, op.session_id, streaming=op.streaming):  # type: ignore[attr-defined]
                op.events.append(event)
                if op.on_event is not None:
                    call_back(op.on_event, event)
            return None
        if isinstance(op, Upload):
            progress = None if op.progress is None else functools.partial(call_back, op.progress)
            with multipart_files(op.items, progress, op.part) as files, transport_errors():
                return self.http.post(op.call.path, files=files, data=dict(op.fields), headers=self.headers(op.call))
        if isinstance(op, WsOpen | WsSend | WsReceive | WsClose):
            return _websocket(op)
        return self._download(op)

    def _download(self, op: Download) -> httpx.Response | None:
        tmp = op.dest.with_name(op.dest.name + ".part")
        with transport_errors(), self.http.stream("GET", op.call.path, headers=self.headers(op.call)) as response:
            if not is_file_reply(response):
                response.read()
                return response
            total = int(response.headers.get("content-length", 0) or 0)
            try:
                with tmp.open("wb") as fh:
                    for chunk in response.iter_bytes(1 << 16):
                        fh.write(chunk)
                        if op.progress is not None:
                            call_back(op.progress, response.num_bytes_downloaded, total)
                tmp.replace(op.dest)
            finally:
                tmp.unlink(missing_ok=True)
        return None


def _websocket(op: WsOpen | WsSend | WsReceive | WsClose) -> Any:
    """One WebSocket operation with the websockets library's blocking client."""
    from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
    from websockets.sync.client import connect

    try:
        if isinstance(op, WsOpen):
            return connect(op.url, additional_headers=dict(op.headers), open_timeout=30, max_size=1 << 22)
        if isinstance(op, WsSend):
            return op.socket.send(op.text)
        if isinstance(op, WsReceive):
            return op.socket.recv(timeout=op.timeout)
        op.socket.close()
        return None
    except InvalidStatus as exc:
        raise HandshakeRefused(exc.response.status_code, exc.response.body.decode("utf-8", "replace")[:500]) from exc
    except ConnectionClosed as exc:
        closed = exc.rcvd
        raise SocketClosed(closed.code if closed else 1006, closed.reason if closed else "") from exc
    except (OSError, TimeoutError, InvalidHandshake) as exc:
        raise errors.TransportError(f"{type(exc).__name__}: {exc or 'WebSocket failed'}") from exc


class NemoClient(Core, SyncRunner):
    """Talks to one NEMO endpoint (the live API or the emulator). Pass `http` to control transport and timeouts."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        **options: Any,
    ) -> None:
        super().__init__(base_url, **options)
        self._open_io(http, sleep)

    # -- the API -------------------------------------------------------------------------------------------------

    def request(self, method: str, path: str, *, json: Any = None, envelope: str = "code") -> Any:
        """Any call in the protocol's envelopes ("code", "success" or "json"), with auth and recovery."""
        return self._run(self.send(Call(method, path, envelope=envelope, json=json)))  # type: ignore[arg-type]

    def anonymous_token(self, client_id: str | None = None) -> AnonymousToken:
        """Get a token with 100 free credits; it becomes this client's token."""
        return self._run(self.anonymous_token_flow(client_id))

    def create_session(self, task_name: str = "project", language: str | None = None) -> SessionInfo:
        """A new project + agent session; it becomes this client's current session."""
        return self._run(self.create_session_flow(task_name, language))

    def claim_token(self, task_id: str, session_id: str) -> ClaimToken:
        """A claim token that opens the project in the web app (it cannot call the API)."""
        return self._run(self.claim_token_flow(task_id, session_id))

    def balance(self) -> Balance:
        """Credits: available, frozen (reserved by running tools) and total."""
        return self._run(self.balance_flow())

    def state(self, session_id: str | None = None) -> StateSnapshot:
        """The session's state: draft, uploads, canvas, analyses."""
        return self._run(self.state_flow(session_id))

    def upload(
        self, *items: UploadItem, session_id: str | None = None, progress: Progress | None = None
    ) -> UploadResult:
        """Upload files (paths or binary file objects), streamed from disk in one multipart request."""
        return self._run(self.upload_flow(items, session_id, progress))

    def upload_urls(self, *urls: str, session_id: str | None = None) -> UploadResult:
        """Have the server fetch media from URLs."""
        return self._run(self.upload_urls_flow(urls, session_id))

    def stream(self, text: str, session_id: str | None = None, *, streaming: bool = False) -> Iterator[TurnEvent]:
        """The turn's events as they arrive (keep-alives included). Errors before streaming raise."""
        call = self.run_call(self._sid(session_id), text, streaming=streaming)
        with (
            transport_errors(),
            self.http.stream("POST", call.path, json=call.json, headers=self.headers(call)) as response,
        ):
            if not response.headers.get("content-type", "").startswith("text/event-stream"):
                response.read()
                self.refuse(call, response)
            yield from events_from_lines(response.iter_lines())

    def chat(
        self,
        text: str,
        session_id: str | None = None,
        *,
        on_event: EventHook | None = None,
        streaming: bool = False,
    ) -> TurnResult:
        """Send one message and collect the turn; a silent turn or a dropped stream is resolved via state."""
        return self._run(self.chat_flow(text, session_id, on_event, streaming))

    def submit_render(
        self,
        draft: Mapping[str, Any] | None = None,
        *,
        session_id: str | None = None,
        render_id: str | None = None,
        output: Mapping[str, Any] | None = None,
    ) -> RenderJob:
        """Start an export of `draft` (default: the session's current draft, passed verbatim)."""
        return self._run(self.submit_render_flow(draft, session_id, render_id, output))

    def render_status(self, render_id: str) -> RenderJob:
        """One poll of an export, whatever shape the server answers in."""
        return self._run(self.render_status_flow(render_id))

    def cancel_render(self, render_id: str) -> RenderJob:
        return self._run(self.cancel_render_flow(render_id))

    def download_render(self, render_id: str, dest: str | Path, progress: Progress | None = None) -> Path:
        """Stream the finished MP4 to `dest` (written to a temporary name first, never left partial)."""
        return self._run(self.download_render_flow(render_id, dest, progress))

    def wait_for_render(
        self,
        render_id: str,
        *,
        interval: float = 10.0,
        timeout: float = 300.0,
        on_progress: Callable[[RenderJob], Any] | None = None,
        between_polls: Callable[[float], Any] | None = None,
    ) -> RenderJob:
        """Poll until completed (returned) or failed/cancelled (raised); `between_polls` waits (default: sleep)."""
        return self._run(self.wait_for_render_flow(render_id, interval, timeout, on_progress, between_polls))
