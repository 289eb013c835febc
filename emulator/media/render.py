"""Render a draft to a real MP4 with PyAV: H.264 video, AAC audio, text overlays, mixed audio tracks.

Video segments come from uploads (or a test pattern for generated clips); later video tracks paint
above earlier ones; text tracks are drawn on top; audio tracks and the video's own sound are mixed
at their volumes. Runs in a worker thread: PyAV/libx264 release the GIL while they encode.
"""

from __future__ import annotations

import colorsys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from nemo_protocol.draft import AUDIO, TEXT, VIDEO, duration_ms, output_size
from nemo_protocol.wire import JSON, obj

RATE = 44100
Resolver = Callable[[str], Path | None]
"""Maps a segment's `src` to a local file, or None for generated media (drawn as a test pattern)."""


def _cover(img: np.ndarray, width: int, height: int) -> np.ndarray:
    h, w = img.shape[:2]
    scale = max(width / w, height / h)
    nw, nh = max(width, round(w * scale)), max(height, round(h * scale))
    resized = np.asarray(Image.fromarray(img).resize((nw, nh), Image.Resampling.BILINEAR))
    x, y = (nw - width) // 2, (nh - height) // 2
    return resized[y : y + height, x : x + width]


class _Pattern:
    """A moving colour pattern standing in for a generated clip; its hue changes at the clip's scene cuts."""

    def __init__(self, width: int, height: int, key: str, cuts: list[float]) -> None:
        self.cuts = cuts
        hue0 = (sum(key.encode()) % 360) / 360
        ramp = np.linspace(0.45, 1.0, width, dtype=np.float32)[None, :, None]
        vert = np.linspace(1.0, 0.7, height, dtype=np.float32)[:, None, None]
        self.bases = []
        for k in range(len(cuts) + 1):
            rgb = np.array(colorsys.hsv_to_rgb((hue0 + 0.27 * k) % 1.0, 0.65, 0.9), dtype=np.float32) * 255
            self.bases.append((ramp * vert * rgb).astype(np.uint8))
        self.width = width

    def close(self) -> None:
        pass

    def frame(self, t: float) -> np.ndarray:
        base = self.bases[sum(1 for c in self.cuts if c <= t)]
        out = np.roll(base, int(t * self.width / 4) % self.width, axis=1)
        bar = int((t * 0.25 % 1.0) * out.shape[0])
        out[bar : bar + max(2, out.shape[0] // 40)] = 255
        return out


class _VideoFile:
    """Sequential frames of a video file from a source offset, cover-fitted to the output size."""

    def __init__(self, path: Path, offset: float, width: int, height: int) -> None:
        self.container = av.open(str(path))
        self.stream = self.container.streams.video[0]
        self.time_base = float(self.stream.time_base or 1 / 90000)
        self.stream.thread_type = "AUTO"
        self.size = (width, height)
        self.offset = offset
        if offset > 0:
            self.container.seek(int(offset / self.time_base), stream=self.stream)
        self.frames = self.container.decode(self.stream)
        self.current: np.ndarray | None = None
        self.current_t = -1.0
        self.pending: Any = None

    def frame(self, t: float) -> np.ndarray:
        target = self.offset + t
        while True:
            frame = self.pending or next(self.frames, None)
            self.pending = None
            if frame is None:
                break
            ft = frame.pts * self.time_base if frame.pts is not None else self.current_t + 1 / 30
            if ft > target + 1e-3 and self.current is not None:
                self.pending = frame
                break
            self.current, self.current_t = self._fit(frame), ft
        if self.current is None:
            self.current = np.zeros((self.size[1], self.size[0], 3), np.uint8)
        return self.current

    def _fit(self, frame: Any) -> np.ndarray:
        """Scale with swscale so the frame covers the output, then crop the overflow (centre)."""
        width, height = self.size
        scale = max(width / frame.width, height / frame.height)
        nw, nh = max(width, round(frame.width * scale)), max(height, round(frame.height * scale))
        img: np.ndarray = frame.reformat(width=nw, height=nh, format="rgb24").to_ndarray()
        x, y = (nw - width) // 2, (nh - height) // 2
        return img[y : y + height, x : x + width]

    def close(self) -> None:
        self.container.close()


class _Still:
    def __init__(self, path: Path, width: int, height: int) -> None:
        with Image.open(path) as img:
            self.img = _cover(np.asarray(img.convert("RGB")), width, height)

    def frame(self, t: float) -> np.ndarray:
        return self.img

    def close(self) -> None:
        pass


@dataclass
class _Text:
    start: float
    end: float
    fade: float
    patch: np.ndarray  # RGBA
    x: int
    y: int


def _text_patch(seg: JSON, width: int, height: int) -> _Text:
    style = obj(seg.get("sty"))
    size = style.get("size", 48)
    size = int(max(8, min(400, size if isinstance(size, int | float) else 48)) * height / 1080 * 1.2)
    font = ImageFont.load_default(size=max(8, size))
    text = str(seg.get("tx", ""))[:300]
    color = style.get("color", "#FFFFFF")
    stroke = max(1, size // 16)
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=font, stroke_width=stroke)
    tw, th = max(1, int(right - left)), max(1, int(bottom - top))
    img = Image.new("RGBA", (tw, th), (0, 0, 0, 0))
    try:
        ImageDraw.Draw(img).text((-left, -top), text, font=font, fill=color, stroke_width=stroke, stroke_fill="#000000")
    except ValueError:
        ImageDraw.Draw(img).text(
            (-left, -top), text, font=font, fill="#FFFFFF", stroke_width=stroke, stroke_fill="#000000"
        )
    patch = np.asarray(img)[:height, :width]
    pos = str(style.get("pos", "center"))
    x = (width - patch.shape[1]) // 2
    y = (
        int(height * 0.08)
        if pos.startswith("top")
        else height - patch.shape[0] - int(height * 0.1)
        if pos.startswith("bottom")
        else (height - patch.shape[0]) // 2
    )
    start = float(seg.get("st", 0)) / 1000
    fade = float(style.get("fade_in", 0) or 0) / 1000
    return _Text(start, start + float(seg["d"]) / 1000, fade, patch, max(0, x), max(0, y))


def _blend(frame: np.ndarray, text: _Text, t: float) -> None:
    alpha = min(1.0, (t - text.start) / text.fade) if text.fade > 0 else 1.0
    h, w = text.patch.shape[:2]
    region = frame[text.y : text.y + h, text.x : text.x + w]
    patch = text.patch[: region.shape[0], : region.shape[1]]
    a = patch[..., 3:4].astype(np.float32) / 255 * alpha
    region[:] = (patch[..., :3] * a + region * (1 - a)).astype(np.uint8)


def _decode_audio(path: Path, offset: float, seconds: float) -> np.ndarray:
    """Stereo float32 at RATE, `seconds` long (zero-padded), from `offset` into the file."""
    need = int(round(seconds * RATE))
    out = np.zeros((2, need), np.float32)
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return out
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=RATE)
        if offset > 0:
            container.seek(int(offset * av.time_base))
        pos, skip = 0, None
        for frame in container.decode(stream):
            if skip is None:
                ft = frame.pts * float(stream.time_base or 0) if frame.pts is not None else 0.0
                skip = max(0, int(round((offset - ft) * RATE)))
            for rf in resampler.resample(frame):
                data = rf.to_ndarray()
                if skip:
                    cut = min(skip, data.shape[1])
                    data, skip = data[:, cut:], skip - cut
                n = min(data.shape[1], need - pos)
                out[:, pos : pos + n] = data[:, :n]
                pos += n
            if pos >= need:
                break
    return out


def mix_audio(draft: JSON, resolve: Resolver, total: float) -> np.ndarray:
    """Every audio segment (and the sound of video segments) at its volume, clipped to [-1, 1]."""
    n = int(round(total * RATE))
    mix = np.zeros((2, n), np.float32)
    for track in draft.get("t", []):
        if track.get("tt") not in (AUDIO, VIDEO):
            continue
        for seg in track.get("sg", []):
            path = resolve(str(seg.get("src", "")))
            if path is None:
                continue
            st, d = float(seg.get("st", 0)) / 1000, float(seg["d"]) / 1000
            if st >= total:
                continue
            d = min(d, total - st)
            try:
                samples = _decode_audio(path, float(seg.get("so", 0)) / 1000, d)
            except (av.FFmpegError, OSError, ValueError):
                continue
            i = int(round(st * RATE))
            m = min(samples.shape[1], n - i)
            mix[:, i : i + m] += samples[:, :m] * float(seg.get("v", 1.0))
    return np.clip(mix, -1.0, 1.0)


def _video_sources(
    draft: JSON, resolve: Resolver, width: int, height: int, cuts: Callable[[str], list[float]]
) -> list[tuple[float, float, Any]]:
    sources = []
    for track in draft.get("t", []):
        if track.get("tt") != VIDEO:
            continue
        for seg in track.get("sg", []):
            src = str(seg.get("src", ""))
            st, d = float(seg.get("st", 0)) / 1000, float(seg["d"]) / 1000
            path = resolve(src)
            source: Any
            if path is None:
                source = _Pattern(width, height, src, cuts(src))
            elif path.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp"):
                source = _Still(path, width, height)
            else:
                source = _VideoFile(path, float(seg.get("so", 0)) / 1000, width, height)
            sources.append((st, st + d, source))
    return sources


def frames(
    draft: JSON,
    resolve: Resolver,
    width: int,
    height: int,
    fps: int,
    total: float,
    cuts: Callable[[str], list[float]] = lambda src: [],
) -> Iterator[np.ndarray]:
    """RGB frames of the draft, one per 1/fps second."""
    sources = _video_sources(draft, resolve, width, height, cuts)
    texts = [
        _text_patch(seg, width, height)
        for track in draft.get("t", [])
        if track.get("tt") == TEXT
        for seg in track.get("sg", [])
        if seg.get("tx")
    ]
    black = np.zeros((height, width, 3), np.uint8)
    try:
        for i in range(int(round(total * fps))):
            t = i / fps
            frame = black
            for st, end, source in sources:
                if st <= t < end:
                    frame = source.frame(t - st)
            active = [tx for tx in texts if tx.start <= t < tx.end]
            if active:
                frame = frame.copy()
                for text in active:
                    _blend(frame, text, t)
            yield frame
    finally:
        for _, _, source in sources:
            source.close()


def encode(
    path: Path,
    video: Iterator[np.ndarray],
    audio: np.ndarray,
    width: int,
    height: int,
    fps: int,
    *,
    preset: str = "veryfast",
) -> None:
    """Write H.264 + AAC MP4 (yuv420p, faststart) from RGB frames and stereo float samples."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", options={"movflags": "faststart"}) as out:
        vs = out.add_stream("libx264", rate=fps, options={"preset": preset, "crf": "23"})
        vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
        aus = out.add_stream("aac", rate=RATE, layout="stereo")
        for frame in video:
            vf = av.VideoFrame.from_ndarray(frame, format="rgb24").reformat(format="yuv420p")
            out.mux(vs.encode(vf))
        out.mux(vs.encode(None))
        chunk = 1024
        for i in range(0, audio.shape[1], chunk):
            af = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(audio[:, i : i + chunk]), format="fltp", layout="stereo"
            )
            af.sample_rate = RATE
            af.pts = i
            out.mux(aus.encode(af))
        out.mux(aus.encode(None))


def render(
    draft: JSON,
    path: Path,
    resolve: Resolver,
    *,
    max_short: int = 1080,
    cuts: Callable[[str], list[float]] = lambda src: [],
) -> JSON:
    """Render `draft` to `path`; returns {duration, size, width, height}."""
    width, height = output_size(draft, max_short)
    meta = obj(draft.get("m"))
    fps = meta.get("fps", 30)
    fps = int(fps) if isinstance(fps, int | float) and not isinstance(fps, bool) and 1 <= fps <= 60 else 30
    total = duration_ms(draft) / 1000
    audio = mix_audio(draft, resolve, total)
    tmp = path.with_suffix(".part.mp4")
    encode(tmp, frames(draft, resolve, width, height, fps, total, cuts), audio, width, height, fps)
    tmp.replace(path)
    return {"duration": total, "size": path.stat().st_size, "width": width, "height": height}
