"""/run_sse over a real socket: event shapes, heartbeats, the agent's edits, credits, disconnects."""

from __future__ import annotations

import asyncio
import json
import math
import threading

import httpx
import pytest
from google.adk.events import Event

from nemo_emulator import create_app
from tests.conftest import TEST_SETTINGS, Server
from tests.helpers import (
    ClockDriver,
    anon,
    calls,
    events,
    message_body,
    new_session,
    state,
    stream_lines,
    texts,
    upload,
)

SAMPLE = "conformance/media/sample.mp4"


def tracks(st: dict) -> dict[int, list[dict]]:
    return {t["tt"]: t["sg"] for t in st["draft"]["t"]}


def test_generation_turn_is_two_stage_with_heartbeats_and_valid_adk_events(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    lines = stream_lines(http, server.store.clock, h, sid, "generate a 10-second city timelapse")
    evs = events(lines)
    for line in lines:
        if line.startswith("data: {"):
            Event.model_validate_json(line[6:])
    assert calls(lines) == ["generate_video_with_seedance", "generate_music", "edit_multitrack"]
    said = texts(lines)
    assert "raw video is ready" in said[1] and "click Export" in said[-1]
    assert len({e["invocationId"] for e in evs}) == 1 and evs[0]["author"] == "nemo_agent"
    span = evs[-1]["timestamp"] - evs[0]["timestamp"]
    assert 100 <= span <= 900
    heartbeats = [line for line in lines if line == "data: "]
    assert len(heartbeats) >= int(100 / 15) - 1
    st = state(http, h, sid)
    assert sorted(tracks(st)) == [0, 1, 7]
    assert tracks(st)[0][0]["d"] == 10000 and tracks(st)[1][0]["d"] == 10000
    assert st["generated_media"][0]["tool"] == "generate_video_with_seedance"
    assert http.get("/api/credits/balance/simple", headers=h).json()["data"] == {
        "available": 0,
        "frozen": 0,
        "total": 0,
    }


def test_function_response_carries_the_state_delta_that_state_shows(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    upload(http, h, sid, SAMPLE)
    lines = stream_lines(http, server.store.clock, h, sid, "add lo-fi music at 35%")
    deltas = [e["actions"]["stateDelta"] for e in events(lines) if e["actions"]["stateDelta"]]
    assert deltas[-1]["draft"] == state(http, h, sid)["draft"]


def test_heartbeats_fill_every_quiet_interval_of_a_tool_call(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    lines = stream_lines(http, server.store.clock, h, sid, "generate a video of waves")
    idx = [i for i, line in enumerate(lines) if line.startswith("data: {")]
    call_i = next(i for i in idx if '"functionCall"' in lines[i])
    resp_i = next(i for i in idx if '"functionResponse"' in lines[i])
    quiet = json.loads(lines[resp_i][6:])["timestamp"] - json.loads(lines[call_i][6:])["timestamp"]
    beats = lines[call_i:resp_i].count("data: ")
    assert quiet > 100
    assert beats == math.ceil(quiet / 15) - 1


@pytest.mark.parametrize(("style", "line"), [("comment", ": heartbeat"), ("json", 'data: {"type":"heartbeat"}')])
def test_heartbeat_style_setting(server_factory, style: str, line: str) -> None:
    srv = server_factory(heartbeat_style=style)
    with httpx.Client(base_url=srv.url, timeout=30) as http:
        h = anon(http)
        sid = new_session(http, h)
        lines = stream_lines(http, srv.store.clock, h, sid, "generate a clip of a forest")
        assert lines.count(line) >= 5
        assert "data: " not in lines


def test_bgm_matches_length_and_mood_of_uploaded_video(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    info = upload(http, h, sid, SAMPLE).json()["data"]["files"][0]
    lines = stream_lines(
        http, server.store.clock, h, sid, "generate background music that matches the mood and length of my video"
    )
    assert "generate_music" in calls(lines)
    st = state(http, h, sid)
    bgm = tracks(st)[1][0]
    assert bgm["d"] == round(info["duration"] * 1000)
    assert bgm["m"]["mood"] == st["video_analyses"][info["id"]]["mood"]
    assert tracks(st)[0][0]["src"] == info["cdn_url"]
    wav = http.get(bgm["src"])
    assert wav.status_code == 200 and wav.headers["content-type"] == "audio/wav"
    music = st["generated_media"][-1]
    assert music["scene_cuts"] == st["video_analyses"][info["id"]]["scene_cuts"]


def test_style_and_volume_request_sets_both(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    upload(http, h, sid, SAMPLE)
    stream_lines(http, server.store.clock, h, sid, "add background music")
    stream_lines(http, server.store.clock, h, sid, "lo-fi at 35%")
    bgm = tracks(state(http, h, sid))[1][0]
    assert bgm["v"] == 0.35 and bgm["m"]["mood"] == "lo-fi"
    stream_lines(http, server.store.clock, h, sid, "set the music volume to 60%")
    assert tracks(state(http, h, sid))[1][0]["v"] == 0.6


def test_edits_title_trim_ratio_remove_and_describe(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    upload(http, h, sid, SAMPLE)
    clock = server.store.clock
    stream_lines(http, clock, h, sid, "add upbeat music")
    stream_lines(http, clock, h, sid, "add title 'Urban Dreams' 0-2s")
    title = tracks(state(http, h, sid))[7][0]
    assert (title["tx"], title["st"], title["d"]) == ("Urban Dreams", 0, 2000)
    stream_lines(http, clock, h, sid, "trim to 2s")
    st = state(http, h, sid)
    assert st["draft"]["d"] == 2000 and tracks(st)[0][0]["d"] == 2000
    stream_lines(http, clock, h, sid, "make it vertical 9:16")
    st = state(http, h, sid)
    assert st["canvas_config"] == {"width": 1080, "height": 1920, "ratio": "9:16"}
    assert (st["draft"]["m"]["width"], st["draft"]["m"]["height"]) == (1080, 1920)
    described = texts(stream_lines(http, clock, h, sid, "show tracks"))[0]
    assert described.startswith("Timeline (3 tracks): 1. Video: sample.mp4 (0-2s) 2. BGM: Upbeat (0-2s, 80%)")
    assert '3. Title: "Urban Dreams" (0-2s)' in described
    stream_lines(http, clock, h, sid, "remove the music")
    assert sorted(tracks(state(http, h, sid))) == [0, 7]


def test_text_with_a_lone_surrogate_streams_and_is_kept_escaped(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    upload(http, h, sid, SAMPLE)
    body = json.dumps(message_body(sid, "add title 'Urban \ud800 Dreams' 0-2s"))  # a legal JSON escape
    with (
        ClockDriver(server.store.clock),
        http.stream("POST", "/run_sse", content=body, headers={**h, "Content-Type": "application/json"}) as r,
    ):
        lines = list(r.iter_lines())
    assert any("Urban \\ud800 Dreams" in t for t in lines), lines
    assert calls(lines) and server.store.unexpected_errors == []
    assert tracks(state(http, h, sid))[7][0]["tx"] == "Urban \ud800 Dreams"


def test_an_unclear_request_gets_one_question_and_no_edit(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    lines = stream_lines(http, server.store.clock, h, sid, "what is the meaning of life?")
    assert calls(lines) == []
    assert len(texts(lines)) == 1 and texts(lines)[0].endswith("?")
    assert state(http, h, sid)["draft"] == {}
    assert http.get("/api/credits/balance/simple", headers=h).json()["data"]["available"] == 100


def test_replies_are_gui_phrased(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    upload(http, h, sid, SAMPLE)
    stream_lines(http, server.store.clock, h, sid, "add title 'Ready' 0-1s")
    said = " ".join(texts(stream_lines(http, server.store.clock, h, sid, "please export my video")))
    assert "Click the Export button" in said


def test_silent_edit_changes_state_without_text(server_factory) -> None:
    srv = server_factory(silent_edit_ratio=1.0)
    with httpx.Client(base_url=srv.url, timeout=30) as http:
        h = anon(http)
        sid = new_session(http, h)
        upload(http, h, sid, SAMPLE)
        lines = stream_lines(http, srv.store.clock, h, sid, "add title 'Quiet' 0-1s")
        assert texts(lines) == [] and "edit_multitrack" in calls(lines)
        assert tracks(state(http, h, sid))[7][0]["tx"] == "Quiet"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            {"app_name": "other", "user_id": "me", "session_id": "S", "new_message": {"parts": [{"text": "x"}]}},
            404,
            404,
        ),
        (
            {"app_name": "nemo_agent", "user_id": "me", "session_id": "1", "new_message": {"parts": [{"text": "x"}]}},
            404,
            1002,
        ),
    ],
)
def test_errors_before_streaming_are_json(http: httpx.Client, body: dict, status: int, code: int) -> None:
    h = anon(http)
    sid = new_session(http, h)
    payload = json.loads(json.dumps(body).replace('"S"', f'"{sid}"'))
    r = http.post("/run_sse", json=payload, headers=h)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["code"] == code and r.json()["detail"]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"app_name": "nemo_agent", "session_id": "S"}, [("missing", ["body", "userId"])]),
        ({"app_name": "nemo_agent", "user_id": "me", "session_id": "S", "new_message": {"parts": "x"}},
         [("list_type", ["body", "new_message", "parts"])]),
        ({"app_name": "nemo_agent", "user_id": "me", "sessionId": "S", "new_message": {"parts": [{"text": 5}]}},
         [("string_type", ["body", "new_message", "parts", 0, "text"])]),
        ({"app_name": 5, "user_id": "me", "session_id": "S", "streaming": "maybe"},
         [("string_type", ["body", "app_name"]), ("bool_parsing", ["body", "streaming"])]),
    ],
)  # fmt: skip
def test_malformed_bodies_get_fastapi_422(http: httpx.Client, body: dict, errors: list) -> None:
    h = anon(http)
    sid = new_session(http, h)
    payload = json.loads(json.dumps(body).replace('"S"', f'"{sid}"'))
    r = http.post("/run_sse", json=payload, headers=h)
    assert r.status_code == 422 and set(r.json()) == {"detail"}
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == errors


def test_422_comes_after_auth_and_before_the_session_check(http: httpx.Client) -> None:
    r = http.post("/run_sse", json={}, headers={"Authorization": "Bearer nope"})
    assert (r.status_code, r.json()["code"]) == (401, 1001)
    h = anon(http)
    r = http.post("/run_sse", json={"app_name": "nemo_agent", "user_id": "me"}, headers=h)
    assert r.status_code == 422
    r = http.post("/run_sse", content=b"{nope", headers={**h, "Content-Type": "application/json"})
    assert r.json()["detail"][0]["type"] == "json_invalid"


def test_bad_token_and_foreign_session_before_streaming(http: httpx.Client) -> None:
    alice, bob = anon(http, "a"), anon(http, "b")
    sid = new_session(http, alice)
    r = http.post("/run_sse", json=message_body(sid, "hi"), headers={"Authorization": "Bearer nope"})
    assert (r.status_code, r.json()["code"]) == (401, 1001)
    r = http.post("/run_sse", json=message_body(sid, "hi"), headers=bob)
    assert (r.status_code, r.json()["code"]) == (404, 1002)


def test_camel_case_request_keys_are_accepted(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    body = {
        "appName": "nemo_agent",
        "userId": "me",
        "sessionId": sid,
        "newMessage": {"parts": [{"text": "show tracks"}]},
    }
    with ClockDriver(server.store.clock), http.stream("POST", "/run_sse", json=body, headers=h) as r:
        assert r.status_code == 200
        assert texts(list(r.iter_lines()))[0].startswith("Your timeline is empty")


def test_out_of_credits_before_turn_is_2001_json_and_never_402(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    stream_lines(http, server.store.clock, h, sid, "generate a video of a city")
    r = http.post("/run_sse", json=message_body(sid, "generate a video of a forest"), headers=h)
    assert (r.status_code, r.json()["code"]) == (200, 2001)
    assert "register?bind=anon_" in r.json()["message"]
    assert texts(stream_lines(http, server.store.clock, h, sid, "show tracks"))


def test_mapped_statuses_send_credits_errors_with_403(server_factory) -> None:
    srv = server_factory(error_http_status="mapped", initial_credits=0)
    with httpx.Client(base_url=srv.url) as http:
        h = anon(http)
        sid = new_session(http, h)
        r = http.post("/run_sse", json=message_body(sid, "generate a video of a forest"), headers=h)
        assert (r.status_code, r.json()["code"]) == (403, 2001)


def test_short_of_credits_mid_turn_reports_2001_in_stream(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    user = next(iter(server.store.accounts.users.values()))
    user.available = 50
    lines = stream_lines(http, server.store.clock, h, sid, "generate a video of a city")
    responses = [
        p["functionResponse"]["response"]
        for e in events(lines)
        for p in e["content"]["parts"]
        if "functionResponse" in p
    ]
    assert responses == [{"status": "error", "code": 2001, "message": responses[0]["message"]}]
    assert "out of credits" in texts(lines)[-1]
    assert http.get("/api/credits/balance/simple", headers=h).json()["data"]["available"] == 50


def test_credits_are_frozen_while_a_tool_runs(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    clock = server.store.clock
    with http.stream("POST", "/run_sse", json=message_body(sid, "generate a video of a lake"), headers=h) as r:
        lines = r.iter_lines()
        while '"functionCall"' not in next(lines):
            clock.advance_to_next()
        frozen = http.get("/api/credits/balance/simple", headers=h).json()["data"]
        with ClockDriver(clock):
            list(lines)
    assert frozen == {"available": 0, "frozen": 100, "total": 100}
    assert http.get("/api/credits/balance/simple", headers=h).json()["data"]["frozen"] == 0


def test_disconnect_does_not_stop_the_turn(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    with http.stream("POST", "/run_sse", json=message_body(sid, "generate a video of a desert"), headers=h) as r:
        first = next(r.iter_lines())
        assert first.startswith("data: {")
    clock = server.store.clock
    while server.store.tasks:
        if clock.wait_for_sleeper(0.05):
            clock.advance_to_next()
    assert sorted(tracks(state(http, h, sid))) == [0, 1, 7]


def test_concurrent_turns_on_one_session_both_run_and_charge(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    upload(http, h, sid, SAMPLE)
    stream_lines(http, server.store.clock, h, sid, "add text 'Start' 2-3s")  # puts the clip on the timeline: 10
    results: list[list[str]] = []

    def turn(text: str) -> None:
        with (
            httpx.Client(base_url=server.url, timeout=30) as c,
            c.stream("POST", "/run_sse", json=message_body(sid, text), headers=h) as r,
        ):
            results.append(list(r.iter_lines()))

    threads = [threading.Thread(target=turn, args=(t,)) for t in ("add title 'A' 0-1s", "add text 'B' 1-2s")]
    with ClockDriver(server.store.clock):
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert len(results) == 2
    assert http.get("/api/credits/balance/simple", headers=h).json()["data"]["available"] == 80
    assert sorted(s["tx"] for s in tracks(state(http, h, sid))[7]) == ["A", "B", "Start"]


def test_reject_409_setting_refuses_a_second_turn(server_factory) -> None:
    srv = server_factory(concurrent_turns="reject_409")
    with httpx.Client(base_url=srv.url, timeout=30) as http:
        h = anon(http)
        sid = new_session(http, h)
        with http.stream("POST", "/run_sse", json=message_body(sid, "generate a video of rain"), headers=h) as r:
            next(r.iter_lines())
            second = http.post("/run_sse", json=message_body(sid, "show tracks"), headers=h)
            assert (second.status_code, second.json()["code"]) == (409, 409)


def test_turn_is_capped_at_15_minutes(server_factory) -> None:
    from nemo_emulator.settings import Latency

    srv = server_factory(latency_generate=Latency(2000, 2000))
    with httpx.Client(base_url=srv.url, timeout=30) as http:
        h = anon(http)
        sid = new_session(http, h)
        evs = events(stream_lines(http, srv.store.clock, h, sid, "generate a video of snow"))
        assert evs[-1]["timestamp"] - evs[0]["timestamp"] <= 900


def test_same_seed_and_messages_give_the_same_bytes() -> None:
    async def run_once() -> bytes:
        app = create_app(TEST_SETTINGS.replace(seed=42, reproducible_tokens=True))
        store = app.state.store
        out = b""
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator.localhost") as c:
            token = (await c.post("/api/auth/anonymous-token", headers={"X-Client-Id": "d"})).json()["data"]["token"]
            h = {"Authorization": f"Bearer {token}"}
            sid = (await c.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=h)).json()["data"][
                "session_id"
            ]
            for text in ("generate a 6 second video of a city", "add title 'X' 0-1s", "show tracks"):
                with ClockDriver(store.clock):
                    out += (await c.post("/run_sse", json=message_body(sid, text), headers=h)).content
        store.close()
        return out

    first, second = asyncio.run(run_once()), asyncio.run(run_once())
    assert first == second and len(first) > 1000
