"""/api/credits/balance/simple."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.web.auth import authenticate
from nemo_emulator.web.envelope import ok
from nemo_protocol.routes import endpoint


async def balance(request: Request) -> Response:
    return ok(request, authenticate(request).balance())


routes = [Route(endpoint("balance").path, balance, methods=["GET"])]
