"""What the agent's tools do to a session, through the protocol's draft model: each effect takes the tool context
and the current state and returns (tool response, stateDelta). Nothing here touches credits or the stream.

Effects run in a worker thread; the ones that make media (a generated clip's analysis, procedural music) write
files under the context's generated folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nemo_emulator.agent.plan import ToolContext
from nemo_emulator.state.sessions import analysis_for
from nemo_protocol import draft as drafts
from nemo_protocol.draft import AUDIO, TEXT, VIDEO, Draft
from nemo_protocol.wire import JSON


def _finish(draft: Draft, response: JSON, **extra: Any) -> tuple[JSON, JSON]:
    return {"status": "success", **response}, {"draft": draft.finish(), **extra}


def label(genre: str, modifier: str | None = None) -> str:
    """How a style is named in replies and on the timeline ("lo-fi" -> "Lo-fi", "piano" with "sad" -> "Sad piano")."""
    name = {"edm": "EDM", "chinese": "Chinese traditional", "kids": "Kids"}.get(genre, genre[:1].upper() + genre[1:])
    if modifier and modifier.isascii() and modifier.lower() not in name.lower():
        return f"{modifier[:1].upper()}{modifier[1:].lower()} {name if name.isupper() else name.lower()}"
    return name


@dataclass(slots=True)
class PlaceVideo:
    """Put an upload (or a generated clip) on the video track, replacing what was there."""

    src: str
    seconds: float
    name: str

    def __call__(self, ctx: ToolContext, state: JSON) -> tuple[JSON, JSON]:
        draft = Draft(state.get("draft"))
        draft.set_video(self.src, round(self.seconds * 1000), name=self.name)
        return _finish(draft, {"video_url": self.src, "duration": self.seconds})


@dataclass(slots=True)
class GenerateVideo:
    prompt: str
    seconds: float
    genre: str | None

    def __call__(self, ctx: ToolContext, state: JSON) -> tuple[JSON, JSON]:
        media_id = ctx.media_id()
        url = ctx.media_url(f"{media_id}.mp4")
        entry = {
            "id": media_id,
            "type": "video",
            "url": url,
            "duration": self.seconds,
            "prompt": self.prompt,
            "tool": "generate_video_with_seedance",
        }
        analysis = {
            "mood": self.genre or "cinematic",
            "scene_cuts": [round(self.seconds / 3, 2), round(2 * self.seconds / 3, 2)],
            "source": "prompt",
        }
        response, delta = PlaceVideo(url, self.seconds, self.prompt[:40])(ctx, state)
        delta["generated_media"] = [*state.get("generated_media", []), entry]
        delta["video_analyses"] = {**state.get("video_analyses", {}), media_id: analysis}
        return {**response, "media_id": media_id}, delta


def video_style(state: JSON, src: str | None = None) -> str:
    """The style music matched to the video (`src`, else the draft's) gets: the mood its analysis found, else lo-fi."""
    draft = state.get("draft") or {}
    analysis = analysis_for(state.get("video_analyses", {}), src or drafts.first_src(draft) or "")
    return str(analysis.get("mood") or "lo-fi")


@dataclass(slots=True)
class GenerateMusic:
    """Procedural music as long as the asked-for span (else the video), in the asked-for style (else the video's
    mood), with sections that change at the video's scene cuts."""

    genre: str | None
    volume: float
    seed: int
    span: tuple[int, int] | None = None
    fade_in: int | None = None
    fade_out: int | None = None
    modifier: str | None = None
    """A second word for the style, kept in the track's label ("sad" of "Sad piano")."""

    def __call__(self, ctx: ToolContext, state: JSON) -> tuple[JSON, JSON]:
        from nemo_emulator.media.music import write_music

        draft = Draft(state.get("draft"))
        video_ms = drafts.video_length_ms(draft.data) or 10000
        start, end = self.span if self.span else (0, int(video_ms))
        end = min(end, int(video_ms)) if video_ms else end
        length = max(1000, end - start)
        analysis = analysis_for(state.get("video_analyses", {}), drafts.first_src(draft.data) or "")
        chosen = self.genre or video_style(state)
        cuts = [c - start / 1000 for c in analysis.get("scene_cuts", []) if start < c * 1000 < start + length]
        media_id = ctx.media_id()
        write_music(ctx.generated_dir / f"{media_id}.wav", length / 1000, chosen, self.seed, cuts)
        url = ctx.media_url(f"{media_id}.wav")
        draft.set_bgm(
            url,
            label=label(chosen, self.modifier),
            mood=chosen,
            vol=self.volume,
            start=start,
            length=length,
            fade_in=self.fade_in or 0,
            fade_out=self.fade_out or 0,
        )
        entry = {
            "id": media_id,
            "type": "audio",
            "url": url,
            "duration": length / 1000,
            "prompt": chosen,
            "tool": "generate_music",
            "scene_cuts": cuts,
        }
        response = {"music_url": url, "mood": chosen, "duration": length / 1000, "volume": self.volume}
        result, delta = _finish(draft, {**response, "media_id": media_id})
        delta["generated_media"] = [*state.get("generated_media", []), entry]
        return result, delta


@dataclass(slots=True)
class SetAudio:
    """Volume, fades and span of the background music."""

    volume: float | None = None
    fade_in: int | None = None
    fade_out: int | None = None
    span: tuple[int, int] | None = None

    def __call__(self, ctx: ToolContext, state: JSON) -> tuple[JSON, JSON]:
        draft = Draft(state.get("draft"))
        if self.span is not None:
            draft.retime(AUDIO, self.span[0], self.span[1] - self.span[0])
        draft.set_audio(vol=self.volume, fade_in=self.fade_in, fade_out=self.fade_out)
        changed = {
            k: v
            for k, v in (("volume", self.volume), ("fade_in", self.fade_in), ("fade_out", self.fade_out))
            if v is not None
        }
        return _finish(draft, changed)


@dataclass(slots=True)
class AddText:
    text: str
    start: int
    end: int
    title: bool
    style: JSON

    def __call__(self, ctx: ToolContext, state: JSON) -> tuple[JSON, JSON]:
        draft = Draft(state.get("draft"))
        draft.add_text(self.text, self.start, self.end, title=self.title, style=self.style)
        return _finish(draft, {"text": self.text, "start": self.start / 1000, "end": self.end / 1000})


@dataclass(slots=True)
class StyleTitle:
    style: JSON

    def __call__(self, ctx: ToolContext, state: JSON) -> tuple[JSON, JSON]:
        draft = Draft(state.get("draft"))
        changed = draft.style_texts(self.style, titles_only=True) or draft.style_texts(self.style)
        return _finish(draft, {"changed": changed, **self.style})


@dataclass(slots=True)
class EditTexts:
    """Move the title (or the text) in time, and/or give it new words; its style stays."""

    titles_only: bool
    span: tuple[int, int] | None = None
    text: str | None = None

    def __call__(self, ctx: ToolContext, state: JSON) -> tuple[JSON, JSON]:
        draft = Draft(state.get("draft"))
        changed = draft.edit_texts(titles_only=self.titles_only, span=self.span, text=self.text)
        response: JSON = {"changed": changed}
        if self.span is not None:
            response.update(start=self.span[0] / 1000, end=self.span[1] / 1000)
        if self.text is not None:
            response["text"] = self.text
        return _finish(draft, response)


@dataclass(slots=True)
class KeepOnly:
    """Remove every track but the named kinds (video, music, title, text)."""

    kinds: tuple[str, ...]

    def __call__(self, ctx: ToolContext, state: JSON) -> tuple[JSON, JSON]:
        draft = Draft(state.get("draft"))
        return _finish(draft, {"removed": draft.keep_only(set(self.kinds)), "kept": list(self.kinds)})


@dataclass(slots=True)
class Trim:
    start: int
    end: int

    def __call__(self, ctx: ToolContext, state: JSON) -> tuple[JSON, JSON]:
        draft = Draft(state.get("draft"))
        draft.trim(self.start, self.end)
        return _finish(draft, {"start": self.start / 1000, "end": self.end / 1000})


@dataclass(slots=True)
class Remove:
    tt: int | None
    index: int | None
    titles_only: bool | None = None
    """For text tracks: remove only titles (True), only other text (False), or all (None)."""

    def __call__(self, ctx: ToolContext, state: JSON) -> tuple[JSON, JSON]:
        draft = Draft(state.get("draft"))
        if self.tt == TEXT and self.titles_only is not None:
            for track in draft.of(TEXT):
                track["sg"] = [
                    s for s in track.get("sg", []) if drafts.is_title(s) != self.titles_only
                ]
            draft.data["t"] = [t for t in draft.tracks if not (t.get("tt") == TEXT and not t.get("sg"))]
            removed = 1
        else:
            removed = draft.remove(self.tt, self.index)
        return _finish(draft, {"removed": removed})


@dataclass(slots=True)
class SetRatio:
    ratio: str

    def __call__(self, ctx: ToolContext, state: JSON) -> tuple[JSON, JSON]:
        width, height = drafts.RATIOS[self.ratio]
        draft = Draft(state.get("draft"))
        draft.set_canvas(width, height)
        canvas = {"width": width, "height": height, "ratio": self.ratio}
        return _finish(draft, {"ratio": self.ratio, "width": width, "height": height}, canvas_config=canvas)


__all__ = [
    "VIDEO",
    "AddText",
    "EditTexts",
    "GenerateMusic",
    "GenerateVideo",
    "KeepOnly",
    "PlaceVideo",
    "Remove",
    "SetAudio",
    "SetRatio",
    "StyleTitle",
    "Trim",
    "label",
]
