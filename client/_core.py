"""What both clients share: how each request is built, how replies are read, and every behaviour built on top —
recovery (retry a 429 once, re-acquire a token once), polling, progress and event callbacks, silent-turn diffs and
disconnect recovery.

Behaviour is written once, as flows: generators that yield I/O operations (`Request`, `Sleep`, `Stream`,
`Upload`, `Download`) and receive their results. NemoClient runs a flow with blocking I/O, AsyncNemoClient with
`await`; neither contains a rule of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NoReturn

import httpx

from nemo_client import _errors as errors
from nemo_client._config import Recovery, Skill, default_base_url, default_client_id, default_token
from nemo_client._ops import (
    Attempt,
    Call,
    Download,
    EventHook,
    Flow,
    Notify,
    Progress,
    Request,
    Sleep,
    Stream,
    Upload,
    UploadItem,
)
from nemo_client._stream import TurnResult
from nemo_client._types import (
    AnonymousToken,
    Balance,
    ClaimToken,
    RenderJob,
    SessionInfo,
    StateSnapshot,
    UploadResult,
)
from nemo_protocol.draft import diff
from nemo_protocol.routes import APP, endpoint
from nemo_protocol.wire import obj


class Core:
    """Configuration, request builders, reply readers and flows shared by NemoClient and AsyncNemoClient."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        token: str | None = None,
        client_id: str | None = None,
        skill: Skill | None = None,
        recovery: Recovery | None = None,
        config_dir: Path | None = None,
        renew_token: bool | None = None,
    ) -> None:
        """`renew_token`: may an expired or unknown token be replaced by a new anonymous one? By default only a
        token this client obtained itself; a token you pass (or NEMO_TOKEN) is yours, and an error says so."""
        self.base_url = (base_url or default_base_url()).rstrip("/")
        self.token = token if token is not None else default_token()
        self.renew_token = renew_token if renew_token is not None else self.token is None
        self._client_id = client_id
        self._config_dir = config_dir
        self.skill = skill or Skill()
        self.recovery = recovery or Recovery()
        self.session_id: str | None = None
        self.user_id: str | None = None

    @property
    def client_id(self) -> str:
        """X-Client-Id: given, else NEMO_CLIENT_ID, else the persisted one under ~/.config/nemovideo."""
        if self._client_id is None:
            self._client_id = default_client_id(self._config_dir)
        return self._client_id

    def headers(self, call: Call) -> dict[str, str]:
        headers = {**self.skill.headers(), **call.headers}
        if call.auth:
            if not self.token:
                raise errors.TokenInvalid(1001, "no token yet; get an anonymous token first (or set NEMO_TOKEN)", 401)
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def _sid(self, session_id: str | None) -> str:
        sid = session_id or self.session_id
        if not sid:
            raise errors.SessionNotFound(1002, "no session yet; create one first", 404)
        return sid

    def remember_token(self, data: Mapping[str, Any]) -> None:
        self.token = str(data["token"])
        self.renew_token = True
        self.user_id = data.get("user_id") or self.user_id

    # -- request builders ------------------------------------------------------------------------------------

    def anonymous_token_call(self, client_id: str | None = None) -> Call:
        return Call(
            "POST",
            endpoint("anonymous_token").path,
            headers={"X-Client-Id": client_id or self.client_id},
            auth=False,
        )

    @staticmethod
    def create_session_call(task_name: str = "project", language: str | None = None) -> Call:
        body: dict[str, Any] = {"task_name": task_name}
        if language:
            body["language"] = language
        return Call("POST", endpoint("create_session").format(), json=body)

    @staticmethod
    def claim_token_call(task_id: str, session_id: str) -> Call:
        return Call("POST", endpoint("claim_token").path, json={"task_id": task_id, "session_id": session_id})

    @staticmethod
    def balance_call() -> Call:
        return Call("GET", endpoint("balance").path)

    @staticmethod
    def state_call(session_id: str) -> Call:
        return Call("GET", endpoint("state").format(session_id=session_id))

    @staticmethod
    def upload_path(session_id: str) -> str:
        return endpoint("upload").format(session_id=session_id)

    def upload_urls_call(self, session_id: str, urls: list[str]) -> Call:
        return Call("POST", self.upload_path(session_id), json={"urls": urls, "source_type": "url"})

    @staticmethod
    def run_body(session_id: str, text: str, *, streaming: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "app_name": APP,
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"role": "user", "parts": [{"text": text}]},
        }
        if streaming:
            body["streaming"] = True
        return body

    @staticmethod
    def run_call(session_id: str, text: str, *, streaming: bool = False) -> Call:
        return Call(
            "POST",
            endpoint("run_sse").path,
            envelope="json",
            json=Core.run_body(session_id, text, streaming=streaming),
            headers={"Accept": "text/event-stream"},
        )

    @staticmethod
    def submit_render_call(
        session_id: str, draft: Mapping[str, Any], render_id: str | None = None, output: Mapping[str, Any] | None = None
    ) -> Call:
        body = {
            "id": render_id or f"render_{int(time.time() * 1000)}",
            "sessionId": session_id,
            "draft": draft,
            "output": dict(output or {"format": "mp4", "quality": "high"}),
        }
        return Call("POST", endpoint("render_submit").path, envelope="success", json=body)

    @staticmethod
    def render_status_call(render_id: str) -> Call:
        return Call("GET", endpoint("render_status").format(render_id=render_id), envelope="json")

    @staticmethod
    def cancel_render_call(render_id: str) -> Call:
        return Call("POST", endpoint("render_cancel").format(render_id=render_id), envelope="success")

    @staticmethod
    def download_path(render_id: str) -> str:
        return endpoint("render_download").format(render_id=render_id)

    # -- reading replies ---------------------------------------------------------------------------------------

    def _recover(self, call: Call, error: errors.ApiError, attempt: Attempt) -> Sleep | Literal["reauth"]:
        """How to recover from `error` (once per rule), or raise it."""
        if isinstance(error, errors.RateLimited) and self.recovery.retry_rate_limited and not attempt.retried_429:
            attempt.retried_429 = True
            wait = error.retry_after if error.retry_after is not None else self.recovery.rate_limit_wait_s
            return Sleep(min(wait, self.recovery.rate_limit_wait_s * 4))
        if (
            isinstance(error, errors.TokenInvalid)
            and call.auth
            and self.recovery.reacquire_token
            and self.renew_token
            and not attempt.reauthed
        ):
            attempt.reauthed = True
            return "reauth"
        if isinstance(error, errors.BadRequest) and call.path == endpoint("anonymous_token").path:
            raise errors.MissingClientId(error.code, error.message, error.status, error.response)
        raise error

    def refuse(self, call: Call, response: httpx.Response) -> NoReturn:
        """Raise what a reply that should have been a stream carries instead (no recovery: a turn is never resent)."""
        error = errors.error_from(response)
        if error is not None:
            self._recover(call, error, Attempt(retried_429=True, reauthed=True))
        raise errors.ProtocolError(f"{call.path} answered {response.status_code} without an event stream")

    # -- flows: every behaviour, written once --------------------------------------------------------------------

    def send(self, call: Call) -> Flow[Any]:
        """Send `call` with the recovery rules; the reply's payload."""
        attempt = Attempt()
        while True:
            response = yield Request(call)
            error = errors.error_from(response)
            if error is None:
                return errors.check(response, envelope=call.envelope)
            step = self._recover(call, error, attempt)
            if step == "reauth":
                yield from self.anonymous_token_flow()
            else:
                yield step

    def anonymous_token_flow(self, client_id: str | None = None) -> Flow[AnonymousToken]:
        data: AnonymousToken = yield from self.send(self.anonymous_token_call(client_id))
        self.remember_token(data)
        return data

    def create_session_flow(self, task_name: str = "project", language: str | None = None) -> Flow[SessionInfo]:
        data: SessionInfo = yield from self.send(self.create_session_call(task_name, language))
        self.session_id = data["session_id"]
        return data

    def claim_token_flow(self, task_id: str, session_id: str) -> Flow[ClaimToken]:
        data: ClaimToken = yield from self.send(self.claim_token_call(task_id, session_id))
        return data

    def balance_flow(self) -> Flow[Balance]:
        data: Balance = yield from self.send(self.balance_call())
        return data

    def state_flow(self, session_id: str | None = None) -> Flow[StateSnapshot]:
        data: StateSnapshot = yield from self.send(self.state_call(self._sid(session_id)))
        return data

    def upload_flow(
        self, items: Sequence[UploadItem], session_id: str | None = None, progress: Progress | None = None
    ) -> Flow[UploadResult]:
        call = Call("POST", self.upload_path(self._sid(session_id)))
        response = yield Upload(call, items, progress)
        error = errors.error_from(response)
        if error is not None:
            self._recover(call, error, Attempt(retried_429=True, reauthed=True))
        data: UploadResult = errors.check(response, envelope="code")
        return data

    def upload_urls_flow(self, urls: Sequence[str], session_id: str | None = None) -> Flow[UploadResult]:
        data: UploadResult = yield from self.send(self.upload_urls_call(self._sid(session_id), list(urls)))
        return data

    def chat_flow(
        self, text: str, session_id: str | None = None, on_event: EventHook | None = None, streaming: bool = False
    ) -> Flow[TurnResult]:
        """One turn: a missing session re-created (if asked), a silent turn or a dropped stream resolved via state."""
        sid = self._sid(session_id)
        if self.recovery.recreate_missing_session:
            try:
                yield from self.state_flow(sid)
            except errors.SessionNotFound:
                sid = (yield from self.create_session_flow())["session_id"]
        watch = self.recovery.diff_silent_turns or self.recovery.recover_disconnects
        before = (yield from self.state_flow(sid))["state"] if watch else None
        stream = Stream(text, sid, streaming, on_event=on_event)
        result = TurnResult(events=stream.events)
        try:
            yield stream
        except errors.TransportError:
            if not self.recovery.recover_disconnects or before is None:
                raise
            result.disconnected = True
            result.changes = yield from self._await_change(sid, before)
            return result
        if result.silent and before is not None and self.recovery.diff_silent_turns:
            result.changes = diff(before, (yield from self.state_flow(sid))["state"])
        return result

    def _await_change(self, session_id: str, before: Any) -> Flow[list[str]]:
        """After a dropped stream: don't resend; read state after 30 s, then every 60 s; 5 unchanged reads = fail."""
        for wait in [30.0] + [60.0] * 4:
            yield Sleep(wait)
            try:
                changes = diff(before, (yield from self.state_flow(session_id))["state"])
            except errors.TransportError:
                continue
            if changes:
                return changes
        raise errors.TransportError(
            "stream dropped and the session did not change within ~5 minutes; retry the request"
        )

    def submit_render_flow(
        self,
        draft: Mapping[str, Any] | None = None,
        session_id: str | None = None,
        render_id: str | None = None,
        output: Mapping[str, Any] | None = None,
    ) -> Flow[RenderJob]:
        sid = self._sid(session_id)
        if draft is None:
            draft = (yield from self.state_flow(sid))["state"].get("draft") or {}
        data: RenderJob = yield from self.send(self.submit_render_call(sid, draft, render_id, output))
        return data

    def render_status_flow(self, render_id: str) -> Flow[RenderJob]:
        return render_job((yield from self.send(self.render_status_call(render_id))))

    def cancel_render_flow(self, render_id: str) -> Flow[RenderJob]:
        data: RenderJob = yield from self.send(self.cancel_render_call(render_id))
        return data

    def download_render_flow(self, render_id: str, dest: str | Path, progress: Progress | None = None) -> Flow[Path]:
        call = Call("GET", self.download_path(render_id), envelope="json")
        attempt = Attempt()
        while True:
            response = yield Download(call, Path(dest), progress)
            if response is None:
                return Path(dest)
            error = errors.error_from(response)
            if error is None:
                raise errors.ProtocolError(f"download answered {response.status_code} without a file")
            step = self._recover(call, error, attempt)
            if step == "reauth":
                yield from self.anonymous_token_flow()
            else:
                yield step

    def wait_for_render_flow(
        self,
        render_id: str,
        interval: float = 10.0,
        timeout: float = 300.0,
        on_progress: Callable[[RenderJob], Any] | None = None,
        between_polls: Callable[[float], Any] | None = None,
    ) -> Flow[RenderJob]:
        """Poll until completed (returned) or failed/cancelled (raised), `interval` seconds apart."""
        waited = 0.0
        while True:
            job = yield from self.render_status_flow(render_id)
            if on_progress is not None:
                yield Notify(on_progress, (job,))
            if render_finished(job, waited, timeout):
                return job
            yield Sleep(interval, between_polls)
            waited += interval


def render_finished(job: RenderJob, waited: float, timeout: float) -> bool:
    """Polling rule: True once completed, raise if failed/cancelled or out of time, else keep polling."""
    if job["status"] == "completed":
        return True
    if job["status"] in ("failed", "cancelled"):
        raise errors.RenderFailed(job)
    if waited >= timeout:
        raise errors.RenderTimeout(f"render {job.get('id')} still {job['status']} after {timeout:g} s")
    return False


def render_job(body: Any) -> RenderJob:
    """A poll reply in any of the documented shapes (wrapped, flat, both) as one RenderJob."""
    if not isinstance(body, dict):
        raise errors.ProtocolError(f"render status is not an object: {body!r:.200}")
    data = obj(body.get("data")) or body
    job: dict[str, Any] = dict(data)
    if "id" not in job and "taskId" in job:
        job["id"] = job["taskId"]
    output = obj(job.get("output"))
    if not job.get("outputUrl") and output.get("url"):
        job["outputUrl"] = output["url"]
    if "status" not in job:
        raise errors.ProtocolError(f"render status has no 'status': {body!r:.200}")
    return job  # type: ignore[return-value]


def is_file_reply(response: httpx.Response) -> bool:
    """A download that carries the file (not a JSON error)."""
    return response.status_code == 200 and not response.headers.get("content-type", "").startswith("application/json")
