"""What an uploaded file is, judged by its bytes (magic numbers, then PyAV/Pillow), plus a cheap analysis.

The analysis (brightness, motion, scene cuts) is what the agent uses to pick a music mood and where
the music's sections change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_ANALYSIS_FPS = 4.0
_CUT_THRESHOLD = 30.0


class NotMedia(Exception):
    """The bytes are not an accepted, decodable media file."""


@dataclass(slots=True)
class Probe:
    format: str
    file_type: str
    duration: float = 0.0
    width: int = 0
    height: int = 0
    fps: float = 0.0
    has_audio: bool = False
    analysis: dict[str, Any] = field(default_factory=dict)


def sniff(head: bytes) -> str | None:
    """Container format from the first bytes, as one of the accepted extensions."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "mov"
        if brand in (b"M4A ", b"M4B "):
            return "m4a"
        return "mp4"
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"AVI ": "avi", b"WAVE": "wav", b"WEBP": "webp"}.get(head[8:12])
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm" if b"webm" in head[:64] else "mkv"
    if head[:3] == b"\xff\xd8\xff":
        return "jpg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:4] in (b"GIF8",):
        return "gif"
    if head[:3] == b"ID3":
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:
            return "aac"
        if head[1] & 0xE0 == 0xE0:
            return "mp3"
    return None


_IMAGE = {"jpg", "png", "gif", "webp"}
_AUDIO_ONLY = {"mp3", "wav", "aac", "m4a"}


def probe(path: Path) -> Probe:
    """Identify and measure `path`; raise NotMedia for anything that is not a decodable accepted format."""
    with path.open("rb") as f:
        head = f.read(64)
    fmt = sniff(head)
    if fmt is None:
        raise NotMedia("content is not a recognised media format")
    if fmt in _IMAGE and fmt != "gif":
        return _probe_image(path, fmt)
    try:
        return _probe_av(path, fmt)
    except NotMedia:
        raise
    except Exception as exc:  # PyAV raises many error types for corrupt input
        raise NotMedia(f"{fmt} file could not be decoded ({type(exc).__name__})") from exc


def _probe_image(path: Path, fmt: str) -> Probe:
    import numpy as np
    from PIL import Image

    try:
        with Image.open(path) as img:
            img.load()
            width, height = img.size
            gray = np.asarray(img.convert("L").resize((64, 36)), dtype=np.float32)
    except Exception as exc:
        raise NotMedia(f"{fmt} image could not be decoded ({type(exc).__name__})") from exc
    return Probe(fmt, "image", 0.0, width, height, 0.0, False, {"brightness": round(float(gray.mean()), 1)})


def _probe_av(path: Path, fmt: str) -> Probe:
    import av

    with av.open(str(path)) as container:
        video = next(iter(container.streams.video), None)
        audio = next(iter(container.streams.audio), None)
        if video is None and audio is None:
            raise NotMedia(f"{fmt} file has no audio or video stream")
        duration = _duration(container, video or audio)
        if fmt == "gif":
            file_type = "image"
        elif video is None or fmt in _AUDIO_ONLY:
            file_type = "audio"
        else:
            file_type = "video"
        result = Probe(fmt, file_type, round(duration, 3), has_audio=audio is not None)
        if video is not None:
            result.width, result.height = video.codec_context.width, video.codec_context.height
            rate = video.average_rate or video.guessed_rate
            result.fps = round(float(rate), 3) if rate else 0.0
            result.analysis = _analyse(container, video, duration)
        else:
            frames = sum(1 for _ in container.decode(audio))
            if frames == 0:
                raise NotMedia(f"{fmt} file has no decodable audio")
    return result


def _duration(container: Any, stream: Any) -> float:
    import av

    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(container.duration / av.time_base)
    return 0.0


def _analyse(container: Any, video: Any, duration: float) -> dict[str, Any]:
    """Mean brightness (0–255), mean motion, and scene-cut times from a few decoded frames per second."""
    import numpy as np

    step = 1.0 / _ANALYSIS_FPS
    next_t, prev = 0.0, None
    brightness: list[float] = []
    motion: list[float] = []
    cuts: list[float] = []
    decoded = 0
    for frame in container.decode(video):
        decoded += 1
        t = float(frame.pts * video.time_base) if frame.pts is not None else next_t
        if t + 1e-6 < next_t:
            continue
        next_t = t + step
        gray = frame.to_ndarray(format="gray", width=64, height=36).astype(np.float32)
        brightness.append(float(gray.mean()))
        if prev is not None:
            diff = float(np.abs(gray - prev).mean())
            motion.append(diff)
            if diff > _CUT_THRESHOLD:
                cuts.append(round(t, 2))
        prev = gray
    if decoded == 0:
        raise NotMedia("video stream has no decodable frames")
    mean_b = float(np.mean(brightness)) if brightness else 0.0
    mean_m = float(np.mean(motion)) if motion else 0.0
    return {
        "brightness": round(mean_b, 1),
        "motion": round(mean_m, 2),
        "scene_cuts": cuts,
        "mood": pick_mood(mean_b, mean_m),
    }


def pick_mood(brightness: float, motion: float) -> str:
    """A music mood from how bright and how busy the picture is."""
    if motion > 12:
        return "energetic" if brightness > 90 else "dramatic"
    if brightness > 140:
        return "upbeat"
    if brightness < 60:
        return "ambient"
    return "lo-fi"
