"""The MCP surface's settings: where B.4's errors travel, refresh-reuse detection, and serving /mcp without sign-in
(a leniency for tools that cannot do OAuth: off by default, refused off loopback, its bearer made and printed)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import httpx
import pytest

from nemo_conformance.mcp_checks import ACCEPT, INITIALIZE, OAuth, open_session
from tests.conftest import Server
from tests.helpers import spawn_emulator, stop_emulator


def _user(server: Server, plan: str = "starter", credits: int = 100) -> dict[str, Any]:
    n = len(server.store.accounts.users)
    r = httpx.post(f"{server.url}/_emulator/users", json={"email": f"set{n}@x.test", "plan": plan, "credits": credits})
    data: dict[str, Any] = r.json()
    return data


def _session(http: httpx.Client, url: str, headers: dict[str, str]) -> dict[str, str]:
    return open_session(http, f"{url}/mcp", headers)


def _call(http: httpx.Client, url: str, headers: dict[str, str], tool: str, **arguments: Any) -> httpx.Response:
    body = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
    return http.post(f"{url}/mcp", json=body, headers=headers)


def _token(server: Server, email: str) -> str:
    with httpx.Client() as http:
        token: str = OAuth(http, f"{server.url}/mcp").sign_in(email)["access_token"]
    return token


@pytest.mark.parametrize("json_response", [False, True])
def test_errors_as_http_statuses(server_factory: Any, json_response: bool) -> None:
    server = server_factory(mcp_error_carrier="http_status", mcp_json_response=json_response)
    free = _user(server, plan="free", credits=0)
    with httpx.Client(timeout=30) as http:
        headers = _session(http, server.url, {"Authorization": f"Bearer {_token(server, free['email'])}"})
        made = _call(http, server.url, headers, "create_video_project")
        assert made.status_code == 200 and "project_id" in made.text
        pid = made.text.split('"project_id":"', 1)[1].split('"', 1)[0]
        plan = _call(http, server.url, headers, "render_video", project_id=pid)
        assert plan.status_code == 403 and plan.json()["code"] == 403 and "plan" in plan.json()["message"]
        broke = _call(http, server.url, headers, "generate_video", prompt="waves", duration=3, idempotency_key="k")
        assert broke.status_code == 402 and broke.json()["error"] == "insufficient_credits"
        long = _call(http, server.url, headers, "generate_video", prompt="waves", duration=60, idempotency_key="l")
        assert long.status_code == 422
        missing = _call(http, server.url, headers, "get_video_project", project_id="nope")
        assert missing.status_code == 200 and '"isError":true' in missing.text  # 404 stays a tool result


def test_refresh_reuse_detection_can_be_turned_off(server_factory: Any) -> None:
    server = server_factory(mcp_refresh_reuse_detection=False)
    user = _user(server)
    with httpx.Client(timeout=30) as http:
        flow = OAuth(http, f"{server.url}/mcp")
        first = flow.sign_in(user["email"])
        assert flow.refresh(first["refresh_token"]).status_code == 200
        again = flow.refresh(first["refresh_token"])
        assert again.status_code == 200, again.text  # the leniency: a spent refresh token still works


def test_static_bearer_is_made_printed_and_required() -> None:
    proc, url = spawn_emulator("--set", "mcp_auth=static")
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(2)]
        printed = next(line for line in lines if "static bearer" in line)
        bearer = printed.rsplit(" ", 1)[1].strip()
        assert bearer.startswith("mcp_static_") and len(bearer) > 40
        httpx.post(f"{url}/_emulator/users", json={"email": "static@x.test", "plan": "starter"})
        with httpx.Client(timeout=30) as http:
            for wrong in ({}, {"Authorization": "Basic x"}, {"Authorization": "Bearer mcp_static_guess"}):
                assert http.post(f"{url}/mcp", json=INITIALIZE, headers={**wrong, "Accept": ACCEPT}).status_code == 401
            headers = _session(http, url, {"Authorization": f"Bearer {bearer}"})
            credits = _call(http, url, headers, "get_credits")
            assert credits.status_code == 200 and "available" in credits.text
            assert bearer not in http.get(f"{url}/_emulator/settings").text
    finally:
        stop_emulator(proc)


@pytest.mark.parametrize("mode", ["none", "static"])
def test_serving_mcp_without_sign_in_is_refused_off_loopback(mode: str) -> None:
    done = subprocess.run([sys.executable, "-m", "nemo_emulator", "serve", "--host", "0.0.0.0", "--port", "0",
                           "--set", f"mcp_auth={mode}"], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode != 0 and f"mcp_auth={mode}" in done.stderr and "refused off loopback" in done.stderr
