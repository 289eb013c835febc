"""The MCP server's framing of a turn (protocol B.3): a delegated turn's `turn_state` (running, awaiting_input,
stopped), its `runtime_statuses` and its `events` (text, tool_call, tool_result, ask_question as the arguments of
an `ask_question` tool call, error), kept bounded (`truncated` once capped), for get_nemo_agent_turn to read."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Literal

from nemo_emulator.agent.steps import Done, Failed, Question, Reply, Result, Step
from nemo_protocol.wire import JSON

TurnState = Literal["running", "awaiting_input", "stopped"]


@dataclass
class DelegatedTurn:
    id: str
    session_id: str
    message: str
    limit: int
    state: TurnState = "running"
    statuses: list[str] = field(default_factory=lambda: ["running"])
    events: list[JSON] = field(default_factory=list)
    truncated: bool = False
    task: asyncio.Task[Any] | None = field(default=None, repr=False)

    def add(self, event: JSON) -> None:
        if len(self.events) >= self.limit:
            self.truncated = True
            return
        self.events.append(event)

    def view(self) -> JSON:
        return {"turn_id": self.id, "session_id": self.session_id, "turn_state": self.state,
                "runtime_statuses": list(self.statuses), "events": list(self.events), "truncated": self.truncated,
                "ok": self.state == "stopped" and "completed" in self.statuses}  # fmt: skip


class McpFraming:
    """A turn's steps as a delegated turn's events and state."""

    chunked = False
    tick_s: float | None = None

    def __init__(self, turn: DelegatedTurn) -> None:
        self.turn = turn

    def emit(self, step: Step, now: float) -> None:
        turn = self.turn
        if isinstance(step, Reply):
            if step.text:
                turn.add({"type": "text", "text": step.text, "at": now})
            if step.call is not None:
                turn.add({"type": "tool_call", "id": step.call.id, "name": step.call.name, "args": step.call.args,
                          "at": now})  # fmt: skip
        elif isinstance(step, Result):
            turn.add({"type": "tool_result", "id": step.call.id, "name": step.call.name,
                      "status": step.response.get("status", "success"), "at": now})  # fmt: skip
        elif isinstance(step, Question):
            args = {"title": step.prompt, "questions": [{"id": "q1", "prompt": step.text, "allow_multiple": False,
                                                          "options": [{"id": o.id, "label": o.label}
                                                                      for o in step.options]}]}  # fmt: skip
            turn.add({"type": "ask_question", "name": "ask_question", "args": args, "at": now})
        elif isinstance(step, Failed):
            turn.add({"type": "error", "error": step.message, "at": now})
            turn.state, turn.statuses = "stopped", ["failed"]
        elif isinstance(step, Done):
            if turn.statuses == ["user_abort"]:
                turn.state = "stopped"
            elif step.asked:
                turn.state, turn.statuses = "awaiting_input", ["awaiting_input"]
            else:
                turn.state, turn.statuses = "stopped", ["completed"]
