"""/_emulator/: test control (reset, clock, settings, users, credits, faults, journal, recorded errors), outside
the protocol's routes.

A web page must not be able to drive it: a request a browser sends for another site's page (a foreign or `null`
Origin, or Sec-Fetch-Site other than same-origin/none) is refused, and with --control-token every request needs
the token. --no-control removes these routes altogether. Every body is checked against its schema
(harness/schemas.py) first.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from nemo_emulator.errors import ApiError
from nemo_emulator.harness import Harness
from nemo_emulator.harness.schemas import CLOCK, CREDITS, OAUTH, USER, check
from nemo_emulator.web.auth import store_of
from nemo_emulator.web.body import read_json
from nemo_emulator.web.envelope import CompactJSON
from nemo_protocol.codes import Code


def harness_of(request: Request) -> Harness:
    hooks = store_of(request).hooks
    assert isinstance(hooks, Harness)
    return hooks


def _clock_view(request: Request) -> dict[str, Any]:
    return store_of(request).clock.view()


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok", "data_dir": str(store_of(request).root), **_clock_view(request)})


async def reset(request: Request) -> Response:
    await store_of(request).areset()
    return JSONResponse({"reset": True, **_clock_view(request)})


async def clock(request: Request) -> Response:
    if request.method == "POST":
        store = store_of(request)
        body = await read_json(request, limit=4096)
        check(CLOCK, body)
        advance, target, run_next = body.get("advance"), body.get("set"), body.get("next", False)
        if sum(x is not None and x is not False for x in (advance, target, run_next)) != 1:
            raise ApiError(
                Code.BAD_REQUEST,
                'send {"advance": seconds}, {"set": epoch_seconds} or {"next": true, "timeout": real_seconds}',
            )
        if run_next:
            deadline = await store.clock.next_sleeper(float(body.get("timeout") or 1.0))
            advanced = store.clock.advance_to_next() if deadline is not None else 0.0
            store.publish("clock", _clock_view(request))
            return JSONResponse({**_clock_view(request), "advanced": advanced, "sleeping": deadline is not None})
        if target is not None and target < store.clock.now():
            raise ApiError(Code.BAD_REQUEST, "set: the clock only moves forward")
        if advance is not None:
            store.clock.advance(float(advance))
        else:
            store.clock.set(float(target or 0))
        store.commit()
        store.publish("clock", _clock_view(request))
    return JSONResponse(_clock_view(request))


async def credits(request: Request) -> Response:
    """Give a user credits again (`{"user_id": "anon_…", "credits": 100}`, or `"token"` instead of `user_id`):
    one video generation spends all 100 free credits, and this is how to keep playing without a reset."""
    store = store_of(request)
    body = await read_json(request, limit=4096)
    check(CREDITS, body)
    amount = body.get("credits", store.settings.initial_credits)
    token, user_id = body.get("token"), body.get("user_id")
    if token is None and user_id is None:
        raise ApiError(Code.BAD_REQUEST, "user_id: send the user's id (or its token)")
    if token is not None:
        found = store.accounts.tokens.get(token)
        user_id = found.user_id if found is not None else ""
    user = store.accounts.users.get(user_id or "")
    if user is None:
        raise ApiError(Code.NOT_FOUND, "no such user or token")
    store.accounts.set_credits(user, amount)
    store.commit()
    store.publish("credits", {"user_id": user.id})
    return JSONResponse({"user_id": user.id, **user.balance()})


def user_view(store: Any, user: Any) -> dict[str, Any]:
    return {"user_id": user.id, "email": user.email, "plan": user.plan, "anonymous": user.anonymous,
            **user.billing(), "created_at": store.clock.iso(user.created_at)}  # fmt: skip


async def users(request: Request) -> Response:
    """POST: a registered user (`{"email", "plan", "credits"}`) and an API token for it; GET: every user."""
    store = store_of(request)
    if request.method == "GET":
        return CompactJSON({"users": [user_view(store, u) for u in store.accounts.users.values()]})
    body = await read_json(request, limit=4096)
    check(USER, body)
    user, token = store.accounts.register(body["email"], body.get("plan", "starter"),
                                          body.get("credits", store.settings.registered_credits))  # fmt: skip
    store.commit()
    store.publish("credits", {"user_id": user.id})
    return CompactJSON({**user_view(store, user), "token": token.value}, status_code=201)


async def oauth(request: Request) -> Response:
    """The MCP server's sign-in: GET its clients and grants; POST `{"consent": "auto"|"page"|"deny"}` to change how
    sign-in answers, `{"revoke_user": id}` to revoke a user's grants, `{"expire_user": id}` to expire their access
    tokens now (refresh tokens still work)."""
    store = store_of(request)
    if request.method == "POST":
        body = await read_json(request, limit=4096)
        check(OAUTH, body)
        changed: dict[str, Any] = {}
        if "consent" in body:
            store.oauth.consent = body["consent"]
            changed["consent"] = body["consent"]
        if "revoke_user" in body:
            changed["revoked"] = store.oauth.revoke_user(body["revoke_user"])
        if "expire_user" in body:
            changed["expired"] = store.oauth.expire_user(body["expire_user"])
        store.commit()
        store.publish("oauth", changed)
        return JSONResponse({**changed, **store.oauth.view()})
    return JSONResponse({"consent": store.oauth.consent or store.settings.mcp_consent, **store.oauth.view()})


async def settings(request: Request) -> Response:
    return CompactJSON(store_of(request).settings.public())


async def errors(request: Request) -> Response:
    return JSONResponse({"errors": store_of(request).unexpected_errors})


async def faults(request: Request) -> Response:
    harness = harness_of(request)
    if request.method == "POST":
        body = await read_json(request, limit=16384)
        fault = harness.faults.add(body)
        harness.publish("faults", {})
        return JSONResponse(fault.view(), status_code=201)
    if request.method == "DELETE":
        harness.faults.clear()
        harness.publish("faults", {})
    return JSONResponse({"faults": [f.view() for f in harness.faults.rules]})


async def fault(request: Request) -> Response:
    """DELETE one fault by its id."""
    harness = harness_of(request)
    try:
        fault_id = int(request.path_params["fault_id"])
    except ValueError:
        raise ApiError(Code.BAD_REQUEST, "a fault id is an integer") from None
    if not harness.faults.remove(fault_id):
        raise ApiError(Code.NOT_FOUND, "no such fault (it may have been used up)")
    harness.publish("faults", {})
    return JSONResponse({"faults": [f.view() for f in harness.faults.rules]})


def _int(value: str | None, name: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ApiError(Code.BAD_REQUEST, f"{name} must be an integer") from None


async def requests(request: Request) -> Response:
    journal = harness_of(request).journal
    if request.method == "DELETE":
        journal.entries.clear()
        return JSONResponse({"requests": []})
    q = request.query_params
    limit = min(max(_int(q.get("limit"), "limit") or 100, 1), 10000)
    entries = journal.query(q.get("method") or None, q.get("path") or None, _int(q.get("status"), "status"), limit,
                            _int(q.get("code"), "code"), q.get("session") or None, q.get("tool") or None)  # fmt: skip
    return JSONResponse({"requests": entries, "enabled": journal.enabled})


def _same_origin(request: Request) -> bool:
    headers = request.headers
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    return origin != "null" and origin == f"{request.url.scheme}://{headers.get('host', '')}"


def guarded(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """The control plane's own door: same-origin browsers and non-browser clients only, with the token if set."""

    @functools.wraps(handler)
    async def guard(request: Request) -> Response:
        if not _same_origin(request):
            raise ApiError(Code.FORBIDDEN, "the control plane refuses requests from other sites' pages")
        token = store_of(request).settings.control_token
        if token is not None:
            given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            given = given or request.query_params.get("token", "")
            if not hmac.compare_digest(given.encode(), token.encode()):
                raise ApiError(Code.BAD_TOKEN, "the control plane needs the --control-token (Authorization: Bearer)")
        return await handler(request)

    return guard


def behind_the_door(routes: list[Route], open_: tuple[Callable[..., Any], ...] = ()) -> list[Route]:
    """`routes` with every endpoint but those in `open_` wrapped in `guarded`."""
    return [Route(r.path, r.endpoint if r.endpoint in open_ else guarded(r.endpoint), methods=sorted(r.methods or ()))
            for r in routes]  # fmt: skip


routes = [
    Route("/_emulator/health", health, methods=["GET"]),
    Route("/_emulator/reset", reset, methods=["POST"]),
    Route("/_emulator/clock", clock, methods=["GET", "POST"]),
    Route("/_emulator/settings", settings, methods=["GET"]),
    Route("/_emulator/credits", credits, methods=["POST"]),
    Route("/_emulator/users", users, methods=["GET", "POST"]),
    Route("/_emulator/oauth", oauth, methods=["GET", "POST"]),
    Route("/_emulator/errors", errors, methods=["GET"]),
    Route("/_emulator/faults", faults, methods=["GET", "POST", "DELETE"]),
    Route("/_emulator/faults/{fault_id}", fault, methods=["DELETE"]),
    Route("/_emulator/requests", requests, methods=["GET", "DELETE"]),
]
routes = behind_the_door(routes)
