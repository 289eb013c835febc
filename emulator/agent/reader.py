"""Reading a message: what it asks for, composed from separate slots rather than matched as a whole sentence.

Each clause ("add jazz at 30%, fade it out and put a title 'Home' at the top" has three) is read for its verb (add,
remove, keep only, move, change, set, fade, trim, ask), its target (the music, a title or text, the video,
everything, everything but something; "it" is the clause before's target), its attributes (a style, a volume, a
colour, a position, a size, the title's words) and its scope (when on the timeline). The pieces are combined into
one Request. What the reader cannot fill, or where two readings compete, becomes a doubt: the planner then asks
one short question and changes nothing. Nothing here looks at what the session can do beyond the draft's facts.
"""

from __future__ import annotations

import re
from typing import Any

from nemo_emulator.agent import amounts, lexicon, music_clause, slots, text_clause
from nemo_emulator.agent import grammar as g
from nemo_emulator.agent.request import Request
from nemo_protocol import draft as drafts
from nemo_protocol.draft import AUDIO, TEXT, VIDEO
from nemo_protocol.wire import JSON

_TOPICS = [(name, re.compile(p)) for name, p in g.TOPICS.items()]
_ANSWERS = ("out_of_scope", "greeting", "help", "describe", "export", "ambiguous")
_UPLOAD_WORDS = re.compile(
    r"\b(?:upload(?:ed)?|my\s+(?:video|clip|footage|file)|the\s+(?:video|clip)\s+i\b)"
    r"|我上传的|我的视频"
)
_APPRECIATION = {"thanks", "thank", "you", "thx", "ty", "great", "cool", "nice", "perfect", "awesome", "ok", "okay",
                 "love", "it", "looks", "good", "work", "job", "amazing", "wonderful", "excellent", "brilliant",
                 "lovely", "sweet", "so", "much", "very", "really", "that's", "thats", "is", "this", "wow", "yay",
                 "done", "fine", "alright", "a", "lot", "lots", "bunch", "tons", "guys", "mate", "again",
                 "谢谢", "好的", "太棒了", "不错", "很好", "完美", "赞", "棒"}  # fmt: skip
_THANKS = re.compile(r"^\W*(?:谢谢|好的|太棒了|不错|很好|完美|赞|棒)+\W*$|^[\w\s',.!]+$")
_CUT_FROM = re.compile(r"(?:cut|remove|drop|delete|trim|lose|skip|剪掉|去掉|删掉)\s*(?:off\s+|out\s+)?(?:the\s+)?")
_HEDGE = re.compile(
    r"\bor\s+(?:maybe\s+)?not\b|\bnot\s+sure\b|\bi\s+(?:don'?t|do\s+not)\s+know\b|\bmaybe\s+not\b"
    r"|\bwhatever\b|(?:^|,)\s*(?:maybe|perhaps)\W*$|不确定|也许不|算了"
)
_ONLY = re.compile(r"\bonly\b|\bjust\b|\bkeep\b|只")
_QUOTE_MARK = re.compile(g.QUOTED.pattern)
_KINDS = {"music": AUDIO, "title": TEXT, "text": TEXT, "video": VIDEO}


def understand(message: str, state: JSON) -> tuple[str | None, Request]:
    """(the text-only intent, if the message is one) and the Request of everything it asks to change."""
    m = slots.normalise(message)
    if g.R["SONG"].search(m):
        return "song", Request()
    if g.R["AMBIGUOUS"].search(m):
        return "ambiguous", Request()
    reader = Reader(message, state)
    for clause in slots.clauses(m):
        reader.clause(clause)
    req = reader.req
    if req.doubt is not None or req.edits:
        return None, req
    if req.topic is not None:
        return "topic", req
    for name in _ANSWERS:
        if g.R[name.upper()].search(m):
            return name, req
    return ("thanks" if _thanks(m) else "unclear"), req


def _thanks(m: str) -> bool:
    """A message of nothing but appreciation ("perfect, thank you", "nice work", "谢谢")."""
    if not _THANKS.search(m):
        return False
    words = re.findall(r"[\w']+", m)
    return (bool(words) and all(w in _APPRECIATION or (not w.isascii() and w in _APPRECIATION) for w in words)) or bool(
        re.fullmatch(r"\W*(?:谢谢|好的|太棒了|不错|很好|完美|赞|棒)+\W*", m)
    )


class Reader:
    """One message's clauses, read in order; a clause may lean on the one before ("fade it out")."""

    def __init__(self, message: str, state: JSON) -> None:
        self.message, self.req = message, Request()
        draft = state.get("draft") or {}
        self.length = drafts.video_length_ms(draft) or upload_length(state)
        self.has_music = drafts.has(draft, AUDIO)
        titles = [s for _, s in drafts.segments(draft, TEXT) if drafts.is_title(s)]
        self.title = titles[0] if titles else None
        self.has_text = drafts.has(draft, TEXT)
        self.last: str | None = None
        """The previous clause's target (what "it" means)."""
        self.verb: str | None = None
        """The previous clause's verb (a bare "and the title" after "remove the music" removes it too)."""
        self.pending: list[str] = []
        """Kinds named before their verb ("把音乐和标题都删了")."""

    def doubt(self, key: str, **values: Any) -> None:
        if self.req.doubt is None:
            self.req.doubt = (key, values)

    def clause(self, c: str) -> None:
        bare = _QUOTE_MARK.sub(' "" ', c)
        if not bare.strip(' "') or g.R["FILLER"].search(bare):
            return
        if (no := g.R["NEGATION"].search(bare)) is not None:
            if no.group(1) in ("want", "need", "like") and (kinds := self._kinds(bare)):
                self._remove_kinds(kinds)  # "I don't want any music"
            return  # "don't add music": nothing to do
        loud = amounts.volume(bare) is not None and g.R["LOUDNESS"].search(bare) is not None  # "drop the music to 30%"
        if (g.R["REMOVE"].search(bare) or g.R["KEEP_ONLY"].search(bare)) and not loud:
            if self._removal(bare):
                return
            if set(self._kinds(bare)) <= {"video"} and self._trim(bare):
                return
        if self.verb == "keep" and self._bare_kinds(bare) and self.req.keep is not None:
            self._keep([*self.req.keep, *self._bare_kinds(bare)])  # "…except the title and the video"
            return
        if self.verb == "remove" and self._bare_kinds(bare):
            self._remove_kinds(self._bare_kinds(bare))
            return
        if _HEDGE.search(bare):
            self.doubt("ambiguous")  # "add music or maybe not"
            return
        if self.verb is None and (bare_kinds := self._bare_kinds(re.sub(r"^把\s*", "", bare))):
            self.pending += bare_kinds  # "把音乐和标题都删了": the verb comes last
            return
        if g.R["GENERATE_VIDEO"].search(bare) and not (g.R["TRIM"].search(bare) and not slots.subject(c)):
            self._generate(c, bare)
        if (found := slots.target(bare)) is not None:
            self.req.target = found
            self.req.intents.append("target")
        if self._question(bare):
            return
        if text_clause.texts(self, c, bare) or music_clause.music(self, bare):
            return
        if g.R["RATIO"].search(bare) and (ratio := slots.ratio(bare)) is not None:
            self.req.ratio = ratio
            self.req.intents.append("ratio")
            return
        if (g.R["TRIM"].search(bare) or g.R["SHORTEN_BY"].search(bare)) and self._trim(bare):
            return
        if self.req.generate is not None or self.req.target is not None:
            return
        self._unknown(c, bare)

    # -- removals -------------------------------------------------------------------------------------------------

    def _kinds(self, text: str) -> list[str]:
        """The track kinds a phrase names, in order."""
        found = []
        for kind, pattern in (("music", g.MUSIC_WORD), ("title", g.TITLE_WORD), ("text", g.TEXT_WORD),
                              ("video", g.VIDEO_WORD)):  # fmt: skip
            if (m := pattern.search(text)) is not None:
                found.append((m.start(), kind))
        if (m := re.search(r"\baudio\b|声音", text)) is not None and not any(k == "music" for _, k in found):
            found.append((m.start(), "music"))
        return [k for _, k in sorted(found)]

    def _bare_kinds(self, c: str) -> list[str]:
        """The kinds a clause names when it is nothing but them ("the title", "and music", "标题")."""
        rest = re.sub(r"\b(?:the|a|an|and|also|too|all|of|background|bgm|track|tracks|please)\b", " ", c)
        rest = re.sub(g.MUSIC + "|" + g.TITLE + "|" + g.TEXT + "|" + g.VIDEO, " ", rest)
        return self._kinds(c) if not rest.strip(" ,.!和的") else []

    def _removal(self, c: str) -> bool:
        """A remove or keep-only clause; False when it is a trim ("remove the first 3 seconds")."""
        kinds = [*self.pending, *self._kinds(c)] if not g.R["KEEP_ONLY"].search(c) else self._kinds(c)
        self.pending = []
        everything = bool(g.R["EVERYTHING"].search(c))
        keep_only = g.R["KEEP_ONLY"].search(c)
        cut_time = amounts.scope(c, self.length) is not None or slots.duration(c) is not None
        if not kinds and cut_time and not everything:
            return False
        if keep_only and cut_time:
            return False  # "背景音乐只要后5秒": when it plays, not what stays
        if keep_only and kinds:
            return self._keep(kinds)
        if (ex := g.R["EXCEPT"].search(c) or re.search(r"\b(?:and|but)\s+keep\b", c)) is not None and kinds:
            after, before = self._kinds(c[ex.end() :]) or kinds, self._kinds(c[: ex.start()])
            if everything or not before:
                return self._keep(after)
            kinds = [k for k in before if k not in after]  # "delete the music but keep the title"
        if kinds and cut_time and set(kinds) != {"video"}:
            self.doubt("unclear", what=c)  # "remove the music after 10 seconds": a part of a track
            return True
        if kinds:
            self._remove_kinds(kinds)
            return True
        if n := g.TRACK_N.search(c):
            number = int(n.group(1) or n.group(2))
            self.req.removals.append((None, number - 1, f"track {number}"))
            self.req.intents.append("remove")
            self.verb = "remove"
            return True
        if everything:
            return True if self.req.keep is not None else self._keep([])  # "只保留视频，其他都删掉"
        if g.R["PRONOUN"].search(c) and self.last in _KINDS:
            self._remove_kinds([self.last])
            return True
        if keep_only:
            return False
        self.doubt("ambiguous")
        return True

    def _keep(self, kinds: list[str]) -> bool:
        text = {"title", "text"} if {"title", "text"} & set(kinds) else set()  # a title is text, text may be titles
        self.req.keep = sorted(set(kinds) | text)
        if "keep" not in self.req.intents:
            self.req.intents.append("keep")
        self.verb = "keep"
        return True

    def _remove_kinds(self, kinds: list[str]) -> None:
        for kind in kinds:
            what = {"music": "music", "title": "title", "text": "text", "video": "video"}[kind]
            entry = (_KINDS[kind], None, what)
            if entry not in self.req.removals:
                self.req.removals.append(entry)
        self.req.intents.append("remove")
        self.verb, self.last = "remove", kinds[-1]

    # -- questions about the draft --------------------------------------------------------------------------------

    def _question(self, c: str) -> bool:
        if not g.R["QUESTION"].search(c) or self.req.edits:
            return False
        polite = re.match(r"^\W*(?:can|could|would|will)\s+you\b(?!\s+(?:tell|show)\s+me|\s+let\s+me\s+know)", c)
        if polite or re.search(r"\bshould\s+i\b", c):
            return False
        edit = g.R["EDIT_VERBS"].search(c)
        if edit and not re.match(r"^\W*(?:is|are|does|do|what|how|which)\b", c):
            return False
        for topic, pattern in _TOPICS:
            if pattern.search(c):
                self.req.topic = self.req.topic or topic
                return True
        return False

    # -- the video ------------------------------------------------------------------------------------------------

    def _generate(self, c: str, bare: str) -> None:
        reading = lexicon.read(bare, occasions=bool(g.MUSIC_WORD.search(bare)))
        self.req.intents.append("generate")
        self.req.generate = {"subject": slots.subject(c), "duration": slots.duration(bare),
                             "from_upload": bool(_UPLOAD_WORDS.search(bare)), "genre": reading.style}  # fmt: skip
        self.last, self.verb = "video", "add"

    def _trim(self, c: str) -> bool:
        req = self.req
        scope = amounts.scope(c, self.length)
        first, last = re.search(r"(?:first|opening|前)\s*(\d+(?:\.\d+)?)\s*(?:s|sec|seconds?|秒)", c), re.search(
            r"(?:last|final|后|最后)\s*(\d+(?:\.\d+)?)\s*(?:s|sec|seconds?|秒)", c)  # fmt: skip
        keeps = re.search(r"\b(?:to|into)\s+(?:the\s+)?(?:first|last)\b", c)  # "trim to the first 12 seconds"
        cut = _CUT_FROM.search(c) and not _ONLY.search(c) and not keeps
        if by := g.R["SHORTEN_BY"].search(c):
            req.cut_last = float(by.group(1))
        elif cut and first:
            req.cut_first = float(first.group(1))
        elif cut and last:
            req.cut_last = float(last.group(1))
        elif scope is not None and scope.span is not None:
            req.trim = scope.span
        elif (seconds := slots.duration(c)) is not None:
            req.trim_to = seconds
        else:
            return False
        req.intents.append("trim")
        self.last, self.verb = "video", "trim"
        return True

    def _unknown(self, original: str, c: str) -> None:
        """A clause that asks for something the reader did not understand: never ignored in an edit."""
        if g.R["AMBIGUOUS"].search(c) or re.fullmatch(r"\W*(?:hmm+|um+|uh+|\?+)\W*", c):
            return
        if any(g.R[name].search(c) for name in ("OUT_OF_SCOPE", "GREETING", "HELP", "DESCRIBE", "EXPORT")):
            return
        if _thanks(c):
            return
        if g.R["UNSUPPORTED"].search(c) or (g.R["LOOK"].search(c) and g.R["CHANGE"].search(c)):
            self.doubt("cannot", what=original.strip())
            return
        if g.R["EDIT_VERBS"].search(c) or g.R["PRONOUN"].search(c):
            self.doubt("unclear", what=original.strip())


def videos(state: JSON) -> list[JSON]:
    """The session's uploaded videos, then its images (what the agent can put on the video track)."""
    infos = [v for v in state.get("video_infos") or [] if isinstance(v, dict)]
    return [v for v in infos if v.get("file_type") == "video"] + [v for v in infos if v.get("file_type") == "image"]


def upload_length(state: JSON) -> float:
    found = videos(state)
    return float(found[-1].get("duration") or 0) * 1000 if len(found) == 1 else 0.0
