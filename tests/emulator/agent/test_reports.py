"""Every edit the agent reports in words matches the change in the draft, for the whole corpus: each sentence of its
reply is read back (in English or Chinese) into claims (the music's style, volume, span and fades; a title's words,
colour, position and time; a trim; the canvas; what was removed) and every claim is checked against the draft after
the turn. And nothing changes that no sentence claims."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from nemo_emulator.agent import grammar, replies
from nemo_emulator.agent.plan import Say, Tool
from nemo_emulator.agent.planner import Planner
from nemo_emulator.settings import Settings
from nemo_protocol import draft as drafts
from nemo_protocol.draft import AUDIO
from tests.emulator.agent import corpus

N = r"(\d+(?:\.\d+)?)"
POSITION_NAMES = {name: code for code, names in replies.POSITIONS.items() for name in names}
WHAT = {"background music": "bgm", "背景音乐": "bgm", "title": "title", "标题": "title", "text": "texts",
        "文字": "texts", "video track": "video", "视频轨道": "video"}  # fmt: skip

_END = r"(?: \(matched to your video's mood\))?\.(?=\s|$)"
_END_ZH = r"(?:（匹配视频氛围）)?。"
MUSIC = [
    re.compile(rf"Background music added: (?P<label>[^,]+), at {N}% volume(?:, from {N}s to {N}s)?(?P<fades>, with .+?)?"
               rf"{_END}"),
    re.compile(rf"Switched the background music to (?P<label>[^,]+), at {N}% volume(?:, from {N}s to {N}s)?"
               rf"(?P<fades>, with .+?)?{_END}"),
    re.compile(rf"已添加背景音乐：(?P<label>[^，]+)，音量 {N}%(?:，{N}-{N}秒)?(?P<fades>，[^。]*淡[入出][^。]*)?{_END_ZH}"),
    re.compile(rf"背景音乐已换成(?P<label>[^，]+)，音量 {N}%(?:，{N}-{N}秒)?(?P<fades>，[^。]*淡[入出][^。]*)?{_END_ZH}"),
]  # fmt: skip
VOLUME = [re.compile(rf"The background music is now at {N}% volume\."), re.compile(rf"背景音乐音量已设为 {N}%。")]
FADES = [re.compile(r"The background music now has (?P<fades>.+?)\.(?=\s|$)"), re.compile(r"背景音乐已设置(?P<fades>[^。]+)。")]
SPAN = [re.compile(rf"The background music now plays from {N}s to {N}s\."), re.compile(rf"背景音乐现在{N}-{N}秒播放。")]
ADDED = [re.compile(rf'(?P<what>Title|Text) added: "(?P<text>[^"]+)" \((?P<color>[^,]+), (?P<pos>[^,]+), {N}-{N}s, '
                    rf"fade-in\)\."),
         re.compile(rf"已添加(?P<what>标题|文字)：“(?P<text>[^”]+)”（(?P<color>[^，]+)，(?P<pos>[^，]+)，{N}-{N}秒，淡入）。")]  # fmt: skip
STYLED = [re.compile(r"Updated the title: (?P<changes>[^.]+)\."), re.compile(r"标题已更新：(?P<changes>[^。]+)。")]
ZH_STYLE = {"颜色": "color", "字号": "size", "位置": "pos"}
MOVED = [re.compile(r"Moved the (?P<what>title|text) to (?P<where>[^.]+?)\.(?:\s|$)"),
         re.compile(r"(?P<what>标题|文字)已移到(?P<where>[^。]+)。")]  # fmt: skip
RETEXT = [re.compile(r'The (?P<what>title|text) now says "(?P<text>[^"]+)"\.'),
          re.compile(r"(?P<what>标题|文字)已改为“(?P<text>[^”]+)”。")]  # fmt: skip
TRIMMED = [re.compile(rf"Trimmed the video to {N}-{N}s \({N}s\)"), re.compile(rf"已将视频剪辑为 {N}-{N} 秒（共 {N} 秒）")]
"""A trim reports the video; what plays over it is trimmed with it (the reply says so)."""
RATIO = [re.compile(r"Canvas changed to (\d+:\d+);"), re.compile(r"画面比例已改为 (\d+:\d+)，")]
REMOVED = [re.compile(r"Removed the (?P<what>background music|title|text|video track)\."),
           re.compile(r"已删除(?P<what>背景音乐|标题|文字|视频轨道)。")]  # fmt: skip
TRACK = [re.compile(r"Removed track \d+ \((?P<name>[^)]+)\)\."), re.compile(r"已删除第 \d+ 条轨道（(?P<name>[^）]+)）。")]
TRACK_ASPECT = {"Video": "video", "BGM": "bgm", "Title": "title", "Text": "texts"}
KEPT = [re.compile(r"Removed everything but the (?P<what>[^.]+)\."), re.compile(r"已删除(?P<what>[^。]+)以外的所有内容。")]
PLACED = [re.compile(r'Your clip "(?P<name>[^"]+)" is on the timeline\.'), re.compile(r"视频“(?P<name>[^”]+)”已放到时间线上。")]
GENERATED = [re.compile(r'Done! I added (?P<music>.+?) and the title "(?P<title>[^"]+)"\.'),
             re.compile(r"完成！我添加了(?P<music>.+?)和标题“(?P<title>[^”]+)”。")]  # fmt: skip


def _fades(text: str | None) -> tuple[int | None, int | None]:
    if not text:
        return None, None
    if re.search(r"\bno fades\b|无淡入淡出", text):
        return 0, 0
    fin = re.search(rf"a {N}s fade-in|{N}秒淡入|(no) fade-in|(无)淡入", text)
    fout = re.search(rf"a {N}s fade-out|{N}秒淡出|(no) fade-out|(无)淡出", text)
    said = [next((g for g in m.groups() if g), None) if m else None for m in (fin, fout)]
    ms = [None if v is None else 0 if v in ("no", "无") else round(float(v) * 1000) for v in said]
    return ms[0], ms[1]


def _color(name: str) -> str:
    return grammar.COLORS.get(name, name)


def claims(text: str) -> dict[str, dict[str, Any]]:
    """What a reply says it did, as aspects of the state (corpus.aspects)."""
    out: dict[str, dict[str, Any]] = {}

    def each(patterns: list[re.Pattern[str]]) -> list[re.Match[str]]:
        return [m for p in patterns for m in p.finditer(text)]

    for m in each(MUSIC):
        groups = [g for g in m.groups()]
        bgm = out.setdefault("bgm", {})
        bgm.update(label=m.group("label"), volume=float(groups[1]) / 100)
        if groups[2] is not None:
            bgm["span"] = [float(groups[2]), float(groups[3])]
        fin, fout = _fades(m.group("fades"))
        bgm["fades"] = [fin or 0, fout or 0]
    for m in each(VOLUME):
        out.setdefault("bgm", {})["volume"] = float(m.group(1)) / 100
    for m in each(FADES):
        fin, fout = _fades(m.group("fades"))
        bgm = out.setdefault("bgm", {})
        if fin is not None:
            bgm["fade_in"] = fin
        if fout is not None:
            bgm["fade_out"] = fout
    for m in each(SPAN):
        out.setdefault("bgm", {})["span"] = [float(m.group(1)), float(m.group(2))]
    for m in each(ADDED):
        title = m.group("what") in ("Title", "标题")
        spec = {"text": m.group("text"), "color": _color(m.group("color")), "pos": POSITION_NAMES[m.group("pos")],
                "span": [float(m.groups()[-2]), float(m.groups()[-1])]}  # fmt: skip
        if title:
            out["title"] = spec
        else:
            out.setdefault("texts", {}).setdefault("added", []).append(spec["text"])
    for m in each(STYLED):
        title = out.setdefault("title", {})
        for change in m.group("changes").split(", " if ", " in m.group("changes") else "，"):
            key, _, value = change.partition(" ")
            if not value:  # "颜色红色": the Chinese name runs into the value
                key = next(k for k in ZH_STYLE if change.startswith(k))
                key, value = ZH_STYLE[key], change[len(key) :]
            title[key] = int(value) if key == "size" else _color(value) if key == "color" else POSITION_NAMES.get(
                value, value)  # fmt: skip
    for m in each(MOVED):
        where = m.group("where")
        span = re.fullmatch(rf"{N}-{N}(?:s|秒)", where)
        target = out.setdefault("title" if m.group("what") in ("title", "标题") else "texts", {})
        if span:
            target["span"] = [float(span.group(1)), float(span.group(2))]
        else:
            target["pos"] = POSITION_NAMES[where]
    for m in each(RETEXT):
        out.setdefault("title" if m.group("what") in ("title", "标题") else "texts", {})["text"] = m.group("text")
    for m in each(TRIMMED):
        out["length"] = {"value": float(m.group(3))}
    for m in each(RATIO):
        out["ratio"] = {"value": m.group(1)}
    for m in each(REMOVED):
        out[WHAT[m.group("what")]] = {"removed": True}
    for m in each(TRACK):
        out[TRACK_ASPECT.get(m.group("name"), "texts")] = {"removed": True}
    for m in each(KEPT):
        out["kept"] = {"what": m.group("what")}
    for m in each(PLACED):
        out["video"] = {"file": m.group("name")}
    for m in each(GENERATED):
        out["video"] = {"file": "generated"}
        out.setdefault("bgm", {})
        out["title"] = {"text": m.group("title")}
    return out


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 0.051


def check(said: dict[str, dict[str, Any]], after: dict[str, Any], before: dict[str, Any], draft: Any) -> list[str]:
    """Where a claim and the draft disagree, and what changed with no claim."""
    problems: list[str] = []
    bgm = after.get("bgm")
    if "bgm" in said:
        claim = said["bgm"]
        if claim.get("removed"):
            if bgm is not None:
                problems.append("says the music was removed; it is there")
        elif bgm is None:
            problems.append("speaks of music; there is none")
        else:
            segment = next(s for _, s in drafts.segments(draft, AUDIO))
            if "label" in claim and (segment.get("m") or {}).get("name") != claim["label"]:
                problems.append(f"says {claim['label']!r}; the track is {(segment.get('m') or {}).get('name')!r}")
            if "volume" in claim and not _close(claim["volume"], bgm["volume"]):
                problems.append(f"says volume {claim['volume']}; it is {bgm['volume']}")
            if "span" in claim and not all(_close(x, y) for x, y in zip(claim["span"], bgm["span"], strict=True)):
                problems.append(f"says the music plays {claim['span']}; it plays {bgm['span']}")
            if "fades" in claim and claim["fades"] != bgm["fades"]:
                problems.append(f"says fades {claim['fades']}; they are {bgm['fades']}")
            for i, key in enumerate(("fade_in", "fade_out")):
                if key in claim and claim[key] != bgm["fades"][i]:
                    problems.append(f"says {key} {claim[key]}; it is {bgm['fades'][i]}")
    title = after.get("title")
    if "title" in said:
        claim = said["title"]
        if claim.get("removed"):
            if title is not None:
                problems.append("says the title was removed; it is there")
        elif title is None:
            problems.append("speaks of a title; there is none")
        else:
            for key in ("text", "color", "pos", "size"):
                if key in claim and claim[key] != title.get(key):
                    problems.append(f"says title {key} {claim[key]!r}; it is {title.get(key)!r}")
            if "span" in claim and not all(_close(x, y) for x, y in zip(claim["span"], title["span"], strict=True)):
                problems.append(f"says the title shows {claim['span']}; it shows {title['span']}")
    if "texts" in said:
        for text in said["texts"].get("added", []):
            if text not in after["texts"]:
                problems.append(f"says text {text!r} was added; the texts are {after['texts']}")
        if said["texts"].get("removed") and (after["texts"] or title is not None):
            problems.append("says the text was removed; some is there")
    if "length" in said and not _close(said["length"]["value"], after["length"] or 0):
        problems.append(f"says the video is {said['length']['value']}s; it is {after['length']}s")
    if "ratio" in said and said["ratio"]["value"] != after["ratio"]:
        problems.append(f"says {said['ratio']['value']}; the canvas is {after['ratio']}")
    if "video" in said:
        if said["video"].get("removed") and after["video"] is not None:
            problems.append("says the video was removed; it is there")
        elif "file" in said["video"] and (after["video"] or {}).get("file") != said["video"]["file"]:
            problems.append(f"says {said['video']['file']} is on the timeline; it is {after['video']}")
    claimed = set(said) | ({"length"} if "video" in said else set())
    if "length" in said:
        claimed |= {"bgm", "title", "texts"}  # "…; what plays over it was trimmed with it"
    if said.get("texts", {}).get("removed"):
        claimed.add("title")  # a title is text
    if "kept" in said:
        claimed |= {"bgm", "title", "texts", "video", "length"}
    silent = {k for k in after if after[k] != before[k]} - claimed
    if silent:
        problems.append(f"changed {sorted(silent)} without saying so")
    return problems


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> corpus.Context:
    monkeypatch.setattr("nemo_emulator.media.music.write_music", lambda *a, **k: None)
    return corpus.Context(tmp_path)


def test_every_reported_edit_matches_the_draft(ctx: corpus.Context) -> None:
    checked, wrong = 0, []
    for entry in corpus.development() + corpus.held_back():
        before = corpus.state(entry["setup"])
        plan = Planner(Settings(), random.Random(0)).plan(entry["text"], before, entry.get("language"))
        if plan.kind != "edit":
            continue
        state = before
        for step in plan.steps:
            if isinstance(step, Tool):
                state = {**state, **step.effect(ctx, state)[1]}
        said = claims(" ".join(s.text for s in plan.steps if isinstance(s, Say)))
        problems = check(said, corpus.aspects(state), corpus.aspects(before), state.get("draft"))
        if not said:
            problems.append("an edit that reports nothing it did")
        checked += 1
        if problems:
            wrong.append(f"  [{entry['setup']}] {entry['text']!r}: {'; '.join(problems)}")
    assert checked >= 500
    assert not wrong, f"{len(wrong)} of {checked} edits report what the draft does not show:\n" + "\n".join(wrong)


def test_the_reader_of_replies_reads_what_it_should() -> None:
    """The claims reader itself: a reply that lies is caught."""
    said = claims("Background music added: Jazz, at 35% volume, from 0s to 5s. Title added: \"Hi\" (red, top-center, "
                  "0-3s, fade-in).")  # fmt: skip
    assert said["bgm"] == {"label": "Jazz", "volume": 0.35, "span": [0.0, 5.0], "fades": [0, 0]}
    assert said["title"] == {"text": "Hi", "color": "#E53935", "pos": "top-center", "span": [0.0, 3.0]}
    after = {"bgm": {"volume": 0.8, "span": [0, 20], "fades": [0, 0]}, "title": None, "texts": [], "video": None,
             "length": None, "ratio": "16:9"}  # fmt: skip
    segment_draft = {"t": [{"tt": AUDIO, "sg": [{"st": 0, "d": 20000, "m": {"name": "Jazz"}}]}]}
    problems = check(said, after, {**after, "bgm": None}, segment_draft)
    assert any("volume" in p for p in problems) and any("title" in p for p in problems)
