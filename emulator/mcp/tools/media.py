"""Media: upload_asset (from a URL the server can reach), generate_video and generate_audio (billed once per
idempotency key; video and music asynchronous), get_generation_status, render_video (Starter plan and above) and
get_render_status, on the same uploads, credits and render jobs as the other surfaces."""

from __future__ import annotations

import asyncio
import functools
import random
import secrets
from collections.abc import Callable
from pathlib import Path

from nemo_emulator.agent import lexicon, slots
from nemo_emulator.errors import ApiError
from nemo_emulator.mcp.tools.base import Context, Handler, Reply
from nemo_emulator.state.exports import submit_export
from nemo_emulator.state.fetch import fetch_all
from nemo_emulator.state.generations import Generation
from nemo_emulator.state.ingest import add_to_session, ingest
from nemo_emulator.web.renders import settle, status_view
from nemo_protocol import v3
from nemo_protocol.mcp import PLAN_RENDER, McpCode
from nemo_protocol.wire import JSON

MAX_CLIP_S = 15.0
"""B.3: one generate_video call makes at most 15 s."""


def _rng(ctx: Context, args: JSON) -> random.Random:
    """A generation's latency, seeded by its key (the same request takes the same virtual time)."""
    return random.Random(f"generation:{ctx.store.settings.seed}:{args['idempotency_key']}")


async def _never() -> None:
    await asyncio.Event().wait()


async def upload_asset(ctx: Context, args: JSON) -> Reply:
    store, s = ctx.store, ctx.store.settings
    session = ctx.project(args["project_id"])
    sinks = await fetch_all([args["download_url"]], store.uploads, ctx.user.id, s.url_fixture_map,
                            s.url_fetch_timeout_s, _never())  # fmt: skip
    if args.get("filename"):
        from nemo_emulator.state.uploads import safe_filename

        sinks[0].filename = safe_filename(args["filename"])
    accepted = await ingest(store, sinks, ctx.user.id, session)
    infos = [up.info(store.upload_url(ctx.base_url, up)) for up in accepted]
    await add_to_session(store, session, infos, accepted)
    up = accepted[0]
    return Reply({"file_id": up.id, "mime_type": up.probe.format, "file_type": up.probe.file_type,
                  "asset_url": v3.asset_url(infos[0]["cdn_url"]), "filename": up.filename,
                  "duration": up.probe.duration})  # fmt: skip


def _status(ctx: Context, gen: Generation) -> JSON:
    status = gen.status(ctx.store.clock.now())
    out: JSON = {"generation_id": gen.id, "generation_type": gen.type, "kind": gen.kind, "status": status,
                 "duration": gen.duration, "prompt": gen.prompt}  # fmt: skip
    if status == "succeeded":
        url = ctx.store.media_url(ctx.base_url, "generated", gen.file)
        out.update(media_url=url, asset_url=url)
    if status == "failed" and gen.work is not None and gen.work.done():
        out["error"] = f"generation failed: {gen.work.exception()}"
    return out


def _make_video(path: Path, seconds: float, height: int) -> object:
    from nemo_emulator.media.render import render

    draft = {"d": int(seconds * 1000), "m": {"width": 1920, "height": 1080, "fps": 24},
             "t": [{"tt": 0, "sg": [{"st": 0, "d": int(seconds * 1000), "src": f"gen:{path.stem}"}]}]}  # fmt: skip
    return render(draft, path, lambda src: None, max_short=height)


async def _generate(ctx: Context, args: JSON, kind: str, seconds: float, cost: int, latency: float) -> Reply:
    store = ctx.store
    existing = store.generations.find(ctx.user.id, args["idempotency_key"])
    if existing is not None:
        if existing.prompt != args["prompt"] or existing.kind != kind:
            raise ApiError(McpCode.CONFLICT, "this idempotency_key was used for another request; use a new key for "
                                             "a new generation")  # fmt: skip
        return Reply({**_status(ctx, existing), "billed": False})
    context = {"conversation_id": args["idempotency_key"], "session_id": None, "project_id": args.get("project_id"),
               "message": args["prompt"]}  # fmt: skip
    try:
        store.accounts.charge(ctx.user, cost, f"generate_{kind}", context)
    except ApiError as exc:
        raise ApiError(McpCode.INSUFFICIENT_CREDITS, exc.message) from None
    gid = store.ids.media("gen")
    now = store.clock.now()
    typ = "video" if kind == "video" else "audio"
    gen = Generation(gid, typ, kind, ctx.user.id, args["idempotency_key"], args["prompt"], seconds, now,  # type: ignore[arg-type]
                     now + latency, f"{gid}.{'mp4' if typ == 'video' else 'wav'}", cost)  # fmt: skip
    path = store.root / "generated" / gen.file
    seed = int(gid[4:], 16) & 0xFFFFFFFF
    work: Callable[[], object]
    if kind == "video":
        work = functools.partial(_make_video, path, seconds, min(360, store.settings.render_max_height))
    elif kind == "music":
        from nemo_emulator.media.music import write_music

        work = functools.partial(write_music, path, seconds, lexicon.read(slots.normalise(args["prompt"])).style, seed)
    else:
        from nemo_emulator.media.music import write_effect

        work = functools.partial(write_effect, path, seconds, kind, seed)
    gen.work = store.pools.agent.submit(ctx.user.id, work)
    store.generations.add(gen)
    store.watch_clock(gen.ready_at)
    store.commit()
    if kind in ("sound_effect", "speech"):  # synchronous: the file is there when the call returns
        await asyncio.wrap_future(gen.work)
    return Reply({**_status(ctx, gen), "billed": True})


async def generate_video(ctx: Context, args: JSON) -> Reply:
    seconds = float(args.get("duration") or 5.0)
    if seconds > MAX_CLIP_S:
        raise ApiError(McpCode.UNPROCESSABLE, f"a generated clip is at most {MAX_CLIP_S:g} s; ask for several clips "
                                              "and put them in sequence")  # fmt: skip
    s = ctx.store.settings
    return await _generate(ctx, args, "video", seconds, s.cost_generate_video, s.latency_generate.draw(_rng(ctx, args)))


async def generate_audio(ctx: Context, args: JSON) -> Reply:
    kind = args["kind"]
    seconds = float(args.get("duration") or (30.0 if kind == "music" else 3.0))
    if kind != "music" and seconds > 30:
        raise ApiError(McpCode.UNPROCESSABLE, f"a {kind.replace('_', ' ')} is at most 30 s")
    s = ctx.store.settings
    if kind == "music":
        return await _generate(ctx, args, kind, seconds, s.cost_generate_music,
                               s.latency_music.draw(_rng(ctx, args), seconds))  # fmt: skip
    return await _generate(ctx, args, kind, seconds, s.cost_edit, 0.0)


async def get_generation_status(ctx: Context, args: JSON) -> Reply:
    gen = ctx.store.generations.get(args["generation_id"], ctx.user.id)
    if gen is None or gen.type != args["generation_type"]:
        raise ApiError(McpCode.NOT_FOUND, f"no {args['generation_type']} generation {args['generation_id'][:80]!r}")
    if gen.work is not None and ctx.store.clock.now() >= gen.ready_at and not gen.work.done():
        await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(gen.work)), 60)
    return Reply(_status(ctx, gen))


async def render_video(ctx: Context, args: JSON) -> Reply:
    store = ctx.store
    if ctx.user.plan not in PLAN_RENDER:
        raise ApiError(McpCode.PLAN_REQUIRED, f"plan required: rendering needs the Starter plan or above (this account "
                                              f"is on {ctx.user.plan})")  # fmt: skip
    session = ctx.project(args["project_id"])
    render_id = f"mcp-{secrets.token_hex(8)}"
    try:
        job = submit_export(store, ctx.user, render_id, session, session.state.get("draft"),
                            {"format": "mp4", "quality": args.get("quality", "high")}, attributed=True,
                            path="/mcp")  # fmt: skip
    except ApiError as exc:
        raise ApiError(McpCode.UNPROCESSABLE if exc.code == 400 else exc.code, exc.message) from None
    return Reply({"render_id": job.id, "status": job.status(store.clock.now()), "project_id": session.task_id})


async def get_render_status(ctx: Context, args: JSON) -> Reply:
    store = ctx.store
    try:
        job = store.renders.get(args["render_id"], ctx.user.id)
    except ApiError:
        raise ApiError(McpCode.NOT_FOUND, f"no render {args['render_id'][:80]!r}") from None
    await settle(store, job)
    view = status_view(store, job, ctx.base_url)
    return Reply({"render_id": job.id, "status": view["status"], "progress": view["progress"],
                  "download_url": view["outputUrl"], "output": view.get("output"), "error": view.get("error")})


TOOLS: dict[str, Handler] = {
    "upload_asset": upload_asset,
    "generate_video": generate_video,
    "generate_audio": generate_audio,
    "get_generation_status": get_generation_status,
    "render_video": render_video,
    "get_render_status": get_render_status,
}
