"""/api/state/nemo_agent/<user>/<session_id>/latest: the session's state as tools left it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.api.sessions import check_user_slot
from nemo_emulator.auth import authenticate, store_of
from nemo_emulator.envelope import ok
from nemo_protocol.routes import endpoint


async def latest(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    check_user_slot(request, user.id)
    session = store.sessions.owned(request.path_params["session_id"], user.id)
    return ok(request, session.snapshot())


routes = [Route(endpoint("state").path, latest, methods=["GET"])]
