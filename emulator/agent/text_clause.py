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
                  (re.compile(r"\btoo\s+(?:small|tiny)\b|\bup\s+in\s+size\b|太小"), "bigger"),
                  (re.compile(r"\bfont(?:\s+size)?\b(?=.*\b(?:bigger|smaller|larger|tinier|huger)\b)"), "text"))
"""Sizes said the other way round ("too big" asks for smaller; "down in size" is not a position), and the font's
size as the text's ("make the font bigger")."""

if TYPE_CHECKING:
    from nemo_emulator.agent.reader import Reader


_ENDS = re.compile(r"\b(?:end|ends|finish|stop|disappear|disappears|vanish|until|till|go(?:es)?\s+away|leave|leaves)\b"
                   r"|结束|消失")
_FOR = re.compile(rf"\b(?:for|lasting|to)\s+(?:only\s+|just\s+)?{amounts.NUMBER}\s*{amounts.SECONDS}"
                  r"(?!\s*(?:in|from|after|mark))"
                  rf"|{amounts.NUMBER}\s*[- ]?{amounts.SECONDS}\s+long\b"
                  rf"|(?:显示|持续|停留|停|保留|展示)\s*{amounts.NUMBER}\s*秒|\"\"\s*{amounts.NUMBER}\s*秒\s*$"
                  rf"|\"\"\s*,?\s*{amounts.NUMBER}\s*{amounts.SECONDS}\s*$")
"""How long a text shows ("show the title for 5 seconds", "shorten the title to 1.5 seconds", "加『完赛』两秒", "add the
title 'Hi' 2 seconds")."""
_HOW_LONG = re.compile(r"\b(?:for|lasting|shorten|shorter|lengthen|longer|extend|long|last|lasts|stay|stays|show|keep"
                       r"|display|visible|on\s+screen)\b|显示|持续|停留|保留|展示")
_TO_END = re.compile(r"\b(?:until|till|through)\s+the\s+(?:very\s+)?end\b|\ball\s+the\s+way\s+through\b"
                     r"|(?:显示|保持|停留|持续)\S{0,2}到(?:视频)?(?:结尾|最后|结束)|直到(?:视频)?(?:结尾|最后|结束)"
                     r"|\b(?:last|lasts|stay|stays|run|runs|extend|keep|show|display)\b.{0,30}\bto\s+the\s+(?:very\s+)?end\b")
"""Shown from where it starts to the end ("make the title last until the end"), not moved there ("move it to the
end")."""
_WHOLE = re.compile(r"\b(?:the\s+)?(?:whole|entire|full)\s+(?:video|clip|thing|time|length)\b"
                    r"|\bthroughout\b(?!\s+the\s+\w+)|\ball\s+the\s+time\b|\bthe\s+whole\s+way\b|全程|整个视频")
_IS_NAMED = re.compile(r"\b(?:title|heading|text)\s+(?:is|should\s+be)\b")
"""New words for the text there is ("the title is Summer Vibes"), not a second one."""
_SPEECH_TEXT = re.compile(r"\b(?:captions|subtitles|closed\s+captions|transcript)\b|字幕")
_SPEECH_VERB = re.compile(r"^\W*(?:please\s+)?(?:subtitle|caption|transcribe)\s+(?:the|this|my|it|all)\b")
"""Text taken from what is said in the video (subtitles): the agent has no speech to read it from."""
_CASE = re.compile(r"\b(?:in\s+)?(?:all\s+)?(?:(caps|capitals|capital\s+letters|upper\s*case|uppercase|block\s+letters)"
                   r"|(lower\s*case|lowercase|small\s+letters))\b|(全部大写|大写)|(全部小写|小写)")
"""The words there in another case ("write the title in all caps"): new words made from the old ("upper" here is no
position)."""
_AGAIN = re.compile(r"\b(?:again|once\s+more|a\s+second\s+time|back\s+(?:at|for|from|near|towards?))\b"
                    r"|再(?:次)?(?:出现|显示)")
"""The title brought back for a second appearance, not moved ("show the title again at 12 seconds")."""
_EACH = re.compile(r"\b(?:each|apiece|both)\b|各|每个")
"""An amount for every text the message adds ("…, 3 seconds each")."""
_LATER = ("later", "晚", "推迟", "延后", "往后挪", "往后移", "向后移", "后移")
_EARLIER = ("earlier", "sooner", "早", "提前", "往前挪", "往前移", "向前移", "前移")
_LONGER_WORDS, _SHORTER_WORDS = ("longer", "延长"), ("shorter", "缩短")


def _by_amount(forward: tuple[str, ...], back: tuple[str, ...]) -> re.Pattern[str]:
    """"2 seconds later" or "晚2秒": an amount with a direction word after it (English) or before it (Chinese)."""
    english = "|".join(w for w in forward + back if w.isascii())
    chinese = "|".join(sorted((w for w in forward + back if not w.isascii()), key=len, reverse=True))
    return re.compile(rf"{amounts.NUMBER}\s*{amounts.SECONDS}\s+({english})\b|({chinese})\s*{amounts.NUMBER}\s*秒")


_SHIFT = _by_amount(_LATER, _EARLIER)
"""A text moved in time by an amount ("move the title 2 seconds later")."""
_LONGER = _by_amount(_LONGER_WORDS, _SHORTER_WORDS)
"""A text shown for longer or shorter by an amount ("make the title 2 seconds longer")."""
_APPEARS_AT = re.compile(rf"(?:在|从)?\s*第?\s*(?<![前后])(?<!最后)(?<!最后的){amounts.NUMBER}\s*秒\s*(?:的时候|时)?\s*"
                         r"(?:再次?)?\s*(?:出现|显示|进入|开始出现)")
"""When a text comes on screen, in Chinese ("标题在第3秒出现"; "最后3秒出现" is a span, not a start)."""


_SWAPPED_WORDS = re.compile(r"\b(?:replace|change|swap|switch|turn)\s+[\"“'‘](.+?)[\"”'’]\s+(?:with|to|into|for|by)\s+"
                            r"[\"“'‘](.+?)[\"”'’]|[“\"「](.+?)[”\"」]\s*(?:改成|换成|改为|替换成|替换为)\s*[“\"「](.+?)[”\"」]")
"""Words swapped for others by quoting both ('replace "Hello" with "Welcome"'): the title that says the first."""
_WRITE = re.compile(r"\b(?:write|type|print|display)\b|写上|打上")
"""Putting quoted words on screen by writing them ("write 'The End' over the last 2 seconds")."""
_PICTURE = re.compile(g.PICTURE_FILE + r"\b"
                      r"|\b(?:a|an|the|my|our|your|this|company|brand)\s+(?:logo|image|picture|photo|sticker|watermark)\b")
"""A picture laid over the video: the draft's overlays are text."""


_TWO_LINE_THIRD = re.compile(
    r"\blower[\s-]+thirds?\b.*\bname\b.*\band\s+(?:a\s+|the\s+|job\s+)?(?:title|role|position)\b")
"""A lower third with a name and a role: two styled lines, which the draft's one-line texts are not (a name alone
is one text)."""


def texts(r: Reader, original_clause: str, c: str) -> bool:
    for said, meant in _RELATIVE_SIZE:
        c = said.sub(meant, c)
    case = _CASE.search(c)
    c = _CASE.sub(" ", c) if case else c
    typed = slots.title_text(_original(r.message, original_clause))
    swap = _SWAPPED_WORDS.search(r.message)
    if swap is not None and (swap.group(1) or swap.group(3)).lower() in original_clause:
        old, new = (swap.group(1) or swap.group(3)).strip(), (swap.group(2) or swap.group(4)).strip()
        if r.title is None or old.lower() != r.title_words:
            r.doubt("unclear", what=original_clause.strip())  # no title says those words: which text is meant?
            return True
        r.req.texts.append(TextAsk("title", "retext", new))  # 'replace "Hello" with "Welcome"'
        r.req.intents.append("title_retext")
        r.last, r.verb = "title", "retext"
        return True
    if case and typed is not None and _CASE.fullmatch(typed.lower().strip()):
        typed = None  # "标题改成全部大写": the case is the change, not the new words
    title_word, text_word = g.TITLE_WORD.search(c), g.TEXT_WORD.search(c)
    if (title_word or text_word) and g.VERDICT.search(c) and not g.QUOTED.search(original_clause):
        return True  # nothing to change; the message reads as thanks
    named = bool(title_word or text_word)
    animated = (named or g.QUOTED.search(original_clause)) and g.R["ANIMATION"].search(c) is not None
    unfaded = named and amounts.NO_FADE.search(c) is not None  # "remove the fade from the title": its own fade-in
    if animated or unfaded or _TWO_LINE_THIRD.search(r.message.lower()):
        r.doubt("cannot", what=original_clause.strip())  # "make the title slide in from the left": not a move
        return True
    spoken = g.QUOTED.search(original_clause) and not (named or g.MUSIC_WORD.search(c))
    if spoken and g.R["UNSUPPORTED"].search(g.QUOTED.sub(" ", c)):
        r.doubt("cannot", what=original_clause.strip())  # "zoom in where I say 'amazing'": the quote is speech
        return True
    if _PICTURE.search(c) and not g.QUOTED.search(original_clause):
        r.doubt("cannot", what=original_clause.strip())  # "overlay logo.png at the top right": a picture, not text
        return True
    if g.R["LOUDNESS"].search(c) and g.DURING.search(c) and not g.QUOTED.search(original_clause):
        return False  # "lower the volume during the title": the music's loudness, timed by the title
    if g.R["LOUDNESS"].search(c) and amounts.volume(c) is not None and not (title_word or text_word):
        return False  # "turn it down to a quarter": how loud, not where ("down" is no position here)
    styled = slots.color(c) or slots.size(c) or slots.position(c) or any(t.search(c) for t, _ in _TIMES_SIZE)
    timed = amounts.scope(slots.SIZE_NUMBER.sub(" ", c), r.length) is not None
    pronoun = (g.R["PRONOUN"].search(c) and r.last in ("title", "text")
               and (styled or timed or g.R["MOVE"].search(c) or g.R["RENAME"].search(c)))  # fmt: skip
    music = g.MUSIC_WORD.search(c) or lexicon.read(c).style
    implied = (styled and not music and r.title is not None and g.R["PRONOUN"].search(c)
               and (g.R["CHANGE"].search(c) or g.R["MOVE"].search(c)) and r.last is None)  # fmt: skip
    words_in_quotes = g.QUOTED.search(original_clause) is not None and not music and not g.VIDEO_WORD.search(c)
    shown = g.R["ADD_VERB"].search(c) is not None or _WRITE.search(c) is not None
    quoted = words_in_quotes and shown  # 'add "TOP TEXT" at the top', "write 'The End' over…": words to show
    another = words_in_quotes and not quoted and r.verb == "add" and r.last in ("title", "text")  # '…and "Part 2"'
    if not (title_word or text_word or g.R["TITLE_INTENT"].search(c) or pronoun or implied or quoted or another):
        return _more_of_last_text(r, c, styled, timed)
    kind = "title" if title_word or (not text_word and ((pronoun and r.last == "title") or implied)) else "text"
    if not title_word and not text_word and not pronoun and not implied:
        kind = "title"
    if another and not title_word and any(t.kind == "title" and t.action == "add" for t in r.req.texts):
        kind = "text"  # the title is the first of them; one draft has one title
    adding = g.R["ADD_VERB"].search(c) is not None or another
    words = str((r.title or {}).get("tx") or "").lower()
    if kind == "text" and words and not r.has_captions and re.search(rf"(?<!\w){re.escape(words)}\s+text\b", c):
        kind = "title"  # "move the Hello text": the title, named by its words
    if (kind == "text" and g.CAPTION_WORD.search(c) and not adding
            and slots.title_text(_original(r.message, original_clause)) is None):
        kind = "caption"  # "make the captions bigger": the captions there are, never the title
    existing = r.title is not None if kind == "title" else r.has_text if kind == "text" else r.has_captions
    text = typed
    if case and text is None and existing and kind == "title" and r.title is not None:
        words = str(r.title.get("tx") or "")
        text = words.upper() if case.group(1) or case.group(3) else words.lower()
    if text is None and (((adding or g.R["GENERATE_VIDEO"].search(c)) and _SPEECH_TEXT.search(c))
                         or _SPEECH_VERB.search(c)):
        r.doubt("cannot", what=original_clause.strip())  # "add subtitles": words from what is said, not typed
        return True
    current_pos = str((r.title or {}).get("sty", {}).get("pos") or "top-center") if kind == "title" else None
    unquoted = text is not None and not g.QUOTED.search(original_clause)
    look = c.replace(text.lower(), " ", 1) if unquoted and text else c  # "…to Big Sale in yellow": "big" is a word
    scope = _scope(r, look, r.title if kind == "title" else None)
    ask = TextAsk(kind, "add", text, slots.color(look), _size(r, look, kind), slots.position(look, current_pos), scope)
    if kind == "title" and text is None and r.title is not None and _AGAIN.search(c) and not g.R["MOVE"].search(c):
        return _again(r, ask)
    moving = g.R["MOVE"].search(c) is not None
    placing = g.R["PLACE"].search(c) is not None and (ask.pos or ask.scope)
    if text is not None and not existing:
        pass  # a new title, wherever it is put
    elif moving and existing and text is None:
        ask.action = "move"
        if ask.pos is None and ask.scope is None:
            r.doubt("where_title")
    elif text is not None and existing and (g.R["RENAME"].search(c) or g.R["CHANGE"].search(c) or _IS_NAMED.search(c)
                                            or case):
        ask.action = "retext"
    elif text is None and existing and placing and not (ask.color or ask.size):
        ask.action = "move"
    elif text is None and existing and (ask.color or ask.size or ask.pos):
        ask.action = "style"
    elif moving and not existing:
        ask.action = "move"  # the planner says there is nothing to move
    elif text is None and existing and ask.scope is not None:
        ask.action = "move"  # "make the title appear at 3 seconds"
    if kind == "caption" and g.R["UNSUPPORTED"].search(c):
        r.doubt("cannot", what=original_clause.strip())  # "add captions": words from speech, not an edit it has
        return True
    if kind == "caption" and ask.action == "add":
        ask.action = "style" if existing else "move"  # restyling captions, or there are none to change
    r.req.texts.append(ask)
    r.req.intents.append(kind if ask.action == "add" else f"{kind}_{ask.action}")
    r.last, r.verb = kind, ask.action
    return True


def _again(r: Reader, ask: TextAsk) -> bool:
    """The title shown a second time ("show the title again at 12 seconds"): a text with its words and look there;
    it stays where it is. Without a time, where is the question."""
    assert r.title is not None
    if ask.scope is None:
        r.doubt("where_title")
        return True
    look = r.title.get("sty") or {}
    again = TextAsk("text", "add", str(r.title.get("tx") or ""), ask.color or look.get("color"),
                    ask.size or look.get("size") or 64, ask.pos or look.get("pos") or "top-center", ask.scope)
    r.req.texts.append(again)
    r.req.intents.append("text")
    r.last, r.verb = "text", "add"
    return True


_LENGTH_ALONE = re.compile(rf"\W*(?:for\s+|lasting\s+)?{amounts.NUMBER}\s*{amounts.SECONDS}(?:\s+long)?\W*")
"""A clause that is only a length, after a text ("add 'Sale', 4 seconds"): how long that text shows."""


def _more_of_last_text(r: Reader, c: str, styled: Any, timed: bool) -> bool:
    """A clause of nothing but a title's attributes ("…, centered", "in gold") adds them to the clause before's."""
    if r.last not in ("title", "text") or not r.req.texts:
        return False
    if g.MUSIC_WORD.search(c) or g.VIDEO_WORD.search(c) or lexicon.read(c).style:
        return False
    last = r.req.texts[-1]
    if (alone := _LENGTH_ALONE.fullmatch(c)) is not None and last.action == "add":
        start = last.scope.start if last.scope is not None and last.scope.start is not None else 0
        last.scope = amounts.Scope(span=(start, start + int(float(alone.group(1)) * 1000)))  # "add 'Sale', 4 seconds"
        return True
    if not (styled or timed or _EACH.search(c)):
        return False
    if _EACH.search(c) and (seconds := slots.duration(c)) is not None:
        for ask in r.req.texts:  # '"Part 1" at 5s and "Part 2" at 12s, 3 seconds each'
            if ask.action == "add" and (ask.scope is None or ask.scope.span is None):
                start = ask.scope.start if ask.scope is not None and ask.scope.start is not None else 0
                ask.scope = amounts.Scope(span=(start, start + int(seconds * 1000)))
        return True
    last.color = slots.color(c) or last.color
    shown = int(((r.title or {}).get("sty") or {}).get("size") or 0) if last.kind == "title" else 0
    now = last.size or shown or (64 if last.kind == "title" else 40)  # the size "twice as big" doubles
    last.size = _times(c, now) or slots.size(c) or last.size
    last.pos = slots.position(c, last.pos) or last.pos
    scope = _scope(r, c, r.title if last.kind == "title" else None)
    old, raw = last.scope, amounts.scope(c, r.length)
    if old is not None and old.start is not None and old.span is None and raw is not None and _ENDS.search(c):
        end = raw.end if raw.end is not None else raw.start
        if end is not None and end > old.start:
            scope = amounts.Scope(span=(old.start, end))  # "…appear at 3s and disappear at 7s"
    last.scope = scope or last.scope
    return True


def _scope(r: Reader, c: str, current: dict[str, Any] | None) -> amounts.Scope | None:
    """When a text shows: a time or span, how long ("for 5 seconds", from where it starts now), until the end, the
    whole video, or shifted from where it is ("2 seconds later")."""
    c = slots.SIZE_NUMBER.sub(" ", c)  # "font size to 120": a size, not 120 seconds
    begins = int(drafts.start_ms(current)) if current is not None else 0
    own = int(drafts.length_ms(current)) if current is not None else 0
    if (shift := _SHIFT.search(c)) is not None and current is not None:
        step = _signed_ms(shift, _LATER)
        return amounts.Scope(span=(begins + step, begins + own + step)) if begins + step >= 0 else None
    if _WHOLE.search(c) and r.length:
        return amounts.Scope(span=(0, int(r.length)))
    if _TO_END.search(c) and r.length:
        return amounts.Scope(span=(begins, int(r.length)))
    if (longer := _LONGER.search(c)) is not None and current is not None:
        end = begins + own + _signed_ms(longer, _LONGER_WORDS)
        return amounts.Scope(span=(begins, end)) if end > begins + 100 else None
    if (appear := _APPEARS_AT.search(c)) is not None:
        start = int(float(appear.group(1)) * 1000)
        return amounts.Scope(span=(start, start + (own or 3000)))
    scope = amounts.scope(c, r.length)
    if (long := _FOR.search(c)) is not None and (_HOW_LONG.search(c) or long.group(0).startswith('""')) \
            and (scope is None or scope.span is None):
        n = int(float(next(x for x in long.groups() if x)) * 1000)
        times = len(re.findall(rf"{amounts.NUMBER}\s*{amounts.SECONDS}", c))
        start = scope.start if scope is not None and scope.start is not None and (scope.start != n or times > 1) \
            else begins  # "shorten the title to 1.5 seconds": the one amount is the length, not a start
        return amounts.Scope(span=(start, start + n))
    if scope is not None and scope.start is not None and scope.end is None and _ENDS.search(c):
        scope = amounts.Scope(end=scope.start)  # "end the title after 3 seconds": when it ends, not starts
    if scope is not None and scope.end is not None and scope.start is None and scope.span is None and _ENDS.search(c):
        scope = amounts.Scope(span=(begins, scope.end)) if scope.end > begins else scope  # it still starts where it did
    return scope


def _signed_ms(m: re.Match[str], forward: tuple[str, ...]) -> int:
    """The amount of a _by_amount match in ms, negative when its word is not one of `forward`."""
    amount, way = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    return int(float(amount) * 1000) * (1 if way in forward else -1)


_TIMES_SIZE = (
    (re.compile(r"\b(?:twice\s+as\s+(?:big|large)|double\s+(?:the\s+|its\s+)?size|double\s+it|2x\s+(?:bigger|larger))\b"
                r"|放大一倍|大一倍|翻倍|两倍大|放大两倍"), 2.0),
    (re.compile(r"\b(?:half\s+(?:the\s+|its\s+)?size|half\s+as\s+(?:big|large))\b|缩小一半|小一半|一半大"), 0.5),
)
"""A size said as a factor of the current one ("twice as big", "字号放大一倍")."""


def _times(c: str, current: int) -> int | None:
    """The size a factor of `current` makes ("twice as big" of 64 is 128), or None."""
    factor = next((f for said, f in _TIMES_SIZE if said.search(c)), None)
    return None if factor is None else max(8, min(200, round(current * factor)))


def _size(r: Reader, c: str, kind: str) -> int | None:
    found = slots.size(c)
    current = int((r.title.get("sty") or {}).get("size") or 64) if r.title is not None else 64
    if r.title is not None and kind == "title" and (times := _times(c, current)) is not None:
        return times
    if found is None or r.title is None or kind != "title":
        return found
    if re.search(r"\b(?:bigger|larger)\b|更大|大一点", c):
        return max(found, round(current * 1.25))
    if re.search(r"\bsmaller\b|更小|小一点", c):
        return min(found, round(current * 0.75))
    return found


def _original(message: str, normalised_clause: str) -> str:
    """The clause as the user typed it (case kept), for titles; the whole message when it cannot be found."""
    lower = message.lower()
    if (q := g.QUOTED.search(normalised_clause)) is not None and (at := lower.find(q.group(0))) >= 0:
        return message[at:]  # its own quote, not the first of the message ('"A" at the top and "B" at the bottom')
    if (at := lower.find(normalised_clause)) >= 0:
        return message[at:]
    words = normalised_clause.split()
    if not words:
        return message
    start = lower.find(words[0])
    return message[start:] if start >= 0 else message
