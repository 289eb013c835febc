"""The picture of a draft at a time t: the topmost video segment playing there, then the text showing there.

An export asks for increasing t and keeps sources open while their segments play; a single frame (`still`) opens
only what is visible at t and seeks straight to it. Both go through `_overlay`, so a frame and the export agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import av
import numpy as np

from nemo_emulator.media.mixer import Resolver
from nemo_emulator.media.overlay import Text, blend_rgb, blend_yuv, text_patch
from nemo_emulator.media.sources import Pattern, Picture, Scaler, Source, Still, VideoFile
from nemo_protocol import draft as drafts
from nemo_protocol.draft import TEXT, VIDEO
from nemo_protocol.wire import JSON

_IMAGES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


@dataclass(order=True)
class Span:
    start: float
    end: float
    index: int
    seg: JSON = field(compare=False)

    def at(self, t: float) -> bool:
        return self.start <= t < self.end


class Composer:
    """The picture at any time t (asked for in increasing t by an export, or once by `still`)."""

    def __init__(self, draft: JSON, resolve: Resolver, width: int, height: int, cuts: Callable[[str], list[float]]):
        self.resolve, self.width, self.height, self.cuts = resolve, width, height, cuts
        order = 0
        self.videos: list[Span] = []
        self.texts: list[Span] = []
        for _, seg in drafts.segments(draft, VIDEO):
            self.videos.append(Span(drafts.start_ms(seg) / 1000, drafts.end_ms(seg) / 1000, order, seg))
            order += 1
        for _, seg in drafts.segments(draft, TEXT):
            if seg.get("tx"):
                self.texts.append(Span(drafts.start_ms(seg) / 1000, drafts.end_ms(seg) / 1000, order, seg))
                order += 1
        self.open: dict[int, Source] = {}
        self.drawn: dict[int, Text] = {}
        self.scale = Scaler()
        self._black: av.VideoFrame | None = None

    @property
    def black(self) -> av.VideoFrame:
        """The picture where no video plays (made on first use: a single frame often never needs it)."""
        if self._black is None:
            self._black = av.VideoFrame(self.width, self.height, "yuv420p")
            for plane, value in zip(_planes(self._black), (16, 128, 128), strict=True):
                plane.fill(value)
        return self._black

    def _source(self, span: Span, skip: float = 0.0) -> Source:
        """The span's source, opened on first use `skip` seconds into the segment."""
        source = self.open.get(span.index)
        if source is None:
            src = str(span.seg.get("src", ""))
            path = self.resolve(src)
            if path is None:
                source = Pattern(self.width, self.height, src, self.cuts(src))
            elif path.suffix.lower() in _IMAGES:
                source = Still(path, self.width, self.height)
            else:
                source = VideoFile(path, drafts._num(span.seg.get("so")) / 1000 + skip, self.width, self.height)
            self.open[span.index] = source
        return source

    def still(self, t: float) -> av.VideoFrame:
        """The picture at t alone, as `at` composes it."""
        playing = [s for s in self.videos if s.at(t)]
        if not playing:
            return self._overlay(self.black, t)
        top = playing[-1]
        source = self._source(top, skip=t - top.start)
        return self._overlay(source.frame(0.0 if isinstance(source, VideoFile) else t - top.start), t)

    def at(self, t: float) -> av.VideoFrame:
        """The picture at t, closing the sources and texts whose segments have ended."""
        for index in [i for i in self.open if not any(s.index == i and s.at(t) for s in self.videos)]:
            self.open.pop(index).close()
        for index in [i for i in self.drawn if not any(s.index == i and s.at(t) for s in self.texts)]:
            del self.drawn[index]
        playing = [s for s in self.videos if s.at(t)]
        if not playing:
            return self._overlay(self.black, t)
        top = playing[-1]
        return self._overlay(self._source(top).frame(t - top.start), t)

    def _overlay(self, picture: Picture, t: float) -> av.VideoFrame:
        """The texts showing at t, blended onto the picture (on its YUV planes when it has them)."""
        texts = [s for s in self.texts if s.at(t)]
        for span in texts:
            if span.index not in self.drawn:
                self.drawn[span.index] = text_patch(span.seg, self.width, self.height)
        if texts and isinstance(picture, av.VideoFrame):  # draw on a copy's YUV planes: no RGB round trip
            out = av.VideoFrame(self.width, self.height, "yuv420p")
            planes = _planes(out)
            for source, target in zip(_planes(picture), planes, strict=True):
                np.copyto(target, source)
            for span in texts:
                blend_yuv(planes, self.drawn[span.index], t)
            return out
        if texts and isinstance(picture, np.ndarray):
            rgb = picture.copy()
            for span in texts:
                blend_rgb(rgb, self.drawn[span.index], t)
            picture = rgb
        if isinstance(picture, np.ndarray):
            picture = self.scale.rgb(picture)
        return picture

    def close(self) -> None:
        for source in self.open.values():
            source.close()
        self.open.clear()


def _planes(frame: av.VideoFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A yuv420p frame's Y, U and V planes as writable 2-D views (without the rows' alignment padding)."""
    y, u, v = (np.frombuffer(memoryview(p), np.uint8).reshape(p.height, p.line_size)[:, : p.width]
               for p in frame.planes)  # fmt: skip
    return y, u, v
