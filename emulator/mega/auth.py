"""/api/auth/anonymous-token and /api/auth/claim-token."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.errors import ApiError
from nemo_emulator.web.auth import attribution, authenticate, client_ip, store_of
from nemo_emulator.web.body import field, read_json
from nemo_emulator.web.envelope import ok
from nemo_protocol.codes import Code
from nemo_protocol.routes import endpoint


async def anonymous_token(request: Request) -> Response:
    store = store_of(request)
    attribution(request)
    client_id = request.headers.get("x-client-id", "").strip()
    if not client_id:
        raise ApiError(Code.BAD_REQUEST, "missing X-Client-Id header; send a stable id such as a UUID")
    if len(client_id) > store.settings.max_client_id_len:
        raise ApiError(Code.BAD_REQUEST, f"X-Client-Id longer than {store.settings.max_client_id_len} characters")
    token, user = store.accounts.issue_anonymous(client_id, client_ip(request))
    store.commit()
    data = {
        "token": token.value,
        "user_id": user.id,
        "expires_at": store.clock.iso(token.expires_at),
        "credits": user.available,
    }
    return ok(request, data)


async def claim_token(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    body = await read_json(request, limit=store.settings.max_json_body_bytes)
    task_id = field(body, "task_id", kind=str)
    session = store.sessions.owned(field(body, "session_id", kind=str), user.id)
    if session.task_id != task_id:
        raise ApiError(Code.SESSION_NOT_FOUND, "task_id does not belong to that session")
    value = store.accounts.issue_claim(user, task_id, session.id)
    store.commit()
    return ok(request, {"claim_token": value, "expires_in": store.settings.claim_token_ttl_s})


routes = [
    Route(endpoint("anonymous_token").path, anonymous_token, methods=["POST"]),
    Route(endpoint("claim_token").path, claim_token, methods=["POST"]),
]
