"""Music styles: what the procedural synthesiser plays for each genre or mood the agent understands.

Each style sets tempo, key and scale, the chord progression, the timbre of the lead, pad and bass, the drum pattern,
swing and distortion, so that a jazz track and a metal track differ in what a listener (or an onset detector and a
spectral centroid) notices: tempo, rhythm and brightness.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
DORIAN = (0, 2, 3, 5, 7, 9, 10)
MIXOLYDIAN = (0, 2, 4, 5, 7, 9, 10)
PENTATONIC = (0, 2, 4, 7, 9, 12, 14)
BLUES = (0, 3, 5, 6, 7, 10, 12)
HARMONIC_MINOR = (0, 2, 3, 5, 7, 8, 11)

Timbre = Literal["sine", "triangle", "square", "saw", "pluck", "organ", "bell", "strings", "piano", "distorted"]
Drums = Literal["none", "four", "backbeat", "trap", "swing", "boom_bap", "halftime", "metal", "reggae", "latin"]
Bass = Literal["none", "sub", "synth", "808", "upright", "picked"]


@dataclass(frozen=True, slots=True)
class Style:
    tempo: int
    key: int
    """MIDI note of the tonic."""
    scale: tuple[int, ...]
    progression: tuple[int, ...]
    """Scale degrees, one chord per bar."""
    lead: Timbre
    pad: Timbre
    bass: Bass
    drums: Drums
    density: float = 1.0
    """Lead notes per beat."""
    swing: float = 0.0
    """Delay of every second eighth note, as a share of an eighth."""
    drive: float = 0.0
    """Distortion of the whole mix (0 = clean)."""
    brightness: float = 0.4
    """Upper harmonics of the lead."""
    pad_level: float = 0.08


STYLES: dict[str, Style] = {
    "lo-fi": Style(80, 57, DORIAN, (0, 5, 2, 6), "piano", "sine", "sub", "boom_bap", 1, 0.25, 0, 0.25),
    "hip-hop": Style(92, 55, MINOR, (0, 5, 3, 4), "pluck", "sine", "synth", "boom_bap", 1, 0.2, 0.1, 0.4),
    "trap": Style(140, 53, HARMONIC_MINOR, (0, 5, 0, 4), "bell", "sine", "808", "trap", 2, 0, 0.15, 0.5),
    "jazz": Style(108, 58, DORIAN, (1, 4, 0, 5), "piano", "sine", "upright", "swing", 1, 0.33, 0, 0.15, 0.05),
    "blues": Style(88, 52, BLUES, (0, 3, 0, 4), "organ", "sine", "upright", "swing", 1, 0.3, 0.05, 0.3),
    "classical": Style(96, 62, MAJOR, (0, 3, 4, 0), "piano", "strings", "none", "none", 2, 0, 0, 0.2, 0.06),
    "orchestral": Style(76, 50, MINOR, (0, 5, 3, 4), "strings", "strings", "sub", "halftime", 0.5, 0, 0, 0.35, 0.12),
    "piano": Style(72, 60, MAJOR, (0, 5, 3, 4), "piano", "sine", "none", "none", 1, 0, 0, 0.2, 0.04),
    "acoustic": Style(100, 55, MAJOR, (0, 4, 5, 3), "pluck", "sine", "picked", "backbeat", 2, 0.1, 0, 0.35, 0.05),
    "country": Style(116, 55, MIXOLYDIAN, (0, 3, 4, 0), "pluck", "organ", "picked", "backbeat", 2, 0.15, 0.05, 0.45),
    "folk": Style(98, 57, MAJOR, (0, 3, 5, 4), "pluck", "sine", "picked", "none", 2, 0.1, 0, 0.3, 0.05),
    "rock": Style(128, 52, MINOR, (0, 5, 6, 4), "distorted", "saw", "picked", "backbeat", 2, 0, 0.5, 0.7),
    "metal": Style(172, 52, HARMONIC_MINOR, (0, 1, 0, 5), "distorted", "saw", "synth", "metal", 4, 0, 0.9, 0.95),
    "edm": Style(128, 57, MINOR, (0, 5, 2, 6), "saw", "saw", "synth", "four", 4, 0, 0.2, 0.8),
    "house": Style(124, 58, DORIAN, (0, 3, 4, 3), "organ", "saw", "synth", "four", 2, 0.1, 0.1, 0.6),
    "techno": Style(132, 53, MINOR, (0, 0, 5, 0), "square", "saw", "synth", "four", 4, 0, 0.3, 0.7),
    "ambient": Style(64, 55, MAJOR, (0, 5, 3, 4), "bell", "strings", "none", "none", 0.5, 0, 0, 0.2, 0.12),
    "cinematic": Style(84, 52, MINOR, (0, 3, 5, 4), "strings", "strings", "sub", "halftime", 0.5, 0, 0, 0.3, 0.1),
    "epic": Style(90, 50, MINOR, (0, 5, 3, 4), "strings", "saw", "sub", "halftime", 1, 0, 0.2, 0.6, 0.12),
    "chill": Style(84, 57, DORIAN, (0, 3, 4, 6), "triangle", "sine", "sub", "boom_bap", 1, 0.15, 0, 0.2),
    "happy": Style(118, 64, MAJOR, (0, 3, 4, 0), "pluck", "sine", "picked", "backbeat", 2, 0.1, 0, 0.5),
    "sad": Style(66, 57, MINOR, (0, 5, 3, 6), "piano", "strings", "none", "none", 0.5, 0, 0, 0.15, 0.08),
    "romantic": Style(76, 65, MAJOR, (0, 5, 3, 4), "piano", "strings", "sub", "none", 1, 0.1, 0, 0.2, 0.07),
    "tense": Style(100, 50, HARMONIC_MINOR, (0, 1, 0, 6), "square", "strings", "sub", "halftime", 2, 0, 0.2, 0.5),
    "suspense": Style(70, 49, HARMONIC_MINOR, (0, 1, 5, 1), "bell", "strings", "sub", "none", 0.5, 0, 0, 0.3, 0.1),
    "corporate": Style(112, 60, MAJOR, (0, 4, 5, 3), "pluck", "saw", "synth", "four", 2, 0, 0, 0.45),
    "upbeat": Style(120, 60, MAJOR, (0, 4, 5, 3), "pluck", "saw", "synth", "backbeat", 2, 0, 0, 0.6),
    "energetic": Style(140, 62, MINOR, (0, 5, 6, 4), "saw", "saw", "synth", "four", 4, 0, 0.35, 0.85),
    "calm": Style(68, 60, MAJOR, (0, 3, 5, 4), "triangle", "sine", "none", "none", 0.5, 0, 0, 0.1, 0.08),
    "holiday": Style(112, 62, MAJOR, (0, 3, 4, 0), "bell", "organ", "picked", "backbeat", 2, 0.2, 0, 0.6),
    "chinese": Style(84, 62, PENTATONIC, (0, 3, 4, 0), "pluck", "sine", "none", "none", 2, 0, 0, 0.4, 0.05),
    "funk": Style(108, 52, MIXOLYDIAN, (0, 3, 0, 4), "square", "organ", "synth", "backbeat", 4, 0.15, 0.2, 0.6),
    "reggae": Style(76, 55, MAJOR, (0, 3, 4, 3), "organ", "sine", "sub", "reggae", 1, 0.1, 0, 0.35),
    "latin": Style(104, 57, MINOR, (0, 3, 4, 0), "pluck", "sine", "picked", "latin", 2, 0, 0, 0.45),
    "synthwave": Style(110, 57, MINOR, (0, 5, 3, 4), "saw", "saw", "synth", "backbeat", 2, 0, 0.2, 0.75),
    "kids": Style(124, 64, PENTATONIC, (0, 3, 4, 0), "bell", "sine", "picked", "backbeat", 2, 0.1, 0, 0.55),
    "dramatic": Style(90, 50, MINOR, (0, 5, 3, 4), "strings", "strings", "sub", "halftime", 1, 0, 0.1, 0.5, 0.1),
}
"""Style per genre or mood. Moods picked from a video's picture (probe.pick_mood) are keys here too."""


def style_for(name: str | None) -> Style:
    """The style called `name`, or lo-fi (the emulator's default background)."""
    return STYLES.get(name or "lo-fi", STYLES["lo-fi"])
