"""Faults, the journal and the clock on the MCP surface, met by the official SDK client: a failed tool, a token that
expires under it, a broken token endpoint, and JSON-RPC calls journaled by tool name."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from nemo_client import McpConnection
from nemo_client._mcp import Tokens
from tests.conftest import Server


@pytest.fixture(scope="module")
def emulator(server_factory_module: Any) -> Server:
    return server_factory_module(clock_mode="auto", journal_size=200)


@pytest.fixture
def control(emulator: Server) -> Any:
    with httpx.Client(base_url=emulator.url, timeout=30) as http:
        yield http
        http.delete("/_emulator/faults")


def _user(control: httpx.Client, email: str) -> dict[str, Any]:
    data: dict[str, Any] = control.post("/_emulator/users", json={"email": email, "plan": "creator",
                                                                   "credits": 500}).json()  # fmt: skip
    return data


def test_a_fault_fails_one_named_tool_once(control: httpx.Client, emulator: Server) -> None:
    user = _user(control, "fault-tool@x.test")
    made = control.post("/_emulator/faults", json={"kind": "fail_tool", "tool": "get_credits", "code": 503,
                                                   "message": "billing is down"})  # fmt: skip
    assert made.status_code == 201, made.text
    with McpConnection(emulator.url, login_hint=user["email"]) as mcp:
        assert not mcp.call("create_video_project").is_error  # another tool: untouched
        failed = mcp.call("get_credits")
        assert failed.is_error and failed.structured_content["code"] == 503
        assert failed.structured_content["message"] == "billing is down"
        assert mcp.call("get_credits").structured_content["available"] == 500  # used up
    assert control.get("/_emulator/faults").json()["faults"] == []


def test_an_expired_token_mid_session_is_refreshed_by_the_client(control: httpx.Client, emulator: Server) -> None:
    user = _user(control, "fault-expire@x.test")
    storage = Tokens()
    with McpConnection(emulator.url, login_hint=user["email"], storage=storage) as mcp:
        first = storage.tokens.access_token
        control.post("/_emulator/faults", json={"kind": "expire_token", "route": "/mcp"})
        assert mcp.call("get_credits").structured_content["available"] == 500  # 401: the SDK signed in again
        assert storage.tokens.access_token != first
        assert emulator.store.oauth.grant_of(first) is None
    grants = [g for g in control.get("/_emulator/oauth").json()["grants"] if g["user_id"] == user["user_id"]]
    assert len(grants) == 2 and grants[1]["access_tokens"] == 1  # the first grant's token is spent
    refused = control.get("/_emulator/requests?path=/mcp&status=401").json()["requests"]
    assert refused and "expired" in refused[-1]["response_body"]


def test_a_broken_token_endpoint_answers_in_oauth_json(control: httpx.Client, emulator: Server) -> None:
    user = _user(control, "fault-token@x.test")
    control.post("/_emulator/faults", json={"kind": "error", "route": "/oauth/token", "code": 503, "times": 1})
    with pytest.raises(Exception, match=r"Token exchange failed \(503\)"):
        McpConnection(emulator.url, login_hint=user["email"]).close()
    refused = [e for e in control.get("/_emulator/requests?path=/oauth/token").json()["requests"]
               if e["status"] == 503]  # fmt: skip
    assert refused and '"error":"temporarily_unavailable"' in refused[-1]["response_body"]
    with McpConnection(emulator.url, login_hint=user["email"]) as mcp:  # the fault is used up
        assert mcp.call("get_credits").structured_content["available"] == 500


def test_the_journal_names_each_calls_tool_and_hides_tokens(control: httpx.Client, emulator: Server) -> None:
    user = _user(control, "journal@x.test")
    with McpConnection(emulator.url, login_hint=user["email"]) as mcp:
        mcp.call("get_credits")
        mcp.call("create_video_project", name="journaled")
    calls = [e for e in control.get("/_emulator/requests?tool=create_video_project").json()["requests"]
             if "journaled" in e["request_body"]]  # fmt: skip
    assert len(calls) == 1 and calls[0]["path"] == "/mcp" and calls[0]["status"] == 200
    assert "journaled" in calls[0]["request_body"]
    everything = control.get("/_emulator/requests?limit=1000").text
    assert "mcp_at_<redacted>" in everything and "mcp_rt_<redacted>" in everything
    tokens = emulator.store.oauth
    assert not any(t in everything for t in [*tokens.access, *tokens.refresh])


def test_the_clock_ages_access_tokens_into_401(control: httpx.Client, emulator: Server) -> None:
    user = _user(control, "clock@x.test")
    storage = Tokens()
    with McpConnection(emulator.url, login_hint=user["email"], storage=storage):
        token = storage.tokens.access_token
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}  # fmt: skip
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"}
    assert control.post("/mcp", json=init, headers=headers).status_code == 200
    control.post("/_emulator/clock", json={"advance": 3599})
    assert control.post("/mcp", json=init, headers=headers).status_code == 200
    control.post("/_emulator/clock", json={"advance": 2})
    late = control.post("/mcp", json=init, headers=headers)
    assert late.status_code == 401 and "expired" in late.json()["error_description"]


def test_tool_errors_map_to_the_clients_exception_tree(control: httpx.Client, emulator: Server) -> None:
    from nemo_client import Conflict, Forbidden, NotFound, OutOfCredits

    free = control.post("/_emulator/users", json={"email": "tree@x.test", "plan": "free", "credits": 0}).json()
    with McpConnection(emulator.url, login_hint=free["email"]) as mcp:
        made = mcp.result("create_video_project")
        with pytest.raises(OutOfCredits) as broke:
            mcp.result("generate_video", prompt="waves", duration=3, idempotency_key="k")
        assert broke.value.code == 402 and broke.value.data["error"] == "insufficient_credits"
        with pytest.raises(Forbidden, match="plan required"):
            mcp.result("render_video", project_id=made["project_id"])
        with pytest.raises(NotFound):
            mcp.result("get_video_project", project_id="nope")
        template = '<draft fps="30" width="64" height="64" duration="1000"></draft>'
        mcp.result("save_v3_draft", project_id=made["project_id"], session_id=made["session_id"],
                   main_template=template, base_version=0)  # fmt: skip
        with pytest.raises(Conflict) as lost:
            mcp.result("save_v3_draft", project_id=made["project_id"], session_id=made["session_id"],
                       main_template=template, base_version=0)  # fmt: skip
        assert lost.value.data["version"] == 1 and "<draft" in lost.value.data["main_template"]
