"""The draft model (protocol §6): one place that reads, edits, validates and summarises a draft.

A draft is `{"d": ms, "m": {...}, "t": [track, ...]}`; a track is `{"tt": type, "m": {...}, "sg": [segment, ...]}`;
a segment has `st` (timeline start, ms), `d` (duration, ms), and by kind `so` (source offset), `src`, `v` (volume
0–1), `fi`/`fo` (audio fade in/out, ms), `tx` (text) and `sty` (text style). Only `t`/`tt`/`sg`/`d`/`m` are
documented; every other key, and every unknown `tt`, is carried through edits untouched.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from nemo_protocol.wire import JSON, obj

VIDEO, AUDIO, TEXT = 0, 1, 7
TRACK_LABELS = {VIDEO: "Video", AUDIO: "BGM", TEXT: "Title"}
RATIOS: Mapping[str, tuple[int, int]] = {
    "16:9": (1920, 1080),
    "9:16": (1080, 1920),
    "1:1": (1080, 1080),
    "4:5": (1080, 1350),
    "4:3": (1440, 1080),
    "3:4": (1080, 1440),
    "21:9": (1920, 822),
}
"""Canvas sizes by aspect ratio; none exceeds 1920x1080 or 1080x1920 (the skill's "up to 1080x1920")."""


NOTHING_TO_EXPORT = (
    "draft has no segments to export; add a video, audio or text segment first (upload a file, or ask the agent "
    "to generate a video)"
)


class DraftError(ValueError):
    """The draft cannot be exported; the message names the offending path."""


@dataclass(frozen=True, slots=True)
class DraftLimits:
    """What an exportable draft may hold. Bounded so that one request cannot ask for unbounded work or memory."""

    max_tracks: int = 64
    max_segments: int = 2000
    """Segments over all tracks."""
    max_duration_ms: int = 3600 * 1000
    max_depth: int = 24
    """Nesting of the whole draft, unknown keys included (a track's segment's style is depth 5)."""
    max_text: int = 1000
    """Characters of one text segment."""


def _number(value: Any, where: str, *, positive: bool = False, limit: float = 24 * 3600 * 1000) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DraftError(f"{where} must be a number")
    if value != value or value > limit:
        raise DraftError(f"{where} is out of range")
    if value < 0 or (positive and value == 0):
        raise DraftError(f"{where} must be {'positive' if positive else 'non-negative'}")
    return float(value)


def depth(value: Any, limit: int) -> int:
    """Nesting depth of a JSON value, counted iteratively and given up once it passes `limit` (returns limit+1)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def validate(draft: Any, limits: DraftLimits = DraftLimits()) -> JSON:
    """Return `draft` if it can be exported within `limits`; raise DraftError naming the first problem."""
    if not isinstance(draft, dict):
        raise DraftError("draft must be an object")
    if depth(draft, limits.max_depth) > limits.max_depth:
        raise DraftError(f"draft is nested deeper than {limits.max_depth} levels")
    if not draft.get("t") and not draft.get("d"):
        raise DraftError(NOTHING_TO_EXPORT)
    tracks = draft.get("t")
    if not isinstance(tracks, list):
        raise DraftError("draft.t must be an array of tracks")
    if len(tracks) > limits.max_tracks:
        raise DraftError(f"draft has {len(tracks)} tracks; at most {limits.max_tracks}")
    if "d" in draft:
        _number(draft["d"], "draft.d", positive=True, limit=limits.max_duration_ms)
    if "m" in draft and not isinstance(draft["m"], dict):
        raise DraftError("draft.m must be an object")
    count = 0
    for i, track in enumerate(tracks):
        where = f"draft.t[{i}]"
        if not isinstance(track, dict):
            raise DraftError(f"{where} must be an object")
        if isinstance(track.get("tt"), bool) or not isinstance(track.get("tt"), int):
            raise DraftError(f"{where}.tt must be an integer track type")
        segments = track.get("sg", [])
        if not isinstance(segments, list):
            raise DraftError(f"{where}.sg must be an array")
        count += len(segments)
        if count > limits.max_segments:
            raise DraftError(f"draft has more than {limits.max_segments} segments")
        spans = []
        for j, seg in enumerate(segments):
            _segment(seg, f"{where}.sg[{j}]", track["tt"], limits)
            spans.append((start_ms(seg), end_ms(seg), j))
        spans.sort()
        for (_, end, a), (start, _, b) in itertools.pairwise(spans):
            if start < end:
                raise DraftError(f"{where}.sg[{a}] and sg[{b}] overlap; put overlapping clips on separate tracks")
    if count == 0:
        raise DraftError(NOTHING_TO_EXPORT)
    if duration_ms(draft) > limits.max_duration_ms:
        raise DraftError(f"draft lasts more than {limits.max_duration_ms // 1000} s")
    return draft


def _segment(seg: Any, where: str, tt: int, limits: DraftLimits) -> None:
    if not isinstance(seg, dict):
        raise DraftError(f"{where} must be an object")
    _number(seg.get("st", 0), f"{where}.st", limit=limits.max_duration_ms)
    _number(seg.get("so", 0), f"{where}.so")
    if "d" not in seg:
        raise DraftError(f"{where}.d (duration in ms) is required")
    _number(seg["d"], f"{where}.d", positive=True, limit=limits.max_duration_ms)
    if "v" in seg and _number(seg["v"], f"{where}.v") > 1:
        raise DraftError(f"{where}.v is a volume between 0 and 1")
    for key in ("fi", "fo"):
        if key in seg:
            _number(seg[key], f"{where}.{key}")
    if tt == TEXT:
        if not isinstance(seg.get("tx", ""), str):
            raise DraftError(f"{where}.tx must be a string")
        if len(seg.get("tx", "")) > limits.max_text:
            raise DraftError(f"{where}.tx is longer than {limits.max_text} characters")
    if "src" in seg and not isinstance(seg["src"], str):
        raise DraftError(f"{where}.src must be a string")
    if "sty" in seg and not isinstance(seg["sty"], dict):
        raise DraftError(f"{where}.sty must be an object")


# -- reading ------------------------------------------------------------------------------------------------------


def _num(value: Any, default: float = 0.0) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def start_ms(seg: JSON) -> float:
    return _num(seg.get("st"))


def length_ms(seg: JSON) -> float:
    return _num(seg.get("d"))


def end_ms(seg: JSON) -> float:
    return start_ms(seg) + length_ms(seg)


def volume(seg: JSON) -> float:
    return _num(seg.get("v"), 1.0)


def tracks(draft: JSON | None, tt: int | None = None) -> list[JSON]:
    """The draft's tracks (of type `tt`), skipping anything that is not an object."""
    found = obj(draft).get("t")
    if not isinstance(found, list):
        return []
    return [t for t in found if isinstance(t, dict) and (tt is None or t.get("tt") == tt)]


def segments(draft: JSON | None, tt: int | None = None) -> Iterator[tuple[JSON, JSON]]:
    """(track, segment) pairs, in track order."""
    for track in tracks(draft, tt):
        sg = track.get("sg")
        for seg in sg if isinstance(sg, list) else []:
            if isinstance(seg, dict):
                yield track, seg


def is_title(seg: JSON) -> bool:
    """Whether a text segment is the draft's title (rather than other text on screen)."""
    return bool(obj(seg.get("m")).get("title"))


def has(draft: JSON | None, tt: int) -> bool:
    """Whether a track of type `tt` has at least one segment."""
    return next(segments(draft, tt), None) is not None


def duration_ms(draft: JSON | None) -> float:
    """`d` if given, else the end of the last segment."""
    d = obj(draft).get("d")
    if isinstance(d, int | float) and not isinstance(d, bool) and d > 0:
        return float(d)
    return max((end_ms(seg) for _, seg in segments(draft)), default=0.0)


def video_length_ms(draft: JSON | None) -> float:
    """End of the last video segment, else the draft's duration."""
    return max((end_ms(seg) for _, seg in segments(draft, VIDEO)), default=0.0) or duration_ms(draft)


def first_src(draft: JSON | None, tt: int = VIDEO) -> str | None:
    """`src` of the first segment of a `tt` track."""
    for _, seg in segments(draft, tt):
        src = seg.get("src")
        if isinstance(src, str):
            return src
    return None


def output_size(draft: JSON | None, max_short: int = 1080, max_long: int = 1920) -> tuple[int, int]:
    """Even width/height from draft.m (else 1920x1080), scaled down to fit `max_short` x `max_long`."""
    meta = obj(obj(draft).get("m"))
    w, h = meta.get("width", 1920), meta.get("height", 1080)
    if not all(isinstance(x, int) and not isinstance(x, bool) and 16 <= x <= 16384 for x in (w, h)):
        w, h = 1920, 1080
    scale = min(1.0, max_short / min(w, h), max_long / max(w, h))
    return max(16, int(w * scale) // 2 * 2), max(16, int(h * scale) // 2 * 2)


def _secs(ms: float) -> str:
    return f"{round(ms / 1000, 2):g}"


def _describe(tt: Any, seg: JSON) -> str:
    span = f"{_secs(start_ms(seg))}-{_secs(end_ms(seg))}s"
    meta = obj(seg.get("m"))
    if tt == TEXT:
        return f'"{seg.get("tx", "")}" ({span})'
    if tt == AUDIO:
        details = [span, f"{round(volume(seg) * 100)}%"]
        fades = [name for name, key in (("in", "fi"), ("out", "fo")) if _num(seg.get(key)) > 0]
        if fades:
            details.append("fade " + "/".join(fades))
        return f"{meta.get('name', 'Audio')} ({', '.join(details)})"
    return f"{meta.get('name', 'clip')} ({span})"


def lines(draft: JSON | None) -> list[str]:
    """One line per track, as the skill reports them: '1. Video: city (0-10s)', '2. BGM: Lo-fi (0-10s, 35%)'."""
    out = []
    for i, track in enumerate(tracks(draft), 1):
        tt = track.get("tt")
        kind = obj(track.get("m")).get("name") or (TRACK_LABELS.get(tt) if isinstance(tt, int) else None)
        kind = kind or f"Track type {tt}"
        segs = [_describe(tt, s) for s in track.get("sg") or [] if isinstance(s, dict)]
        out.append(f"{i}. {kind}: {', '.join(segs) if segs else '(empty)'}")
    return out


def summary(draft: JSON | None) -> str:
    """The timeline in one line, 'Timeline (3 tracks): 1. Video: … 2. BGM: … 3. Title: …', or that it is empty."""
    found = lines(draft)
    if not found:
        return "Timeline is empty."
    return f"Timeline ({len(found)} track{'s' if len(found) != 1 else ''}): " + " ".join(found)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Human-readable changes between two session states (tracks, uploads, canvas): how a silent turn is reported."""
    changes = []
    old = {line.split(". ", 1)[1] for line in lines(obj(before.get("draft")))}
    new = {line.split(". ", 1)[1] for line in lines(obj(after.get("draft")))}
    changes += [f"added {line}" for line in sorted(new - old)]
    changes += [f"removed {line}" for line in sorted(old - new)]
    canvas = obj(after.get("canvas_config"))
    if before.get("canvas_config") != after.get("canvas_config") and canvas:
        changes.append(f"canvas is now {canvas.get('ratio', canvas)}")
    added = len(after.get("video_infos") or []) - len(before.get("video_infos") or [])
    if added > 0:
        changes.append(f"{added} new asset{'s' if added > 1 else ''}")
    if not changes and before.get("draft") != after.get("draft"):
        changes.append("draft changed")
    return changes


# -- editing ------------------------------------------------------------------------------------------------------


class Draft:
    """An editable copy of a draft. Edits keep unknown keys and unknown track types; `finish()` returns the data."""

    def __init__(self, data: JSON | None = None) -> None:
        self.data: JSON = copy.deepcopy(data) if isinstance(data, dict) else {}
        if not isinstance(self.data.get("t"), list):
            self.data["t"] = []
        if not isinstance(self.data.get("m"), dict):
            self.data["m"] = {"title": "Untitled", "width": 1920, "height": 1080, "fps": 30}

    @property
    def tracks(self) -> list[JSON]:
        t: list[JSON] = self.data["t"]
        return t

    def of(self, tt: int) -> list[JSON]:
        return tracks(self.data, tt)

    def segments(self, tt: int | None = None) -> list[JSON]:
        return [seg for _, seg in segments(self.data, tt)]

    def _drop(self, tt: int) -> None:
        self.data["t"] = [t for t in self.tracks if not (isinstance(t, dict) and t.get("tt") == tt)]

    def set_video(self, src: str, length: int, *, name: str, offset: int = 0) -> JSON:
        """One video track holding one clip, replacing any earlier video track; the draft takes the clip's name."""
        self._drop(VIDEO)
        seg = {"st": 0, "d": max(1, int(length)), "so": int(offset), "src": src, "m": {"name": name}}
        self.tracks.insert(0, {"tt": VIDEO, "m": {"name": "Video"}, "sg": [seg]})
        self.data["m"]["title"] = name[:60]
        return seg

    def set_bgm(
        self, src: str, *, label: str, mood: str, vol: float, start: int, length: int, fade_in: int = 0,
        fade_out: int = 0,
    ) -> JSON:  # fmt: skip
        """One BGM track with one segment, replacing any earlier BGM."""
        self._drop(AUDIO)
        seg: JSON = {"st": int(start), "d": max(1, int(length)), "so": 0, "src": src, "v": round(vol, 3)}
        if fade_in:
            seg["fi"] = int(fade_in)
        if fade_out:
            seg["fo"] = int(fade_out)
        seg["m"] = {"name": label, "mood": mood}
        self.tracks.append({"tt": AUDIO, "m": {"name": "BGM"}, "sg": [seg]})
        return seg

    def set_audio(self, *, vol: float | None = None, fade_in: int | None = None, fade_out: int | None = None) -> int:
        """Change every BGM segment's volume and fades; the number of segments changed."""
        changed = 0
        for seg in self.segments(AUDIO):
            if vol is not None:
                seg["v"] = round(max(0.0, min(1.0, vol)), 3)
            for key, value in (("fi", fade_in), ("fo", fade_out)):
                if value is not None:
                    seg[key] = int(min(value, length_ms(seg)))
            changed += 1
        return changed

    def retime(self, tt: int, start: int, length: int) -> int:
        """Move and resize every segment of the `tt` tracks to [start, start+length); the number changed."""
        changed = 0
        for seg in self.segments(tt):
            seg["st"], seg["d"] = int(start), max(1, int(length))
            changed += 1
        return changed

    def add_text(self, text: str, start: int, end: int, *, title: bool, style: JSON | None = None) -> JSON:
        """A text segment on the first text track it fits on without overlap; a new title replaces the old one."""
        if title:
            for old in self.of(TEXT):
                old["sg"] = [s for s in old.get("sg", []) if not is_title(s)]
        sty = {
            "color": "#FFFFFF",
            "size": 64 if title else 40,
            "pos": "top-center" if title else "bottom-center",
            "fade_in": 500,
            **(style or {}),
        }
        seg = {"st": int(start), "d": max(1, int(end - start)), "tx": text, "sty": sty, "m": {"title": title}}

        def fits(track: JSON) -> bool:
            return all(end_ms(s) <= start or start_ms(s) >= end for s in track.get("sg", []) if isinstance(s, dict))

        track = next((t for t in self.of(TEXT) if fits(t)), None)
        if track is None:
            track = {"tt": TEXT, "m": {"name": "Title" if title else "Text"}, "sg": []}
            self.tracks.append(track)
        track.setdefault("sg", []).append(seg)
        track["sg"].sort(key=start_ms)
        self.data["t"] = [t for t in self.tracks if not (t.get("tt") == TEXT and not t.get("sg"))]
        return seg

    def style_texts(self, style: JSON, *, titles_only: bool = False) -> int:
        """Merge `style` into every text segment's (or every title's) `sty`; the number changed."""
        changed = 0
        for seg in self.segments(TEXT):
            if titles_only and not is_title(seg):
                continue
            seg["sty"] = {**obj(seg.get("sty")), **style}
            changed += 1
        return changed

    def edit_texts(self, *, titles_only: bool, span: tuple[int, int] | None = None, text: str | None = None) -> int:
        """Move every title (or text segment) to `span` and/or give it new words, keeping its style; the number
        changed."""
        changed = 0
        for seg in self.segments(TEXT):
            if titles_only and not is_title(seg):
                continue
            if span is not None:
                seg["st"], seg["d"] = int(span[0]), max(1, int(span[1] - span[0]))
            if text is not None:
                seg["tx"] = text
            changed += 1
        for track in self.of(TEXT):
            track["sg"] = sorted(track.get("sg") or [], key=start_ms)
        return changed

    def keep_only(self, kinds: set[str]) -> int:
        """Remove every track but those of `kinds` (video, music, title, text); titles and other text are told
        apart within text tracks. The number of segments removed."""
        removed = 0
        for track in self.tracks:
            tt = track.get("tt") if isinstance(track, dict) else None
            kept = []
            for seg in track.get("sg") or [] if isinstance(track, dict) else []:
                kind = {VIDEO: "video", AUDIO: "music"}.get(tt) if isinstance(tt, int) else None
                kind = kind or (
                    "title" if tt == TEXT and is_title(seg) else "text" if tt == TEXT else "other")  # fmt: skip
                if kind in kinds:
                    kept.append(seg)
                else:
                    removed += 1
            if isinstance(track, dict):
                track["sg"] = kept
        self.data["t"] = [t for t in self.tracks if isinstance(t, dict) and t.get("sg")]
        return removed

    def trim(self, keep_from: int, keep_to: int) -> None:
        """Keep only [keep_from, keep_to) of the timeline, shifted to start at 0."""
        for track in self.tracks:
            if not isinstance(track, dict):
                continue
            kept = []
            for seg in track.get("sg") or []:
                if not isinstance(seg, dict):
                    continue
                st, d = start_ms(seg), length_ms(seg)
                a, b = max(st, keep_from), min(st + d, keep_to)
                if b <= a:
                    continue
                seg = dict(seg, st=int(a - keep_from), d=int(b - a))
                if "so" in seg or track.get("tt") == VIDEO:
                    seg["so"] = int(_num(seg.get("so")) + (a - st))
                for key in ("fi", "fo"):
                    if key in seg:
                        seg[key] = int(min(_num(seg[key]), seg["d"]))
                kept.append(seg)
            track["sg"] = kept

    def remove(self, tt: int | None = None, index: int | None = None) -> int:
        """Remove every track of type `tt`, or the track at 0-based `index`; the number removed."""
        before = len(self.tracks)
        if index is not None:
            self.data["t"] = [t for i, t in enumerate(self.tracks) if i != index]
        else:
            self.data["t"] = [t for t in self.tracks if not (isinstance(t, dict) and t.get("tt") == tt)]
        return before - len(self.tracks)

    def set_canvas(self, width: int, height: int) -> None:
        self.data["m"].update(width=width, height=height)

    def finish(self) -> JSON:
        """The edited draft, its `d` recomputed from the segments."""
        self.data["d"] = int(max((end_ms(seg) for _, seg in segments(self.data)), default=0))
        return self.data
