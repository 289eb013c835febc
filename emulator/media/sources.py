"""The pictures a render paints from: a video file, a still image, or a moving test pattern for generated clips.

Each source lives only while its segment plays and hands out frames at the output size. A source keeps one
swscale context for its whole life (PyAV's `VideoFrame.reformat` builds a new one per frame, which cost more than
the scaling itself) and scales on one thread, because libx264 already has the other cores.
"""

from __future__ import annotations

import colorsys
from pathlib import Path
from typing import Any, Protocol

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from PIL import Image

Picture = av.VideoFrame | np.ndarray
"""A frame at the output size: a yuv420p VideoFrame, or an RGB array (patterns and stills)."""


class Source(Protocol):
    def frame(self, t: float) -> Picture: ...

    def close(self) -> None: ...


class Scaler:
    """One swscale context, reused for every frame of the same shape."""

    def __init__(self) -> None:
        self.reformatter = VideoReformatter()

    def __call__(self, frame: av.VideoFrame, width: int, height: int, fmt: str = "yuv420p") -> av.VideoFrame:
        return self.reformatter.reformat(frame, width=width, height=height, format=fmt, threads=1,
                                         interpolation="FAST_BILINEAR")

    def rgb(self, rgb: np.ndarray) -> av.VideoFrame:
        """An RGB array as a yuv420p frame."""
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        return self(frame, frame.width, frame.height)


def cover(img: np.ndarray, width: int, height: int) -> np.ndarray:
    """`img` scaled to cover width × height, the overflow cropped at the centre."""
    h, w = img.shape[:2]
    scale = max(width / w, height / h)
    nw, nh = max(width, round(w * scale)), max(height, round(h * scale))
    resized = np.asarray(Image.fromarray(img).resize((nw, nh), Image.Resampling.BILINEAR))
    x, y = (nw - width) // 2, (nh - height) // 2
    return resized[y : y + height, x : x + width]


class Pattern:
    """A moving colour pattern standing in for a generated clip; its hue changes at the clip's scene cuts."""

    def __init__(self, width: int, height: int, key: str, cuts: list[float]) -> None:
        self.cuts, self.width, self.height = cuts, width, height
        self.hue0 = (sum(key.encode()) % 360) / 360
        self.section = -1
        self.base = np.zeros((height, width, 3), np.uint8)

    def close(self) -> None:
        pass

    def frame(self, t: float) -> Picture:
        section = sum(1 for c in self.cuts if c <= t)
        if section != self.section:
            rgb = np.array(colorsys.hsv_to_rgb((self.hue0 + 0.27 * section) % 1.0, 0.65, 0.9), np.float32) * 255
            ramp = np.linspace(0.45, 1.0, self.width, dtype=np.float32)[None, :, None]
            vert = np.linspace(1.0, 0.7, self.height, dtype=np.float32)[:, None, None]
            self.base, self.section = (ramp * vert * rgb).astype(np.uint8), section
        out = np.roll(self.base, int(t * self.width / 4) % self.width, axis=1)
        bar = int((t * 0.25 % 1.0) * self.height)
        out[bar : bar + max(2, self.height // 40)] = 255
        return out


class VideoFile:
    """Sequential frames of a video file from a source offset, cover-fitted to the output size."""

    def __init__(self, path: Path, offset: float, width: int, height: int) -> None:
        self.container = av.open(str(path))
        self.stream = self.container.streams.video[0]
        ctx = self.stream.codec_context
        # Frame threads pay off only for a source bigger than the output; a smaller one decodes in well under a
        # millisecond, and its threads would take turns from libx264's.
        self.stream.thread_type = "AUTO" if (ctx.width or 0) * (ctx.height or 0) > width * height else "NONE"
        self.time_base = float(self.stream.time_base or 1 / 90000)
        self.size = (width, height)
        self.offset = offset
        if offset > 0:
            self.container.seek(int(offset / self.time_base), stream=self.stream)
        self.frames = self.container.decode(self.stream)
        self.current: av.VideoFrame | None = None
        self.current_t = -1.0
        self.pending: Any = None
        self.fitted: Picture | None = None
        self.scale = Scaler()

    def frame(self, t: float) -> Picture:
        """The frame showing at `t` seconds into the segment (the last one decoded at or before it)."""
        target = self.offset + t
        changed = False
        while True:
            decoded = self.pending or next(self.frames, None)
            self.pending = None
            if decoded is None:
                break
            ft = decoded.pts * self.time_base if decoded.pts is not None else self.current_t + 1 / 30
            if ft > target + 1e-3 and self.current is not None:
                self.pending = decoded
                break
            self.current, self.current_t, changed = decoded, ft, True
        if self.current is None:
            return np.zeros((self.size[1], self.size[0], 3), np.uint8)
        if changed or self.fitted is None:
            self.fitted = self._fit(self.current)
        return self.fitted

    def _fit(self, decoded: av.VideoFrame) -> Picture:
        """Scale with swscale so the frame covers the output; crop the overflow (centre) only when there is one."""
        width, height = self.size
        scale = max(width / decoded.width, height / decoded.height)
        nw, nh = max(width, round(decoded.width * scale)), max(height, round(decoded.height * scale))
        if (nw, nh) == (width, height):
            return self.scale(decoded, width, height)
        img: np.ndarray = self.scale(decoded, nw, nh, "rgb24").to_ndarray()
        x, y = (nw - width) // 2, (nh - height) // 2
        return np.ascontiguousarray(img[y : y + height, x : x + width])

    def close(self) -> None:
        self.container.close()


class Still:
    """An image, cover-fitted once."""

    def __init__(self, path: Path, width: int, height: int) -> None:
        with Image.open(path) as img:
            self.img = cover(np.asarray(img.convert("RGB")), width, height)

    def frame(self, t: float) -> Picture:
        return self.img

    def close(self) -> None:
        pass
