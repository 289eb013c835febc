"""The agent against the message corpus: at least 97% exactly right, and never a change nobody asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.emulator.agent import corpus


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> corpus.Context:
    monkeypatch.setattr("nemo_emulator.media.music.write_music", lambda *a, **k: None)
    return corpus.Context(tmp_path)


def test_the_corpus_is_big_and_varied() -> None:
    entries = corpus.load()
    assert len(entries) >= 200
    kinds = {e["expect"]["kind"] for e in entries}
    assert kinds == {"edit", "question", "refusal", "no-op"}
    assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in e["text"]) for e in entries) >= 30


def test_at_least_97_percent_of_the_corpus_is_understood_exactly(ctx: corpus.Context) -> None:
    outcomes = [corpus.run(entry, ctx) for entry in corpus.load()]
    misses = [o for o in outcomes if o.problems]
    report = "\n".join(f"  [{o.entry['setup']}] {o.entry['text']!r}: {'; '.join(o.problems)}" for o in misses)
    assert len(misses) <= len(outcomes) * 0.03, f"{len(misses)} of {len(outcomes)} misunderstood:\n{report}"


def test_no_message_changes_what_it_did_not_ask_for(ctx: corpus.Context) -> None:
    unasked = [(o.entry["text"], sorted(o.unasked)) for o in (corpus.run(e, ctx) for e in corpus.load()) if o.unasked]
    assert unasked == []
