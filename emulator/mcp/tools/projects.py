"""Credits, projects and drafts: get_credits, create_video_project, get_video_project, save_v3_draft (optimistic
locking on a `version` that counts every change from every surface), preview_video, get_project_frame,
review_v3_draft and resolve_project_resource_versions."""

from __future__ import annotations

import asyncio
import base64
import functools
import html
import re
from typing import Any

import mcp_types as types

from nemo_emulator.errors import ApiError
from nemo_emulator.mcp.tools.base import Context, Handler, Reply
from nemo_emulator.state.renders import HEIGHTS, source_resolver
from nemo_emulator.state.sessions import Session
from nemo_protocol import draft as drafts
from nemo_protocol import v3
from nemo_protocol.mcp import McpCode
from nemo_protocol.wire import JSON, obj


def _has_draft(session: Session) -> bool:
    """Tracks from any surface, or a V3 template saved (an empty one included: its canvas and length are kept)."""
    draft = obj(session.state.get("draft"))
    return bool(draft.get("t")) or "v3" in obj(draft.get("m"))


def template(session: Session) -> str:
    return v3.write(session.state.get("draft")) if _has_draft(session) else ""


async def get_credits(ctx: Context, args: JSON) -> Reply:
    return Reply(ctx.user.billing())


async def create_video_project(ctx: Context, args: JSON) -> Reply:
    store = ctx.store
    session = store.sessions.create(ctx.user.id, args.get("name") or "Untitled project", None, store.clock.now())
    store.commit()
    return Reply({"project_id": session.task_id, "session_id": session.id, "version": session.version})


async def get_video_project(ctx: Context, args: JSON) -> Reply:
    session = ctx.project(args["project_id"])
    assets = [{"file_id": u.id, "asset_url": v3.asset_url(ctx.store.upload_url(ctx.base_url, u)),
               "mime_type": u.probe.format, "file_type": u.probe.file_type, "duration": u.probe.duration}
              for u in ctx.store.uploads.by_id.values() if u.session_id == session.id]  # fmt: skip
    return Reply({"project_id": session.task_id, "session_id": session.id, "name": session.task_name,
                  "main_template": template(session), "version": session.version, "has_draft": _has_draft(session),
                  "resolver_context": {"assets": assets}})  # fmt: skip


async def save_v3_draft(ctx: Context, args: JSON) -> Reply:
    store = ctx.store
    session = ctx.project(args["project_id"])
    if args["session_id"] != session.id:
        raise ApiError(McpCode.BAD_REQUEST, f"session {args['session_id'][:80]!r} is not project "
                                            f"{session.task_id}'s session ({session.id})")  # fmt: skip
    async with session.edit_lock:
        if args["base_version"] != session.version:
            raise ApiError(McpCode.CONFLICT, f"the project is at version {session.version}, not "
                                             f"{args['base_version']}: apply your change to the template this error "
                                             "carries and save against its version",
                           body={"main_template": template(session), "version": session.version})  # fmt: skip
        try:
            model = v3.parse(args["main_template"], store.settings.draft_limits())
        except v3.V3Error as exc:
            raise ApiError(McpCode.BAD_REQUEST, f"the template is not a valid Draft V3: {exc}",
                           body={"errors": exc.errors}) from None  # fmt: skip
        m = model["m"]
        ratio = _ratio(m["width"], m["height"])
        session.apply_delta({"draft": model, "canvas_config": {"width": m["width"], "height": m["height"],
                                                               "ratio": ratio}}, store.clock.now())  # fmt: skip
    store.commit()
    store.publish("state", {"session_id": session.id})
    return Reply({"ok": True, "project_id": session.task_id, "version": session.version})


def _ratio(width: int, height: int) -> str:
    for name, (w, h) in drafts.RATIOS.items():
        if w * height == h * width:
            return name
    return f"{width}:{height}"


def _fps(draft: JSON) -> int:
    fps = obj(draft.get("m")).get("fps", 30)
    return int(fps) if isinstance(fps, int | float) and 1 <= fps <= 120 else 30


async def frame_png(ctx: Context, session: Session, frame: int) -> bytes:
    """A frame of the saved draft as PNG, rendered by the export's compositing (in the agent's worker pool)."""
    draft = obj(session.state.get("draft"))
    if not _has_draft(session):
        raise ApiError(McpCode.UNPROCESSABLE, "the project has no draft yet: save one with save_v3_draft, or "
                                              "delegate_to_nemo_agent")  # fmt: skip
    seconds = frame / _fps(draft)
    if seconds * 1000 >= drafts.duration_ms(draft):
        raise ApiError(McpCode.UNPROCESSABLE, f"frame {frame} is past the end of the draft ("
                                              f"{drafts.duration_ms(draft) / 1000:g} s at {_fps(draft)} fps)")
    from nemo_emulator.media.render import frame_png as encode_png
    from nemo_emulator.media.render import render_frame

    store = ctx.store
    resolve = source_resolver(ctx.user.id, store.uploads, store.root / "generated")
    height = min(HEIGHTS["high"], store.settings.render_max_height)

    def work() -> bytes:
        return encode_png(render_frame(draft, seconds, resolve, max_short=height))

    return await asyncio.wrap_future(store.pools.agent.submit(ctx.user.id, functools.partial(work)))


def _image(png: bytes) -> types.ImageContent:
    return types.ImageContent(type="image", data=base64.b64encode(png).decode(), mime_type="image/png")


async def get_project_frame(ctx: Context, args: JSON) -> Reply:
    session = ctx.project(args["project_id"])
    png = await frame_png(ctx, session, args["frame"])
    return Reply({"project_id": session.task_id, "frame": args["frame"], "mime_type": "image/png", "bytes": len(png),
                  "version": session.version}, [_image(png)])  # fmt: skip


async def preview_video(ctx: Context, args: JSON) -> Reply:
    session = ctx.project(args["project_id"])
    summary = drafts.summary(obj(session.state.get("draft")))
    poster = ""
    if _has_draft(session):
        poster = base64.b64encode(await frame_png(ctx, session, 0)).decode()
    latest = ctx.store.renders.latest(ctx.user.id, session.id)
    video = ctx.store.output_url(ctx.base_url, latest) if latest is not None else ""
    page = (f"<!doctype html><meta charset='utf-8'><title>{html.escape(session.task_name)}</title>"
            f"<h1>{html.escape(session.task_name)}</h1><p>{html.escape(summary)}</p>"
            + (f"<video controls src='{html.escape(video)}' poster='data:image/png;base64,{poster}'></video>" if video
               else f"<img alt='the first frame' src='data:image/png;base64,{poster}'>" if poster else ""))  # fmt: skip
    uri = f"ui://nemovideo/player/{session.task_id}"
    resource = types.EmbeddedResource(type="resource", resource=types.TextResourceContents(
        uri=uri, mime_type="text/html;profile=mcp-app", text=page))  # fmt: skip
    return Reply({"project_id": session.task_id, "summary": summary, "player": uri, "version": session.version},
                 [resource])


async def review_v3_draft(ctx: Context, args: JSON) -> Reply:
    session = ctx.project(args["project_id"])
    draft = obj(session.state.get("draft"))
    if not _has_draft(session):
        raise ApiError(McpCode.UNPROCESSABLE, "the project has no draft to review")
    total = int(drafts.duration_ms(draft) / 1000 * _fps(draft))
    frames = args.get("frames") or sorted({0, total // 2, max(0, total - 1)})
    images, problems = [], []
    for frame in frames[:4]:
        images.append(_image(await frame_png(ctx, session, frame)))
    try:
        drafts.validate(draft, ctx.store.settings.draft_limits())
    except drafts.DraftError as exc:
        problems.append(str(exc))
    return Reply({"project_id": session.task_id, "frames": frames[:4], "version": session.version,
                  "tracks": drafts.lines(draft), "problems": problems, "exportable": not problems}, images)


RESOURCE_REF = re.compile(r'data-resource-id="([^"]+)"[^>]*?data-resource-version-id="([^"]+)"'
                          r'[^>]*?data-resource-version="(\d+)"')  # fmt: skip


async def resolve_project_resource_versions(ctx: Context, args: JSON) -> Reply:
    session = ctx.project(args["project_id"])
    pins: list[JSON] = []
    for rid, vid, number in RESOURCE_REF.findall(template(session)):
        entry: dict[str, Any] = {"resource_id": rid, "resource_version_id": vid, "version": int(number)}
        resource = ctx.store.platform.resources.get(rid)
        entry["newest_version"] = resource.newest.version if resource is not None else None
        pins.append(entry)
    return Reply({"project_id": session.task_id, "resources": pins})


TOOLS: dict[str, Handler] = {
    "get_credits": get_credits,
    "create_video_project": create_video_project,
    "get_video_project": get_video_project,
    "save_v3_draft": save_v3_draft,
    "preview_video": preview_video,
    "get_project_frame": get_project_frame,
    "review_v3_draft": review_v3_draft,
    "resolve_project_resource_versions": resolve_project_resource_versions,
}
