"""The protocol's error-code table (protocol §4.1, §8 Q1): every code, what it means, the HTTP status it travels with.

This is the one table: the emulator raises these codes, the client maps them to exceptions (unknown ones to the
plain `ApiError`), and the conformance suite accepts exactly these. A new code is one row here.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum


class Code(IntEnum):
    """Envelope `code` values. 4xx-valued codes are the ones the protocol documents as HTTP statuses."""

    OK = 0
    BAD_REQUEST = 400
    """Missing X-Client-Id, malformed or invalid body, unfetchable URL."""
    EXPORT_BLOCKED = 402
    """Free/anonymous export without attribution headers; never a credits error."""
    FORBIDDEN = 403
    """Cross-site or unauthorised control-plane request; a token's missing scope."""
    NOT_FOUND = 404
    METHOD_NOT_ALLOWED = 405
    CONFLICT = 409
    """Duplicate render id, a render not ready to download, a turn already running (reject_409)."""
    BODY_TOO_LARGE = 413
    URI_TOO_LONG = 414
    INVALID_BODY = 422
    """A /run_sse body that fails ADK's request model (FastAPI's `{"detail": [...]}`)."""
    RATE_LIMITED = 429
    HEADERS_TOO_LARGE = 431
    INTERNAL = 500
    BUSY = 503
    """The emulator's render capacity is full; retry later."""
    BAD_TOKEN = 1001
    SESSION_NOT_FOUND = 1002
    INSUFFICIENT_CREDITS = 2001
    UNSUPPORTED_FILE_TYPE = 4001
    FILE_TOO_LARGE = 4002


DEFAULT_STATUS: Mapping[Code, int] = {
    Code.OK: 200,
    Code.BAD_TOKEN: 401,
    Code.SESSION_NOT_FOUND: 404,
    Code.INSUFFICIENT_CREDITS: 200,
    Code.UNSUPPORTED_FILE_TYPE: 415,
    Code.FILE_TOO_LARGE: 413,
}
"""HTTP status per code where it is not the code itself. 2001 travels with 200: the skill's own table says
`402 — free plan export blocked; not a credit issue`, so credits must never be reported as 402 (Q1)."""

MAPPED_STATUS: Mapping[Code, int] = {**DEFAULT_STATUS, Code.INSUFFICIENT_CREDITS: 403}
"""`error_http_status=mapped`: every envelope code with a matching 4xx, credits with 403."""


def http_status(code: Code | int, style: str = "skill") -> int:
    """The HTTP status that travels with `code`: `skill` (default), `mapped` or `always_200` (protocol §8 Q1)."""
    code = Code(code)
    if style == "always_200" and code >= 1000:
        return 200
    table = MAPPED_STATUS if style == "mapped" else DEFAULT_STATUS
    return table.get(code, int(code))


ACCEPTED_FORMATS: Mapping[str, tuple[str, ...]] = {
    "video": ("mp4", "mov", "avi", "webm", "mkv"),
    "image": ("jpg", "png", "gif", "webp"),
    "audio": ("mp3", "wav", "m4a", "aac"),
}
"""Upload formats the API accepts (protocol §3.5)."""
