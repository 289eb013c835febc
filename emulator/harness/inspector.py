"""/_emulator/ui: a web page, served by the emulator itself, that shows what the API did, live.

The page is static (emulator/ui/: HTML, CSS, plain JavaScript, no build step and no library) and reads:
  /_emulator/feed                    server-sent events of the emulator's activity (nothing polls)
  /_emulator/overview                users and their ledgers, the clock, settings, sessions
  /_emulator/sessions/{id}           one session: state, uploads, transcript, renders
  /_emulator/sessions/{id}/render    POST: export the session's draft as its user
  /_emulator/uploads/{id}/thumb      a JPEG thumbnail of an upload
These are control-plane routes: the same door (same-origin pages only, the --control-token) guards them, and
--no-control removes them with the rest. With no page open, nothing here runs and the emulator records nothing.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.errors import ApiError
from nemo_emulator.harness.control import behind_the_door, harness_of
from nemo_emulator.harness.faults import KINDS
from nemo_emulator.harness.journal import redact
from nemo_emulator.harness.schemas import RENDER, check
from nemo_emulator.state.exports import submit_export
from nemo_emulator.state.renders import RenderJob
from nemo_emulator.state.store import Store
from nemo_emulator.web.auth import store_of
from nemo_emulator.web.body import read_json
from nemo_emulator.web.envelope import CompactJSON
from nemo_protocol.codes import Code
from nemo_protocol.wire import JSON, dumps

_ASSETS = {"app.js": "text/javascript", "style.css": "text/css", "index.html": "text/html"}
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; media-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
}
"""Our own files only: nothing the page shows (request bodies are user data) can run as script or leave for
another site; no site can frame the page."""
TICK_S = 0.5
"""How often an open page is sent render progress while renders run (real seconds)."""


def _asset(name: str) -> bytes:
    return resources.files("nemo_emulator.harness").joinpath("ui", name).read_bytes()


async def page(request: Request) -> Response:
    """The inspector page."""
    return Response(_asset("index.html"), media_type="text/html; charset=utf-8", headers=_PAGE_HEADERS)


async def asset(request: Request) -> Response:
    """The page's script or style sheet (static package data)."""
    name = request.path_params["name"]
    if name not in _ASSETS or name == "index.html":
        raise ApiError(Code.NOT_FOUND, "no such inspector file")
    return Response(_asset(name), media_type=f"{_ASSETS[name]}; charset=utf-8", headers={"Cache-Control": "no-store"})


def render_view(store: Store, job: RenderJob, base_url: str) -> JSON:
    now = store.clock.now()
    status = job.status(now)
    done = status == "completed"
    return {
        "id": job.id,
        "user_id": job.user_id,
        "session_id": job.session_id,
        "status": status,
        "progress": job.progress(now),
        "submitted_at": job.submitted_at,
        "duration": job.duration,
        "outputUrl": store.output_url(base_url, job) if done else None,
        "result": job.output_info() if done else None,
        "error": job.failure(now),
    }


def _renders(store: Store, base_url: str, session_id: str | None = None) -> list[JSON]:
    return [
        render_view(store, job, base_url)
        for job in store.renders.by_id.values()
        if session_id is None or job.session_id == session_id
    ]


async def overview(request: Request) -> Response:
    store = store_of(request)
    acc, now = store.accounts, store.clock.now()
    tokens: dict[str, list[JSON]] = {}
    for t in acc.tokens.values():
        tokens.setdefault(t.user_id, []).append({"expires_at": t.expires_at, "expired": t.expires_at <= now,
                                                 "revoked": t.revoked})  # fmt: skip
    users = [{"id": user.id, "anonymous": user.anonymous, "email": user.email, "plan": user.plan,
              **user.balance(), "spent": user.spent, "granted": user.granted, "tokens": tokens.get(user.id, []),
              "ledger": acc.ledger.view(user.id)}
             for user in acc.users.values()]  # fmt: skip
    sessions = [{"id": s.id, "task_name": s.task_name, "user_id": s.user_id, "language": s.language,
                 "turns": s.turns, "running": s.running, "created_at": s.created_at}
                for s in store.sessions.by_id.values()]  # fmt: skip
    return CompactJSON({
        "clock": store.clock.view(),
        "settings": store.settings.public(),
        "users": users,
        "sessions": sessions,
        "oauth": store.oauth.view(),
        "mcp_sessions": harness_of(request).mcp_calls.view(),
        "journal": {"enabled": harness_of(request).journal.enabled, "kept": len(harness_of(request).journal.entries)},
        "codes": [{"code": int(c), "name": c.name} for c in Code if c],
        "fault_kinds": list(KINDS),
    })  # fmt: skip


def _redacted(data: JSON) -> Response:
    """JSON with every token in it redacted: what users typed into a chat is shown, their secrets are not."""
    return Response(redact(dumps(data).decode()), media_type="application/json")


def _session(request: Request) -> Any:
    session = store_of(request).sessions.by_id.get(request.path_params["session_id"])
    if session is None:
        raise ApiError(Code.SESSION_NOT_FOUND, "no such session")
    return session


async def session_view(request: Request) -> Response:
    store, session = store_of(request), _session(request)
    base = str(request.base_url)
    return _redacted({
        **session.snapshot(),
        "language": session.language,
        "turns": session.turns,
        "running": session.running,
        "transcript": session.transcript_view(),
        "uploads": [
            {**u.info(store.upload_url(base, u)), "thumb": u.probe.file_type != "audio"}
            for u in store.uploads.by_id.values()
            if u.session_id == session.id
        ],
        "renders": _renders(store, base, session.id),
    })  # fmt: skip


async def render_session(request: Request) -> Response:
    """Export the session's current draft as its user would (the attribution rule is the client's business)."""
    store, session = store_of(request), _session(request)
    body = await read_json(request, limit=4096, optional=True)
    check(RENDER, body)
    number = 1
    while (session.user_id, f"inspector-{number}") in store.renders.by_id:
        number += 1
    output = {"format": "mp4", "quality": body.get("quality", "high")}
    user = store.accounts.users[session.user_id]
    job = submit_export(store, user, f"inspector-{number}", session, session.state.get("draft"), output,
                        attributed=True, path=request.url.path)  # fmt: skip
    store.publish("renders", _renders(store, str(request.base_url)))
    return CompactJSON(render_view(store, job, str(request.base_url)), status_code=201)


async def thumbnail(request: Request) -> Response:
    upload = store_of(request).uploads.by_id.get(request.path_params["upload_id"])
    if upload is None or upload.probe.file_type not in ("video", "image"):
        raise ApiError(Code.NOT_FOUND, "no picture to show for that upload")
    data = await asyncio.to_thread(_thumb, upload.path, upload.probe.file_type)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "max-age=3600"})


def _thumb(path: Any, kind: str) -> bytes:
    from PIL import Image

    if kind == "video":
        import av

        with av.open(str(path)) as container:
            rgb = next(container.decode(video=0)).to_ndarray(format="rgb24")
        img = Image.fromarray(rgb)
    else:
        with Image.open(path) as opened:
            img = opened.convert("RGB")
    img.thumbnail((240, 240))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=80)
    return out.getvalue()


async def feed(request: Request) -> Response:
    """The activity stream: one SSE event per thing that happened; the renders, every TICK_S when they changed."""
    from sse_starlette import EventSourceResponse

    feed = harness_of(request).feed
    queue = feed.subscribe()
    base = str(request.base_url)

    async def events() -> AsyncIterator[dict[str, str]]:
        last: Any = []
        loop = asyncio.get_running_loop()
        tick = loop.time() + TICK_S
        try:
            yield {"event": "hello", "data": dumps({"journal": feed.journal.enabled}).decode()}
            while True:
                if (wait := tick - loop.time()) > 0:  # a deadline, not a quiet spell: a busy feed still ticks
                    try:
                        message = await asyncio.wait_for(queue.get(), wait)
                    except TimeoutError:
                        continue
                    yield {"event": message["kind"], "data": redact(dumps(message["data"]).decode())}
                    continue
                tick = loop.time() + TICK_S
                current = store_of(request)
                snapshot = _renders(current, base)
                if snapshot != last:  # any change, including a render that finished between two ticks
                    last = snapshot
                    yield {"event": "renders", "data": dumps(snapshot).decode()}
                if current.clock.mode == "realtime":
                    yield {"event": "clock", "data": dumps({"now": current.clock.now()}).decode()}
        finally:
            feed.unsubscribe(queue)

    return EventSourceResponse(events(), ping=15, sep="\n", headers={"Cache-Control": "no-store"})


routes = [
    Route("/_emulator/ui", page, methods=["GET"]),
    Route("/_emulator/ui/{name}", asset, methods=["GET"]),
    Route("/_emulator/feed", feed, methods=["GET"]),
    Route("/_emulator/overview", overview, methods=["GET"]),
    Route("/_emulator/sessions/{session_id}", session_view, methods=["GET"]),
    Route("/_emulator/sessions/{session_id}/render", render_session, methods=["POST"]),
    Route("/_emulator/uploads/{upload_id}/thumb", thumbnail, methods=["GET"]),
]
routes = behind_the_door(routes, open_=(asset,))
"""All behind the control plane's door but the page's script and style sheet, which hold no data and act on
nothing (a `<script src>` cannot carry the control token)."""
