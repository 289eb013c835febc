"""The gateway's framing of a turn (protocol A.4): the engine's neutral steps as WebSocket frames, onto the
session's channel, from which whichever socket is attached to the session sends them (a client that reconnects
mid-turn gets the rest of them)."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from nemo_emulator.agent.steps import Chunk, Done, Failed, Question, Reply, Result, Step, Thinking
from nemo_protocol.wire import JSON

Frame = JSON


class Channel:
    """A session's outgoing frames while a socket is away or busy: bounded (the oldest go first), read by one
    socket at a time."""

    def __init__(self, size: int) -> None:
        self.frames: deque[Frame] = deque(maxlen=max(1, size))
        self._ready = asyncio.Event()
        self.turn: asyncio.Task[Any] | None = None
        """The turn writing to it, while one runs."""

    def put(self, frame: Frame) -> None:
        self.frames.append(frame)
        self._ready.set()

    def push_back(self, frame: Frame) -> None:
        """A frame that was taken but never sent (the socket went away): the next socket sends it first."""
        self.frames.appendleft(frame)
        self._ready.set()

    async def get(self) -> Frame:
        while not self.frames:
            self._ready.clear()
            await self._ready.wait()
        return self.frames.popleft()

    @property
    def busy(self) -> bool:
        return self.turn is not None and not self.turn.done()


def _tool(name: str) -> JSON:
    return {"tool_name": name, "tool": name, "name": name}


class WsFraming:
    """thinking_start/end, chunk and text, tool_start/tool_end, ask_question, then done (or error). A turn that
    ends with a question sends no `done`: its answer is the session's next message, and that turn's `done` ends
    the exchange."""

    chunked = True
    tick_s: float | None = None

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    def emit(self, step: Step, now: float) -> None:
        put = self.channel.put
        if isinstance(step, Thinking):
            put({"type": "thinking_start" if step.start else "thinking_end"})
        elif isinstance(step, Chunk):
            put({"type": "chunk", "text": step.text})
        elif isinstance(step, Reply):
            if step.text:
                put({"type": "text", "text": step.text})
            if step.call is not None:
                put({"type": "tool_start", **_tool(step.call.name), "args": step.call.args})
        elif isinstance(step, Result):
            put({"type": "tool_end", **_tool(step.call.name), "status": step.response.get("status", "success")})
        elif isinstance(step, Question):
            options = [{"id": o.id, "label": o.label} for o in step.options]
            question = {"id": "q1", "prompt": step.text, "options": options, "allow_multiple": step.allow_multiple}
            put({"type": "ask_question", "title": step.prompt, "questions": [question]})
        elif isinstance(step, Failed):
            put({"type": "error", "error": step.message})
        elif isinstance(step, Done) and not step.asked:
            put({"type": "done"})
