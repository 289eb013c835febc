"""The gateway (`mega-x-api`, protocol Appendix A): its routes and envelopes, the /ws/chat framing and close
codes, and a project being the mega API's task."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest

from nemo_client import GatewayClient
from nemo_conformance.gateway_checks import GatewayTarget, frame_is_known, gateway_reply

GatewayFactory = Callable[..., GatewayClient]


@pytest.fixture
def gateway(gateway_target: GatewayTarget) -> Iterator[GatewayFactory]:
    """Factory of GatewayClients, each for a user of its own (or the run's API key). On an emulator its timers
    are fired meanwhile, so a turn's waits pass."""
    made: list[GatewayClient] = []

    def make(credits: int = 100_000) -> GatewayClient:
        client = gateway_target.client(gateway_target.new_token(credits))
        made.append(client)
        return client

    with gateway_target.timers():
        yield make
    for client in made:
        client.close()


def test_verify_and_balance_read_the_same_user(gateway: GatewayFactory) -> None:
    gw = gateway()
    me = gw.verify()
    billing = gw.balance()
    assert me["user_id"] and me["balance"] == billing["available"]
    assert set(billing) >= {"available", "frozen", "total_granted", "total_consumed"}


def test_a_bad_token_is_1010_with_401(gateway_target: GatewayTarget) -> None:
    with httpx.Client(base_url=gateway_target.url, event_hooks={"response": [gateway_reply]}) as http:
        r = http.get("/billing/balance", headers={"Authorization": "Bearer nmv_usr_not-a-real-token"})
    assert r.status_code == 401 and r.json()["code"] in (1010, 1011)


def test_projects_are_created_listed_and_read(gateway: GatewayFactory) -> None:
    gw = gateway()
    made = gw.create_project()
    pid = made["project_id"]
    assert made["session"]["session_id"] and made["session"]["project_id"] == pid
    assert pid in [p["project_id"] for p in gw.projects()]
    assert gw.project(pid)["project_id"] == pid
    assert gw.session_of(pid) == made["session"]["session_id"]
    state = gw.state(pid)
    assert "project" in state and "version" in state


def test_another_users_project_is_invisible(gateway: GatewayFactory, gateway_target: GatewayTarget) -> None:
    if gateway_target.token is not None:
        pytest.skip("needs two users; a live run has one API key")
    pid = gateway().create_project()["project_id"]
    with httpx.Client(base_url=gateway_target.url, event_hooks={"response": [gateway_reply]}) as http:
        r = http.get(f"/projects/{pid}", headers={"Authorization": f"Bearer {gateway_target.new_token()}"})
    assert r.status_code == 404


def test_usage_history_pages(gateway: GatewayFactory) -> None:
    gw = gateway()
    headers = {"Authorization": f"Bearer {gw.token}"}
    page = gw.http.get("/billing/usage/conversations?page_no=1&page_size=1", headers=headers).json()["data"]
    assert set(page) >= {"items", "total", "page_no", "page_size", "total_pages", "has_next", "has_prev"}
    assert page["page_size"] == 1 and len(page["items"]) <= 1 and page["has_prev"] is False
    assert page["has_next"] == (page["total"] > 1)
    assert gw.http.get("/billing/usage/conversations?page_size=101", headers=headers).status_code == 400


@pytest.mark.costs(20)
def test_a_chat_is_framed_and_ends_with_one_done(gateway: GatewayFactory, gateway_target: GatewayTarget) -> None:
    gw = gateway()
    pid = gw.create_project()["project_id"]
    before = gw.balance()
    result = gw.chat(pid, "generate a 5-second video of waves on a beach")
    for frame in result.frames:
        frame_is_known(frame)
    kinds = [f["type"] for f in result.frames]
    assert result.completed, result.error
    assert kinds.index("session_ready") < kinds.index("message_accepted") and kinds.count("done") == 1
    assert kinds[-1] == "done" and any(k in kinds for k in ("text", "chunk", "tool_start", "toolcall_start"))
    if gateway_target.token is None:
        after = gw.balance()
        assert after["total_consumed"] > before["total_consumed"], "a paid turn left total_consumed as it was"
        assert after["available"] + after["frozen"] < before["available"] + before["frozen"]


def test_ping_gets_pong(gateway: GatewayFactory) -> None:
    gw = gateway()
    sid = gw.session_of(gw.create_project()["project_id"])
    from websockets.sync.client import connect

    with connect(gw.ws_url(sid), open_timeout=30) as ws:
        while json.loads(ws.recv(timeout=60))["type"] != "session_ready":
            pass
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=30))["type"] == "pong"


def test_close_codes_for_a_bad_token_and_no_session(gateway: GatewayFactory, gateway_target: GatewayTarget) -> None:
    from websockets.exceptions import ConnectionClosed, InvalidStatus
    from websockets.sync.client import connect

    base = gateway_target.url.replace("http", "ws", 1) + "/ws/chat"
    refused: InvalidStatus | None = None
    try:  # either reading of A.4: accept, then close 4001; or refuse the handshake with 403 "invalid token"
        with connect(f"{base}?token=nmv_usr_bad&session_id=1", open_timeout=30) as ws:
            with pytest.raises(ConnectionClosed) as bad:
                ws.recv(timeout=30)
            assert bad.value.rcvd is not None and bad.value.rcvd.code == 4001
    except InvalidStatus as exc:
        refused = exc
    if refused is not None:
        assert refused.response.status_code == 403 and b"invalid token" in refused.response.body.lower()
    token = gateway_target.new_token()
    with connect(f"{base}?token={token}", open_timeout=30) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=30)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4002


def test_a_project_is_the_mega_apis_task(gateway: GatewayFactory, gateway_target: GatewayTarget) -> None:
    if gateway_target.mega_url is None:
        pytest.skip("pass --nemo-base-url for the mega API the same user reaches")
    gw = gateway()
    made = gw.create_project("identity check")
    sid = made["session"]["session_id"]
    with httpx.Client(base_url=gateway_target.mega_url) as http:
        r = http.get(f"/api/state/nemo_agent/me/{sid}/latest", headers={"Authorization": f"Bearer {gw.token}"})
    assert r.status_code == 200 and r.json()["data"]["task_id"] == made["project_id"]
    assert r.json()["data"]["state"]["draft"] == (gw.state(made["project_id"])["project"].get("timeline_draft")
                                                  or r.json()["data"]["state"]["draft"])  # fmt: skip
