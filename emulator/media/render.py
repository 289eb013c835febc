"""Render a draft to a real MP4 with PyAV: H.264 video, AAC audio, text overlays, mixed audio tracks.

Everything streams, so memory is bounded by the output frame, not by the draft: a segment's source is opened when
the segment starts playing and closed when it ends, text is drawn while it is on screen, and audio is decoded and
mixed a block at a time, interleaved with the video. A 200-segment, 10-minute draft holds one decoder, a few frames
and a second of audio at a time. Later video tracks paint above earlier ones; text tracks are drawn on top.

Composing and encoding overlap: libx264 and the muxer run on a thread of their own, fed through a queue a few
frames deep, while this thread decodes, scales, blends and mixes the next frame (PyAV releases the GIL in both).
`render_frame` is one frame through the same compositing code, so a frame and the export never disagree.

Runs in a render worker thread; `cancel` stops it between frames.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Generator, Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from nemo_emulator.media.compose import Composer
from nemo_emulator.media.mixer import RATE, Mixer, Resolver
from nemo_emulator.media.pipeline import Encoder
from nemo_protocol import draft as drafts
from nemo_protocol.wire import JSON, obj

__all__ = ["RATE", "Cancelled", "Resolver", "encode", "frame_png", "render", "render_frame", "render_steps"]

SLICE_FRAMES = 15
"""Frames a render encodes between two points where it may yield its worker to another user's render."""
Cuts = Callable[[str], list[float]]


class Cancelled(Exception):
    """The render was cancelled while it ran."""


def _no_cuts(src: str) -> list[float]:
    return []


def encode(path: Path, video: Iterator[np.ndarray], audio: np.ndarray, width: int, height: int, fps: int, *,
           preset: str = "veryfast") -> None:  # fmt: skip
    """Write H.264 + AAC MP4 from RGB frames and stereo float samples (for fixtures and tests)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", options={"movflags": "faststart"}) as out:
        vs = out.add_stream("libx264", rate=fps, options={"preset": preset, "crf": "23"})
        vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
        aus = out.add_stream("aac", rate=RATE, layout="stereo")
        for frame in video:
            out.mux(vs.encode(av.VideoFrame.from_ndarray(frame, format="rgb24").reformat(format="yuv420p")))
        out.mux(vs.encode(None))
        for i in range(0, audio.shape[1], 1024):
            af = av.AudioFrame.from_ndarray(np.ascontiguousarray(audio[:, i : i + 1024]), format="fltp",
                                            layout="stereo")  # fmt: skip
            af.sample_rate, af.pts = RATE, i
            out.mux(aus.encode(af))
        out.mux(aus.encode(None))


def render(draft: JSON, path: Path, resolve: Resolver, *, max_short: int = 1080, max_fps: int = 60,
           cuts: Cuts = _no_cuts, cancel: threading.Event | None = None,
           preset: str = "ultrafast") -> JSON:  # fmt: skip
    """Render `draft` to `path` (written to a temporary name first); returns {duration, size, width, height, fps}."""
    steps = render_steps(draft, path, resolve, max_short=max_short, max_fps=max_fps, cuts=cuts, cancel=cancel,
                         preset=preset)  # fmt: skip
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: JSON = done.value
            return result


def output_fps(draft: JSON, max_fps: int = 60) -> int:
    """The draft's frame rate (1–60, else 30), capped by the quality's."""
    fps = obj(draft.get("m")).get("fps", 30)
    fps = int(fps) if isinstance(fps, int | float) and not isinstance(fps, bool) and 1 <= fps <= 60 else 30
    return max(1, min(fps, max_fps))


def render_steps(draft: JSON, path: Path, resolve: Resolver, *, max_short: int = 1080, max_fps: int = 60,
                 cuts: Cuts = _no_cuts, cancel: threading.Event | None = None,
                 preset: str = "ultrafast") -> Generator[None, None, JSON]:  # fmt: skip
    """`render`, as a generator that yields every SLICE_FRAMES frames (a fair pool preempts it there); closing it
    stops the render and removes what it wrote."""
    width, height = drafts.output_size(draft, max_short)
    fps = output_fps(draft, max_fps)
    total = drafts.duration_ms(draft) / 1000
    frames, samples = max(1, int(round(total * fps))), max(1, int(round(total * RATE)))  # even a sliver is a frame
    tmp = path.with_suffix(".part.mp4")
    path.parent.mkdir(parents=True, exist_ok=True)
    picture, mixer = Composer(draft, resolve, width, height, cuts), Mixer(draft, resolve, samples)
    try:
        with av.open(str(tmp), "w", options={"movflags": "faststart"}) as out:
            vs = out.add_stream("libx264", rate=fps, options={"preset": preset, "crf": "23"})
            vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
            # the fast AAC coder takes a third of the default (twoloop) coder's time
            aus = out.add_stream("aac", rate=RATE, layout="stereo", options={"aac_coder": "fast"})
            with Encoder(out, vs, aus, Fraction(1, fps)) as encoder:
                written = 0
                for i in range(frames):
                    if cancel is not None and cancel.is_set():
                        raise Cancelled
                    if i and not i % SLICE_FRAMES:
                        yield
                    encoder.video(picture.at(i / fps), i)
                    until = samples if i == frames - 1 else min(samples, (i + 1) * RATE // fps)
                    if until > written:  # the sound under this frame, in one block (the encoder re-chunks it)
                        encoder.audio(mixer.block(written, until - written), written)
                        written = until
                encoder.finish()
        tmp.replace(path)
    finally:
        picture.close()
        mixer.close()
        tmp.unlink(missing_ok=True)
    return {"duration": total, "size": path.stat().st_size, "width": width, "height": height, "fps": fps}


def render_frame(draft: JSON, t: float, resolve: Resolver, *, max_short: int = 1080,
                 cuts: Cuts = _no_cuts) -> av.VideoFrame:  # fmt: skip
    """One frame of `draft` at `t` seconds, composed by the export's own code, at the export's size. Only the
    sources visible at `t` are opened, and a video is sought straight to its frame there."""
    width, height = drafts.output_size(draft, max_short)
    picture = Composer(draft, resolve, width, height, cuts)
    try:
        return picture.still(max(0.0, t))
    finally:
        picture.close()


def frame_png(frame: av.VideoFrame) -> bytes:
    """A frame as PNG bytes."""
    out = io.BytesIO()
    frame.to_image().save(out, format="PNG", optimize=False, compress_level=1)  # type: ignore[no-untyped-call]
    return out.getvalue()
