"""Writing the protocol's envelopes (§2.3) as responses; the shapes themselves are nemo_protocol.wire's."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from nemo_protocol.wire import dumps, success_body


class CompactJSON(Response):
    """JSON without spaces, like the real backend's FastAPI responses."""

    media_type = "application/json"
    render = staticmethod(dumps)


def ok(request: Request, data: Any) -> CompactJSON:
    """`{"code":0,"message":"success","data":…}` for code-envelope routes (`message` per Settings.envelope_message)."""
    if request.scope["nemo.store"].settings.envelope_message:
        return CompactJSON({"code": 0, "message": "success", "data": data})
    return CompactJSON({"code": 0, "data": data})


def success(data: Any, *, status: int = 200) -> CompactJSON:
    """`{"success":true,"data":…}` for the render proxy."""
    return CompactJSON(success_body(data), status_code=status)
