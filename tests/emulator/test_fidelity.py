"""Rules the skill text and ADK's own server fix, each checked where a client would meet it: partial events,
the rate limit's 429, getting the same user back after a token expires, the skill's timing, output sizes,
Chinese replies and batch editing of several uploads."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import numpy as np
import pytest

from nemo_client import NemoClient, RateLimited
from nemo_emulator.media import render
from nemo_protocol.draft import output_size
from tests.conftest import Server
from tests.helpers import SKILL, anon, events, message_body, new_session, state, stream_lines, texts, upload

SAMPLE = "conformance/media/sample.mp4"


def _partials(lines: list[str]) -> tuple[list[str], list[str]]:
    """(texts of partial events, texts of whole text events) of a turn."""
    partial, whole = [], []
    for event in events(lines):
        for part in event["content"]["parts"]:
            if "text" in part:
                (partial if event.get("partial") else whole).append(part["text"])
    return partial, whole


def test_streaming_sends_partial_text_then_the_same_text_whole(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    upload(http, h, sid, SAMPLE)
    body = {**message_body(sid, "add calm background music"), "streaming": True}
    from tests.helpers import ClockDriver

    with ClockDriver(server.store.clock), http.stream("POST", "/run_sse", json=body, headers=h) as r:
        lines = list(r.iter_lines())
    partial, whole = _partials(lines)
    assert len(partial) > len(whole) >= 2
    assert "".join(partial) == "".join(whole)
    replies = [e for e in events(lines) if e["content"]["role"] == "model" and e.get("partial") is False]
    partial_ids = {e["id"] for e in events(lines) if e.get("partial")}
    assert partial_ids == {e["id"] for e in replies}, "adk-2.13: a reply's partial events share the reply's id"


def test_without_streaming_there_are_no_partial_events(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    upload(http, h, sid, SAMPLE)
    lines = stream_lines(http, server.store.clock, h, sid, "add calm background music")
    assert not any(e.get("partial") for e in events(lines))
    assert all(e.get("finishReason") == "STOP" for e in events(lines) if e["content"]["role"] == "model")


def test_a_burst_meets_the_rate_limit_with_retry_after_30(server_factory) -> None:
    srv = server_factory(rate_limit_per_minute=20)
    with httpx.Client(base_url=srv.url) as http:
        h = anon(http)
        statuses = [http.get("/api/credits/balance/simple", headers=h) for _ in range(25)]
        limited = [r for r in statuses if r.status_code == 429]
        assert len(limited) == 5 and statuses[19].status_code == 200
        assert limited[0].headers["retry-after"] == "30" and limited[0].json()["code"] == 429
        srv.store.clock.advance(30)
        assert http.get("/api/credits/balance/simple", headers=h).status_code == 200


def test_the_client_waits_30_s_and_retries_once_when_limited(server_factory, tmp_path: Path) -> None:
    srv = server_factory(rate_limit_per_minute=3)
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        srv.store.clock.advance(seconds)

    with NemoClient(srv.url, client_id="burst", config_dir=tmp_path, sleep=sleep) as nemo:
        nemo.anonymous_token()
        for _ in range(3):
            nemo.balance()
        assert nemo.balance()["available"] == 100  # the fourth is limited, waited for and retried
        assert waited == [30.0]
        nemo.recovery = nemo.recovery.__class__(retry_rate_limited=False)
        with pytest.raises(RateLimited):
            nemo.balance()


def test_ordinary_use_never_meets_the_default_limit(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    assert all(http.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=h).status_code == 200 for _ in range(300))


@pytest.mark.parametrize(("same", "credits"), [(True, 90), (False, 100)])
def test_an_expired_token_is_replaced_for_the_same_client(server_factory, same: bool, credits: int) -> None:
    srv = server_factory(reacquire_same_user=same)
    with httpx.Client(base_url=srv.url) as http:
        first = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "phone"}).json()["data"]
        h = {"Authorization": f"Bearer {first['token']}"}
        sid = new_session(http, h)
        upload(http, h, sid, SAMPLE)
        stream_lines(http, srv.store.clock, h, sid, "add title 'Mine' 0-1s")
        srv.store.clock.advance(7 * 24 * 3600)
        assert http.get("/api/credits/balance/simple", headers=h).json()["code"] == 1001
        second = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "phone"}).json()["data"]
        h2 = {"Authorization": f"Bearer {second['token']}"}
        assert second["token"] != first["token"]
        assert (second["user_id"] == first["user_id"]) is same
        assert http.get("/api/credits/balance/simple", headers=h2).json()["data"]["available"] == credits
        seen = http.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=h2).json()
        assert (seen["code"] == 0) is same


def _clip(path: Path, seconds: float) -> Path:
    frames = (np.full((90, 160, 3), (i * 7) % 255, np.uint8) for i in range(int(seconds * 10)))
    tone = np.sin(2 * np.pi * 220 * np.arange(int(seconds * render.RATE)) / render.RATE).astype(np.float32) * 0.2
    render.encode(path, frames, np.stack([tone, tone]), 160, 90, 10)
    return path


@pytest.mark.slow
def test_the_quick_edit_of_a_30_second_clip_takes_20_to_40_virtual_seconds(
    http: httpx.Client, server: Server, tmp_path: Path
) -> None:
    clock = server.store.clock
    h = {**anon(http), **SKILL}
    sid = new_session(http, h)
    start = clock.now()
    assert upload(http, h, sid, str(_clip(tmp_path / "walk.mp4", 30))).status_code == 200
    lines = stream_lines(http, clock, h, sid, "generate background music that matches the mood and length of my video")
    assert "generate_music" in json.dumps(events(lines))
    draft = state(http, h, sid)["draft"]
    r = http.post("/api/render/proxy/lambda", json={"id": "quick", "sessionId": sid, "draft": draft}, headers=h)
    assert r.status_code == 200
    submitted = clock.now()
    while http.get("/api/render/proxy/lambda/quick", headers=h).json()["data"]["status"] != "completed":
        clock.advance(1)
    assert 30 <= clock.now() - submitted <= 90
    assert 20 <= clock.now() - start <= 40
    assert http.get("/api/render/proxy/quick/download", headers=h).status_code == 200


def test_render_time_grows_with_the_output_within_30_to_90_seconds(server: Server) -> None:
    latency = server.store.settings.latency_render
    import random

    rng = random.Random(1)
    short, medium, long_ = (latency.draw(rng, s) for s in (3, 300, 3600))
    assert 30 <= short < medium < long_ <= 90


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((3840, 2160), (1920, 1080)),
        ((2160, 3840), (1080, 1920)),
        ((1080, 1080), (1080, 1080)),
        ((2560, 1080), (1920, 810)),
    ],
)
def test_output_is_at_most_1920x1080_or_1080x1920(size: tuple[int, int], expected: tuple[int, int]) -> None:
    assert output_size({"m": {"width": size[0], "height": size[1]}}) == expected


def test_a_chinese_session_gets_chinese_replies_with_gui_phrases(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    r = http.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "t", "language": "zh-CN"}, headers=h)
    sid = r.json()["data"]["session_id"]
    upload(http, h, sid, SAMPLE)
    said = " ".join(texts(stream_lines(http, server.store.clock, h, sid, "add lo-fi music")))
    said += " ".join(texts(stream_lines(http, server.store.clock, h, sid, "export")))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in said)
    assert all(word in said for word in ("点击", "打开", "拖拽", "导出")), said


def test_an_english_message_in_an_unset_session_gets_english_and_french_gets_told(
    http: httpx.Client, server: Server
) -> None:
    h = anon(http)
    r = http.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "t"}, headers=h)
    sid = r.json()["data"]["session_id"]
    assert texts(stream_lines(http, server.store.clock, h, sid, "show tracks"))[0].startswith("Your timeline is empty")
    said = texts(stream_lines(http, server.store.clock, h, sid, "ajoute de la musique calme"))
    assert said == ["Sorry, I can only reply in English or Chinese (中文). Please write your request in one of them."]


def test_several_uploads_are_edited_and_rendered_one_by_one(http: httpx.Client, server: Server, tmp_path: Path) -> None:
    h = {**anon(http), **SKILL}
    sid = new_session(http, h)
    a, b = _clip(tmp_path / "beach.mp4", 4), _clip(tmp_path / "city.mp4", 6)
    upload(http, h, sid, str(a), str(b))
    question = texts(stream_lines(http, server.store.clock, h, sid, "add jazz"))
    assert question[-1].endswith("?") and "beach.mp4" in question[-1] and state(http, h, sid)["draft"] == {}
    stream_lines(http, server.store.clock, h, sid, "add jazz to the second video")
    first = state(http, h, sid)["draft"]
    stream_lines(http, server.store.clock, h, sid, "now edit beach.mp4: add a title 'Beach'")
    second = state(http, h, sid)["draft"]
    srcs = [d["t"][0]["sg"][0]["src"] for d in (first, second)]
    assert "/city.mp4?" in srcs[0] and "/beach.mp4?" in srcs[1]
    for i, draft in enumerate((first, second)):
        r = http.post("/api/render/proxy/lambda", json={"id": f"batch{i}", "sessionId": sid, "draft": draft}, headers=h)
        assert r.status_code == 200
