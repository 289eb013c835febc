"""The gateway's projects: a project is a mega-API task with its agent session (protocol Appendix C), so one made
here is the same object, with the same draft, through the mega API and the MCP server."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.errors import ApiError
from nemo_emulator.gateway import drafts
from nemo_emulator.gateway.auth import paid_user
from nemo_emulator.state.sessions import Session
from nemo_emulator.state.store import Store
from nemo_emulator.web.auth import store_of
from nemo_emulator.web.body import field, read_json
from nemo_emulator.web.envelope import ok
from nemo_protocol.gateway import GatewayCode, route
from nemo_protocol.wire import JSON


def session_view(store: Store, s: Session) -> JSON:
    return {"session_id": s.id, "id": s.id, "project_id": s.task_id, "name": s.task_name,
            "status": "running" if s.running else "idle", "created_at": store.clock.iso(s.created_at),
            "updated_at": store.clock.iso(s.updated_at or s.created_at)}  # fmt: skip


def project_view(store: Store, s: Session) -> JSON:
    return {"project_id": s.task_id, "user_id": s.user_id, "name": s.task_name, "cover_assets": [],
            "session": {"session_id": s.id, "project_id": s.task_id, "status": "running" if s.running else "idle"},
            "created_at": store.clock.iso(s.created_at), "updated_at": store.clock.iso(s.updated_at or s.created_at),
            "deleted_at": None}  # fmt: skip


async def create(request: Request) -> Response:
    store = store_of(request)
    user = paid_user(request)
    body = await read_json(request, limit=store.settings.max_json_body_bytes, optional=True)
    field(body, "create_session", kind=bool, required=False)
    name = field(body, "name", kind=str, required=False, default="Untitled project")
    if len(name) > 200:
        raise ApiError(GatewayCode.BAD_REQUEST, "name longer than 200 characters")
    if store.settings.gateway_project_needs_credits and user.available <= 0:
        raise ApiError(GatewayCode.INSUFFICIENT_CREDITS, f"no credits left to start a project; "
                                                         f"{store.accounts.top_up_hint(user)}")  # fmt: skip
    session = store.sessions.create(user.id, name, None, store.clock.now())
    store.commit()
    view = project_view(store, session)
    return ok(request, {**view, "session_id": session.id})


async def listing(request: Request) -> Response:
    store = store_of(request)
    user = paid_user(request)
    projects = [project_view(store, s) for s in reversed(store.sessions.of_user(user.id))]
    return ok(request, {"projects": projects, "count": len(projects)})


async def one(request: Request) -> Response:
    store = store_of(request)
    session = store.sessions.project(request.path_params["project_id"], paid_user(request).id)
    return ok(request, project_view(store, session))


async def sessions(request: Request) -> Response:
    store = store_of(request)
    session = store.sessions.project(request.path_params["project_id"], paid_user(request).id)
    return ok(request, {"sessions": [session_view(store, session)]})


async def frontend_state(request: Request) -> Response:
    store = store_of(request)
    session = store.sessions.project(request.path_params["project_id"], paid_user(request).id)
    project: JSON = {"timeline_draft": drafts.timeline(store, session),
                     f"files:{session.id}": drafts.files(store, session, str(request.base_url))}  # fmt: skip
    return ok(request, {"project": project, "version": session.version, "projectName": session.task_name})


routes = [
    Route(route("create_project").path, create, methods=["POST"]),
    Route(route("projects").path, listing, methods=["GET"]),
    Route(route("project").path, one, methods=["GET"]),
    Route(route("project_sessions").path, sessions, methods=["GET"]),
    Route(route("frontend_state").path, frontend_state, methods=["GET"]),
]
