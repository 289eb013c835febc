"""Projects/sessions and their ADK-style state dict (§3.2, §3.7, §6.3)."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass, field
from typing import Any

from nemo_emulator.errors import ApiError
from nemo_emulator.ids import Ids
from nemo_protocol.codes import Code
from nemo_protocol.wire import JSON, loads

TRANSCRIPT = 400
"""Transcript notes kept per session (not persisted)."""

Note = tuple[float, int, str, Any]
"""One transcript line: (virtual time, turn number, kind, data). A tuple, and an event's data is the very string
the stream sent: a thousand open turns keep their transcripts in a few hundred kilobytes."""


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
    edit_lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    """Tool effects read the state and write a delta; one at a time per session, so none is lost."""
    transcript: list[Note] = field(default_factory=list, repr=False)
    """The last turns as the inspector shows them: messages, events, heartbeats, what a silent turn changed."""

    def note(self, line: Note) -> None:
        self.transcript.append(line)
        if len(self.transcript) > 2 * TRANSCRIPT:
            del self.transcript[:-TRANSCRIPT]

    def apply_delta(self, delta: JSON) -> None:
        """ADK `actions.stateDelta` semantics: top-level keys replace."""
        for key, value in delta.items():
            self.state[key] = copy.deepcopy(value)
        self.version += 1

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


@dataclass
class Sessions:
    ids: Ids
    mutation: str | None = None
    by_id: dict[str, Session] = field(default_factory=dict)

    def create(self, user_id: str, task_name: str, language: str | None, now: float) -> Session:
        session = Session(self.ids.session(), self.ids.task(), user_id, task_name, language, now)
        self.by_id[session.id] = session
        return session

    def owned(self, session_id: str, user_id: str) -> Session:
        """The user's session, or 1002 — also for someone else's, so existence never leaks."""
        session = self.by_id.get(session_id)
        if session is not None and self.mutation == "leak_session":
            return session
        if session is None or session.user_id != user_id:
            if self.mutation == "wrong_code":
                raise ApiError(Code.BAD_TOKEN, "session not found")
            raise ApiError(Code.SESSION_NOT_FOUND, f"session {session_id[:40]!r} not found; create one first")
        return session


def note_view(line: Note) -> JSON:
    """A transcript note as the inspector reads it."""
    t, turn, kind, data = line
    entry: JSON = {"t": t, "turn": turn, "kind": kind}
    if kind == "user":
        entry["text"], entry["plan"], entry["intents"] = data
    elif kind == "event":
        entry["event"] = loads(data)
    elif kind == "end":
        entry["silent"], entry["changes"] = data
    return entry
