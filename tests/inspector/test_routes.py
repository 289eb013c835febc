"""The inspector's data routes and feed, without a browser: what the page reads, and the door in front of it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
from httpx_sse import ServerSentEvent, connect_sse

from tests.conftest import Server
from tests.helpers import SKILL, anon, message_body, new_session, stream_lines, until

SAMPLE = "conformance/media/sample30.mp4"
FEED = "/_emulator/feed"


def upload(http: httpx.Client, h: dict[str, str], sid: str, path: str = SAMPLE) -> dict:
    with open(path, "rb") as fh:
        r = http.post(f"/api/upload-video/nemo_agent/me/{sid}", files={"files": (path.split("/")[-1], fh)}, headers=h)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_an_open_feed_turns_the_journal_on_and_tells_of_each_request(server: Server) -> None:
    store = server.store
    assert not store.hooks.journal.enabled
    with httpx.Client(base_url=server.url, timeout=10) as http, connect_sse(http, "GET", "/_emulator/feed") as feed:
        events: Iterator[ServerSentEvent] = feed.iter_sse()
        hello = next(events)
        assert hello.event == "hello" and json.loads(hello.data) == {"journal": True}
        assert store.hooks.journal.enabled
        with httpx.Client(base_url=server.url) as other:
            h = anon(other, "feed-watcher")
        seen = next(e for e in events if e.event == "request")
        entry = json.loads(seen.data)
        assert entry["path"] == "/api/auth/anonymous-token" and entry["status"] == 200 and entry["code"] == 0
        assert "nmv_usr_<redacted>" in entry["response_body"]
        assert h["Authorization"].split()[1] not in seen.data
    until(lambda: not store.hooks.journal.enabled, "the journal is off again with no page open")
    assert store.hooks.feed.subscribers == set()


def test_nothing_is_recorded_while_no_page_is_open(server: Server, http: httpx.Client) -> None:
    anon(http)
    assert list(server.store.hooks.journal.entries) == []


def test_a_turn_lands_in_the_transcript_with_its_heartbeats_and_changes(server: Server, http: httpx.Client) -> None:
    h = anon(http)
    sid = new_session(http, h)
    upload(http, h, sid)
    lines = stream_lines(http, server.store.clock, h, sid, "make a video with upbeat music and a title 'Summer Trip'")
    view = http.get(f"/_emulator/sessions/{sid}").json()
    kinds = [e["kind"] for e in view["transcript"]]
    assert kinds[0] == "user" and kinds[-1] == "end"
    assert view["transcript"][0]["text"] == "make a video with upbeat music and a title 'Summer Trip'"
    beats = kinds.count("heartbeat")
    assert beats >= 1 and beats == sum(1 for line in lines if line == "data: ")
    assert kinds.count("event") == sum(1 for line in lines if line.startswith("data: {"))
    end = view["transcript"][-1]
    assert end["silent"] is False and any(c.startswith("added Title") for c in end["changes"])
    assert [t["tt"] for t in view["state"]["draft"]["t"]] == [0, 1, 7]
    assert view["uploads"][0]["width"] == 160 and view["uploads"][0]["thumb"] is True
    thumb = http.get(f"/_emulator/uploads/{view['uploads'][0]['id']}/thumb")
    assert (
        thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg" and thumb.content[:2] == b"\xff\xd8"
    )


def test_a_silent_turn_is_shown_as_what_it_changed(server_factory) -> None:
    srv = server_factory(silent_edit_ratio=1.0)
    with httpx.Client(base_url=srv.url, timeout=30) as http:
        h = anon(http)
        sid = new_session(http, h)
        upload(http, h, sid)
        lines = stream_lines(http, srv.store.clock, h, sid, "add some calm music")
        assert not any('"text"' in line for line in lines), "the agent said nothing"
        end = http.get(f"/_emulator/sessions/{sid}").json()["transcript"][-1]
    assert end["kind"] == "end" and end["silent"] is True
    assert any(c.startswith("added BGM: Calm") for c in end["changes"])


def test_the_ledger_follows_charges_refunds_and_top_ups(server: Server, http: httpx.Client) -> None:
    h = anon(http, "ledger")
    sid = new_session(http, h)
    stream_lines(http, server.store.clock, h, sid, "generate a 5 second video of a beach")
    user_id = next(iter(server.store.accounts.users))
    http.post("/_emulator/credits", json={"user_id": user_id, "credits": 40})
    users = http.get("/_emulator/overview").json()["users"]
    ledger = users[0]["ledger"]
    assert [line["what"] for line in ledger] == ["grant", "freeze", "charge", "top-up"]
    assert ledger[0]["amount"] == 100 and ledger[2]["why"] == "generate_video_with_seedance"
    assert ledger[-1]["available"] == 40 and users[0]["available"] == 40
    assert users[0]["tokens"][0]["expired"] is False


def test_render_from_the_page_runs_as_the_sessions_user(server: Server, http: httpx.Client) -> None:
    h = anon(http)
    sid = new_session(http, h)
    r = http.post(f"/_emulator/sessions/{sid}/render")
    assert r.status_code == 400 and r.json()["code"] == 400 and "no segments to export" in r.json()["message"]
    upload(http, h, sid)
    stream_lines(http, server.store.clock, h, sid, "add some calm music")
    first = http.post(f"/_emulator/sessions/{sid}/render", json={"quality": "low"})
    second = http.post(f"/_emulator/sessions/{sid}/render")
    assert first.status_code == second.status_code == 201
    assert [first.json()["id"], second.json()["id"]] == ["inspector-1", "inspector-2"]
    job = server.store.renders.by_id[(server.store.sessions.by_id[sid].user_id, "inspector-1")]
    assert job.output["quality"] == "low"
    status = http.get("/api/render/proxy/lambda/inspector-1", headers=h).json()
    assert status["data"]["status"] in ("pending", "processing")
    assert http.post("/_emulator/sessions/404/render").json()["code"] == 1002


def test_one_fault_can_be_removed_by_its_id(http: httpx.Client, server: Server) -> None:
    a = http.post("/_emulator/faults", json={"kind": "error", "code": 2001, "route": "balance"}).json()
    b = http.post("/_emulator/faults", json={"kind": "latency", "latency_s": 0.1}).json()
    r = http.delete(f"/_emulator/faults/{a['id']}")
    assert r.status_code == 200 and [f["id"] for f in r.json()["faults"]] == [b["id"]]
    assert http.delete(f"/_emulator/faults/{a['id']}").json()["code"] == 404
    assert http.delete("/_emulator/faults/x").json()["code"] == 400


def test_the_page_and_its_data_stand_behind_the_control_planes_door(server_factory) -> None:
    guarded = server_factory(control_token="s3cret")
    with httpx.Client(base_url=guarded.url) as http:
        for path in ("/_emulator/ui", "/_emulator/overview", "/_emulator/feed", "/_emulator/sessions/1"):
            assert http.get(path).status_code == 401, path
        page = http.get("/_emulator/ui?token=s3cret")
        assert page.status_code == 200 and "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "DENY"
        assert http.get("/_emulator/ui/app.js").status_code == 200  # holds no data; a <script src> has no token
        assert http.get("/_emulator/ui/secrets.txt").json()["code"] == 404
        settings = http.get("/_emulator/overview", headers={"Authorization": "Bearer s3cret"}).json()["settings"]
        assert settings["control_token"] == "<set>"
        foreign = {"Origin": "http://evil.example", "Authorization": "Bearer s3cret"}
        assert http.get("/_emulator/overview", headers=foreign).status_code == 403
    closed = server_factory(control=False)
    with httpx.Client(base_url=closed.url) as http:
        assert http.get("/_emulator/ui").status_code == 404
        assert http.get("/_emulator/feed").status_code == 404


def test_the_run_sse_journal_entry_keeps_each_frame_with_its_offsets(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http, connect_sse(http, "GET", "/_emulator/feed") as feed:
        events = feed.iter_sse()
        next(events)
        h = anon(http)
        sid = new_session(http, h)
        upload(http, h, sid)
        lines = stream_lines(http, server.store.clock, h, sid, "hello")
        sent = next(e for e in server.store.hooks.journal.entries if e["path"].startswith("/api/upload-video"))
        assert sent["request_body"] == f"<multipart/form-data: {sent['body_bytes']} bytes, not kept>"
        assert sent["session_id"] == sid and '"code":0' in sent["response_body"]
        entry = next(e for e in server.store.hooks.journal.entries if e["path"] == "/run_sse")
        assert entry["session_id"] == sid
        assert [f["data"] for f in entry["frames"]] == [line for line in lines if line]
        assert all(f["ms"] >= 0 and f["clock_s"] >= 0 for f in entry["frames"])
        assert json.loads(entry["request_body"]) == message_body(sid, "hello")


def test_a_busy_feed_still_sends_render_progress(server: Server, http: httpx.Client) -> None:
    """Render progress goes out on a deadline, not after a quiet spell: requests arriving faster than the tick
    must not starve it (the page would show a finished render as 99% for ever)."""
    import itertools
    import threading

    h = anon(http)
    sid = new_session(http, h)
    clip = {"st": 0, "d": 1000, "src": "generated"}
    body = {"id": "busy-1", "sessionId": sid, "draft": {"t": [{"tt": 0, "sg": [clip]}]}}
    assert http.post("/api/render/proxy/lambda", json=body, headers={**h, **SKILL}).status_code == 200
    stop = threading.Event()

    def chatter() -> None:  # a request at a time, back to back: far more often than the tick
        with httpx.Client(base_url=server.url, timeout=10) as other:
            while not stop.is_set():
                other.get("/api/credits/balance/simple", headers=h)

    with httpx.Client(base_url=server.url, timeout=10) as watcher, connect_sse(watcher, "GET", FEED) as feed:
        events = feed.iter_sse()
        assert next(events).event == "hello"
        worker = threading.Thread(target=chatter, daemon=True)
        worker.start()
        try:
            seen: list[str] = []
            for event in itertools.islice(events, 5000):  # at ~1 ms a request, several ticks' worth
                seen.append(event.event)
                if event.event == "renders":
                    assert any(r["id"] == "busy-1" for r in json.loads(event.data))
                    break
            assert "renders" in seen, f"no progress in {len(seen)} events"
            assert seen.count("request") >= 3, seen  # it was busy while the progress went out
        finally:
            stop.set()
            worker.join(10)


def test_a_render_that_finished_between_two_ticks_is_still_reported(server: Server, http: httpx.Client) -> None:
    """The page learns of a render it never saw running: the feed sends the renders whenever they changed."""
    h = anon(http)
    sid = new_session(http, h)
    body = {"id": "quick-1", "sessionId": sid, "draft": {"t": [{"tt": 0, "sg": [{"st": 0, "d": 500, "src": "g"}]}]}}
    assert http.post("/api/render/proxy/lambda", json=body, headers={**h, **SKILL}).status_code == 200
    server.store.clock.advance(120)
    assert http.get("/api/render/proxy/lambda/quick-1", headers=h).json()["data"]["status"] == "completed"
    with httpx.Client(base_url=server.url, timeout=10) as watcher, connect_sse(watcher, "GET", FEED) as feed:
        renders = next(e for e in feed.iter_sse() if e.event == "renders")
    mine = [(r["status"], r["progress"]) for r in json.loads(renders.data) if r["id"] == "quick-1"]
    assert mine == [("completed", 100)]
