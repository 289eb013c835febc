"""Reference client for the NemoVideo agent API: `NemoClient` (sync), `AsyncNemoClient`, the `nemo` CLI.

Names load on first use, so the emulator can share `client.codes` without importing httpx at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from client._async import AsyncNemoClient
    from client._client import NemoClient
    from client._config import LIVE_URL, Recovery, Skill
    from client._errors import (
        ApiError,
        BadRequest,
        Conflict,
        ExportBlocked,
        FileTooLarge,
        MissingClientId,
        NemoError,
        NotFound,
        OutOfCredits,
        ProtocolError,
        RateLimited,
        RenderFailed,
        RenderTimeout,
        SessionNotFound,
        TokenInvalid,
        TransportError,
        UnsupportedFileType,
    )
    from client._stream import (
        KeepAlive,
        ModelError,
        StreamError,
        Text,
        ToolCall,
        ToolResult,
        TurnEvent,
        TurnResult,
        classify,
    )
    from client.codes import Code

_WHERE = {
    "ApiError": "client._errors",
    "AsyncNemoClient": "client._async",
    "BadRequest": "client._errors",
    "Code": "client.codes",
    "Conflict": "client._errors",
    "ExportBlocked": "client._errors",
    "FileTooLarge": "client._errors",
    "KeepAlive": "client._stream",
    "LIVE_URL": "client._config",
    "MissingClientId": "client._errors",
    "ModelError": "client._stream",
    "NemoClient": "client._client",
    "NemoError": "client._errors",
    "NotFound": "client._errors",
    "OutOfCredits": "client._errors",
    "ProtocolError": "client._errors",
    "RateLimited": "client._errors",
    "Recovery": "client._config",
    "RenderFailed": "client._errors",
    "RenderTimeout": "client._errors",
    "SessionNotFound": "client._errors",
    "Skill": "client._config",
    "StreamError": "client._stream",
    "Text": "client._stream",
    "TokenInvalid": "client._errors",
    "ToolCall": "client._stream",
    "ToolResult": "client._stream",
    "TransportError": "client._errors",
    "TurnEvent": "client._stream",
    "TurnResult": "client._stream",
    "UnsupportedFileType": "client._errors",
    "classify": "client._stream",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'client' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "LIVE_URL",
    "ApiError",
    "AsyncNemoClient",
    "BadRequest",
    "Code",
    "Conflict",
    "ExportBlocked",
    "FileTooLarge",
    "KeepAlive",
    "MissingClientId",
    "ModelError",
    "NemoClient",
    "NemoError",
    "NotFound",
    "OutOfCredits",
    "ProtocolError",
    "RateLimited",
    "Recovery",
    "RenderFailed",
    "RenderTimeout",
    "SessionNotFound",
    "Skill",
    "StreamError",
    "Text",
    "TokenInvalid",
    "ToolCall",
    "ToolResult",
    "TransportError",
    "TurnEvent",
    "TurnResult",
    "UnsupportedFileType",
    "classify",
]
