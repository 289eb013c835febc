"""The deterministic agent: a user message and the session's state become a plan of texts and tool calls.

Understands generation (from text or an upload), background music (generate, volume, style, remove),
titles and text overlays with time ranges, trims, track removal, aspect ratio and "show tracks".
Anything else gets a helpful answer. Replies are phrased for a GUI, as the real backend's are.
What counts as asking for each is in phrases.py.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nemo_emulator.agent import phrases, tools
from nemo_emulator.media.moods import MOODS
from nemo_emulator.settings import Latency, Settings
from nemo_protocol import draft as drafts
from nemo_protocol.draft import AUDIO, VIDEO
from nemo_protocol.wire import JSON

Effect = Callable[["Any", JSON], tuple[JSON, JSON]]
"""(turn context, current session state) -> (tool response, stateDelta)."""


@dataclass(slots=True)
class Say:
    text: str


@dataclass(slots=True)
class Wait:
    """The agent thinking before it answers (virtual seconds)."""

    latency: float


@dataclass(slots=True)
class Tool:
    name: str
    args: JSON
    cost: int
    latency: float
    effect: Effect


@dataclass
class Plan:
    kind: str
    steps: list[Say | Wait | Tool] = field(default_factory=list)
    silent_eligible: bool = False

    @property
    def cost(self) -> int:
        return sum(s.cost for s in self.steps if isinstance(s, Tool))


def _draw(rng: random.Random, latency: Latency) -> float:
    return round(rng.uniform(latency.low, latency.high), 3)


def _last_video(state: JSON) -> JSON | None:
    videos = [v for v in state.get("video_infos", []) if v.get("file_type") == "video"]
    return videos[-1] if videos else None


def draft_video_src(state: JSON) -> str | None:
    return drafts.first_src(state.get("draft"), VIDEO)


def _has_track(state: JSON, tt: int) -> bool:
    return drafts.has(state.get("draft"), tt)


class Planner:
    """Turns messages into plans; all randomness comes from the turn's RNG."""

    def __init__(self, settings: Settings, rng: random.Random) -> None:
        self.s = settings
        self.rng = rng

    def plan(self, message: str, state: JSON) -> Plan:
        m = " ".join(message.lower().split())
        if not m:
            return self._text_plan("help", 'Tell me what to make, e.g. "generate a 10-second city timelapse".')
        if phrases.DESCRIBE.search(m) or m in ("tracks", "timeline", "show tracks"):
            summary = tools.describe(state)
            if summary.startswith("Timeline ("):
                summary += " Open the Timeline panel to see it."
            return self._text_plan("describe", summary)
        if re.search(r"\b(export|download)\b", m) and not phrases.GENERATE.search(m):
            return self._text_plan(
                "export", "Your video is ready to export! Click the Export button in the top-right corner to save it."
            )
        if phrases.REMOVE.search(m) and (target := phrases.removal_target(m)) is not None:
            return self._edit_plan("remove", self._remove_tool(*target))
        wants_video = bool(phrases.GENERATE.search(m) and phrases.VIDEO_WORD.search(m))
        if phrases.MUSIC.search(m) or (
            phrases.find_mood(m) and not wants_video and (phrases.PERCENT.search(m) or _has_track(state, AUDIO))
        ):
            return self._music_plan(m, state)
        if phrases.TEXT_WORD.search(m) and phrases.QUOTED.search(message):
            return self._edit_plan("text", self._text_tool(message, m, state))
        if re.search(r"\b(trim|shorten|cut)\b", m):
            tool = self._trim_tool(m, state)
            if tool is not None:
                return self._edit_plan("trim", tool)
        if phrases.GENERATE.search(m) and (phrases.VIDEO_WORD.search(m) or "from" in m):
            return self._generate_plan(message, m, state)
        ratio = phrases.ratio(m)
        if ratio is not None:
            return self._edit_plan("ratio", self._ratio_tool(ratio, state))
        return self._text_plan(
            "help",
            "I can generate a video from a description or your upload, add background music, titles and text, "
            "trim, change the aspect ratio, or show your tracks. Upload files with the Upload button, then tell "
            'me what you\'d like — for example: "add lo-fi music at 35%" or "title \'Urban Dreams\' 0-3s".',
        )

    # -- plans -------------------------------------------------------------------------------------------

    def _text_plan(self, kind: str, text: str) -> Plan:
        wait = _draw(self.rng, self.s.latency_text)
        return Plan(kind, [Wait(wait), Say(text)])

    def _edit_plan(self, kind: str, tool: tuple[Tool, str]) -> Plan:
        step, done_text = tool
        return Plan(kind, [step, Say(done_text)], silent_eligible=True)

    def _generate_plan(self, message: str, m: str, state: JSON) -> Plan:
        seconds = phrases.duration(m, default=10.0, cap=15.0)
        upload = _last_video(state) if phrases.UPLOAD.search(m) else None
        title = phrases.title_from(message) or phrases.title_guess(message)
        steps: list[Say | Wait | Tool] = []
        if upload is not None:
            seconds = min(seconds, upload["duration"]) if phrases.SECONDS.search(m) else upload["duration"]
            steps.append(Say(f'Sure! I\'ll turn your upload "{upload["filename"]}" into a finished video.'))
            steps.append(self._place_upload(upload, seconds))
            steps.append(Say("Your clip is on the timeline! Preview it in the Timeline panel while I add music."))
        else:
            prompt = phrases.subject(message)
            steps.append(Say(f"Sure! I'll generate a {seconds:g}-second video: {prompt}. This may take a few minutes."))
            steps.append(
                Tool(
                    "generate_video_with_seedance",
                    {"prompt": prompt, "duration": seconds},
                    self.s.cost_generate_video,
                    _draw(self.rng, self.s.latency_generate),
                    _GenerateVideo(prompt, seconds, phrases.find_mood(m)),
                )
            )
            steps.append(
                Say("Your raw video is ready! Preview it in the Timeline panel. Adding music and a title now…")
            )
        if (ratio := phrases.ratio(m)) is not None:
            step, _ = self._ratio_tool(ratio, state)
            step.cost = 0
            steps.append(step)
        mood = phrases.find_mood(m)
        steps.append(self._music_tool(mood, 0.35, cost=0, requested_ms=None))
        end = min(3000, int(seconds * 1000))
        steps.append(
            Tool(
                "edit_multitrack",
                {"action": "add_text", "text": title, "start": 0, "end": end / 1000},
                0,
                _draw(self.rng, self.s.latency_edit),
                _AddText(title, 0, end, title=True),
            )
        )
        steps.append(
            Say(
                f'Done! I added background music and the title "{title}". '
                "Preview it in the Timeline panel, then click Export to save your video."
            )
        )
        return Plan("generate", steps)

    def _music_plan(self, m: str, state: JSON) -> Plan:
        pct = phrases.PERCENT.search(m)
        volume = min(100, int(pct.group(1))) / 100 if pct else None
        mood = phrases.find_mood(m)
        has_bgm = _has_track(state, AUDIO)
        if has_bgm and mood is None and volume is None and (step := re.search(r"\b(louder|quieter|softer)\b", m)):
            volume = min(1.0, self._current_volume(state) + (0.2 if step.group(1) == "louder" else -0.2))
            volume = round(max(0.0, volume), 2)
        if has_bgm and mood is None and volume is not None:
            tool = Tool(
                "edit_multitrack",
                {"action": "set_volume", "track": "bgm", "volume": volume},
                self.s.cost_edit,
                _draw(self.rng, self.s.latency_edit),
                _Volume(volume),
            )
            return self._edit_plan(
                "volume",
                (
                    tool,
                    f"Set the background music to {round(volume * 100)}% volume. Press play in the preview to hear it.",
                ),
            )
        if volume is None:
            volume = self._current_volume(state) if has_bgm else 0.8
        requested = phrases.SECONDS.search(m)
        steps: list[Say | Wait | Tool] = []
        if draft_video_src(state) is None and (upload := _last_video(state)) is not None:
            steps.append(self._place_upload(upload, upload["duration"]))
        steps.append(
            self._music_tool(
                mood,
                volume,
                cost=self.s.cost_generate_music,
                requested_ms=phrases.ms(requested.group(1)) if requested else None,
            )
        )
        label = MOODS_LABEL[mood] if mood else "music matched to your video's mood"
        steps.append(
            Say(
                f"Background music added: {label}, at {round(volume * 100)}% volume across the whole video. "
                "Open the Timeline panel to adjust it, or click Export."
            )
        )
        return Plan("music", steps, silent_eligible=True)

    # -- tools -------------------------------------------------------------------------------------------

    def _place_upload(self, upload: JSON, seconds: float) -> Tool:
        media = {"url": upload["cdn_url"], "duration": min(seconds, upload["duration"])}
        return Tool(
            "edit_multitrack",
            {"action": "add_video", "src": upload["cdn_url"]},
            self.s.cost_edit,
            _draw(self.rng, self.s.latency_edit),
            lambda ctx, st: tools.add_video(st, media, name=upload["filename"]),
        )

    def _music_tool(self, mood: str | None, volume: float, *, cost: int, requested_ms: int | None) -> Tool:
        seed = self.rng.getrandbits(32)
        args = {"mood": mood or "auto", "volume": volume, "match": "video"}
        return Tool(
            "generate_music",
            args,
            cost,
            _draw(self.rng, self.s.latency_music),
            _GenerateMusic(mood, volume, seed, requested_ms),
        )

    def _current_volume(self, state: JSON) -> float:
        for _, seg in drafts.segments(state.get("draft"), AUDIO):
            return drafts.volume(seg)
        return 0.8

    def _text_tool(self, message: str, m: str, state: JSON) -> tuple[Tool, str]:
        text = phrases.title_from(message) or "Title"
        rng_match = phrases.RANGE.search(m)
        length = tools.video_length_ms(state) or 10000
        start, end = (
            (phrases.ms(rng_match.group(1)), phrases.ms(rng_match.group(2)))
            if rng_match
            else (0, min(3000, int(length)))
        )
        if end <= start:
            start, end = end, start + 1000 if end == start else start
        title = bool(re.search(r"\btitle\b", m))
        step = Tool(
            "edit_multitrack",
            {"action": "add_text", "text": text, "start": start / 1000, "end": end / 1000},
            self.s.cost_edit,
            _draw(self.rng, self.s.latency_edit),
            _AddText(text, start, end, title=title),
        )
        what = "Title" if title else "Text"
        return step, (
            f'{what} added: "{text}" (white, {"top" if title else "bottom"}-center, '
            f"{start / 1000:g}-{end / 1000:g}s, fade-in). Preview it in the Timeline panel."
        )

    def _trim_tool(self, m: str, state: JSON) -> tuple[Tool, str] | None:
        length = int(tools.video_length_ms(state) or (state.get("draft") or {}).get("d", 0) or 0)
        if rng_match := phrases.RANGE.search(m):
            a, b = phrases.ms(rng_match.group(1)), phrases.ms(rng_match.group(2))
        elif ((first := re.search(r"first\s+(\d+(?:\.\d+)?)\s*(?:s|sec|seconds)", m)) and phrases.REMOVE.search(m)) or (
            first := re.search(r"(?:remove|cut|trim)\s+(?:off\s+)?(?:the\s+)?first\s+(\d+(?:\.\d+)?)", m)
        ):
            a, b = phrases.ms(first.group(1)), length
        elif sec := phrases.SECONDS.search(m):
            a, b = 0, phrases.ms(sec.group(1))
        else:
            return None
        b = min(b, length) if length else b
        if b <= a:
            return None
        step = Tool(
            "edit_multitrack",
            {"action": "trim", "start": a / 1000, "end": b / 1000},
            self.s.cost_edit,
            _draw(self.rng, self.s.latency_edit),
            lambda ctx, st: tools.trim(st, a, b),
        )
        return (
            step,
            f"Trimmed the video to {a / 1000:g}-{b / 1000:g}s ({(b - a) / 1000:g}s). Check it in the Timeline panel.",
        )

    def _remove_tool(self, tt: int | None, index: int | None, label: str) -> tuple[Tool, str]:
        step = Tool(
            "edit_multitrack",
            {"action": "remove_track", "track_type": tt, "index": index},
            self.s.cost_edit,
            _draw(self.rng, self.s.latency_edit),
            lambda ctx, st: tools.remove_tracks(st, tt, index),
        )
        return step, f"Removed {label}. Open the Timeline panel to review your tracks."

    def _ratio_tool(self, ratio: str, state: JSON) -> tuple[Tool, str]:
        step = Tool(
            "edit_multitrack",
            {"action": "set_canvas", "ratio": ratio},
            self.s.cost_edit,
            _draw(self.rng, self.s.latency_edit),
            lambda ctx, st: tools.set_ratio(st, ratio),
        )
        return step, (
            f"Canvas changed to {ratio}. Footage is reframed to fit; for a true {ratio} shot, ask me to "
            "regenerate. Preview it in the player."
        )


MOODS_LABEL = {name: name.replace("-", " ").title().replace("Lo Fi", "Lo-fi") for name in MOODS}


@dataclass(slots=True)
class _AddText:
    text: str
    start: int
    end: int
    title: bool

    def __call__(self, ctx: Any, state: JSON) -> tuple[JSON, JSON]:
        return tools.add_text(state, self.text, self.start, self.end, title=self.title)


@dataclass(slots=True)
class _Volume:
    volume: float

    def __call__(self, ctx: Any, state: JSON) -> tuple[JSON, JSON]:
        return tools.set_bgm_volume(state, self.volume)


@dataclass(slots=True)
class _GenerateVideo:
    prompt: str
    seconds: float
    mood: str | None

    def __call__(self, ctx: Any, state: JSON) -> tuple[JSON, JSON]:
        return ctx.generate_video(state, self.prompt, self.seconds, self.mood)  # type: ignore[no-any-return]


@dataclass(slots=True)
class _GenerateMusic:
    mood: str | None
    volume: float
    seed: int
    requested_ms: int | None

    def __call__(self, ctx: Any, state: JSON) -> tuple[JSON, JSON]:
        return ctx.generate_music(state, self.mood, self.volume, self.seed, self.requested_ms)  # type: ignore[no-any-return]
