"""Draft JSON checks (§6): only `t`/`tt`/`sg`/`d`/`m` and the timing keys are validated; the rest round-trips."""

from __future__ import annotations

import itertools
from typing import Any

from client._json import JSON, obj

VIDEO, AUDIO, TEXT = 0, 1, 7


class DraftError(ValueError):
    """The draft cannot be rendered; the message names the offending path."""


def _number(value: Any, where: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DraftError(f"{where} must be a number")
    if value < 0 or (positive and value == 0):
        raise DraftError(f"{where} must be {'positive' if positive else 'non-negative'}")
    if value != value or value > 24 * 3600 * 1000:
        raise DraftError(f"{where} is out of range")
    return float(value)


def validate(draft: Any) -> JSON:
    """Return `draft` if it is an exportable draft; raise DraftError naming the first problem."""
    if not isinstance(draft, dict):
        raise DraftError("draft must be an object")
    tracks = draft.get("t")
    if not isinstance(tracks, list):
        raise DraftError("draft.t must be an array of tracks")
    if "d" in draft:
        _number(draft["d"], "draft.d", positive=True)
    if "m" in draft and not isinstance(draft["m"], dict):
        raise DraftError("draft.m must be an object")
    has_segments = False
    for i, track in enumerate(tracks):
        where = f"draft.t[{i}]"
        if not isinstance(track, dict):
            raise DraftError(f"{where} must be an object")
        if isinstance(track.get("tt"), bool) or not isinstance(track.get("tt"), int):
            raise DraftError(f"{where}.tt must be an integer track type")
        segments = track.get("sg", [])
        if not isinstance(segments, list):
            raise DraftError(f"{where}.sg must be an array")
        spans = []
        for j, seg in enumerate(segments):
            _segment(seg, f"{where}.sg[{j}]", track["tt"])
            spans.append((float(seg.get("st", 0)), float(seg.get("st", 0)) + float(seg["d"]), j))
        spans.sort()
        for (_, end, a), (start, _, b) in itertools.pairwise(spans):
            if start < end:
                raise DraftError(f"{where}.sg[{a}] and sg[{b}] overlap; put overlapping clips on separate tracks")
        has_segments = has_segments or bool(segments)
    if not has_segments:
        raise DraftError("draft has no segments to export; add a video, audio or text segment first")
    return draft


def _segment(seg: Any, where: str, tt: int) -> None:
    if not isinstance(seg, dict):
        raise DraftError(f"{where} must be an object")
    _number(seg.get("st", 0), f"{where}.st")
    _number(seg.get("so", 0), f"{where}.so")
    if "d" not in seg:
        raise DraftError(f"{where}.d (duration in ms) is required")
    _number(seg["d"], f"{where}.d", positive=True)
    if "v" in seg:
        v = _number(seg["v"], f"{where}.v")
        if v > 1:
            raise DraftError(f"{where}.v is a volume between 0 and 1")
    if tt == TEXT and not isinstance(seg.get("tx", ""), str):
        raise DraftError(f"{where}.tx must be a string")
    if "src" in seg and not isinstance(seg["src"], str):
        raise DraftError(f"{where}.src must be a string")


def duration_ms(draft: JSON) -> float:
    """`d` if given, else the end of the last segment."""
    if isinstance(draft.get("d"), int | float) and not isinstance(draft.get("d"), bool):
        return float(draft["d"])
    ends = [float(s.get("st", 0)) + float(s["d"]) for t in draft.get("t", []) for s in t.get("sg", [])]
    return max(ends, default=0.0)


def output_size(draft: JSON, max_short: int) -> tuple[int, int]:
    """Even width/height from draft.m (or 1920x1080), scaled so the short side is at most `max_short`."""
    meta = obj(draft.get("m"))
    w, h = meta.get("width", 1920), meta.get("height", 1080)
    if not all(isinstance(x, int) and not isinstance(x, bool) and 16 <= x <= 8192 for x in (w, h)):
        w, h = 1920, 1080
    scale = min(1.0, max_short / min(w, h))
    return max(16, int(w * scale) // 2 * 2), max(16, int(h * scale) // 2 * 2)
