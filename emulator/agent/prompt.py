"""A message read as a whole before its clauses: the fields the official CLI appends to a prompt ("… Duration: 5
seconds. Aspect ratio: 9:16"), and a message that is nothing but a description of a video to make ("5-second coffee
product showcase"), which on an empty project can only mean that video.
"""

from __future__ import annotations

import re

from nemo_emulator.agent import grammar as g
from nemo_emulator.agent import slots
from nemo_emulator.agent.request import Request

UPLOAD_WORDS = re.compile(
    r"\b(?:upload(?:ed)?|my\s+(?:video|clip|footage|file)|the\s+(?:video|clip)\s+i\b)"
    r"|我上传的|我的视频"
)
"""Words for the user's own footage ("my video", "the clip I uploaded")."""
DESCRIBED = re.compile(
    r"\b(?:create|generate|make|produce|build|shoot|render|me|a|an|the|one|new|another|some|my|this|again|please"
    r"|help|can|could|would|you|i|want|need|like|let's|lets|to"
    r"|video|clip|reel|short|shorts|highlight|highlights|teaser|montage|compilation|edit|version|cut|film|movie"
    r"|animation|\d+(?:\.\d+)?(?:-|\s)?(?:s|sec|second|seconds|minute|minutes)?(?:\s+long)?)\b"
    r"|重新|生成|制作|创建|一个|一段|个|新的|视频|短片|影片|的|帮我|给我|请|做|做个|做一个|弄|弄个|来个|来一个|吧"
)
"""The words of a generation request that say nothing about what the new clip shows."""
_FIELD = re.compile(r"[.,;]?\s*\b(duration|aspect\s+ratio)\s*:\s*([\w:.]+)(?:\s*(?:s|sec|secs|seconds?)\b)?\s*\.?",
                    re.IGNORECASE)
"""A field the official CLI appends to a prompt: a slot, not words of the prompt or of its title."""
_DESCRIBES = re.compile(
    r"\b(?:showcase|demo|timelapse|time-lapse|intro|trailer|promo|advert|commercial|animation|slideshow|explainer"
    r"|montage)s?\b|\b\d+(?:\.\d+)?[- ]?(?:s|sec|second|seconds)\b|宣传片|片头|动画"
)
"""The kind of video a bare description names ("5-second coffee product showcase", "short intro"): a plain "video"
is not enough ("interview questions for video editors" describes no video)."""
_ASKS = ("QUESTION", "GREETING", "HELP", "OUT_OF_SCOPE", "UNSUPPORTED", "EXPORT", "EDIT_VERBS", "ADD_VERB", "REMOVE",
         "TRIM", "RATIO", "FADE", "NEGATION")
"""What makes a message more than a description: a question, an answer's phrase, a verb."""


def fields(message: str) -> tuple[str, dict[str, str]]:
    """The message without the CLI's fields, and the fields (`duration`, `aspect`) by name."""
    found = {name.lower().split()[0]: value for name, value in _FIELD.findall(message)}
    return (_FIELD.sub(" ", message).strip() if found else message), found


def apply_fields(req: Request, found: dict[str, str]) -> None:
    """The CLI's Duration and Aspect ratio fields, on what the message asks."""
    if (seconds := found.get("duration")) and req.generate is not None and req.generate.get("duration") is None:
        req.generate["duration"] = slots.duration(f"{seconds} seconds")
    if (ratio := slots.ratio(found.get("aspect", ""))) is not None and req.ratio is None and req.edits:
        req.ratio = ratio
        req.intents.append("ratio")


def describes(m: str) -> str | None:
    """`described` when a normalised message with no verb and nothing named but a video describes one to make,
    `undescribed` when it names one without saying what it shows ("a 10 second clip"), None otherwise. Only asked on
    an empty project with no uploads, where there is nothing else such a message could be about."""
    if not _DESCRIBES.search(m) or UPLOAD_WORDS.search(m):
        return None  # "edit my video clips": the user's own footage, not a new one
    if any(g.R[name].search(m) for name in _ASKS) or any(p.search(m) for p in (g.MUSIC_WORD, g.TITLE_WORD,
                                                                                g.TEXT_WORD)):  # fmt: skip
        return None
    return "described" if DESCRIBED.sub(" ", m).strip(" .,!?，。") else "undescribed"
