"""The render proxy: submit, poll, cancel, download (§3.8–§3.11), in the `{"success":…}` envelope."""

from __future__ import annotations

import asyncio
import contextlib
import re

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from nemo_emulator.api._body import field, read_json
from nemo_emulator.api.files import signed
from nemo_emulator.auth import attribution, authenticate, store_of
from nemo_emulator.envelope import CompactJSON, success
from nemo_emulator.errors import ApiError
from nemo_emulator.state.renders import HEIGHTS, RenderJob
from nemo_protocol.codes import Code
from nemo_protocol.draft import DraftError, validate
from nemo_protocol.routes import endpoint

_ID = re.compile(r"^[A-Za-z0-9._\-]{1,128}$")
_ENCODE_WAIT_S = 300.0
_ENCODE_WAIT_REALTIME_S = 2.0


def _output(body: dict[str, object]) -> dict[str, object]:
    output = field(body, "output", kind=dict, required=False, default={})
    fmt = field(output, "format", kind=str, required=False, default="mp4")
    if fmt != "mp4":
        raise ApiError(Code.BAD_REQUEST, "output.format must be 'mp4'")
    quality = field(output, "quality", kind=str, required=False, default="high")
    resolution = field(output, "resolution", kind=str, required=False)
    for value in (quality, resolution):
        if value is not None and value not in HEIGHTS:
            raise ApiError(
                Code.BAD_REQUEST,
                f"unknown output quality/resolution {value!r}; use low, medium, high or 480p, 720p, 1080p",
            )
    return {**output, "format": fmt, "quality": quality, **({"resolution": resolution} if resolution else {})}


async def submit(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    attr = attribution(request)
    body = await read_json(request, limit=store.settings.max_json_body_bytes * 8)
    render_id = field(body, "id", kind=str)
    if not _ID.match(render_id):
        raise ApiError(Code.BAD_REQUEST, "id must be 1-128 characters of letters, digits, '.', '_' or '-'")
    session = store.sessions.owned(field(body, "sessionId", "session_id", kind=str), user.id)
    try:
        draft = validate(field(body, "draft", kind=dict), store.settings.draft_limits())
    except DraftError as exc:
        raise ApiError(Code.BAD_REQUEST, f"invalid draft: {exc}") from None
    output = _output(body)
    s = store.settings
    if (
        user.anonymous
        and s.mutation != "lenient_export"
        and s.free_export_requires_attribution
        and not attr.source
        and (user.available == 0 or not s.attribution_402_only_when_exhausted)
    ):
        raise ApiError(
            Code.EXPORT_BLOCKED,
            "export is not available on the free plan without a skill: "
            "send X-Skill-Source/Version/Platform, or register to unlock export",
        )
    job = store.start_render(render_id, user.id, session, draft, output, str(request.base_url))
    if store.faults.take(("fail_render",), "POST", request.url.path, session_id=session.id) is not None:
        job.fail_at = job.finishes_at
    store.commit()
    now = store.clock.now()
    return success({"id": job.id, "status": job.status(now), "progress": job.progress(now)})


def _view(job: RenderJob, request: Request) -> dict[str, object]:
    store = store_of(request)
    now = store.clock.now()
    status = job.status(now)
    data: dict[str, object] = {
        "id": job.id,
        "status": status,
        "progress": job.progress(now),
        "outputUrl": store.output_url(str(request.base_url), job) if status == "completed" else None,
        "createdAt": int(job.submitted_at * 1000),
        "completedAt": int(job.done_at * 1000) if status == "completed" else None,
    }
    if status == "completed" and job.result:
        data["output"] = {"url": data["outputUrl"], **job.result}
    if job.error:
        data["error"] = job.error
    return data


async def poll(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    job = store.renders.get(request.path_params["render_id"], user.id)
    if job.cancelled_at is None and job.encode is not None and store.clock.now() >= job.finishes_at:
        # Virtual time says "done": let the real encode catch up. A manual clock waits for it, so a test's status
        # never depends on CPU speed; a real-time one only briefly, then says "processing" (99%), so that a
        # poll never outlasts a client's timeout.
        wait = _ENCODE_WAIT_REALTIME_S if store.clock.mode == "realtime" else _ENCODE_WAIT_S
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(job.encode)), wait)
    data = _view(job, request)
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
    if job.status(store.clock.now()) != "completed" or not job.path.exists():
        raise ApiError(Code.CONFLICT, f"render is {job.status(store.clock.now())}; download once it is completed")
    if store.settings.download_mode == "redirect":
        return RedirectResponse(store.output_url(str(request.base_url), job), status_code=302)
    return FileResponse(job.path, media_type="video/mp4", filename=f"{job.id}.mp4")


async def cdn_render(request: Request) -> Response:
    signed(request)
    store = store_of(request)
    name = request.path_params["name"]
    job = store.renders.by_key.get(name.removesuffix(".mp4"))
    if job is None or not name.endswith(".mp4") or job.status(store.clock.now()) != "completed":
        raise ApiError(Code.NOT_FOUND, "no such render output")
    return FileResponse(job.path, media_type="video/mp4")


routes = [
    Route(endpoint("render_submit").path, submit, methods=["POST"]),
    Route(endpoint("render_status").path, poll, methods=["GET"]),
    Route(endpoint("render_cancel").path, cancel, methods=["POST"]),
    Route(endpoint("render_download").path, download, methods=["GET"]),
    Route("/cdn/renders/{name}", cdn_render, methods=["GET", "HEAD"]),
]
