"""GET /ws/chat?token&session_id: the agent over a WebSocket (protocol A.4).

On open: `warming_up` and `status` (sandbox start-up, the session's first time only), then `session_ready`. Each
client `message` gets `message_accepted` and a turn of the same agent as /run_sse, framed by gateway/frames.py;
`ping` gets `pong`; `abort` stops the turn (which then says `done`). The turn runs on its own: a socket that goes
away mid-turn leaves it running, and the socket the client reconnects with sends the rest of its frames.
A bad token is close 4001 (or 403 at the handshake, Settings.gateway_ws_bad_token), no session_id close 4002.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from nemo_emulator.errors import ApiError
from nemo_emulator.gateway.auth import paid_user
from nemo_emulator.gateway.frames import Channel, WsFraming
from nemo_emulator.hooks import StreamDropped, Tap
from nemo_emulator.state.accounts import User
from nemo_emulator.state.sessions import Session
from nemo_emulator.state.store import Store
from nemo_emulator.web.auth import store_of
from nemo_protocol import gateway
from nemo_protocol.wire import dumps, loads

MAX_FRAME = 64 * 1024
MAX_MESSAGE = 20000


async def _refuse_token(ws: WebSocket, store: Store, reason: str) -> None:
    if store.settings.gateway_ws_bad_token == "http_403" and "websocket.http.response" in ws.scope.get("extensions",
                                                                                                       {}):  # fmt: skip
        from starlette.responses import JSONResponse

        await ws.send_denial_response(JSONResponse({"reason": reason, "message": reason}, status_code=403))
        return
    await ws.accept()
    await ws.close(gateway.CLOSE_BAD_TOKEN, reason[:120])


class _Socket:
    """One connection: a reader of client frames and a writer of the session's channel, sharing one send."""

    def __init__(self, ws: WebSocket, store: Store, user: User, session: Session, channel: Channel) -> None:
        self.ws, self.store, self.user, self.session, self.channel = ws, store, user, session, channel
        self.lock = asyncio.Lock()
        self.tap: Tap = store.hooks.open_stream("gateway", gateway.WS_CHAT, session.id)
        self.messages = 0

    async def send(self, frame: dict[str, Any]) -> None:
        async with self.lock:
            await self.ws.send_text(dumps(frame).decode())

    async def write(self) -> None:
        """Send the channel's frames as they come; an injected drop closes the socket (the frame stays queued)."""
        while True:
            frame = await self.channel.get()
            try:
                sent = self.tap.frame(str(frame.get("type")), frame)
            except StreamDropped:
                self.channel.push_back(frame)
                await self.ws.close(1011, "connection dropped")
                return
            if sent is not None:
                try:
                    await self.send(sent)
                except BaseException:
                    self.channel.push_back(frame)
                    raise

    async def read(self) -> None:
        while True:
            raw = await self.ws.receive_text()
            if len(raw) > MAX_FRAME:
                await self.send({"type": "error", "error": f"frame larger than {MAX_FRAME} bytes"})
                continue
            try:
                frame = loads(raw)
            except ValueError:
                await self.send({"type": "error", "error": "frames are JSON objects with a `type`"})
                continue
            kind = frame.get("type") if isinstance(frame, dict) else None
            if kind == "ping":
                await self.send({"type": "pong"})
            elif kind == "abort":
                if self.channel.busy and self.channel.turn is not None:
                    self.channel.turn.cancel()
            elif kind == "message":
                await self.message(frame)
            else:
                await self.send({"type": "error", "error": f"unknown frame type {str(kind)[:40]!r}; send message, "
                                                           "ping or abort"})  # fmt: skip

    async def message(self, frame: dict[str, Any]) -> None:
        content = frame.get("content")
        if not isinstance(content, str) or not content.strip() or len(content) > MAX_MESSAGE:
            await self.send({"type": "error", "error": f"message.content must be text of 1 to {MAX_MESSAGE} "
                                                       "characters"})  # fmt: skip
            return
        if self.channel.busy:
            await self.send({"type": "error", "error": "a turn is already running on this session; wait for done"})
            return
        from nemo_emulator.agent.engine import Turn, prepare

        self.messages += 1
        meta = frame.get("metadata")
        client_id = meta.get("client_message_id") if isinstance(meta, dict) else None
        client_id = client_id if isinstance(client_id, str) else None
        self.channel.put({"type": "message_accepted", "client_message_id": client_id or f"msg_{self.messages}"})
        try:
            plan, rng = prepare(self.store, self.session, self.user, content)
        except ApiError as exc:
            self.channel.put({"type": "error", "error": exc.message, "code": int(gateway.translate(exc.code))})
            return
        base = str(self.ws.base_url).replace("ws://", "http://", 1).replace("wss://", "https://", 1).rstrip("/")
        turn = Turn(self.store, self.session, self.user, base, plan, rng.getrandbits(64),
                    lambda ids: WsFraming(self.channel))  # fmt: skip
        self.channel.turn = turn.start(content)


async def chat(ws: WebSocket) -> None:
    store = store_of(ws)
    token, session_id = ws.query_params.get("token"), ws.query_params.get("session_id")
    try:
        user = paid_user(ws, token or "")
    except ApiError as exc:
        await _refuse_token(ws, store, exc.message)
        return
    if not session_id:
        await ws.accept()
        await ws.close(gateway.CLOSE_NO_SESSION, "missing session_id")
        return
    await ws.accept()
    try:
        session = store.sessions.owned(session_id, user.id)
    except ApiError as exc:
        await ws.send_text(dumps({"type": "error", "error": exc.message}).decode())
        await ws.close(1008, "session not found")
        return
    channel = session.surfaces.get("gateway")
    if not isinstance(channel, Channel):
        channel = session.surfaces["gateway"] = Channel(store.settings.gateway_resume_frames)
        await ws.send_text(dumps({"type": "warming_up"}).decode())
        await ws.send_text(dumps({"type": "status", "status": "sandbox_startup",
                                  "sandbox_id": f"sbx_{session.id}"}).decode())  # fmt: skip
        await store.clock.sleep(store.settings.gateway_sandbox_startup_s)
    socket = _Socket(ws, store, user, session, channel)
    await socket.send({"type": "session_ready", "session_id": session.id})
    writer = asyncio.ensure_future(socket.write())
    reader = asyncio.ensure_future(socket.read())
    try:
        await asyncio.wait({writer, reader}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (writer, reader):
            task.cancel()
        for task in (writer, reader):
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await task
    failure = None if reader.cancelled() else reader.exception()
    if failure is not None and not isinstance(failure, WebSocketDisconnect):
        raise failure


routes = [WebSocketRoute(gateway.WS_CHAT, chat)]
