"""Fault injection and the request journal under /_emulator/."""

from __future__ import annotations

import httpx
import pytest

from nemo_client import NemoClient, RateLimited, RenderFailed
from tests.conftest import Server
from tests.helpers import ClockDriver, anon, message_body, new_session, upload


@pytest.mark.parametrize("code", [1001, 1002, 2001, 4001, 4002, 400, 402, 429])
def test_error_fault_answers_once_with_the_code_in_its_envelope(http: httpx.Client, code: int) -> None:
    h = anon(http)
    r = http.post("/_emulator/faults", json={"kind": "error", "code": code, "route": "/api/credits"})
    assert r.status_code == 201 and r.json()["code"] == code
    hit = http.get("/api/credits/balance/simple", headers=h)
    assert hit.json()["code"] == code and hit.json()["message"].startswith("injected fault")
    assert http.get("/api/credits/balance/simple", headers=h).json()["code"] == 0
    assert http.get("/_emulator/faults").json() == {"faults": []}


def test_fault_matches_method_client_and_session_and_counts_times(http: httpx.Client) -> None:
    h = anon(http)
    sid = new_session(http, h)
    http.post("/_emulator/faults", json={"kind": "error", "code": 1002, "session_id": sid, "method": "GET", "times": 2})
    assert http.get("/api/credits/balance/simple", headers=h).json()["code"] == 0
    for _ in range(2):
        assert http.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=h).json()["code"] == 1002
    assert http.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=h).json()["code"] == 0
    http.post("/_emulator/faults", json={"kind": "error", "code": 429, "client_id": "victim"})
    assert http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "other"}).status_code == 200
    assert http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "victim"}).status_code == 429


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "nope"},
        {"kind": "error", "code": 7},
        {"kind": "error", "code": 1001, "times": 0},
        {"kind": "error", "code": 1001, "route": ""},
        {"kind": "error", "code": 1001, "route": "x" * 513},
        {"kind": "error", "code": 1001, "bogus": 1},
    ],
)
def test_bad_fault_specs_are_400(http: httpx.Client, spec: dict) -> None:
    r = http.post("/_emulator/faults", json=spec)
    assert r.status_code == 400 and r.json()["code"] == 400


def test_reset_clears_faults(http: httpx.Client) -> None:
    http.post("/_emulator/faults", json={"kind": "error", "code": 1001})
    http.post("/_emulator/reset")
    assert http.get("/_emulator/faults").json()["faults"] == []


def test_client_reacts_to_injected_429_by_waiting_and_retrying(http: httpx.Client, server: Server, tmp_path) -> None:
    waits: list[float] = []
    http.post("/_emulator/faults", json={"kind": "error", "code": 429, "route": "anonymous-token"})
    with NemoClient(server.url, client_id="retry", sleep=waits.append, config_dir=tmp_path) as nemo:
        assert nemo.anonymous_token()["credits"] == 100
    assert waits == [30.0]
    http.post("/_emulator/faults", json={"kind": "error", "code": 429, "route": "anonymous-token", "times": 2})
    with (
        NemoClient(server.url, client_id="retry2", sleep=waits.append, config_dir=tmp_path) as nemo,
        pytest.raises(RateLimited),
    ):
        nemo.anonymous_token()


def test_dropped_stream_breaks_the_connection_but_the_turn_finishes(
    http: httpx.Client, server: Server, tmp_path
) -> None:
    with NemoClient(
        server.url, client_id="drop", config_dir=tmp_path, sleep=lambda s: server.store.clock.advance(s)
    ) as nemo:
        nemo.anonymous_token()
        nemo.create_session()
        http.post("/_emulator/faults", json={"kind": "drop_stream", "after_events": 1})
        with ClockDriver(server.store.clock):
            turn = nemo.chat("generate a video of mountains")
        assert turn.disconnected and turn.changes and any("Video" in c for c in turn.changes)


def test_dropped_stream_cuts_the_connection_after_k_events(http: httpx.Client, server: Server, tmp_path) -> None:
    h = anon(http)
    sid = new_session(http, h)
    http.post("/_emulator/faults", json={"kind": "drop_stream", "after_events": 2})
    lines: list[str] = []

    def read() -> None:
        with http.stream("POST", "/run_sse", json=message_body(sid, "generate a video of a river"), headers=h) as r:
            lines.extend(r.iter_lines())

    with ClockDriver(server.store.clock), pytest.raises(httpx.RemoteProtocolError):
        read()
    assert sum(1 for line in lines if line.startswith("data")) == 2


def test_stalled_heartbeats(http: httpx.Client, server: Server) -> None:
    from tests.helpers import stream_lines

    h = anon(http)
    sid = new_session(http, h)
    http.post("/_emulator/faults", json={"kind": "stall_heartbeats", "session_id": sid})
    lines = stream_lines(http, server.store.clock, h, sid, "generate a video of clouds")
    assert "data: " not in lines and any("functionResponse" in line for line in lines)


def test_failed_render_fault(http: httpx.Client, server: Server, tmp_path) -> None:
    with NemoClient(server.url, client_id="fail", config_dir=tmp_path) as nemo:
        nemo.anonymous_token()
        nemo.create_session()
        nemo.upload("conformance/media/sample.png")
        with ClockDriver(server.store.clock):
            nemo.chat("add title 'x' 0-1s")
        http.post("/_emulator/faults", json={"kind": "fail_render"})
        nemo.submit_render(render_id="doomed")
        with pytest.raises(RenderFailed, match="injected failure"):
            nemo.wait_for_render("doomed", interval=30, between_polls=server.store.clock.advance)


def test_latency_fault_holds_the_request(http: httpx.Client) -> None:
    http.post("/_emulator/faults", json={"kind": "latency", "latency_s": 0.3, "route": "balance"})
    h = anon(http)
    r = http.get("/api/credits/balance/simple", headers=h)
    assert r.status_code == 200 and r.elapsed.total_seconds() >= 0.3


def test_journal_records_requests_with_tokens_redacted(server_factory) -> None:
    srv = server_factory(journal_size=100)
    http = httpx.Client(base_url=srv.url)
    h = anon(http)
    sid = new_session(http, h)
    upload(http, h, sid, "conformance/media/sample.png")
    http.get("/api/state/nemo_agent/me/1/latest", headers=h)
    entries = http.get("/_emulator/requests").json()["requests"]
    assert [e["path"] for e in entries][:2] == ["/api/auth/anonymous-token", "/api/tasks/me/with-session/nemo_agent"]
    assert all(e["headers"].get("authorization") in (None, "<redacted>") for e in entries)
    up = next(e for e in entries if e["path"].startswith("/api/upload-video"))
    assert up["status"] == 200 and up["body_bytes"] > 100 and up["duration_ms"] >= 0
    missing = http.get("/_emulator/requests", params={"status": 404}).json()["requests"]
    assert [e["path"] for e in missing] == ["/api/state/nemo_agent/me/1/latest"]
    assert (
        http.get("/_emulator/requests", params={"method": "POST", "limit": 1})
        .json()["requests"][0]["path"]
        .startswith("/api/upload-video")
    )
    assert http.get("/_emulator/requests", params={"limit": "x"}).status_code == 400
    http.close()


def test_journal_is_off_by_default(http: httpx.Client) -> None:
    http.get("/api/credits/balance/simple")
    assert http.get("/_emulator/requests").json() == {"requests": [], "enabled": False}


def test_journal_is_capped(server_factory) -> None:
    srv = server_factory(journal_size=3)
    with httpx.Client(base_url=srv.url) as http:
        for _ in range(5):
            http.get("/api/credits/balance/simple")
        assert len(http.get("/_emulator/requests").json()["requests"]) == 3


def test_fault_cli_injects_lists_and_clears(server: Server, capsys) -> None:
    from nemo_emulator.__main__ import main

    main(["fault", "--url", server.url, "--kind", "error", "--code", "1002", "--route", "state", "--times", "2"])
    assert '"code": 1002' in capsys.readouterr().out
    main(["fault", "--url", server.url, "--kind", "list"])
    assert '"times": 2' in capsys.readouterr().out
    main(["fault", "--url", server.url, "--kind", "clear"])
    assert server.store.hooks.faults.rules == []
    with pytest.raises(SystemExit):
        main(["fault", "--url", server.url, "--kind", "error", "--code", "7"])


def test_credits_control_tops_a_user_up(http: httpx.Client, server: Server) -> None:
    h = anon(http, "topup")
    token = h["Authorization"].split()[1]
    user = next(iter(server.store.accounts.users.values()))
    user.available = 0
    r = http.post("/_emulator/credits", json={"token": token})
    assert r.status_code == 200 and r.json()["available"] == 100
    r = http.post("/_emulator/credits", json={"user_id": user.id, "credits": 250})
    assert http.get("/api/credits/balance/simple", headers=h).json()["data"]["available"] == 250
    assert http.post("/_emulator/credits", json={"user_id": "anon_nobody"}).status_code == 404
