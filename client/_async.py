"""AsyncNemoClient: the asyncio face. It performs, with `await`, the same flows as NemoClient (nemo_client._core)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Self

import httpx

from nemo_client import _errors as errors
from nemo_client._client import multipart_files, transport_errors
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
    acall_back,
)
from nemo_client._stream import TurnEvent, TurnResult, aevents_from_lines
from nemo_client._types import (
    AnonymousToken,
    Balance,
    ClaimToken,
    RenderJob,
    SessionInfo,
    StateSnapshot,
    UploadResult,
)


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class AsyncRunner:
    """Runs the same flows as SyncRunner, awaiting each operation: the async face of every client."""

    base_url: str
    headers: Callable[[Call], dict[str, str]]

    def _open_io(self, http: httpx.AsyncClient | None, sleep: Callable[[float], Awaitable[None]]) -> None:
        self.http = http or httpx.AsyncClient(
            base_url=self.base_url, timeout=httpx.Timeout(30, read=900), verify=tls_context()
        )
        self.sleep = sleep

    async def close(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- running flows ---------------------------------------------------------------------------------------

    async def _run(self, flow: Flow[T]) -> T:
        result: Any = None
        failure: BaseException | None = None
        while True:
            try:
                op = flow.send(result) if failure is None else flow.throw(failure)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            result, failure = None, None
            try:
                result = await self._do(op)
            except Exception as exc:  # handed to the flow, which recovers or re-raises
                failure = exc

    async def _do(self, op: Op) -> Any:
        if isinstance(op, Request):
            call = op.call
            with transport_errors():
                return await self.http.request(call.method, call.path, json=call.json, headers=self.headers(call))
        if isinstance(op, Sleep):
            return await _maybe_await((op.using or self.sleep)(op.seconds))
        if isinstance(op, Notify):
            return await acall_back(op.callback, *op.args)
        if isinstance(op, Stream):
            async for event in self.stream(op.text, op.session_id, streaming=op.streaming):  # type: ignore[attr-defined]
                op.events.append(event)
                if op.on_event is not None:
                    await acall_back(op.on_event, event)
            return None
        if isinstance(op, Upload):
            return await self._upload(op)
        if isinstance(op, WsOpen | WsSend | WsReceive | WsClose):
            return await _websocket(op)
        return await self._download(op)

    async def _upload(self, op: Upload) -> httpx.Response:
        """httpx reads the files as it sends them, from blocking code: a coroutine progress callback is scheduled
        there, and every one has run before the upload returns."""
        pending: list[asyncio.Future[Any]] = []

        def progress(done: int, total: int) -> None:
            assert op.progress is not None
            result = op.progress(done, total)
            if inspect.isawaitable(result):
                pending.append(asyncio.ensure_future(result))

        try:
            with multipart_files(op.items, progress if op.progress else None, op.part) as files, transport_errors():
                return await self.http.post(op.call.path, files=files, data=dict(op.fields),
                                            headers=self.headers(op.call))  # fmt: skip
        finally:
            await asyncio.gather(*pending, return_exceptions=True)

    async def _download(self, op: Download) -> httpx.Response | None:
        tmp = op.dest.with_name(op.dest.name + ".part")
        with transport_errors():
            async with self.http.stream("GET", op.call.path, headers=self.headers(op.call)) as response:
                if not is_file_reply(response):
                    await response.aread()
                    return response
                total = int(response.headers.get("content-length", 0) or 0)
                try:
                    with tmp.open("wb") as fh:
                        async for chunk in response.aiter_bytes(1 << 16):
                            fh.write(chunk)
                            if op.progress is not None:
                                await acall_back(op.progress, response.num_bytes_downloaded, total)
                    tmp.replace(op.dest)
                finally:
                    tmp.unlink(missing_ok=True)
        return None


async def _websocket(op: WsOpen | WsSend | WsReceive | WsClose) -> Any:
    """One WebSocket operation with the websockets library's asyncio client."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

    try:
        if isinstance(op, WsOpen):
            return await connect(op.url, additional_headers=dict(op.headers), open_timeout=30, max_size=1 << 22)
        if isinstance(op, WsSend):
            return await op.socket.send(op.text)
        if isinstance(op, WsReceive):
            return await asyncio.wait_for(op.socket.recv(), op.timeout)
        await op.socket.close()
        return None
    except InvalidStatus as exc:
        raise HandshakeRefused(exc.response.status_code, exc.response.body.decode("utf-8", "replace")[:500]) from exc
    except ConnectionClosed as exc:
        closed = exc.rcvd
        raise SocketClosed(closed.code if closed else 1006, closed.reason if closed else "") from exc
    except (OSError, TimeoutError, InvalidHandshake) as exc:
        raise errors.TransportError(f"{type(exc).__name__}: {exc or 'WebSocket failed'}") from exc


class AsyncNemoClient(Core, AsyncRunner):
    """The same methods as NemoClient, each a coroutine; callbacks may be plain functions or coroutines."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        http: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        **options: Any,
    ) -> None:
        super().__init__(base_url, **options)
        self._open_io(http, sleep)

    # -- the API -------------------------------------------------------------------------------------------------

    async def request(self, method: str, path: str, *, json: Any = None, envelope: str = "code") -> Any:
        """Any call in the protocol's envelopes ("code", "success" or "json"), with auth and recovery."""
        return await self._run(self.send(Call(method, path, envelope=envelope, json=json)))  # type: ignore[arg-type]

    async def anonymous_token(self, client_id: str | None = None) -> AnonymousToken:
        """Get a token with 100 free credits; it becomes this client's token."""
        return await self._run(self.anonymous_token_flow(client_id))

    async def create_session(self, task_name: str = "project", language: str | None = None) -> SessionInfo:
        """A new project + agent session; it becomes this client's current session."""
        return await self._run(self.create_session_flow(task_name, language))

    async def claim_token(self, task_id: str, session_id: str) -> ClaimToken:
        """A claim token that opens the project in the web app (it cannot call the API)."""
        return await self._run(self.claim_token_flow(task_id, session_id))

    async def balance(self) -> Balance:
        """Credits: available, frozen (reserved by running tools) and total."""
        return await self._run(self.balance_flow())

    async def state(self, session_id: str | None = None) -> StateSnapshot:
        """The session's state: draft, uploads, canvas, analyses."""
        return await self._run(self.state_flow(session_id))

    async def upload(
        self, *items: UploadItem, session_id: str | None = None, progress: Progress | None = None
    ) -> UploadResult:
        """Upload files (paths or binary file objects), streamed from disk in one multipart request."""
        return await self._run(self.upload_flow(items, session_id, progress))

    async def upload_urls(self, *urls: str, session_id: str | None = None) -> UploadResult:
        """Have the server fetch media from URLs."""
        return await self._run(self.upload_urls_flow(urls, session_id))

    async def stream(
        self, text: str, session_id: str | None = None, *, streaming: bool = False
    ) -> AsyncIterator[TurnEvent]:
        """The turn's events as they arrive (keep-alives included). Errors before streaming raise."""
        call = self.run_call(self._sid(session_id), text, streaming=streaming)
        with transport_errors():
            async with self.http.stream("POST", call.path, json=call.json, headers=self.headers(call)) as response:
                if not response.headers.get("content-type", "").startswith("text/event-stream"):
                    await response.aread()
                    self.refuse(call, response)
                async for event in aevents_from_lines(response.aiter_lines()):
                    yield event

    async def chat(
        self,
        text: str,
        session_id: str | None = None,
        *,
        on_event: EventHook | None = None,
        streaming: bool = False,
    ) -> TurnResult:
        """Send one message and collect the turn; a silent turn or a dropped stream is resolved via state."""
        return await self._run(self.chat_flow(text, session_id, on_event, streaming))

    async def submit_render(
        self,
        draft: Mapping[str, Any] | None = None,
        *,
        session_id: str | None = None,
        render_id: str | None = None,
        output: Mapping[str, Any] | None = None,
    ) -> RenderJob:
        """Start an export of `draft` (default: the session's current draft, passed verbatim)."""
        return await self._run(self.submit_render_flow(draft, session_id, render_id, output))

    async def render_status(self, render_id: str) -> RenderJob:
        """One poll of an export, whatever shape the server answers in."""
        return await self._run(self.render_status_flow(render_id))

    async def cancel_render(self, render_id: str) -> RenderJob:
        return await self._run(self.cancel_render_flow(render_id))

    async def download_render(self, render_id: str, dest: str | Path, progress: Progress | None = None) -> Path:
        """Stream the finished MP4 to `dest` (written to a temporary name first, never left partial)."""
        return await self._run(self.download_render_flow(render_id, dest, progress))

    async def wait_for_render(
        self,
        render_id: str,
        *,
        interval: float = 10.0,
        timeout: float = 300.0,
        on_progress: Callable[[RenderJob], Any] | None = None,
        between_polls: Callable[[float], Any] | None = None,
    ) -> RenderJob:
        """Poll until completed (returned) or failed/cancelled (raised); `between_polls` waits (default: sleep)."""
        return await self._run(self.wait_for_render_flow(render_id, interval, timeout, on_progress, between_polls))
