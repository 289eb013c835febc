"""Small request helpers shared by tests."""

from __future__ import annotations

import subprocess

import httpx

SKILL = {"X-Skill-Source": "nemo-video", "X-Skill-Version": "1.9", "X-Skill-Platform": "clawhub"}
"""The skill's attribution headers: a free user's export needs them (else 402)."""

def anon(http: httpx.Client, client_id: str = "test-client") -> dict[str, str]:
    """Auth headers for a fresh anonymous user."""
    r = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['data']['token']}"}


def new_session(http: httpx.Client, headers: dict[str, str]) -> str:
    r = http.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "t", "language": "en"}, headers=headers)
    assert r.status_code == 200, r.text
    sid: str = r.json()["data"]["session_id"]
    return sid


def message_body(session_id: str, text: str) -> dict[str, object]:
    return {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"parts": [{"text": text}]},
    }


class ClockDriver:
    """Runs the emulator's pending timers from a thread while the test reads a stream (no wall-clock waits)."""

    def __init__(self, clock) -> None:
        import threading

        self.clock = clock
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.done.is_set():
            if self.clock.wait_for_sleeper(0.02):
                self.clock.advance_to_next()

    def __enter__(self) -> ClockDriver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join(5)


def stream_lines(http: httpx.Client, clock, headers: dict[str, str], session_id: str, text: str) -> list[str]:
    """Every line of one /run_sse turn, with virtual time moved along as the turn waits."""
    with ClockDriver(clock), http.stream("POST", "/run_sse", json=message_body(session_id, text), headers=headers) as r:
        assert r.status_code == 200, r.read()
        assert r.headers["content-type"].startswith("text/event-stream")
        return list(r.iter_lines())


def events(lines: list[str]) -> list[dict]:
    """The JSON events among stream lines (heartbeats and blank separators dropped)."""
    import json

    return [json.loads(line[6:]) for line in lines if line.startswith("data: {") and '"heartbeat"' not in line]


def texts(lines: list[str]) -> list[str]:
    return [p["text"] for e in events(lines) for p in e["content"]["parts"] if "text" in p]


def calls(lines: list[str]) -> list[str]:
    return [p["functionCall"]["name"] for e in events(lines) for p in e["content"]["parts"] if "functionCall" in p]


def upload(http: httpx.Client, headers: dict[str, str], session_id: str, *paths: str) -> httpx.Response:
    from pathlib import Path

    files = [("files", (Path(p).name, Path(p).read_bytes())) for p in paths]
    return http.post(f"/api/upload-video/nemo_agent/me/{session_id}", files=files, headers=headers)


def state(http: httpx.Client, headers: dict[str, str], session_id: str) -> dict:
    r = http.get(f"/api/state/nemo_agent/me/{session_id}/latest", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["data"]["state"]


def spawn_emulator(*args: str):
    """`python -m emulator serve --port 0 ARGS` as a subprocess; (process, base URL). Stop with `stop_emulator`."""
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "nemo_emulator", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "listening on " in line, line
    return proc, line.split("listening on ", 1)[1].split()[0]


def stop_emulator(proc, *, kill: bool = False) -> None:
    if kill:
        proc.kill()
    else:
        proc.terminate()
    proc.wait(10)
    if proc.stdout is not None:
        proc.stdout.close()


def until(condition, what: str, timeout: float = 10.0) -> None:
    """Wait for something the server does on its own (noticing a closed connection), not for time to pass:
    no virtual clock moves it, so this polls."""
    import time

    import pytest

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting until {what}")
        time.sleep(0.01)  # real-time: the server notices a closed socket on its own schedule


def run_conformance(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`pytest -q conformance ARGS` in a subprocess with only the plugins the suite uses. Autoloading every
    installed pytest plugin (schemathesis, respx, anyio…) costs about three seconds a start, and tests here start
    the suite dozens of times."""
    import os
    import sys

    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    plugins = ("-p", "no:cacheprovider", "-p", "nemo_conformance.plugin", "-p", "_hypothesis_pytestplugin")
    cmd = [sys.executable, "-m", "pytest", "-q", *plugins, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
