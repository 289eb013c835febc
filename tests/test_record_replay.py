"""Record a session through the proxy, validate the cassette offline, replay it to the same client."""

from __future__ import annotations

import json
from pathlib import Path

from nemo_client import NemoClient, SessionNotFound
from nemo_conformance.cassette import main as validate_main
from nemo_conformance.cassette import validate
from nemo_emulator.harness.recording import record_app, replay_app
from tests.conftest import Server, serve_app
from tests.helpers import ClockDriver

SAMPLE = Path("conformance/media/sample.png")


def _session(url: str, tmp_path: Path) -> dict[str, object]:
    out: dict[str, object] = {}
    with NemoClient(url, client_id="recorded", config_dir=tmp_path) as nemo:
        out["token"] = nemo.anonymous_token()["credits"]
        sid = nemo.create_session()["session_id"]
        out["upload"] = nemo.upload(SAMPLE)["files"][0]["file_type"]
        turn = nemo.chat("add title 'Taped' 0-1s", sid)
        out["texts"] = turn.texts or turn.changes
        out["draft"] = nemo.state(sid)["state"]["draft"]
        out["balance"] = nemo.balance()
        try:
            nemo.state("1234")
        except SessionNotFound as exc:
            out["error"] = exc.code
    return out


def test_record_validate_and_replay(server: Server, tmp_path: Path, capsys) -> None:
    cassette = tmp_path / "session.jsonl"
    proxy_url, proxy, thread = serve_app(record_app(server.url, cassette))
    try:
        with ClockDriver(server.store.clock):
            live = _session(proxy_url, tmp_path)
    finally:
        proxy.should_exit = True
        thread.join(10)
    exchanges = [json.loads(line) for line in cassette.read_text().splitlines()]
    assert [e["request"]["path"] for e in exchanges][:2] == [
        "/api/auth/anonymous-token",
        "/api/tasks/me/with-session/nemo_agent",
    ]
    assert all(e["request"]["headers"].get("authorization", "<redacted>") == "<redacted>" for e in exchanges)
    stream = next(e for e in exchanges if e["request"]["path"] == "/run_sse")
    assert stream["response"]["lines"] and all("t" in item for item in stream["response"]["lines"])
    assert validate(cassette) == []

    replay_url, replayer, rthread = serve_app(replay_app(cassette))
    try:
        assert _session(replay_url, tmp_path) == live
    finally:
        replayer.should_exit = True
        rthread.join(10)

    broken = tmp_path / "broken.jsonl"
    first = exchanges[0]
    first["response"]["body"] = {"text": '{"data": {"token": "x"}}'}
    broken.write_text(json.dumps(first) + "\n")
    assert validate_main([str(broken)]) == 1
    assert "does not match schema" in capsys.readouterr().out
