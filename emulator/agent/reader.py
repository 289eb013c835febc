"""Reading a message: what it asks for, as a Request of intents and slots, from the grammar (grammar.py) and the
slot readers (slots.py). Nothing here looks at what the session can do; the planner (planner.py) does that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nemo_emulator.agent import grammar as g
from nemo_emulator.agent import slots
from nemo_protocol import draft as drafts
from nemo_protocol.wire import JSON

_BY_NAME = {intent.name: intent for intent in g.INTENTS}
_EDITS = ("remove", "generate", "target", "trim", "ratio", "music_change", "volume", "fade", "music", "title", "text")
_ANSWERS = ("out_of_scope", "greeting", "help", "describe", "export", "ambiguous")
_UPLOAD_WORDS = re.compile(
    r"\b(?:upload(?:ed)?|my\s+(?:video|clip|footage|file)|the\s+(?:video|clip)\s+i\b)|我上传的|我的视频"
)
_THANKS = re.compile(r"^\W*(?:thanks|thank you|thx|ty|great|cool|nice|perfect|awesome|ok|okay|谢谢|好的|太棒了)\W*$")
_ADD_VERB = re.compile(
    g._words(
        "add",
        "put",
        "give",
        "insert",
        "include",
        "throw in",
        "need",
        "want",
        "use",
        "i'd like",
        "generate",
        "create",
        "produce",
        "compose",
        "加",
        "添加",
        "加入",
        "来点",
        "来一段",
        "配",
        "生成",
    )
)
_JUST_MUSIC = re.compile(r"^\W*(?:some\s+|a\s+|the\s+)?" + g.MUSIC + r"(?:\s+please)?\W*$")
_CUT_FROM = re.compile(r"(?:cut|remove|drop|delete|trim|lose|skip|剪掉|去掉|删掉)\s*(?:off\s+|out\s+)?(?:the\s+)?")


@dataclass
class Request:
    """What one message asks for."""

    intents: list[str] = field(default_factory=list)
    generate: JSON | None = None
    target: slots.Target | None = None
    trim: tuple[int, int] | None = None
    trim_to: float | None = None
    cut_first: float | None = None
    cut_last: float | None = None
    ratio: str | None = None
    music: JSON | None = None
    volume_words: str | None = None
    fades: tuple[int | None, int | None] = (None, None)
    music_span: tuple[int, int] | None = None
    title: JSON | None = None
    removals: list[tuple[int | None, int | None, str]] = field(default_factory=list)
    unclear_removal: bool = False

    @property
    def edits(self) -> bool:
        return bool(self.intents)


def understand(message: str, state: JSON) -> tuple[str | None, Request]:
    """(the text-only intent, if the message is one) and the Request of everything it asks to change."""
    m = slots.normalise(message)
    if _BY_NAME["song"].pattern.search(m):
        return "song", Request()
    request = Request()
    length = drafts.video_length_ms(state.get("draft")) or upload_length(state)
    for clause in slots.clauses(m):
        _read_clause(clause, message, length, request)
    if request.edits or request.unclear_removal:
        return None, request
    for name in _ANSWERS:
        if _BY_NAME[name].pattern.search(m):
            return name, request
    return ("thanks" if _THANKS.search(m) else "unclear"), request


def _read_clause(c: str, original: str, length: float, req: Request) -> None:
    hits = {name for name in _EDITS if _BY_NAME[name].pattern.search(c)}
    music_word = bool(g.MUSIC_WORD.search(c))
    texty = bool(hits & {"title", "text"})
    if "remove" in hits and not texty and not music_word and (g.FIRST_N.search(c) or g.LAST_N.search(c)):
        hits = {"trim"}
    if "remove" in hits:
        kind = slots.target_kind(c)
        if kind is None:
            req.unclear_removal = True
        else:
            req.removals.append(kind)
            req.intents.append("remove")
        return
    if "generate" in hits and not (hits & {"trim"} and not slots.subject(c)):
        req.intents.append("generate")
        req.generate = {
            "subject": slots.subject(c),
            "duration": slots.duration(c),
            "from_upload": bool(_UPLOAD_WORDS.search(c)),
        }
        hits -= {"generate", "trim", "text"}
    if (found := slots.target(c)) is not None:
        req.target = found
        req.intents.append("target")
    hits.discard("target")
    span = slots.span(c, length)
    if texty:
        text_kind = "title" if "title" in hits or "text" not in hits else "text"
        req.title = {
            "kind": text_kind if req.title is None else req.title["kind"],
            "text": slots.title_text(_original_clause(original, c)) or (req.title or {}).get("text"),
            "color": slots.color(c),
            "size": slots.size(c),
            "pos": slots.position(c),
            "span": span,
        }
        req.intents.append(text_kind)
        return
    genre = slots.genre(c)
    adjusting = bool(hits & {"volume", "fade"}) or (music_word and span is not None)
    adding = genre is not None or _ADD_VERB.search(c) is not None or _JUST_MUSIC.search(c) is not None
    if "music_change" in hits or (
        "music" in hits and adding and not (adjusting and genre is None and not _ADD_VERB.search(c))
    ):
        if genre is not None or music_word:
            change = "music_change" in hits
            req.music = {"genre": genre or (req.music or {}).get("genre"), "change": change}
            req.intents.append("music_change" if change else "music")
            if span is not None:
                req.music_span = span
    elif genre is not None and req.generate is not None:
        req.generate.setdefault("genre", genre)
    if req.generate is not None and genre is not None:
        req.generate["genre"] = genre
    if "volume" in hits and slots.volume(c, 0.8) is not None:
        req.volume_words = c
        req.intents.append("volume")
    if "fade" in hits:
        req.fades = slots.fades(c)
        req.intents.append("fade")
    if music_word and span is not None and req.music is None:
        req.music_span = span
        req.intents.append("music_span")
        return
    if "ratio" in hits and (ratio := slots.ratio(c)) is not None:
        req.ratio = ratio
        req.intents.append("ratio")
    if "trim" in hits and not music_word:
        _read_trim(c, length, span, req)


def _read_trim(c: str, length: float, span: tuple[int, int] | None, req: Request) -> None:
    cut = _CUT_FROM.search(c)
    first, last = g.FIRST_N.search(c), g.LAST_N.search(c)
    if cut and first and not re.search(r"only|just|keep|只", c):
        req.cut_first = float(first.group(1))
    elif cut and last and not re.search(r"only|just|keep|只", c):
        req.cut_last = float(last.group(1))
    elif span is not None:
        req.trim = span
    elif (seconds := slots.duration(c)) is not None:
        req.trim_to = seconds
    else:
        return
    req.intents.append("trim")


def _original_clause(original: str, normalised_clause: str) -> str:
    """The clause as the user typed it (case kept), for titles; the whole message when it cannot be found."""
    words = normalised_clause.split()
    if not words:
        return original
    start = original.lower().find(words[0])
    return original[start:] if start >= 0 else original




def videos(state: JSON) -> list[JSON]:
    """The session's uploaded videos, then its images (what the agent can put on the video track)."""
    infos = [v for v in state.get("video_infos") or [] if isinstance(v, dict)]
    return [v for v in infos if v.get("file_type") == "video"] + [v for v in infos if v.get("file_type") == "image"]


def upload_length(state: JSON) -> float:
    found = videos(state)
    return float(found[-1].get("duration") or 0) * 1000 if len(found) == 1 else 0.0
