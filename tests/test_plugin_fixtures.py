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
