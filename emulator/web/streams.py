"""Streaming responses that a tap (emulator/hooks.py) may cut: the connection then ends unfinished, as a network
drop does."""

from __future__ import annotations

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from nemo_emulator.hooks import StreamDropped


class _Droppable(Response):
    """Wraps a streaming response: a StreamDropped ends it without the chunked terminator."""

    def __init__(self, response: Response) -> None:
        self.response = response
        self.background = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.response(scope, receive, send)
        except StreamDropped:
            return
        except BaseExceptionGroup as group:
            rest = group.subgroup(lambda e: not isinstance(e, StreamDropped | BaseExceptionGroup))
            if rest is not None:
                raise


def droppable(response: Response) -> Response:
    """`response`, cut short (rather than failed) when one of its frames raises StreamDropped."""
    return _Droppable(response)
