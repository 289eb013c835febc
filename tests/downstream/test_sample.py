"""A sample downstream project, run from a wheel installed outside the repository (tests/test_wheel.py).

It uses the installed plugin's fixtures and keeps its own `client` module and Hypothesis profile.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import client
from nemo_client import NemoClient, SessionNotFound


def test_our_own_client_module_is_ours() -> None:
    assert client.WHO == "downstream" and "downstream" in client.greet()


def test_our_hypothesis_profile_survives_the_plugin() -> None:
    assert settings.default.max_examples == 7


@given(st.integers())
def test_hypothesis_runs_with_our_profile(n: int) -> None:
    assert isinstance(n, int)


def test_nemo_client_fixture(nemo_client: NemoClient, nemo_emulator: str) -> None:
    assert nemo_client.base_url == nemo_emulator
    assert nemo_client.balance()["available"] == 100
    turn = nemo_client.chat("add a title 'From a wheel' 0-2s")
    assert turn.tool_calls or turn.texts


def test_nemo_faults_fixture(nemo_client: NemoClient, nemo_faults) -> None:
    with nemo_faults.fault(kind="error", code=1002, route="/api/state/"), pytest.raises(SessionNotFound):
        nemo_client.state()
    assert nemo_client.state()["session_id"] == nemo_client.session_id


def test_sample_media_ship_with_the_package(nemo_client: NemoClient, nemo_media) -> None:
    uploaded = nemo_client.upload(nemo_media / "sample.mp4")
    assert uploaded["files"][0]["file_type"] == "video"


def test_the_inspector_ships_with_the_package(nemo_emulator: str) -> None:
    import httpx

    page = httpx.get(f"{nemo_emulator}/_emulator/ui")
    assert page.status_code == 200 and "/_emulator/ui/app.js" in page.text
    for name in ("app.js", "style.css"):
        assert httpx.get(f"{nemo_emulator}/_emulator/ui/{name}").status_code == 200


def test_nemo_user_fixture_on_the_gateway_and_the_mega_api(nemo_user) -> None:
    user = nemo_user(plan="pro", credits=300)
    with user.gateway() as gateway:
        assert gateway.balance()["available"] == 300
        project = gateway.create_project("from a wheel")
    with NemoClient(user.base_url, token=user.token) as mega:
        assert mega.balance()["available"] == 300
        assert mega.state(project["session"]["session_id"])["task_id"] == project["project_id"]


def test_nemo_mcp_fixture_signs_in_and_calls_tools(nemo_mcp) -> None:
    assert "get_credits" in nemo_mcp.tools()
    credits = nemo_mcp.call("get_credits").structured_content
    assert credits["available"] == 1000
    made = nemo_mcp.call("create_video_project", name="from a wheel").structured_content
    assert made["version"] == 0
