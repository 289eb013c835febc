"""Projects/sessions and their ADK-style state dict (§3.2, §3.7, §6.3)."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nemo_emulator.errors import ApiError
from nemo_emulator.ids import Ids
from nemo_protocol.codes import Code
from nemo_protocol.wire import JSON

TRANSCRIPT = 400
"""Transcript notes kept per session (not persisted)."""

Note = tuple[float, int, str, Any]
"""One transcript line: (virtual time, turn number, kind, data). A tuple, and an event's data is the very string
the stream sent: a thousand open turns keep their transcripts in a few hundred kilobytes."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a question: what it says, and the message it stands for when the user picks it."""

    id: str
    label: str
    message: str


@dataclass(frozen=True, slots=True)
class Pending:
    """A question the agent asked and the session is waiting on: the next message may pick one of its choices."""

    asked: str
    """The message that led to the question."""
    choices: tuple[Choice, ...]


def empty_state() -> JSON:
    return {
        "video_infos": [],
        "draft": {},
        "canvas_config": {"width": 1920, "height": 1080, "ratio": "16:9"},
        "video_analyses": {},
        "generated_media": [],
    }


def analysis_for(analyses: JSON, src: str) -> JSON:
    """The analysis of the asset a segment `src` points at (analyses are keyed by upload or media id)."""
    for key, analysis in analyses.items():
        if key in src:
            return dict(analysis)
    return {}


@dataclass
class Session:
    """One project = one ADK session; `state` is what /state returns and tools change."""

    id: str
    task_id: str
    user_id: str
    task_name: str
    language: str | None
    created_at: float
    state: JSON = field(default_factory=empty_state)
    turns: int = 0
    running: int = 0
    version: int = 0
    """Counts every change of the state, from any surface (the MCP server's `base_version` is checked against it)."""
    updated_at: float = 0.0
    edit_lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    """Tool effects read the state and write a delta; one at a time per session, so none is lost."""
    transcript: list[Note] = field(default_factory=list, repr=False)
    """The last turns as the inspector shows them: messages, steps, heartbeats, what a silent turn changed."""
    pending: Pending | None = field(default=None, repr=False)
    """The question the agent last asked, while the session waits on its answer."""
    surfaces: dict[str, Any] = field(default_factory=dict, repr=False)
    """What a surface keeps for this session beyond one request: the gateway's channel (for a client that
    reconnects), the MCP server's delegated turns."""

    def note(self, line: Note) -> None:
        self.transcript.append(line)
        if len(self.transcript) > 2 * TRANSCRIPT:
            del self.transcript[:-TRANSCRIPT]

    def apply_delta(self, delta: JSON, now: float | None = None) -> None:
        """ADK `actions.stateDelta` semantics: top-level keys replace."""
        for key, value in delta.items():
            self.state[key] = copy.deepcopy(value)
        self.version += 1
        self.updated_at = now if now is not None else self.updated_at

    def transcript_view(self) -> list[JSON]:
        """The transcript as JSON (the newest TRANSCRIPT notes)."""
        return [note_view(line) for line in self.transcript[-TRANSCRIPT:]]

    def snapshot(self) -> JSON:
        return {
            "session_id": self.id,
            "task_id": self.task_id,
            "task_name": self.task_name,
            "user_id": self.user_id,
            "state": self.state,
        }


def check_path(params: Mapping[str, str], user_id: str, app_name: str) -> None:
    """Paths carry the app (`nemo_agent`) and `me` or the caller's own user id (§2.2); any other user is not the
    caller's, any other app does not exist."""
    app = params.get("app")
    if app is not None and app != app_name:
        raise ApiError(Code.NOT_FOUND, f"unknown app {app[:40]!r}; use {app_name}")
    if params.get("user", "me") not in ("me", user_id):
        raise ApiError(Code.SESSION_NOT_FOUND, "that user's sessions are not visible with this token")


@dataclass
class Sessions:
    ids: Ids
    by_id: dict[str, Session] = field(default_factory=dict)
    by_task: dict[str, Session] = field(default_factory=dict)
    """A project (task) id -> its session: one session per project (§3.2)."""

    def create(self, user_id: str, task_name: str, language: str | None, now: float) -> Session:
        session = Session(self.ids.session(), self.ids.task(), user_id, task_name, language, now, updated_at=now)
        self.add(session)
        return session

    def add(self, session: Session) -> None:
        self.by_id[session.id] = session
        self.by_task[session.task_id] = session

    def of_user(self, user_id: str) -> list[Session]:
        """The user's sessions (projects), oldest first."""
        return [s for s in self.by_id.values() if s.user_id == user_id]

    def project(self, project_id: str, user_id: str) -> Session:
        """The user's project (a task and its session), or 1002 — also for someone else's."""
        session = self.by_task.get(project_id)
        if session is None or session.user_id != user_id:
            raise ApiError(Code.SESSION_NOT_FOUND, f"project {project_id[:40]!r} not found")
        return session

    def owned(self, session_id: str, user_id: str) -> Session:
        """The user's session, or 1002 — also for someone else's, so existence never leaks."""
        session = self.by_id.get(session_id)
        if session is None or session.user_id != user_id:
            raise ApiError(Code.SESSION_NOT_FOUND, f"session {session_id[:40]!r} not found; create one first")
        return session


def _part_call(call: Any) -> JSON:
    return {"id": call.id, "name": call.name, "args": call.args}


def note_view(line: Note) -> JSON:
    """A transcript note as the inspector reads it: a turn's steps drawn as events whatever surface framed them
    (text and tool-call parts, tool results with the state they changed, errors)."""
    t, turn, kind, data = line
    entry: JSON = {"t": t, "turn": turn, "kind": kind}
    if kind == "user":
        entry["text"], entry["plan"], entry["intents"] = data
    elif kind in ("reply", "chunk", "question"):
        parts: list[JSON] = [{"text": data.text}] if data.text else []
        if kind == "reply" and data.call is not None:
            parts.append({"functionCall": _part_call(data.call)})
        entry["kind"] = "event"
        entry["event"] = {"content": {"parts": parts, "role": "model"}, "partial": kind == "chunk"}
        if kind == "question":
            entry["event"]["options"] = [{"id": o.id, "label": o.label} for o in data.options]
    elif kind == "result":
        response = {"id": data.call.id, "name": data.call.name, "response": data.response}
        entry["kind"] = "event"
        entry["event"] = {"content": {"parts": [{"functionResponse": response}], "role": "user"},
                          "actions": {"stateDelta": data.delta or {}}}  # fmt: skip
    elif kind == "failed":
        entry["kind"] = "event"
        entry["event"] = {"error": data.message}
    elif kind == "end":
        entry["silent"], entry["changes"] = data
    return entry
