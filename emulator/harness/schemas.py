"""The JSON Schemas of the control plane's request bodies: every /_emulator body is checked before anything is
done with it, and a bad one is a 400 that names the field (never a 500, never state left half-changed)."""

from __future__ import annotations

from typing import Any

from nemo_emulator.errors import ApiError
from nemo_protocol.codes import Code

_TEXT = {"type": "string", "minLength": 1, "maxLength": 512}
_ID = {"type": "string", "minLength": 1, "maxLength": 200}
TEN_YEARS = 10 * 365 * 86400

FAULT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "kind": {"enum": ["error", "latency", "drop_stream", "stall_heartbeats", "fail_render", "fail_tool",
                          "expire_token"]},
        "times": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
        "route": _TEXT,
        "method": {"type": "string", "pattern": "^[A-Za-z]{1,10}$"},
        "session_id": _ID,
        "client_id": _ID,
        "tool": _ID,
        "code": {"type": "integer"},
        "message": {"type": "string", "maxLength": 2000},
        "latency_s": {"type": "number", "minimum": 0, "maximum": 600},
        "after_events": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
    },
}
CLOCK: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "advance": {"type": "number", "minimum": 0, "maximum": TEN_YEARS},
        "set": {"type": "number", "minimum": 0, "maximum": 4102444800},
        "next": {"type": "boolean"},
        "timeout": {"type": "number", "minimum": 0, "maximum": 30},
    },
}
"""`set` is at most 2100-01-01: later dates break ISO-8601 timestamps and token expiries."""
CREDITS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "credits": {"type": "integer", "minimum": 0, "maximum": 10**9},
        "token": {"type": "string", "minLength": 1, "maxLength": 200},
        "user_id": _ID,
    },
}
USER: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["email"],
    "properties": {
        "email": {"type": "string", "pattern": "^[^@\\s]{1,64}@[^@\\s]{1,190}$"},
        "plan": {"enum": ["free", "starter", "pro", "creator"]},
        "credits": {"type": "integer", "minimum": 0, "maximum": 10**9},
    },
}
RENDER: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"quality": {"enum": ["low", "medium", "high", "draft"]}},
}
OAUTH: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "revoke_user": _ID,
        "expire_user": _ID,
        "consent": {"enum": ["auto", "page", "deny"]},
    },
}


def check(schema: dict[str, Any], body: Any) -> None:
    """400 naming the first field of `body` that `schema` refuses."""
    from jsonschema import Draft202012Validator

    error = next(iter(Draft202012Validator(schema).iter_errors(body)), None)
    if error is None:
        return
    where = ".".join(str(p) for p in error.absolute_path) or "body"
    if error.validator == "additionalProperties":
        extra = sorted(set(body) - set(schema.get("properties", {}))) if isinstance(body, dict) else []
        raise ApiError(Code.BAD_REQUEST, f"unknown field(s): {', '.join(map(str, extra))[:300]}")
    raise ApiError(Code.BAD_REQUEST, f"{where}: {error.message[:300]}")
