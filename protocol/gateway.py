"""The gateway surface (`mega-x-api`, protocol Appendix A): its code table, its routes and its WebSocket frames.

Its codes are its own: a bad token is 1010 and an expired one 1011 (both with HTTP 401), credits 2001 (with 402,
the gateway being no skill), and the rest travel as HTTP statuses in the code envelope. A mega-API code raised by
the shared state layer is translated here (`translate`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal


class GatewayCode(IntEnum):
    OK = 0
    BAD_REQUEST = 400
    FORBIDDEN = 403
    NOT_FOUND = 404
    METHOD_NOT_ALLOWED = 405
    CONFLICT = 409
    BODY_TOO_LARGE = 413
    UNSUPPORTED_MEDIA = 415
    INVALID_BODY = 422
    RATE_LIMITED = 429
    INTERNAL = 500
    BUSY = 503
    BAD_TOKEN = 1010
    """Unknown, revoked or anonymous token: the gateway takes registered users' API tokens only."""
    TOKEN_EXPIRED = 1011
    INSUFFICIENT_CREDITS = 2001


STATUS: Mapping[int, int] = {
    GatewayCode.BAD_TOKEN: 401,
    GatewayCode.TOKEN_EXPIRED: 401,
    GatewayCode.INSUFFICIENT_CREDITS: 402,
}
"""HTTP status per code where it is not the code itself."""

FROM_MEGA: Mapping[int, int] = {
    1001: GatewayCode.BAD_TOKEN,
    1002: GatewayCode.NOT_FOUND,
    2001: GatewayCode.INSUFFICIENT_CREDITS,
    4001: GatewayCode.UNSUPPORTED_MEDIA,
    4002: GatewayCode.BODY_TOO_LARGE,
    402: GatewayCode.FORBIDDEN,
    414: GatewayCode.BAD_REQUEST,
    431: GatewayCode.BAD_REQUEST,
}
"""A code of the mega API's table (raised by the shared state layer) -> the gateway's."""

CLOSE_BAD_TOKEN = 4001
CLOSE_NO_SESSION = 4002


def translate(code: int) -> GatewayCode:
    """The gateway's code for `code`, whichever table it came from."""
    value = FROM_MEGA.get(int(code), int(code))
    try:
        return GatewayCode(value)
    except ValueError:
        return GatewayCode.INTERNAL if value >= 500 else GatewayCode.BAD_REQUEST


def http_status(code: int) -> int:
    return STATUS.get(int(code), int(code) if 400 <= int(code) < 600 else 400)


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    method: Literal["GET", "POST"]
    path: str
    envelope: Literal["code", "success"] = "code"


ROUTES: tuple[Route, ...] = (
    Route("verify", "POST", "/auth/verify"),
    Route("balance", "GET", "/billing/balance"),
    Route("usage", "GET", "/billing/usage/conversations"),
    Route("create_project", "POST", "/projects"),
    Route("projects", "GET", "/projects"),
    Route("project", "GET", "/projects/{project_id}"),
    Route("project_sessions", "GET", "/projects/{project_id}/sessions"),
    Route("frontend_state", "GET", "/api/v1/state/frontend/{project_id}"),
    Route("upload", "POST", "/files/upload"),
    Route("render_submit", "POST", "/services/v1/render-proxy/lambda", "success"),
    Route("render_status", "GET", "/services/v1/render-proxy/lambda/{render_id}", "success"),
    Route("render_download", "GET", "/services/v1/render-proxy/{project_id}/download", "success"),
    Route("exchange_claim", "POST", "/api/auth/exchange-claim-token"),
)
"""The gateway's twelve HTTP routes (and the claim-token exchange of the legacy `open`)."""
WS_CHAT = "/ws/chat"
PREFIXES = ("/auth/verify", "/billing/", "/projects", "/api/v1/state/frontend/", "/files/upload", "/services/v1/",
            "/api/auth/exchange-claim-token", WS_CHAT)  # fmt: skip

CLIENT_FRAMES = ("message", "ping", "abort")
SERVER_FRAMES = (
    "warming_up", "status", "session_ready", "message_accepted", "thinking_start", "thinking_chunk", "thinking_end",
    "tool_start", "tool_end", "toolcall_start", "toolcall_end", "chunk", "text", "ask_question", "done", "error",
    "pong",
)  # fmt: skip
"""The 3 frame types a client sends and the 17 the server may send (A.4)."""


def route(name: str) -> Route:
    return next(r for r in ROUTES if r.name == name)


def is_gateway(path: str) -> bool:
    return path.startswith(PREFIXES)
