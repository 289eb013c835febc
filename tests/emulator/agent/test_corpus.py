"""The agent against the message corpus (fixtures/corpus/): the development part (hand-written messages, template
paraphrases, everyday requests) and the held-back part, which only this test reads (no development entry repeats
it). Each is reported as right answers, questions (acceptable, not right) and misreads (never acceptable)
separately."""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.emulator.agent import corpus


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> corpus.Context:
    monkeypatch.setattr("nemo_emulator.media.music.write_music", lambda *a, **k: None)
    return corpus.Context(tmp_path)


def _report(entries: list[dict[str, Any]], ctx: corpus.Context) -> tuple[collections.Counter[str], str]:
    outcomes = [corpus.run(entry, ctx) for entry in entries]
    verdicts = collections.Counter(corpus.verdict(o) for o in outcomes)
    wrong = [o for o in outcomes if corpus.verdict(o) != "right"]
    lines = "\n".join(f"  {corpus.verdict(o)} [{o.entry['setup']}] {o.entry['text']!r}: {'; '.join(o.problems)}"
                      for o in wrong)  # fmt: skip
    return verdicts, f"{dict(verdicts)} of {len(outcomes)}:\n{lines}"


def test_the_corpus_is_big_varied_and_split() -> None:
    dev, held = corpus.development(), corpus.held_back()
    assert len(dev) + len(held) >= 600 and len(held) >= 150
    assert not {e["text"] for e in dev} & {e["text"] for e in held}, "a held-back message is also a development one"
    for part in (dev, held):
        kinds = {e["expect"]["kind"] for e in part}
        assert kinds >= {"edit", "question", "refusal", "no-op", "answer"}
        assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in e["text"]) for e in part) >= 25


def test_the_generated_part_is_what_its_templates_make(tmp_path: Path) -> None:
    out = tmp_path / "generated.jsonl"
    subprocess.run([sys.executable, str(corpus.FOLDER / "make_corpus.py"), str(out)], capture_output=True, timeout=60,
                   check=True)  # fmt: skip
    shipped = (corpus.FOLDER / "generated.jsonl").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == shipped, "generated.jsonl is out of date: run make_corpus.py"


def test_the_development_part_is_understood(ctx: corpus.Context) -> None:
    verdicts, report = _report(corpus.development(), ctx)
    total = sum(verdicts.values())
    assert verdicts["right"] >= 0.97 * total and verdicts["misread"] == 0 and verdicts["charged"] == 0, report


def test_the_held_back_part_is_understood(ctx: corpus.Context) -> None:
    verdicts, report = _report(corpus.held_back(), ctx)
    total = sum(verdicts.values())
    assert verdicts["right"] >= 0.97 * total, report
    assert verdicts["misread"] == 0 and verdicts["charged"] == 0, report


def test_no_message_changes_what_it_did_not_ask_for(ctx: corpus.Context) -> None:
    every = corpus.development() + corpus.held_back()
    unasked = [(o.entry["text"], sorted(o.unasked)) for o in (corpus.run(e, ctx) for e in every) if o.unasked]
    assert unasked == []
