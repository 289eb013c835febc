"""The second round of attacks on the emulator as a shared server: each reproduced, and the safe result asserted."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from nemo_client._config import tls_context
from nemo_emulator import Settings, Store
from nemo_emulator.server import _Repeats
from nemo_emulator.settings import Latency
from nemo_emulator.web.body import too_deep
from tests.conftest import Server
from tests.helpers import SKILL, anon, message_body, new_session, spawn_emulator, stop_emulator, stream_lines, upload

SAMPLE = "conformance/media/sample.mp4"
PNG = Path("conformance/media/sample.png").read_bytes()
LIMIT = 1 << 20
"""The JSON body limit: the longest body a request may make the nesting check read."""


# 1. one request froze the server -------------------------------------------------------------------------------

ADVERSARIAL = {
    "unterminated escaped quotes": b'{"a":"' + b"[" * 40 + b'\\"' * (LIMIT // 2),
    "escaped backslashes": b"[" * 40 + b'"' + b"\\\\" * (LIMIT // 2),
    "brackets in a string": b'{"x":' * 30 + b'"' + b"[{" * (LIMIT // 2),
    "alternating quotes": b"[" * 40 + b'"\\["' * (LIMIT // 4),
    "deep nesting": b"[" * LIMIT,
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_the_nesting_check_is_linear_on_adversarial_bodies(name: str) -> None:
    body = ADVERSARIAL[name][:LIMIT]
    started = time.perf_counter()
    too_deep(body, 32)
    per_byte = (time.perf_counter() - started) / len(body)
    assert per_byte < 2e-6, f"{per_byte * 1e9:.0f} ns a byte on {name}: not linear (the old check took 360 µs)"


@settings(max_examples=200, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from([b'"', b"\\", b"[", b"]", b"{", b"}", b"a", b"\\\""]), min_size=1, max_size=2000),
       st.integers(1, 60))  # fmt: skip
def test_no_body_makes_the_nesting_check_slow(pieces: list[bytes], repeat: int) -> None:
    """Hypothesis searches for the slowest bodies (`target`), which must still be checked in linear time. A body is
    repeated to at least 4 KiB so that what is measured is the time a byte takes, not the call's fixed cost (a
    one-byte body measured only that, tens of microseconds on a busy machine)."""
    unit = b"".join(pieces) * repeat
    body = unit * -(-4096 // len(unit))
    started = time.perf_counter()
    too_deep(body, 32)
    per_byte = (time.perf_counter() - started) / len(body)
    target(per_byte * 1e9, label="ns per byte")
    assert per_byte < 2e-5


def test_an_adversarial_body_does_not_hold_up_other_requests(server: Server, http: httpx.Client) -> None:
    h = anon(http)
    body = ADVERSARIAL["unterminated escaped quotes"][: LIMIT - 1]
    started = time.monotonic()
    headers = {**h, "Content-Type": "application/json"}
    r = http.post("/api/tasks/me/with-session/nemo_agent", content=body, headers=headers)
    assert r.status_code == 400 and time.monotonic() - started < 5
    r = http.post("/_emulator/faults", content=body[:16000], headers={"Content-Type": "application/json"})
    assert r.status_code == 400


# 2. an upload ran as the emulator -------------------------------------------------------------------------------


def test_an_upload_named_like_a_page_is_served_as_data(server: Server, http: httpx.Client) -> None:
    h = anon(http)
    sid = new_session(http, h)
    evil = PNG + b"<script>fetch('/_emulator/reset',{method:'POST'})</script>"
    r = http.post(f"/api/upload-video/nemo_agent/me/{sid}", files=[("files", ("evil.html", evil))], headers=h)
    assert r.status_code == 200, r.text
    url = r.json()["data"]["files"][0]["cdn_url"]
    served = http.get(url)
    assert served.status_code == 200 and served.content == evil
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-security-policy"].startswith("sandbox")
    assert served.headers["content-disposition"].startswith("attachment")


# 3. commits raced upload threads under --state-dir ------------------------------------------------------------------


def test_uploads_turns_and_renders_together_under_a_state_dir_never_500(server_factory, tmp_path: Path) -> None:
    srv = server_factory(state_dir=tmp_path / "state", clock_mode="auto", render_max_height=120,
                         max_renders_per_user=4, max_renders_total=64, max_renders_per_anonymous_ip=64)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def user(n: int) -> None:
        try:
            with httpx.Client(base_url=srv.url, timeout=60) as http:
                h = {**anon(http, f"stress-{n}"), **SKILL}
                sid = new_session(http, h)
                for i in range(4):
                    statuses.append(upload(http, h, sid, SAMPLE).status_code)
                    with http.stream("POST", "/run_sse", json=message_body(sid, "add lo-fi music"), headers=h) as r:
                        statuses.append(r.status_code)
                        r.read()
                    draft = http.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=h).json()["data"]["state"]
                    body = {"id": f"r{n}-{i}", "sessionId": sid, "draft": draft["draft"]}
                    statuses.append(http.post("/api/render/proxy/lambda", json=body, headers=h).status_code)
        except BaseException as exc:  # reported below, with the thread's own traceback
            failures.append(exc)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert failures == []
    assert statuses and all(s < 500 for s in statuses), sorted(set(statuses))
    assert srv.store.unexpected_errors == []


# 4. one user starved everyone ---------------------------------------------------------------------------------------


def _draft(seconds: float, src: str | None = None) -> dict:
    seg = {"st": 0, "d": int(seconds * 1000), **({"src": src} if src else {})}
    return {"m": {"width": 320, "height": 180, "fps": 15}, "t": [{"tt": 0, "sg": [seg]}]}


def test_a_heavy_user_does_not_starve_a_light_one(server_factory) -> None:
    srv = server_factory(clock_mode="auto", render_max_height=240, latency_render=Latency(1, 1))
    long_video = Path("conformance/media/sample30.mp4")
    with httpx.Client(base_url=srv.url, timeout=120) as http:
        heavy = {**anon(http, "heavy"), **SKILL}
        heavy_sid = new_session(http, heavy)
        stop = threading.Event()

        def flood_uploads() -> None:
            with httpx.Client(base_url=srv.url, timeout=300) as own:
                while not stop.is_set():
                    upload(own, heavy, heavy_sid, str(long_video))

        flooders = [threading.Thread(target=flood_uploads, daemon=True) for _ in range(4)]
        for t in flooders:
            t.start()
        for i in range(3):
            body = {"id": f"long{i}", "sessionId": heavy_sid, "draft": _draft(600)}
            assert http.post("/api/render/proxy/lambda", json=body, headers=heavy).status_code == 200
        assert srv.store.uploads.wait_idle(30, busy=True)
        light = {**anon(http, "light"), **SKILL}
        sid = new_session(http, light)
        assert upload(http, light, sid, SAMPLE).status_code == 200
        started = time.monotonic()
        lines = stream_lines(http, srv.store.clock, light, sid, "add a title 'Hi' 0-1s")
        edit_s = time.monotonic() - started
        assert any('"edit_multitrack"' in line for line in lines)
        started = time.monotonic()
        body = {"id": "short", "sessionId": sid, "draft": _draft(1)}
        assert http.post("/api/render/proxy/lambda", json=body, headers=light).status_code == 200
        while http.get("/api/render/proxy/lambda/short", headers=light).json()["data"]["status"] != "completed":
            assert time.monotonic() - started < 30, "the light user's 1 s render waited behind the heavy user's"
        render_s = time.monotonic() - started
        stop.set()
        for i in range(3):
            http.post(f"/api/render/proxy/lambda/long{i}/cancel", headers=heavy)
        for t in flooders:
            t.join(120)
    assert edit_s < 2, f"the light user's edit took {edit_s:.1f} s"
    assert render_s < 30


def test_uploads_have_a_storage_quota_per_user(server_factory) -> None:
    size = Path(SAMPLE).stat().st_size
    srv = server_factory(max_upload_bytes_per_user=int(size * 2.5))
    with httpx.Client(base_url=srv.url) as http:
        h = anon(http)
        sid = new_session(http, h)
        assert [upload(http, h, sid, SAMPLE).status_code for _ in range(2)] == [200, 200]
        r = upload(http, h, sid, SAMPLE)
        assert r.status_code == 413 and r.json()["code"] == 4002 and "quota" in r.json()["message"]
        other = anon(http, "other")
        assert upload(http, other, new_session(http, other), SAMPLE).status_code == 200


# 5. the control plane trusted its input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "error", "code": 1002, "method": 5}, "method"),
        ({"kind": "error", "code": 1002, "session_id": ["x"]}, "session_id"),
        ({"kind": "latency", "latency_s": "long"}, "latency_s"),
        ({"kind": "drop_stream", "after_events": -1}, "after_events"),
        ({"kind": "nope"}, "kind"),
    ],
)
def test_faults_with_the_wrong_types_are_400_naming_the_field(http: httpx.Client, body: dict, field: str) -> None:
    r = http.post("/_emulator/faults", json=body)
    assert r.status_code == 400 and field in r.json()["message"]
    assert http.get("/api/credits/balance/simple", headers=anon(http)).status_code == 200


@pytest.mark.parametrize("body", [{"set": 1e20}, {"advance": 1e20}, {"set": "soon"}, {"advance": -1}, {"next": 1}])
def test_clock_values_are_bounded(http: httpx.Client, body: dict) -> None:
    assert http.post("/_emulator/clock", json=body).status_code == 400
    assert http.get("/_emulator/health").status_code == 200
    assert http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "after-clock"}).status_code == 200


control_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=12), kids, max_size=4),
    max_leaves=8,
)
CONTROL_FIELDS = ["kind", "code", "route", "method", "session_id", "client_id", "times", "latency_s", "after_events",
                  "advance", "set", "next", "timeout", "credits", "token", "user_id", "email", "plan", "quality"]


@settings(max_examples=600, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(route=st.sampled_from(["/_emulator/faults", "/_emulator/clock", "/_emulator/credits", "/_emulator/users"]),
       body=st.one_of(control_values, st.dictionaries(st.sampled_from(CONTROL_FIELDS), control_values, max_size=5)))
def test_the_control_plane_fuzz_finds_no_5xx(server: Server, route: str, body: object) -> None:  # fmt: skip
    with httpx.Client(base_url=server.url, timeout=30, verify=tls_context()) as http:  # a CA bundle read once
        r = http.post(route, content=json.dumps(body), headers={"Content-Type": "application/json"})
        assert r.status_code < 500, (route, body, r.text[:300])
        assert http.get("/_emulator/health").status_code == 200
        http.delete("/_emulator/faults")
    assert server.store.unexpected_errors == []


# 6. DNS rebinding ---------------------------------------------------------------------------------------------------


def test_a_rebinding_host_is_refused_and_an_allowed_one_served(server_factory) -> None:
    srv = server_factory()
    with httpx.Client(base_url=srv.url) as http:
        rebinding = {"Host": "attacker.example", "Origin": "http://attacker.example"}
        assert http.post("/_emulator/reset", headers=rebinding).status_code == 403
        assert http.post("/api/auth/anonymous-token", headers={**rebinding, "X-Client-Id": "x"}).status_code == 403
        for host in ("localhost:1", "127.0.0.1", "[::1]:80", "10.1.2.3", "box.localhost"):
            assert http.get("/_emulator/health", headers={"Host": host}).status_code == 200, host
    allowed = server_factory(allowed_hosts=("emulator.team.internal",))
    with httpx.Client(base_url=allowed.url) as http:
        assert http.get("/_emulator/health", headers={"Host": "emulator.team.internal:8765"}).status_code == 200
        assert http.get("/_emulator/health", headers={"Host": "other.internal"}).status_code == 403


def test_the_allowed_host_flag_reaches_the_settings() -> None:
    from nemo_emulator.__main__ import build_parser, settings_from_args

    args = build_parser().parse_args(["serve", "--host", "box.lan", "--allowed-host", "a.example"])
    assert settings_from_args(args).allowed_hosts == ("a.example", "box.lan")


# 7. memory from headers ---------------------------------------------------------------------------------------------


def test_attribution_headers_are_bounded(server_factory) -> None:
    srv = server_factory(max_attribution_values=50, max_attribution_len=16)
    with httpx.Client(base_url=srv.url) as http:
        for i in range(300):
            http.get("/api/credits/balance/simple", headers={"X-Skill-Source": f"{i:04d}" + "x" * 4000})
    seen = srv.store.accounts.attribution_seen
    assert len(seen) <= 51 and all(len(k[0] or "") <= 16 for k in seen)
    assert sum(seen.values()) == 300


# 8. smaller ---------------------------------------------------------------------------------------------------------


def test_a_long_multipart_boundary_is_400(http: httpx.Client) -> None:
    h = anon(http)
    sid = new_session(http, h)
    boundary = "b" * 300
    part = 'Content-Disposition: form-data; name="files"; filename="a.mp4"'
    body = f"--{boundary}\r\n{part}\r\n\r\nx\r\n--{boundary}--"
    r = http.post(f"/api/upload-video/nemo_agent/me/{sid}", content=body.encode(),
                  headers={**h, "Content-Type": f"multipart/form-data; boundary={boundary}"})  # fmt: skip
    assert r.status_code == 400 and "boundary" in r.json()["message"]


def test_tokens_never_reach_the_inspector_or_the_journal(server_factory) -> None:
    srv = server_factory(journal_size=50)
    with httpx.Client(base_url=srv.url) as http:
        h = anon(http)
        token = h["Authorization"].split()[1]
        sid = new_session(http, h)
        stream_lines(http, srv.store.clock, h, sid, f"my token is {token}, add music")
        http.get(f"/api/credits/balance/simple?token={token}", headers={**h, "X-Token": token})
        session = http.get(f"/_emulator/sessions/{sid}").text
        journal = http.get("/_emulator/requests").text
    assert token not in session and "<redacted>" in session
    assert token not in journal


def test_url_uploads_do_not_tell_loopback_ports_apart(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        closed_port = closed.getsockname()[1]
    port = server.url.rsplit(":", 1)[1]
    answers = set()
    for url in (f"http://127.0.0.1:{closed_port}/x.mp4", f"http://127.0.0.1:{port}/nothing.mp4"):
        r = http.post(f"/api/upload-video/nemo_agent/me/{sid}", json={"urls": [url]}, headers=h)
        assert r.status_code == 400
        answers.add(r.json()["message"].replace(url, "URL"))
    assert len(answers) == 1, answers


def test_a_snapshot_cannot_point_outside_the_data_folder(tmp_path: Path) -> None:
    state = tmp_path / "state"
    store = Store(Settings(state_dir=state, clock_mode="manual"))
    store.commit()
    store.close()
    snapshot = json.loads((state / "state.json").read_text())
    job = {"id": "r", "user_id": "u", "session_id": "s", "draft": {}, "output": {}, "submitted_at": 0,
           "duration": 1, "cancelled_at": None, "error": None, "fail_at": None, "result": {}, "encoded_at": None,
           "key": "k", "path": "../../escaped.mp4"}  # fmt: skip
    upload_ = {"id": "up", "user_id": "u", "session_id": "s", "filename": "a.mp4", "path": "../outside/a.mp4",
               "size": 1, "hash": "h", "probe": {}}  # fmt: skip
    snapshot["renders"], snapshot["uploads"] = [job], [upload_]
    (state / "state.json").write_text(json.dumps(snapshot))
    restored = Store(Settings(state_dir=state, clock_mode="manual"))
    try:
        assert restored.renders.by_id == {} and restored.uploads.by_id == {}
    finally:
        restored.close()
    assert not (tmp_path / "escaped.mp4").exists()


def test_a_partial_upload_is_removed_on_the_next_start(tmp_path: Path) -> None:
    incoming = tmp_path / "state" / "uploads" / ".incoming"
    incoming.mkdir(parents=True)
    (incoming / "up_half").write_bytes(b"half a file")
    proc, _ = spawn_emulator("--state-dir", str(tmp_path / "state"), "--clock", "manual")
    stop_emulator(proc)
    assert not (incoming / "up_half").exists()


def test_garbage_between_crashes_does_not_defeat_the_log_deduplication() -> None:
    repeats = _Repeats()

    def record(message: str, exc: BaseException | None = None) -> bool:
        info = (type(exc), exc, None) if exc else None
        return repeats.filter(logging.LogRecord("uvicorn.error", logging.ERROR, "", 0, message, (), info))

    passed = 0
    for _ in range(500):
        passed += record("Exception in ASGI application", RuntimeError("boom"))
        passed += record("Invalid HTTP request received.")
    assert passed <= 8, passed
