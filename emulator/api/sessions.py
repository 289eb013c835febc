"""/api/tasks/me/with-session/nemo_agent: a project and its agent session."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.api._body import field, read_json
from nemo_emulator.auth import authenticate, store_of
from nemo_emulator.envelope import ok
from nemo_emulator.errors import ApiError
from nemo_protocol.codes import Code
from nemo_protocol.routes import endpoint


def check_user_slot(request: Request, user_id: str) -> None:
    """Paths carry the app (`nemo_agent`) and `me` or the caller's own user id (§2.2); any other user is not the
    caller's, any other app does not exist."""
    app = request.path_params.get("app")
    if app is not None and app != request.scope["nemo.store"].settings.app_name:
        raise ApiError(Code.NOT_FOUND, f"unknown app {app[:40]!r}; use {request.scope['nemo.store'].settings.app_name}")
    slot = request.path_params.get("user", "me")
    if slot not in ("me", user_id):
        raise ApiError(Code.SESSION_NOT_FOUND, "that user's sessions are not visible with this token")


async def create_session(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    check_user_slot(request, user.id)
    body = await read_json(request, limit=store.settings.max_json_body_bytes, optional=True)
    task_name = field(body, "task_name", kind=str, required=False, default="project")
    language = field(body, "language", kind=str, required=False)
    if len(task_name) > 200:
        raise ApiError(Code.BAD_REQUEST, "task_name longer than 200 characters")
    session = store.sessions.create(user.id, task_name, language, store.clock.now())
    store.commit()
    data = {"task_id": session.task_id, "session_id": session.id, "user_id": user.id}
    return ok(request, data)


routes = [Route(endpoint("create_session").path, create_session, methods=["POST"])]
