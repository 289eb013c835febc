"""Each attack found on the emulator run as a shared server, reproduced, and the safe result asserted."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from nemo_emulator import Settings, Store
from nemo_emulator.__main__ import main as emulator_main
from tests.conftest import Server
from tests.helpers import SKILL, anon, new_session, spawn_emulator, upload

SAMPLE = "conformance/media/sample.mp4"


def _nested(levels: int) -> str:
    """JSON text nested `levels` objects deep (built as text: the standard library cannot write it)."""
    return '{"k":' * levels + "1" + "}" * levels


# 1. predictable tokens ------------------------------------------------------------------------------------------


def test_tokens_are_unguessable_even_with_the_same_seed() -> None:
    stores = [Store(Settings(clock_mode="manual", seed=0)) for _ in range(2)]
    try:
        issued = [s.accounts.issue_anonymous(f"c{i}", "ip") for s in stores for i in range(3)]
        tokens = [token.value for token, _ in issued]
        assert len(set(tokens)) == len(tokens)
        assert [u.id for _, u in issued[:3]] == [u.id for _, u in issued[3:]]  # ids stay seeded
        claims = {s.accounts.issue_claim(issued[0][1], "t", "s") for s in stores}
        assert len(claims) == 2
    finally:
        for store in stores:
            store.close()


def test_reproducible_tokens_are_refused_off_loopback(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        emulator_main(["serve", "--host", "0.0.0.0", "--port", "0", "--reproducible-tokens"])
    assert "refused off loopback" in str(info.value)


# 2. deep JSON poisoning persistence --------------------------------------------------------------------------------


def test_deep_json_is_refused_everywhere_and_persistence_keeps_working(server_factory, tmp_path: Path) -> None:
    srv = server_factory(state_dir=tmp_path / "state")
    with httpx.Client(base_url=srv.url) as http:
        h = {**anon(http), **SKILL}
        sid = new_session(http, h)
        draft = '{"t":[{"tt":7,"sg":[{"d":1000,"tx":"A","m":{"x":' + _nested(970) + "}}]}]}"
        deep = f'{{"id":"r","sessionId":"{sid}","draft":{draft}}}'
        r = http.post("/api/render/proxy/lambda", content=deep, headers={**h, "content-type": "application/json"})
        assert r.status_code == 400 and "nested deeper" in r.json()["error"]
        plain = _nested(975)
        for method, path in [("POST", "/api/tasks/me/with-session/nemo_agent"), ("POST", "/api/auth/claim-token"),
                             ("POST", "/run_sse"), ("POST", f"/api/upload-video/nemo_agent/me/{sid}")]:  # fmt: skip
            r = http.request(method, path, content=plain, headers={**h, "content-type": "application/json"})
            assert r.status_code in (400, 422), (path, r.status_code, r.text[:200])
        assert http.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=h).status_code == 200
    snapshot = json.loads((tmp_path / "state" / "state.json").read_text())
    assert len(snapshot["sessions"]) == 2


# 3. one render blocking all exports --------------------------------------------------------------------------------


def _draft(seconds: float) -> dict[str, object]:
    return {"m": {"width": 320, "height": 180}, "t": [{"tt": 7, "sg": [{"d": int(seconds * 1000), "tx": "x"}]}]}


def test_a_long_render_does_not_hold_up_another_users_short_one(server_factory) -> None:
    srv = server_factory(render_workers=1, render_max_height=180)
    with httpx.Client(base_url=srv.url) as http:
        alice, bob = {**anon(http, "alice"), **SKILL}, {**anon(http, "bob"), **SKILL}
        a_sid, b_sid = new_session(http, alice), new_session(http, bob)
        for rid in ("long1", "long2"):
            body = {"id": rid, "sessionId": a_sid, "draft": _draft(600)}
            assert http.post("/api/render/proxy/lambda", json=body, headers=alice).status_code == 200
        body = {"id": "short", "sessionId": b_sid, "draft": _draft(1)}
        assert http.post("/api/render/proxy/lambda", json=body, headers=bob).status_code == 200
        long1 = next(j for (u, i), j in srv.store.renders.by_id.items() if i == "long1")
        short = next(j for (u, i), j in srv.store.renders.by_id.items() if i == "short")
        assert long1.encode is not None and short.encode is not None
        started = time.monotonic()
        assert http.post("/api/render/proxy/lambda/long1/cancel", headers=alice).status_code == 200
        short.encode.result(timeout=60)  # bob's turn comes before alice's second render
        assert long1.encode.done() and time.monotonic() - started < 30
        srv.store.clock.advance(200)
        assert http.get("/api/render/proxy/lambda/short", headers=bob).json()["data"]["status"] == "completed"
        body = {"id": "day", "sessionId": a_sid, "draft": _draft(24 * 3600)}
        r = http.post("/api/render/proxy/lambda", json=body, headers=alice)
        assert r.status_code == 400 and "invalid draft" in r.json()["error"]


def test_renders_are_limited_per_user_and_in_all(server_factory) -> None:
    srv = server_factory(render_workers=1, max_renders_per_user=2, max_renders_total=3, render_max_height=180)
    with httpx.Client(base_url=srv.url) as http:
        users = [{**anon(http, f"u{i}"), **SKILL} for i in range(3)]
        sids = [new_session(http, h) for h in users]

        def submit(i: int, rid: str) -> httpx.Response:
            body = {"id": rid, "sessionId": sids[i], "draft": _draft(300)}
            return http.post("/api/render/proxy/lambda", json=body, headers=users[i])

        assert [submit(0, "a").status_code, submit(0, "b").status_code] == [200, 200]
        third = submit(0, "c")
        assert third.status_code == 429 and third.headers["retry-after"] == "30"
        assert submit(1, "a").status_code == 200  # another user's "a" neither collides nor leaks
        full = submit(2, "a")
        assert full.status_code == 503 and full.json()["code"] == 503
        for rid in ("a", "b"):
            http.post(f"/api/render/proxy/lambda/{rid}/cancel", headers=users[0])


# 4. render memory grows with the draft ------------------------------------------------------------------------------


def test_a_200_segment_draft_never_holds_more_than_a_couple_of_sources(tmp_path: Path, monkeypatch) -> None:
    from nemo_emulator.media import render
    from nemo_emulator.media.mixer import AudioSource
    from nemo_emulator.media.sources import VideoFile

    opened, peak = [0], [0]
    for cls in (VideoFile, AudioSource):
        original_init, original_close = cls.__init__, cls.close

        def init(self, *args, _init=original_init, **kwargs) -> None:  # type: ignore[no-untyped-def]
            _init(self, *args, **kwargs)
            opened[0] += 1
            peak[0] = max(peak[0], opened[0])

        def close(self, _close=original_close) -> None:  # type: ignore[no-untyped-def]
            opened[0] -= 1
            _close(self)

        monkeypatch.setattr(cls, "__init__", init)
        monkeypatch.setattr(cls, "close", close)
    sample = Path(SAMPLE).resolve()
    segments = [{"st": i * 100, "d": 100, "src": f"clip{i}"} for i in range(200)]
    draft = {"m": {"width": 64, "height": 36, "fps": 10}, "t": [{"tt": 0, "sg": segments}, {"tt": 1, "sg": segments}]}
    result = render.render(draft, tmp_path / "out.mp4", lambda src: sample, max_short=36)
    assert result["duration"] == 20.0 and opened[0] == 0
    assert peak[0] <= 6, f"{peak[0]} decoders open at once"  # a few at a boundary, never one per segment


# 5. headers without limit -------------------------------------------------------------------------------------------


def _raw(url: str, payload: bytes, timeout: float = 10) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(payload)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_oversized_heads_get_431_and_414_without_stalling_anyone(server: Server) -> None:
    big = b"GET /api/credits/balance/simple HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * (100 << 20) + b"\r\n\r\n"
    answers: list[bytes] = []
    senders = [threading.Thread(target=lambda: answers.append(_raw(server.url, big))) for _ in range(3)]
    started = time.monotonic()
    for t in senders:
        t.start()
    with httpx.Client(base_url=server.url, timeout=5) as http:
        assert http.get("/_emulator/health").status_code == 200
    assert time.monotonic() - started < 3, "other requests stalled while huge headers arrived"
    for t in senders:
        t.join(30)
    assert len(answers) == 3 and all(a.startswith(b"HTTP/1.1 431") and b'"code":431' in a for a in answers)
    long_line = b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n"
    assert _raw(server.url, long_line).startswith(b"HTTP/1.1 414")
    with httpx.Client(base_url=server.url) as http:
        assert http.get("/_emulator/health", headers={"X-Fine": "a" * 4000}).status_code == 200


# 6. the control plane open to any web page --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example", "Content-Type": "text/plain"},
        {"Origin": "null", "Content-Type": "text/plain"},
        {"Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded"},
    ],
)
def test_a_cross_site_page_cannot_drive_the_control_plane(http: httpx.Client, server: Server, headers: dict) -> None:
    before = server.store.clock.now()
    for path, body in [("/_emulator/clock", '{"advance": 3600}'), ("/_emulator/reset", ""),
                       ("/_emulator/faults", '{"kind":"error","code":1001}')]:  # fmt: skip
        r = http.post(path, content=body, headers=headers)
        assert r.status_code == 403 and r.json()["code"] == 403
    assert server.store.clock.now() == before and server.store.hooks.faults.rules == []
    same = {"Origin": server.url, "Sec-Fetch-Site": "same-origin"}
    assert http.post("/_emulator/clock", json={"advance": 1}, headers=same).status_code == 200


def test_the_control_token_and_no_control(server_factory) -> None:
    guarded = server_factory(control_token="s3cret")
    with httpx.Client(base_url=guarded.url) as http:
        assert http.post("/_emulator/reset").status_code == 401
        assert http.post("/_emulator/reset", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert http.post("/_emulator/reset", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert http.get("/_emulator/health?token=s3cret").status_code == 200
    closed = server_factory(control=False)
    with httpx.Client(base_url=closed.url) as http:
        assert http.post("/_emulator/reset").status_code == 404
        assert http.get("/_emulator/health").status_code == 404
        assert http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "still-works"}).status_code == 200


def test_a_fault_route_is_literal_text_and_cannot_hang_requests(http: httpx.Client) -> None:
    evil = "(a+)+$"
    assert http.post("/_emulator/faults", json={"kind": "error", "code": 1001, "route": evil}).status_code == 201
    started = time.monotonic()
    r = http.get("/api/credits/balance/simple?" + "a" * 5000 + "!", headers=anon(http))
    assert r.status_code == 200 and time.monotonic() - started < 1


def test_binding_off_loopback_warns_what_is_open() -> None:
    from nemo_emulator.server import exposure

    assert exposure("127.0.0.1", Settings()) is None
    said = exposure("0.0.0.0", Settings())
    assert said is not None and "OPEN to anyone" in said and "--control-token" in said
    assert "behind --control-token" in (exposure("0.0.0.0", Settings(control_token="x")) or "")
    assert exposure("", Settings()) is not None  # an empty host binds every interface
    assert exposure("[::1]", Settings()) is None and exposure("localhost", Settings()) is None


# 7. unbounded logs -------------------------------------------------------------------------------------------------


def test_the_error_log_is_bounded_and_counts_repeats() -> None:
    store = Store(Settings(clock_mode="manual", errors_kept=10))
    try:
        for i in range(1000):
            store.record_error({"path": "/x", "error": f"E{i % 25}"})
        for _ in range(500):
            store.record_error({"path": "/x", "error": "same"})
        kept = store.unexpected_errors
        assert len(kept) == 10 and kept[-1]["error"] == "same" and kept[-1]["count"] == 500
    finally:
        store.close()


def test_a_flood_of_bad_requests_writes_a_bounded_log() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "nemo_emulator", "serve", "--port", "0", "--clock", "manual"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split("listening on ", 1)[1].split()[0]
        for _ in range(300):
            _raw(url, b"NOT HTTP AT ALL\r\n\r\n", timeout=5)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert err.count("Invalid HTTP request received") < 10
    assert "times)" in err or err.count("Invalid HTTP request received") <= 3


# 8. outputs public, render ids global -----------------------------------------------------------------------------


def test_output_links_are_signed_and_render_ids_are_per_user(http: httpx.Client, server: Server) -> None:
    alice, bob = {**anon(http, "alice"), **SKILL}, {**anon(http, "bob"), **SKILL}
    a_sid, b_sid = new_session(http, alice), new_session(http, bob)
    assert http.post("/api/render/proxy/lambda", json={"id": "render_1", "sessionId": a_sid, "draft": _draft(1)},
                     headers=alice).status_code == 200  # fmt: skip
    r = http.post("/api/render/proxy/lambda", json={"id": "render_1", "sessionId": b_sid, "draft": _draft(1)},
                  headers=bob)  # fmt: skip
    assert r.status_code == 200, "another user's id must neither collide nor show through a 409"
    server.store.clock.advance(100)
    url = http.get("/api/render/proxy/lambda/render_1", headers=alice).json()["data"]["outputUrl"]
    assert url and http.get(url).status_code == 200
    bare = url.split("?")[0]
    assert http.get(bare).status_code == 403
    assert http.get(bare + "?e=99999999999&s=forged").status_code == 403
    assert http.get("/cdn/renders/render_1.mp4").status_code == 403
    server.store.clock.advance(server.store.settings.cdn_url_ttl_s + 1)
    assert http.get(url).status_code == 403  # expired


def test_a_state_read_hands_out_live_links_and_signs_no_forged_one(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    assert upload(http, h, sid, SAMPLE).status_code == 200
    state = f"/api/state/nemo_agent/me/{sid}/latest"
    first = http.get(state, headers=h).json()["data"]["state"]["video_infos"][0]["cdn_url"]
    assert http.get(first).status_code == 200
    server.store.clock.advance(server.store.settings.cdn_url_ttl_s + 1)
    assert http.get(first).status_code == 403  # "this file link has expired; read the state ... again"
    again = http.get(state, headers=h).json()["data"]["state"]["video_infos"][0]["cdn_url"]
    assert again.split("?")[0] == first.split("?")[0] and http.get(again).status_code == 200
    assert http.get(state, headers=h).json()["data"]["state"]["video_infos"][0]["cdn_url"] == again  # still live
    forged = {"src": first.split("?")[0] + "?e=1&s=" + "A" * 24, "n": [first, 3]}
    out = server.store.signer.resigned(forged)
    assert out["src"] == forged["src"] and out["n"][0] != first and out["n"][1] == 3


# 9. smaller defects ------------------------------------------------------------------------------------------------


def test_two_servers_cannot_share_a_state_dir(tmp_path: Path) -> None:
    first = Store(Settings(clock_mode="manual", state_dir=tmp_path))
    try:
        with pytest.raises(RuntimeError, match="in use by nemo-emulator"):
            Store(Settings(clock_mode="manual", state_dir=tmp_path))
        proc = subprocess.run(
            [sys.executable, "-m", "nemo_emulator", "serve", "--port", "0", "--state-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert proc.returncode != 0 and "in use by" in proc.stderr
    finally:
        first.close()
    Store(Settings(clock_mode="manual", state_dir=tmp_path)).close()  # free again


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_remove_the_temporary_data_folder(sig: signal.Signals) -> None:
    proc, url = spawn_emulator("--quiet")
    data_dir = Path(httpx.get(f"{url}/_emulator/health").json()["data_dir"])
    assert data_dir.is_dir()
    os.kill(proc.pid, sig)
    proc.wait(15)
    if proc.stdout is not None:
        proc.stdout.close()
    assert not data_dir.exists()


def test_a_slow_source_is_dropped_when_the_client_leaves(server: Server) -> None:
    closed = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def drip() -> None:
        conn, _ = listener.accept()
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
        try:
            for _ in range(600):
                conn.sendall(b"x")
                time.sleep(0.05)  # real-time: a slow network source, not the emulator's clock
        except OSError:
            closed.set()
        finally:
            conn.close()

    threading.Thread(target=drip, daemon=True).start()
    with httpx.Client(base_url=server.url) as http:
        h = anon(http)
        sid = new_session(http, h)
        with pytest.raises(httpx.ReadTimeout):
            http.post(f"/api/upload-video/nemo_agent/me/{sid}", json={"urls": [f"http://127.0.0.1:{port}/slow.mp4"]},
                      headers=h, timeout=0.5)  # fmt: skip
    assert closed.wait(10), "the emulator kept fetching after its client left"
    listener.close()
    assert not list((server.store.root / "uploads" / ".incoming").glob("*"))


def test_a_url_fetch_gives_up_after_its_time_limit(server_factory) -> None:
    srv = server_factory(url_fetch_timeout_s=0.5)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        h = anon(http)
        sid = new_session(http, h)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/never.mp4"
        r = http.post(f"/api/upload-video/nemo_agent/me/{sid}", json={"urls": [url]}, headers=h)
    listener.close()
    assert r.status_code == 400 and "within 0.5 s" in r.json()["message"]


def test_uploads_are_size_limited_while_they_arrive(server_factory) -> None:
    srv = server_factory(max_upload_bytes=100_000)
    with httpx.Client(base_url=srv.url) as http:
        h = anon(http)
        sid = new_session(http, h)
        r = upload(http, h, sid, "conformance/media/sample.wav")
        assert r.status_code == 413 and r.json()["code"] == 4002
