"""The official `nemovideo` CLI (npm nemovideo-tools@0.1.8, installed by `make test` into tests/cli/node_modules)
against the emulator: every command it has that talks to the gateway, each in a config directory of its own."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import av
import httpx
import pytest

from tests.conftest import Server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "tests" / "cli" / "node_modules" / ".bin" / "nemovideo"
SAMPLE = ROOT / "conformance" / "media" / "sample.mp4"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def emulator(server_factory_module: Callable[..., Server]) -> Server:
    return server_factory_module(clock_mode="auto", render_max_height=360)


@pytest.fixture
def nemovideo(emulator: Server, tmp_path: Path) -> Callable[[str], Run]:
    """`nemovideo(token)` -> a runner of the CLI with that API key, in a config directory of its own."""
    if not CLI.exists():
        pytest.fail("the official CLI is missing: `make test` installs it (npm install --prefix tests/cli)")

    def as_user(token: str) -> Run:
        home = tmp_path / f"cfg-{token[-6:]}"
        env = {**os.environ, "XDG_CONFIG_HOME": str(home), "NO_UPDATE_NOTIFIER": "1", "NEMOVIDEO_API_KEY": token,
               "CI": "1", "FORCE_COLOR": "0"}  # fmt: skip

        def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
            done = subprocess.run([str(CLI), *args], capture_output=True, text=True, env=env, cwd=tmp_path,
                                  timeout=300)  # fmt: skip
            done.stdout, done.stderr = ANSI.sub("", done.stdout), ANSI.sub("", done.stderr)
            if check:
                assert done.returncode == 0, f"nemovideo {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
            return done

        run("config", "set", "base_url", emulator.url)
        return run

    return as_user


def _user(emulator: Server, credits: int = 1000, plan: str = "starter") -> str:
    n = len(emulator.store.accounts.users)
    r = httpx.post(f"{emulator.url}/_emulator/users", json={"email": f"cli{n}@x.test", "plan": plan,
                                                             "credits": credits})  # fmt: skip
    token: str = r.json()["token"]
    return token


def _probe(path: Path) -> tuple[str, str, int, int, float]:
    with av.open(str(path)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        seconds = float(container.duration or 0) / av.time_base
        return video.codec_context.name, audio.codec_context.name, video.width, video.height, seconds


def test_create_export_and_every_project_command(emulator: Server, nemovideo: Callable[[str], Run],
                                                 tmp_path: Path) -> None:  # fmt: skip
    run = nemovideo(_user(emulator))
    credits = run("credits")
    assert "Available: 1000 | Frozen: 0 | Total consumed: 0" in credits.stdout
    # the CLI's own README examples: a bare description (sent with its "Duration: 5 seconds" field), then edits
    created = run("create", "-p", "5-second coffee product showcase", "-d", "5", "--export", "-o", "first.mp4")
    out = created.stdout + created.stderr
    assert "Project created: task_" in out and "Exported:" in out and "Render complete" in out, out
    project = re.search(r"Project: (task_[0-9a-f]+)", out)
    assert project is not None
    pid = project.group(1)
    codecs = _probe(tmp_path / "first.mp4")
    session = emulator.store.sessions.by_task[pid]
    draft = session.state["draft"]
    assert codecs[:2] == ("h264", "aac") and (codecs[2], codecs[3]) == (640, 360)
    assert abs(codecs[4] - draft["d"] / 1000) < 0.2

    listed = run("project", "list").stdout
    assert pid in listed
    got = run("project", "get", pid).stdout
    assert f"Project: {pid}" in got and "has content" in got
    uploaded = run("upload", str(SAMPLE), "--project", pid)
    assert "Uploaded sample.mp4" in uploaded.stdout + uploaded.stderr
    chatted = run("chat", pid, "-p", "add title 'Morning Brew' at the beginning")
    assert "Done!" in chatted.stdout + chatted.stderr
    titles = [s["tx"] for t in session.state["draft"]["t"] if t["tt"] == 7 for s in t["sg"]]
    assert "Morning Brew" in titles
    exported = run("export", pid, "-o", "second.mp4")
    assert "Export is free (0 credits)" in exported.stdout
    assert _probe(tmp_path / "second.mp4")[:2] == ("h264", "aac")
    downloaded = run("project", "download", pid, "-o", "latest.mp4")
    assert "Saved" in downloaded.stdout + downloaded.stderr
    assert (tmp_path / "latest.mp4").read_bytes() == (tmp_path / "second.mp4").read_bytes()

    history = run("credits", "history").stdout
    assert "conversation" in history and "-100" in history and "Welcome gift" in history
    assert "add title 'Morning Brew' at the beginning" in history
    as_json = run("credits", "history", "--all-pages", "--json").stdout
    assert '"kind": "grant"' in as_json and f'"project_id": "{pid}"' in as_json
    spent = 1000 - emulator.store.accounts.users[session.user_id].available
    assert f"Total consumed: {spent}" in run("credits").stdout


def test_the_cli_prints_its_own_hints_on_errors(emulator: Server, nemovideo: Callable[[str], Run]) -> None:
    bad = nemovideo("nmv_usr_not-a-real-key")("credits", check=False)
    assert bad.returncode == 1 and "Authentication failed. Run `nemovideo setup`" in bad.stderr
    broke = nemovideo(_user(emulator, credits=0))("create", "-p", "a video of waves", check=False)
    assert broke.returncode == 1 and "Insufficient credits. Top up at" in broke.stderr
    httpx.post(f"{emulator.url}/_emulator/faults", json={"kind": "error", "code": 429, "route": "/projects"})
    limited = nemovideo(_user(emulator))("create", "-p", "a video of waves", check=False)
    assert limited.returncode == 1 and "Rate limited. Please wait and try again." in limited.stderr


def test_the_cli_rides_out_a_dropped_socket_and_a_busy_handshake(emulator: Server,
                                                                 nemovideo: Callable[[str], Run]) -> None:  # fmt: skip
    run = nemovideo(_user(emulator))
    created = run("create", "-p", "a 5-second video of the sea")
    pid = re.search(r"Project: (task_[0-9a-f]+)", created.stdout + created.stderr)
    assert pid is not None
    httpx.post(f"{emulator.url}/_emulator/faults", json={"kind": "drop_stream", "route": "/ws/chat",
                                                          "after_events": 2})  # fmt: skip
    assert "Done!" in run("chat", pid.group(1), "-p", "add jazz music").stdout
    httpx.post(f"{emulator.url}/_emulator/faults", json={"kind": "error", "code": 503, "route": "/ws/chat"})
    assert "Done!" in run("chat", pid.group(1), "-p", "make the music quieter").stdout
    assert emulator.store.hooks.faults.rules == []
