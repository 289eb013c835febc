"""Running the message corpus (fixtures/corpus/messages.jsonl) through the planner, without HTTP.

Each message starts from a named session state; its plan's tools are applied in-process; what changed is read as a
few aspects of the state (the video, its length, the BGM, the title, other texts, the canvas ratio) and compared
with what the corpus expects.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nemo_emulator.agent.plan import Ask, Plan, Say, Tool
from nemo_emulator.agent.planner import Planner
from nemo_emulator.settings import Settings
from nemo_protocol import draft as drafts
from nemo_protocol.draft import AUDIO, TEXT, VIDEO, Draft

FOLDER = Path(__file__).resolve().parents[3] / "fixtures" / "corpus"
CORPUS = FOLDER / "messages.jsonl"
HELD_BACK = FOLDER / "held_back.jsonl"
BASE = "http://emulator.test"


def upload(name: str, seconds: float) -> dict[str, Any]:
    url = f"{BASE}/cdn/uploads/up_{name}/{name}"
    return {"id": f"up_{name}", "filename": name, "file_type": "video", "cdn_url": url, "duration": seconds}


def state(setup: str) -> dict[str, Any]:
    """The session state a corpus entry starts from."""
    clip, beach, city = upload("clip.mp4", 20), upload("beach.mp4", 12), upload("city.mp4", 20)
    infos = {"two": [beach, city], "two_placed": [beach, city], "empty": []}.get(setup, [clip])
    draft = Draft()
    if setup in ("placed", "music", "titled", "full"):
        draft.set_video(clip["cdn_url"], 20000, name="clip.mp4")
    if setup == "two_placed":
        draft.set_video(beach["cdn_url"], 12000, name="beach.mp4")
    if setup in ("music", "full"):
        draft.set_bgm(f"{BASE}/cdn/generated/gen_old.wav", label="Lo-fi", mood="lo-fi", vol=0.8, start=0, length=20000)
    if setup in ("titled", "full"):
        draft.add_text("Hello", 0, 3000, title=True)
    data = draft.finish() if draft.tracks else {}
    return {"video_infos": infos, "draft": data, "canvas_config": {"width": 1920, "height": 1080, "ratio": "16:9"},
            "video_analyses": {}, "generated_media": []}  # fmt: skip


def aspects(st: dict[str, Any]) -> dict[str, Any]:
    """What a user would notice in a state."""
    d = st.get("draft") or {}
    out: dict[str, Any] = {}
    video = next((s for _, s in drafts.segments(d, VIDEO)), None)
    out["video"] = (
        None
        if video is None
        else {
            "file": str(video.get("src", "")).rsplit("/", 1)[-1]
            if "/uploads/" in str(video.get("src"))
            else "generated"
        }
    )
    out["length"] = round(drafts.video_length_ms(d) / 1000, 2) if video else None
    bgm = next((s for _, s in drafts.segments(d, AUDIO)), None)
    out["bgm"] = None if bgm is None else {
        "genre": (bgm.get("m") or {}).get("mood"), "volume": bgm.get("v"), "src": bgm.get("src"),
        "fades": [bgm.get("fi", 0), bgm.get("fo", 0)],
        "span": [round(drafts.start_ms(bgm) / 1000, 2), round(drafts.end_ms(bgm) / 1000, 2)]}  # fmt: skip
    title = next((s for _, s in drafts.segments(d, TEXT) if (s.get("m") or {}).get("title")), None)
    sty = (title or {}).get("sty") or {}
    out["title"] = None if title is None else {
        "text": title.get("tx"), "color": sty.get("color"), "size": sty.get("size"), "pos": sty.get("pos"),
        "span": [round(drafts.start_ms(title) / 1000, 2), round(drafts.end_ms(title) / 1000, 2)]}  # fmt: skip
    out["texts"] = sorted(str(s.get("tx")) for _, s in drafts.segments(d, TEXT) if not (s.get("m") or {}).get("title"))
    out["ratio"] = (st.get("canvas_config") or {}).get("ratio")
    return out


@dataclass
class Context:
    """The ToolContext effects run in, in-process."""

    generated_dir: Path
    base_url: str = BASE
    counter: int = 0

    def media_id(self) -> str:
        self.counter += 1
        return f"gen_{self.counter:016x}"

    def media_url(self, name: str) -> str:
        return f"{self.base_url}/cdn/generated/{name}"


@dataclass
class Outcome:
    entry: dict[str, Any]
    plan: Plan
    changed: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def unasked(self) -> set[str]:
        """Aspects that changed although the message did not ask for them."""
        return set(self.changed) - set(self.entry["expect"].get("change") or {})


def _matches(expected: Any, actual: Any) -> bool:
    if expected is None:
        return actual is None
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(v is None or _matches(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, float | int) and isinstance(actual, float | int):
        return abs(expected - actual) < 0.051
    return bool(expected == actual)


def run(entry: dict[str, Any], ctx: Context, seed: int = 0) -> Outcome:
    before = state(entry["setup"])
    plan = Planner(Settings(), random.Random(seed)).plan(entry["text"], before, entry.get("language"))
    current = before
    for step in plan.steps:
        if isinstance(step, Tool):
            _, delta = step.effect(ctx, current)
            current = {**current, **delta}
    a, b = aspects(before), aspects(current)
    outcome = Outcome(entry, plan, {k: b[k] for k in b if a[k] != b[k]})
    expect = entry["expect"]
    if "video" in outcome.changed and "length" not in (expect.get("change") or {}):
        outcome.changed.pop("length", None)  # a new clip on the timeline brings its own length
    kind = {"no-op": "answer"}.get(expect["kind"], expect["kind"])
    if plan.kind != kind:
        outcome.problems.append(f"kind {plan.kind}, expected {kind}")
    wanted = expect.get("change") or {}
    if set(outcome.changed) != set(wanted):
        outcome.problems.append(f"changed {sorted(outcome.changed)}, expected {sorted(wanted)}")
    for key, value in wanted.items():
        if key in outcome.changed and not _matches(value, outcome.changed[key]):
            outcome.problems.append(f"{key} is {outcome.changed[key]!r}, expected {value!r}")
    for key, kept in (("bgm", ("genre", "src")), ("title", ("text",))):
        value, old, new = wanted.get(key), a.get(key), b.get(key)
        replaced = isinstance(value, dict) and value and not set(kept) & set(value)
        if replaced and isinstance(old, dict) and isinstance(new, dict):
            for field_ in kept:
                if old.get(field_) != new.get(field_):
                    outcome.problems.append(f"{key} {field_} was replaced ({old.get(field_)!r} -> {new.get(field_)!r}) "
                                            f"though only its {sorted(value)} were asked")  # fmt: skip
    if plan.kind != "edit" and (plan.cost or any(isinstance(s, Tool) for s in plan.steps)):
        outcome.problems.append("a text-only turn calls tools or costs credits")
    texts = [s.text for s in plan.steps if isinstance(s, Say | Ask)]
    if plan.kind == "question" and not texts[-1].rstrip().endswith(("?", "？")):
        outcome.problems.append(f"a question that does not ask: {texts[-1]!r}")
    said = " ".join(texts).lower()
    for needle in expect.get("says", []):
        if needle.lower() not in said:
            outcome.problems.append(f"the reply does not say {needle!r}: {said[:160]!r}")
    return outcome


DEVELOPMENT = (CORPUS, FOLDER / "generated.jsonl", FOLDER / "everyday.jsonl")
"""The part the grammar is developed against: hand-written messages, template paraphrases, everyday requests."""


def load(path: Path = CORPUS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def development() -> list[dict[str, Any]]:
    return [entry for path in DEVELOPMENT for entry in load(path)]


def held_back() -> list[dict[str, Any]]:
    return load(HELD_BACK)


def verdict(outcome: Outcome) -> str:
    """`right`; `question` (it asked where it was expected to act or answer: acceptable, not right); `charged`
    (a no-op, question or refusal that cost credits); or `misread` (anything else: a wrong change, a wrong kind)."""
    expected = outcome.entry["expect"]["kind"]
    if expected != "edit" and outcome.plan.cost:
        return "charged"
    if not outcome.problems:
        return "right"
    if outcome.plan.kind == "question" and not outcome.changed:
        return "question"
    return "misread"
