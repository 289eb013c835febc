"""Render a draft to a real MP4 with PyAV: H.264 video, AAC audio, text overlays, mixed audio tracks.

Everything streams, so memory is bounded by the output frame, not by the draft: a segment's source is opened when
the segment starts playing and closed when it ends, text is drawn while it is on screen, and audio is decoded and
mixed a block at a time, interleaved with the video. A 200-segment, 10-minute draft holds one decoder, one frame
and a second of audio at a time. Later video tracks paint above earlier ones; text tracks are drawn on top.

Runs in a render worker thread (PyAV and libx264 release the GIL); `cancel` stops it between frames.
"""

from __future__ import annotations

import colorsys
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from nemo_protocol import draft as drafts
from nemo_protocol.draft import AUDIO, TEXT, VIDEO
from nemo_protocol.wire import JSON, obj

RATE = 44100
AUDIO_BLOCK = 1024
Resolver = Callable[[str], Path | None]
"""Maps a segment's `src` to a local file, or None for generated media (drawn as a test pattern)."""


class Cancelled(Exception):
    """The render was cancelled while it ran."""


def _cover(img: np.ndarray, width: int, height: int) -> np.ndarray:
    h, w = img.shape[:2]
    scale = max(width / w, height / h)
    nw, nh = max(width, round(w * scale)), max(height, round(h * scale))
    resized = np.asarray(Image.fromarray(img).resize((nw, nh), Image.Resampling.BILINEAR))
    x, y = (nw - width) // 2, (nh - height) // 2
    return resized[y : y + height, x : x + width]


# -- video sources: each lives only while its segment plays ------------------------------------------------------


class _Pattern:
    """A moving colour pattern standing in for a generated clip; its hue changes at the clip's scene cuts."""

    def __init__(self, width: int, height: int, key: str, cuts: list[float]) -> None:
        self.cuts, self.width, self.height = cuts, width, height
        self.hue0 = (sum(key.encode()) % 360) / 360
        self.section = -1
        self.base = np.zeros((height, width, 3), np.uint8)

    def close(self) -> None:
        pass

    def rgb(self, t: float) -> np.ndarray:
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

    def frame(self, t: float) -> av.VideoFrame | np.ndarray:
        return self.rgb(t)


class _VideoFile:
    """Sequential frames of a video file from a source offset, cover-fitted to the output size."""

    def __init__(self, path: Path, offset: float, width: int, height: int) -> None:
        self.container = av.open(str(path))
        self.stream = self.container.streams.video[0]
        self.stream.thread_type = "AUTO"
        self.time_base = float(self.stream.time_base or 1 / 90000)
        self.size = (width, height)
        self.offset = offset
        if offset > 0:
            self.container.seek(int(offset / self.time_base), stream=self.stream)
        self.frames = self.container.decode(self.stream)
        self.current: av.VideoFrame | None = None
        self.current_t = -1.0
        self.pending: Any = None
        self.fitted: av.VideoFrame | np.ndarray | None = None

    def frame(self, t: float) -> av.VideoFrame | np.ndarray:
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

    def _fit(self, decoded: av.VideoFrame) -> av.VideoFrame | np.ndarray:
        """Scale with swscale so the frame covers the output; crop the overflow (centre) only when there is one."""
        width, height = self.size
        scale = max(width / decoded.width, height / decoded.height)
        nw, nh = max(width, round(decoded.width * scale)), max(height, round(decoded.height * scale))
        if (nw, nh) == (width, height):
            return decoded.reformat(width=width, height=height, format="yuv420p")
        img: np.ndarray = decoded.reformat(width=nw, height=nh, format="rgb24").to_ndarray()
        x, y = (nw - width) // 2, (nh - height) // 2
        return np.ascontiguousarray(img[y : y + height, x : x + width])

    def close(self) -> None:
        self.container.close()


class _Still:
    def __init__(self, path: Path, width: int, height: int) -> None:
        with Image.open(path) as img:
            self.img = _cover(np.asarray(img.convert("RGB")), width, height)

    def frame(self, t: float) -> av.VideoFrame | np.ndarray:
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
    planes: tuple[np.ndarray, ...] | None = None
    """The patch as limited-range BT.601 Y, U, V and alpha at full and half size (made on first use)."""

    def yuv(self) -> tuple[np.ndarray, ...]:
        if self.planes is None:
            h, w = self.patch.shape[0] // 2 * 2, self.patch.shape[1] // 2 * 2
            rgb = self.patch[:h, :w, :3].astype(np.float32)
            r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
            y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
            u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
            v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
            a = self.patch[:h, :w, 3].astype(np.float32) / 255

            def half(x: np.ndarray) -> np.ndarray:
                quarter: np.ndarray = (x[0::2, 0::2] + x[1::2, 0::2] + x[0::2, 1::2] + x[1::2, 1::2]) / 4
                return quarter

            self.planes = (y, half(u), half(v), a, half(a))
        return self.planes


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
    if pos.endswith("left"):
        x = int(width * 0.05)
    elif pos.endswith("right"):
        x = width - patch.shape[1] - int(width * 0.05)
    y = (
        int(height * 0.08)
        if pos.startswith("top")
        else height - patch.shape[0] - int(height * 0.1)
        if pos.startswith("bottom")
        else (height - patch.shape[0]) // 2
    )
    start = drafts.start_ms(seg) / 1000
    fade = float(style.get("fade_in", 0) or 0) / 1000
    return _Text(start, start + drafts.length_ms(seg) / 1000, fade, patch, max(0, x), max(0, y))


def _blend_yuv(frame: np.ndarray, width: int, height: int, text: _Text, t: float) -> None:
    """Draw `text` into a yuv420p frame as PyAV lays it out (Y rows, then U, then V), touching only its patch."""
    alpha = min(1.0, (t - text.start) / text.fade) if text.fade > 0 else 1.0
    y_p, u_p, v_p, a, a_half = text.yuv()
    x0, y0 = text.x // 2 * 2, text.y // 2 * 2
    h, w = min(y_p.shape[0], height - y0) // 2 * 2, min(y_p.shape[1], width - x0) // 2 * 2
    if h <= 0 or w <= 0:
        return
    luma = frame[:height]
    quarter = height // 4
    chroma_u = frame[height : height + quarter].reshape(height // 2, width // 2)
    chroma_v = frame[height + quarter :].reshape(height // 2, width // 2)
    region = luma[y0 : y0 + h, x0 : x0 + w]
    weight = a[:h, :w] * alpha
    region[:] = (y_p[:h, :w] * weight + region * (1 - weight)).astype(np.uint8)
    weight = a_half[: h // 2, : w // 2] * alpha
    for plane, values in ((chroma_u, u_p), (chroma_v, v_p)):
        region = plane[y0 // 2 : (y0 + h) // 2, x0 // 2 : (x0 + w) // 2]
        region[:] = (values[: h // 2, : w // 2] * weight + region * (1 - weight)).astype(np.uint8)


def _blend(frame: np.ndarray, text: _Text, t: float) -> None:
    alpha = min(1.0, (t - text.start) / text.fade) if text.fade > 0 else 1.0
    h, w = text.patch.shape[:2]
    region = frame[text.y : text.y + h, text.x : text.x + w]
    patch = text.patch[: region.shape[0], : region.shape[1]]
    a = patch[..., 3:4].astype(np.float32) / 255 * alpha
    region[:] = (patch[..., :3] * a + region * (1 - a)).astype(np.uint8)


@dataclass(order=True)
class _Span:
    start: float
    end: float
    index: int
    seg: JSON = field(compare=False)


class _Picture:
    """The picture at any time t (asked for in increasing t): the topmost video segment playing, then the text."""

    def __init__(self, draft: JSON, resolve: Resolver, width: int, height: int, cuts: Callable[[str], list[float]]):
        self.resolve, self.width, self.height, self.cuts = resolve, width, height, cuts
        order = 0
        self.videos: list[_Span] = []
        self.texts: list[_Span] = []
        for _, seg in drafts.segments(draft, VIDEO):
            self.videos.append(_Span(drafts.start_ms(seg) / 1000, drafts.end_ms(seg) / 1000, order, seg))
            order += 1
        for _, seg in drafts.segments(draft, TEXT):
            if seg.get("tx"):
                self.texts.append(_Span(drafts.start_ms(seg) / 1000, drafts.end_ms(seg) / 1000, order, seg))
                order += 1
        self.open: dict[int, Any] = {}
        self.drawn: dict[int, _Text] = {}
        black = av.VideoFrame.from_ndarray(np.zeros((height, width, 3), np.uint8), format="rgb24")
        self.black = black.reformat(format="yuv420p")

    def _source(self, span: _Span, skip: float = 0.0) -> Any:
        """The span's source, opened on first use `skip` seconds into the segment."""
        source = self.open.get(span.index)
        if source is None:
            src = str(span.seg.get("src", ""))
            path = self.resolve(src)
            if path is None:
                source = _Pattern(self.width, self.height, src, self.cuts(src))
            elif path.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp", ".gif"):
                source = _Still(path, self.width, self.height)
            else:
                source = _VideoFile(path, drafts._num(span.seg.get("so")) / 1000 + skip, self.width, self.height)
            self.open[span.index] = source
        return source

    def still(self, t: float) -> av.VideoFrame:
        """The picture at t alone, as `at` composes it: only the sources visible at t are opened, and a video is
        sought straight to its frame there rather than decoded from the segment's start."""
        playing = [s for s in self.videos if s.start <= t < s.end]
        picture: av.VideoFrame | np.ndarray = self.black
        if playing:
            top = playing[-1]
            source = self._source(top, skip=t - top.start)
            picture = source.frame(0.0 if isinstance(source, _VideoFile) else t - top.start)
        return self._overlay(picture, t)

    def at(self, t: float) -> av.VideoFrame:
        for index in [i for i, _ in self.open.items() if not self._playing(i, t)]:
            self.open.pop(index).close()
        for index in [i for i in self.drawn if not any(s.index == i and s.start <= t < s.end for s in self.texts)]:
            del self.drawn[index]
        playing = [s for s in self.videos if s.start <= t < s.end]
        picture: av.VideoFrame | np.ndarray = self.black
        if playing:
            top = playing[-1]
            picture = self._source(top).frame(t - top.start)
        return self._overlay(picture, t)

    def _overlay(self, picture: av.VideoFrame | np.ndarray, t: float) -> av.VideoFrame:
        """The texts showing at t, blended onto the picture (on its YUV planes when it has them)."""
        texts = [s for s in self.texts if s.start <= t < s.end]
        for span in texts:
            if span.index not in self.drawn:
                self.drawn[span.index] = _text_patch(span.seg, self.width, self.height)
        if texts and isinstance(picture, av.VideoFrame):  # draw on the YUV planes: no RGB round trip
            planes = picture.to_ndarray()
            for span in texts:
                _blend_yuv(planes, self.width, self.height, self.drawn[span.index], t)
            return av.VideoFrame.from_ndarray(planes, format="yuv420p")
        if texts and isinstance(picture, np.ndarray):
            rgb = picture.copy()
            for span in texts:
                _blend(rgb, self.drawn[span.index], t)
            picture = rgb
        if isinstance(picture, np.ndarray):
            picture = av.VideoFrame.from_ndarray(picture, format="rgb24").reformat(format="yuv420p")
        return picture

    def _playing(self, index: int, t: float) -> bool:
        return any(s.index == index and s.start <= t < s.end for s in self.videos)

    def close(self) -> None:
        for source in self.open.values():
            source.close()
        self.open.clear()


# -- audio: decoded and mixed a block at a time ---------------------------------------------------------------


class _AudioSource:
    """A file's sound from an offset, resampled to stereo float32 at RATE, read forward in any block sizes."""

    def __init__(self, path: Path, offset: float) -> None:
        self.container = av.open(str(path))
        self.buffer = np.zeros((2, 0), np.float32)
        self.done = not self.container.streams.audio
        if self.done:
            return
        self.stream = self.container.streams.audio[0]
        self.resampler = av.AudioResampler(format="fltp", layout="stereo", rate=RATE)
        if offset > 0:
            self.container.seek(int(offset * av.time_base))
        self.skip: int | None = None
        self.offset = offset
        self.frames = self.container.decode(self.stream)

    def read(self, n: int) -> np.ndarray:
        while self.buffer.shape[1] < n and not self.done:
            decoded = next(self.frames, None)
            if decoded is None:
                self.done = True
                break
            if self.skip is None:
                ft = decoded.pts * float(self.stream.time_base or 0) if decoded.pts is not None else 0.0
                self.skip = max(0, int(round((self.offset - ft) * RATE)))
            for resampled in self.resampler.resample(decoded):
                data = resampled.to_ndarray().astype(np.float32)
                if self.skip:
                    cut = min(self.skip, data.shape[1])
                    data, self.skip = data[:, cut:], self.skip - cut
                self.buffer = np.concatenate([self.buffer, data], axis=1)
        out, self.buffer = self.buffer[:, :n], self.buffer[:, n:]
        if out.shape[1] < n:
            out = np.pad(out, ((0, 0), (0, n - out.shape[1])))
        return out

    def close(self) -> None:
        self.container.close()


@dataclass
class _Sound:
    start: int
    end: int
    path: Path
    offset: float
    volume: float
    fade_in: int
    fade_out: int
    source: _AudioSource | None = None


class _Mixer:
    """The draft's sound (audio segments, and the sound of video segments) one block at a time."""

    def __init__(self, draft: JSON, resolve: Resolver, total_samples: int) -> None:
        self.sounds: list[_Sound] = []
        for tt in (AUDIO, VIDEO):
            for _, seg in drafts.segments(draft, tt):
                path = resolve(str(seg.get("src", "")))
                start = int(round(drafts.start_ms(seg) / 1000 * RATE))
                if path is None or start >= total_samples:
                    continue
                end = min(total_samples, start + int(round(drafts.length_ms(seg) / 1000 * RATE)))
                fi, fo = (int(drafts._num(seg.get(k)) / 1000 * RATE) for k in ("fi", "fo"))
                self.sounds.append(
                    _Sound(start, end, path, drafts._num(seg.get("so")) / 1000, drafts.volume(seg), fi, fo)
                )
        self.sounds.sort(key=lambda s: s.start)

    def block(self, pos: int, n: int) -> np.ndarray:
        mix = np.zeros((2, n), np.float32)
        for sound in self.sounds:
            if sound.end <= pos or sound.start >= pos + n:
                if sound.source is not None and sound.end <= pos:
                    sound.source.close()
                    sound.source = None
                continue
            a, b = max(pos, sound.start), min(pos + n, sound.end)
            if sound.source is None:
                try:
                    sound.source = _AudioSource(sound.path, sound.offset + (a - sound.start) / RATE)
                except (av.FFmpegError, OSError, ValueError):
                    sound.end = 0
                    continue
            samples = sound.source.read(b - a)
            idx = np.arange(a, b, dtype=np.float32)
            gain = np.full(b - a, sound.volume, np.float32)
            if sound.fade_in:
                gain *= np.clip((idx - sound.start) / sound.fade_in, 0, 1)
            if sound.fade_out:
                gain *= np.clip((sound.end - idx) / sound.fade_out, 0, 1)
            mix[:, a - pos : b - pos] += samples * gain
        np.clip(mix, -1.0, 1.0, out=mix)
        return mix

    def close(self) -> None:
        for sound in self.sounds:
            if sound.source is not None:
                sound.source.close()


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
    """Write H.264 + AAC MP4 from RGB frames and stereo float samples (for fixtures and tests)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", options={"movflags": "faststart"}) as out:
        vs = out.add_stream("libx264", rate=fps, options={"preset": preset, "crf": "23"})
        vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
        aus = out.add_stream("aac", rate=RATE, layout="stereo")
        for frame in video:
            out.mux(vs.encode(av.VideoFrame.from_ndarray(frame, format="rgb24").reformat(format="yuv420p")))
        out.mux(vs.encode(None))
        for i in range(0, audio.shape[1], AUDIO_BLOCK):
            af = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(audio[:, i : i + AUDIO_BLOCK]), format="fltp", layout="stereo"
            )
            af.sample_rate, af.pts = RATE, i
            out.mux(aus.encode(af))
        out.mux(aus.encode(None))


def render(
    draft: JSON,
    path: Path,
    resolve: Resolver,
    *,
    max_short: int = 1080,
    cuts: Callable[[str], list[float]] = lambda src: [],
    cancel: threading.Event | None = None,
    preset: str = "ultrafast",
) -> JSON:
    """Render `draft` to `path` (written to a temporary name first); returns {duration, size, width, height}."""
    steps = render_steps(draft, path, resolve, max_short=max_short, cuts=cuts, cancel=cancel, preset=preset)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: JSON = done.value
            return result


SLICE_FRAMES = 15
"""Frames a render encodes between two points where it may yield its worker to another user's render."""


def render_steps(
    draft: JSON,
    path: Path,
    resolve: Resolver,
    *,
    max_short: int = 1080,
    cuts: Callable[[str], list[float]] = lambda src: [],
    cancel: threading.Event | None = None,
    preset: str = "ultrafast",
) -> Generator[None, None, JSON]:
    """`render`, as a generator that yields every SLICE_FRAMES frames (a fair pool preempts it there); closing it
    stops the render and removes what it wrote."""
    width, height = drafts.output_size(draft, max_short)
    meta = obj(draft.get("m"))
    fps = meta.get("fps", 30)
    fps = int(fps) if isinstance(fps, int | float) and not isinstance(fps, bool) and 1 <= fps <= 60 else 30
    total = drafts.duration_ms(draft) / 1000
    frames, samples = max(1, int(round(total * fps))), max(1, int(round(total * RATE)))  # even a sliver is a frame
    tmp = path.with_suffix(".part.mp4")
    path.parent.mkdir(parents=True, exist_ok=True)
    picture, mixer = _Picture(draft, resolve, width, height, cuts), _Mixer(draft, resolve, samples)
    try:
        with av.open(str(tmp), "w", options={"movflags": "faststart"}) as out:
            vs = out.add_stream("libx264", rate=fps, options={"preset": preset, "crf": "23"})
            vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
            aus = out.add_stream("aac", rate=RATE, layout="stereo")
            written = 0
            tick = Fraction(1, fps)
            for i in range(frames):
                if cancel is not None and cancel.is_set():
                    raise Cancelled
                if i and not i % SLICE_FRAMES:
                    yield
                frame = picture.at(i / fps)
                frame.pts, frame.time_base = i, tick  # decoded frames keep their source's clock otherwise
                out.mux(vs.encode(frame))
                until = samples if i == frames - 1 else min(samples, (i + 1) * RATE // fps)
                while written < until:
                    n = min(AUDIO_BLOCK, samples - written)
                    block = av.AudioFrame.from_ndarray(mixer.block(written, n), format="fltp", layout="stereo")
                    block.sample_rate, block.pts = RATE, written
                    out.mux(aus.encode(block))
                    written += n
            out.mux(vs.encode(None))
            out.mux(aus.encode(None))
        tmp.replace(path)
    finally:
        picture.close()
        mixer.close()
        tmp.unlink(missing_ok=True)
    return {"duration": total, "size": path.stat().st_size, "width": width, "height": height}


def render_frame(draft: JSON, t: float, resolve: Resolver, *, max_short: int = 1080,
                 cuts: Callable[[str], list[float]] = lambda src: []) -> av.VideoFrame:  # fmt: skip
    """One frame of `draft` at `t` seconds, composed by the export's own code (a frame and the export can never
    disagree), at the export's size."""
    width, height = drafts.output_size(draft, max_short)
    picture = _Picture(draft, resolve, width, height, cuts)
    try:
        return picture.still(max(0.0, t))
    finally:
        picture.close()


def frame_png(frame: av.VideoFrame) -> bytes:
    """A frame as PNG bytes."""
    import io

    out = io.BytesIO()
    frame.to_image().save(out, format="PNG", optimize=False, compress_level=1)  # type: ignore[no-untyped-call]
    return out.getvalue()
