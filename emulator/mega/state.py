"""/api/state/nemo_agent/<user>/<session_id>/latest: the session's state as tools left it, its file links signed
again so that each read hands out live ones."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.state.sessions import check_path
from nemo_emulator.web.auth import authenticate, store_of
from nemo_emulator.web.envelope import ok
from nemo_protocol.routes import endpoint


async def latest(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    check_path(request.path_params, user.id, store.settings.app_name)
    session = store.sessions.owned(request.path_params["session_id"], user.id)
    return ok(request, store.signer.resigned(session.snapshot()))


routes = [Route(endpoint("state").path, latest, methods=["GET"])]
