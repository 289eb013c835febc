"""Mutants: emulators broken on purpose, one protocol rule each, to prove that a conformance suite notices
(`--set mutation=NAME`; tests/test_conformance_has_teeth.py runs the suite against every one).

A mutant is a settings preset (a leniency the settings already offer, turned on) or a rewrite of what the
emulator sends: a JSON response's status and body, or a stream's frames. Product code knows nothing of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nemo_emulator.settings import Latency, Settings
from nemo_protocol import gateway

if TYPE_CHECKING:
    from nemo_emulator.state.store import Store


@dataclass
class Reply:
    """A JSON response a rewrite may change."""

    path: str
    status: int
    body: Any
    store: Store


Rewrite = Callable[[Reply], None]
FrameRewrite = Callable[[str, Any], Any]
"""(frame kind, frame) -> the frame to send, or None to send nothing."""


@dataclass(frozen=True)
class Mutant:
    name: str
    breaks: str
    """The rule it breaks."""
    settings: dict[str, Any] = field(default_factory=dict)
    rewrite: Rewrite | None = None
    frames: FrameRewrite | None = None
    surface: str = "mega"


def _data(reply: Reply) -> dict[str, Any]:
    body = reply.body
    data = body.get("data") if isinstance(body, dict) else None
    return data if isinstance(data, dict) else {}


def _drop_code(reply: Reply) -> None:
    if reply.path.startswith("/api/") and not reply.path.startswith("/api/render/") and isinstance(reply.body, dict):
        reply.body.pop("code", None)


def _leak_session(reply: Reply) -> None:
    parts = reply.path.split("/")
    if reply.path.startswith("/api/state/") and isinstance(reply.body, dict) and reply.body.get("code") == 1002:
        session = reply.store.sessions.by_id.get(parts[-2] if len(parts) > 2 else "")
        if session is not None:
            reply.status, reply.body = 200, {"code": 0, "message": "success", "data": session.snapshot()}


def _balance_total(reply: Reply) -> None:
    if reply.path == "/api/credits/balance/simple" and (data := _data(reply)):
        data["total"] = data.get("available")


def _wrong_code(reply: Reply) -> None:
    if isinstance(reply.body, dict) and reply.body.get("code") == 1002:
        reply.body["code"] = 1001


def _credits_402(reply: Reply) -> None:
    if isinstance(reply.body, dict) and reply.body.get("code") == 2001:
        reply.status = 402


def _run_sse_400(reply: Reply) -> None:
    if reply.path == "/run_sse" and reply.status == 422:
        reply.status, reply.body = 400, {"code": 400, "message": "invalid body", "data": None}


def _gateway_no_message(reply: Reply) -> None:
    body, path = reply.body, reply.path
    if gateway.is_gateway(path) and not path.startswith("/services/") and isinstance(body, dict) and reply.status < 300:
        body.pop("message", None)


def _gateway_old_auth_code(reply: Reply) -> None:
    if gateway.is_gateway(reply.path) and isinstance(reply.body, dict) and reply.body.get("code") == 1010:
        reply.body["code"] = 1001


def _gateway_nothing_consumed(reply: Reply) -> None:
    if reply.path == "/billing/balance" and (data := _data(reply)):
        data["total_consumed"] = 0


def _no_s256(reply: Reply) -> None:
    if reply.path == "/.well-known/oauth-authorization-server" and isinstance(reply.body, dict):
        reply.body["code_challenge_methods_supported"] = ["plain"]


def _forbidden_not_unauthorized(reply: Reply) -> None:
    if reply.path == "/mcp" and reply.status == 401:
        reply.status = 403


def _tool_errors(reply: Reply) -> list[dict[str, Any]]:
    """The structured errors of the failed tool results in a JSON answer of /mcp (mcp_json_response on)."""
    if reply.path != "/mcp":
        return []
    messages = reply.body if isinstance(reply.body, list) else [reply.body]
    return [m["result"] for m in messages
            if isinstance(m, dict) and isinstance(m.get("result"), dict) and m["result"].get("isError")
            and isinstance(m["result"].get("structuredContent"), dict)]  # fmt: skip


def _conflict_saved(reply: Reply) -> None:
    for result in _tool_errors(reply):
        if result["structuredContent"].get("code") == 409:
            result["isError"] = False


def _mega_credit_code(reply: Reply) -> None:
    for result in _tool_errors(reply):
        if result["structuredContent"].get("code") == 402:
            result["structuredContent"]["code"] = 2001


def _drop(kind: str) -> FrameRewrite:
    return lambda k, frame: None if k == kind else frame


MUTANTS: dict[str, Mutant] = {m.name: m for m in (
    Mutant("envelope", "code-envelope replies carry an integer `code`", rewrite=_drop_code),
    Mutant("no_heartbeat", "a stream sends heartbeats while a tool runs", frames=_drop("heartbeat")),
    Mutant("leak_session", "another user's session is invisible (1002)", rewrite=_leak_session),
    Mutant("balance", "total = available + frozen", rewrite=_balance_total),
    Mutant("wrong_code", "an unknown session is 1002", rewrite=_wrong_code),
    Mutant("credits_402", "credits are never reported as HTTP 402", rewrite=_credits_402),
    Mutant("lenient_export", "a free export without X-Skill-Source is 402",
           settings={"free_export_requires_attribution": False}),
    Mutant("no_partial", "`streaming: true` sends partial events", frames=_drop("partial")),
    Mutant("run_sse_400", "a malformed /run_sse body is FastAPI's 422", rewrite=_run_sse_400),
    Mutant("no_rate_limit", "a burst of requests meets 429", settings={"rate_limit_per_minute": 0}),
    Mutant("slow_render", "an export takes at most 90 s",
           settings={"latency_render": Latency(150, 150.5, per_s=0.05, cap=210)}),
    Mutant("gateway_envelope", "a gateway 2xx is {code:0, message, data}", rewrite=_gateway_no_message,
           surface="gateway"),
    Mutant("gateway_auth_code", "a bad gateway token is 1010", rewrite=_gateway_old_auth_code, surface="gateway"),
    Mutant("gateway_no_accept", "a chat message is answered with message_accepted",
           frames=_drop("message_accepted"), surface="gateway"),
    Mutant("gateway_consumed", "billing counts what turns consumed", rewrite=_gateway_nothing_consumed,
           surface="gateway"),
    Mutant("mcp_refresh_reuse", "a spent refresh token is invalid_grant", surface="mcp",
           settings={"mcp_refresh_reuse_detection": False}),
    Mutant("mcp_scopes", "a tool without its scope is 403 insufficient_scope", surface="mcp",
           settings={"mcp_enforce_scopes": False}),
    Mutant("mcp_pkce_metadata", "the authorization server advertises PKCE S256", rewrite=_no_s256, surface="mcp"),
    Mutant("mcp_challenge", "an unauthenticated /mcp is 401", rewrite=_forbidden_not_unauthorized, surface="mcp"),
    Mutant("mcp_conflict", "a stale base_version is a 409 conflict", rewrite=_conflict_saved, surface="mcp",
           settings={"mcp_json_response": True}),
    Mutant("mcp_credit_code", "a tool without credits fails with 402", rewrite=_mega_credit_code, surface="mcp",
           settings={"mcp_json_response": True}),
)}  # fmt: skip


def get(name: str | None) -> Mutant | None:
    """The mutant called `name`, or ValueError listing the known ones."""
    if name is None:
        return None
    if name not in MUTANTS:
        raise ValueError(f"unknown mutation {name!r}; known: {', '.join(sorted(MUTANTS))}")
    return MUTANTS[name]


def preset(settings: Settings) -> Settings:
    """`settings` with its mutant's preset applied (an emulator is built from these)."""
    mutant = get(settings.mutation)
    return settings.replace(**mutant.settings) if mutant is not None and mutant.settings else settings
