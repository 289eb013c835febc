"""Reading a user's message: the phrases the planner recognises and the values it takes from them.

Messages arrive lower-cased with single spaces (`m`), except where the original case matters (quoted titles).
"""

from __future__ import annotations

import re

from nemo_emulator.media.moods import mood_name
from nemo_protocol.draft import AUDIO, TEXT, VIDEO

QUOTED = re.compile(r"[\"“‘']([^\"”’']{1,200})[\"”’']")
RANGE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds)?\s*(?:-|–|to)\s*(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds)\b"
)
SECONDS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:-\s*)?(?:s|sec|secs|second|seconds)\b")
PERCENT = re.compile(r"(\d{1,3})\s*%")
RATIO = re.compile(r"\b(16\s*:\s*9|9\s*:\s*16|1\s*:\s*1|4\s*:\s*5|4\s*:\s*3)\b")
MUSIC = re.compile(r"\b(music|bgm|soundtrack|song|score|background track|beat)\b")
TEXT_WORD = re.compile(r"\b(title|text|caption|subtitle|overlay|headline)s?\b")
GENERATE = re.compile(r"\b(generate|create|make|produce|render me)\b")
VIDEO_WORD = re.compile(r"\b(video|clip|footage|timelapse|time-lapse|animation|film|movie|reel)s?\b")
REMOVE = re.compile(r"\b(remove|delete|drop|get rid of|take out|no more)\b")
DESCRIBE = re.compile(
    r"\b(show|list|describe|what'?s|what is|display|summari[sz]e)\b.*\b(tracks?|timeline|draft|project)\b"
)
TRACK_N = re.compile(r"\btrack\s*#?\s*(\d+)\b")
UPLOAD = re.compile(r"\b(upload(ed)?|my (video|clip|footage|file)|the (video|clip) i)\b")


def ms(seconds: str) -> int:
    """ "2.5" (seconds, as matched) -> 2500."""
    return int(round(float(seconds) * 1000))


def duration(m: str, *, default: float, cap: float) -> float:
    """The first "N seconds" in the message, between 1 and `cap`."""
    sec = SECONDS.search(m)
    return max(1.0, min(cap, float(sec.group(1)))) if sec else default


def find_mood(text: str) -> str | None:
    for word in re.findall(r"[a-z\-]+", text.lower()):
        if (name := mood_name(word)) is not None:
            return name
    return None


def title_from(message: str) -> str | None:
    """The first quoted phrase, as typed."""
    q = QUOTED.search(message)
    return q.group(1).strip() if q else None


def title_guess(message: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z]+", message) if len(w) > 3 and w.lower() not in _STOP]
    return " ".join(w.capitalize() for w in words[-2:]) or "My Video"


def ratio(m: str) -> str | None:
    """ "16:9", "9:16", "1:1", "4:5" or "4:3", named or described ("vertical", "square", …)."""
    if r := RATIO.search(m):
        return r.group(1).replace(" ", "")
    if re.search(r"\b(vertical|portrait|tiktok|reels?|shorts)\b", m):
        return "9:16"
    if re.search(r"\bsquare\b", m):
        return "1:1"
    if re.search(r"\b(landscape|widescreen|horizontal)\b", m):
        return "16:9"
    return None


def removal_target(m: str) -> tuple[int | None, int | None, str] | None:
    """(track type, track index, how to name it) of what a "remove …" message points at."""
    if n := TRACK_N.search(m):
        return None, int(n.group(1)) - 1, f"track {n.group(1)}"
    if MUSIC.search(m) or re.search(r"\baudio\b", m):
        return AUDIO, None, "the background music"
    if TEXT_WORD.search(m):
        return TEXT, None, "the text"
    if VIDEO_WORD.search(m):
        return VIDEO, None, "the video track"
    return None


_LEAD = re.compile(
    r"^\s*(please\s+)?(can you\s+)?(generate|create|make|produce)\s+(me\s+)?(an?\s+)?"
    r"(\d+(\.\d+)?[- ]?(s|sec|second)s?\s+)?(long\s+)?((video|clip)\s+(of|about|showing|with)\s+)?",
    re.IGNORECASE,
)


def subject(message: str) -> str:
    """What to generate, without the request's leading verb ("generate a 10-second …")."""
    subject = _LEAD.sub("", message.strip()).strip(" .!")
    return (subject or message.strip())[:500]


_STOP = {
    "generate",
    "create",
    "make",
    "video",
    "second",
    "seconds",
    "with",
    "from",
    "that",
    "this",
    "about",
    "please",
    "clip",
    "produce",
    "some",
    "into",
    "long",
    "upload",
    "uploaded",
    "timelapse",
    "music",
}
