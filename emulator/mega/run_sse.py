"""POST /run_sse: checks that answer in JSON before streaming, then the turn's events as SSE.

Order of the checks, as a gateway in front of ADK's api_server would make them: the bearer token (1001), the body
against ADK's request model (FastAPI's 422), the app, the session (1002), credits (2001).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.errors import ApiError
from nemo_emulator.mega.adk import PROFILES
from nemo_emulator.mega.adk_request import Invalid, parse
from nemo_emulator.web.auth import authenticate, store_of
from nemo_emulator.web.body import read_body
from nemo_emulator.web.streams import droppable
from nemo_protocol.codes import Code
from nemo_protocol.routes import endpoint

if TYPE_CHECKING:
    from sse_starlette import ServerSentEvent

MAX_MESSAGE = 20000


async def run_sse(request: Request) -> Response:
    store = store_of(request)
    settings = store.settings
    user = authenticate(request)
    raw = await read_body(request, limit=settings.max_json_body_bytes)
    try:
        run = parse(
            raw, request.headers.get("content-type", ""), PROFILES[settings.adk_profile], settings.max_json_depth
        )
    except Invalid as exc:
        raise ApiError(Code.INVALID_BODY, str(exc), body={"detail": exc.errors}) from None
    if run.app_name is None:
        raise ApiError(Code.BAD_REQUEST, "app_name is required when ADK_DEFAULT_APP_NAME is not set")
    if run.app_name != settings.app_name:
        raise ApiError(Code.NOT_FOUND, "App not found")
    if run.user_id not in ("me", user.id):
        raise ApiError(Code.SESSION_NOT_FOUND, f"Session not found: {run.session_id[:40]}")
    session = store.sessions.owned(run.session_id, user.id)
    if len(run.text) > MAX_MESSAGE:
        raise ApiError(Code.BAD_REQUEST, f"message longer than {MAX_MESSAGE} characters")
    from sse_starlette import EventSourceResponse  # the agent and SSE load on the first turn, not at start-up

    from nemo_emulator.agent.engine import Turn, prepare
    from nemo_emulator.mega.adk import AdkFraming

    plan, rng = prepare(store, session, user, run.text)
    profile = PROFILES[settings.adk_profile]
    framings: list[AdkFraming] = []

    def framing(ids: object) -> AdkFraming:
        made = AdkFraming(ids, settings.agent_author, profile, streaming=run.streaming,  # type: ignore[arg-type]
                          style=settings.heartbeat_style, interval=settings.heartbeat_interval_s)  # fmt: skip
        framings.append(made)
        return made

    turn = Turn(store, session, user, str(request.base_url).rstrip("/"), plan, rng.getrandbits(64), framing)
    queue = framings[0].queue
    tap = store.hooks.open_stream("mega", "/run_sse", session.id)
    task = turn.start(run.text)

    async def frames() -> AsyncIterator[ServerSentEvent]:
        try:
            while (item := await queue.get()) is not None:
                sent = tap.frame(*item)
                if sent is not None:
                    yield sent
        finally:
            if not settings.continue_on_disconnect and not task.done():
                task.cancel()

    return droppable(EventSourceResponse(frames(), ping=0, sep="\n", headers={"Cache-Control": "no-cache"}))


routes = [Route(endpoint("run_sse").path, run_sse, methods=["POST"])]
