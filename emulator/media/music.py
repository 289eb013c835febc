"""Procedural background music: chords, bass, a lead line and drums synthesised with numpy, in the style of a genre.

A small deterministic generator, not a neural model: the style (styles.py) picks tempo, key, scale, timbres, drum
pattern, swing and drive; the seed picks the melody; each scene cut of the video starts a new section. Music is
made one bar at a time and written as it is made, so memory stays a few seconds of audio whatever the length.
"""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from nemo_emulator.media.styles import Style, style_for

RATE = 44100
TAIL_S = 2.0
"""Notes may ring this long past the bar they start in."""


def _hz(midi: float) -> float:
    return float(440.0 * 2 ** ((midi - 69) / 12))


def _env(n: int, attack: float, release: float, decay: float = 0.0) -> np.ndarray:
    t = np.arange(n, dtype=np.float32) / RATE
    env = np.ones(n, np.float32)
    a, r = min(n, int(attack * RATE)), min(n, int(release * RATE))
    if a:
        env[:a] = np.linspace(0, 1, a, dtype=np.float32)
    if decay:
        env *= np.exp(-t * decay).astype(np.float32)
    if r:
        env[n - r :] *= np.linspace(1, 0, r, dtype=np.float32)
    return env


def _tone(timbre: str, freq: float, n: int, brightness: float, rng: np.random.Generator) -> np.ndarray:
    """One note of `timbre`, unit amplitude, without envelope."""
    t = np.arange(n, dtype=np.float32) / RATE
    phase = 2 * np.pi * freq * t
    if timbre == "sine":
        return np.sin(phase)
    if timbre == "triangle":
        return (2 / np.pi) * np.arcsin(np.sin(phase))
    if timbre == "square":
        return np.sign(np.sin(phase)) * 0.6 + 0.4 * np.sin(phase)
    if timbre in ("saw", "distorted"):
        saw = 2 * ((freq * t) % 1.0) - 1
        detuned = 2 * ((freq * 1.006 * t) % 1.0) - 1
        wave_ = 0.5 * (saw + detuned)
        return np.tanh(3.5 * wave_) if timbre == "distorted" else wave_
    if timbre == "organ":
        return np.sin(phase) + 0.5 * np.sin(2 * phase) + 0.25 * np.sin(3 * phase) + 0.12 * np.sin(4 * phase)
    if timbre == "bell":
        return np.sin(phase) + 0.4 * np.sin(2.76 * phase) * np.exp(-t * 3) + 0.2 * np.sin(5.4 * phase) * np.exp(-t * 6)
    out = np.zeros(n, np.float32)
    if timbre == "strings":
        vib = 1 + 0.004 * np.sin(2 * np.pi * 5.5 * t)
        for k in range(5):
            out += 0.6 * (0.6**k) * np.sin((k + 1) * phase * vib)
    elif timbre == "pluck":
        for k in range(6):
            out += (brightness**k) * np.sin((k + 1) * phase) * np.exp(-t * (3 + 4 * k))
    else:  # piano: a few harmonics that fade faster the higher they are
        for k in range(5):
            out += (0.55**k) * np.sin((k + 1) * phase) * np.exp(-t * (1.5 + 2.5 * k))
    return out


def _note(
    timbre: str,
    midi: float,
    seconds: float,
    level: float,
    brightness: float,
    rng: np.random.Generator,
    attack: float = 0.005,
    release: float = 0.08,
    decay: float = 0.0,
) -> np.ndarray:
    n = max(1, int(seconds * RATE))
    note: np.ndarray = _tone(timbre, _hz(midi), n, brightness, rng) * _env(n, attack, release, decay) * level
    return note.astype(np.float32)


def _kick(n: int, heavy: bool = False) -> np.ndarray:
    t = np.arange(n, dtype=np.float32) / RATE
    pitch = 45 + (160 if heavy else 110) * np.exp(-t * 35)
    return (np.sin(2 * np.pi * np.cumsum(pitch) / RATE) * np.exp(-t * (9 if heavy else 11))).astype(np.float32)


def _noise(rng: np.random.Generator, n: int, decay: float, bright: bool) -> np.ndarray:
    noise = rng.standard_normal(n).astype(np.float32)
    if bright:
        noise = np.diff(noise, prepend=0.0).astype(np.float32)
    return noise * np.exp(-np.arange(n, dtype=np.float32) / RATE * decay).astype(np.float32)


def _808(midi: float, seconds: float) -> np.ndarray:
    n = int(seconds * RATE)
    t = np.arange(n, dtype=np.float32) / RATE
    freq = _hz(midi) * (1 + 1.5 * np.exp(-t * 25))
    hit: np.ndarray = np.tanh(2 * np.sin(2 * np.pi * np.cumsum(freq) / RATE)) * np.exp(-t * 2.2)
    return hit.astype(np.float32)


_PATTERNS: dict[str, dict[str, list[float]]] = {
    "four": {"kick": [0, 1, 2, 3], "snare": [1, 3], "hat": [0.5, 1.5, 2.5, 3.5]},
    "backbeat": {"kick": [0, 2, 2.5], "snare": [1, 3], "hat": [i / 2 for i in range(8)]},
    "trap": {"kick": [0, 1.75, 2.5], "snare": [2], "hat": [i / 4 for i in range(16)] + [3.125, 3.375, 3.625, 3.875]},
    "swing": {"kick": [0, 2], "snare": [], "hat": [0, 1, 1.5, 2, 3, 3.5]},
    "boom_bap": {"kick": [0, 1.75, 2.5], "snare": [1, 3], "hat": [i / 2 for i in range(8)]},
    "halftime": {"kick": [0, 1.5], "snare": [2], "hat": [0, 1, 2, 3]},
    "metal": {"kick": [i / 4 for i in range(16)], "snare": [1, 3], "hat": [i / 2 for i in range(8)]},
    "reggae": {"kick": [2], "snare": [2], "hat": [0.5, 1.5, 2.5, 3.5]},
    "latin": {"kick": [0, 1.5, 2, 3.5], "snare": [1, 2.5, 3], "hat": [i / 2 for i in range(8)]},
    "none": {"kick": [], "snare": [], "hat": []},
}


def _bar(style: Style, bar: int, section: int, rng: np.random.Generator, beat: float) -> tuple[np.ndarray, int]:
    """One bar and what rings past it: (samples of bar + tail, samples in the bar itself)."""
    bar_len = int(4 * beat * RATE)
    out = np.zeros(bar_len + int(TAIL_S * RATE), np.float32)

    def place(signal: np.ndarray, at_beats: float) -> None:
        i = int(at_beats * beat * RATE)
        if i < len(out):
            seg = signal[: len(out) - i]
            out[i : i + len(seg)] += seg

    def swung(position: float) -> float:
        return position + (style.swing * 0.5 if (position * 2) % 2 == 1 else 0.0)

    scale = style.scale
    shift = (0, 5, -2, 7)[section % 4]
    degree = style.progression[bar % len(style.progression)]
    root = style.key + shift + scale[degree % len(scale)]
    chord = [
        root + scale[(degree + k) % len(scale)] - scale[degree % len(scale)] + (12 if degree + k >= len(scale) else 0)
        for k in (0, 2, 4)
    ]
    for pad_note in chord:
        place(_note(style.pad, pad_note, 4 * beat, style.pad_level, 0.3, rng, attack=0.25, release=0.4), 0)
    if style.bass == "808":
        place(_808(root - 24, 2 * beat) * 0.35, 0)
        place(_808(root - 24, 2 * beat) * 0.3, 2.5)
    elif style.bass != "none":
        timbre = {"sub": "sine", "synth": "saw", "upright": "triangle", "picked": "pluck"}[style.bass]
        hits = [0, 2] if style.bass in ("sub", "upright") else [0, 1, 2, 3]
        for b in hits:
            step = (0, 0, 7, 5)[b] if style.bass == "upright" else 0
            place(
                _note(timbre, root - 24 + step, beat * (1.8 if len(hits) == 2 else 0.9), 0.22, 0.3, rng, decay=1.5),
                swung(b),
            )
    notes = max(1, int(4 * style.density))
    length = 4 * beat / notes
    lead_level = 0.09 if style.lead != "distorted" else 0.07
    for k in range(notes):
        if rng.random() < 0.15 and style.density <= 1:
            continue
        midi: float = chord[int(rng.integers(0, 3))] + 12 * int(rng.integers(0, 2))
        if rng.random() < 0.3:
            midi = root + 12 + scale[int(rng.integers(0, len(scale)))]
        place(_note(style.lead, midi, length * 1.6, lead_level, style.brightness, rng, decay=0.8), swung(k * 4 / notes))
    pattern = _PATTERNS[style.drums]
    heavy = style.drums == "metal"
    for at in pattern["kick"]:
        place(_kick(int(0.3 * RATE), heavy) * (0.45 if not heavy else 0.4), swung(at))
    for at in pattern["snare"]:
        body = _note("triangle", 50, 0.2, 0.12, 0, rng, decay=20)
        place(_noise(rng, len(body), 18, False) * 0.18 + body, swung(at))
    for at in pattern["hat"]:
        if style.drums == "swing":  # a soft ride: a few inharmonic partials, no noise
            ride = _note("sine", 100.2, 0.4, 0.012, 0, rng, decay=9)
            for partial in (103.9, 107.1):
                ride += _note("sine", partial, 0.4, 0.012, 0, rng, decay=9)
            place(ride, swung(at))
        else:
            level = 0.045 if heavy else 0.012 if style.drums == "boom_bap" else 0.02
            place(_noise(rng, int(0.05 * RATE), 110, True) * level, swung(at))
    if heavy and bar % 2 == 0:
        place(_noise(rng, int(0.8 * RATE), 4, True) * 0.05, 0)
    return out, bar_len


def blocks(
    duration: float, genre: str | None, seed: int, cuts: list[float] | tuple[float, ...] = ()
) -> Iterator[np.ndarray]:
    """Stereo float32 blocks, shape (2, n), together exactly `duration` seconds, one bar (or so) at a time."""
    style = style_for(genre)
    rng = np.random.default_rng(seed)
    total = max(1, int(round(duration * RATE)))
    beat = 60.0 / style.tempo
    boundaries = sorted(c for c in cuts if 0 < c < duration)
    carry = np.zeros(0, np.float32)
    made, bar = 0, 0
    fade = min(total // 2, int(0.5 * RATE))
    while made < total:
        t = made / RATE
        section = sum(1 for c in boundaries if c <= t)
        samples, bar_len = _bar(style, bar, section, rng, beat)
        samples[: len(carry)] += carry
        take = min(bar_len, total - made)
        block, carry = samples[:take], samples[take:]
        if style.drive:
            block = np.tanh(block * (1 + 3 * style.drive)) / np.tanh(1 + 3 * style.drive)
        block = np.tanh(block * 1.6) * 0.85
        ramp = np.ones(take, np.float32)
        idx = np.arange(made, made + take)
        ramp = np.minimum(ramp, np.clip(idx / fade, 0, 1) if fade else ramp)
        ramp = np.minimum(ramp, np.clip((total - idx) / fade, 0, 1) if fade else ramp)
        block = (block * ramp).astype(np.float32)
        pan = 0.04 * np.sin(2 * np.pi * 0.1 * idx / RATE).astype(np.float32)
        yield np.stack([block * (1 - pan), block * (1 + pan)])
        made += take
        bar += 1


def compose(duration: float, genre: str | None, seed: int, cuts: list[float] | tuple[float, ...] = ()) -> np.ndarray:
    """The whole track at once, shape (2, n) (for tests; the agent streams it to a file with write_music)."""
    return np.concatenate(list(blocks(duration, genre, seed, cuts)), axis=1)


def write_music(
    path: Path, duration: float, genre: str | None, seed: int, cuts: list[float] | tuple[float, ...] = ()
) -> None:
    """Write the track as 16-bit PCM WAV, one bar at a time (temporary name, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    # open the file first: if that fails (a reset removed the folder under a running turn), no half-built
    # Wave_write is left for the garbage collector, whose __del__ would raise
    with tmp.open("wb") as fh, wave.open(fh, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(RATE)
        for block in blocks(duration, genre, seed, cuts):
            w.writeframes((np.clip(block.T, -1, 1) * 32767).astype("<i2").tobytes())
    tmp.replace(path)


def write_effect(path: Path, duration: float, kind: str, seed: int) -> None:
    """A generated sound effect (a filtered noise burst that decays) or "speech" (a voiced tone with syllable-like
    pitch and loudness), as 16-bit PCM WAV: stand-ins for models the emulator does not run."""
    rng = np.random.default_rng(seed)
    n = max(1, int(duration * RATE))
    t = np.arange(n, dtype=np.float32) / RATE
    if kind == "speech":
        syllable = 0.18
        pitch = 140 + 40 * np.sin(2 * np.pi * t / (syllable * 7)) + rng.uniform(-10, 10)
        phase = 2 * np.pi * np.cumsum(pitch) / RATE
        voice = sum(np.sin(k * phase) / k for k in range(1, 6))
        envelope = np.clip(np.sin(np.pi * (t % syllable) / syllable), 0, 1) ** 0.5
        signal = 0.3 * voice * envelope
    else:
        noise = rng.standard_normal(n).astype(np.float32)
        smooth = np.convolve(noise, np.ones(24) / 24, mode="same")
        signal = 0.8 * smooth * np.exp(-4 * t / max(duration, 0.1))
    pcm = (np.clip(signal, -1, 1) * 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as fh, wave.open(fh, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    tmp.replace(path)
