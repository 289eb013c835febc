"""The protocol's endpoints, one row each: method, path template, envelope, and the JSON Schemas of the request and
the success reply (protocol §3). The emulator mounts its handlers on these paths, the client builds its requests
from them, the conformance suite checks replies against them and the OpenAPI document is drawn from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from nemo_protocol.wire import Envelope

APP = "nemo_agent"
"""The ADK `app_name`, also a path segment (§2.2)."""

Body = Literal["json", "sse", "file"]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One route of the protocol."""

    name: str
    method: Literal["GET", "POST"]
    path: str
    """Template; `{user}` is `me` or the caller's own user id, `{app}` is `nemo_agent`."""
    envelope: Envelope
    """The envelope errors (and JSON successes) come in."""
    response: str | None = None
    """Schema of the success body, under nemo_protocol/schemas/."""
    request: str | None = None
    """Schema of the JSON request body, if it takes one."""
    body: Body = "json"
    auth: bool = True
    summary: str = ""
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\\{\w+\\}", "[^/]+", re.escape(self.path))
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    def format(self, **params: str) -> str:
        """The concrete path, e.g. `endpoint("state").format(session_id=sid)` (`user` defaults to `me`)."""
        values = {"user": "me", "app": APP, **params}
        return self.path.format(**values)


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("anonymous_token", "POST", "/api/auth/anonymous-token", "code", "anonymous_token", auth=False,
             summary="An anonymous token with free credits (X-Client-Id required)"),
    Endpoint("claim_token", "POST", "/api/auth/claim-token", "code", "claim_token", "claim_request",
             summary="A claim token that opens the project in the web app"),
    Endpoint("create_session", "POST", "/api/tasks/{user}/with-session/{app}", "code", "session", "session_request",
             summary="A project and its agent session"),
    Endpoint("balance", "GET", "/api/credits/balance/simple", "code", "balance", summary="Credits: available, frozen"),
    Endpoint("state", "GET", "/api/state/{app}/{user}/{session_id}/latest", "code", "state",
             summary="The session's state: draft, uploads, canvas, analyses, generated media"),
    Endpoint("upload", "POST", "/api/upload-video/{app}/{user}/{session_id}", "code", "upload", "upload_request",
             summary="Upload media (multipart parts named `files`) or fetch it by URL"),
    Endpoint("run_sse", "POST", "/run_sse", "detail", None, "run_request", body="sse",
             summary="One agent turn, streamed as ADK events"),
    Endpoint("render_submit", "POST", "/api/render/proxy/lambda", "success", "render_submit", "render_request",
             summary="Submit an export of a draft"),
    Endpoint("render_status", "GET", "/api/render/proxy/lambda/{render_id}", "success", "render_status",
             summary="Poll an export"),
    Endpoint("render_cancel", "POST", "/api/render/proxy/lambda/{render_id}/cancel", "success", "render_cancel",
             summary="Cancel an export"),
    Endpoint("render_download", "GET", "/api/render/proxy/{render_id}/download", "success", body="file",
             summary="The finished MP4"),
)  # fmt: skip

_BY_NAME = {e.name: e for e in ENDPOINTS}


def endpoint(name: str) -> Endpoint:
    """The endpoint called `name`."""
    return _BY_NAME[name]


def match(method: str, path: str) -> Endpoint | None:
    """The endpoint a concrete request path belongs to, if any."""
    for e in ENDPOINTS:
        if e.method == method and e.pattern.match(path):
            return e
    return None


def envelope_for(path: str) -> Envelope:
    """The envelope an error on `path` comes in, known route or not: the render proxy speaks `success`, ADK's own
    routes `detail`, everything else the code envelope."""
    if path.startswith("/api/render/proxy"):
        return "success"
    if path == "/run_sse":
        return "detail"
    return "code"
