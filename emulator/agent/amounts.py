"""Amounts in a message: numbers written as words (English and Chinese), when something happens on the timeline
(a time scope), how loud the music should be (absolute, relative, in words), and how long its fades are.

The readers take the normalised clause (slots.normalise), in which number words are already digits and "percent"
is "%".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# -- numbers as words ---------------------------------------------------------------------------------------------

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNIT_AFTER = r"(?=\s*(?:%|percent|per\s+cent|pct|seconds?|secs?|s\b|minutes?|mins?\b))"
_COMPOUND = re.compile(rf"\b({'|'.join(_TENS)})(?:[\s-]+({'|'.join(_UNITS)}))?\b")
_HUNDRED = re.compile(r"\b(?:a|one)\s+hundred\b")
_SINGLE = re.compile(rf"\b({'|'.join(_UNITS)}){_UNIT_AFTER}")
_PERCENT = re.compile(r"\s*(?:percent|per\s+cent|pct)\b")
_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_NUMBER = re.compile(r"[零一二两三四五六七八九十百]+")


def _zh(text: str) -> int | None:
    """A Chinese numeral up to 999 ("三十五" 35, "十" 10, "一百" 100)."""
    total, current = 0, 0
    for ch in text:
        if ch in _ZH_DIGITS:
            current = _ZH_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


_HOURS_CLOCK = re.compile(r"(?<![\d:])(\d{1,2}):([0-5]\d):([0-5]\d)(?:\.\d+)?(?![\d:])")
"""A time with hours ("00:01:15"): written as seconds ("75s"), which every time pattern reads."""


_MINUTES_SECONDS = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:minutes?|mins?)\b(?:\s*(?:and\s+)?(\d+(?:\.\d+)?)\s*"
                              r"(?:seconds?|secs?|s)\b)?")
"""Minutes, with any seconds after them, as seconds ("1 minute" -> "60s", "2 minutes and 30 seconds" -> "150s")."""
_MARK = re.compile(r"\bthe\s+(\d+(?:\.\d+)?\s*-?\s*(?:s|secs?|seconds?)|\d{1,2}:\d{2})\s+mark\b")
"""A point named as a mark on the timeline ("the 10 second mark", "the 0:30 mark")."""


def digits(text: str) -> str:
    """Number words as digits where they are amounts ("forty percent" -> "40%", "twenty-five seconds" -> "25
    seconds", "百分之三十" -> "30%", "五秒" -> "5秒"); "percent" as "%"."""
    text = _HUNDRED.sub("100", text)
    text = _COMPOUND.sub(lambda m: str(_TENS[m.group(1)] + (_UNITS[m.group(2)] if m.group(2) else 0)), text)
    text = _SINGLE.sub(lambda m: str(_UNITS[m.group(1)]), text)
    text = _PERCENT.sub("%", text)
    text = re.sub(r"\b(first|last|final|opening)\s+second\b", r"\1 1 second", text)  # "the first second"
    text = re.sub(r"\bhalf\s+a\s+second\b", "0.5 seconds", text)
    text = _MINUTES_SECONDS.sub(lambda m: f"{float(m.group(1)) * 60 + float(m.group(2) or 0):g}s", text)
    text = _MARK.sub(r"\1", text)  # "at the 10 second mark" -> "at 10s"
    text = _HOURS_CLOCK.sub(lambda m: f"{int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))}s", text)

    def zh_percent(m: re.Match[str]) -> str:
        value = _zh(m.group(1)) if not m.group(1).isdigit() else int(m.group(1))
        return f"{value}%" if value is not None else m.group(0)

    text = re.sub(r"百分之\s*([零一二两三四五六七八九十百]+|\d+)", zh_percent, text)

    def zh_amount(m: re.Match[str]) -> str:
        if m.group(0) in ("一", "二"):  # alone, mostly "一下" or "第一": not an amount
            return m.group(0)
        value = _zh(m.group(0))
        return str(value) if value is not None else m.group(0)

    text = re.sub(r"(音量\s*(?:调到|调成|设为|设置为|改成|改为|到|为)?\s*)([零一二两三四五六七八九十百]+)(?!半)",
                  lambda m: m.group(1) + str(_zh(m.group(2)) if _zh(m.group(2)) is not None else m.group(2)), text)
    return re.sub(r"[零一二两三四五六七八九十百]+(?=\s*(?:秒|分钟|%))", zh_amount, text)


# -- when: a time scope -------------------------------------------------------------------------------------------

SECONDS = r"(?:s|sec|secs|second|seconds|秒|秒钟)"
NUMBER = r"(\d+(?:\.\d+)?)(?![\d.])"
TIME = rf"(?:(\d{{1,2}}):(\d{{2}})|{NUMBER}\s*{SECONDS}?)"
"""A point in time: 0:05, 5, 5s, 5 seconds, 5秒 (three groups: minutes, seconds, plain)."""
_RANGE = re.compile(rf"(?:from\s+|between\s+|从\s*|第\s*)?{TIME}\s*(?:-|–|~|to|and|until|till|through|到|至)\s*"
                    rf"(?:第\s*)?{TIME}")  # fmt: skip
FIRST = re.compile(rf"(?:first|opening|initial|beginning|前|开头|最开始|片头|(?<![a-z镜])头)\s*{NUMBER}\s*{SECONDS}")
LAST = re.compile(rf"(?:last|final|closing|ending|后|最后|结尾|末尾)\s*{NUMBER}\s*{SECONDS}")
_FIRST_HALF = re.compile(r"\b(?:first|1st|opening)\s+half\b|前一半|前半段|前半部分|上半段")
_SECOND_HALF = re.compile(r"\b(?:second|2nd|last|latter|back)\s+half\b|后一半|后半段|后半部分|下半段")
_WORDS = r"(?:[a-z']+\s+){0,3}?"
"""Up to three words between a verb and its time ("stop the music at 14 seconds")."""
_START_AT = re.compile(rf"(?:start(?:s|ing)?|begin(?:s|ning)?|kick(?:s)?\s+in|come(?:s)?\s+in)\s+{_WORDS}"
                       rf"(?:at|from|after|around)\s+(?:the\s+)?{TIME}|(?:from|after)\s+(?:the\s+)?{TIME}"
                       rf"|{TIME}\s+in\b(?!\s*to)|(?:从|到)?\s*{TIME}\s*(?:开始|起)")  # fmt: skip
_END_AT = re.compile(rf"(?:until|till|up\s+to|up\s+until)\s+(?:the\s+)?{TIME}|(?:stop(?:s|ping)?|end(?:s|ing)?"
                     rf"|finish(?:es)?|cut(?:s)?|kill(?:s)?|wrap(?:s)?\s+up)\s+{_WORDS}(?:off\s+|out\s+)?"
                     rf"(?:at|by|around)\s+(?:the\s+)?{TIME}|(?<![从调])到\s*{TIME}(?!\s*%)(?:\s*结束)?")  # fmt: skip
_AT = re.compile(rf"\b(?:at|to|around)\s+{TIME}(?!\s*(?:%|x|:|volume|vol\b|percent))")
_AT_END = re.compile(r"\bat\s+the\s+(?:very\s+)?end\b|\bto\s+the\s+end\b|\btowards?\s+the\s+end\b|结尾|最后面|片尾")
_AT_START = re.compile(r"\bat\s+the\s+(?:very\s+)?(?:start|beginning)\b|开头|片头")
VAGUE = re.compile(r"\b(?:part|some|parts|portion|bit)\s+of\s+(?:it|the\s+(?:video|clip))\b|一部分|部分时间")


@dataclass(frozen=True, slots=True)
class Scope:
    """When on the timeline (ms): a full span, or only a start, or only an end, or a named place."""

    span: tuple[int, int] | None = None
    start: int | None = None
    end: int | None = None
    where: str | None = None
    """`end` or `start`: "at the end", "at the beginning" (how long is the target's own business)."""

    def resolve(self, length: float, own: int) -> tuple[int, int] | None:
        """The span for a target `own` ms long on a timeline `length` ms long (an own length of 0: to the end)."""
        if self.span is not None:
            return self.span
        total = int(length)
        if self.start is not None:
            return self.start, (self.start + own if own else total)
        if self.end is not None:
            return (max(0, self.end - own) if own else 0), self.end
        if self.where == "end" and own:
            return max(0, total - own), total
        if self.where == "start" and own:
            return 0, min(own, total) if total else own
        return None


def point(groups: tuple[str | None, ...]) -> float:
    """Seconds from the three groups of TIME (minutes, seconds, plain)."""
    minutes, secs, plain = groups
    if minutes is not None and secs is not None:
        return int(minutes) * 60 + int(secs)
    return float(plain or 0)


def scope(c: str, length_ms: float) -> Scope | None:
    """When a clause puts something: "0-3s", "from 0:05 to 0:12", "first 4 seconds", "the last 3 s", "the second
    half", "start at 5s", "until 10 s", "8 seconds in", "at the end", "前5秒", "后半段", "从5秒开始"."""
    if r := _RANGE.search(c):
        a, b = point(r.groups()[0:3]), point(r.groups()[3:6])
        if b > a:
            return Scope(span=(int(a * 1000), int(b * 1000)))
    if f := FIRST.search(c):
        return Scope(span=(0, int(float(f.group(1)) * 1000)))
    if (last := LAST.search(c)) and length_ms > 0:
        n = float(last.group(1)) * 1000
        return Scope(span=(int(max(0.0, length_ms - n)), int(length_ms)))
    if length_ms > 0 and _FIRST_HALF.search(c):
        return Scope(span=(0, int(length_ms / 2)))
    if length_ms > 0 and _SECOND_HALF.search(c):
        return Scope(span=(int(length_ms / 2), int(length_ms)))
    if s := _START_AT.search(c):
        groups = next(g for g in (s.groups()[i : i + 3] for i in range(0, len(s.groups()), 3)) if any(g))
        return Scope(start=int(point(groups) * 1000))
    if e := _END_AT.search(c):
        groups = next(g for g in (e.groups()[i : i + 3] for i in range(0, len(e.groups()), 3)) if any(g))
        return Scope(end=int(point(groups) * 1000))
    if _AT_END.search(c):
        return Scope(where="end")
    if _AT_START.search(c):
        return Scope(where="start")
    if at := _AT.search(c):
        return Scope(start=int(point(at.groups()) * 1000))
    return None


# -- how loud -----------------------------------------------------------------------------------------------------

_BY_PERCENT = re.compile(r"\b(?:by|plus|minus)\s+(\d{1,3}(?:\.\d+)?)\s*%|[+]\s*(\d{1,3})\s*%"
                         r"|(?:调低|降低|减小|调小|调高|提高|加大|调大|增加|减少)\s*(\d{1,3})\s*%")
"""A change by an amount ("lower the volume by 20%", "plus 10%", "调低20%")."""
_BY_UP = re.compile(r"\b(?:up|plus|higher|more)\b|\+\s*\d|增加")
_BY_DOWN = re.compile(r"\b(?:down|minus|drop|cut|less)\b|减少")
"""The direction of a change by an amount, beside the words of _UP and _DOWN ("bring it up by 10%")."""
_DB = re.compile(r"(?<![\w.])([+-]?\d{1,2}(?:\.\d+)?)\s*(?:db|decibels?)\b")
"""Decibels: a change by them multiplies the level ("up 3 dB" is about 1.41 times as loud); a level of 0 dB or less
is a share of full volume ("-6 dB" is about 50%)."""
_TIMES = re.compile(r"(\d+(?:\.\d+)?)\s*(?:倍|x\b|times\b)(?!\s*(?:speed|faster|slower))")
_HALVED = re.compile(r"(?:小|低|减小|减少|降低|调低|调小)了?\s*一半|减半")
"""A level changed by a factor ("声音大一点 1.3 倍", "volume up 1.5x", "声音小一半"), not set to one."""
_LOUDNESS_WORD = re.compile(r"\bvolume\b|\bloud|音量|声音")
_ABS_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%")
_VOLUME_N = re.compile(r"(?:volume|level|音量)\s*(?:to|at|of|is|=|调到|设为|设置为|改成|为)?\s*(\d{1,3})(?![\d.:s秒])")
_SCALE = re.compile(r"^(?:[1-9]|10)$")
"""A level from 1 to 10 without a percent sign ("volume 8"): 8% or 80% (a ten-step scale)? Asked, not guessed."""
_VOLUME_DECIMAL = re.compile(r"\b(0?\.\d+|1\.0)\s*(?:volume|vol)\b|\bvolume\s*(?:to|at|of)?\s*(0?\.\d+|1\.0)\b")
_HALF = re.compile(r"\bhalf\s+(?:the\s+)?volume\b|\b(?:to|at|by)\s+half\b|(?<!前)(?<!后)一半")
_TO_HALF = re.compile(r"\bto\s+half\b")
"""Half as a level ("turn it down to half"), read before a step up or down; "by half" stays a step."""
_QUARTER = re.compile(r"\b(?:a|one)\s+quarter\b|\bquarter\s+volume\b")
_THREE_QUARTERS = re.compile(r"\bthree[\s-]+quarters?\b")
_FULL = re.compile(r"\b(?:full|max|maximum|loudest|highest|100%)\s+volume\b"
                   r"|\bvolume\s+(?:to\s+)?(?:the\s+)?(?:max|maximum)\b|\bas\s+loud\s+as\s+possible\b|最大音量|最大声")
_AS_LOUD = re.compile(r"\b(half|twice|double)\s+as\s+(?:loud|quiet|high)\b")
_MUTE = re.compile(r"\bmute\b|\bsilent\b|\bsilence\s+the\b|静音|\bturn\s+off\s+(?:the\s+)?(?:\w+\s+)?sound\b"
                   r"|\bno\s+(?:\w+\s+)?sound\b|关闭[^，。,]{0,6}?声音|不要[^，。,]{0,6}?声音|把?声音关(?:掉|了|闭)")
_UNMUTE = re.compile(r"\b(?:unmute|un-mute)|\bturn\s+(?:the\s+)?(?:\w+\s+)?sound\s+(?:back\s+)?on\b"
                     r"|取消静音|解除静音|打开声音|开启声音")
"""Heard again ("unmute", "取消静音"): read before "mute", which it contains."""
_THE = r"(?:the\s+|my\s+|his\s+|her\s+|their\s+|our\s+|what\s+(?:the\s+)?)?"
_VOICE = (r"(?:vo|voiceover|voice-over|voices?|narration|narrator|speech|dialogue|dialog|speakers?|host|presenter"
          r"|talking|speaking|words|interview|person\s+talking|people\s+talking)\b")
"""What the music can drown: someone speaking ("I can't hear the host"), turned down for, never up."""
_NOT_VOICE = r"(?!\s+" + _THE + _VOICE + ")"
_VOICE_ZH = r"(?:说话|人声|旁白|解说|讲话|台词|对白|主持人|讲解|配音)"
_DROWNS = (r"\b(?:(?:takes?|taking)\s+away\s+from|(?:fights?|fighting|compet(?:es|ing))\s+with|drown(?:s|ing)?\s+out"
           r"|(?:can't|cannot|can\s+not|barely|hardly)\s+hear|hard\s+to\s+hear)\s+" + _THE + _VOICE
           + r"|\bso\s+(?:that\s+)?(?:you|i|we|people|viewers|one|they)\s+can\s+(?:hear|follow|understand)\s+" + _THE
           + _VOICE + r"|(?:盖过|盖住|压过|压住|淹没|抢)了?[^，。,]{0,3}?" + _VOICE_ZH + r"|听不清楚?" + _VOICE_ZH)
_UP = re.compile(
    r"\blouder\b|\bvolume\s+up\b|\b(?:higher|more)\s+volume\b"
    r"|\bturn(?:s|ed|ing)?\s+(?:it|that|the\s+(?:music|volume|bgm|sound|audio|track))?\s*(?:way\s+|right\s+)?up\b"
    r"|\bbump\b.*\bup\b|\b(?:raise|increase|boost)\b|\brise\s+(?:the\s+)?volume\b"
    r"|\b(?:pump|crank|turn)\s+(?:it\s+|the\s+\w+\s+)?up\b|\btoo\s+(?:quiet|soft|low)\b"
    r"|\b(?:(?:can't|cannot|can\s+not|barely|hardly)\s+hear|hard\s+to\s+hear)\b" + _NOT_VOICE
    + r"|\bnot\s+loud\s+enough\b|\bup\s+a\s+(?:bit|notch|little)\b|\bless\s+quiet\b|\bforward\s+in\s+the\s+mix\b"
    r"|大声|调大|太小声|听不清(?!楚?" + _VOICE_ZH + r")|响一点|大一点|大点|调高|提高|加大|增强"
)
_DOWN = re.compile(
    r"\b(?:quieter|softer|lower)\b|\bvolume\s+down\b|\bless\s+volume\b|\bturn(?:s|ed|ing)?\s+(?:it|that|the\s+(?:music|volume|bgm|sound|audio|track))?\s*(?:way\s+|right\s+)?down\b|"
    r"\b(?:reduce|decrease|lessen)\b|\btone\s+(?:it\s+|the\s+\w+\s+)?down\b|\btoo\s+(?:loud|much|strong|overpowering)\b|\bdrown(?:s|ing)?\s+out\b|"
    r"\boverpower(?:s|ing)?\b|\bdown\s+a\s+(?:bit|notch|little)\b|太吵|太大声|太响|小声|调小|轻一点|低一点|降低"
    r"|压低|调低|减小|减弱|削弱|小一点|小点|轻点"
    r"|\bless\s+loud\b|\bnot\s+(?:so|as)\s+loud\b|\bmore\s+quiet\b|\bquiet(?:en)?\s+(?:down\s+)?(?:the|it|that)\b"
    r"|\b(?:push|pull|sit|tuck|move|set)(?:s|ed|ing)?\s+(?:\w+\s+){0,3}?(?:further\s+)?back\b|\bback\s+in\s+the\s+mix\b"
    r"|\b(?:go|come|be\s+brought|be\s+turned)\s+down\b|\blowered\b"
    r"|" + _DROWNS + r"|\bso\s+loud\b"
    r"|\b(?:is|are|was|were|sounds?|seems?|feels?|gets?|got)\s+(?!not\b|never\b)(?:\w+\s+)?loud\b(?!\s+enough)"
    r"|(?:声|声音|音量)太大"
)
DROWNED = re.compile(_DROWNS)
"""Music said to drown someone speaking: the voice named is why it goes down, not a track to change."""
_SAID_QUIET = re.compile(r"\b(?:is|are|was|sounds?|seems?|feels?|gets?)\s+(?!not\b)(?:\w+\s+){0,2}?"
                         r"(?:low|quiet|soft|faint)\b(?!\s+enough)")
"""Music there said to be quiet ("the background music is really low"): too quiet, so up; of music being added
("jazz that is soft") it is how it should sound."""
_ENOUGH = re.compile(r"\b(?:loud|quiet|soft|low)\s+enough\b")
"""A level said to do ("the music is quiet enough"): nothing to change."""
_NOT_ENOUGH = re.compile(r"\b(?:not|isn'?t)\s+(?:quiet|soft|low)\s+enough\b")
"""Not quiet enough ("the music isn't quiet enough"): down."""
_SMALL = re.compile(
    r"\b(?:a\s+(?:bit|little|touch|tad|notch|nudge|hair)|slightly|a\s+little\s+bit)\b|稍微|稍|一点|一些|点儿|轻微|有点"
)
_LARGE = re.compile(r"\b(?:much|a\s+lot|way|lots|significantly|really)\b|很多|大幅")
_QUIET = re.compile(r"\b(?:quiet|quietly|soft|softly|subtle|low|gentle)\b|\bin\s+the\s+background\b|"
                    r"\bbackground\s+level\b|安静|轻柔|低音量|轻的|轻轻的|轻一点|轻点")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Volume:
    """An absolute level (0–1), a step from the current one, or a factor of it ("half as loud")."""

    level: float | None = None
    step: float | None = None
    factor: float | None = None
    unmuted: bool = False

    def applied(self, current: float | None) -> float:
        if self.unmuted:
            return current if current else 0.8  # "unmute": heard again, at its level if it has one
        if self.level is not None:
            return self.level
        base = current if current is not None else 0.8
        value = base * self.factor if self.factor is not None else base + (self.step or 0.0)
        return round(min(1.0, max(0.05, value)), 2)


def unlevelled(c: str) -> str:
    """The clause without its "volume 40", "volume to 0.3" or "-6 dB" (whose number is no time: "volume to 0" is not
    "at 0 s")."""
    return _VOLUME_DECIMAL.sub(" ", _DB.sub(" ", _VOLUME_N.sub(" ", c)))


def scale_level(c: str) -> int | None:
    """The 1-10 of "volume 8" (no percent sign), which volume() leaves unread."""
    n = _VOLUME_N.search(c)
    return int(n.group(1)) if n is not None and _SCALE.match(n.group(1)) and not _ABS_PERCENT.search(c) else None


def _direction(c: str) -> tuple[bool, bool]:
    """Whether a change by an amount goes up, down (both: unclear)."""
    return bool(_UP.search(c) or _BY_UP.search(c)), bool(_DOWN.search(c) or _BY_DOWN.search(c))


def _decibels(c: str, said: str) -> Volume | None:
    n = float(said)
    up, down = _direction(c)
    if up or down or said.startswith("+"):
        return Volume(factor=round(10 ** ((-abs(n) if down and not up else abs(n)) / 20), 4))
    if n <= 0:
        return Volume(round(10 ** (n / 20), 2))
    return None  # "set the music to 6 dB": above full volume, which a level cannot be


def volume(c: str, adding: bool = False, existing: bool = False) -> Volume | None:
    """How loud: "35%", "volume 40", "half", "a quarter", "mute", "full volume", "louder", "a bit quieter", "too
    loud", "太吵", "up 3 dB"; and, when music is being added, "quiet" or "in the background" (25%); of `existing`
    music, "it is quiet" is too quiet."""
    if (db := _DB.search(c)) is not None:
        return _decibels(c, db.group(1))
    if _HALVED.search(c):
        return Volume(factor=0.5)
    if (times := _TIMES.search(c)) is not None and (_UP.search(c) or _DOWN.search(c) or _LOUDNESS_WORD.search(c)):
        return Volume(factor=float(times.group(1)))
    if (by := _BY_PERCENT.search(c)) is not None:
        amount = float(next(g for g in by.groups() if g)) / 100
        rises, falls = _direction(c)
        if rises or falls:
            return Volume(step=amount if rises and not falls else -amount)  # "lower it by 20%": points, not a level
    if p := _ABS_PERCENT.search(c):
        return Volume(min(100.0, float(p.group(1))) / 100)
    if n := _VOLUME_N.search(c):
        return None if _SCALE.match(n.group(1)) else Volume(min(100, int(n.group(1))) / 100)
    if d := _VOLUME_DECIMAL.search(c):
        return Volume(float(d.group(1) or d.group(2)))
    if _UNMUTE.search(c):
        return Volume(unmuted=True)
    if _MUTE.search(c):
        return Volume(0.0)
    if f := _AS_LOUD.search(c):
        return Volume(factor={"half": 0.5, "twice": 2.0, "double": 2.0}[f.group(1)])
    if _FULL.search(c):
        return Volume(1.0)
    if _THREE_QUARTERS.search(c):
        return Volume(0.75)
    if _QUARTER.search(c):
        return Volume(0.25)
    if _TO_HALF.search(c):
        return Volume(0.5)
    up, down = _UP.search(c), _DOWN.search(c) or _NOT_ENOUGH.search(c)
    if existing and not (up or down):
        up = _SAID_QUIET.search(c)  # "the background music is really low"
    if up or down:
        size = 0.1 if _SMALL.search(c) else 0.3 if _LARGE.search(c) else 0.2
        return Volume(step=size if up and not down else -size)
    if _HALF.search(c):
        return Volume(0.5)
    if adding and _QUIET.search(c) and not _ENOUGH.search(c):
        return Volume(0.25)
    return None


# -- fades ---------------------------------------------------------------------------------------------------------

_N = r"(\d+(?:\.\d+)?)"
_OBJ = r"(?:\s+(?:the\s+)?(?:music|bgm|audio|track|song|soundtrack|it))?"
_PREP = r"(?:over|for|of|across|with|during|to|at|in)?"
_IN_AFTER = re.compile(rf"fade[\s-]*(?:(?:the\s+)?(?!out\b)\w+\s+){{0,2}}?in{_OBJ}\s+{_PREP}\s*"
                       rf"(?:a\s+|the\s+(?:first|opening)\s+)?{_N}\s*{SECONDS}?|\bin\s+(?:over|for)\s+{_N}"
                       rf"|淡入\s*{_N}\s*秒|渐入\s*{_N}\s*秒")  # fmt: skip
_IN_BEFORE = re.compile(rf"{_N}\s*[- ]?{SECONDS}\s*(?:long\s+)?fade[\s-]*in|{_N}\s*秒\s*(?:的)?(?:淡入|渐入)")
_OUT_AFTER = re.compile(rf"fade[\s-]*(?:(?:the\s+)?(?!in\b)\w+\s+){{0,2}}?out{_OBJ}\s+{_PREP}\s*"
                        rf"(?:a\s+|the\s+(?:last|final)\s+)?{_N}\s*{SECONDS}?|\bout\s+(?:over|for)\s+{_N}|淡出\s*{_N}\s*秒"
                        rf"|渐出\s*{_N}\s*秒")  # fmt: skip
_OUT_BEFORE = re.compile(rf"{_N}\s*[- ]?{SECONDS}\s*(?:long\s+)?fade[\s-]*out|{_N}\s*秒\s*(?:的)?(?:淡出|渐出)")
_ANY_LENGTH = re.compile(rf"{_N}\s*[- ]?{SECONDS}\s*(?:long\s+)?fades?|fades?[\w\s-]{{0,30}}?(?:of|over|for)\s*{_N}")
_BOTH = re.compile(r"fade\s+(?:\w+\s+){0,2}in\s+and\s+out|fade\s+(?:in/out|both)|淡入淡出|渐入渐出|cross\s*fade")
_IN = re.compile(r"fade[\s-]*(?:(?!out\b)\w+\s+){0,2}?in\b|fades?\s+in\b|淡入|渐入"
                 r"|\bin\s+with\s+a\s+(?:slow\s+|gentle\s+)?fade\b")
_OUT = re.compile(r"fade[\s-]*(?:(?!in\b)\w+\s+){0,2}?out\b|fades?\s+out\b|淡出|渐出|fade\s+(?:away|at\s+the\s+end)"
                  r"|\b(?:out|off|away)\b.{0,30}\bwith\s+a\s+(?:slow\s+|gentle\s+|long\s+)?fade\b"
                  r"|\b(?:bow|drift|trail|taper|die|ease|slip)(?:s|ed|ing)?\s+(?:out|away|off)\b")
_AT_END = re.compile(r"\bthe\s+(?:very\s+)?(?:end|finish|close)\b|结尾|最后")
_AT_START = re.compile(r"\bthe\s+(?:very\s+)?(?:start|beginning|opening)\b|开头|开始")
"""Where a fade with no direction goes ("fade the music at the end"): the end fades out, the start fades in."""
IN_MS, OUT_MS = 1500, 2000


def _ms(match: re.Match[str] | None) -> int | None:
    if match is None:
        return None
    value = next((g for g in match.groups() if g), None)
    return int(float(value) * 1000) if value else None


def _first(*values: int | None) -> int | None:
    """The first length said (0 is a length: "set the fade-out to 0 seconds")."""
    return next((v for v in values if v is not None), None)


NO_FADE = re.compile(
    r"\b(?:remove|removing|delete|drop|lose|kill|get\s+rid\s+of|take|turn\s+off|switch\s+off|disable)\s+"
    r"(?:(?:the|its|that|this|any|all\s+the|all)\s+)?(?:(?:music|song|track|bgm|audio)(?:'s)?\s+)?fad(?:e|es|ing)(?:[\s-]*(?:in|out)\b)?"
    r"|\b(?:no|without|zero|never|don'?t|do\s+not|not)\s+(?:any\s+|a\s+|the\s+)?(?:\w+\s+)?fad(?:e|es|ing)(?:[\s-]*(?:in|out)\b)?"
    r"|\b(?:set|make|change|put|the)\s+(?:the\s+)?(?:\w+\s+)?fade(?:[\s-]*(?:in|out))?s?\s+(?:\w+\s+){0,2}?(?:to|at)\s+"
    r"(?:0|zero|none|nothing|off)\b(?!\.\d|\s*%)|\bfades?(?:[\s-]*(?:in|out))?\s+off\b|(?:不要|去掉|取消|删掉|删除|不用)[^，。,]{0,6}?(?:淡入淡出|渐入渐出|淡入|淡出|渐入|渐出)")
"""A fade taken away ("remove the fade from the music", "set the fade-out to 0", "no fade in"): none that way."""


def fades(c: str) -> tuple[int | None, int | None]:
    """(fade in ms, fade out ms), each None where the clause says nothing about it; each direction keeps its own
    length ("fade in over 2 s and out over 4 s"); a fade taken away is 0 that way, or both ways when none is named."""
    if (no := NO_FADE.search(c)) is not None:
        said = no.group(0) if re.search(r"(?:in|out)$|[入出]$", no.group(0)) else c  # "no fade-out", "remove the fade"
        way_in, way_out = _IN.search(said) is not None, _OUT.search(said) is not None
        both = way_in == way_out
        other_in, other_out = fades(c[: no.start()] + " " + c[no.end() :])  # "…with a fade in but no fade out"
        return (0 if both or way_in else other_in), (0 if both or way_out else other_out)
    fade_in = _first(_ms(_IN_AFTER.search(c)), _ms(_IN_BEFORE.search(c)))
    fade_out = _first(_ms(_OUT_AFTER.search(c)), _ms(_OUT_BEFORE.search(c)))
    shared = _ms(_ANY_LENGTH.search(c))
    if _BOTH.search(c):
        return _first(fade_in, shared, IN_MS), _first(fade_out, shared, OUT_MS)
    if fade_in is None and _IN.search(c):
        fade_in = _first(shared, IN_MS)
    if fade_out is None and _OUT.search(c):
        fade_out = _first(shared, OUT_MS)
    if fade_in is None and fade_out is None and re.search(r"\bfades?\b", c):
        end, start = _AT_END.search(c) is not None, _AT_START.search(c) is not None
        if end != start:
            return (None, _first(shared, OUT_MS)) if end else (_first(shared, IN_MS), None)
        return _first(shared, IN_MS), _first(shared, OUT_MS)
    return fade_in, fade_out
