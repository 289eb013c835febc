"""Reading a draft the way the skill reports it: "Timeline (3 tracks): 1. Video: … 2. BGM: Lo-fi (0-10s, 35%) …",
and what changed between two states (how a client reports a silent turn).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from client._json import JSON, obj

TRACK_NAMES = {0: "Video", 1: "BGM", 7: "Title"}


def _secs(ms: float) -> str:
    s = round(ms / 1000, 2)
    return f"{s:g}"


def _segment(tt: Any, seg: JSON) -> str:
    st, d = seg.get("st", 0) or 0, seg.get("d", 0) or 0
    span = f"{_secs(st)}-{_secs(st + d)}s"
    meta = obj(seg.get("m"))
    if tt == 7:
        return f'"{seg.get("tx", "")}" ({span})'
    if tt == 1:
        volume = seg.get("v", 1)
        pct = round(volume * 100) if isinstance(volume, int | float) else "?"
        return f"{meta.get('name', 'Audio')} ({span}, {pct}%)"
    return f"{meta.get('name', 'clip')} ({span})"


def track_lines(draft: JSON) -> list[str]:
    """One line per track: '1. Video: city (0-10s)'."""
    tracks = [t for t in (draft or {}).get("t", []) if isinstance(t, dict)]
    lines = []
    for i, track in enumerate(tracks, 1):
        tt = track.get("tt")
        meta = obj(track.get("m"))
        kind = meta.get("name") or (TRACK_NAMES.get(tt) if isinstance(tt, int) else None) or f"Track type {tt}"
        segs = [_segment(tt, s) for s in track.get("sg", []) if isinstance(s, dict)]
        lines.append(f"{i}. {kind}: {', '.join(segs) if segs else '(empty)'}")
    return lines


def summarize(draft: JSON) -> str:
    """The timeline in one line, or a note that it is empty."""
    lines = track_lines(draft)
    if not lines:
        return "Timeline is empty."
    return f"Timeline ({len(lines)} track{'s' if len(lines) != 1 else ''}): " + " ".join(lines)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Human-readable changes between two session states (draft tracks, uploads, canvas)."""
    changes = []
    old, new = track_lines(before.get("draft") or {}), track_lines(after.get("draft") or {})
    old_body = {line.split(". ", 1)[1] for line in old}
    new_body = {line.split(". ", 1)[1] for line in new}
    changes += [f"added {line}" for line in sorted(new_body - old_body)]
    changes += [f"removed {line}" for line in sorted(old_body - new_body)]
    if before.get("canvas_config") != after.get("canvas_config") and after.get("canvas_config"):
        changes.append(f"canvas is now {after['canvas_config'].get('ratio', after['canvas_config'])}")
    added = len(after.get("video_infos") or []) - len(before.get("video_infos") or [])
    if added > 0:
        changes.append(f"{added} new asset{'s' if added > 1 else ''}")
    if not changes and before.get("draft") != after.get("draft"):
        changes.append("draft changed")
    return changes
