"""The protocol's response envelopes (§2.3): the only code that shapes a JSON body."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from client._json import JSON
from client.codes import Code


class CompactJSON(JSONResponse):
    """JSON without spaces, like the real backend's FastAPI responses."""

    def render(self, content: Any) -> bytes:
        import json

        return json.dumps(content, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def ok(data: Any, *, message: bool = True, status: int = 200) -> CompactJSON:
    """`{"code":0,"message":"success","data":…}` for /api/* routes."""
    body: JSON = {"code": 0, "message": "success", "data": data} if message else {"code": 0, "data": data}
    return CompactJSON(body, status_code=status)


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
