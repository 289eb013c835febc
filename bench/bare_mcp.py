"""The ceiling of the MCP line: the official SDK's low-level Server with one trivial `get_credits` tool, on its
Streamable HTTP session manager (SSE answers, sessions), in a bare Starlette app, with no authentication."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

CREDITS = {"available": 100, "frozen": 0, "total_granted": 100, "total_consumed": 0}


async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
    return types.ListToolsResult(tools=[types.Tool(name="get_credits", input_schema={"type": "object"})])


async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=json.dumps(CREDITS))],
                                structured_content=CREDITS)  # fmt: skip


manager = StreamableHTTPSessionManager(Server("bare", on_list_tools=list_tools, on_call_tool=call_tool))


class Endpoint:
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await manager.handle_request(scope, receive, send)


async def health(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    async with manager.run():
        yield


app = Starlette(routes=[Route("/mcp", Endpoint(), methods=["GET", "POST", "DELETE"]),
                        Route("/_emulator/health", health)], lifespan=lifespan)  # fmt: skip
