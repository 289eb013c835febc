"""How the protocol's JSON looks on the wire: one encoder, one decoder, and the shapes of its envelopes (§2.3).

Three envelopes exist: the code envelope of /api/* (`{"code","message","data"}`), the success envelope of the
render proxy (`{"success","data"}` / `{"success":false,"error"}`), and FastAPI's `{"detail": …}` on ADK routes.
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

import orjson

JSON = dict[str, Any]
"""The one alias for opaque JSON objects."""

Envelope = Literal["code", "success", "detail", "file"]
"""`file` routes answer bytes on success and the code envelope on failure."""

_ascii_json = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def dumps(content: Any) -> bytes:
    """Compact UTF-8 JSON. orjson is one C call on every response's hot path; what it refuses (integers past
    64 bits, lone surrogates, non-string keys, nesting past 254) goes through the standard library, escaped to ASCII."""
    try:
        return orjson.dumps(content)
    except TypeError:
        try:
            return _ascii_json(content).encode()
        except ValueError:  # NaN or infinity beside what orjson refused: null, as orjson writes them
            return _ascii_json(_finite(content)).encode()


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def loads(raw: bytes | str) -> Any:
    """Parse JSON as the real backend (FastAPI, the standard library) does: NaN and lone surrogates are accepted."""
    return json.loads(raw)


def obj(value: Any) -> JSON:
    """`value` if it is a JSON object, else an empty one (drafts from the wild may hold anything)."""
    return value if isinstance(value, dict) else {}


def success_body(data: Any) -> JSON:
    return {"success": True, "data": data}


def code_error_body(code: int, message: str) -> JSON:
    return {"code": int(code), "message": message, "data": None}


def success_error_body(code: int, message: str) -> JSON:
    return {"success": False, "error": message, "code": int(code)}


def detail_error_body(code: int, message: str) -> JSON:
    """ADK-style routes: FastAPI's `detail`, plus `code`/`message` for gateway-style clients."""
    return {"detail": message, "code": int(code), "message": message}


def error_body(envelope: Envelope, code: int, message: str) -> JSON:
    """The error body of a route speaking `envelope`."""
    if envelope == "success":
        return success_error_body(code, message)
    if envelope == "detail":
        return detail_error_body(code, message)
    return code_error_body(code, message)
