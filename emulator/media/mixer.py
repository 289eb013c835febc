"""A render's sound: audio segments and the sound of video segments, decoded and mixed a block at a time.

A source is opened when its segment starts sounding and closed when it ends, so memory holds a block per sound
playing, whatever the draft's length. The mix is float32 stereo at RATE; volumes and fades are applied per block,
and a block without a fade in it is scaled by one number.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from nemo_protocol import draft as drafts
from nemo_protocol.draft import AUDIO, VIDEO
from nemo_protocol.wire import JSON

RATE = 44100
Resolver = Callable[[str], Path | None]
"""Maps a segment's `src` to a local file, or None for generated media (drawn as a test pattern)."""


class AudioSource:
    """A file's sound from an offset, resampled to stereo float32 at RATE, read forward in any block sizes."""

    def __init__(self, path: Path, offset: float) -> None:
        self.container = av.open(str(path))
        self.chunks: deque[np.ndarray] = deque()
        self.buffered = 0
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

    def _decode(self) -> None:
        decoded = next(self.frames, None)
        if decoded is None:
            self.done = True
            return
        if self.skip is None:  # a seek lands on a packet at or before the offset: drop what is before it
            ft = decoded.pts * float(self.stream.time_base or 0) if decoded.pts is not None else 0.0
            self.skip = max(0, int(round((self.offset - ft) * RATE)))
        for resampled in self.resampler.resample(decoded):
            data = resampled.to_ndarray().astype(np.float32, copy=False)
            if self.skip:
                cut = min(self.skip, data.shape[1])
                data, self.skip = data[:, cut:], self.skip - cut
            if data.shape[1]:
                self.chunks.append(data)
                self.buffered += data.shape[1]

    def read(self, n: int) -> np.ndarray:
        """The next `n` samples (silence past the end)."""
        while self.buffered < n and not self.done:
            self._decode()
        out = np.zeros((2, n), np.float32)
        filled = 0
        while filled < n and self.chunks:
            chunk = self.chunks[0]
            take = min(n - filled, chunk.shape[1])
            out[:, filled : filled + take] = chunk[:, :take]
            if take == chunk.shape[1]:
                self.chunks.popleft()
            else:
                self.chunks[0] = chunk[:, take:]
            filled += take
        self.buffered -= filled
        return out

    def close(self) -> None:
        self.container.close()


@dataclass
class Sound:
    start: int
    end: int
    path: Path
    offset: float
    volume: float
    fade_in: int
    fade_out: int
    source: AudioSource | None = None

    def gain(self, a: int, b: int) -> np.ndarray | float:
        """The gain over samples [a, b): one number unless a fade falls in the block."""
        fading_in = self.fade_in and a < self.start + self.fade_in
        fading_out = self.fade_out and b > self.end - self.fade_out
        if not fading_in and not fading_out:
            return self.volume
        idx = np.arange(a, b, dtype=np.float32)
        gain = np.full(b - a, self.volume, np.float32)
        if fading_in:
            gain *= np.clip((idx - self.start) / self.fade_in, 0, 1)
        if fading_out:
            gain *= np.clip((self.end - idx) / self.fade_out, 0, 1)
        return gain


class Mixer:
    """The draft's sound (audio segments, and the sound of video segments) one block at a time."""

    def __init__(self, draft: JSON, resolve: Resolver, total_samples: int) -> None:
        self.sounds: list[Sound] = []
        for tt in (AUDIO, VIDEO):
            for _, seg in drafts.segments(draft, tt):
                path = resolve(str(seg.get("src", "")))
                start = int(round(drafts.start_ms(seg) / 1000 * RATE))
                if path is None or start >= total_samples:
                    continue
                end = min(total_samples, start + int(round(drafts.length_ms(seg) / 1000 * RATE)))
                fi, fo = (int(drafts._num(seg.get(k)) / 1000 * RATE) for k in ("fi", "fo"))
                self.sounds.append(
                    Sound(start, end, path, drafts._num(seg.get("so")) / 1000, drafts.volume(seg), fi, fo)
                )
        self.sounds.sort(key=lambda s: s.start)

    def block(self, pos: int, n: int) -> np.ndarray:
        """Samples [pos, pos + n) of the mix, clipped to [-1, 1]."""
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
                    sound.source = AudioSource(sound.path, sound.offset + (a - sound.start) / RATE)
                except (av.FFmpegError, OSError, ValueError):
                    sound.end = 0
                    continue
            mix[:, a - pos : b - pos] += sound.source.read(b - a) * sound.gain(a, b)
        np.clip(mix, -1.0, 1.0, out=mix)
        return mix

    def close(self) -> None:
        for sound in self.sounds:
            if sound.source is not None:
                sound.source.close()
