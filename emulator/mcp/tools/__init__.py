"""The MCP server's tools (protocol B.3), one module per group, over the shared world: projects and drafts
(projects.py), media, generation and renders (media.py), the delegated agent (agent.py) and platform resources
(platform.py). A tool takes its context and checked arguments and returns a Reply, or raises ApiError with a code
of nemo_protocol.mcp's table (the surface renders it as B.4 says)."""

from __future__ import annotations

from nemo_emulator.mcp.tools.base import Context, Handler, Reply

__all__ = ["Context", "Handler", "Reply", "handlers"]


def handlers() -> dict[str, Handler]:
    """Every tool's handler, by name."""
    from nemo_emulator.mcp.tools import agent, media, platform, projects

    return {**projects.TOOLS, **media.TOOLS, **agent.TOOLS, **platform.TOOLS}
