"""The request journal: the last N requests, for /_emulator/requests and the inspector, kept bounded and with
every secret redacted (bearer, claim and OAuth tokens in bodies, query strings, frames and any header that
carries one)."""

from __future__ import annotations

import re
from collections import deque
from typing import Any

SECRET_HEADERS = re.compile(rb"authorization|cookie|token|secret|api-key|apikey|password", re.IGNORECASE)
SECRETS = re.compile(r"(nmv_usr_|clm_|mcp_at_|mcp_rt_|mcp_code_|mcp_cs_|mcp_static_)[A-Za-z0-9_\-]{6,}")
"""Bearer, claim and OAuth tokens (and client secrets) wherever they appear in recorded text."""
QUERY_SECRET = re.compile(r"((?:^|&)(?:token|access_token|refresh_token|code|client_secret|s)=)[^&]*", re.IGNORECASE)
BODY_KEPT = 4096
"""Bytes of each request and response body the journal keeps."""
FRAMES_KEPT = 300
"""Stream frames kept per streaming entry."""


def redact(text: str) -> str:
    return SECRETS.sub(lambda m: m.group(1) + "<redacted>", text)


def redact_query(query: str) -> str:
    return redact(QUERY_SECRET.sub(lambda m: m.group(1) + "<redacted>", query))


def redact_headers(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    return {
        k.decode("latin-1"): "<redacted>" if SECRET_HEADERS.search(k) else redact(v.decode("latin-1")[:200])
        for k, v in headers
    }


class Journal:
    """The last `size` requests (500 while only the inspector turned it on): method, path, headers and bodies with
    secrets redacted, status, envelope code, timing, and for streams each frame with its time offset."""

    def __init__(self, size: int) -> None:
        self.entries: deque[dict[str, Any]] = deque(maxlen=size if size > 0 else 500)
        self.enabled = size > 0
        self.next_id = 1

    def query(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        limit: int = 100,
        code: int | None = None,
        session: str | None = None,
        tool: str | None = None,
    ) -> list[dict[str, Any]]:
        out = [
            e
            for e in self.entries
            if (method is None or e["method"] == method.upper())
            and (path is None or path in e["path"])
            and (status is None or e["status"] == status)
            and (code is None or e.get("code") == code)
            and (session is None or e.get("session_id") == session)
            and (tool is None or e.get("tool") == tool)
        ]
        return out[-limit:]
