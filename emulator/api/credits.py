"""/api/credits/balance/simple."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.auth import authenticate, store_of
from nemo_emulator.envelope import ok
from nemo_protocol.routes import endpoint


async def balance(request: Request) -> Response:
    balance = authenticate(request).balance()
    if store_of(request).settings.mutation == "balance":
        balance["total"] = balance["available"]
    return ok(request, balance)


routes = [Route(endpoint("balance").path, balance, methods=["GET"])]
