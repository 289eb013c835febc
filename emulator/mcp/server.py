"""The MCP server proper, on the official SDK's low-level Server: tools/list shows the tools the caller's grant
allows (B.2), tools/call checks the arguments against the tool's schema and runs it (mcp/tools/), and errors come
back as B.4 reads them: a tool result with `isError` and a `code` (402 credits, 403 plan, 409 version conflict,
422 impossible, 400 invalid), whose extra fields (a conflict's current template) travel beside it."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import mcp_types as types
from mcp.server.lowlevel import Server

from nemo_emulator.errors import ApiError, crash_record
from nemo_emulator.mcp.tools import handlers
from nemo_emulator.mcp.tools.base import Context, Reply
from nemo_emulator.state.accounts import User
from nemo_emulator.state.store import Store
from nemo_protocol.mcp import BY_NAME, NAMES, TOOLS, McpCode, Tool, translate
from nemo_protocol.wire import JSON, dumps

GRANT = "nemo.mcp"
"""Where the endpoint leaves the caller's grant in the request's scope."""


@dataclass(frozen=True)
class Caller:
    """Who is calling, as the endpoint authenticated them."""

    store: Store
    user: User
    scopes: tuple[str, ...]
    base_url: str
    session_key: str | None


def allowed(tool: Tool, caller: Caller) -> bool:
    """Whether a tool is listed to (and callable by) the caller: its scope granted, a creator for platform tools."""
    if tool.creator_only and caller.user.plan != "creator":
        return False
    return not caller.store.settings.mcp_enforce_scopes or tool.scope in caller.scopes


def _caller(ctx: Any) -> Caller:
    request = getattr(ctx, "request", None)
    caller = request.scope.get(GRANT) if request is not None else None
    if not isinstance(caller, Caller):
        raise RuntimeError("an MCP request reached the server without the endpoint's authentication")
    return caller


def error_result(code: int, message: str, extra: JSON | None = None) -> types.CallToolResult:
    data = {"ok": False, "code": code, "error": NAMES.get(McpCode(code), "error") if code in McpCode._value2member_map_
            else "error", "message": message, **(extra or {})}  # fmt: skip
    return types.CallToolResult(content=[types.TextContent(type="text", text=dumps(data).decode())],
                                structured_content=data, is_error=True)  # fmt: skip


@functools.cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(BY_NAME[name].schema)


def _invalid(tool: Tool, args: Any) -> list[JSON]:
    validator = _validator(tool.name)
    if validator.is_valid(args):
        return []
    return [{"path": ".".join(str(p) for p in e.absolute_path) or "arguments", "message": e.message[:300]}
            for e in validator.iter_errors(args)][:10]  # fmt: skip


def build(store: Store) -> Server[Any]:
    """The SDK server of one emulator's MCP surface."""
    run = handlers()

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        caller = _caller(ctx)
        tools = [types.Tool(name=t.name, description=t.description, input_schema=t.schema)
                 for t in TOOLS if allowed(t, caller)]  # fmt: skip
        return types.ListToolsResult(tools=tools)

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        caller = _caller(ctx)
        tool = BY_NAME.get(params.name)
        if tool is None or not allowed(tool, caller):
            return error_result(McpCode.NOT_FOUND, f"no tool {params.name[:80]!r} for this account and grant")
        args = dict(params.arguments or {})
        if problems := _invalid(tool, args):
            return error_result(McpCode.BAD_REQUEST, f"invalid arguments: {problems[0]['path']}: "
                                                     f"{problems[0]['message']}", {"errors": problems})  # fmt: skip
        hooks = caller.store.hooks
        if (fault := hooks.tool_called(tool.name, caller.session_key)) is not None:
            hooks.tool_returned(tool.name, caller.session_key, caller.user.id, translate(fault.code))
            return error_result(translate(fault.code), fault.message)
        context = Context(caller.store, caller.user, list(caller.scopes), caller.base_url, caller.session_key)
        try:
            reply: Reply = await run[tool.name](context, args)
        except ApiError as exc:
            hooks.tool_returned(tool.name, caller.session_key, caller.user.id, translate(exc.code))
            return error_result(translate(exc.code), exc.message, exc.body)
        except Exception as exc:  # a bug of ours: kept for /_emulator/errors, answered as a tool error
            caller.store.record_error(crash_record("/mcp", exc, tool=tool.name))
            hooks.tool_returned(tool.name, caller.session_key, caller.user.id, McpCode.INTERNAL)
            return error_result(McpCode.INTERNAL, "the emulator failed on this call (see /_emulator/errors)")
        hooks.tool_returned(tool.name, caller.session_key, caller.user.id, 0)
        text = types.TextContent(type="text", text=json.dumps(reply.data, ensure_ascii=False))
        return types.CallToolResult(content=[text, *reply.content], structured_content=reply.data, is_error=False)

    return Server("nemovideo", version="emulator", instructions="NemoVideo's MCP server, emulated by nemo-emulator",
                  on_list_tools=list_tools, on_call_tool=call_tool)  # fmt: skip
