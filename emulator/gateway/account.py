"""The gateway's account routes: /auth/verify, /billing/balance, /billing/usage/conversations (a view of the one
credit ledger every surface spends from) and the claim-token exchange of the legacy `open`."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.errors import ApiError
from nemo_emulator.gateway.auth import paid_user
from nemo_emulator.web.auth import store_of
from nemo_emulator.web.body import field, read_json
from nemo_emulator.web.envelope import ok
from nemo_protocol.gateway import GatewayCode, route

MAX_PAGE = 100


async def verify(request: Request) -> Response:
    body = await read_json(request, limit=4096)
    user = paid_user(request, field(body, "token", kind=str))
    return ok(request, {"user_id": user.id, "email": user.email, "balance": user.available, "plan": user.plan})


async def balance(request: Request) -> Response:
    return ok(request, paid_user(request).billing())


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(GatewayCode.BAD_REQUEST, f"{name} must be an integer") from None
    if not low <= value <= high:
        raise ApiError(GatewayCode.BAD_REQUEST, f"{name} must be between {low} and {high}")
    return value


def _day(request: Request, name: str) -> float | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise ApiError(GatewayCode.BAD_REQUEST, f"{name} must be a date, YYYY-MM-DD (UTC)") from None


async def usage(request: Request) -> Response:
    store = store_of(request)
    user = paid_user(request)
    page_no = _int(request, "page_no", 1, 1, 10**6)
    page_size = _int(request, "page_size", 20, 1, MAX_PAGE)
    start, end = _day(request, "start_date"), _day(request, "end_date")
    names = {s.task_id: s.task_name for s in store.sessions.of_user(user.id)}
    items = [i for i in store.accounts.ledger.usage(user.id, names)
             if (start is None or i["created_at"] >= start) and (end is None or i["created_at"] < end + 86400)]
    total = len(items)
    pages = max(1, -(-total // page_size))
    shown = items[(page_no - 1) * page_size : page_no * page_size]
    for item in shown:
        item["created_at"] = store.clock.iso(item["created_at"])
    return ok(request, {"items": shown, "total": total, "page_no": page_no, "page_size": page_size,
                        "total_pages": pages, "has_next": page_no < pages, "has_prev": page_no > 1})  # fmt: skip


async def exchange_claim(request: Request) -> Response:
    store = store_of(request)
    user = paid_user(request)
    body = await read_json(request, limit=4096)
    session = store.sessions.project(field(body, "project_id", kind=str), user.id)
    value = store.accounts.issue_claim(user, session.task_id, session.id)
    store.commit()
    return ok(request, {"claim_token": value, "expires_in": store.settings.claim_token_ttl_s})


routes = [
    Route(route("verify").path, verify, methods=["POST"]),
    Route(route("balance").path, balance, methods=["GET"]),
    Route(route("usage").path, usage, methods=["GET"]),
    Route(route("exchange_claim").path, exchange_claim, methods=["POST"]),
]
