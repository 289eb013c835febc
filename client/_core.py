"""What both clients share: how each endpoint's request is built, how replies are read, and the recovery
decisions (retry a 429 once, re-acquire a token once). The sync and async clients only do the I/O.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx

from client import _errors as errors
from client._config import Recovery, Skill, default_base_url, default_client_id, default_token
from client._json import obj
from client._types import RenderJob

APP = "nemo_agent"
Envelope = Literal["code", "success", "json"]


@dataclass(frozen=True, slots=True)
class Call:
    """One request, before it is sent."""

    method: str
    path: str
    envelope: Envelope = "code"
    json: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    auth: bool = True


@dataclass(slots=True)
class Attempt:
    """What recovery already did for one call (each rule fires at most once)."""

    retried_429: bool = False
    reauthed: bool = False


@dataclass(frozen=True, slots=True)
class Action:
    kind: Literal["return", "retry_after", "reauth"]
    value: Any = None


class Core:
    """Configuration, request builders and reply readers shared by NemoClient and AsyncNemoClient."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        token: str | None = None,
        client_id: str | None = None,
        skill: Skill | None = None,
        recovery: Recovery | None = None,
        config_dir: Path | None = None,
    ) -> None:
        self.base_url = (base_url or default_base_url()).rstrip("/")
        self.token = token if token is not None else default_token()
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
                raise errors.TokenInvalid(1001, "no token; call anonymous_token() or set NEMO_TOKEN", 401)
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def decide(self, call: Call, response: httpx.Response, attempt: Attempt) -> Action:
        """Return the payload, or say how to recover, or raise the reply's error."""
        error = errors.error_from(response)
        if error is None:
            return Action("return", errors.check(response, envelope=call.envelope))
        if isinstance(error, errors.RateLimited) and self.recovery.retry_rate_limited and not attempt.retried_429:
            attempt.retried_429 = True
            wait = error.retry_after if error.retry_after is not None else self.recovery.rate_limit_wait_s
            return Action("retry_after", min(wait, self.recovery.rate_limit_wait_s * 4))
        if (
            isinstance(error, errors.TokenInvalid)
            and call.auth
            and self.recovery.reacquire_token
            and not attempt.reauthed
        ):
            attempt.reauthed = True
            return Action("reauth")
        if isinstance(error, errors.BadRequest) and call.path == "/api/auth/anonymous-token":
            raise errors.MissingClientId(error.code, error.message, error.status, error.response)
        raise error

    def _sid(self, session_id: str | None) -> str:
        sid = session_id or self.session_id
        if not sid:
            raise errors.SessionNotFound(1002, "no session; call create_session() first", 404)
        return sid

    @staticmethod
    def render_finished(job: RenderJob, waited: float, timeout: float) -> bool:
        """Polling rule: True once completed, raise if failed/cancelled or out of time, else keep polling."""
        if job["status"] == "completed":
            return True
        if job["status"] in ("failed", "cancelled"):
            raise errors.RenderFailed(job)
        if waited >= timeout:
            raise errors.RenderTimeout(f"render {job.get('id')} still {job['status']} after {timeout:g} s")
        return False

    def remember_token(self, data: Mapping[str, Any]) -> None:
        self.token = str(data["token"])
        self.user_id = data.get("user_id") or self.user_id

    # -- request builders ------------------------------------------------------------------------------

    def anonymous_token_call(self, client_id: str | None = None) -> Call:
        return Call(
            "POST", "/api/auth/anonymous-token", headers={"X-Client-Id": client_id or self.client_id}, auth=False
        )

    @staticmethod
    def create_session_call(task_name: str = "project", language: str | None = None) -> Call:
        body: dict[str, Any] = {"task_name": task_name}
        if language:
            body["language"] = language
        return Call("POST", f"/api/tasks/me/with-session/{APP}", json=body)

    @staticmethod
    def claim_token_call(task_id: str, session_id: str) -> Call:
        return Call("POST", "/api/auth/claim-token", json={"task_id": task_id, "session_id": session_id})

    @staticmethod
    def balance_call() -> Call:
        return Call("GET", "/api/credits/balance/simple")

    @staticmethod
    def state_call(session_id: str) -> Call:
        return Call("GET", f"/api/state/{APP}/me/{session_id}/latest")

    @staticmethod
    def upload_urls_call(session_id: str, urls: list[str]) -> Call:
        return Call("POST", f"/api/upload-video/{APP}/me/{session_id}", json={"urls": urls, "source_type": "url"})

    @staticmethod
    def upload_path(session_id: str) -> str:
        return f"/api/upload-video/{APP}/me/{session_id}"

    @staticmethod
    def run_body(session_id: str, text: str) -> dict[str, Any]:
        return {"app_name": APP, "user_id": "me", "session_id": session_id, "new_message": {"parts": [{"text": text}]}}

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
        return Call("POST", "/api/render/proxy/lambda", envelope="success", json=body)

    @staticmethod
    def render_status_call(render_id: str) -> Call:
        return Call("GET", f"/api/render/proxy/lambda/{render_id}", envelope="json")

    @staticmethod
    def cancel_render_call(render_id: str) -> Call:
        return Call("POST", f"/api/render/proxy/lambda/{render_id}/cancel", envelope="success")

    @staticmethod
    def download_path(render_id: str) -> str:
        return f"/api/render/proxy/{render_id}/download"


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
