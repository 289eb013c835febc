"""/api/tasks/me/with-session/nemo_agent: a project and its agent session."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from client.codes import Code
from emulator.api._body import field, read_json
from emulator.auth import authenticate, store_of
from emulator.envelope import ok
from emulator.errors import ApiError


def check_user_slot(request: Request, user_id: str) -> None:
    """Paths carry `me` or the caller's own user id (§2.2); anything else is not the caller's."""
    slot = request.path_params.get("user", "me")
    if slot not in ("me", user_id):
        raise ApiError(Code.SESSION_NOT_FOUND, "that user's sessions are not visible with this token")


async def create_session(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    check_user_slot(request, user.id)
    if request.path_params.get("app", store.settings.app_name) != store.settings.app_name:
        raise ApiError(Code.NOT_FOUND, f"unknown app; use {store.settings.app_name}")
    body = await read_json(request, limit=store.settings.max_json_body_bytes, optional=True)
    task_name = field(body, "task_name", kind=str, required=False, default="project")
    language = field(body, "language", kind=str, required=False)
    if len(task_name) > 200:
        raise ApiError(Code.BAD_REQUEST, "task_name longer than 200 characters")
    session = store.sessions.create(user.id, task_name, language, store.clock.now())
    store.commit()
    data = {"task_id": session.task_id, "session_id": session.id, "user_id": user.id}
    return ok(request, data)


routes = [Route("/api/tasks/{user}/with-session/{app}", create_session, methods=["POST"])]
