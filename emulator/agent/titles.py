"""The title and text steps of an edit: add one (with its colour, size, position and time), move one (on screen or
in time), restyle it, or give it new words in the same place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemo_emulator.agent import replies as r
from nemo_emulator.agent import tools
from nemo_emulator.agent.plan import Plan
from nemo_emulator.agent.request import TextAsk
from nemo_protocol import draft as drafts
from nemo_protocol.draft import TEXT
from nemo_protocol.wire import JSON

if TYPE_CHECKING:
    from nemo_emulator.agent.edits import Edits

TITLE_MS = 3000


def texts(e: Edits) -> Plan | None:
    for ask in e.req.texts:
        stopped = _one(e, ask)
        if stopped is not None:
            return stopped
    return None


def _captions(e: Edits) -> Plan | None:
    """Captions (text that is not the title): none to change, or restyling them, which only titles support."""
    if not any(not drafts.is_title(s) for _, s in drafts.segments(e.draft, TEXT)):
        return e.stop("answer", "nothing_to_move", what=r.word(e.lang, "caption"))
    return e.stop("question", "cannot", what="restyle the captions" if e.lang != "zh" else "修改字幕样式")


def _what(lang: str, title: bool) -> str:
    return ("title" if title else "text") if lang != "zh" else ("标题" if title else "文字")


def _existing(e: Edits, title: bool) -> JSON | None:
    return next((s for _, s in drafts.segments(e.draft, TEXT) if drafts.is_title(s) == title or not title), None)


def _one(e: Edits, ask: TextAsk) -> Plan | None:
    title, lang = ask.kind == "title", e.lang
    if ask.kind == "caption":
        return _captions(e)
    style: JSON = {k: v for k, v in (("color", ask.color), ("size", ask.size), ("pos", ask.pos)) if v}
    if ask.action == "add":
        return _add(e, ask, style) if ask.text else e.stop("question", "what_title")
    current = _existing(e, title)
    if current is None:
        e.note("nothing_to_move", what=_what(lang, title))
        return None
    own = int(drafts.length_ms(current)) or TITLE_MS
    span = ask.scope.resolve(e.length, own) if ask.scope is not None else None
    if span is not None and e.length:
        span = (min(span[0], max(0, int(e.length) - 100)), min(span[1], int(e.length)))
    if ask.action == "retext":
        if ask.text == current.get("tx") and not style and span is None:
            e.note("text_same", what=_what(lang, title), text=ask.text)
            return None
        if ask.text != current.get("tx"):
            text = r.say(lang, "text_retexted", what=_what(lang, title), text=ask.text)
            args: JSON = {"action": "edit_text", "text": ask.text, "title": title}
            e.edit("edit_multitrack", args, tools.EditTexts(title, None, ask.text), text)
        if not style and span is None:
            return None  # new words only; with a look or a time ("…to Pricing, centered") those follow
    if span is not None:
        where = (f"{r.seconds(span[0])}-{r.seconds(span[1])}s" if lang != "zh"
                 else f"{r.seconds(span[0])}-{r.seconds(span[1])}秒")  # fmt: skip
        moved: JSON = {"action": "move_text", "start": span[0] / 1000, "end": span[1] / 1000, "title": title}
        e.edit(
            "edit_multitrack",
            moved,
            tools.EditTexts(title, span),
            r.say(lang, "text_moved", what=_what(lang, title), where=where),
        )
    if ask.action == "move" and set(style) == {"pos"}:
        where = r.position(lang, str(style["pos"]))
        if span is None and (current.get("sty") or {}).get("pos", "top-center" if title else None) == style["pos"]:
            e.note("text_already", what=_what(lang, title), where=where)
            return None
        restyle: JSON = {"action": "style_text", "style": style}
        e.edit(
            "edit_multitrack",
            restyle,
            tools.StyleTitle(style),
            r.say(lang, "text_moved", what=_what(lang, title), where=where),
        )
        return None
    now = {"color": "#FFFFFF", "size": 64 if title else 40, "pos": "top-center" if title else "bottom-center",
           **(current.get("sty") or {})}  # fmt: skip
    if style and span is None and all(now.get(k) == v for k, v in style.items()):
        e.note("style_already", what=_what(lang, title), changes=_shown(e, style))
        return None
    style = {k: v for k, v in style.items() if now.get(k) != v}  # what already holds is neither set nor reported
    if style:
        text = r.say(lang, "title_styled", changes=_shown(e, style))
        intro = "Restyling the title." if lang != "zh" else "马上修改标题样式。"
        e.edit("edit_multitrack", {"action": "style_text", "style": style}, tools.StyleTitle(style), text, intro)
    if span is None and not style:
        return e.stop("question", "where_title")
    return None


def _shown(e: Edits, style: JSON) -> str:
    """A style as the reply names it ("color red, pos top-center")."""
    shown = {**style}
    if "color" in shown:
        shown["color"] = e.color_name(str(shown["color"]))
    if "pos" in shown:
        shown["pos"] = r.position(e.lang, str(shown["pos"]))
    if e.lang == "zh":
        return "，".join(f"{_ZH_NAMES[k]}{v}" for k, v in shown.items())
    return ", ".join(f"{k} {v}" for k, v in shown.items())


_ZH_NAMES = {"color": "颜色", "size": "字号", "pos": "位置"}


def _add(e: Edits, ask: TextAsk, style: JSON) -> Plan | None:
    title, lang = ask.kind == "title", e.lang
    assert ask.text is not None
    length = int(e.length or 10000)
    span = ask.scope.resolve(length, TITLE_MS) if ask.scope is not None else None
    if span is not None and e.length and span[0] >= e.length:  # "at the 1 minute mark" of a 20 s clip
        word = r.word(lang, "title" if title else "text")
        return e.stop("answer", "text_past_end", length=r.seconds(e.length), at=r.seconds(span[0]), what=word)
    a, b = span if span else (0, min(TITLE_MS, length))
    b = min(b, length)
    if b <= a:
        a, b = 0, min(TITLE_MS, length)
    full = {"color": "#FFFFFF", "size": 64 if title else 40, "pos": "top-center" if title else "bottom-center",
            **style}  # fmt: skip
    what = ("Title" if title else "Text") if lang != "zh" else ("标题" if title else "文字")
    text = r.say(lang, "title_added", what=what, text=ask.text, color=e.color_name(str(full["color"])),
                 pos=r.position(lang, str(full["pos"])), start=r.seconds(a), end=r.seconds(b))  # fmt: skip
    args: JSON = {"action": "add_text", "text": ask.text, "start": a / 1000, "end": b / 1000, "title": title}
    if style:
        args["style"] = style
    intro = (f'Adding the {"title" if title else "text"} "{ask.text}".' if lang != "zh"
             else f"马上添加{what}“{ask.text}”。")  # fmt: skip
    e.edit("edit_multitrack", args, tools.AddText(ask.text, a, b, title, style), text, intro)
    return None
