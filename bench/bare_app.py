"""The ceiling: a bare Starlette app serving the same JSON and a heartbeat stream, on the same uvicorn settings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

BODY = b'{"code":0,"message":"success","data":{"available":100,"frozen":0,"total":100}}'


async def balance(request: Request) -> Response:
    return Response(BODY, media_type="application/json")


async def health(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


async def stream(request: Request) -> Response:
    async def beats() -> AsyncIterator[bytes]:
        while True:
            yield b"data: \n\n"
            await asyncio.sleep(15)

    return StreamingResponse(beats(), media_type="text/event-stream")


async def chat(ws: WebSocket) -> None:
    """The least a chat socket can do: `session_ready`, `pong` per ping, and per message 20 chunks and `done`."""
    await ws.accept()
    await ws.send_text('{"type":"session_ready"}')
    try:
        while True:
            frame = await ws.receive_text()
            if '"ping"' in frame:
                await ws.send_text('{"type":"pong"}')
            else:
                for i in range(20):
                    await ws.send_text(f'{{"type":"chunk","text":"word {i} "}}')
                await ws.send_text('{"type":"done"}')
    except WebSocketDisconnect:
        return


app = Starlette(
    routes=[
        Route("/api/credits/balance/simple", balance),
        Route("/_emulator/health", health),
        Route("/stream", stream, methods=["GET", "POST"]),
        WebSocketRoute("/ws/chat", chat),
    ]
)
