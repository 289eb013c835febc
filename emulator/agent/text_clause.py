"""Reading a clause about a title or text overlay: add one, or move, restyle or reword the one there; a clause of
nothing but attributes ("…, centered") adds to the clause before's."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from nemo_emulator.agent import amounts, lexicon, slots
from nemo_emulator.agent import grammar as g
from nemo_emulator.agent.request import TextAsk
from nemo_protocol import draft as drafts

_RELATIVE_SIZE = ((re.compile(r"\btoo\s+(?:big|large|huge)\b|\bdown\s+in\s+size\b|太大"), "smaller"),
                  (re.compile(r"\btoo\s+(?:small|tiny)\b|\bup\s+in\s+size\b|太小"), "bigger"))
"""Sizes said the other way round ("too big" asks for smaller; "down in size" is not a position)."""

if TYPE_CHECKING:
    from nemo_emulator.agent.reader import Reader


_ENDS = re.compile(r"\b(?:end|ends|finish|stop|disappear|vanish|until|till)\b|结束|消失")


def texts(r: Reader, original_clause: str, c: str) -> bool:
    for said, meant in _RELATIVE_SIZE:
        c = said.sub(meant, c)
    title_word, text_word = g.TITLE_WORD.search(c), g.TEXT_WORD.search(c)
    if (title_word or text_word) and g.VERDICT.search(c) and not g.QUOTED.search(original_clause):
        return True  # nothing to change; the message reads as thanks
    if (title_word or text_word or g.QUOTED.search(original_clause)) and g.R["ANIMATION"].search(c):
        r.doubt("cannot", what=c.strip())  # "make the title slide in from the left": not a move to the left
        return True
    if g.R["LOUDNESS"].search(c) and g.DURING.search(c) and not g.QUOTED.search(original_clause):
        return False  # "lower the volume during the title": the music's loudness, timed by the title
    styled = slots.color(c) or slots.size(c) or slots.position(c)
    timed = amounts.scope(c, r.length) is not None
    pronoun = (g.R["PRONOUN"].search(c) and r.last in ("title", "text")
               and (styled or timed or g.R["MOVE"].search(c) or g.R["RENAME"].search(c)))  # fmt: skip
    music = g.MUSIC_WORD.search(c) or lexicon.read(c).style
    implied = (styled and not music and r.title is not None and g.R["PRONOUN"].search(c)
               and (g.R["CHANGE"].search(c) or g.R["MOVE"].search(c)) and r.last is None)  # fmt: skip
    quoted = (g.QUOTED.search(original_clause) is not None and g.R["ADD_VERB"].search(c) is not None and not music
              and not g.VIDEO_WORD.search(c))  # 'add "TOP TEXT" at the top': words in quotes are words to show
    if not (title_word or text_word or g.R["TITLE_INTENT"].search(c) or pronoun or implied or quoted):
        return _more_of_last_text(r, c, styled, timed)
    kind = "title" if title_word or (not text_word and ((pronoun and r.last == "title") or implied)) else "text"
    if not title_word and not text_word and not pronoun and not implied:
        kind = "title"
    adding = g.R["ADD_VERB"].search(c) is not None
    if (kind == "text" and g.CAPTION_WORD.search(c) and not adding
            and slots.title_text(_original(r.message, original_clause)) is None):
        kind = "caption"  # "make the captions bigger": the captions there are, never the title
    existing = r.title is not None if kind == "title" else r.has_text if kind == "text" else r.has_captions
    text = slots.title_text(_original(r.message, original_clause))
    current_pos = str((r.title or {}).get("sty", {}).get("pos") or "top-center") if kind == "title" else None
    scope = amounts.scope(c, r.length)
    if scope is not None and scope.start is not None and scope.end is None and _ENDS.search(c):
        scope = amounts.Scope(end=scope.start)  # "end the title after 3 seconds": when it ends, not starts
    if scope is not None and scope.end is not None and scope.start is None and scope.span is None and _ENDS.search(c):
        begins = int(drafts.start_ms(r.title)) if kind == "title" and r.title is not None else 0
        scope = amounts.Scope(span=(begins, scope.end)) if scope.end > begins else scope  # it still starts where it did
    ask = TextAsk(kind, "add", text, slots.color(c), _size(r, c, kind), slots.position(c, current_pos), scope)
    moving = g.R["MOVE"].search(c) is not None
    placing = g.R["PLACE"].search(c) is not None and (ask.pos or ask.scope)
    if text is not None and not existing:
        pass  # a new title, wherever it is put
    elif moving and existing and text is None:
        ask.action = "move"
        if ask.pos is None and ask.scope is None:
            r.doubt("where_title")
    elif text is not None and existing and (g.R["RENAME"].search(c) or g.R["CHANGE"].search(c)):
        ask.action = "retext"
    elif text is None and existing and placing and not (ask.color or ask.size):
        ask.action = "move"
    elif text is None and existing and (ask.color or ask.size or ask.pos):
        ask.action = "style"
    elif moving and not existing:
        ask.action = "move"  # the planner says there is nothing to move
    if kind == "caption" and g.R["UNSUPPORTED"].search(c):
        r.doubt("cannot", what=original_clause.strip())  # "add captions": words from speech, not an edit it has
        return True
    if kind == "caption" and ask.action == "add":
        ask.action = "style" if existing else "move"  # restyling captions, or there are none to change
    r.req.texts.append(ask)
    r.req.intents.append(kind if ask.action == "add" else f"{kind}_{ask.action}")
    r.last, r.verb = kind, ask.action
    return True


def _more_of_last_text(r: Reader, c: str, styled: Any, timed: bool) -> bool:
    """A clause of nothing but a title's attributes ("…, centered", "in gold") adds them to the clause before's."""
    if r.last not in ("title", "text") or not r.req.texts or not (styled or timed):
        return False
    if g.MUSIC_WORD.search(c) or g.VIDEO_WORD.search(c) or lexicon.read(c).style:
        return False
    last = r.req.texts[-1]
    last.color = slots.color(c) or last.color
    last.size = slots.size(c) or last.size
    last.pos = slots.position(c, last.pos) or last.pos
    last.scope = amounts.scope(c, r.length) or last.scope
    return True


def _size(r: Reader, c: str, kind: str) -> int | None:
    found = slots.size(c)
    if found is None or r.title is None or kind != "title":
        return found
    current = int((r.title.get("sty") or {}).get("size") or 64)
    if re.search(r"\b(?:bigger|larger)\b|更大|大一点", c):
        return max(found, round(current * 1.25))
    if re.search(r"\bsmaller\b|更小|小一点", c):
        return min(found, round(current * 0.75))
    return found


def _original(message: str, normalised_clause: str) -> str:
    """The clause as the user typed it (case kept), for titles; the whole message when it cannot be found."""
    words = normalised_clause.split()
    if not words:
        return message
    start = message.lower().find(words[0])
    return message[start:] if start >= 0 else message
