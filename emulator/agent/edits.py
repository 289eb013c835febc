"""One edit request against one session's state: the tool steps, or the question or answer instead.

It never edits something the user did not ask for: what it cannot do safely, it asks about. Each step's reply says
what the step changes, with the values the step uses (the corpus test holds the two together).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nemo_emulator.agent import grammar as g
from nemo_emulator.agent import replies as r
from nemo_emulator.agent import slots, tools
from nemo_emulator.agent.generation import generate, title_guess
from nemo_emulator.agent.plan import Effect, Plan, Say, Step, Tool
from nemo_emulator.agent.reader import videos
from nemo_emulator.agent.request import MusicAsk, Request, TextAsk
from nemo_protocol import draft as drafts
from nemo_protocol.draft import AUDIO, TEXT, VIDEO
from nemo_protocol.wire import JSON

if TYPE_CHECKING:
    from nemo_emulator.agent.planner import Planner


class Edits:
    def __init__(self, planner: Planner, req: Request, state: JSON, lang: str) -> None:
        self.p, self.req, self.state, self.lang = planner, req, state, lang
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
        self.placed_src: str | None = None
        """The upload this turn puts on the timeline (its analysis decides music matched to it)."""
        self.notes: list[str] = []
        """What was asked but holds already, or names nothing there: said beside the rest of the request."""

    def stop(self, kind: str, key: str, **values: Any) -> Plan:
        if kind == "question":
            names = values.pop("names_list", None)
            if key == "which_video":
                names = [str(v.get("filename")) for v in self.videos]
            return self.p.ask(self.lang, key, self.req.intents, names, **values)
        return self.p.text(kind, self.lang, r.say(self.lang, key, **values), self.req.intents)

    def note(self, key: str, **values: Any) -> None:
        """Something asked that already holds, or that names nothing there ("...and move the title to the top" when
        it is at the top): said, while the rest of the request goes ahead; alone, it is the answer."""
        self.notes.append(r.say(self.lang, key, **values))

    def tool(self, name: str, args: JSON, cost: int, latency: float, effect: Effect, done: str, intro: str) -> None:
        self.steps.append(Tool(name, args, cost, latency, effect))
        self.done.append(done)
        if self.intro is None or self.placing:
            self.intro = intro
        self.placing = isinstance(effect, tools.PlaceVideo)

    def edit(self, name: str, args: JSON, effect: Effect, done: str, intro: str | None = None) -> None:
        """An edit_multitrack step (the common kind): its cost and latency, its reply."""
        self.tool(name, args, self.p.s.cost_edit, self.p.draw("edit"), effect, done, intro or done)

    def plan(self) -> Plan:
        req = self.req
        if req.doubt is not None:
            key, values = req.doubt
            if key == "which_style":
                styles = list(values["styles"])
                options = (" or " if self.lang != "zh" else "还是").join(tools.label(s) for s in styles)
                return self.stop("question", key, options=options, names_list=styles)
            if key in ("no_music_style", "look_or_music"):
                return self.stop("question", key, label=tools.label(values["style"]).lower(),
                                 names_list=[values["style"]])  # fmt: skip
            if key == "volume_scale":
                n = int(values["n"])
                return self.stop("question", key, n=n, tens=n * 10, names_list=[str(n), str(n * 10)])
            if key in ("middle_cut", "cut_at"):
                cut = [r.seconds(values["a"]), r.seconds(values["b"]), r.seconds(self.length)]
                return self.stop("question", key, a=cut[0], b=cut[1], end=cut[2], names_list=cut)
            if key == "how_long_music":
                where = {"end": ("at the end", "结尾"), "start": ("at the start", "开头")}[values["where"]]
                return self.stop("question", key, where=where[1] if self.lang == "zh" else where[0])
            return self.stop("question", key, **values)
        if req.generate is not None and not (req.generate["from_upload"] and self.videos):
            return generate(self)
        if req.generate is not None:  # "turn my upload into a video": the upload, then the two-stage post-production
            req.music = req.music or MusicAsk(add=True, style=req.generate.get("genre"))
            name = str((self.videos[-1] if req.target is None else self.videos[0]).get("filename") or "clip")
            if not req.texts:
                req.texts.append(TextAsk("title", "add", title_guess(name.rsplit(".", 1)[0])))
        needs_video = bool((req.music and req.music.add) or req.texts or req.trim or req.trim_to or req.cut_first
                           or req.cut_last)  # fmt: skip
        if req.target is not None:
            stopped = self._use_target(req.target)
            if stopped is not None:
                return stopped
        elif needs_video and not self.has_video:
            if len(self.videos) > 1:
                names = ", ".join(str(v.get("filename")) for v in self.videos)
                return self.stop("question", "which_video", count=len(self.videos), names=names)
            if not self.videos:
                if req.music or req.generate:
                    return self.stop("question", "music_needs_video")
                if req.texts:
                    return self.stop("question", "title_needs_video")
                return self.stop("answer", "no_video", action=r.word(self.lang, "trim"))
            self._place(self.videos[0])
        return self._edits() or self.stop("question", "ambiguous")

    # -- pieces --------------------------------------------------------------------------------------------------

    def _use_target(self, target: slots.Target) -> Plan | None:
        names = [str(v.get("filename")) for v in self.videos]
        if not names:
            return self.stop("answer", "empty_timeline")  # "use the second video": nothing is uploaded
        index = target.index
        if target.named is not None:
            index = next((i for i, n in enumerate(names) if n.lower() == target.named), None)
            if index is None:
                return self.stop("answer", "no_such_video", name=target.named, names=", ".join(names) or "-")
        if target.other:
            current = drafts.first_src(self.draft)
            others = [i for i, v in enumerate(self.videos) if v.get("cdn_url") != current]
            index = others[0] if len(others) == 1 else None
        if index is not None and len(self.videos) == 1 and index != 0:
            return self.stop("answer", "one_video", name=names[0])  # "the second clip": there is one
        if index is None or not -len(self.videos) <= index < len(self.videos):
            return self.stop("question", "which_video", count=len(self.videos), names=", ".join(names) or "-")
        chosen = self.videos[index]
        if drafts.first_src(self.draft) != chosen.get("cdn_url"):
            self._place(chosen)
        return None

    def _place(self, upload: JSON) -> None:
        seconds = float(upload.get("duration") or 0) or 5.0
        name = str(upload.get("filename") or "clip")
        effect = tools.PlaceVideo(str(upload.get("cdn_url")), seconds, name)
        self.placed_src = str(upload.get("cdn_url"))
        args = {"action": "add_video", "src": upload.get("cdn_url"), "file": name}
        said = r.say(self.lang, "placed", name=name)
        self.tool("edit_multitrack", args, self.p.s.cost_edit, self.p.draw("place"), effect, said, said)
        self.length = seconds * 1000
        self.has_video = True
        self.has_bgm = False if self.has_bgm and self.req.music else self.has_bgm

    def _edits(self) -> Plan | None:
        from nemo_emulator.agent.bgm import music
        from nemo_emulator.agent.titles import texts

        for step in (self._trim, self._ratio, lambda: music(self), lambda: texts(self), self._remove):
            stopped = step()
            if stopped is not None:
                return stopped
        if not self.steps:
            return self.p.text("answer", self.lang, " ".join(self.notes), self.req.intents) if self.notes else None
        said = self.intro if self.intro not in self.done[:1] else r.say(self.lang, "updating")
        intro = r.say(self.lang, "intro", what=said)  # not the line the turn ends on, said twice
        done = " ".join([*self.done, *self.notes]) + " " + r.say(self.lang, "outro_edit")
        steps: list[Step] = [Say(intro), *self.steps, Say(done)]
        return Plan("edit", steps, self.lang, self.req.intents)

    def _trim(self) -> Plan | None:
        req = self.req
        if not (req.trim or req.trim_to or req.cut_first or req.cut_last):
            return None
        length = self.length
        if req.trim_to is not None:
            if req.trim_to * 1000 > length + 1:
                return self.stop("answer", "too_short", length=r.seconds(length), wanted=f"{req.trim_to:g}")
            a, b = 0, int(req.trim_to * 1000)
        elif req.cut_first is not None or req.cut_last is not None:
            a, b = int((req.cut_first or 0) * 1000), int(length - (req.cut_last or 0) * 1000)
        else:
            assert req.trim is not None
            if req.trim[0] >= length:
                return self.stop("answer", "past_end", length=r.seconds(length), at=r.seconds(req.trim[0]))
            a, b = req.trim[0], min(req.trim[1], int(length))
        if a <= 50 and b >= length - 50:  # "keep the first 5 minutes" of 20 seconds: the whole clip stays
            wanted = req.trim or (a, b)  # what was asked, before the clip's end cut it short
            self.note("keeps_all", length=r.seconds(length), start=r.seconds(wanted[0]), end=r.seconds(wanted[1]))
            return None
        if b <= a or b - a < 100:
            return self.stop("answer", "leaves_nothing", length=r.seconds(length))
        text = r.say(self.lang, "trimmed", start=r.seconds(a), end=r.seconds(b), length=r.seconds(b - a))
        self.edit("edit_multitrack", {"action": "trim", "start": a / 1000, "end": b / 1000}, tools.Trim(a, b), text)
        self.length = b - a
        return None

    def _ratio(self) -> Plan | None:
        if self.req.ratio is None:
            return None
        if (self.state.get("canvas_config") or {}).get("ratio") == self.req.ratio and self.has_video:
            self.note("ratio_already", ratio=self.req.ratio)
            return None
        text = r.say(self.lang, "ratio_set", ratio=self.req.ratio)
        args = {"action": "set_canvas", "ratio": self.req.ratio}
        self.edit("edit_multitrack", args, tools.SetRatio(self.req.ratio), text)
        return None

    def _remove(self) -> Plan | None:
        lang, req = self.lang, self.req
        if req.keep is not None:
            kept = [k for k in req.keep if k != "text" or "title" not in req.keep]
            if not drafts.tracks(self.draft):
                return self.stop("answer", "nothing_to_remove", what=r.word(lang, "track"))
            what = (" and " if lang != "zh" else "和").join(r.word(lang, k) for k in kept)
            text = r.say(lang, "kept_only", what=what) if kept else r.say(lang, "removed_all")
            args = {"action": "keep_only", "kinds": list(req.keep)}
            self.edit("edit_multitrack", args, tools.KeepOnly(tuple(req.keep)), text)
        for tt, index, what in req.removals:
            if index is not None:
                present = 0 <= index < len(drafts.tracks(self.draft))
            elif what in ("title", "text", "caption"):
                present = any(drafts.is_title(s) == (what == "title") or what == "text"
                              for _, s in drafts.segments(self.draft, TEXT))  # fmt: skip
            else:
                present = drafts.has(self.draft, tt if tt is not None else -1) or bool(drafts.tracks(self.draft, tt))
            if not present:
                self.note("nothing_to_remove", what=r.word(lang, what) if index is None else what)
                continue
            titles_only = {"title": True, "text": None, "caption": False}.get(what) if tt == TEXT else None
            if index is None:
                text = r.say(lang, "removed", what=r.word(lang, what))
            else:
                track = drafts.tracks(self.draft)[index]
                name = str((track.get("m") or {}).get("name") or {0: "Video", 1: "BGM", 7: "Text"}.get(
                    int(track.get("tt") or 0), "Track"))  # fmt: skip
                text = r.say(lang, "removed_track", number=index + 1, name=name)
            intro = text.replace("Removed", "Removing") if lang != "zh" else "马上删除。"
            removal: JSON = {"action": "remove_track", "track_type": tt, "index": index}
            self.edit("edit_multitrack", removal, tools.Remove(tt, index, titles_only), text, intro)
        return None

    def current_title(self) -> JSON | None:
        return next((s for _, s in drafts.segments(self.draft, TEXT) if drafts.is_title(s)), None)

    def color_name(self, color: str) -> str:
        return next((k for k, v in g.COLORS.items() if v == color and k.isascii() != (self.lang == "zh")), color)
