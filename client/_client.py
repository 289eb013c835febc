"""NemoClient: the synchronous client over an httpx.Client, one method per endpoint."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import httpx

from client import _errors as errors
from client._core import Attempt, Call, Core, render_job
from client._stream import TurnEvent, TurnResult, events_from_lines
from client._types import AnonymousToken, Balance, ClaimToken, RenderJob, SessionInfo, StateSnapshot, UploadResult
from client.timeline import diff

Progress = Callable[[int, int], None]
UploadItem = str | Path | IO[bytes] | tuple[str, IO[bytes]]


class _ProgressReader:
    """A file wrapper that reports bytes read, so uploads stream from disk with a progress display."""

    def __init__(self, fh: IO[bytes], total: int, report: Callable[[int], None]) -> None:
        self._fh, self.total, self._report = fh, total, report

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
def multipart_files(items: Sequence[UploadItem], progress: Progress | None) -> Iterator[list[tuple[str, Any]]]:
    """The `files` parts for httpx: each item opened (paths) and wrapped to report bytes as httpx reads them."""
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

        yield [("files", (name, _ProgressReader(fh, size, report))) for name, fh, size in opened]


def _size(fh: IO[bytes]) -> int:
    try:
        here = fh.tell()
        end = fh.seek(0, 2)
        fh.seek(here)
        return end - here
    except (OSError, AttributeError):
        return 0


class NemoClient(Core):
    """Talks to one NEMO endpoint (the live API or the emulator). Pass `http` to control transport/timeouts."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        **options: Any,
    ) -> None:
        super().__init__(base_url, **options)
        self.http = http or httpx.Client(base_url=self.base_url, timeout=httpx.Timeout(30, read=900))
        self.sleep = sleep

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> NemoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, call: Call) -> Any:
        attempt = Attempt()
        while True:
            with transport_errors():
                response = self.http.request(call.method, call.path, json=call.json, headers=self.headers(call))
            action = self.decide(call, response, attempt)
            if action.kind == "return":
                return action.value
            if action.kind == "retry_after":
                self.sleep(action.value)
            else:
                self.anonymous_token()

    def request(self, method: str, path: str, *, json: Any = None, envelope: str = "code") -> Any:
        """Any call in the protocol's envelopes ("code", "success" or "json"), with auth and recovery."""
        return self._send(Call(method, path, envelope=envelope, json=json))  # type: ignore[arg-type]

    # -- endpoints -----------------------------------------------------------------------------------

    def anonymous_token(self, client_id: str | None = None) -> AnonymousToken:
        """Get a token with 100 free credits; it becomes this client's token."""
        data: AnonymousToken = self._send(self.anonymous_token_call(client_id))
        self.remember_token(data)
        return data

    def create_session(self, task_name: str = "project", language: str | None = None) -> SessionInfo:
        """A new project + agent session; it becomes this client's current session."""
        data: SessionInfo = self._send(self.create_session_call(task_name, language))
        self.session_id = data["session_id"]
        return data

    def claim_token(self, task_id: str, session_id: str) -> ClaimToken:
        data: ClaimToken = self._send(self.claim_token_call(task_id, session_id))
        return data

    def balance(self) -> Balance:
        data: Balance = self._send(self.balance_call())
        return data

    def state(self, session_id: str | None = None) -> StateSnapshot:
        data: StateSnapshot = self._send(self.state_call(self._sid(session_id)))
        return data

    def upload(
        self, *items: UploadItem, session_id: str | None = None, progress: Progress | None = None
    ) -> UploadResult:
        """Upload files (paths or binary file objects), streamed from disk in one multipart request."""
        call = Call("POST", self.upload_path(self._sid(session_id)))
        with multipart_files(items, progress) as files, transport_errors():
            response = self.http.post(call.path, files=files, headers=self.headers(call))
        data: UploadResult = self.decide(call, response, Attempt(True, True)).value
        return data

    def upload_urls(self, *urls: str, session_id: str | None = None) -> UploadResult:
        data: UploadResult = self._send(self.upload_urls_call(self._sid(session_id), list(urls)))
        return data

    def stream(self, text: str, session_id: str | None = None) -> Iterator[TurnEvent]:
        """The turn's events as they arrive (keep-alives included). Errors before streaming raise."""
        call = Call("POST", "/run_sse", envelope="json")
        sid = self._sid(session_id)
        headers = {**self.headers(call), "Accept": "text/event-stream"}
        with (
            transport_errors(),
            self.http.stream("POST", "/run_sse", json=self.run_body(sid, text), headers=headers) as response,
        ):
            if not response.headers.get("content-type", "").startswith("text/event-stream"):
                response.read()
                self.decide(call, response, Attempt(True, True))
                raise errors.ProtocolError(f"/run_sse answered {response.status_code} without an event stream")
            yield from events_from_lines(response.iter_lines())

    def chat(
        self, text: str, session_id: str | None = None, *, on_event: Callable[[TurnEvent], None] | None = None
    ) -> TurnResult:
        """Send one message and collect the turn; a silent turn or a dropped stream is resolved via state."""
        sid = self._sid(session_id)
        if self.recovery.recreate_missing_session:
            try:
                self.state(sid)
            except errors.SessionNotFound:
                sid = self.create_session()["session_id"]
        before = (
            self.state(sid)["state"] if self.recovery.diff_silent_turns or self.recovery.recover_disconnects else None
        )
        result = TurnResult()
        try:
            for event in self.stream(text, sid):
                result.events.append(event)
                if on_event is not None:
                    on_event(event)
        except errors.TransportError:
            if not self.recovery.recover_disconnects or before is None:
                raise
            result.disconnected = True
            result.changes = self._await_change(sid, before)
            return result
        if result.silent and before is not None and self.recovery.diff_silent_turns:
            result.changes = diff(before, self.state(sid)["state"])
        return result

    def _await_change(self, session_id: str, before: Any) -> list[str]:
        """After a dropped stream: don't resend; read state after 30 s, then every 60 s, 5 unchanged reads = fail."""
        waits = [30.0] + [60.0] * 4
        for wait in waits:
            self.sleep(wait)
            with contextlib.suppress(errors.TransportError):
                changes = diff(before, self.state(session_id)["state"])
                if changes:
                    return changes
        raise errors.TransportError(
            "stream dropped and the session did not change within ~5 minutes; retry the request"
        )

    def submit_render(
        self,
        draft: dict[str, Any] | None = None,
        *,
        session_id: str | None = None,
        render_id: str | None = None,
        output: dict[str, Any] | None = None,
    ) -> RenderJob:
        """Start an export of `draft` (default: the session's current draft, passed verbatim)."""
        sid = self._sid(session_id)
        if draft is None:
            draft = self.state(sid)["state"].get("draft") or {}
        data: RenderJob = self._send(self.submit_render_call(sid, draft, render_id, output))
        return data

    def render_status(self, render_id: str) -> RenderJob:
        return render_job(self._send(self.render_status_call(render_id)))

    def cancel_render(self, render_id: str) -> RenderJob:
        data: RenderJob = self._send(self.cancel_render_call(render_id))
        return data

    def download_render(self, render_id: str, dest: str | Path, progress: Progress | None = None) -> Path:
        """Stream the finished MP4 to `dest` (written to a temporary name first, never left partial)."""
        call = Call("GET", self.download_path(render_id), envelope="json")
        dest = Path(dest)
        tmp = dest.with_name(dest.name + ".part")
        with transport_errors(), self.http.stream("GET", call.path, headers=self.headers(call)) as response:
            if response.status_code != 200 or response.headers.get("content-type", "").startswith("application/json"):
                response.read()
                self.decide(call, response, Attempt(True, True))
                raise errors.ProtocolError(f"download answered {response.status_code} without a file")
            total = int(response.headers.get("content-length", 0) or 0)
            try:
                with tmp.open("wb") as fh:
                    for chunk in response.iter_bytes(1 << 16):
                        fh.write(chunk)
                        if progress is not None:
                            progress(response.num_bytes_downloaded, total)
                tmp.replace(dest)
            finally:
                tmp.unlink(missing_ok=True)
        return dest

    def wait_for_render(
        self,
        render_id: str,
        *,
        interval: float = 10.0,
        timeout: float = 300.0,
        on_progress: Callable[[RenderJob], None] | None = None,
        between_polls: Callable[[float], None] | None = None,
    ) -> RenderJob:
        """Poll until completed (returned) or failed/cancelled (raised); `between_polls` waits (default: sleep)."""
        waited = 0.0
        wait = between_polls or self.sleep
        while True:
            job = self.render_status(render_id)
            if on_progress is not None:
                on_progress(job)
            if self.render_finished(job, waited, timeout):
                return job
            wait(interval)
            waited += interval
