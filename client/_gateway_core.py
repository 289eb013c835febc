"""The gateway client's rules, written once as flows for both faces (GatewayClient, AsyncGatewayClient): its
routes (protocol Appendix A), the `/mnt/userdata` rewrite before a render, polling with back-off, and the
WebSocket chat: wait for `session_ready`, send the message, collect frames until `done`, answer `ask_question`,
retry a refused handshake (502/503/504, or a 403 that does not say the token is bad) up to ten times, and
reconnect once after an unexpected close, without sending the message again.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from nemo_client import _errors as errors
from nemo_client._config import VERSION, default_token
from nemo_client._core import is_file_reply, render_finished
from nemo_client._ops import (
    Call,
    Download,
    Flow,
    HandshakeRefused,
    Notify,
    Progress,
    Request,
    Sleep,
    SocketClosed,
    Upload,
    UploadItem,
    WsClose,
    WsOpen,
    WsReceive,
    WsSend,
)
from nemo_protocol import gateway

GATEWAY_URL = "https://mega-x-api-prod.nemovideo.ai"
HANDSHAKE_RETRIES = (2.0, 3.0, 3.0, 3.0, 3.0, 5.0, 5.0, 5.0, 5.0, 5.0)
"""Seconds before each retry of a refused handshake (as the official CLI waits)."""
AUTH_REFUSALS = ("invalid authentication token", "invalid token", "invalid or expired", "missing authentication token",
                 "token not found", "token has been revoked", "token has expired")  # fmt: skip
Answer = Callable[[dict[str, Any]], str]
"""Given an `ask_question` frame, the text of the answer (the default picks each question's first option)."""
FrameHook = Callable[[dict[str, Any]], Any]


@dataclass
class ChatResult:
    """One exchange on /ws/chat: what the agent said and did, and how it ended."""

    completed: bool = False
    texts: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    frames: list[dict[str, Any]] = field(default_factory=list)
    reconnected: bool = False


def first_options(frame: dict[str, Any]) -> str:
    """The answer a client without a person gives: each question's first option, as the CLI sends it."""
    lines = []
    for i, q in enumerate(frame.get("questions") or [], 1):
        options = q.get("options") or []
        label = options[0].get("label") if options and isinstance(options[0], dict) else "Skipped"
        lines.append(f"{i}. {q.get('prompt', '')}: {label}")
    return "\n".join(lines) or "Skipped"


def rewrite_sandbox_paths(draft: Any, project: Mapping[str, Any]) -> Any:
    """The draft with its `/mnt/userdata/…` paths replaced by the cdn_url of the file they name (A.3)."""
    names: dict[str, str] = {}
    for key, files in project.items():
        if key.startswith("files:") and isinstance(files, list):
            for f in files:
                if isinstance(f, dict) and f.get("cdn_url") and f.get("s3_key"):
                    names[str(f["s3_key"]).rsplit("/", 1)[-1]] = str(f["cdn_url"])
    text = json.dumps(draft)
    for name, url in names.items():
        text = re.sub(r'/mnt/userdata/[^"]*' + re.escape(name), url.replace("\\", "\\\\"), text)
    return json.loads(text)


class GatewayCore:
    """Configuration, request builders and flows shared by GatewayClient and AsyncGatewayClient."""

    def __init__(self, base_url: str | None = None, *, token: str | None = None) -> None:
        """`token`: a registered user's API token (`nmv_usr_…`; else NEMOVIDEO_API_KEY, then NEMO_TOKEN)."""
        import os

        self.base_url = (base_url or os.environ.get("NEMOVIDEO_BASE_URL") or GATEWAY_URL).rstrip("/")
        self.token = token or os.environ.get("NEMOVIDEO_API_KEY") or default_token()

    def headers(self, call: Call) -> dict[str, str]:
        headers = {"X-Skill-Source": "nemo-client", "X-Skill-Version": VERSION, "X-Skill-Platform": "terminal",
                   "User-Agent": f"nemo-client/{VERSION}", **call.headers}  # fmt: skip
        if call.auth:
            if not self.token:
                raise errors.TokenInvalid(1010, "no API token; pass token= or set NEMOVIDEO_API_KEY", 401)
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def send(self, call: Call) -> Flow[Any]:
        response = yield Request(call)
        envelope = "success" if call.envelope == "success" else "code"
        return errors.check(response, envelope=envelope)

    # -- HTTP --------------------------------------------------------------------------------------------------------

    def verify_flow(self) -> Flow[dict[str, Any]]:
        data: dict[str, Any] = yield from self.send(Call("POST", "/auth/verify", json={"token": self.token}))
        return data

    def balance_flow(self) -> Flow[dict[str, Any]]:
        data: dict[str, Any] = yield from self.send(Call("GET", "/billing/balance"))
        return data

    def usage_flow(self, page_no: int = 1, page_size: int = 100, start_date: str | None = None,
                   end_date: str | None = None, all_pages: bool = False) -> Flow[list[dict[str, Any]]]:  # fmt: skip
        """Usage items (conversations, grants, expiries), newest first; every page with `all_pages`."""
        items: list[dict[str, Any]] = []
        while True:
            query = f"?page_no={page_no}&page_size={min(page_size, 100)}"
            query += f"&start_date={start_date}" if start_date else ""
            query += f"&end_date={end_date}" if end_date else ""
            page: dict[str, Any] = yield from self.send(Call("GET", "/billing/usage/conversations" + query))
            items.extend(page["items"])
            if not all_pages or not page.get("has_next"):
                return items
            page_no += 1

    def create_project_flow(self, name: str | None = None) -> Flow[dict[str, Any]]:
        body: dict[str, Any] = {"create_session": True, **({"name": name} if name else {})}
        data: dict[str, Any] = yield from self.send(Call("POST", "/projects", json=body))
        return data

    def projects_flow(self) -> Flow[list[dict[str, Any]]]:
        data: dict[str, Any] = yield from self.send(Call("GET", "/projects"))
        return list(data["projects"])

    def project_flow(self, project_id: str) -> Flow[dict[str, Any]]:
        data: dict[str, Any] = yield from self.send(Call("GET", f"/projects/{quote(project_id)}"))
        return data

    def session_of_flow(self, project_id: str) -> Flow[str]:
        data: dict[str, Any] = yield from self.send(Call("GET", f"/projects/{quote(project_id)}/sessions"))
        sessions = data.get("sessions") or []
        if not sessions:
            raise errors.SessionNotFound(1002, f"project {project_id} has no session", 404)
        return str(sessions[0]["session_id"])

    def state_flow(self, project_id: str) -> Flow[dict[str, Any]]:
        data: dict[str, Any] = yield from self.send(Call("GET", f"/api/v1/state/frontend/{quote(project_id)}"))
        return data

    def upload_flow(self, project_id: str, item: UploadItem, progress: Progress | None = None) -> Flow[dict[str, Any]]:
        session_id = yield from self.session_of_flow(project_id)
        response = yield Upload(Call("POST", "/files/upload"), [item], progress, "file", {"session_id": session_id})
        data: dict[str, Any] = errors.check(response, envelope="code")
        return data

    def submit_render_flow(self, project_id: str, render_id: str | None = None) -> Flow[str]:
        """Render the project's draft as it stands (sandbox paths rewritten); the render id."""
        state = yield from self.state_flow(project_id)
        project = state.get("project") or {}
        draft = project.get("timeline_draft")
        if not isinstance(draft, dict) or not draft.get("t"):
            raise errors.BadRequest(400, f"project {project_id} has no draft to render yet; chat with the agent "
                                         "first", 400)  # fmt: skip
        session_id = yield from self.session_of_flow(project_id)
        render_id = render_id or f"draft-cli-{int(time.time() * 1000)}"
        body = {"id": render_id, "draft": rewrite_sandbox_paths(draft, project), "sessionId": session_id,
                "projectId": project_id, "output": {"format": "mp4", "codec": "h264", "crf": 23}}  # fmt: skip
        yield from self.send(Call("POST", "/services/v1/render-proxy/lambda", "success", json=body))
        return render_id

    def render_status_flow(self, render_id: str) -> Flow[dict[str, Any]]:
        data: dict[str, Any] = yield from self.send(Call("GET", f"/services/v1/render-proxy/lambda/{quote(render_id)}",
                                                          "success"))  # fmt: skip
        return data

    def wait_for_render_flow(self, render_id: str, timeout: float = 300.0,
                             on_progress: Callable[[dict[str, Any]], Any] | None = None,
                             between_polls: Callable[[float], Any] | None = None) -> Flow[dict[str, Any]]:  # fmt: skip
        """Poll 2 s apart, then 1.5 times longer each time (at most 15 s), until completed (or raise)."""
        waited, interval = 0.0, 2.0
        while True:
            job = yield from self.render_status_flow(render_id)
            if on_progress is not None:
                yield Notify(on_progress, (job,))
            if job.get("status") == "completed" and not job.get("outputUrl"):
                raise errors.ProtocolError(f"render {render_id} completed without an outputUrl")
            if render_finished(job, waited, timeout):  # type: ignore[arg-type]
                return job
            yield Sleep(interval, between_polls)
            waited += interval
            interval = min(interval * 1.5, 15.0)

    def download_flow(self, url: str, dest: str | Path, progress: Progress | None = None) -> Flow[Path]:
        """Fetch a file link (the render's outputUrl works without a token) to `dest`."""
        response = yield Download(Call("GET", url, auth=False), Path(dest), progress)
        if response is not None and not is_file_reply(response):
            raise errors.error_from(response) or errors.ProtocolError(f"no file at {url}")
        return Path(dest)

    def latest_render_flow(self, project_id: str) -> Flow[dict[str, Any] | None]:
        path = f"/services/v1/render-proxy/{quote(project_id)}/download"
        data: dict[str, Any] = yield from self.send(Call("GET", path, "success"))
        output = data.get("output")
        return output if isinstance(output, dict) and output.get("url") else None

    # -- the WebSocket chat ------------------------------------------------------------------------------------------

    def ws_url(self, session_id: str) -> str:
        base = re.sub(r"^http", "ws", self.base_url)
        return f"{base}{gateway.WS_CHAT}?token={quote(self.token or '')}&session_id={quote(session_id)}"

    def _open(self, url: str) -> Flow[Any]:
        headers = {"User-Agent": f"nemo-client/{VERSION}", "X-Skill-Source": "nemo-client"}
        for attempt in range(len(HANDSHAKE_RETRIES) + 1):
            try:
                return (yield WsOpen(url, headers))
            except HandshakeRefused as refused:
                reason = _reason(refused.reason)
                transient = refused.status in (502, 503, 504) or (
                    refused.status == 403 and not any(p in reason.lower() for p in AUTH_REFUSALS)
                )
                if refused.status == 403 and not transient:
                    raise errors.TokenInvalid(1010, reason or "invalid token", 403) from None
                if not transient or attempt == len(HANDSHAKE_RETRIES):
                    raise errors.ApiError(refused.status, f"WebSocket handshake refused: {reason or refused.status}",
                                          refused.status) from None  # fmt: skip
                yield Sleep(HANDSHAKE_RETRIES[attempt])
        raise AssertionError("unreachable")

    def chat_flow(self, project_id: str, content: str, on_frame: FrameHook | None = None, answer: Answer | None = None,
                  timeout: float = 600.0) -> Flow[ChatResult]:  # fmt: skip
        session_id = yield from self.session_of_flow(project_id)
        url = self.ws_url(session_id)
        result = ChatResult()
        socket = yield from self._open(url)
        sent = False
        buffer = ""
        while True:
            try:
                raw = yield WsReceive(socket, timeout)
            except SocketClosed as closed:
                if closed.code == gateway.CLOSE_BAD_TOKEN:
                    raise errors.TokenInvalid(1010, closed.reason or "invalid token", 401) from None
                if closed.code == gateway.CLOSE_NO_SESSION:
                    raise errors.BadRequest(400, closed.reason or "missing session_id", 400) from None
                if result.reconnected:
                    raise errors.TransportError(f"the chat closed twice ({closed.code}); read the project") from None
                result.reconnected = True
                yield Sleep(1.0)
                socket = yield from self._open(url)
                continue
            except BaseException:
                yield WsClose(socket)
                raise
            frame = json.loads(raw)
            result.frames.append(frame)
            if on_frame is not None:
                yield Notify(on_frame, (frame,))
            kind = frame.get("type")
            if kind == "session_ready" and not sent:
                sent = True
                yield WsSend(socket, json.dumps({"type": "message", "content": content, "metadata": {}}))
            elif kind == "chunk":
                buffer += str(frame.get("text") or frame.get("content") or "")
            elif kind == "text":
                text = str(frame.get("text") or frame.get("content") or "")
                buffer = ""
                if text and text not in result.texts:
                    result.texts.append(text)
            elif kind in ("tool_start", "toolcall_start"):
                name = frame.get("tool") or frame.get("tool_name") or frame.get("name")
                if name and name not in result.tools:
                    result.tools.append(str(name))
            elif kind == "ask_question":
                result.questions.append(frame)
                reply = (answer or first_options)(frame)
                yield WsSend(socket, json.dumps({"type": "message", "content": reply, "metadata": {}}))
            elif kind in ("done", "error"):
                if buffer.strip() and buffer.strip() not in result.texts:
                    result.texts.append(buffer.strip())
                result.completed = kind == "done"
                result.error = None if kind == "done" else str(frame.get("error") or "agent error")
                yield WsClose(socket)
                return result


def _reason(body: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body[:200].strip()
    if isinstance(data, dict):
        return str(data.get("reason") or data.get("message") or data.get("detail") or "")
    return ""
