"""The background music's steps of an edit: new music (in a style, a volume, a span, with fades), or a change to
the music that plays (volume, absolute or relative; fades; when it plays)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemo_emulator.agent import replies as r
from nemo_emulator.agent import tools
from nemo_emulator.agent.plan import Plan
from nemo_protocol import draft as drafts
from nemo_protocol.draft import AUDIO
from nemo_protocol.wire import JSON

if TYPE_CHECKING:
    from nemo_emulator.agent.edits import Edits


def _current_volume(e: Edits) -> float | None:
    for _, seg in drafts.segments(e.draft, AUDIO):
        return drafts.volume(seg)
    return None


def _current_span(e: Edits) -> tuple[int, int] | None:
    for _, seg in drafts.segments(e.draft, AUDIO):
        return int(drafts.start_ms(seg)), int(drafts.end_ms(seg))
    return None


def _current_fades(e: Edits) -> tuple[int, int] | None:
    for _, seg in drafts.segments(e.draft, AUDIO):
        return int(seg.get("fi") or 0), int(seg.get("fo") or 0)
    return None


def fades_text(lang: str, fade_in: int | None, fade_out: int | None) -> str:
    """", with a 2s fade-out" for new music; fades of 0 alone are not said (new music has none)."""
    if not fade_in and not fade_out:
        return ""
    return ("，" if lang == "zh" else ", with ") + _fades_said(lang, fade_in, fade_out)


_FADE_WORDS = {"en": (("no fade-in", "a {}s fade-in"), ("no fade-out", "a {}s fade-out")),
               "zh": (("无淡入", "{}秒淡入"), ("无淡出", "{}秒淡出"))}


def _fades_said(lang: str, fade_in: int | None, fade_out: int | None) -> str:
    """The fades of a change, including taken-away ones ("no fade-in and a 2s fade-out")."""
    if fade_in == 0 and fade_out == 0:
        return "无淡入淡出" if lang == "zh" else "no fades"
    words = _FADE_WORDS["zh" if lang == "zh" else "en"]
    bits = [none if ms == 0 else some.format(r.seconds(ms))
            for ms, (none, some) in zip((fade_in, fade_out), words, strict=True) if ms is not None]  # fmt: skip
    return ("、" if lang == "zh" else " and ").join(bits)


def where_text(lang: str, span: tuple[int, int] | None, length: float) -> str:
    if span is None:
        return ""
    a, b = r.seconds(span[0]), r.seconds(min(span[1], int(length or span[1])))
    return f"{a}-{b}秒" if lang == "zh" else f"from {a}s to {b}s"


def music(e: Edits) -> Plan | None:
    ask, lang = e.req.music, e.lang
    if ask is None:
        return None
    current = _current_volume(e)
    level = ask.volume.applied(current) if ask.volume is not None else None
    span = ask.scope.resolve(e.length, 0) if ask.scope is not None else None
    if span is not None:
        span = (span[0], min(span[1], int(e.length))) if e.length else span
        if span[1] - span[0] < 500:
            wanted = r.seconds(max(0, span[1] - span[0]))
            return e.stop("answer", "too_short", length=r.seconds(e.length), wanted=wanted)
    if ask.add:
        return _add(e, level, current, span)
    if level is None and ask.fade_in is None and ask.fade_out is None and span is None:
        return None
    if not e.has_bgm:
        action = "fade" if (ask.fade_in or ask.fade_out) else "make quieter" if level is not None else "adjust"
        return e.stop("answer", "no_music", action=r.word(lang, action))
    fade_in, fade_out = ask.fade_in, ask.fade_out
    now = _current_fades(e) or (0, 0)
    if (fade_in is not None or fade_out is not None) and (fade_in in (None, now[0]) and fade_out in (None, now[1])):
        e.note("fades_already", fades=_fades_said(lang, fade_in, fade_out))  # "remove the fade" when it has none
        fade_in = fade_out = None
        if level is None and span is None:
            return None
    if span is not None and span == _current_span(e):
        e.note("span_already", where=where_text(lang, span, e.length))  # "trim the song to 30 s" of a 20 s video
        span = None
        if level is None and fade_in is None and fade_out is None:
            return None
    if level is not None and current is not None and abs(level - current) < 0.005:
        e.note("volume_already", volume=round(level * 100))  # "turn it up to 80%" when it plays at 80%
        level = None
        if fade_in is None and fade_out is None and span is None:
            return None
    parts = []
    if level is not None:
        parts.append(r.say(lang, "volume_set", volume=round(level * 100)))
    if fade_in is not None or fade_out is not None:
        parts.append(r.say(lang, "fades_set", fades=_fades_said(lang, fade_in, fade_out)))
    if span is not None:
        parts.append(r.say(lang, "span_set", where=where_text(lang, span, e.length)))
    changes = (("volume", level), ("fade_in", fade_in), ("fade_out", fade_out))
    args: JSON = {"action": "set_audio", "track": "bgm", **{k: v for k, v in changes if v is not None}}
    if span is not None:
        args.update(start=span[0] / 1000, end=span[1] / 1000)
    adjust = tools.SetAudio(level, fade_in, fade_out, span)
    intro = "Adjusting the background music." if lang != "zh" else "马上调整背景音乐。"
    e.edit("edit_multitrack", args, adjust, " ".join(parts), intro)
    return None


def _add(e: Edits, level: float | None, current: float | None, span: tuple[int, int] | None) -> Plan | None:
    ask, lang = e.req.music, e.lang
    assert ask is not None
    if ask.change and not e.has_bgm and ask.style is None:
        return e.stop("question", "which_music")
    if span is None and e.has_bgm and ask.change:
        span = _current_span(e)  # different music, where the old music played
    matched = ask.style is None
    genre = ask.style or tools.video_style(e.state, e.placed_src)  # decided now, so that the reply names it
    level = level if level is not None else (current if e.has_bgm and current is not None else 0.8)
    key = "music_changed" if e.has_bgm else "music_added"  # new music over old replaces it: say so
    name = tools.label(genre, None if matched else ask.modifier)
    text = r.say(lang, key, label=name, volume=round(level * 100),
                 where=(", " if lang != "zh" else "，") + where_text(lang, span, e.length) if span else "",
                 fades=fades_text(lang, ask.fade_in, ask.fade_out))  # fmt: skip
    if matched:
        text = text[:-1] + (" (matched to your video's mood)." if lang != "zh" else "（匹配视频氛围）。")
    modifier = None if matched else ask.modifier
    effect = tools.GenerateMusic(genre, level, e.p.rng.getrandbits(32), span, ask.fade_in, ask.fade_out, modifier)
    args: JSON = {"mood": genre, "volume": level, "match": "video"}
    if span:
        args.update(start=span[0] / 1000, end=span[1] / 1000)
    if ask.fade_in or ask.fade_out:
        args.update(fade_in=(ask.fade_in or 0) / 1000, fade_out=(ask.fade_out or 0) / 1000)
    intro = (f"Adding {name} music that fits your video." if lang != "zh" else "马上为你的视频添加背景音乐。")
    e.tool("generate_music", args, e.p.s.cost_generate_music, e.p.draw("music", e.length / 1000), effect, text, intro)
    e.has_bgm = True
    return None
