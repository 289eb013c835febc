"""Music moods: tempo, key, scale, chord progression and instrumentation per mood, and the words users say."""

from __future__ import annotations

from dataclasses import dataclass

_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)


@dataclass(frozen=True, slots=True)
class Style:
    tempo: int
    key: int  # MIDI note of the tonic
    scale: tuple[int, ...]
    progression: tuple[int, ...]  # scale degrees, one chord per bar
    drums: float  # 0 = none, 1 = full kit
    brightness: float  # harmonics in the pad


MOODS: dict[str, Style] = {
    "lo-fi": Style(80, 57, _MINOR, (0, 5, 2, 6), 0.6, 0.3),
    "upbeat": Style(120, 60, _MAJOR, (0, 4, 5, 3), 1.0, 0.6),
    "energetic": Style(132, 62, _MINOR, (0, 5, 6, 4), 1.0, 0.8),
    "calm": Style(70, 60, _MAJOR, (0, 3, 5, 4), 0.0, 0.2),
    "ambient": Style(64, 55, _MINOR, (0, 5, 3, 6), 0.0, 0.15),
    "dramatic": Style(90, 50, _MINOR, (0, 5, 3, 4), 0.7, 0.7),
    "happy": Style(116, 64, _MAJOR, (0, 3, 4, 0), 0.8, 0.5),
    "romantic": Style(76, 65, _MAJOR, (0, 5, 3, 4), 0.2, 0.35),
    "cinematic": Style(84, 52, _MINOR, (0, 3, 5, 4), 0.5, 0.6),
    "jazz": Style(96, 58, _MAJOR, (1, 4, 0, 5), 0.5, 0.4),
}
ALIASES = {
    "lofi": "lo-fi",
    "chill": "lo-fi",
    "relaxing": "calm",
    "piano": "calm",
    "epic": "cinematic",
    "sad": "ambient",
    "energy": "energetic",
    "rock": "energetic",
    "pop": "upbeat",
    "fun": "happy",
}


def mood_name(word: str) -> str | None:
    """Canonical mood for a word the user might say, if any."""
    word = word.lower()
    return word if word in MOODS else ALIASES.get(word)
