"""An edit is not read past words the reader has no use for: such a message becomes one question that names them,
and nothing changes; the user's own words (a title, a new clip's description) and misspelt styles do not count."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_emulator.agent import coverage
from tests.emulator.agent import corpus


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> corpus.Context:
    monkeypatch.setattr("nemo_emulator.media.music.write_music", lambda *a, **k: None)
    return corpus.Context(tmp_path)


def _said(outcome: corpus.Outcome) -> str:
    return " ".join(getattr(step, "text", "") for step in outcome.plan.steps)


def test_a_word_the_reader_has_no_use_for_turns_the_edit_into_a_question(ctx: corpus.Context) -> None:
    entry = {"text": "add jazz to the quokka", "setup": "placed", "expect": {"kind": "question"}}
    outcome = corpus.run(entry, ctx)
    assert outcome.plan.kind == "question" and not outcome.changed and not outcome.plan.cost
    assert '"quokka"' in _said(outcome)
    assert corpus.run({**entry, "text": "add jazz to the video", "expect": {"kind": "edit"}}, ctx).plan.kind == "edit"


@pytest.mark.parametrize(("text", "setup", "change"), [
    ("add a title 'Quokka Zanzibar'", "placed", {"title": {"text": "Quokka Zanzibar"}}),
    ("add a title that says Quokka Parade", "placed", {"title": {"text": "Quokka Parade"}}),
    ("generate a video of a quokka in zanzibar", "empty",
     {"video": {"file": "generated"}, "length": 10, "bgm": {}, "title": {}}),
    ("add some clasicall music", "placed", {"bgm": {"genre": "classical"}}),
])  # fmt: skip
def test_the_users_own_words_and_misspelt_styles_do_not_count(
    ctx: corpus.Context, text: str, setup: str, change: dict[str, object]
) -> None:
    outcome = corpus.run({"text": text, "setup": setup, "expect": {"kind": "edit", "change": change}}, ctx)
    assert outcome.problems == []


def test_chinese_is_read_by_phrases_and_an_unknown_one_is_named(ctx: corpus.Context) -> None:
    entry = {"text": "加一段爵士乐给火锅店", "setup": "placed", "expect": {"kind": "question"}}
    outcome = corpus.run(entry, ctx)
    assert outcome.plan.kind == "question" and not outcome.changed and "火锅店" in _said(outcome)
    assert coverage.unexplained("加一段爵士乐", []) == []
    assert coverage.unexplained("背景音乐慢慢淡出", []) == []


def test_the_vocabulary_is_read_from_the_readers_own_patterns() -> None:
    words = coverage.vocabulary()
    assert {"ditch", "jazz", "vertical", "fade", "louder"} <= words
    assert coverage.unexplained("turning the soundtrack down", []) == []
    assert coverage.unexplained("add jazz to the quokka", []) == ["quokka"]
    assert coverage.unexplained("add title a from 0 to 1 s", ["A"]) == []  # the user's "A", not every letter a
