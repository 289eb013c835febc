"""/api/credits/balance/simple."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulator.auth import authenticate, store_of
from emulator.envelope import ok


async def balance(request: Request) -> Response:
    balance = authenticate(request).balance()
    if store_of(request).settings.mutation == "balance":
        balance["total"] = balance["available"]
    return ok(request, balance)


routes = [Route("/api/credits/balance/simple", balance, methods=["GET"])]
