"""What the planner hands the runner: a turn as steps (say something, think, call a tool) and its kind.

A `Say` directly before a `Tool` is the text of the same model reply: ADK sends them as one event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from nemo_emulator.state.sessions import Choice
from nemo_protocol.wire import JSON

Kind = Literal["edit", "question", "refusal", "answer"]
"""`edit`: tools change the draft; `question`: one clarifying question, nothing changes; `refusal`: a polite no;
`answer`: text only, nothing to change (timeline summaries, help, impossible requests)."""


class ToolContext(Protocol):
    """What a tool's effect may use besides the session state: where generated media goes and how it is named."""

    base_url: str
    generated_dir: Path

    def media_id(self) -> str: ...

    def media_url(self, name: str) -> str: ...


Effect = Callable[[ToolContext, JSON], tuple[JSON, JSON]]
"""(context, current session state) -> (tool response, stateDelta). Runs in a worker thread; reads state only."""


@dataclass(slots=True)
class Say:
    text: str


@dataclass(slots=True)
class Wait:
    """The agent thinking before it answers (virtual seconds)."""

    latency: float


@dataclass(slots=True)
class Ask:
    """One clarifying question (nothing changes): the sentence, its short prompt, and the choices offered."""

    text: str
    prompt: str
    options: tuple[Choice, ...] = ()


@dataclass(slots=True)
class Tool:
    name: str
    args: JSON
    cost: int
    latency: float
    effect: Effect


Step = Say | Wait | Tool | Ask


@dataclass
class Plan:
    kind: Kind
    steps: list[Step] = field(default_factory=list)
    language: str = "en"
    """Language of the replies: `en` or `zh`."""
    intents: list[str] = field(default_factory=list)
    """Names of the grammar entries the message matched, in order (for tests and the inspector)."""
    message: str = ""
    """The message as the agent understood it (an answer to a question stands for the choice it picked)."""

    @property
    def cost(self) -> int:
        return sum(s.cost for s in self.steps if isinstance(s, Tool))

    @property
    def silent_eligible(self) -> bool:
        """Edits may end without any text (protocol §7.4); generation, questions and refusals always speak."""
        return self.kind == "edit" and not any(
            isinstance(s, Tool) and s.name == "generate_video_with_seedance" for s in self.steps
        )
