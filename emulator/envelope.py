"""The protocol's response envelopes (§2.3): the only code that shapes a JSON body."""

from __future__ import annotations

import json
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from client._json import JSON
from client.codes import Code

_ascii_json = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def dumps(content: Any) -> bytes:
    """Compact UTF-8 JSON. orjson is one C call on every response's hot path; what it refuses (integers past
    64 bits, lone surrogates, non-string keys) goes through the standard library, escaped to ASCII."""
    try:
        return orjson.dumps(content)
    except TypeError:
        return _ascii_json(content).encode()


class CompactJSON(Response):
    """JSON without spaces, like the real backend's FastAPI responses."""

    media_type = "application/json"
    render = staticmethod(dumps)


def ok(request: Request, data: Any) -> CompactJSON:
    """`{"code":0,"message":"success","data":…}` for /api/* routes (`message` per Settings.envelope_message)."""
    settings = request.scope["nemo.store"].settings
    body: JSON = {"code": 0, "message": "success", "data": data}
    if not settings.envelope_message:
        del body["message"]
    if settings.mutation == "envelope":
        del body["code"]
    return CompactJSON(body)


def success(data: Any, *, status: int = 200) -> CompactJSON:
    """`{"success":true,"data":…}` for the render proxy."""
    return CompactJSON({"success": True, "data": data}, status_code=status)


def code_error_body(code: Code, message: str) -> JSON:
    return {"code": int(code), "message": message, "data": None}


def success_error_body(code: Code, message: str) -> JSON:
    return {"success": False, "error": message, "code": int(code)}


def detail_error_body(code: Code, message: str) -> JSON:
    """ADK-style routes: FastAPI's `detail`, plus `code`/`message` for gateway-style clients."""
    return {"detail": message, "code": int(code), "message": message}
