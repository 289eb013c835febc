"""Reference clients for NEMO: `NemoClient` for the mega API (the skill's) and `GatewayClient` for the gateway (the
official CLI's), each with an async face of the same methods (`AsyncNemoClient`, `AsyncGatewayClient`), and the
`nemo` CLI; `McpConnection` (and `connect_mcp`, async) for the MCP server, through the official `mcp` SDK's client
with a headless OAuth sign-in."""

from nemo_client._async import AsyncNemoClient
from nemo_client._client import NemoClient
from nemo_client._config import LIVE_URL, Recovery, Skill
from nemo_client._errors import (
    ApiError,
    BadRequest,
    Conflict,
    ExportBlocked,
    FileTooLarge,
    Forbidden,
    InvalidBody,
    MissingClientId,
    NemoError,
    NotFound,
    OutOfCredits,
    ProtocolError,
    RateLimited,
    RenderFailed,
    RenderTimeout,
    ServerError,
    SessionNotFound,
    TokenExpired,
    TokenInvalid,
    ToolError,
    TransportError,
    UnsupportedFileType,
)
from nemo_client._gateway import AsyncGatewayClient, GatewayClient
from nemo_client._gateway_core import GATEWAY_URL, ChatResult
from nemo_client._mcp import McpConnection, headless_oauth, tool_json
from nemo_client._mcp import connect as connect_mcp
from nemo_client._stream import (
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
from nemo_protocol.codes import Code

__all__ = [
    "GATEWAY_URL",
    "LIVE_URL",
    "ApiError",
    "AsyncGatewayClient",
    "AsyncNemoClient",
    "BadRequest",
    "ChatResult",
    "Code",
    "Conflict",
    "ExportBlocked",
    "FileTooLarge",
    "Forbidden",
    "GatewayClient",
    "InvalidBody",
    "KeepAlive",
    "McpConnection",
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
    "ServerError",
    "SessionNotFound",
    "Skill",
    "StreamError",
    "Text",
    "TokenExpired",
    "TokenInvalid",
    "ToolCall",
    "ToolError",
    "ToolResult",
    "TransportError",
    "TurnEvent",
    "TurnResult",
    "UnsupportedFileType",
    "classify",
    "connect_mcp",
    "headless_oauth",
    "tool_json",
]
