"""The render proxy: submit, poll, cancel, download (§3.8–§3.11), in the `{"success":…}` envelope."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from nemo_emulator.errors import ApiError
from nemo_emulator.state.exports import submit_export
from nemo_emulator.web.auth import attribution, authenticate, store_of
from nemo_emulator.web.body import field, read_json
from nemo_emulator.web.envelope import CompactJSON, success
from nemo_emulator.web.files import serve_data
from nemo_emulator.web.renders import settle, status_view
from nemo_protocol.codes import Code
from nemo_protocol.routes import endpoint


async def submit(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    attributed = bool(attribution(request).source)
    body = await read_json(request, limit=store.settings.max_json_body_bytes * 8)
    render_id = field(body, "id", kind=str)
    session = store.sessions.owned(field(body, "sessionId", "session_id", kind=str), user.id)
    job = submit_export(store, user, render_id, session, field(body, "draft", kind=dict), body.get("output"),
                        attributed=attributed, path=request.url.path)  # fmt: skip
    now = store.clock.now()
    return success({"id": job.id, "status": job.status(now), "progress": job.progress(now)})


async def poll(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    job = store.renders.get(request.path_params["render_id"], user.id)
    await settle(store, job)
    data = status_view(store, job, str(request.base_url))
    shape = store.settings.render_status_shape
    if shape == "flat":
        return CompactJSON({"taskId": job.id, **data})
    body: dict[str, object] = {"success": True, "data": data}
    if shape == "both":
        body.update({k: data.get(k) for k in ("status", "progress", "output") if k in data})
    return CompactJSON(body)


async def cancel(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    job = store.renders.get(request.path_params["render_id"], user.id)
    store.renders.cancel(job)
    store.commit()
    return success({"id": job.id, "status": job.status(store.clock.now())})


async def download(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    job = store.renders.get(request.path_params["render_id"], user.id)
    status = job.status(store.clock.now())
    if status != "completed" or not job.path.exists():
        raise ApiError(Code.CONFLICT, f"render is {status}; download once it is completed")
    if store.settings.download_mode == "redirect":
        return RedirectResponse(store.output_url(str(request.base_url), job), status_code=302)
    return serve_data(job.path, "video/mp4", download_as=f"{job.id}.mp4")


routes = [
    Route(endpoint("render_submit").path, submit, methods=["POST"]),
    Route(endpoint("render_status").path, poll, methods=["GET"]),
    Route(endpoint("render_cancel").path, cancel, methods=["POST"]),
    Route(endpoint("render_download").path, download, methods=["GET"]),
]
