"""The protocol's error-code table (protocol §4.1), shared by the emulator and the client."""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum


class Code(IntEnum):
    """Envelope `code` values. 4xx-valued codes are the ones the protocol documents as HTTP statuses."""

    OK = 0
    BAD_REQUEST = 400
    """Missing X-Client-Id, malformed or invalid body, unfetchable URL."""
    EXPORT_BLOCKED = 402
    """Free/anonymous export without attribution headers (not a credits error)."""
    FORBIDDEN = 403
    NOT_FOUND = 404
    METHOD_NOT_ALLOWED = 405
    CONFLICT = 409
    BODY_TOO_LARGE = 413
    RATE_LIMITED = 429
    INTERNAL = 500
    BAD_TOKEN = 1001
    SESSION_NOT_FOUND = 1002
    INSUFFICIENT_CREDITS = 2001
    UNSUPPORTED_FILE_TYPE = 4001
    FILE_TOO_LARGE = 4002


DEFAULT_STATUS: Mapping[Code, int] = {
    Code.OK: 200,
    Code.BAD_TOKEN: 401,
    Code.SESSION_NOT_FOUND: 404,
    Code.INSUFFICIENT_CREDITS: 402,
    Code.UNSUPPORTED_FILE_TYPE: 415,
    Code.FILE_TOO_LARGE: 413,
}


def http_status(code: Code) -> int:
    """The HTTP status that travels with `code` (protocol §8 Q1, "mapped")."""
    return DEFAULT_STATUS.get(code, int(code))


ACCEPTED_FORMATS: Mapping[str, tuple[str, ...]] = {
    "video": ("mp4", "mov", "avi", "webm", "mkv"),
    "image": ("jpg", "png", "gif", "webp"),
    "audio": ("mp3", "wav", "m4a", "aac"),
}
"""Upload formats the API accepts (protocol §3.5)."""
