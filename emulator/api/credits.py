"""/api/credits/balance/simple."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulator.auth import authenticate, store_of
from emulator.envelope import ok


async def balance(request: Request) -> Response:
    user = authenticate(request)
    return ok(user.balance(), message=store_of(request).settings.envelope_message)


routes = [Route("/api/credits/balance/simple", balance, methods=["GET"])]
