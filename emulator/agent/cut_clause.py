"""Reading a clause that takes something away: tracks ("remove the music", "keep only the video", "delete
everything but the title"), or time off the clip ("trim to 8 seconds", "cut the last 3 seconds", "cut it in half")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nemo_emulator.agent import amounts, slots
from nemo_emulator.agent import grammar as g
from nemo_protocol.draft import AUDIO, TEXT, VIDEO

if TYPE_CHECKING:
    from nemo_emulator.agent.reader import Reader

_KINDS = {"music": AUDIO, "title": TEXT, "text": TEXT, "caption": TEXT, "video": VIDEO}
_CUT_FROM = re.compile(
    r"(?:cut|remove|drop|delete|trim|lose|skip|chop|shave|ditch|get\s+rid\s+of|take\s+off|剪掉|去掉|删掉|砍掉|(?<!只)不要)"
    r"\s*(?:off\s+|out\s+)?(?:the\s+)?"
)
_ONLY = re.compile(r"\bonly\b|\bjust\b|\bkeep\b|只")
_CONTAINER = re.compile(
    r"\s+(?:from|in|on|of|out\s+of|off)\s+(?:the\s+|my\s+|this\s+|your\s+|our\s+)?@?\s*(?:[\w-]+\s+){0,2}?(?:video|clip"
    r"|footage|timeline|draft|project|film|movie|edit)\b.*$"
)
"""Where a removal takes something from ("remove the silence from my video", "from our demo video"): not what it
removes."""
_ZH_CONTAINER = re.compile(r"(?:这个|整个|我的|这段)?(?:视频|片子|短片)(?:里面|里|中|上)?的(?=\S)")
"""The same in Chinese ("去除视频的背景音乐"): the video's music, not the video and the music."""
_NTH_CLIP = re.compile(
    r"\b(second|third|fourth|2nd|3rd|4th|last)\s+(?:clip|video|shot)\b|第\s*([二三四2-4])\s*(?:个|段)?\s*(?:视频|片段)"
)
_NTH_TRACK = re.compile(r"\b(?:second|third|fourth|2nd|3rd|4th)\s+(?:audio|music|sound|bgm|song)\s+track\b"
                        r"|第\s*[二三四2-4]\s*(?:条|个)?\s*(?:音轨|音乐轨)")
"""Another music track by its place ("the second audio track"): the draft has one background-music track."""
_NOT_ALL = re.compile(
    r"\ball\s+(?:of\s+)?(?:the\s+|my\s+|your\s+)?(?!tracks?\b|layers?\b|it\b|of\b|the\b|my\b)([a-z]+)"
)
_HALF = re.compile(
    r"\b(?:cut|trim|shorten|chop)\s+(?:it|this|the\s+(?:video|clip))?\s*(?:in|by)\s+half\b|\bhalve\b|剪掉一半|剪一半"
)
_OFF_END = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds?)\s+(?:off|from)\b(?:\s+(?:the\s+)?(end|start|beginning)\b)?"
)
"""An amount cut off one end ("trim 2 seconds off the end"); with no end named here or before ("cut the last second
off the clip" names one), off the start, as an editor trims."""
_BOTH_ENDS = re.compile(rf"{amounts.NUMBER}\s*{amounts.SECONDS}\s+(?:off|from)\s+(?:both|each)\s+(?:ends?|sides?)\b")
_AROUND_ALL = re.compile(r"\b(?:everything|all|anything|whatever)\s+(?:that\s+comes\s+|that'?s\s+)?(?:after|past|beyond"
                         r"|from|before|up\s+to|until|till|prior\s+to)\b")
"""Everything on one side of a time ("get rid of everything after 9 seconds"): a trim, not every track."""
_BEFORE = re.compile(rf"\b(?:before|up\s+to|until|till|prior\s+to)\s+(?:the\s+)?{amounts.TIME}")
_AFTER = re.compile(rf"\b(?:after|past|beyond)\s+(?:the\s+)?{amounts.TIME}")
_TAKEN = re.compile(r"\b(?:remove|delete|drop|lose|ditch|skip|get\s+rid\s+of|take\s+(?:off|out)|chop(?:\s+off|\s+out)?"
                    r"|cut(?:\s+out|\s+off|\s+away)?)\b(?!\s+(?:it\s+|this\s+|the\s+(?:video|clip)\s+)?(?:down\s+)?to\b)"
                    r"|剪掉|去掉|删掉")
"""A verb that takes a span away ("cut from 5 to 7 seconds"), not one that keeps it ("trim to 0:05-0:12")."""
_KEEP_OR_CUT = re.compile(r"^(?!.*\b(?:remove|delete|drop|lose|ditch|get\s+rid)\b).*\bcut\b(?!\s+(?:out|off|away)\b)")
"""A bare "cut" of a span: in "cut the video from 0:10 to 2:00" it may be what goes or what stays (as in a trim)."""
CUT_AT = re.compile(r"\b(?:cut|chop|split|slice|divide)\s+"
                     r"(?:it\s+|(?:this|that|the|my|all(?:\s+the)?)\s+(?:\w+\s+)?(?:video|clip|footage|timeline)s?\s+|(?:clip|video)\s*1\s+)?"
                     r"(?P<off>off\s+)?at\s+(?:the\s+)?(?:(?P<m>\d{1,2}):(?P<s>\d{2})|(?P<n>\d+(?:\.\d+)?)\s*"
                     r"(?:s|sec|secs|seconds?)?)(?:\s+mark)?(?P<more>\s*(?:and|,|&)\s*(?:at\s+)?\d)?")
"""A cut at a point in time, not of an amount ("cut the video at 8s", "cut it off at 12s", "cut at 3s and 8s");
"clip1" is the one clip."""
_TO_POINT = re.compile(r"\b(?:trim|cut|shorten)\s+(?:it\s+|this\s+|the\s+(?:video|clip)\s+)?(?:down\s+)?to\s+"
                       r"(\d{1,2}):(\d{2})\b(?!\s*(?:-|–|to\b))")
"""A length as a clock time ("trim to 00:10"): the clip ends there."""
_SECTION = re.compile(r"\b(?:intro|outro|middle|(?:opening|ending|closing)\s+(?:part|section|scene|bit|shot)s?)\b")
"""A part of the video by what it is ("trim the intro down to 10 seconds"): where it lies is not in the draft."""
_ALONE_END = re.compile(rf"^\W*(?:and\s+)?(?:the\s+)?(first|opening|last|final|前|开头|最后|后|结尾)\s*"
                        rf"{amounts.NUMBER}\s*{amounts.SECONDS}\W*$")
"""A clause that names only another end after a cut ("remove the first second and the last second")."""


def removal(r: Reader, c: str) -> bool:
    """A remove or keep-only clause; False when it is a trim ("remove the first 3 seconds")."""
    if (nth := _NTH_CLIP.search(c)) is not None and nth.group(1) != "last" and r.clips < 2:
        r.doubt("unclear", what=c.strip())  # "remove the third clip": the timeline has one
        return True
    if _NTH_TRACK.search(c):
        r.doubt("unclear", what=c.strip())  # one BGM track: "the second audio track" names nothing
        return True
    if g.R["OWN_SOUND"].search(c):
        r.doubt("cannot", what=c.strip())  # "去除原视频的背景音": the upload's own sound, no track of the draft
        return True
    named = _ZH_CONTAINER.sub("", _CONTAINER.sub("", c))
    if (without := re.search(r"\bwithout\b", named)) is not None:
        named = named[without.end() :]  # "the intro video without music": what goes comes after "without"
    if not g.MUSIC_WORD.search(named) and (g.R["UNSUPPORTED"].search(c) or re.search(r"\banimations?\b", c)):
        r.doubt("cannot", what=c.strip())  # "kill the audio from the camera": the clip's own sound; "remove the
        return True  # animation from the texts": how they move, not the video (an "animation" to make is one)
    kinds = [*r.pending, *r.kinds(named)] if not g.R["KEEP_ONLY"].search(c) else r.kinds(c)
    r.pending = []
    other = _NOT_ALL.search(c)
    everything = bool(g.R["EVERYTHING"].search(c)) and not (other and not r.kinds(other.group(1)))
    keep_only = g.R["KEEP_ONLY"].search(c)
    cut_time = amounts.scope(c, r.length) is not None or slots.duration(c) is not None
    cut_time = cut_time or _BEFORE.search(c) is not None or _AFTER.search(c) is not None
    if _AROUND_ALL.search(c) and not cut_time:
        r.doubt("unclear", what=c.strip())  # "everything after the title": after it in time, or all but it?
        return True
    if not kinds and cut_time and (not everything or _AROUND_ALL.search(c) or g.R["EXCEPT"].search(c)):
        return False  # "remove everything except the first 5 seconds": a trim that keeps them
    if keep_only and cut_time:
        return False  # "背景音乐只要后5秒": when it plays, not what stays
    if keep_only and kinds:
        return keep(r, kinds)
    if (ex := g.R["EXCEPT"].search(c) or re.search(r"\b(?:and|but)\s+keep\b", c)) is not None and kinds:
        after, before = r.kinds(c[ex.end() :]) or kinds, r.kinds(c[: ex.start()])
        if everything or not before:
            return keep(r, after)
        kinds = [k for k in before if k not in after]  # "delete the music but keep the title"
    if kinds and cut_time and set(kinds) != {"video"}:
        r.doubt("unclear", what=c)  # "remove the music after 10 seconds": a part of a track
        return True
    if kinds:
        remove_kinds(r, kinds)
        return True
    if n := g.TRACK_N.search(c):
        number = int(n.group(1) or n.group(2))
        r.req.removals.append((None, number - 1, f"track {number}"))
        r.req.intents.append("remove")
        r.verb = "remove"
        return True
    if everything:
        return True if r.req.keep is not None else keep(r, r.excepted)  # "只保留视频，其他都删掉"
    if g.R["PRONOUN"].search(c) and r.last in _KINDS:
        remove_kinds(r, [r.last])
        return True
    if keep_only:
        return False
    if g.R["UNSUPPORTED"].search(c):
        r.doubt("cannot", what=c.strip())  # "remove the silence from my video"
    r.doubt("ambiguous")
    return True


def keep(r: Reader, kinds: list[str]) -> bool:
    kinds = ["text" if k == "caption" else k for k in kinds]
    text = {"title", "text"} if {"title", "text"} & set(kinds) else set()  # a title is text, text may be titles
    r.req.keep = sorted(set(kinds) | text)
    if "keep" not in r.req.intents:
        r.req.intents.append("keep")
    r.verb = "keep"
    return True


def remove_kinds(r: Reader, kinds: list[str]) -> None:
    for kind in kinds:
        what = {"music": "music", "title": "title", "text": "text", "caption": "caption", "video": "video"}[kind]
        entry = (_KINDS[kind], None, what)
        if entry not in r.req.removals:
            r.req.removals.append(entry)
    r.req.intents.append("remove")
    r.verb, r.last = "remove", kinds[-1]


def trim(r: Reader, c: str) -> bool:
    req = r.req
    scope = amounts.scope(c, r.length)
    first, last = amounts.FIRST.search(c), amounts.LAST.search(c)
    if (off := _OFF_END.search(c)) and (off.group(2) or not (first or last)):  # "trim 2 seconds off the end"
        first, last = (None, off) if off.group(2) == "end" else (off, None)
    if re.search(r"\bon\s+(?:the\s+)?screen\b|\bvisible\b", c):
        return False  # "keep it on screen until 3 s": about a text, not the clip
    if (at := CUT_AT.search(c)) is not None and r.length:
        return _cut_at(r, c, at)
    if (section := _SECTION.search(c)) is not None and r.length:
        r.doubt("which_part", what=section.group(0))
        return True
    keeps = re.search(r"\b(?:to|into)\s+(?:the\s+)?(?:first|last)\b", c)  # "trim to the first 12 seconds"
    keeps = keeps or g.R["EXCEPT"].search(c)  # "delete everything but the last 5 seconds"
    cut = _CUT_FROM.search(c) and not _ONLY.search(c) and not keeps
    if _HALF.search(c) and r.length:
        req.trim_to = round(r.length / 2000, 2)  # "cut it in half"
    elif by := g.R["SHORTEN_BY"].search(c):
        req.cut_last = float(by.group(1) or by.group(2))
    elif both := _BOTH_ENDS.search(c):
        req.cut_first = req.cut_last = float(both.group(1))
    elif cut and first:
        req.cut_first = float(first.group(1))
    elif cut and last:
        req.cut_last = float(last.group(1))
    elif cut and _TAKEN.search(c) and (taken := _taken(c, scope, r.length)) is not None:
        span = scope.span if scope is not None else None
        if _KEEP_OR_CUT.search(c) and span is not None and 50 < span[0] < r.length < span[1] - 50:
            r.doubt("cut_at", a=taken[1], b=taken[1])  # "cut the video from 0:10 to 2:00" of 20 s: which part stays?
            return True
        if taken[0] > 0 and taken[1] < r.length:
            r.doubt("middle_cut", a=taken[0], b=taken[1])  # "delete 2 to 3 s": an end is trimmed, not the middle
            return True
        req.trim = taken
    elif scope is not None and scope.span is not None:
        req.trim = scope.span
    elif (to := _TO_POINT.search(c)) is not None:
        req.trim_to = int(to.group(1)) * 60 + int(to.group(2))
    elif (seconds := slots.duration(c)) is not None:
        req.trim_to = seconds
    else:
        return False
    req.intents.append("trim")
    r.last, r.verb = "video", "trim"
    return True


def _cut_at(r: Reader, c: str, at: re.Match[str]) -> bool:
    """A cut at a point: "cut it off at 12s" ends it there; two points ("cut at 3s and 8s") split it, which the
    draft's one clip cannot be; one point alone ("cut the video at 8s") ends it there or starts it there."""
    t = int(amounts.point((at.group("m"), at.group("s"), at.group("n"))) * 1000)
    if at.group("more"):
        r.doubt("cannot", what=c.strip())
        return True
    if t >= r.length or t <= 0:
        r.req.trim = (t, int(r.length) + t)  # past the end: the planner says so
    elif at.group("off"):
        r.req.trim = (0, t)
    else:
        r.doubt("cut_at", a=t, b=t)
        return True
    r.req.intents.append("trim")
    r.last, r.verb = "video", "trim"
    return True


def _taken(c: str, scope: amounts.Scope | None, length: float) -> tuple[int, int] | None:
    """What stays when a span is taken away: from its end to the clip's end, or from the start to where it begins;
    the span itself when it lies inside the clip (which a trim cannot take); None when the clause names no span."""
    if (before := _BEFORE.search(c)) is not None:
        scope = amounts.Scope(end=int(amounts.point(before.groups()) * 1000))
    elif (after := _AFTER.search(c)) is not None:
        scope = amounts.Scope(start=int(amounts.point(after.groups()) * 1000))
    if scope is None or not length:
        return None
    if scope.span is not None:
        a, b = scope.span
    elif scope.start is not None or scope.end is not None:
        a, b = scope.start or 0, int(length) if scope.end is None else scope.end
    else:
        return None
    if a >= length:
        return None  # past the clip's end: nothing there to take
    if a <= 50:
        return b, int(length)
    if b >= length - 50:
        return 0, a
    return a, b


def other_end(r: Reader, c: str) -> bool:
    """A clause naming the other end right after a cut ("…and the last second"): cut there too."""
    req = r.req
    if r.verb != "trim" or (req.cut_first is None) == (req.cut_last is None) or not (m := _ALONE_END.match(c)):
        return False
    if m.group(1) in ("first", "opening", "前", "开头") and req.cut_first is None:
        req.cut_first = float(m.group(2))
    elif m.group(1) in ("last", "final", "最后", "后", "结尾") and req.cut_last is None:
        req.cut_last = float(m.group(2))
    else:
        return False
    return True
