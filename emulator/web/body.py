"""Reading and checking JSON request bodies, with messages that say what to send instead."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request

from nemo_emulator.errors import ApiError
from nemo_protocol.codes import Code
from nemo_protocol.wire import JSON

_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    dict: "an object",
    list: "an array",
}


async def read_body(request: Request, *, limit: int) -> bytes:
    """The raw body; 413 as soon as it passes `limit` bytes (nothing more is read)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(Code.BODY_TOO_LARGE, f"request body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


_TOKENS = re.compile(rb'[\\"\[\]{}]')


def too_deep(raw: bytes, limit: int) -> bool:
    """Whether JSON text nests deeper than `limit`, counted on the bytes before anything is parsed. One pass over
    the structural bytes (quotes, backslashes, brackets) with no backtracking: linear in the body's length,
    whatever it holds. Brackets inside strings are skipped; so is whatever a backslash escapes."""
    if raw.count(b"{") + raw.count(b"[") <= limit:
        return False
    depth = 0
    in_string = False
    escaped = -1
    for match in _TOKENS.finditer(raw):
        at = match.start()
        if at == escaped:
            continue
        byte = raw[at]
        if in_string:
            if byte == 0x5C:  # backslash: the next byte is escaped
                escaped = at + 1
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x7B, 0x5B):
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x7D, 0x5D):
            depth -= 1
    return False


async def read_json(request: Request, *, limit: int, optional: bool = False) -> JSON:
    """The body as a JSON object; 400 for anything else (nested past max_json_depth included), 413 past `limit`
    bytes."""
    raw = await read_body(request, limit=limit)
    depth = request.scope["nemo.store"].settings.max_json_depth
    if too_deep(raw, depth):
        raise ApiError(Code.BAD_REQUEST, f"JSON body nested deeper than {depth} levels")
    if not raw.strip():
        if optional:
            return {}
        raise ApiError(Code.BAD_REQUEST, "request body must be a JSON object")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(Code.BAD_REQUEST, f"malformed JSON body: {exc}") from None
    if not isinstance(body, dict):
        raise ApiError(Code.BAD_REQUEST, f"request body must be a JSON object, not {type(body).__name__}")
    return body


def field(body: JSON, *names: str, kind: type | tuple[type, ...], required: bool = True, default: Any = None) -> Any:
    """`body[name]` under the first of `names` present, type-checked (bools are not numbers)."""
    for name in names:
        if name in body and body[name] is not None:
            value = body[name]
            kinds = kind if isinstance(kind, tuple) else (kind,)
            ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
            if not ok:
                wanted = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)
                raise ApiError(Code.BAD_REQUEST, f"field '{name}' must be {wanted}")
            return value
    if required:
        raise ApiError(Code.BAD_REQUEST, f"missing required field '{names[0]}'")
    return default
