"""The reference client and the `nemo` CLI against a running emulator."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import av
import httpx
import pytest

from nemo_client import AsyncNemoClient, NemoClient, SessionNotFound, TokenInvalid, UnsupportedFileType
from nemo_client.__main__ import main as nemo_main
from tests.conftest import Server
from tests.helpers import ClockDriver

SAMPLE = Path("conformance/media/sample.mp4")


@pytest.fixture
def nemo(server: Server, tmp_path: Path):
    with NemoClient(server.url, client_id="it-client", config_dir=tmp_path) as client:
        yield client


def test_full_workflow_with_the_sync_client(nemo: NemoClient, server: Server, tmp_path: Path) -> None:
    assert nemo.anonymous_token()["credits"] == 100
    nemo.create_session(language="en")
    seen: list[int] = []
    with SAMPLE.open("rb") as fh:
        up = nemo.upload(fh, progress=lambda done, total: seen.append(done))
    assert up["files"][0]["file_type"] == "video" and seen[-1] == SAMPLE.stat().st_size
    with ClockDriver(server.store.clock):
        turn = nemo.chat("generate background music that matches the mood and length of my video")
    assert [c.name for c in turn.tool_calls] == ["edit_multitrack", "generate_music"] or turn.silent
    assert nemo.balance() == {"available": 75, "frozen": 0, "total": 75}
    job = nemo.submit_render(render_id="r1")
    assert job["status"] == "pending"
    done = nemo.wait_for_render("r1", interval=30, between_polls=lambda s: server.store.clock.advance(s))
    out = nemo.download_render("r1", tmp_path / "out.mp4")
    with av.open(str(out)) as c:
        assert float(c.duration / av.time_base) == pytest.approx(3.0, abs=0.05)
    assert "/cdn/renders/" in done["outputUrl"] and "r1" not in done["outputUrl"]  # an unguessable, signed link
    assert httpx.get(done["outputUrl"]).content == out.read_bytes()


def test_client_errors_against_the_emulator(nemo: NemoClient, tmp_path: Path) -> None:
    nemo.anonymous_token()
    nemo.create_session()
    with pytest.raises(UnsupportedFileType):
        nemo.upload(("evil.mp4", io.BytesIO(b"MZ" + b"\0" * 100)))
    with pytest.raises(SessionNotFound):
        nemo.state("1234567890123456789")
    nemo.token = "nmv_usr_garbage"
    nemo.recovery = nemo.recovery.__class__(reacquire_token=False)
    with pytest.raises(TokenInvalid):
        nemo.balance()


def test_expired_token_is_reacquired_transparently(nemo: NemoClient, server: Server) -> None:
    first = nemo.anonymous_token()["token"]
    server.store.clock.advance(7 * 24 * 3600)
    assert nemo.balance()["available"] == 100
    assert nemo.token != first


def test_async_client_workflow(server: Server, tmp_path: Path) -> None:
    async def flow() -> None:
        async with AsyncNemoClient(server.url, client_id="async-client", config_dir=tmp_path) as client:
            await client.anonymous_token()
            await client.create_session()
            await client.upload(SAMPLE)
            with ClockDriver(server.store.clock):
                turn = await client.chat("add title 'Async' 0-1s")
            assert turn.tool_calls[0].name == "edit_multitrack"
            draft = (await client.state())["state"]["draft"]
            assert draft["t"][-1]["sg"][0]["tx"] == "Async"
            await client.submit_render(render_id="a1")
            server.store.clock.advance(90)
            assert (await client.wait_for_render("a1"))["status"] == "completed"
            path = await client.download_render("a1", tmp_path / "a.mp4")
            assert path.stat().st_size > 1000

    asyncio.run(flow())


def test_cli_goes_from_nothing_to_an_exported_mp4(server_factory, tmp_path: Path, monkeypatch, capsys) -> None:
    srv = server_factory(clock_mode="realtime", time_scale=2000.0)
    monkeypatch.setenv("NEMO_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("NEMO_API_URL", srv.url)
    out = tmp_path / "video.mp4"
    for argv in (
        ["token"],
        ["session"],
        ["chat", "generate a 3 second video of a sunset beach"],
        ["state"],
        ["credits"],
        ["export", "--out", str(out), "--poll-interval", "0.02"],
    ):
        assert nemo_main(argv) == 0, capsys.readouterr()
    text = capsys.readouterr().out
    assert "Token saved. 100 credits" in text and "Timeline (3 tracks):" in text and "2. BGM:" in text
    assert "Credits: 0 available" in text and f"Saved {out}" in text
    with av.open(str(out)) as c:
        assert {s.type for s in c.streams} == {"video", "audio"}


def test_cli_messages_and_exit_codes_on_errors(tmp_path: Path, monkeypatch, capsys, server: Server) -> None:
    monkeypatch.setenv("NEMO_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("NEMO_API_URL", "http://127.0.0.1:9")
    assert nemo_main(["token"]) == 8
    assert "cannot reach the API" in capsys.readouterr().err
    monkeypatch.setenv("NEMO_API_URL", server.url)
    monkeypatch.setenv("NEMO_CLIENT_ID", "cli-errors")
    assert nemo_main(["--token", "nmv_usr_bogus", "credits"]) == 3  # a token the user gave is never swapped silently
    err = capsys.readouterr().err
    assert "the token you gave was refused: unknown token" in err and "`nemo token`" in err
    assert "429" not in err and "anonymous_token()" not in err
    monkeypatch.setenv("NEMO_TOKEN", "nmv_usr_bad")
    assert nemo_main(["credits"]) == 3
    monkeypatch.delenv("NEMO_TOKEN")
    assert nemo_main(["token"]) == 0
    assert nemo_main(["state"]) == 4
    err = capsys.readouterr().err
    assert "`nemo session`" in err and "create_session()" not in err
    assert nemo_main(["upload", str(tmp_path / "missing.mp4")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_emulator_killed_mid_workflow_is_a_transport_error(server_factory, tmp_path: Path) -> None:
    srv = server_factory()
    client = NemoClient(srv.url, client_id="kill", config_dir=tmp_path, http=httpx.Client(base_url=srv.url, timeout=5))
    client.anonymous_token()
    srv.stop()
    from nemo_client import TransportError

    with pytest.raises(TransportError):
        client.balance()
