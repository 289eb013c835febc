"""Reading values out of a user's message with the grammar's patterns: durations, the target upload or track, title
text and style, aspect ratio, the message's language and its clauses. (Times, volumes and fades are amounts.py's;
music styles lexicon.py's.)

Every reader takes the normalised message (`normalise`), except where the original case matters (quoted titles).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nemo_emulator.agent import amounts, lexicon
from nemo_emulator.agent import grammar as g
from nemo_protocol.draft import AUDIO, TEXT, VIDEO

_CJK = re.compile(r"[\u4e00-\u9fff]")
_PROTECT = re.compile(
    r"rock\s+and\s+roll|rock\s+n\s+roll|drum\s+and\s+bass|r\s*&\s*b|fade\s+(?:\w+\s+){0,2}in\s+and\s+out|"
    r"between\s+\S+\s+and\s+\S+|black\s+and\s+white|淡入淡出|渐入渐出|(?:in|out)\s+(?:over|for)\s+\d+(?:\.\d+)?\s*\w*"
    r"\s+and\s+(?:in|out)\s+(?:over|for)\s+\d+(?:\.\d+)?"
)


def normalise(message: str) -> str:
    """Lower case, full-width forms folded, emoji kept, runs of spaces collapsed, known misspellings fixed, number
    words as digits ("forty percent" -> "40%")."""
    text = unicodedata.normalize("NFKC", message).lower()
    text = " ".join(text.split())
    text = " ".join(g.TYPOS.get(word, word) for word in text.split(" "))
    text = _FADE_N_OUT.sub("fade in and out", _AD.sub("add ", text))
    return amounts.digits(text)


_AD = re.compile(r"\bad\s+(?=(?:a\s+|an\s+|some\s+|the\s+|my\s+)?"
                 r"(?:captions?|subtitles?|music|titles?|text|songs?|fades?)\b)")
""""ad captions": "add" missing a letter, before something it adds (not "an ad for my shop")."""
_FADE_N_OUT = re.compile(r"\bfade\s+(?:in\s+)?(?:n|'n'|'n|n')\s+out\b")
""""fade n out", "fade in n out": in and out."""


def language(message: str, session_language: str | None) -> str:
    """`en`, `zh`, or `other`: the session's language if it has one, else the message's own."""
    chosen = (session_language or "").strip().lower()
    if chosen:
        if chosen.startswith("zh"):
            return "zh"
        return "en" if chosen.startswith("en") else "other"
    if _CJK.search(message):
        return "zh"
    own = g.QUOTED.sub(" ", re.sub(r"[\w.-]+\.(?:mp4|mov|m4v|webm|avi|mkv|mp3|wav)\b", " ", message.lower()))
    return "other" if g.UNSUPPORTED_LANGUAGE.search(own) else "en"  # quoted words and file names are not the message's


def clauses(m: str) -> list[str]:
    """The message cut where it asks for the next thing ("add jazz and a title 'X'"), quotes and names kept whole."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\0{len(kept) - 1}\0"

    shielded = _PROTECT.sub(keep, g.QUOTED.sub(keep, m))
    parts = [p for p in g.SPLIT.split(shielded) if p and p.strip()]
    return [re.sub(r"\0(\d+)\0", lambda x: kept[int(x.group(1))], p).strip() for p in parts] or [m]


def duration(m: str) -> float | None:
    """Seconds: "8 seconds", "8s", "8秒", "1 minute", "half a minute" (number words are digits by now)."""
    if d := g.DURATION.search(m):
        return float(d.group(1)) if d.group(1) else float(d.group(2)) * 60
    for words, value in g.NUMBER_WORDS.items():
        if re.search(rf"\b{words}\b", m):
            return value
    return None

PLATFORM = re.compile(r"spotify|youtube|youtu\.be|soundcloud|apple\s+music|网易云|qq音乐")
"""A music service named instead of a song ("a song from youtube")."""


def song(m: str) -> tuple[str, str] | None:
    """(what was named, the style offered instead) for a copyrighted song or artist."""
    for name, style in g.ARTIST_STYLE.items():
        if name in m:
            return name, style
    if q := g.QUOTED.search(m):
        return (q.group(1) or q.group(2)).strip(), lexicon.read(m).style or "upbeat"
    if by := re.search(r"\b(?:use|play|add|put)\s+(?:the\s+song\s+)?(.{2,40}?)\s+by\s+(\w[\w ]{1,30})", m):
        return f"{by.group(1)} by {by.group(2)}", lexicon.read(m).style or "upbeat"
    if url := re.search(r"\S*(?:spotify|youtube|youtu\.be|soundcloud)\S*", m):
        return url.group(0), lexicon.read(m).style or "upbeat"
    if platform := PLATFORM.search(m):
        return platform.group(0), lexicon.read(m).style or "upbeat"
    return None


_MARKER = re.compile(
    r"(?:that\s+says|which\s+says|saying|says|reading|that\s+reads|called|named|with\s+the\s+(?:text|words?|name)"
    r"|with\s+(?:the\s+)?name"
    r"|with\s+text|to\s+say|to\s+read|\bsay|\bread|写着|写|内容是|叫做|叫)\s*[:：]?\s*([a-z0-9\u4e00-\u9fff][^,.!?;，。！？]{0,80})",
    re.IGNORECASE,
)
_NAMED = re.compile(
    r"(?:title|heading|headline|caption|text|subtitle|call\s+it|name\s+it|标题|片名|字幕|文字)\s*(?:is|should\s+be|as|to|of|:|：|为|是"
    r"|改成|改为)"
    r"\s*[:：]?\s*([a-z0-9\u4e00-\u9fff][^,.!?;，。！？]{0,80})|(?:title|caption|subtitle|heading)\s*[:：]\s*(.{1,80})",
    re.IGNORECASE,
)
_TAIL_WORDS = re.compile(
    r"\s+(?:at|in|on|for|from|with|during|between|until|till|near|centered|centred|0|\d+\s*(?:-|to|s\b|sec|seconds?))"
    r"\b.*$|\s*(?:在|放在|用|，).*$"
    r"|\s+and\s+(?:then\s+)?(?:center|centre|move|make|put|place|set|change|turn|add|remove|delete|fade|colou?r|resize"
    r"|align|trim|cut|shorten|raise|lower|shrink|enlarge)\b.*$",  # "…to Pricing and center it": the next request
    re.IGNORECASE,
)
_CANT = re.compile(r"(?:can'?t|cannot|can\s+not|couldn'?t|hard\s+to|difficult\s+to|unable\s+to|barely|hardly"
                   r"|\bi|\byou|\bwe|\bthey|\bpeople|\bviewers)\s*$", re.IGNORECASE)
"""Who reads or says something ("I can't read the title", "you say"): a marker after it names no new words."""
_NOT_TEXT = {"", "the", "a", "an", "it", "please", "bigger", "smaller", "larger", "red", "blue", "white", "gold",
             "yellow", "top", "bottom", "center", "middle", "left", "right", "the top", "the bottom", "the left",
             "the right", "the middle", "the center", "the end", "end", "start"}


_CAPITALISED = re.compile(
    r"\b(?:title|heading|headline|caption)\s+((?:[A-Z0-9][\w'!&-]*)(?:\s+[A-Z0-9][\w'!&-]*){0,6})"
    r"(?=\s*(?:$|[,.!?;]|\s+(?:at|in|on|for|from|with|to|and|across|over)\b))"
)
"""A title typed in capitals straight after the word ("add a title Summer Vibes at the top"); case-sensitive."""
_THE_TEXT = re.compile(
    r"\b(?:add|put|write|type|show|insert|display)\s+(?:the\s+)?(?:text|words?)\s+([a-z0-9][\w'!&-]*(?:\s+[a-z0-9][\w'!&-]*){0,4})"
    r"(?=\s*(?:$|[,.!?;]|\s+(?:at|in|on|for|from|to|across|over|near)\b))", re.IGNORECASE)
"""Words typed in lower case straight after "add the text" ("add the text hello world at the bottom")."""
_THE_TEXT_NOT = re.compile(r"^(?:overlays?|box(?:es)?|bars?|style|size|colou?r|effects?|animations?|fonts?|that|which"
                           r"|saying|says|reading|here|there|again|too|please|bigger|smaller|larger)\b")
"""What follows "add the text" when it says what kind or how, not what it says."""
_KINDS_OF_TITLE = {"card", "cards", "screen", "slide", "overlay", "sequence", "font", "bar", "text", "page"}
"""Words after "title" that say what kind ("a title card"), not what it says."""
_PLACE_NOT_TEXT = re.compile(
    r"^(?:\d+(?:\.\d+)?\s*(?:s|sec|secs|seconds?|秒)\b|\d+(?:\.\d+)?\s*(?:-|–|~|to)\s*\d|\d+:\d{2}"
    r"|(?:the\s+)?(?:end|start|beginning|top|bottom|middle"
    r"|center|centre|left|right|corner)\b)"
)
"""What follows "title to …" when it says where, not what ("move the title to 5 seconds")."""


_STYLE_WORDS = re.compile(
    "|".join(re.escape(w) if not w.isascii() else rf"\b{re.escape(w)}\b"
             for w in sorted([*g.COLORS, *g.POSITIONS, *g.SIZES], key=len, reverse=True))
    + r"|并且|而且|和|又|还|也|一点|一些|点|的|更|放到|放在|移到|挪到|变成|调成|改为|改成|设为|设成|字体|颜色"
    + r"|\band\b|\bin\b|\bat\b|\bthe\b|\bmake\s+it\b|\bmove\s+it\s+to\b|\bput\s+it\b"
)
"""A style said where words might be ("…改成红色并且大一点"): colours, positions, sizes and what joins them."""


def title_text(message: str) -> str | None:
    """The title as typed: the first quoted phrase, else what follows "saying" / "called" / "title:" / "rename the
    title to", without the position, colour or time that follow it ("saying Grand Opening in the middle")."""
    if q := g.QUOTED.search(message):
        return (q.group(1) or q.group(2)).strip() or None
    found = _MARKER.search(message) or _NAMED.search(message) or _THE_TEXT.search(message)
    if found is not None and found.re is _THE_TEXT and _THE_TEXT_NOT.search(found.group(1).lower()):
        found = None  # "add the text overlay in red": what kind and how, not what it says
    if found is None:
        bare = _CAPITALISED.search(message) if not message.isupper() else None
        if bare is None or bare.group(1).lower().split()[0] in _NOT_TEXT | _KINDS_OF_TITLE:
            return None
        if SIZE_NUMBER.fullmatch(bare.group(1).lower()):
            return None  # "make the title 120px": a size
        return bare.group(1)
    if found.re is _MARKER and _CANT.search(message[: found.start()]):
        return None  # "I can't read the title": someone reading, not the words to show
    text = _TAIL_WORDS.sub("", (found.group(1) or found.group(found.lastindex or 1) or "")).strip(" '\"")
    before = message[found.start() : found.start(1)] if found.group(1) else ""
    said_is = re.search(r"\b(?:is|should\s+be)\s*[:：]?\s*$", before)
    if said_is and text.isascii() and not re.search("[A-Z0-9]", text):
        return None  # "the title is hard to read": how it is; new words come capitalised or quoted
    if text.lower() in _NOT_TEXT or not _STYLE_WORDS.sub(" ", text.lower()).strip(" ,、，"):
        return None  # "标题改成红色并且大一点": a colour and a size, not new words
    if (re.fullmatch(r"[\d\s\-–:s秒%]+", text) or SIZE_NUMBER.fullmatch(text.lower())
            or (_PLACE_NOT_TEXT.match(text.lower()) and not re.search("[A-Z]", text))):
        return None  # "…to the top" or "…120px", but not "…to Top Ten"
    if re.match(r"(?:too|so|very|quite|a\s+bit|a\s+little|not|kind\s+of|really|way)\b", text.lower()):
        return None  # "the title is too big": how it is, not what it says
    return text[:80]

def _lookup(m: str, table: dict[str, str] | dict[str, int]) -> object | None:
    for word in sorted(table, key=len, reverse=True):
        pattern = rf"(?<![a-z]){re.escape(word)}(?![a-z])" if word.isascii() else re.escape(word)
        if re.search(pattern, m):
            return table[word]
    return None


_MONOCHROME = re.compile(r"black\s*(?:and|&|n)\s*white|\bb\s*&\s*w\b|黑白")
"""A look, not a colour ("make it black and white"): no text is coloured by it."""


def color(m: str) -> str | None:
    if _MONOCHROME.search(m):
        return None
    if h := re.search(r"#[0-9a-f]{6}\b", m):
        return h.group(0).upper()
    found = _lookup(m, dict(g.COLORS))
    return str(found) if found is not None else None


SIZE_NUMBER = re.compile(r"(\d{1,3})\s*(?:pt|px|号)"
                         r"|(?:\bsize|字号|字体大小)\s*(?:to|of|=|:|at|改成|调到|设为|为)?\s*(\d{1,3})\b(?!\s*(?:%|s\b|sec|second|秒))")
"""A text size as a number ("24pt", "font size 60"): not a time."""


def size(m: str) -> int | None:
    """A text size: "24pt", "big", "huge", "bigger" (80), "smaller" (32), "大一点"."""
    if pt := SIZE_NUMBER.search(m):
        return max(8, min(200, int(pt.group(1) or pt.group(2))))
    found = _lookup(m, dict(g.SIZES))
    return int(found) if isinstance(found, int) else None

_CENTRED = re.compile(r"\b(?:centered|centred|centre|center|in\s+the\s+middle|middle)\b|居中|中间")


def position(m: str, current: str | None = None) -> str | None:
    """Where on screen: "top left", "the bottom", "centered", "底部"; a side alone ("to the left") keeps the row of
    `current` (a title at the top moved left is top-left)."""
    found = _lookup(m, dict(g.POSITIONS))
    side = _lookup(m, dict(g.SIDES))
    row = _lookup(_CENTRED.sub(" ", m), dict(g.POSITIONS)) if found == "center" else None
    if row in ("top-center", "bottom-center"):
        return str(row)  # "centered near the bottom": the middle of that row
    if found in ("top-center", "bottom-center") and side is not None:
        return f"{str(found).split('-')[0]}-{side}"  # "顶部左边", "at the top, on the left"
    if found is not None:
        return str(found)
    if side is None:
        return None
    row = (current or "top-center").split("-")[0]
    return f"{row}-{side}" if row in ("top", "bottom") else f"top-{side}"

def ratio(m: str) -> str | None:
    """ "16:9", "9:16", "1:1", "4:5", "4:3", "3:4", "21:9", named or described ("vertical", "竖屏")."""
    if r := re.search(r"\b(16|9|1|4|3|21)\s*[:/x]\s*(9|16|1|5|4|3)\b", m):
        value = f"{r.group(1)}:{r.group(2)}"
        return value if value in ("16:9", "9:16", "1:1", "4:5", "4:3", "3:4", "21:9") else None
    found = _lookup(_PLATFORM_THING.sub(" ", _SOURCE_SHAPE.sub(" ", m)), dict(g.RATIO_WORDS))
    return str(found) if found is not None else None


_SHAPE = r"(?:vertical|portrait|horizontal|landscape|square|widescreen)"
_SOURCE_SHAPE = re.compile(
    r"\b(?:a|an|my|this|the|our|some)\s+(?:[\w-]+\s+){0,3}?" + _SHAPE + r"\s+(?:[\w-]+\s+){0,2}?"
    r"(?:recordings?|footage|clips?|videos?)\b(?=.*\binto\b)"
    r"|\b(?:i\s+have|i'?ve\s+got|i\s+got|here'?s|here\s+is|i\s+(?:shot|filmed|recorded)|it'?s)\s+(?:a|an|my|this|some)?\s*"
    r"(?:[\w-]+\s+){0,3}?" + _SHAPE + r"\s+(?:[\w-]+\s+){0,2}?(?:recordings?|footage|clips?|videos?)\b")
"""The shape of what the user has, not what they want: "edit a vertical phone recording into …", "I have a
portrait video"."""


_PLATFORM_THING = re.compile(r"\b(?:youtube|tiktok|reels?|shorts|instagram|抖音)\s*"
                             r"(?:intro|outro|end\s*screen|thumbnail|channel|link|url|logo|banner|subscribe|sound|song|music|audio|trend|caption|title|片头|片尾)s?\b")
"""A platform naming something else ("add a youtube intro"), not the shape of the video."""


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
            pattern = rf"(?<![\d\-])(?<!\d\s)\b{word}\s+(?:video|clip|one|upload|file)\b"
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
    r"(?:me\s+)?(?:(?:an|a|one|new|some|another)\b)?\s*(?:\d+(?:\.\d+)?[- ]?(?:s|sec|second|seconds)s?\s+)?(?:long\s+)?"
    r"(?:new\s+)?(?:video|clip|animation|film|timelapse|movie|reel)?\s*(?:of|about|showing|with|featuring)?\s*",
    re.IGNORECASE,
)
_TAIL = re.compile(
    r"\s+(?:with|and|plus|in)\s+(?:\w+\s+){0,3}(?:music|title|bgm|soundtrack|format|ratio)\b.*$|"
    r"\s+(?:and|with)\s+(?:the\s+)?title\b.*$|"
    r"\s+in\s+(?:spanish|french|german|english|italian|portuguese|japanese|korean|chinese|mandarin|arabic|hindi|russian)\b.*$",
    re.IGNORECASE,
)
"""What follows the subject: the music, the title, the format, the language it is spoken in ("…in Spanish": a
video has no words of its own to say it in)."""


def subject(message: str) -> str:
    """What to generate, without the request's verb and its add-ons ("make a video of waves with jazz" -> waves)."""
    text = _TAIL.sub("", _LEAD.sub("", message.strip()))
    text = re.sub(r"^(?:生成|制作|做一个|做个|做一段|创建|来一个)\s*(?:一段|一个|个)?", "", text.strip())
    return (text.strip(" .!,，。") or message.strip())[:300]
