"""Generating a clip from a description: the video (a paid tool), then, in the same turn, the post-production the
skill promises (the canvas if asked, background music, a title)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nemo_emulator.agent import replies as r
from nemo_emulator.agent import tools
from nemo_emulator.agent.plan import Plan, Say, Step, Tool

if TYPE_CHECKING:
    from nemo_emulator.agent.edits import Edits


def generate(e: Edits) -> Plan:
    req, lang, s = e.req, e.lang, e.p.s
    spec = req.generate or {}
    prompt = spec.get("subject") or "a short clip"
    if (spec.get("duration") or 0) > 15:  # a paid tool: asked, not quietly shortened
        return e.stop("question", "generate_limit", asked=f"{spec['duration']:g}", names_list=[prompt])
    seconds = max(1.0, spec.get("duration") or 10.0)
    genre = (req.music.style if req.music else None) or spec.get("genre")
    title_text = next((t.text for t in req.texts if t.text), None) or title_guess(prompt)
    steps: list[Step] = [
        Say(r.say(lang, "intro_generate", seconds=f"{seconds:g}", prompt=prompt)),
        Tool("generate_video_with_seedance", {"prompt": prompt, "duration": seconds}, s.cost_generate_video,
             e.p.draw("generate"), tools.GenerateVideo(prompt, seconds, genre)),
        Say(r.say(lang, "raw_ready")),
    ]  # fmt: skip
    if req.ratio:
        steps.append(Tool("edit_multitrack", {"action": "set_canvas", "ratio": req.ratio}, 0, e.p.draw("place"),
                          tools.SetRatio(req.ratio)))  # fmt: skip
    volume = req.music.volume.applied(None) if req.music and req.music.volume else 0.35
    steps.append(Tool("generate_music", {"mood": genre or "auto", "volume": volume, "match": "video"}, 0,
                      e.p.draw("music", seconds), tools.GenerateMusic(genre, volume, e.p.rng.getrandbits(32))))
    end = int(min(3000, seconds * 1000))
    steps.append(Tool("edit_multitrack", {"action": "add_text", "text": title_text, "start": 0, "end": end / 1000,
                                          "title": True}, 0, e.p.draw("place"),
                      tools.AddText(title_text, 0, end, True, {})))  # fmt: skip
    if lang != "zh":
        music = f"{tools.label(genre)} background music" if genre else "background music"
    else:
        music = f"{tools.label(genre)}背景音乐" if genre else "背景音乐"
    done = r.say(lang, "generated", music=music, title=title_text)
    if req.ratio:
        done += " " + r.say(lang, "ratio_set", ratio=req.ratio)
    steps.append(Say(done))
    return Plan("edit", steps, lang, req.intents)


_STOP = {"generate", "create", "make", "video", "second", "seconds", "with", "from", "that", "this", "about", "please",
         "clip", "produce", "some", "into", "long", "music", "title", "showing", "animated", "short"}  # fmt: skip


def title_guess(prompt: str) -> str:
    """A title for a clip made from a prompt or a file name ("waves at dusk" -> "Waves Dusk")."""
    head = re.split(r"[,.;，。；]", prompt)[0]  # "product showcase video, 10 seconds, modern style": the subject first
    words = [w for w in re.findall(r"[A-Za-z]+", head) if len(w) > 3 and w.lower() not in _STOP] or [
        w for w in re.findall(r"[A-Za-z]+", prompt) if len(w) > 3 and w.lower() not in _STOP]
    if not words and re.search(r"[\u4e00-\u9fff]", prompt):
        return prompt[:8]
    return " ".join(w.capitalize() for w in words[-2:]) or "My Video"
