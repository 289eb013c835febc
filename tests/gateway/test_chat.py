"""/ws/chat on a real socket (protocol A.4): the agent's turn as frames, pings, aborts, close codes, questions and
the reconnect that picks up a running turn's frames."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from nemo_client import GatewayClient, TokenInvalid
from nemo_protocol.gateway import SERVER_FRAMES
from tests.conftest import Server
from tests.helpers import ClockDriver


def _user(http: httpx.Client, credits: int = 1000) -> tuple[str, str, str]:
    n = len(http.get("/_emulator/users").json()["users"])
    token = http.post("/_emulator/users", json={"email": f"c{n}@x.test", "credits": credits}).json()["token"]
    made = http.post("/projects", json={"create_session": True}, headers={"Authorization": f"Bearer {token}"})
    data = made.json()["data"]
    return token, data["project_id"], data["session"]["session_id"]


@contextmanager
def chat(server: Server, token: str | None, session: str | None) -> Iterator[ClientConnection]:
    query = "&".join(f"{k}={v}" for k, v in (("token", token), ("session_id", session)) if v is not None)
    with connect(server.url.replace("http", "ws") + f"/ws/chat?{query}", open_timeout=10) as ws:
        yield ws


def frames_until(ws: ClientConnection, last: str, timeout: float = 30) -> list[dict[str, Any]]:
    out = []
    while True:
        frame = json.loads(ws.recv(timeout=timeout))
        out.append(frame)
        if frame["type"] == last:
            return out


def test_a_turn_is_framed_as_the_gateway_frames_it(server: Server, http: httpx.Client) -> None:
    token, _, sid = _user(http)
    with ClockDriver(server.store.clock), chat(server, token, sid) as ws:
        opening = frames_until(ws, "session_ready")
        assert [f["type"] for f in opening] == ["warming_up", "status", "session_ready"]
        assert opening[1]["status"] == "sandbox_startup" and opening[2]["session_id"] == sid
        ws.send(json.dumps({"type": "message", "content": "generate a 5 second video of a beach", "metadata": {}}))
        frames = frames_until(ws, "done")
    kinds = [f["type"] for f in frames]
    assert kinds[0] == "message_accepted" and kinds[-1] == "done" and kinds.count("done") == 1
    assert set(kinds) <= set(SERVER_FRAMES)
    assert "chunk" in kinds and "text" in kinds
    starts = [f["tool_name"] for f in frames if f["type"] == "tool_start"]
    assert starts == ["generate_video_with_seedance", "generate_music", "edit_multitrack"]
    assert kinds.count("tool_end") == 3
    pieces: list[str] = []
    for frame in frames:  # each reply's text goes out in chunks first, then whole
        if frame["type"] == "chunk":
            pieces.append(frame["text"])
        elif frame["type"] == "text":
            assert "".join(pieces) == frame["text"]
            pieces = []


def test_ping_gets_pong_and_garbage_gets_an_error_frame(server: Server, http: httpx.Client) -> None:
    token, _, sid = _user(http)
    with ClockDriver(server.store.clock), chat(server, token, sid) as ws:
        frames_until(ws, "session_ready")
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "pong"}
        ws.send("not json")
        assert json.loads(ws.recv(timeout=10))["type"] == "error"
        ws.send(json.dumps({"type": "dance"}))
        assert "unknown frame type" in json.loads(ws.recv(timeout=10))["error"]


def test_abort_stops_the_turn_and_says_done(server: Server, http: httpx.Client) -> None:
    token, _, sid = _user(http)
    with chat(server, token, sid) as ws:
        with ClockDriver(server.store.clock):
            frames_until(ws, "session_ready")
        ws.send(json.dumps({"type": "message", "content": "generate a 5 second video of a beach", "metadata": {}}))
        frames_until(ws, "chunk")  # the turn waits on the (manual) clock now
        ws.send(json.dumps({"type": "abort"}))
        frames = frames_until(ws, "done")
    assert "tool_end" not in [f["type"] for f in frames] and frames[-1] == {"type": "done"}
    assert http.post("/_emulator/users", json={"email": "x@x.x"}).status_code == 201  # the server is fine
    user_id = http.get("/_emulator/users").json()["users"][0]["user_id"]
    assert server.store.accounts.users[user_id].frozen == 0  # the aborted tool's credits were refunded


@pytest.mark.parametrize(("token", "session", "code"), [("nmv_usr_nope", "1", 4001), (None, "1", 4001),
                                                          ("OK", None, 4002)])  # fmt: skip
def test_close_codes(server: Server, http: httpx.Client, token: str | None, session: str | None, code: int) -> None:
    real, _, _ = _user(http)
    with chat(server, real if token == "OK" else token, session) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == code


def test_a_bad_token_may_be_refused_at_the_handshake(server_factory) -> None:
    srv = server_factory(gateway_ws_bad_token="http_403")
    with pytest.raises(InvalidStatus) as refused, chat(srv, "nmv_usr_nope", "1"):
        pass
    assert refused.value.response.status_code == 403
    assert "invalid token" in refused.value.response.body.decode()
    with GatewayClient(srv.url, token="nmv_usr_nope") as gw, pytest.raises(TokenInvalid):
        gw._run(gw._open(gw.ws_url("1")))


def test_a_question_carries_options_and_its_answer_continues_the_exchange(server: Server, http: httpx.Client) -> None:
    token, _, sid = _user(http)
    with ClockDriver(server.store.clock), chat(server, token, sid) as ws:
        frames_until(ws, "session_ready")
        ws.send(json.dumps({"type": "message", "content": "add some music", "metadata": {}}))
        asked = frames_until(ws, "ask_question")
        assert "done" not in [f["type"] for f in asked]
        question = asked[-1]["questions"][0]
        labels = [o["label"] for o in question["options"]]
        assert labels == ["Generate a video for me", "I'll upload one"] and question["prompt"].endswith("?")
        ws.send(json.dumps({"type": "message", "content": f"1. {question['prompt']}: {labels[0]}", "metadata": {}}))
        frames = frames_until(ws, "done")
    assert "generate_video_with_seedance" in [f.get("tool_name") for f in frames]


def test_a_dropped_socket_resumes_the_running_turn_on_the_next(server: Server, http: httpx.Client) -> None:
    token, pid, _ = _user(http)
    http.post("/_emulator/faults", json={"kind": "drop_stream", "route": "/ws/chat", "after_events": 3})
    with ClockDriver(server.store.clock), GatewayClient(server.url, token=token, sleep=lambda s: None) as gw:
        result = gw.chat(pid, "generate a 5 second video of a beach")
    assert result.reconnected and result.completed
    assert result.tools == ["generate_video_with_seedance", "generate_music", "edit_multitrack"]
    kinds = [f["type"] for f in result.frames]
    assert kinds.count("session_ready") == 2 and kinds.count("message_accepted") == 1 and kinds[-1] == "done"


def test_a_refused_handshake_is_retried(server: Server, http: httpx.Client) -> None:
    token, pid, _ = _user(http)
    http.post("/_emulator/faults", json={"kind": "error", "code": 503, "route": "/ws/chat", "times": 2})
    waits: list[float] = []
    with ClockDriver(server.store.clock), GatewayClient(server.url, token=token, sleep=waits.append) as gw:
        assert gw.chat(pid, "add jazz music").completed
    assert waits == [2.0, 3.0]


def test_no_credits_is_an_error_frame(server: Server, http: httpx.Client) -> None:
    token, pid, _ = _user(http, credits=5)
    user_id = http.get("/_emulator/users").json()["users"][0]["user_id"]
    http.post("/_emulator/credits", json={"user_id": user_id, "credits": 0})
    with ClockDriver(server.store.clock), GatewayClient(server.url, token=token) as gw:
        result = gw.chat(pid, "generate a 5 second video of a beach")
    assert not result.completed and result.error is not None and "credits" in result.error


def test_the_journal_lists_websocket_frames_with_their_timings(server_factory) -> None:
    srv = server_factory(journal_size=20)
    with httpx.Client(base_url=srv.url) as http:
        token, pid, _ = _user(http)
        with ClockDriver(srv.store.clock), GatewayClient(srv.url, token=token) as gw:
            gw.chat(pid, "add jazz music")
        entry = http.get("/_emulator/requests?path=/ws/chat").json()["requests"][-1]
    assert entry["method"] == "WS" and entry["status"] == 101 and "<redacted>" in entry["query"]
    assert token not in json.dumps(entry)
    directions = {f["dir"] for f in entry["frames"]}
    assert directions == {"in", "out"} and all("ms" in f and "clock_s" in f for f in entry["frames"])
    assert any('"done"' in f["data"] for f in entry["frames"])


def test_the_inspector_shows_a_gateway_chat_like_a_run_sse_transcript(server: Server, http: httpx.Client) -> None:
    token, pid, sid = _user(http)
    with ClockDriver(server.store.clock), GatewayClient(server.url, token=token) as gw:
        gw.chat(pid, "generate a 5 second video of a beach")
    transcript = http.get(f"/_emulator/sessions/{sid}").json()["transcript"]
    kinds = [e["kind"] for e in transcript]
    assert kinds[0] == "user" and kinds[-1] == "end" and "event" in kinds
    calls = [p["functionCall"]["name"] for e in transcript if e["kind"] == "event"
             for p in e["event"]["content"]["parts"] if "functionCall" in p]  # fmt: skip
    assert calls == ["generate_video_with_seedance", "generate_music", "edit_multitrack"]
