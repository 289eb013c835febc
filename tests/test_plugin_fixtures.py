"""The installed pytest plugin gives downstream projects a ready emulator, client and fault injector."""

from __future__ import annotations

import pytest

from nemo_client import NemoClient, SessionNotFound


def test_nemo_client_fixture_has_token_and_session(nemo_client: NemoClient, nemo_emulator: str) -> None:
    assert nemo_client.base_url == nemo_emulator
    assert nemo_client.balance()["available"] == 100
    assert nemo_client.state()["session_id"] == nemo_client.session_id


def test_nemo_faults_context_manager(nemo_client: NemoClient, nemo_faults) -> None:
    with nemo_faults.fault(kind="error", code=1002, route="/api/state/"), pytest.raises(SessionNotFound):
        nemo_client.state()
    assert nemo_client.state()["session_id"] == nemo_client.session_id


def test_nemo_user_fixture_makes_registered_users(nemo_user, nemo_faults) -> None:
    pro = nemo_user(plan="pro", credits=500)
    assert pro.plan == "pro" and pro.token.startswith("nmv_usr_")
    with pro.gateway() as gw:
        assert gw.balance()["available"] == 500
        project = gw.create_project("from the fixture")["project_id"]
        with nemo_faults.running():
            assert gw.chat(project, "generate a 5 second video of a beach").completed
        assert gw.balance()["total_consumed"] == 100
    with NemoClient(pro.base_url, token=pro.token) as mega:  # the same token works on the mega API
        assert mega.balance()["available"] == 400
