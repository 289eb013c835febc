"""The gateway's render proxy (`/services/v1/render-proxy/…`, protocol A.3): the same render jobs as the mega
API's, in the `{"success":…}` envelope, and the latest render of a project as JSON for `project download`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.gateway import drafts
from nemo_emulator.gateway.auth import paid_user
from nemo_emulator.state.exports import submit_export
from nemo_emulator.web.auth import attribution, store_of
from nemo_emulator.web.body import field, read_json
from nemo_emulator.web.envelope import success
from nemo_emulator.web.renders import settle, status_view
from nemo_protocol.gateway import route


async def submit(request: Request) -> Response:
    store = store_of(request)
    user = paid_user(request)
    body = await read_json(request, limit=store.settings.max_json_body_bytes * 8)
    if (project := field(body, "projectId", "project_id", kind=str, required=False)) is not None:
        session = store.sessions.project(project, user.id)
    else:
        session = store.sessions.owned(field(body, "sessionId", "session_id", kind=str), user.id)
    draft = drafts.resolve_sandbox(store, session, field(body, "draft", kind=dict), str(request.base_url))
    job = submit_export(store, user, field(body, "id", kind=str), session, draft, body.get("output"),
                        attributed=bool(attribution(request).source), path=request.url.path)  # fmt: skip
    return success({"id": job.id, "render_id": job.id, "status": job.status(store.clock.now())})


async def poll(request: Request) -> Response:
    store = store_of(request)
    job = store.renders.get(request.path_params["render_id"], paid_user(request).id)
    await settle(store, job)
    data = status_view(store, job, str(request.base_url))
    data.setdefault("output", None)
    data.setdefault("error", None)
    return success(data)


async def latest(request: Request) -> Response:
    store = store_of(request)
    user = paid_user(request)
    session = store.sessions.project(request.path_params["project_id"], user.id)
    job = store.renders.latest(user.id, session.id)
    if job is None:
        return success({"output": None, "render_id": None})
    return success({"render_id": job.id, "output": status_view(store, job, str(request.base_url)).get("output")})


routes = [
    Route(route("render_submit").path, submit, methods=["POST"]),
    Route(route("render_status").path, poll, methods=["GET"]),
    Route(route("render_download").path, latest, methods=["GET"]),
]
