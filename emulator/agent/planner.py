"""Planning an edit: a Request (reader.py) checked against the session — is there a video, a BGM track, the named
upload? — becomes the tool steps, or one clarifying question, a refusal, or a plain answer. It never edits
something the user did not ask for: what it cannot do safely, it asks about. Everything it says is in replies.py.
"""

from __future__ import annotations

import random
import re
from typing import Any

from nemo_emulator.agent import grammar as g
from nemo_emulator.agent import replies as r
from nemo_emulator.agent import slots, tools
from nemo_emulator.agent.plan import Ask, Effect, Plan, Say, Step, Tool, Wait
from nemo_emulator.agent.reader import Request, understand, videos
from nemo_emulator.settings import Settings
from nemo_emulator.state.sessions import Choice, Pending
from nemo_protocol import draft as drafts
from nemo_protocol.draft import AUDIO, TEXT, VIDEO
from nemo_protocol.wire import JSON


class Planner:
    """Messages into plans; all randomness comes from the turn's RNG."""

    def __init__(self, settings: Settings, rng: random.Random) -> None:
        self.s = settings
        self.rng = rng

    def plan(
        self, message: str, state: JSON, session_language: str | None = None, pending: Pending | None = None
    ) -> Plan:
        """The plan for `message` in a session with `state` (and a question it is waiting on an answer to)."""
        picked = _picked(message, pending)
        if picked is not None:
            message = picked
        plan = self._plan(message, state, session_language)
        plan.message = message
        return plan

    def _plan(self, message: str, state: JSON, session_language: str | None) -> Plan:
        lang = slots.language(message, session_language)
        if lang == "other":
            return self._text("answer", "en", r.say("en", "unsupported_language"))
        if not message.strip():
            return self._text("answer", lang, r.say(lang, "help"))
        kind, req = understand(message, state)
        if kind is not None:
            return self._answer(kind, message, state, lang)
        return _Build(self, req, state, lang, message).plan()

    def draw(self, name: str, media_s: float = 0.0) -> float:
        latency: Any = getattr(self.s, f"latency_{name}")
        return float(latency.draw(self.rng, media_s))

    def _text(self, kind: str, lang: str, text: str, intents: list[str] | None = None) -> Plan:
        return Plan(kind, [Wait(self.draw("text")), Say(text)], lang, intents or [])  # type: ignore[arg-type]

    def ask(self, lang: str, key: str, intents: list[str], videos: list[str] | None = None, **values: Any) -> Plan:
        """One clarifying question, with the options it offers; nothing changes."""
        text = r.say(lang, key, **values)
        options = tuple(Choice(cid, label, message) for cid, label, message in r.choices(lang, key, videos))
        return Plan("question", [Wait(self.draw("text")), Ask(text, r.prompt(lang, key), options)], lang, intents)

    def _answer(self, kind: str, message: str, state: JSON, lang: str) -> Plan:
        draft = state.get("draft") or {}
        if kind == "song":
            found = slots.song(slots.normalise(message)) or ("that song", "upbeat")
            name = found[0] if lang != "zh" or not found[0].isascii() else found[0].title()
            style = tools.label(found[1]) if lang != "zh" else found[1]
            return self._text("refusal", lang, r.say(lang, "song", name=name, style=style), ["song"])
        if kind == "out_of_scope":
            return self._text("refusal", lang, r.say(lang, "out_of_scope"), [kind])
        if kind in ("ambiguous", "unclear"):
            return self.ask(lang, "ambiguous", [kind])
        if kind == "describe":
            if not drafts.lines(draft):
                return self._text("answer", lang, r.say(lang, "empty_timeline"), [kind])
            return self._text("answer", lang, r.say(lang, "describe", summary=r.summary(lang, draft)), [kind])
        if kind == "export":
            key = "export" if drafts.lines(draft) else "nothing_to_export"
            return self._text("answer", lang, r.say(lang, key), [kind])
        if kind == "greeting":
            return self._text("answer", lang, r.say(lang, "greeting", help=r.say(lang, "help")), [kind])
        if kind == "thanks":
            return self._text("answer", lang, r.say(lang, "thanks"), [kind])
        return self._text("answer", lang, r.say(lang, "help"), [kind])


class _Build:
    """One edit request against one session's state: the tool steps, or the question or answer instead."""

    def __init__(self, planner: Planner, req: Request, state: JSON, lang: str, message: str) -> None:
        self.p, self.req, self.state, self.lang, self.message = planner, req, state, lang, message
        self.draft = state.get("draft") or {}
        self.videos = videos(state)
        self.steps: list[Tool] = []
        self.done: list[str] = []
        self.intro: str | None = None
        self.placing = False
        """Whether the intro so far only says the clip goes on the timeline (the next edit's intro says more)."""
        self.length = drafts.video_length_ms(self.draft)
        self.has_video = drafts.has(self.draft, VIDEO)
        self.has_bgm = drafts.has(self.draft, AUDIO)

    def _stop(self, kind: str, key: str, **values: Any) -> Plan:
        if kind == "question":
            names = [str(v.get("filename")) for v in self.videos] if key == "which_video" else None
            return self.p.ask(self.lang, key, self.req.intents, names, **values)
        return self.p._text(kind, self.lang, r.say(self.lang, key, **values), self.req.intents)

    def _tool(self, name: str, args: JSON, cost: int, latency: float, effect: Effect, done: str, intro: str) -> None:
        self.steps.append(Tool(name, args, cost, latency, effect))
        self.done.append(done)
        if self.intro is None or self.placing:
            self.intro = intro
        self.placing = isinstance(effect, tools.PlaceVideo)

    def plan(self) -> Plan:
        req, lang = self.req, self.lang
        if req.unclear_removal and not req.removals:
            return self._stop("question", "ambiguous")
        if req.generate is not None and not (req.generate["from_upload"] and self.videos):
            return self._generate()
        if req.generate is not None:  # "turn my upload into a video": the upload, then the two-stage post-production
            req.music = req.music or {"genre": req.generate.get("genre"), "change": False}
            name = str((self.videos[-1] if req.target is None else self.videos[0]).get("filename") or "clip")
            req.title = req.title or {
                "kind": "title",
                "text": _title_guess(name.rsplit(".", 1)[0]),
                "color": None,
                "size": None,
                "pos": None,
                "span": None,
            }
        needs_video = bool(req.music or req.title or req.trim or req.trim_to or req.cut_first or req.cut_last)
        needs_video = needs_video or (req.generate is not None)
        if req.target is not None:
            stopped = self._use_target(req.target)
            if stopped is not None:
                return stopped
        elif needs_video and not self.has_video:
            if len(self.videos) > 1:
                names = ", ".join(str(v.get("filename")) for v in self.videos)
                return self._stop("question", "which_video", count=len(self.videos), names=names)
            if not self.videos:
                if req.music or req.generate:
                    return self._stop("question", "music_needs_video")
                if req.title:
                    return self._stop("question", "title_needs_video")
                return self._stop("answer", "no_video", action=r.word(lang, "trim"))
            self._place(self.videos[0])
        return self._edits() or self._stop("question", "ambiguous")

    # -- pieces --------------------------------------------------------------------------------------------------

    def _use_target(self, target: slots.Target) -> Plan | None:
        names = [str(v.get("filename")) for v in self.videos]
        index = target.index
        if target.named is not None:
            index = next((i for i, n in enumerate(names) if n.lower() == target.named), None)
            if index is None:
                return self._stop("answer", "no_such_video", name=target.named, names=", ".join(names) or "-")
        if target.other:
            current = drafts.first_src(self.draft)
            others = [i for i, v in enumerate(self.videos) if v.get("cdn_url") != current]
            index = others[0] if len(others) == 1 else None
        if index is None or not -len(self.videos) <= index < len(self.videos):
            return self._stop("question", "which_video", count=len(self.videos), names=", ".join(names) or "-")
        chosen = self.videos[index]
        if drafts.first_src(self.draft) != chosen.get("cdn_url"):
            self._place(chosen)
        return None

    def _place(self, upload: JSON) -> None:
        seconds = float(upload.get("duration") or 0) or 5.0
        name = str(upload.get("filename") or "clip")
        effect = tools.PlaceVideo(str(upload.get("cdn_url")), seconds, name)
        args = {"action": "add_video", "src": upload.get("cdn_url"), "file": name}
        self._tool(
            "edit_multitrack",
            args,
            self.p.s.cost_edit,
            self.p.draw("place"),
            effect,
            r.say(self.lang, "placed", name=name),
            r.say(self.lang, "placed", name=name),
        )
        self.length = seconds * 1000
        self.has_video = True
        self.has_bgm = False if self.has_bgm and self.req.music else self.has_bgm

    def _edits(self) -> Plan | None:
        req, lang = self.req, self.lang
        for step in (self._trim, self._ratio, self._music, self._title, self._remove):
            stopped = step()
            if stopped is not None:
                return stopped
        if not self.steps:
            return None
        intro = r.say(lang, "intro", what=self.intro)
        done = " ".join(self.done) + " " + r.say(lang, "outro_edit")
        steps: list[Step] = [Say(intro), *self.steps, Say(done)]
        return Plan("edit", steps, lang, req.intents)

    def _trim(self) -> Plan | None:
        req = self.req
        if not (req.trim or req.trim_to or req.cut_first or req.cut_last):
            return None
        length = self.length
        if req.trim_to is not None:
            if req.trim_to * 1000 > length + 1:
                return self._stop("answer", "too_short", length=r.seconds(length), wanted=f"{req.trim_to:g}")
            a, b = 0, int(req.trim_to * 1000)
        elif req.cut_first is not None:
            a, b = int(req.cut_first * 1000), int(length)
        elif req.cut_last is not None:
            a, b = 0, int(length - req.cut_last * 1000)
        else:
            assert req.trim is not None
            a, b = req.trim[0], min(req.trim[1], int(length))
        if b <= a or b - a < 100:
            return self._stop("answer", "too_short", length=r.seconds(length), wanted=r.seconds(max(0, b - a)))
        text = r.say(self.lang, "trimmed", start=r.seconds(a), end=r.seconds(b), length=r.seconds(b - a))
        self._tool(
            "edit_multitrack",
            {"action": "trim", "start": a / 1000, "end": b / 1000},
            self.p.s.cost_edit,
            self.p.draw("edit"),
            tools.Trim(a, b),
            text,
            text,
        )
        self.length = b - a
        return None

    def _ratio(self) -> Plan | None:
        if self.req.ratio is None:
            return None
        text = r.say(self.lang, "ratio_set", ratio=self.req.ratio)
        self._tool(
            "edit_multitrack",
            {"action": "set_canvas", "ratio": self.req.ratio},
            self.p.s.cost_edit,
            self.p.draw("edit"),
            tools.SetRatio(self.req.ratio),
            text,
            text,
        )
        return None

    def _current_volume(self) -> float | None:
        for _, seg in drafts.segments(self.draft, AUDIO):
            return drafts.volume(seg)
        return None

    def _music(self) -> Plan | None:
        req, lang = self.req, self.lang
        current = self._current_volume()
        volume = slots.volume(req.volume_words, current) if req.volume_words else None
        fade_in, fade_out = req.fades
        fades_text = self._fades_text(fade_in, fade_out)
        where = self._where(req.music_span)
        if req.music is not None:
            if req.music["change"] and not self.has_bgm and req.music["genre"] is None:
                return self._stop("question", "which_music")
            genre = req.music["genre"]
            level = volume if volume is not None else (current if self.has_bgm and current is not None else 0.8)
            key = "music_changed" if self.has_bgm and req.music["change"] else "music_added"
            label = (
                tools.label(genre)
                if genre
                else ("music matched to your video's mood" if lang != "zh" else "匹配视频氛围的音乐")
            )
            text = r.say(
                lang,
                key,
                label=label if lang != "zh" or not genre else genre,
                volume=round(level * 100),
                where=(", " if lang != "zh" else "，") + where if where else "",
                fades=fades_text,
            )
            effect = tools.GenerateMusic(genre, level, self.p.rng.getrandbits(32), req.music_span, fade_in, fade_out)
            args = {"mood": genre or "auto", "volume": level, "match": "video"}
            if req.music_span:
                args.update(start=req.music_span[0] / 1000, end=req.music_span[1] / 1000)
            intro = (
                f"Adding {tools.label(genre) if genre else 'background'} music that fits your video."
                if lang != "zh"
                else "马上为你的视频添加背景音乐。"
            )
            self._tool(
                "generate_music",
                args,
                self.p.s.cost_generate_music,
                self.p.draw("music", self.length / 1000),
                effect,
                text,
                intro,
            )
            return None
        if volume is None and fade_in is None and fade_out is None and req.music_span is None:
            return None
        if not self.has_bgm:
            action = "fade" if (fade_in or fade_out) else "make quieter" if volume is not None else "adjust"
            return self._stop("answer", "no_music", action=r.word(lang, action))
        parts = []
        if volume is not None:
            parts.append(r.say(lang, "volume_set", volume=round(volume * 100)))
        if fades_text:
            parts.append(r.say(lang, "fades_set", fades=fades_text.strip(", ，")))
        if where:
            parts.append(r.say(lang, "span_set", where=where))
        changes = (("volume", volume), ("fade_in", fade_in), ("fade_out", fade_out))
        audio: JSON = {"action": "set_audio", "track": "bgm", **{k: v for k, v in changes if v is not None}}
        adjust = tools.SetAudio(volume, fade_in, fade_out, req.music_span)
        intro = "Adjusting the background music." if lang != "zh" else "马上调整背景音乐。"
        self._tool("edit_multitrack", audio, self.p.s.cost_edit, self.p.draw("edit"), adjust, " ".join(parts), intro)
        return None

    def _fades_text(self, fade_in: int | None, fade_out: int | None) -> str:
        if fade_in is None and fade_out is None:
            return ""
        if self.lang == "zh":
            bits = [
                f"{r.seconds(fade_in)}秒淡入" if fade_in else "",
                f"{r.seconds(fade_out)}秒淡出" if fade_out else "",
            ]
            return "，" + "、".join(b for b in bits if b)
        bits = [
            f"a {r.seconds(fade_in)}s fade-in" if fade_in else "",
            f"a {r.seconds(fade_out)}s fade-out" if fade_out else "",
        ]
        return ", with " + " and ".join(b for b in bits if b)

    def _where(self, span: tuple[int, int] | None) -> str:
        if span is None:
            return ""
        a, b = r.seconds(span[0]), r.seconds(min(span[1], int(self.length or span[1])))
        return f"{a}-{b}秒" if self.lang == "zh" else f"from {a}s to {b}s"

    def _title(self) -> Plan | None:
        spec, lang = self.req.title, self.lang
        if spec is None:
            return None
        style = {k: v for k, v in (("color", spec["color"]), ("size", spec["size"]), ("pos", spec["pos"])) if v}
        has_title = any(drafts.is_title(s) for _, s in drafts.segments(self.draft, TEXT))
        if not spec["text"]:
            if style and (has_title or drafts.has(self.draft, TEXT)):
                changes = ", ".join(f"{k} {v}" for k, v in style.items())
                text = r.say(lang, "title_styled", changes=changes)
                intro = "Restyling the title." if lang != "zh" else "马上修改标题样式。"
                self._tool(
                    "edit_multitrack",
                    {"action": "style_text", "style": style},
                    self.p.s.cost_edit,
                    self.p.draw("edit"),
                    tools.StyleTitle(style),
                    text,
                    intro,
                )
                return None
            return self._stop("question", "what_title")
        title = spec["kind"] == "title"
        length = int(self.length or 10000)
        a, b = spec["span"] if spec["span"] else (0, min(3000, length))
        b = min(b, length) if length else b
        if b <= a:
            a, b = 0, min(3000, length)
        full = {
            "color": "#FFFFFF",
            "size": 64 if title else 40,
            "pos": "top-center" if title else "bottom-center",
            **style,
        }
        color_name = next(
            (k for k, v in g.COLORS.items() if v == full["color"] and (k.isascii() != (lang == "zh"))), full["color"]
        )
        what = ("Title" if title else "Text") if lang != "zh" else ("标题" if title else "文字")
        text = r.say(
            lang,
            "title_added",
            what=what,
            text=spec["text"],
            color=color_name,
            pos=r.position(lang, str(full["pos"])),
            start=r.seconds(a),
            end=r.seconds(b),
        )
        args = {"action": "add_text", "text": spec["text"], "start": a / 1000, "end": b / 1000, "title": title}
        if style:
            args["style"] = style
        intro = (
            f'Adding the {"title" if title else "text"} "{spec["text"]}".'
            if lang != "zh"
            else f"马上添加{what}“{spec['text']}”。"
        )
        self._tool(
            "edit_multitrack",
            args,
            self.p.s.cost_edit,
            self.p.draw("edit"),
            tools.AddText(spec["text"], a, b, title, style),
            text,
            intro,
        )
        return None

    def _remove(self) -> Plan | None:
        lang = self.lang
        for tt, index, what in self.req.removals:
            if index is not None:
                present = 0 <= index < len(drafts.tracks(self.draft))
            elif what in ("title", "text"):
                present = any(
                    drafts.is_title(s) == (what == "title") or what == "text"
                    for _, s in drafts.segments(self.draft, TEXT)
                )
            else:
                present = drafts.has(self.draft, tt if tt is not None else -1) or bool(drafts.tracks(self.draft, tt))
            if not present:
                return self._stop("answer", "nothing_to_remove", what=r.word(lang, what) if index is None else what)
            titles_only = {"title": True, "text": None}.get(what) if tt == TEXT else None
            text = r.say(lang, "removed", what=r.word(lang, what) if index is None else what)
            intro = text.replace("Removed", "Removing") if lang != "zh" else "马上删除。"
            self._tool(
                "edit_multitrack",
                {"action": "remove_track", "track_type": tt, "index": index},
                self.p.s.cost_edit,
                self.p.draw("edit"),
                tools.Remove(tt, index, titles_only),
                text,
                intro,
            )
        return None

    def _generate(self) -> Plan:
        req, lang, s = self.req, self.lang, self.p.s
        spec = req.generate or {}
        seconds = max(1.0, min(15.0, spec.get("duration") or 10.0))
        prompt = spec.get("subject") or "a short clip"
        genre = spec.get("genre") or (req.music or {}).get("genre")
        title_text = (req.title or {}).get("text") or _title_guess(prompt)
        steps: list[Step] = [
            Say(r.say(lang, "intro_generate", seconds=f"{seconds:g}", prompt=prompt)),
            Tool(
                "generate_video_with_seedance",
                {"prompt": prompt, "duration": seconds},
                s.cost_generate_video,
                self.p.draw("generate"),
                tools.GenerateVideo(prompt, seconds, genre),
            ),
            Say(r.say(lang, "raw_ready")),
        ]
        if req.ratio:
            steps.append(
                Tool(
                    "edit_multitrack",
                    {"action": "set_canvas", "ratio": req.ratio},
                    0,
                    self.p.draw("place"),
                    tools.SetRatio(req.ratio),
                )
            )
        asked = slots.volume(req.volume_words, None) if req.volume_words else None
        volume = asked if asked is not None else 0.35
        steps.append(
            Tool(
                "generate_music",
                {"mood": genre or "auto", "volume": volume, "match": "video"},
                0,
                self.p.draw("music", seconds),
                tools.GenerateMusic(genre, volume, self.p.rng.getrandbits(32)),
            )
        )
        end = int(min(3000, seconds * 1000))
        steps.append(
            Tool(
                "edit_multitrack",
                {"action": "add_text", "text": title_text, "start": 0, "end": end / 1000, "title": True},
                0,
                self.p.draw("place"),
                tools.AddText(title_text, 0, end, True, {}),
            )
        )
        music = (
            (f"{tools.label(genre)} background music" if genre else "background music")
            if lang != "zh"
            else (f"{genre}背景音乐" if genre else "背景音乐")
        )
        steps.append(Say(r.say(lang, "generated", music=music, title=title_text)))
        return Plan("edit", steps, lang, req.intents)


_STOP = {
    "generate",
    "create",
    "make",
    "video",
    "second",
    "seconds",
    "with",
    "from",
    "that",
    "this",
    "about",
    "please",
    "clip",
    "produce",
    "some",
    "into",
    "long",
    "music",
    "title",
    "showing",
}


def _title_guess(prompt: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z]+", prompt) if len(w) > 3 and w.lower() not in _STOP]
    if not words and re.search(r"[\u4e00-\u9fff]", prompt):
        return prompt[:8]
    return " ".join(w.capitalize() for w in words[-2:]) or "My Video"


def _picked(message: str, pending: Pending | None) -> str | None:
    """The message an answer to `pending` stands for: an option named by its label (as clients send it, "1. What
    should I change?: Add a title"), its id, its letter or its number; None when the message answers nothing."""
    if pending is None or not pending.choices:
        return None
    text = slots.normalise(message).strip(" .!")
    for i, choice in enumerate(pending.choices):
        if text in (choice.id.lower(), str(i + 1), "abcdefghij"[i]) and choice.message:
            return choice.message
    named = [c for c in pending.choices if c.label.lower() in text]
    if named:
        best = max(named, key=lambda c: len(c.label))
        return best.message or None
    return None
