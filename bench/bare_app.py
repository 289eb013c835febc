"""The ceiling: a bare Starlette app serving the same JSON and a heartbeat stream, on the same uvicorn settings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

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


app = Starlette(
    routes=[
        Route("/api/credits/balance/simple", balance),
        Route("/_emulator/health", health),
        Route("/stream", stream, methods=["GET", "POST"]),
    ]
)
