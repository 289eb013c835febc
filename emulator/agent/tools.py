"""What the agent's tools do to a session: draft edits through the protocol's draft model, and what they answer.

Each function takes the current state and returns (tool response, stateDelta); nothing here touches credits or
the stream.
"""

from __future__ import annotations

from typing import Any

from nemo_protocol import draft as drafts
from nemo_protocol.draft import AUDIO, TEXT, Draft
from nemo_protocol.wire import JSON

RATIOS = drafts.RATIOS


def _finish(draft: Draft, response: JSON, **extra: Any) -> tuple[JSON, JSON]:
    return {"status": "success", **response}, {"draft": draft.finish(), **extra}


def video_length_ms(state: JSON) -> float:
    """End of the last video segment, else the draft's `d`, else 0."""
    return drafts.video_length_ms(state.get("draft"))


def add_video(state: JSON, media: JSON, *, name: str) -> tuple[JSON, JSON]:
    """Put a video (generated or uploaded) on the video track, replacing what was there."""
    draft = Draft(state.get("draft"))
    draft.set_video(media["url"], round(media["duration"] * 1000), name=name)
    return _finish(draft, {"video_url": media["url"], "duration": media["duration"]})


def add_bgm(state: JSON, url: str, *, label: str, mood: str, volume: float, duration_ms: int) -> tuple[JSON, JSON]:
    """One BGM track lasting `duration_ms`, replacing any previous BGM."""
    draft = Draft(state.get("draft"))
    draft.set_bgm(url, label=label, mood=mood, vol=volume, start=0, length=duration_ms)
    return _finish(draft, {"music_url": url, "mood": mood, "duration": duration_ms / 1000, "volume": volume})


def set_bgm_volume(state: JSON, volume: float) -> tuple[JSON, JSON]:
    draft = Draft(state.get("draft"))
    draft.set_audio(vol=volume)
    return _finish(draft, {"volume": volume})


def add_text(state: JSON, text: str, start_ms: int, end_ms: int, *, title: bool) -> tuple[JSON, JSON]:
    """A text segment on the first text track it fits on without overlap; a title replaces an earlier title."""
    draft = Draft(state.get("draft"))
    draft.add_text(text, start_ms, end_ms, title=title)
    return _finish(draft, {"text": text, "start": start_ms / 1000, "end": end_ms / 1000})


def trim(state: JSON, keep_from_ms: int, keep_to_ms: int) -> tuple[JSON, JSON]:
    """Keep only [keep_from, keep_to) of the timeline, shifting everything to start at 0."""
    draft = Draft(state.get("draft"))
    draft.trim(keep_from_ms, keep_to_ms)
    return _finish(draft, {"start": keep_from_ms / 1000, "end": keep_to_ms / 1000})


def remove_tracks(state: JSON, tt: int | None, index: int | None = None) -> tuple[JSON, JSON]:
    """Remove every track of type `tt`, or the track at 0-based `index`."""
    draft = Draft(state.get("draft"))
    removed = draft.remove(tt, index)
    return _finish(draft, {"removed": removed})


def set_ratio(state: JSON, ratio: str) -> tuple[JSON, JSON]:
    width, height = RATIOS[ratio]
    draft = Draft(state.get("draft"))
    draft.set_canvas(width, height)
    canvas = {"width": width, "height": height, "ratio": ratio}
    return _finish(draft, {"ratio": ratio, "width": width, "height": height}, canvas_config=canvas)


def describe(state: JSON) -> str:
    """The timeline as the agent says it, e.g. 'Timeline (3 tracks): 1. Video: … 2. BGM: Lo-fi (0-10s, 35%) …'."""
    draft = state.get("draft") or {}
    if not drafts.lines(draft):
        return "Your timeline is empty. Upload a video or ask me to generate one, then open the Timeline panel."
    return drafts.summary(draft)


__all__ = ["AUDIO", "TEXT", "add_bgm", "add_text", "add_video", "describe", "remove_tracks", "set_bgm_volume"]
