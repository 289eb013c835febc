"""Planning a turn: a message read into a Request (reader.py) becomes the tool steps of an edit (edits.py, with
bgm.py, titles.py and generation.py), one clarifying question, a refusal, or a plain answer (answers.py for
questions about the draft). Everything it says is in replies.py.
"""

from __future__ import annotations

import random
from typing import Any

from nemo_emulator.agent import replies as r
from nemo_emulator.agent import slots, tools
from nemo_emulator.agent.answers import answer
from nemo_emulator.agent.edits import Edits
from nemo_emulator.agent.plan import Ask, Plan, Say, Wait
from nemo_emulator.agent.reader import understand
from nemo_emulator.settings import Settings
from nemo_emulator.state.sessions import Choice, Pending
from nemo_protocol import draft as drafts
from nemo_protocol.wire import JSON


class Planner:
    """Messages into plans; all randomness comes from the turn's RNG."""

    def __init__(self, settings: Settings, rng: random.Random) -> None:
        self.s = settings
        self.rng = rng

    def plan(
        self, message: str, state: JSON, session_language: str | None = None, pending: Pending | None = None
    ) -> Plan:
        """The plan for `message` in a session with `state` (and a question it is waiting on an answer to)."""
        picked = _picked(message, pending)
        if picked is not None:
            message = picked
        plan = self._plan(message, state, session_language)
        plan.message = message
        return plan

    def _plan(self, message: str, state: JSON, session_language: str | None) -> Plan:
        lang = slots.language(message, session_language)
        if lang == "other":
            return self.text("answer", "en", r.say("en", "unsupported_language"))
        if not message.strip():
            return self.text("answer", lang, r.say(lang, "help"))
        kind, req = understand(message, state)
        if kind == "topic" and req.topic is not None:
            return self.text("answer", lang, answer(lang, req.topic, state), [f"ask_{req.topic}"])
        if kind is not None:
            return self._answer(kind, message, state, lang)
        return Edits(self, req, state, lang).plan()

    def draw(self, name: str, media_s: float = 0.0) -> float:
        latency: Any = getattr(self.s, f"latency_{name}")
        return float(latency.draw(self.rng, media_s))

    def text(self, kind: str, lang: str, text: str, intents: list[str] | None = None) -> Plan:
        return Plan(kind, [Wait(self.draw("text")), Say(text)], lang, intents or [])  # type: ignore[arg-type]

    def ask(self, lang: str, key: str, intents: list[str], offered: list[str] | None = None, **values: Any) -> Plan:
        """One clarifying question, with the options it offers (`offered`: the videos or styles to choose from);
        nothing changes."""
        text = r.say(lang, key, **values)
        options = tuple(Choice(cid, label, message) for cid, label, message in r.choices(lang, key, offered))
        return Plan("question", [Wait(self.draw("text")), Ask(text, r.prompt(lang, key), options)], lang, intents)

    def _answer(self, kind: str, message: str, state: JSON, lang: str) -> Plan:
        draft = state.get("draft") or {}
        if kind == "song":
            found = slots.song(slots.normalise(message)) or ("that song", "upbeat")
            name = found[0] if lang != "zh" or not found[0].isascii() else found[0].title()
            style = tools.label(found[1]) if lang != "zh" else found[1]
            key = "song_from" if slots.PLATFORM.fullmatch(name.lower()) else "song"  # "a song from youtube"
            name = _SERVICES.get(name.lower(), name) if key == "song_from" else name
            return self.text("refusal", lang, r.say(lang, key, name=name, style=style), ["song"])
        if kind == "out_of_scope":
            return self.text("refusal", lang, r.say(lang, "out_of_scope"), [kind])
        if kind in ("ambiguous", "unclear"):
            return self.ask(lang, "ambiguous", [kind])
        if kind == "describe":
            if not drafts.lines(draft):
                return self.text("answer", lang, r.say(lang, "empty_timeline"), [kind])
            return self.text("answer", lang, r.say(lang, "describe", summary=r.summary(lang, draft)), [kind])
        if kind == "export":
            key = "export" if drafts.lines(draft) else "nothing_to_export"
            return self.text("answer", lang, r.say(lang, key), [kind])
        if kind == "greeting":
            return self.text("answer", lang, r.say(lang, "greeting", help=r.say(lang, "help")), [kind])
        if kind == "thanks":
            return self.text("answer", lang, r.say(lang, "thanks"), [kind])
        return self.text("answer", lang, r.say(lang, "help"), [kind])


_SERVICES = {"youtube": "YouTube", "youtu.be": "YouTube", "spotify": "Spotify", "soundcloud": "SoundCloud",
             "apple music": "Apple Music"}
"""How music services spell their names."""


def _picked(message: str, pending: Pending | None) -> str | None:
    """The message an answer to `pending` stands for: an option named by its label (as clients send it, "1. What
    should I change?: Add a title"), its id, its letter or its number; None when the message answers nothing."""
    if pending is None or not pending.choices:
        return None
    text = slots.normalise(message).strip(" .!")
    for i, choice in enumerate(pending.choices):
        if text in (choice.id.lower(), str(i + 1), "abcdefghij"[i]) and choice.message:
            return choice.message
    named = [c for c in pending.choices if c.label.lower() in text]
    if named:
        best = max(named, key=lambda c: len(c.label))
        return best.message or None
    return None
