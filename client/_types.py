"""Payloads of every response, as TypedDicts; unknown extra fields are kept, never rejected."""

from __future__ import annotations

from typing import TypedDict

from nemo_protocol.wire import JSON


class AnonymousToken(TypedDict, total=False):
    token: str
    user_id: str
    expires_at: str
    credits: int


class SessionInfo(TypedDict, total=False):
    task_id: str
    session_id: str
    user_id: str


class ClaimToken(TypedDict, total=False):
    claim_token: str
    expires_in: int


class Balance(TypedDict, total=False):
    available: int
    frozen: int
    total: int


class SessionState(TypedDict, total=False):
    video_infos: list[JSON]
    draft: JSON
    canvas_config: JSON
    video_analyses: JSON
    generated_media: list[JSON]


class StateSnapshot(TypedDict, total=False):
    session_id: str
    task_id: str
    task_name: str
    user_id: str
    state: SessionState


class UploadedFile(TypedDict, total=False):
    filename: str
    file_type: str
    cdn_url: str
    duration: float
    width: int
    height: int
    fps: float
    hash: str


class UploadResult(TypedDict, total=False):
    files: list[UploadedFile]
    session_state_applied: bool


class RenderJob(TypedDict, total=False):
    id: str
    status: str
    progress: float
    outputUrl: str | None
    createdAt: int
    completedAt: int | None
    error: str
    output: JSON
