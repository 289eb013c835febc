"""/api/tasks/me/with-session/nemo_agent: a project and its agent session."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.errors import ApiError
from nemo_emulator.state.sessions import check_path
from nemo_emulator.web.auth import authenticate, store_of
from nemo_emulator.web.body import field, read_json
from nemo_emulator.web.envelope import ok
from nemo_protocol.codes import Code
from nemo_protocol.routes import endpoint


async def create_session(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    check_path(request.path_params, user.id, store.settings.app_name)
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
