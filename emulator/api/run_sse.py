"""POST /run_sse: checks that answer in JSON before streaming, then the turn's events as SSE."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.api._body import field, read_json
from nemo_emulator.auth import authenticate, store_of
from nemo_emulator.errors import ApiError
from nemo_emulator.middleware import Droppable, StreamDropped
from nemo_protocol.codes import Code
from nemo_protocol.routes import endpoint

if TYPE_CHECKING:
    from sse_starlette import ServerSentEvent


def _message_text(body: dict[str, object]) -> str:
    message = field(body, "new_message", "newMessage", kind=dict)
    parts = field(message, "parts", kind=list)
    texts = []
    for i, part in enumerate(parts):
        if not isinstance(part, dict):
            raise ApiError(Code.BAD_REQUEST, f"new_message.parts[{i}] must be an object")
        text = part.get("text")
        if text is not None and not isinstance(text, str):
            raise ApiError(Code.BAD_REQUEST, f"new_message.parts[{i}].text must be a string")
        if text:
            texts.append(text)
    if len("".join(texts)) > 20000:
        raise ApiError(Code.BAD_REQUEST, "message longer than 20000 characters")
    return "\n".join(texts)


async def run_sse(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    body = await read_json(request, limit=store.settings.max_json_body_bytes)
    app_name = field(body, "app_name", "appName", kind=str)
    if app_name != store.settings.app_name:
        raise ApiError(Code.NOT_FOUND, "App not found")
    user_slot = field(body, "user_id", "userId", kind=str, required=False, default="me")
    session_id = field(body, "session_id", "sessionId", kind=str)
    if user_slot not in ("me", user.id):
        raise ApiError(Code.SESSION_NOT_FOUND, f"Session not found: {session_id[:40]}")
    session = store.sessions.owned(session_id, user.id)
    text = _message_text(body)
    from sse_starlette import EventSourceResponse  # the agent and SSE load on the first turn, not at start-up

    from nemo_emulator.agent.runner import Turn, prepare

    plan, rng = prepare(store, session, user, text)
    turn = Turn(store, session, user, str(request.base_url).rstrip("/"), plan, rng.getrandbits(64))
    fault = store.faults.take(("drop_stream", "stall_heartbeats"), "POST", "/run_sse", session_id=session.id)
    turn.stall_heartbeats = fault is not None and fault.kind == "stall_heartbeats"
    drop_after = fault.after_events if fault is not None and fault.kind == "drop_stream" else None
    task = store.spawn(turn.run())

    async def frames() -> AsyncIterator[ServerSentEvent]:
        sent = 0
        try:
            while (item := await turn.queue.get()) is not None:
                if drop_after is not None and sent >= drop_after:
                    raise StreamDropped
                sent += 1
                yield item
        finally:
            if not store.settings.continue_on_disconnect and not task.done():
                task.cancel()

    response = EventSourceResponse(frames(), ping=0, sep="\n", headers={"Cache-Control": "no-cache"})
    return Droppable(response) if drop_after is not None else response  # type: ignore[return-value]


routes = [Route(endpoint("run_sse").path, run_sse, methods=["POST"])]
