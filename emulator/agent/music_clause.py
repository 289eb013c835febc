"""Reading a clause about the background music: add, change (to a style, or relative: "happier"), or adjust
(volume, fades, when it plays). A misspelt style word is corrected only where a style is expected."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nemo_emulator.agent import amounts, cut_clause, lexicon
from nemo_emulator.agent import grammar as g
from nemo_emulator.agent.request import MusicAsk

if TYPE_CHECKING:
    from nemo_emulator.agent.reader import Reader

_MUSIC_ADD = re.compile(
    g._words(
        "add",
        "put",
        "give",
        "insert",
        "include",
        "throw in",
        "apply",
        "need",
        "want",
        "use",
        "with",
        "i'd like",
        "let's have",
        "加",
        "加上",
        "添加",
        "加入",
        "来一段",
        "来点",
        "配上",
        "来一首",
        "配一首",
        "加点",
        "加个",
    )
    + r"|配(?!乐)|\b(?:make|create|compose|generate|produce)\s+(?:me\s+)?(?:some|a|an|new)\b|\b(?:compose|score)\b"
)
"""Verbs that bring new music (not "make the music …", not "要" or "放", which only point at it)."""
_TOLD = re.compile(r"\b(?:make|keep|set|put|turn|have|leave|bring|play|move|push|sit|tuck|mix|go|lower|drop|switch"
                   r"|should|must|needs?\s+to|ought\s+to)\b|调|设|放|让|弄|改|应该")
"""A verb that says how the music should be ("keep it quiet"): of music there, "in the background" said without
one ("some nice music in the background") is how it is, not a level to set."""
_TRIMS = re.compile(r"\b(?:trim|cut|shorten|crop|chop)\b|剪|裁")
"""A verb that shortens: "it" with one of them is the video, not the music it carries."""
_CUT_VERB = re.compile(r"\b(?:cut|trim|shorten|keep|remove|delete|drop|crop)\b|剪|只要|保留|删|裁")
_COMPARATIVE = re.compile(r"(?:ier|er)$")
_COPULA = re.compile(r"(?:\b(?:is|are|was|were|am|i'm|im|looks?|seems?|sounds?|feels?)|'s|'re)\s+"
                     r"(?:so\s+|really\s+|very\s+|pretty\s+|quite\s+|super\s+|kind\s+of\s+|a\s+bit\s+|totally\s+)?$"
                     r"|(?<![要想来加放用换配])(?:很|真|好|太|非常|挺|是|感觉|听起来|看起来)\s*$")
"""A style word said of something ("that's epic"): a verdict, not a request."""
_LATER = re.compile(r"\b(?:later|earlier|sooner|longer|shorter)\b|晚一点|早一点|晚点|早点")
_UNDER = re.compile(r"\b(?:under|underneath|beneath|behind|over|for|on)\s+(?:the|my|this)\s+(?:video|clip|footage)\b")
"""Music placed against the video ("acoustic guitar under the video"): the video word is where, not what."""
_REPLACED = re.compile(
    r"\b(?:replace|swap|switch|change)\s+(?:the\s+)?(.+?)\s+(?:with|for|to|into)\s+(.+)$|^(.+?)换成(.+)$"
)
"""Replacing one style by another ("replace the lo-fi with classical"): the style wanted is the second."""
_ANOTHER = re.compile(r"(?:一首|一个|个|首|点)?\s*(?:别的|其他的?|其它的?|另一首|另外一首|另一个|新的|不同的|一首新的)"
                      r"\s*(?:音乐|歌|歌曲|配乐|曲子|bgm|背景音乐)?")
"""Other music, no style named ("换成别的", "换成另一首"): a new track of the style that fits."""
_NOT_WANTED = re.compile(
    r"\b(?:but|and)\s+(?:no|not\s+(?:a|any))\s+(?:[\w-]+\s+){0,2}(?:music|beat|song|soundtrack|bgm)\b"
)
"""A style ruled out inside a request for something else ("cut it fast but no trap beat")."""
_WHOLE = r"(?:it|this|the\s+(?:whole\s+|entire\s+)?(?:video|thing)|everything)"
_BARE_MOOD = re.compile(r"^\W*(?:make|turn|get)\s+" + _WHOLE + r"\s+(?:look\s+|feel\s+)?"
                        r"(?:more\s+|a\s+bit\s+|really\s+|very\s+)?[\w-]+\W*$"
                        r"|^\W*把?(?:这个|整个)?(?:视频|整体|画面|它)?\s*(?:做成|弄成|变成|改成|调成)\s*(?:更加|更)?\s*"
                        r"[^\W\d]{1,6}?(?:的)?(?:风格|感觉|感|一点)?\W*$"
                        r"|^\W*(?:加个|加点|来点|加一点|加一些|给它)\s*(?:更)?[^\W\d]{1,6}?(?:的)?(?:感觉|氛围|感)\W*$")
"""A mood said of the whole video ("make it dark"): about the music only if there is music to change."""
_GIVE_MOOD = re.compile(r"^\W*give\s+" + _WHOLE + r"\s+(?:a|an|some)\s+(?:more\s+)?[\w-]+\s+(?:feel|vibe|touch)\W*$")
"""A mood given to the whole video ("give it a dreamy feel")."""
_LOOK_WORD = re.compile(r"\b(?:cinematic|dark|darker|moody|dreamy|retro|bright|brighter|vibrant|warm|warmer|cool"
                        r"|cute)\b"
                        r"|电影感|可爱|复古|梦幻|明亮|温暖|清新|暗黑")
"""Moods a picture has as readily as music: said of the whole video, they may mean its look."""
_LESS_OF = re.compile(r"(?:\btoo|\bnot\s+(?:so|as|too)|\bless|\bno\s+longer|\bnot\s+that)\s+(?:\w+\s+)?$"
                      r"|(?:不要|没|别|不)那么\s*$|太\s*$")
"""A style said to be too much ("too sad", "not so sinister", "less dark", "没那么伤感", "太忧郁"): away from it, to
what?"""
_CLIP_FADED = re.compile(r"\b(?:clips?|shots?|scenes?)\b(?!'s)")
"""A clip, shot or scene that a fade is put on ("give the first clip a fade in"); a time in one ("the end of the
clip", _CLIP_TIME) is where the music fades."""
_CLIP_TIME = re.compile(r"\b(?:end|start|beginning|middle)\s+of\s+(?:the\s+|this\s+|my\s+)?(?:clip|shot|scene)\b")
NO_FADE = re.compile(r"\b(?:instead\s+of|rather\s+than|without|no|not|never)\s+(?:any\s+|the\s+|a\s+)?"
                     r"(?:\w+\s+)?fades?\b|不要淡入淡出|不要淡出|不要淡入|不用淡")
"""A fade ruled out ("use cuts instead of fades", "add jazz without fades"): no fade to set."""
_DETERMINERS = {"some", "a", "an", "the", "more", "little", "bit", "of", "nice", "good", "cool", "kind", "sort"}


_CUT_TO_LENGTH = re.compile(
    rf"\b(?:trim|cut|shorten|crop|chop)\b.{{0,30}}?\bto\s+{amounts.NUMBER}\s*{amounts.SECONDS}(?!\s*(?:mark|point|in\b))"
    rf"|\bmake\b.{{0,30}}?\b{amounts.NUMBER}\s*{amounts.SECONDS}\s+long\b|(?:剪到|缩短到|缩到|裁到|截到|剪成)\s*{amounts.NUMBER}\s*秒"
)
"""Music cut to a length ("trim the song to 10 s", "make the music 10 seconds long"): it plays that long, from where
it starts; "to 10 s" is no start time here."""
_LASTING = re.compile(r"\b(?!(?:19|20)?[1-9]0s\b)\d+(?:\.\d+)?\s*-?\s*(?:s|secs?|seconds?|mins?|minutes?)\s+"
                      r"(?:of\b|(?:[\w-]+\s+){0,2}(?:track|song|music|tune|loop|bgm|soundtrack)\b)")
"""Music with a length and no place ("add 10 seconds of jazz", "a 10 second jazz track"; "80s music" is a decade)."""


def music(r: Reader, c: str) -> bool:
    music_word = g.MUSIC_WORD.search(c) is not None
    if (level := amounts.scale_level(c)) is not None:
        r.doubt("volume_scale", n=level)  # "volume 8": 8% or 80%?
        r.req.intents.append("music_adjust")
        return True
    strong = re.search(r"\b(?:music|bgm|soundtrack|song|track)\b|音乐|配乐", c) is not None
    if not music_word and cut_clause.CUT_AT.search(c):
        return False  # "cut it at 10s": the clip, where a cut can be made
    if not strong and (g.R["UNSUPPORTED"].search(c) or g.R["LOOK"].search(c)):
        return False  # "add film grain", "make it look cinematic": the picture, not the music
    heard = amounts.DROWNED.sub(" ", c)  # "音乐压过了人声": the voice is why the music goes down
    unsupported = [m.group(0) for m in g.R["UNSUPPORTED"].finditer(heard)] if strong else []
    if unsupported and not set(unsupported) <= {hit.word for hit in lexicon.hits(c)}:
        r.doubt("cannot", what=c.strip())  # "smooth transitions with background music": not the music alone
        return True  # ("darker music" is a style: a word the lexicon reads is not the picture's)
    ex = g.R["EXCEPT"].search(c)
    if ex and g.MUSIC_WORD.search(c[ex.end() :]) and not g.MUSIC_WORD.search(c[: ex.start()]):
        r.doubt("cannot", what=c.strip())  # "mute everything but the music": the clip's own sound
        return True
    if g.R["DUCK"].search(c) and (music_word or r.has_music or r.req.music is not None or r.last == "music"):
        r.doubt("cannot", what=c.strip())  # "讲话时音乐小一点": lowered only under speech
        return True
    reading = lexicon.read(c, occasions=music_word or bool(_MUSIC_ADD.search(c)))
    too_much = [hit for hit in lexicon.hits(c) if _LESS_OF.search(c[: hit.start])]
    if too_much:
        rest = _without(c, too_much)
        if not lexicon.hits(rest):
            r.ask_other_music()  # "the music feels too sad": which instead?
            return True
        reading = lexicon.read(rest, occasions=music_word)  # "less sad and more upbeat": the style wanted is upbeat
    if reading.style and music_word and _said_of_something(c) and r.has_music and not g.R["EDIT_VERBS"].search(c):
        r.req.intents.append("music_change")
        r.doubt("which_instead")  # "the music is a bit gloomy": said of it; changed to what?
        return True
    if reading.style and not music_word and _said_of_something(c) and not g.R["EDIT_VERBS"].search(c):
        return True  # "I'm happy with it", "that's epic": how something is, nothing to change
    if _NOT_WANTED.search(c):
        return True  # "…but no trap beat": what not to add
    if g.VERDICT.search(c) and not g.R["EDIT_VERBS"].search(c):
        return True  # "the music is great": nothing to change
    if (swap := _REPLACED.search(c)) is not None:
        wanted = lexicon.read(swap.group(2) or swap.group(4) or "", occasions=True)
        reading = wanted if wanted.style is not None else reading
        named = (swap.group(4) or "").strip(" 吧了呢啊。，")
        other = _ANOTHER.fullmatch(named) or g.MUSIC_WORD.fullmatch(named) or g.R["FADE"].search(named)
        if swap.group(4) and wanted.style is None and named and not other and not amounts.volume(named):
            r.doubt("unclear", what=named)  # "把背景音乐换成军中绿花": a song by its name, not a style
            return True
    if reading.style is None and not reading.rivals:
        reading = _spelled(r, c, music_word) or reading
    ruled_out = NO_FADE.search(c) and not amounts.NO_FADE.search(c)  # "instead of fades": no fade to set or take
    fades = amounts.fades(c) if g.R["FADE"].search(c) and not ruled_out else (None, None)
    if fades == (None, None) and re.match(r"^\W*(?:in|out)\s+(?:over|for)\b", c) and r.last == "music":
        fades = amounts.fades("fade " + c)
    clip_faded = _CLIP_FADED.search(_CLIP_TIME.sub("", c)) or (r.last == "video" and not r.has_music)
    if fades != (None, None) and not music_word and r.last != "music" and clip_faded:
        r.doubt("cannot", what=c.strip())  # "give the first clip a fade in", "cut 2 s and fade in": the picture fades
        return True
    silenced = (said := amounts.volume(c)) is not None and said.level == 0
    if silenced and not music_word and g.R["EVERYTHING"].search(c) and not g.R["EXCEPT"].search(c):
        r.doubt("cannot", what=c.strip())  # "mute everything": the clip's own sound too, which it cannot set
        return True
    if r.last == "video" and not music_word and g.R["PRONOUN"].search(c) and said is not None:
        r.doubt("cannot", what=c.strip())  # "cut the first 5 seconds and mute it": the clip's own sound
        return True
    told = not r.has_music or _MUSIC_ADD.search(c) is not None or _TOLD.search(c) is not None
    volume = amounts.volume(c, adding=told, existing=r.has_music and not _MUSIC_ADD.search(c))
    scope = amounts.scope(amounts.unlevelled(c), r.length)
    if (cut := _CUT_TO_LENGTH.search(c)) is not None and (music_word or r.last == "music"):
        seconds = float(next(x for x in cut.groups() if x))
        scope = amounts.Scope(span=(r.music_start, r.music_start + int(seconds * 1000)))  # "trim the song to 10 s"
    had_music = r.has_music or (r.req.music is not None and r.req.music.add)
    adjusts = volume is not None or fades != (None, None) or (scope is not None and (had_music or r.last == "music"))
    trims = _TRIMS.search(c) is not None  # "trim it to 10 s": the video
    pronoun = (g.R["PRONOUN"].search(c) and (r.last == "music" or (r.last is None and r.has_music and not trims))
               and (adjusts or reading.style))  # fmt: skip
    about: object = music_word or reading.style or reading.rivals or fades != (None, None) or pronoun
    loud = volume is not None and g.R["LOUDNESS"].search(c) is not None
    about = about or (loud and not g.VIDEO_WORD.search(c)) or g.R["MUSIC_CHANGE"].search(c)
    about = about or (scope is not None and r.last == "music" and not _CUT_VERB.search(c))  # "…, 只放前8秒"
    if not about or (reading.style and g.VIDEO_WORD.search(c) and not music_word and not g.R["ADD_VERB"].search(c)
                     and not pronoun and not re.search(r"\bsound\b|\bfeel\b", c) and not _UNDER.search(c)):  # fmt: skip
        return False
    ask = r.req.music or MusicAsk()
    r.req.music = ask
    had = r.has_music or ask.add
    relative = reading.style is not None and _relative(c)
    adjust_noun = re.search(r"\b(?:volume|level|loudness|fades?|start|end|timing|length)\b|音量|淡入|淡出", c)
    level_only = volume is not None and reading.style is None  # "音乐换成30%": the level changes, not the track
    changing = (g.R["MUSIC_CHANGE"].search(c) is not None and not adjust_noun and not level_only) or (relative and had)
    adding_verb = _MUSIC_ADD.search(c) is not None and not re.search(
        r"\b(?:add|put|give|apply)\s+(?:a\s+)?(?:\d+\s*\w*\s+)?fades?"
        r"|(?:音乐|配乐|bgm|歌)[^，。,]{0,4}?(?:加|添加)[个一上点]*\s*(?:\d+(?:\.\d+)?\s*秒\s*的?)?(?:淡入|淡出|渐入|渐出)",
        c,
    )  # "add a fade to the music", "音乐加个淡入淡出": the fades of what plays
    if reading.rivals:
        r.doubt("which_style", styles=reading.rivals)
    if reading.style and (relative or (_BARE_MOOD.match(c) and not music_word)) and not had:
        r.doubt("no_music_style", style=reading.style)  # "make it dark" with no music: the picture, or music?
    elif reading.style and (_BARE_MOOD.match(c) or _GIVE_MOOD.match(c)) and not music_word and _LOOK_WORD.search(c):
        r.doubt("look_or_music" if had else "no_music_style", style=reading.style)  # "make it cinematic": a look too
    fresh = not had and (music_word or scope) and volume is None and fades == (None, None)
    definite = re.search(r"\b(?:the|my|this|that|current|existing)\s+(?:background\s+)?(?:music|bgm|soundtrack|song"
                         r"|track|audio|beat|tune)\b", c)  # fmt: skip
    if changing or reading.style or fresh or (adding_verb and music_word and not (definite and had)):
        ask.add = True
        ask.change = ask.change or changing
    if reading.style and ask.style and reading.style != ask.style and not changing:
        named = any(h.kind == "genre" and h.style == reading.style for h in lexicon.hits(c))
        if named and ask.style in lexicon.GENRES:
            r.doubt("which_style", styles=(ask.style, reading.style))  # "lo-fi …, and a jazzy feel": two genres
        elif not named:
            reading = lexicon.Reading(ask.style, ask.modifier)  # "a lo-fi track …, mellow drums": still lo-fi
    if reading.style:
        ask.style, ask.modifier = reading.style, reading.modifier
        if r.req.doubt is not None and r.req.doubt[0] in ("which_instead", "which_music"):
            r.req.doubt = None  # "the music is too sad, make it happier": the next clause said which
    ask.volume = volume or ask.volume
    ask.fade_in = fades[0] if fades[0] is not None else ask.fade_in
    ask.fade_out = fades[1] if fades[1] is not None else ask.fade_out
    for_a_while = g.A_WHILE.search(c) and scope is None
    if volume is not None and (scope is not None or g.DURING.search(c) or for_a_while) and (
        volume.level == 0 or not ask.add
    ):
        r.doubt("cannot", what=c.strip())  # "把 4 到 6 秒静音", "quieter in the first 5 s": one volume per track
    elif amounts.VAGUE.search(c) or re.search(r"\bsomewhere\b|\bin\s+the\s+middle\b|中间", c):
        r.doubt("when_music")
    elif scope is not None and fades != (None, None) and not re.search(r"\bfrom\b|\bbetween\b|从", c):
        pass  # "fade out at the end", "fade out over the last 3 seconds": the time is the fade's
    elif scope is not None and scope.where is not None:
        r.doubt("how_long_music", where=scope.where)
    elif scope is not None:
        ask.scope = _merged(ask.scope, scope)
        if r.req.doubt is not None and r.req.doubt[0] == "how_long_music":
            r.req.doubt = None  # "…at the start, first 3 seconds": the next clause said how long
    elif fades == (None, None) and (for_a_while or (scope is None and _LASTING.search(c))):
        r.doubt("when_music")  # "add jazz for 10 seconds": how long, not when
    elif _LATER.search(c) and not volume:
        r.doubt("when_music")
    r.req.intents.append("music_change" if ask.change else "music" if ask.add else "music_adjust")
    r.last, r.verb = "music", "add" if ask.add else "set"
    return True


def _spelled(r: Reader, c: str, music_word: bool) -> lexicon.Reading | None:
    """A misspelt style word where one is expected: right before a word for music, or what "add" adds."""
    tokens = c.split()
    spots: list[int] = []
    for i, token in enumerate(tokens):
        if g.MUSIC_WORD.fullmatch(token) and i > 0:
            spots.append(i - 1)
        if g.R["ADD_VERB"].fullmatch(token):
            j = i + 1
            while j < len(tokens) and tokens[j] in _DETERMINERS:
                j += 1
            spots.append(j)
    for i in spots:
        if 0 <= i < len(tokens) and tokens[i].strip(".,!?") in g.ORDINARY:
            continue
        if 0 <= i < len(tokens) and (fixed := lexicon.fix(tokens[i].strip(".,!?"))) is not None:
            reading = lexicon.read(fixed)
            if reading.style is not None:
                return reading
    last = tokens[-1].strip(".,!?") if tokens else ""
    if not music_word and len(tokens) <= 3 and last and last not in g.ORDINARY and (fixed := lexicon.fix(last)):
        return lexicon.read(fixed) if lexicon.read(fixed).style else None
    return None


def _without(c: str, hits: list[lexicon.Hit]) -> str:
    """The clause with some style words blanked out (those it says there is too much of)."""
    for hit in sorted(hits, key=lambda h: h.start, reverse=True):
        c = c[: hit.start] + " " * (hit.end - hit.start) + c[hit.end :]
    return c


def _merged(old: amounts.Scope | None, new: amounts.Scope) -> amounts.Scope:
    """Two clauses' times as one ("start at 5 and end at 15" is 5-15)."""
    if old is not None and old.start is not None and new.end is not None and new.end > old.start:
        return amounts.Scope(span=(old.start, new.end))
    if old is not None and old.end is not None and new.start is not None and new.start < old.end:
        return amounts.Scope(span=(new.start, old.end))
    return new


def _relative(c: str) -> bool:
    """Whether the clause asks for more (or less) of a mood than what plays: "happier", "more relaxing", "更欢快"."""
    for hit in lexicon.hits(c):
        before = c[max(0, hit.start - 6) : hit.start]
        if hit.kind == "mood" and (_comparative(hit.word) or re.search(r"\b(?:more|less)\s+$|更\s*$", before)):
            return True
    return False


def _said_of_something(c: str) -> bool:
    """Whether every style word of the clause describes something ("that's epic", "I'm happy with it")."""
    found = lexicon.hits(c)
    return bool(found) and all(_COPULA.search(c[: hit.start]) for hit in found)


def _comparative(word: str) -> bool:
    """"happier", "sadder", "darker": a mood word in -er whose base is a mood too (not "tender", "super")."""
    if not _COMPARATIVE.search(word):
        return False
    bases = {word[:-3] + "y", word[:-2], word[:-1]} | ({word[:-3]} if len(word) > 4 and word[-3] == word[-4] else set())
    return any(base in lexicon.MOODS for base in bases)
