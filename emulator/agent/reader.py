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

from nemo_emulator.agent import (
    amounts,
    coverage,
    cut_clause,
    lexicon,
    music_clause,
    prompt,
    replies,
    slots,
    text_clause,
)
from nemo_emulator.agent import grammar as g
from nemo_emulator.agent.request import Request
from nemo_protocol import draft as drafts
from nemo_protocol.draft import AUDIO, TEXT, VIDEO
from nemo_protocol.wire import JSON

_TOPICS = [(name, re.compile(p)) for name, p in g.TOPICS.items()]
_ANSWERS = ("out_of_scope", "greeting", "help", "describe", "export", "ambiguous")
_APPRECIATION = {"thanks", "thank", "you", "thx", "ty", "great", "cool", "nice", "perfect", "awesome", "ok", "okay",
                 "love", "it", "looks", "good", "work", "job", "amazing", "wonderful", "excellent", "brilliant",
                 "lovely", "sweet", "so", "much", "very", "really", "that's", "thats", "is", "this", "wow", "yay",
                 "done", "fine", "alright", "a", "lot", "lots", "bunch", "tons", "guys", "mate", "again", "the",
                 "title", "music", "video", "text", "song", "are", "fantastic", "cheers", "ta", "spot", "on", "that",
                 "sounds", "i'm", "im", "i", "am", "happy", "with", "satisfied", "pleased", "glad", "epic",
                 "thoughtful", "how", "turned", "came", "out", "did", "well", "have", "you've", "correctly", "right",
                 "appreciate", "appreciated", "hero", "star", "helpful", "one", "ah", "my", "was", "it's", "like",
                 "liked", "enjoy", "enjoyed", "enjoying", "playing", "superb", "loved", "loving", "rocks", "yeah",
                 "yes", "yep", "yup", "response", "answer", "reply", "exactly", "indeed", "terrific", "marvelous",
                 "marvellous", "outstanding", "fabulous", "splendid", "neat", "impressive",
                 "谢谢", "好的", "太棒了", "不错", "很好", "完美", "赞", "棒"}  # fmt: skip
_NOT_PRAISE = {"you", "it", "so", "much", "very", "really", "is", "this", "a", "lot", "lots", "bunch", "tons", "guys",
               "mate", "again", "the", "title", "music", "video", "text", "song", "are", "that", "on", "looks", "work",
               "job", "did", "have", "you've", "my", "one", "ah", "was", "it's", "playing", "right", "yeah", "yes",
               "yep", "yup", "response", "answer", "reply", "indeed"}
"""The words of _APPRECIATION that praise nothing by themselves."""
_YOU_ROCK = re.compile(r"\byou\s+rock\b|\b(?:it|this|that)\s+rocks\b")
"""Praise that names a genre ("you rock, thanks"): no rock music is asked for."""
_THANKS = re.compile(r"^\W*(?:谢谢|好的|太棒了|不错|很好|完美|赞|棒)+\W*$|^[\w\s',.!]+$")
_HEDGE = re.compile(
    r"\bor\s+(?:maybe\s+)?not\b|\bnot\s+sure\b|\bi\s+(?:don'?t|do\s+not)\s+know\b|\bmaybe\s+not\b"
    r"|\bwhatever\b|(?:^|,)\s*(?:maybe|perhaps)\W*$|不确定|也许不|算了"
)
_QUOTE_MARK = re.compile(g.QUOTED.pattern)

_FROM_FOOTAGE = re.compile(r"\bfrom\s+(?:my|this|the|our)\s+(?!prompt|description)\w+|从我的|用我的素材"
                           r"|\busing\s+(?:my|this|the|our)\s+(?:\w+\s+)?(?:video|clip|footage|background|upload|recording)\b")
"""A clip made out of the user's own footage, which generation cannot do ("a reel from my stream VOD")."""
_DEPICTS = re.compile(r"\b(?:of|about|showing|featuring|depicting|where|in\s+which)\b|关于|展示|的(?:视频|短片|动画)")
"""What says a new clip's content ("a video of waves"): over a clip on the timeline, nothing less asks for one."""
_IT = r"(?:it|this|the\s+(?:video|clip|shot)|my\s+(?:video|clip)|this\s+(?:video|clip))"
_VAGUE_TRIM = re.compile(
    r"\W*(?:please\s+|can\s+you\s+|could\s+you\s+)?(?:(?:trim|shorten|cut)(?:\s+down)?(?:\s+" + _IT + r")?"
    r"(?:\s+down)?(?:\s+(?:a\s+(?:bit|little)|some))?"
    r"|(?:make|get)\s+" + _IT + r"\s+(?:a\s+(?:bit|little)\s+)?(?:shorter|down))(?:\s+please)?\W*"
    r"|\W*(?:把)?(?:视频|它|这段)?(?:缩短|剪短|变短|短)(?:一点|一些|点)?(?:吧)?\W*|\W*再短一点\W*")
"""A trim with no amount ("make it shorter", "trim it", "把视频缩短一点"): asked how long, not guessed."""
_LONGEST_ASK = 60
"""Seconds: a longer clip than this is not rounded down to the generator's limit but questioned."""
_WH_QUESTION = re.compile(r"^\W*(?:what|how|why|when|where|which|who)(?:'s|\s+(?:is|are|was|were|does|do|did|has|have"
                          r"|will|can))\b")

_ZH_DIGITS = dict(zip("一二两三四五六七八九十", ["1", "2", "2", "3", "4", "5", "6", "7", "8", "9", "10"], strict=True))
"""A shot's number said in Chinese ("第二段")."""
_ATTRIBUTE = re.compile(r"颜色|字体|字号|大小|位置|[深浅亮暗粗细]一?点|\b(?:colou?rs?|fonts?|bolder|thicker|thinner)\b")
"""How something should look, said with no verb ("颜色再深一点"): asked for, so never dropped beside another edit."""
_ZH_POLITE = re.compile(r"能|可以|麻烦|请")
_ZH_ASKS = re.compile(r"什么|告诉|多长|多久|几秒|多少|哪")
"""A Chinese request asked politely ("能…吗"), unless it asks to be told something ("能告诉我多长吗")."""
_SAYS = re.compile(r"\b(?:text|title|caption|words?)\s+(?:that|which)\s+(?:says|reads)\s+(.+)$")
"""A text named by what it says, unquoted ("delete the text that says subscribe")."""
_GOING_ON = re.compile(r"^\W*(?:then\s+|only\s+|just\s+|also\s+)?[a-z]+ing\b")
"""A story going on after "and" ("…and only reading the subtitles")."""
_PARTICLE = re.compile(r"\btake\s+((?:the\s+|my\s+|that\s+)[\w\s]{1,40}?)\s+(out|off)\b(?!\s+(?:of|the|my))")
"""A verb's particle after its object ("take the music out") is moved next to it, so clauses split after it."""
_OWN_UPLOAD = re.compile(r"\b(?:add|put|place|use|drop|insert|bring\s+in|load|import)\s+(?:in\s+)?(?:my|the|this|that"
                         r"|our)\s+(?:video|clip|upload|footage|recording|file)s?\b(?!\s+(?:of|about|showing|where))")
"""The user's own upload asked onto an empty timeline ("add my video to the timeline")."""
_FADED_OUT = re.compile(r"\b(?:out|off|away)\b.{0,30}\bwith\s+a\s+(?:slow\s+|gentle\s+|long\s+)?fade\b")
"""A removal done by fading ("take the music out with a fade"): the music fades out, it stays."""
_EXCEPT_ALONE = re.compile(
    r"^\W*(?:除了|except(?:\s+for)?|apart\s+from|other\s+than|besides)\s*(.+?)\s*(?:以外|之外)?\W*$"
)
"""A clause of nothing but an exception ("除了视频，其他都删掉"): the next clause's "everything" spares it."""


def understand(message: str, state: JSON) -> tuple[str | None, Request]:
    """(the text-only intent, if the message is one) and the Request of everything it asks to change."""
    message, fields = prompt.fields(message)
    m = _PARTICLE.sub(r"take \2 \1", slots.normalise(message))  # "take the title and the music out"
    if g.R["SONG"].search(m):
        return "song", Request()
    if g.R["ROLE"].search(m):
        return "out_of_scope", Request()
    if g.R["HELP"].search(m):
        return "help", Request()  # "can you do music videos?": what the agent does, not music to add
    if g.R["AMBIGUOUS"].search(m):
        return "ambiguous", Request()
    if _thanks(m):
        return "thanks", Request()  # before any clause is read: "you rock, thank you" asks for no rock
    reader = Reader(message, state)
    parts = slots.clauses(m)
    footage = drafts.has(state.get("draft") or {}, VIDEO) or bool(videos(state))
    described = None if footage or _HEDGE.search(m) or _thanks(m) else prompt.describes(m)
    if described == "undescribed":
        reader.doubt("what_video")  # "a 10 second clip": showing what?
    elif described:
        reader.generate(message, m)  # "5-second coffee product showcase" on an empty project: that video
    else:
        for clause in parts:
            reader.clause(clause)
    req = reader.req
    if req.music is not None and not req.music.add and any(what == "music" for _, _, what in req.removals):
        req.music = None  # "omit the music, it is too loud anyway": the complaint is why it goes, not a level
        req.intents = [i for i in req.intents if i != "music_adjust"]
    prompt.apply_fields(req, fields)
    if req.edits and req.doubt is None and not described:  # a description's words are all the user's own
        own = [t.text for t in req.texts if t.text] + [str((req.generate or {}).get("said") or "")] + reader.uploads
        told = [p for p in parts if p not in reader.stories]
        if odd := coverage.odd_words(told, [w for w in own if w]):
            req.doubt = ("unclear", {"what": " ".join(odd)})  # an edit read past words it has no use for
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
    words = re.findall(r"[\w']+", _YOU_ROCK.sub("great", m))
    praised = bool(set(words) - _NOT_PRAISE)  # "a video" is no thanks
    return (praised and all(w in _APPRECIATION or (not w.isascii() and w in _APPRECIATION) for w in words)) or bool(
        re.fullmatch(r"\W*(?:谢谢|好的|太棒了|不错|很好|完美|赞|棒)+\W*", m)
    )


class Reader:
    """One message's clauses, read in order; a clause may lean on the one before ("fade it out")."""

    def __init__(self, message: str, state: JSON) -> None:
        self.message, self.req = message, Request()
        draft = state.get("draft") or {}
        self.length = drafts.video_length_ms(draft) or upload_length(state)
        self.has_music = drafts.has(draft, AUDIO)
        self.music_start = next((int(drafts.start_ms(s)) for _, s in drafts.segments(draft, AUDIO)), 0)
        """Where the music starts now (ms): "trim the song to 10 s" keeps its first 10 s from there."""
        titles = [s for _, s in drafts.segments(draft, TEXT) if drafts.is_title(s)]
        self.title = titles[0] if titles else None
        self.title_words = str((self.title or {}).get("tx") or "").strip().lower()
        """What the title says, as a quoted clause would name it (lower case, trimmed); "" with no title."""
        self.has_text = drafts.has(draft, TEXT)
        self.on_screen = {str(s.get("tx") or "").strip().lower() for _, s in drafts.segments(draft, TEXT)}
        """The words every text and title says now (a quoted removal names one of them, or nothing)."""
        self.has_captions = any(not drafts.is_title(s) for _, s in drafts.segments(draft, TEXT))
        self.clips = sum(1 for _ in drafts.segments(draft, VIDEO))
        self.last: str | None = None
        """The previous clause's target (what "it" means)."""
        self.verb: str | None = None
        """The previous clause's verb (a bare "and the title" after "remove the music" removes it too)."""
        self.pending: list[str] = []
        """Kinds named before their verb ("把音乐和标题都删了")."""
        self.story = False
        """The clause before told what the user did ("I ended up muting it"): "…and reading the subtitles" goes on."""
        self.stories: list[str] = []
        """Those clauses: their words are the user's own, and no request."""
        self.excepted: list[str] = []
        """Kinds a clause before spared ("except the title, delete everything")."""
        self.uploads = [str(v.get("filename") or "").rsplit(".", 1)[0].lower() for v in videos(state)]
        """The uploads' names without their extension ("city" for city.mp4)."""

    def doubt(self, key: str, **values: Any) -> None:
        if self.req.doubt is None:
            self.req.doubt = (key, values)

    def ask_other_music(self) -> None:
        """A verdict against the music that names nothing instead ("isn't the right music", "too sad"): which style?"""
        self.req.intents.append("music_change")
        self.doubt("which_instead" if self.has_music else "which_music")

    def clause(self, c: str) -> None:
        bare = g.R["CONDITION"].sub(" ", _QUOTE_MARK.sub(' "" ', c)).strip()  # "…但别爆音": a condition, not a request
        if not bare.strip(' "') or g.R["FILLER"].search(bare) or g.R["LEAVE"].search(bare):
            return  # nothing asked, or "人声保持不变": something to leave alone
        if self.verb == "remove" and g.R["REASON"].search(bare):
            return  # "…, it's distracting": why the clause before removed something
        story, self.story = self.story, False
        if g.R["NARRATIVE"].search(bare) or (story and _GOING_ON.match(bare)):
            self.story = True
            self.stories.append(c)
            return  # "I ended up muting youtube and only reading the subtitles": what the user did, nothing asked
        if g.R["CONDITIONAL"].search(bare):
            self.doubt("unclear", what=c.strip())  # "use another song if this one is unavailable"
            return
        if g.R["DISLIKE"].search(bare) and self.kinds(bare) == ["music"] and not lexicon.read(bare).style:
            self.ask_other_music()  # "…isn't the right music": which?
            return
        misfit = g.R["MISFIT"].search(bare) and not lexicon.read(bare).style
        if misfit and "music" in (kinds := self.pending + self.kinds(bare)) and set(kinds) <= {"music", "video"}:
            self.pending = []
            self.ask_other_music()  # "the music doesn't fit the video", "音乐和画面不贴合": which instead?
            return
        if _WH_QUESTION.match(bare) and not g.R["EDIT_VERBS"].search(bare):
            self._question(bare)
            return  # "what is happening with the render?": asks, changes nothing
        if (shot := g.R["SHOT_N"].search(bare)) is not None:
            said = shot.group(1) or shot.group(2)
            if _ZH_DIGITS.get(said, said) != "1" or self.clips > 1:
                self.doubt("unclear", what=c.strip())  # "remove shot 3": the timeline has one clip
                return
            bare = bare[: shot.start()] + "the video" + bare[shot.end() :]  # one clip is shot 1
        if (no := g.R["NEGATION"].search(bare)) is not None:
            if no.group(1) == "like" and (kinds := self.kinds(bare)):
                if kinds == ["music"]:
                    self.ask_other_music()  # "I don't like the music": which instead?
                else:
                    self.doubt("ambiguous")  # "I don't like this video": what to change?
            elif no.group(1) in ("want", "need") and (kinds := self.kinds(bare)):
                cut_clause.remove_kinds(self, kinds)  # "I don't want any music"
            elif no.group(1) in ("use", "include") and self.kinds(bare) == ["music"] and self.has_music:
                cut_clause.remove_kinds(self, ["music"])  # "please do not use music": the music there goes
            return  # "don't add music": nothing to do
        loud = amounts.volume(bare) is not None and g.R["LOUDNESS"].search(bare) is not None  # "drop the music to 30%"
        loud = loud or _FADED_OUT.search(bare) is not None  # "take the music out with a fade": a fade-out
        loud = loud or music_clause.NO_FADE.search(bare) is not None  # "add jazz without fades": nothing removed
        loud = loud or amounts.NO_FADE.search(bare) is not None  # "remove the fade from the music": the fade only
        if (g.R["REMOVE"].search(bare) or g.R["KEEP_ONLY"].search(bare)) and not loud:
            quoted = _quotes(c)
            if g.R["REMOVE"].search(bare) and self._says_title(c, quoted):
                cut_clause.remove_kinds(self, ["title"])  # 'remove "Hello"': the title, named by its words
                return
            if quoted and not set(quoted) & self.on_screen and set(self.kinds(bare)) <= {"title", "text", "caption"}:
                self.doubt("unclear", what=c.strip())  # "delete the text 'SALE'", "…that says subscribe": none says it
                return
            if cut_clause.removal(self, bare):
                return
            if set(self.kinds(bare)) <= {"video"} and cut_clause.trim(self, bare):
                return
        if cut_clause.other_end(self, bare):
            return  # "remove the first second and the last second"
        if self.verb == "keep" and self._bare_kinds(bare) and self.req.keep is not None:
            cut_clause.keep(self, [*self.req.keep, *self._bare_kinds(bare)])  # "…except the title and the video"
            return
        if self.verb == "remove" and self._bare_kinds(bare):
            cut_clause.remove_kinds(self, self._bare_kinds(bare))
            return
        if _HEDGE.search(bare):
            self.doubt("ambiguous")  # "add music or maybe not"
            return
        if (alone := _EXCEPT_ALONE.match(bare)) is not None and (spared := self.kinds(alone.group(1))):
            self.excepted = spared  # "除了视频，其他都删掉": what the next clause's "everything" spares
            return
        if self.verb is None and (bare_kinds := self._bare_kinds(re.sub(r"^把\s*", "", bare))):
            self.pending += bare_kinds  # "把音乐和标题都删了": the verb comes last
            return
        if g.R["GENERATE_VIDEO"].search(bare) and not (g.R["TRIM"].search(bare) and not slots.subject(c)):
            if g.R["UNSUPPORTED"].search(bare):
                self.doubt("cannot", what=c.strip())  # "create a highlight reel": not a new clip from a prompt
                return
            self.generate(c, bare)
        if (found := slots.target(bare) or self._named_upload(bare) or self._own_upload(bare)) is not None:
            self.req.target = found
            self.req.intents.append("target")
        if self._question(bare):
            return
        if self._text_fade(c, bare):
            return
        if text_clause.texts(self, c, bare) or music_clause.music(self, bare):
            return
        if g.R["UNSUPPORTED"].search(bare):
            self.doubt("cannot", what=c.strip())  # "make shorts from this video": not a canvas or a trim
            return
        if g.R["RATIO"].search(bare) and (ratio := slots.ratio(bare)) is not None:
            self.req.ratio = ratio
            self.req.intents.append("ratio")
            return
        if (g.R["TRIM"].search(bare) or g.R["SHORTEN_BY"].search(bare)) and cut_clause.trim(self, bare):
            return
        if _VAGUE_TRIM.fullmatch(bare) and self.length:
            self.doubt("how_long_video", length=replies.seconds(self.length))  # "make it shorter": by how much?
            return
        if self.req.generate is not None or self.req.target is not None:
            return
        self._unknown(c, bare)

    def _named_upload(self, c: str) -> slots.Target | None:
        """An upload named without its extension next to a word for video ("use the city clip")."""
        if len(self.uploads) < 2 or not g.VIDEO_WORD.search(c):
            return None
        named = [n for n in self.uploads if n and re.search(rf"(?<![\w.]){re.escape(n)}(?![\w.])", c)]
        return slots.Target(self.uploads.index(named[0])) if len(named) == 1 else None

    def _own_upload(self, c: str) -> slots.Target | None:
        """The only upload, or a question which, when a clause asks for "my video" on an empty timeline."""
        if not self.uploads or self.clips or not _OWN_UPLOAD.search(c):
            return None
        return slots.Target(0 if len(self.uploads) == 1 else None)

    def _text_fade(self, original: str, c: str) -> bool:
        """A fade of the text the clause before named ("add a title 'The End' and fade it in"): a text added this
        turn fades in already; any other fade of a text is not an edit the agent has."""
        if self.last not in ("title", "text") or not g.R["FADE"].search(c) or not g.R["PRONOUN"].search(c):
            return False
        if g.MUSIC_WORD.search(c) or g.TITLE_WORD.search(c) or g.TEXT_WORD.search(c):
            return False
        fading_in = re.search(r"\bin\b|fade-in|淡入", c) and not re.search(r"\bout\b|fade-out|淡出", c)
        added = any(t.action == "add" and t.kind == self.last for t in self.req.texts)
        if not (fading_in and added):
            self.doubt("cannot", what=original.strip())
        return True

    # -- what clauses name --------------------------------------------------------------------------------------

    def _says_title(self, c: str, quoted: list[str]) -> bool:
        """Whether the clause's `quoted` words are the title's own, and nothing else names what it is about."""
        words = self.title_words
        return bool(words) and quoted == [words] and not self.kinds(_QUOTE_MARK.sub(" ", c))

    def kinds(self, text: str) -> list[str]:
        """The track kinds a phrase names, in order."""
        found = []
        for kind, pattern in (("music", g.MUSIC_WORD), ("title", g.TITLE_WORD), ("text", g.TEXT_WORD),
                              ("video", g.VIDEO_WORD)):  # fmt: skip
            if (m := pattern.search(text)) is not None:
                found.append((m.start(), kind))
        if (m := re.search(r"\baudio\b|声音", text)) is not None and not any(k == "music" for _, k in found):
            found.append((m.start(), "music"))
        if g.CAPTION_WORD.search(text) and not g.TITLE_WORD.search(text):
            found = [(at, "caption" if kind == "text" else kind) for at, kind in found]
        return [k for _, k in sorted(found)]

    def _bare_kinds(self, c: str) -> list[str]:
        """The kinds a clause names when it is nothing but them ("the title", "and music", "标题")."""
        rest = re.sub(r"\b(?:the|a|an|and|also|too|all|of|background|bgm|track|tracks|please)\b", " ", c)
        rest = re.sub(g.MUSIC + "|" + g.TITLE + "|" + g.TEXT + "|" + g.VIDEO, " ", rest)
        return self.kinds(c) if not rest.strip(" ,.!和的") else []

    # -- questions about the draft --------------------------------------------------------------------------------

    def _question(self, c: str) -> bool:
        if not g.R["QUESTION"].search(c) or self.req.edits:
            return False
        polite = re.match(r"^\W*(?:can|could|would|will)\s+you\b(?!\s+(?:tell|show)\s+me|\s+let\s+me\s+know)", c)
        zh_polite = _ZH_POLITE.search(c) is not None and _ZH_ASKS.search(c) is None  # "音乐能小声一点吗": a request
        if polite or zh_polite or re.search(r"\bshould\s+i\b", c):
            return False
        edit = g.R["EDIT_VERBS"].search(c)
        if edit and not re.match(r"^\W*(?:is|are|does|do|what|how|which)\b", c) and "什么" not in c:
            return False  # ("现在在放什么": "放" asks what plays, no edit)
        for topic, pattern in _TOPICS:
            if pattern.search(c):
                self.req.topic = self.req.topic or topic
                return True
        return False

    # -- the video ------------------------------------------------------------------------------------------------

    def generate(self, c: str, bare: str) -> None:
        undescribed = not prompt.DESCRIBED.sub(" ", slots.subject(c).lower()).strip(" .,!?，。")
        footage = not prompt.UPLOAD_WORDS.search(bare)
        if ((footage and self.clips and not _DEPICTS.search(bare)) or (footage and self.uploads and undescribed)
                or _FROM_FOOTAGE.search(bare)):
            self.doubt("what_video")  # "create a promo video" over the user's own clip: a new clip, or theirs?
            return
        if undescribed and footage and not self.uploads and slots.duration(bare) is None:
            self.doubt("what_video")  # "make me a video", "帮我做个视频": showing what? ("a 10-second video" is a spec)
            return
        if (seconds := slots.duration(bare)) is not None and seconds > _LONGEST_ASK:
            self.doubt("cannot", what=c.strip())  # "a 10-minute video": generated clips are seconds long
            return
        reading = lexicon.read(bare, occasions=bool(g.MUSIC_WORD.search(bare)))
        subject = slots.subject(c)
        if g.R["RATIO"].search(bare) and (ratio := slots.ratio(bare)) is not None:
            self.req.ratio = ratio  # "a vertical video of a sunset": the clip's shape, not what it shows
            self.req.intents.append("ratio")
            subject = re.sub(r"\s{2,}", " ", g.R["RATIO"].sub(" ", subject)).strip()
        self.req.intents.append("generate")
        self.req.generate = {"subject": subject, "said": slots.subject(c), "duration": slots.duration(bare),
                             "from_upload": bool(prompt.UPLOAD_WORDS.search(bare)), "genre": reading.style}  # fmt: skip
        self.last, self.verb = "video", "add"

    def _unknown(self, original: str, c: str) -> None:
        """A clause that asks for something the reader did not understand: never ignored in an edit."""
        if g.R["AMBIGUOUS"].search(c):
            self.doubt("ambiguous")  # "move the title down and make it nicer": nicer how?
            return
        if re.fullmatch(r"\W*(?:hmm+|um+|uh+|\?+)\W*", c):
            return
        if any(g.R[name].search(c) for name in ("OUT_OF_SCOPE", "GREETING", "HELP", "DESCRIBE", "EXPORT")):
            return
        if _thanks(c):
            return
        if g.R["UNSUPPORTED"].search(c) or (g.R["LOOK"].search(c) and g.R["EDIT_VERBS"].search(c)):
            self.doubt("cannot", what=original.strip())
            return
        if g.R["EDIT_VERBS"].search(c) or g.R["PRONOUN"].search(c) or _ATTRIBUTE.search(c):
            self.doubt("unclear", what=original.strip())  # "颜色再深一点": a look asked of nothing the reader found


def _quotes(c: str) -> list[str]:
    """The words a clause quotes, or says a text says ("the text that says subscribe"), as a text would say them
    (lower case, trimmed)."""
    quoted = [(q.group(1) or q.group(2)).strip().lower() for q in g.QUOTED.finditer(c)]
    if not quoted and (said := _SAYS.search(c)) is not None:
        quoted = [said.group(1).strip(" .!?,，。！？").lower()]
    return quoted


def videos(state: JSON) -> list[JSON]:
    """The session's uploaded videos, then its images (what the agent can put on the video track)."""
    infos = [v for v in state.get("video_infos") or [] if isinstance(v, dict)]
    return [v for v in infos if v.get("file_type") == "video"] + [v for v in infos if v.get("file_type") == "image"]


def upload_length(state: JSON) -> float:
    found = videos(state)
    return float(found[-1].get("duration") or 0) * 1000 if len(found) == 1 else 0.0
