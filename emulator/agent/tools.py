"""What the agent's tools do to a session: draft edits (t/tt/sg/d/m), generated media, analyses.

Each function takes the current state and returns (tool response, stateDelta); nothing here touches
credits or the stream.
"""

from __future__ import annotations

import copy
from typing import Any

from client import timeline
from client._json import JSON
from emulator.media.draft import AUDIO, TEXT, VIDEO

RATIOS = {"16:9": (1920, 1080), "9:16": (1080, 1920), "1:1": (1080, 1080), "4:5": (1080, 1350), "4:3": (1440, 1080)}


def _draft(state: JSON) -> JSON:
    draft = copy.deepcopy(state.get("draft") or {})
    draft.setdefault("t", [])
    draft.setdefault("m", {"title": "Untitled", "width": 1920, "height": 1080, "fps": 30})
    return draft


def _tracks(draft: JSON, tt: int) -> list[JSON]:
    return [t for t in draft["t"] if isinstance(t, dict) and t.get("tt") == tt]


def video_length_ms(state: JSON) -> float:
    """End of the last video segment, else the draft's `d`, else 0."""
    draft = state.get("draft") or {}
    ends = [s.get("st", 0) + s.get("d", 0) for t in _tracks({"t": draft.get("t", [])}, VIDEO) for s in t.get("sg", [])]
    return float(max(ends, default=draft.get("d", 0) or 0))


def _finish(state: JSON, draft: JSON, response: JSON, **extra: Any) -> tuple[JSON, JSON]:
    ends = [s.get("st", 0) + s.get("d", 0) for t in draft["t"] for s in t.get("sg", [])]
    draft["d"] = int(max(ends, default=0))
    delta = {"draft": draft, **extra}
    return {"status": "success", **response}, delta


def add_video(state: JSON, media: JSON, *, name: str) -> tuple[JSON, JSON]:
    """Put a video (generated or uploaded) on the video track, replacing what was there."""
    draft = _draft(state)
    draft["t"] = [t for t in draft["t"] if t.get("tt") != VIDEO]
    d = int(round(media["duration"] * 1000))
    seg = {"st": 0, "d": d, "so": 0, "src": media["url"], "m": {"name": name}}
    draft["t"].insert(0, {"tt": VIDEO, "m": {"name": "Video"}, "sg": [seg]})
    draft["m"]["title"] = name[:60]
    return _finish(state, draft, {"video_url": media["url"], "duration": media["duration"]})


def add_bgm(state: JSON, url: str, *, label: str, mood: str, volume: float, duration_ms: int) -> tuple[JSON, JSON]:
    """One BGM track lasting `duration_ms`, replacing any previous BGM."""
    draft = _draft(state)
    draft["t"] = [t for t in draft["t"] if t.get("tt") != AUDIO]
    seg = {"st": 0, "d": duration_ms, "so": 0, "src": url, "v": volume, "m": {"name": label, "mood": mood}}
    draft["t"].append({"tt": AUDIO, "m": {"name": "BGM"}, "sg": [seg]})
    return _finish(state, draft, {"music_url": url, "mood": mood, "duration": duration_ms / 1000, "volume": volume})


def set_bgm_volume(state: JSON, volume: float) -> tuple[JSON, JSON]:
    draft = _draft(state)
    for track in _tracks(draft, AUDIO):
        for seg in track.get("sg", []):
            seg["v"] = volume
    return _finish(state, draft, {"volume": volume})


def add_text(state: JSON, text: str, start_ms: int, end_ms: int, *, title: bool) -> tuple[JSON, JSON]:
    """A text segment on the first text track it fits on without overlap; a title replaces an earlier title."""
    draft = _draft(state)
    if title:
        for old in _tracks(draft, TEXT):
            old["sg"] = [s for s in old.get("sg", []) if not (s.get("m") or {}).get("title")]
    style = {
        "color": "#FFFFFF",
        "size": 64 if title else 40,
        "pos": "top-center" if title else "bottom-center",
        "fade_in": 500,
    }
    seg = {"st": start_ms, "d": max(1, end_ms - start_ms), "tx": text, "sty": style, "m": {"title": title}}

    def fits(track: JSON) -> bool:
        return all(s.get("st", 0) + s.get("d", 0) <= start_ms or s.get("st", 0) >= end_ms for s in track.get("sg", []))

    track = next((t for t in _tracks(draft, TEXT) if fits(t)), None)
    if track is None:
        track = {"tt": TEXT, "m": {"name": "Title" if title else "Text"}, "sg": []}
        draft["t"].append(track)
    track.setdefault("sg", []).append(seg)
    track["sg"].sort(key=lambda s: s.get("st", 0))
    draft["t"] = [t for t in draft["t"] if t.get("tt") != TEXT or t.get("sg")]
    return _finish(state, draft, {"text": text, "start": start_ms / 1000, "end": end_ms / 1000})


def trim(state: JSON, keep_from_ms: int, keep_to_ms: int) -> tuple[JSON, JSON]:
    """Keep only [keep_from, keep_to) of the timeline, shifting everything to start at 0."""
    draft = _draft(state)
    for track in draft["t"]:
        kept = []
        for seg in track.get("sg", []):
            st, d = seg.get("st", 0), seg.get("d", 0)
            a, b = max(st, keep_from_ms), min(st + d, keep_to_ms)
            if b <= a:
                continue
            seg = dict(seg, st=a - keep_from_ms, d=b - a)
            if "so" in seg or track.get("tt") == VIDEO:
                seg["so"] = seg.get("so", 0) + (a - st)
            kept.append(seg)
        track["sg"] = kept
    return _finish(state, draft, {"start": keep_from_ms / 1000, "end": keep_to_ms / 1000})


def remove_tracks(state: JSON, tt: int | None, index: int | None = None) -> tuple[JSON, JSON]:
    """Remove every track of type `tt`, or the track at 0-based `index`."""
    draft = _draft(state)
    before = len(draft["t"])
    if index is not None:
        draft["t"] = [t for i, t in enumerate(draft["t"]) if i != index]
    else:
        draft["t"] = [t for t in draft["t"] if t.get("tt") != tt]
    return _finish(state, draft, {"removed": before - len(draft["t"])})


def set_ratio(state: JSON, ratio: str) -> tuple[JSON, JSON]:
    width, height = RATIOS[ratio]
    draft = _draft(state)
    draft["m"].update(width=width, height=height)
    canvas = {"width": width, "height": height, "ratio": ratio}
    return _finish(state, draft, {"ratio": ratio, "width": width, "height": height}, canvas_config=canvas)


def describe(state: JSON) -> str:
    """The timeline as the agent says it, e.g. 'Timeline (3 tracks): 1. Video: … 2. BGM: Lo-fi (0-10s, 35%) …'."""
    draft = state.get("draft") or {}
    if not timeline.track_lines(draft):
        return "Your timeline is empty. Upload a video or ask me to generate one, then open the Timeline panel."
    return timeline.summarize(draft)
