"""--state-dir: everything acknowledged survives a kill -9 and a restart."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from nemo_client import NemoClient
from nemo_emulator import Settings, Store
from tests.helpers import spawn_emulator, stop_emulator

SAMPLE = Path("conformance/media/sample.mp4")


def _start(state_dir: Path) -> tuple[subprocess.Popen[str], str]:
    # A day passes in under a second here: the token and the file links live a virtual year, so a slow restart
    # cannot expire them.
    return spawn_emulator(
        "--clock", "realtime", "--time-scale", "100000", "--state-dir", str(state_dir),
        "--set", "render_max_height=120", "--set", "token_ttl_s=31536000", "--set", "cdn_url_ttl_s=31536000",
    )  # fmt: skip


@pytest.mark.slow
def test_kill_9_mid_workflow_loses_nothing_acknowledged(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    proc, url = _start(state_dir)
    try:
        nemo = NemoClient(url, client_id="durable", config_dir=tmp_path)
        token = nemo.anonymous_token()["token"]
        sid = nemo.create_session()["session_id"]
        info = nemo.upload(SAMPLE)["files"][0]
        nemo.chat("add upbeat music at 40%")
        nemo.chat("add title 'Durable' 0-1s")
        draft = nemo.state()["state"]["draft"]
        job = nemo.submit_render(render_id="before-crash")
        balance = nemo.balance()
    finally:
        stop_emulator(proc, kill=True)
    proc, url2 = _start(state_dir)
    try:
        again = NemoClient(url2, token=token, client_id="durable", config_dir=tmp_path)
        again.session_id = sid
        snap = again.state()
        assert snap["state"]["draft"] == draft
        assert snap["state"]["video_infos"][0]["hash"] == info["hash"]
        assert again.balance() == balance
        assert httpx.get(info["cdn_url"].replace(url, url2)).content == SAMPLE.read_bytes()
        done = again.wait_for_render(job["id"], interval=0.05, timeout=600, between_polls=lambda s: None)
        assert done["status"] == "completed"
        with pytest.raises(Exception, match="duplicate"):
            again.submit_render(render_id="before-crash")
        assert again.create_session()["session_id"] != sid
        again.close()
        nemo.close()
    finally:
        stop_emulator(proc)


def test_without_state_dir_nothing_is_written_outside_the_temp_dir(tmp_path: Path) -> None:
    store = Store(Settings(clock_mode="manual"))
    assert store.durable is False
    store.accounts.issue_anonymous("c", "ip")
    store.commit()
    assert not (store.root / "state.json").exists()
    store.close()


def test_store_round_trips_through_its_snapshot(tmp_path: Path) -> None:
    settings = Settings(clock_mode="manual", state_dir=tmp_path)
    first = Store(settings)
    token, user = first.accounts.issue_anonymous("c", "ip")
    session = first.sessions.create(user.id, "p", "en", first.clock.now())
    session.apply_delta({"draft": {"t": [{"tt": 7, "sg": [{"d": 1, "tx": "x"}]}]}})
    user.available, user.frozen = 80, 20
    first.clock.advance(500)
    first.commit()
    first.close()
    second = Store(settings)
    assert second.accounts.authenticate(token.value).available == 100  # frozen credits of dead turns come back
    assert second.sessions.owned(session.id, user.id).state["draft"] == session.state["draft"]
    assert second.clock.now() == first.clock.now()
    assert second.ids.session() != session.id
    second.close()


def test_unreadable_snapshot_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text("{not json")
    with pytest.raises(RuntimeError, match="move it away"):
        Store(Settings(clock_mode="manual", state_dir=tmp_path))
