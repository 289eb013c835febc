"""Reading values out of a user's message with the grammar's patterns: time ranges, durations, volumes, fades,
the target upload or track, title text and style, aspect ratio, genre, and the message's language.

Every reader takes the normalised message (`normalise`), except where the original case matters (quoted titles).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nemo_emulator.agent import grammar as g
from nemo_protocol.draft import AUDIO, TEXT, VIDEO

_CJK = re.compile(r"[\u4e00-\u9fff]")
_GENRE_FIND = [(re.compile(g._words(*words)), name) for name, words in g.GENRES.items()]
_GENRE_FIND.sort(key=lambda item: -max(len(w) for w in g.GENRES[item[1]]))
_PROTECT = re.compile(
    r"rock\s+and\s+roll|rock\s+n\s+roll|drum\s+and\s+bass|r\s*&\s*b|fade\s+in\s+and\s+out|"
    r"between\s+\S+\s+and\s+\S+|淡入淡出|渐入渐出"
)


def normalise(message: str) -> str:
    """Lower case, full-width forms folded, emoji kept, runs of spaces collapsed, known misspellings fixed."""
    text = unicodedata.normalize("NFKC", message).lower()
    text = " ".join(text.split())
    return " ".join(g.TYPOS.get(word, word) for word in text.split(" "))


def language(message: str, session_language: str | None) -> str:
    """`en`, `zh`, or `other`: the session's language if it has one, else the message's own."""
    chosen = (session_language or "").strip().lower()
    if chosen:
        if chosen.startswith("zh"):
            return "zh"
        return "en" if chosen.startswith("en") else "other"
    if _CJK.search(message):
        return "zh"
    return "other" if g.UNSUPPORTED_LANGUAGE.search(message.lower()) else "en"


def clauses(m: str) -> list[str]:
    """The message cut where it asks for the next thing ("add jazz and a title 'X'"), quotes and names kept whole."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\0{len(kept) - 1}\0"

    shielded = _PROTECT.sub(keep, g.QUOTED.sub(keep, m))
    parts = [p for p in g.SPLIT.split(shielded) if p and p.strip()]
    return [re.sub(r"\0(\d+)\0", lambda x: kept[int(x.group(1))], p).strip() for p in parts] or [m]


def _seconds(clock_m: str | None, clock_s: str | None, plain: str | None) -> float:
    if clock_m is not None and clock_s is not None:
        return int(clock_m) * 60 + int(clock_s)
    return float(plain or 0)


def span(m: str, length_ms: float) -> tuple[int, int] | None:
    """A time range in ms: "0-3s", "from 0:05 to 0:12", "first 4 seconds", "the last 3 s", "前5秒", "后3秒"."""
    if r := g.RANGE.search(m):
        a = _seconds(r.group(1), r.group(2), r.group(3))
        b = _seconds(r.group(4), r.group(5), r.group(6))
        if b > a:
            return int(a * 1000), int(b * 1000)
    if f := g.FIRST_N.search(m):
        return 0, int(float(f.group(1)) * 1000)
    if (last := g.LAST_N.search(m)) and length_ms > 0:
        n = float(last.group(1)) * 1000
        return int(max(0.0, length_ms - n)), int(length_ms)
    return None


def duration(m: str) -> float | None:
    """Seconds: "8 seconds", "8s", "8秒", "1 minute", "half a minute", "ten seconds"."""
    if d := g.DURATION.search(m):
        return float(d.group(1)) if d.group(1) else float(d.group(2)) * 60
    for words, value in g.NUMBER_WORDS.items():
        if "minute" in words and re.search(rf"\b{words}\b", m):
            return value
        unit = r"\s*(?:-|\s)?(?:second|seconds|sec|s\b)" if words.isascii() else r"\s*秒"
        if re.search((rf"\b{words}" if words.isascii() else words) + unit, m):
            return value
    return None


def volume(m: str, current: float | None) -> float | None:
    """0–1: "35%", "half volume", "mute", "full volume", "quiet", or a step from `current` ("louder")."""
    if p := g.PERCENT.search(m):
        return min(100, int(next(x for x in p.groups() if x))) / 100
    if g.MUTE.search(m):
        return 0.0
    if g.HALF.search(m):
        return 0.5
    if g.FULL.search(m):
        return 1.0
    if g.LOUDER.search(m):
        return round(min(1.0, (current if current is not None else 0.8) + 0.2), 2)
    if g.QUIETER.search(m):
        return round(max(0.05, (current if current is not None else 0.8) - 0.2), 2)
    if g.QUIET.search(m):
        return 0.25
    return None


def fades(m: str) -> tuple[int | None, int | None]:
    """(fade in ms, fade out ms), each None where the message says nothing about it."""
    length = g.FADE_LENGTH.search(m)
    ms = int(float(length.group(1) or length.group(2)) * 1000) if length else None
    if g.FADE_BOTH.search(m):
        return ms or 1500, ms or 2000
    fade_in = (ms or 1500) if g.FADE_IN.search(m) else None
    fade_out = (ms or 2000) if g.FADE_OUT.search(m) else None
    if fade_in is None and fade_out is None and re.search(r"\bfades?\b", m):
        return 1500, 2000
    return fade_in, fade_out


def genre(m: str) -> str | None:
    """The genre or mood named: the one right before a word for music ("a cat playing piano with jazz music" is
    jazz), else the first one, longest phrase first ("lo-fi hip hop" is lo-fi, "heavy metal" is metal)."""
    found: list[tuple[int, int, str]] = []
    for pattern, name in _GENRE_FIND:
        for match in pattern.finditer(m):
            if not any(a <= match.start() < b for a, b, _ in found):
                found.append((match.start(), match.end(), name))
    if not found:
        return None
    for _, end, name in sorted(found):
        if g.MUSIC_WORD.match(m, end + (1 if m[end : end + 1] == " " else 0)):
            return name
    return min(found)[2]


def song(m: str) -> tuple[str, str] | None:
    """(what was named, the style offered instead) for a copyrighted song or artist."""
    for name, style in g.ARTIST_STYLE.items():
        if name in m:
            return name, style
    if q := g.QUOTED.search(m):
        return (q.group(1) or q.group(2)).strip(), genre(m) or "upbeat"
    if by := re.search(r"\b(?:use|play|add|put)\s+(?:the\s+song\s+)?(.{2,40}?)\s+by\s+(\w[\w ]{1,30})", m):
        return f"{by.group(1)} by {by.group(2)}", genre(m) or "upbeat"
    if url := re.search(r"\S*(?:spotify|youtube|youtu\.be|soundcloud)\S*", m):
        return url.group(0), genre(m) or "upbeat"
    return None


def title_text(message: str) -> str | None:
    """The title as typed: the first quoted phrase, else what follows "title:" / "called" / "saying"."""
    if q := g.QUOTED.search(message):
        return (q.group(1) or q.group(2)).strip() or None
    if after := g.TITLE_AFTER.search(message):
        text = re.split(r"\s+(?:at|in|on|for|from|with|0|\d+\s*-)\b|\s+(?:在|用)", after.group(1))[0].strip(" '\"")
        stop = {"", "the", "a", "an", "red", "blue", "bigger", "smaller", "top", "bottom", "center", "it", "please"}
        if text.lower() not in stop and not re.fullmatch(r"[\d\s\-–:s秒]+", text):
            return text[:80]
    return None


def _lookup(m: str, table: dict[str, str] | dict[str, int]) -> object | None:
    for word in sorted(table, key=len, reverse=True):
        pattern = rf"(?<![a-z]){re.escape(word)}(?![a-z])" if word.isascii() else re.escape(word)
        if re.search(pattern, m):
            return table[word]
    return None


def color(m: str) -> str | None:
    if h := re.search(r"#[0-9a-f]{6}\b", m):
        return h.group(0).upper()
    found = _lookup(m, dict(g.COLORS))
    return str(found) if found is not None else None


def size(m: str) -> int | None:
    if pt := re.search(r"(\d{1,3})\s*(?:pt|px|号)", m):
        return max(8, min(200, int(pt.group(1))))
    found = _lookup(m, dict(g.SIZES))
    return int(found) if isinstance(found, int) else None


def position(m: str) -> str | None:
    found = _lookup(m, dict(g.POSITIONS))
    return str(found) if found is not None else None


def ratio(m: str) -> str | None:
    """ "16:9", "9:16", "1:1", "4:5", "4:3", "3:4", "21:9", named or described ("vertical", "竖屏")."""
    if r := re.search(r"\b(16|9|1|4|3|21)\s*[:/x]\s*(9|16|1|5|4|3)\b", m):
        value = f"{r.group(1)}:{r.group(2)}"
        return value if value in ("16:9", "9:16", "1:1", "4:5", "4:3", "3:4", "21:9") else None
    found = _lookup(m, dict(g.RATIO_WORDS))
    return str(found) if found is not None else None


@dataclass(frozen=True, slots=True)
class Target:
    """Which upload a message points at: by position in the session's videos, by file name, or "the other one"."""

    index: int | None = None
    named: str | None = None
    other: bool = False


def target(m: str) -> Target | None:
    """The upload named by position ("the second video", "video 2", "第二个视频"), file name, or "the other video"."""
    if f := g.FILENAME.search(m):
        return Target(named=f.group(1))
    if n := g.VIDEO_N.search(m):
        return Target(int(n.group(1)) - 1)
    if re.search(r"\bother\s+(?:video|clip|one)\b|另一个", m):
        return Target(other=True)
    for word, index in g.ORDINALS.items():
        if word.isascii():  # "the second video", not "a 5-second video"
            pattern = rf"(?<![\d\-])\b{word}\s+(?:video|clip|one|upload|file)\b"
        else:
            pattern = rf"{word}\s*个?(?:视频|片)"
        if re.search(pattern, m):
            return Target(index)
    return None


def target_kind(m: str) -> tuple[int | None, int | None, str] | None:
    """(track type, track index, what it is) of what a "remove …" message points at."""
    if n := g.TRACK_N.search(m):
        number = int(n.group(1) or n.group(2))
        return None, number - 1, f"track {number}"
    if g.MUSIC_WORD.search(m) or re.search(r"\baudio\b|声音", m):
        return AUDIO, None, "music"
    if g.TITLE_WORD.search(m):
        return TEXT, None, "title"
    if g.TEXT_WORD.search(m):
        return TEXT, None, "text"
    if g.VIDEO_WORD.search(m):
        return VIDEO, None, "video"
    return None


_LEAD = re.compile(
    r"^\s*(?:please\s+)?(?:can you\s+|could you\s+)?(?:generate|create|make|produce|build|shoot|render me)\s+"
    r"(?:me\s+)?(?:a|an|one|new|some|another)?\s*(?:\d+(?:\.\d+)?[- ]?(?:s|sec|second|seconds)s?\s+)?(?:long\s+)?"
    r"(?:new\s+)?(?:video|clip|animation|film|timelapse|movie|reel)?\s*(?:of|about|showing|with|featuring)?\s*",
    re.IGNORECASE,
)
_TAIL = re.compile(
    r"\s+(?:with|and|plus|in)\s+(?:\w+\s+){0,3}(?:music|title|bgm|soundtrack|format|ratio)\b.*$|"
    r"\s+(?:and|with)\s+(?:the\s+)?title\b.*$",
    re.IGNORECASE,
)


def subject(message: str) -> str:
    """What to generate, without the request's verb and its add-ons ("make a video of waves with jazz" -> waves)."""
    text = _TAIL.sub("", _LEAD.sub("", message.strip()))
    text = re.sub(r"^(?:生成|制作|做一个|做个|做一段|创建|来一个)\s*(?:一段|一个|个)?", "", text.strip())
    return (text.strip(" .!,，。") or message.strip())[:300]
