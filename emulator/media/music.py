"""Procedural background music: chords, bass, arpeggio and drums synthesised with numpy.

This is a small deterministic generator, not a neural model: mood picks tempo, key, scale and
instrumentation; the seed picks the melody; each scene cut of the video starts a new section.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from nemo_emulator.media.moods import MOODS, mood_name

RATE = 44100


def _hz(midi: float) -> float:
    return float(440.0 * 2 ** ((midi - 69) / 12))


def _tone(freq: float, n: int, harmonics: float) -> np.ndarray:
    t = np.arange(n) / RATE
    wave_ = np.sin(2 * np.pi * freq * t)
    if harmonics:
        wave_ += harmonics * 0.5 * np.sin(4 * np.pi * freq * t) + harmonics * 0.25 * np.sin(6 * np.pi * freq * t)
    return wave_


def _env(n: int, attack: float, release: float) -> np.ndarray:
    env = np.ones(n)
    a, r = min(n, int(attack * RATE)), min(n, int(release * RATE))
    if a:
        env[:a] = np.linspace(0, 1, a)
    if r:
        env[n - r :] *= np.linspace(1, 0, r)
    return env


def compose(duration: float, mood: str, seed: int, cuts: list[float] | tuple[float, ...] = ()) -> np.ndarray:
    """Stereo float32 samples, shape (2, n), exactly `duration` seconds long."""
    style = MOODS.get(mood_name(mood) or "lo-fi", MOODS["lo-fi"])
    rng = np.random.default_rng(seed)
    n = max(1, int(round(duration * RATE)))
    out = np.zeros(n)
    beat = 60.0 / style.tempo
    bar = 4 * beat
    boundaries = sorted(c for c in cuts if 0 < c < duration)

    def section_at(t: float) -> int:
        return sum(1 for c in boundaries if c <= t)

    def place(signal: np.ndarray, start: float) -> None:
        i = int(start * RATE)
        if i >= n:
            return
        seg = signal[: n - i]
        out[i : i + len(seg)] += seg

    t, bar_index = 0.0, 0
    while t < duration:
        section = section_at(t)
        shift = (0, 5, -2, 7)[section % 4]
        degree = style.progression[bar_index % len(style.progression)]
        root = style.key + shift + style.scale[degree % 7]
        chord = [
            root + style.scale[(degree + k) % 7] - style.scale[degree % 7] + (12 if degree + k >= 7 else 0)
            for k in (0, 2, 4)
        ]
        length = int(bar * RATE)
        pad = sum(_tone(_hz(m), length, style.brightness) for m in chord) * _env(length, 0.3, 0.4) * 0.08
        place(pad, t)
        for b in range(4):
            bt = t + b * beat
            if b % 2 == 0:
                ln = int(beat * 1.8 * RATE)
                place(_tone(_hz(root - 24), ln, 0.3) * _env(ln, 0.01, 0.3) * 0.16, bt)
            for half in range(2):
                note = chord[int(rng.integers(0, 3))] + 12 * int(rng.integers(0, 2))
                ln = int(beat * 0.5 * RATE)
                place(_tone(_hz(note), ln, style.brightness) * _env(ln, 0.005, 0.2) * 0.05, bt + half * beat / 2)
            if (style.drums and section % 2 == 0) or style.drums >= 1:
                if b in (0, 2):
                    ln = int(0.25 * RATE)
                    tk = np.arange(ln) / RATE
                    kick = np.sin(2 * np.pi * (50 + 100 * np.exp(-tk * 30)) * tk) * np.exp(-tk * 12)
                    place(kick * 0.35 * style.drums, bt)
                ln = int(0.05 * RATE)
                place(rng.standard_normal(ln) * np.exp(-np.arange(ln) / RATE * 80) * 0.04 * style.drums, bt + beat / 2)
        t += bar
        bar_index += 1
    fade = min(n // 2, int(0.5 * RATE))
    if fade:
        out[:fade] *= np.linspace(0, 1, fade)
        out[n - fade :] *= np.linspace(1, 0, fade)
    peak = float(np.abs(out).max()) or 1.0
    out = out / peak * 0.89
    pan = 0.04 * np.sin(2 * np.pi * 0.1 * np.arange(n) / RATE)
    return np.stack([out * (1 - pan), out * (1 + pan)]).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray) -> None:
    """16-bit PCM WAV of stereo float samples."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(samples.T, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(samples.shape[0])
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
