"""The official `mcp` SDK client against the MCP surface over a real loopback socket: OAuth 2.1 sign-in (discovery,
DCR, PKCE S256), refresh with rotation, a replayed refresh token refused (and its grant revoked), then every tool."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from mcp.shared.exceptions import MCPError
from PIL import Image

from nemo_client import McpConnection, connect_mcp
from nemo_client._mcp import Tokens
from nemo_protocol import v3
from nemo_protocol.mcp import TOOLS
from tests.conftest import Server

SAMPLE = Path("conformance/media/sample.mp4")


@pytest.fixture(scope="module")
def emulator(server_factory_module: Any) -> Server:
    return server_factory_module(clock_mode="auto", render_max_height=240)


def _user(server: Server, plan: str = "creator", credits: int = 1000) -> dict[str, Any]:
    n = len(server.store.accounts.users)
    r = httpx.post(f"{server.url}/_emulator/users", json={"email": f"mcp{n}@x.test", "plan": plan, "credits": credits})
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


def data(result: Any) -> dict[str, Any]:
    assert result.structured_content is not None, result
    out: dict[str, Any] = result.structured_content
    return out


def test_sign_in_refresh_and_a_replayed_refresh_token(emulator: Server) -> None:
    user = _user(emulator)
    storage = Tokens()
    with McpConnection(emulator.url, login_hint=user["email"], storage=storage) as mcp:
        assert data(mcp.call("get_credits"))["available"] == 1000
        first = storage.tokens
        assert first.access_token.startswith("mcp_at_") and first.refresh_token.startswith("mcp_rt_")
        assert first.expires_in == 3600
        client = storage.client
        emulator.store.clock.advance(3601)  # the access token has lived its hour
        mcp.expire_locally()  # and the client is told so (it counts expiry on the wall clock)
        assert data(mcp.call("get_credits"))["available"] == 1000  # the SDK refreshed it
        second = storage.tokens
        assert second.access_token != first.access_token and second.refresh_token != first.refresh_token
    with httpx.Client(base_url=emulator.url) as http:
        replay = http.post("/oauth/token", data={"grant_type": "refresh_token", "refresh_token": first.refresh_token,
                                                 "client_id": client.client_id,
                                                 "client_secret": client.client_secret or ""})  # fmt: skip
        assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
        # the replay revoked the whole grant: the tokens it rotated into are dead too
        r = http.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                      headers={"Authorization": f"Bearer {second.access_token}",
                               "Accept": "application/json, text/event-stream"})  # fmt: skip
        assert r.status_code == 401
        again = http.post("/oauth/token", data={"grant_type": "refresh_token", "refresh_token": second.refresh_token,
                                                "client_id": client.client_id,
                                                "client_secret": client.client_secret or ""})  # fmt: skip
        assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_unauthenticated_requests_are_told_where_to_sign_in(emulator: Server) -> None:
    with httpx.Client(base_url=emulator.url) as http:
        r = http.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "initialize"},
                      headers={"Origin": "https://agent.example"})  # fmt: skip
        assert r.status_code == 401
        challenge = r.headers["www-authenticate"]
        assert challenge.startswith("Bearer ") and 'resource_metadata="' in challenge
        assert "WWW-Authenticate" in r.headers["access-control-expose-headers"]
        metadata_url = challenge.split('resource_metadata="', 1)[1].split('"', 1)[0]
        prm = http.get(metadata_url).json()
        assert prm["resource"] == f"{emulator.url}/mcp" and prm["bearer_methods_supported"] == ["header"]
        assert http.get("/.well-known/oauth-protected-resource").json()["resource"] == prm["resource"]
        asm = http.get("/.well-known/oauth-authorization-server").json()
        assert asm["code_challenge_methods_supported"] == ["S256"]
        assert {asm[k].rsplit("/", 1)[-1] for k in ("authorization_endpoint", "token_endpoint",
                                                    "registration_endpoint", "revocation_endpoint")} == {
            "authorize", "token", "register", "revoke"}  # fmt: skip
        assert set(asm["grant_types_supported"]) >= {"authorization_code", "refresh_token"}
        preflight = http.options("/mcp", headers={"Origin": "https://agent.example",
                                                  "Access-Control-Request-Method": "POST"})  # fmt: skip
        assert preflight.status_code == 204 and "Mcp-Session-Id" in preflight.headers["access-control-allow-headers"]


def test_every_listed_tool_works_on_the_shared_world(emulator: Server, tmp_path: Path) -> None:
    user = _user(emulator, credits=1000)
    called: set[str] = set()
    with McpConnection(emulator.url, login_hint=user["email"]) as mcp:

        def call(tool: str, /, **args: Any) -> dict[str, Any]:
            result = mcp.call(tool, **args)
            assert not result.is_error, (tool, result.structured_content)
            called.add(tool)
            return data(result)

        assert sorted(mcp.tools()) == sorted(t.name for t in TOOLS)
        made = call("create_video_project", name="mcp film")
        pid, sid = made["project_id"], made["session_id"]
        assert made["version"] == 0
        assert call("get_credits")["available"] == 1000

        # assets: a URL the server can reach (its own /cdn/ link of a file uploaded through the mega API)
        with httpx.Client(base_url=emulator.url) as http:
            h = {"Authorization": f"Bearer {user['token']}"}
            up = http.post(f"/api/upload-video/nemo_agent/me/{sid}", files={"files": ("s.mp4", SAMPLE.read_bytes())},
                           headers=h).json()["data"]["files"][0]  # fmt: skip
        asset = call("upload_asset", project_id=pid, download_url=up["cdn_url"], filename="shot.mp4")
        assert asset["asset_url"].startswith("asset://media/") and asset["mime_type"] == "mp4"

        # drafts: save, read back, lose a race on base_version
        project = call("get_video_project", project_id=pid)
        assert project["has_draft"] is False and project["main_template"] == ""
        template = (f'<draft fps="30" width="1280" height="720" duration="3000">'
                    f'<track id="v" type="video"><clip id="c1" in="0" out="3000"><video src="{asset["asset_url"]}" />'
                    f'</clip></track><track id="t" type="text"><clip id="t1" in="0" out="1500" data-title="true">'
                    f'<div style="color: #FFFFFF; font-size: 40px">Hello MCP</div></clip></track></draft>')  # fmt: skip
        saved = call("save_v3_draft", project_id=pid, session_id=sid, main_template=template,
                     base_version=project["version"])  # fmt: skip
        assert saved["version"] == project["version"] + 1
        lost = mcp.call("save_v3_draft", project_id=pid, session_id=sid, main_template=template,
                        base_version=project["version"])  # fmt: skip
        assert lost.is_error and data(lost)["code"] == 409
        assert data(lost)["version"] == saved["version"] and "Hello MCP" in data(lost)["main_template"]
        bad = mcp.call("save_v3_draft", project_id=pid, session_id=sid, base_version=saved["version"],
                       main_template=template.replace('out="1500"', 'out="9000"'))  # fmt: skip
        assert bad.is_error and data(bad)["code"] == 400
        assert data(bad)["errors"][0]["element"] == "clip" and data(bad)["errors"][0]["attribute"] == "out"
        reread = call("get_video_project", project_id=pid)
        assert reread["has_draft"] and v3.parse(reread["main_template"])["t"][1]["sg"][0]["tx"] == "Hello MCP"

        # the same draft through the mega API, its version counted with theirs
        with httpx.Client(base_url=emulator.url) as http:
            state = http.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=h).json()["data"]["state"]
        assert state["draft"]["t"][1]["sg"][0]["tx"] == "Hello MCP"

        # frames, preview, review
        frame = mcp.call("get_project_frame", project_id=pid, frame=15)
        called.add("get_project_frame")
        image = next(c for c in frame.content if c.type == "image")
        picture = Image.open(io.BytesIO(base64.b64decode(image.data)))
        assert picture.format == "PNG" and picture.size == (426, 240)
        assert mcp.call("get_project_frame", project_id=pid, frame=90).is_error  # past the end (3 s at 30 fps)
        preview = mcp.call("preview_video", project_id=pid)
        called.add("preview_video")
        player = next(c for c in preview.content if c.type == "resource")
        assert player.resource.mime_type == "text/html;profile=mcp-app" and str(player.resource.uri).startswith("ui://")
        review = call("review_v3_draft", project_id=pid)
        assert review["exportable"] and len(review["frames"]) == 3
        assert call("resolve_project_resource_versions", project_id=pid)["resources"] == []

        # generation: billed once per key; video asynchronous, a sound effect at once
        before = call("get_credits")["available"]
        gen = call("generate_video", prompt="waves at dusk", duration=4, idempotency_key="clip-1")
        again = call("generate_video", prompt="waves at dusk", duration=4, idempotency_key="clip-1")
        assert gen["generation_id"] == again["generation_id"] and again["billed"] is False
        assert call("get_credits")["available"] == before - 100
        too_long = mcp.call("generate_video", prompt="a long film", duration=30, idempotency_key="clip-2")
        assert too_long.is_error and data(too_long)["code"] == 422
        status = call("get_generation_status", generation_id=gen["generation_id"], generation_type="video")
        while status["status"] != "succeeded":
            emulator.store.clock.advance(60)
            status = call("get_generation_status", generation_id=gen["generation_id"], generation_type="video")
        assert httpx.get(status["media_url"]).headers["content-type"] == "video/mp4"
        effect = call("generate_audio", kind="sound_effect", prompt="a door slams", duration=1, idempotency_key="sfx")
        assert effect["status"] == "succeeded" and httpx.get(effect["media_url"]).content[:4] == b"RIFF"

        # a real MP4 render
        job = call("render_video", project_id=pid)
        state_ = call("get_render_status", render_id=job["render_id"])
        while state_["status"] != "completed":
            emulator.store.clock.advance(30)
            state_ = call("get_render_status", render_id=job["render_id"])
        out = tmp_path / "render.mp4"
        out.write_bytes(httpx.get(state_["download_url"]).content)
        with av.open(str(out)) as container:
            assert container.streams.video[0].codec_context.name == "h264"
            assert abs(float(container.duration or 0) / av.time_base - 3.0) < 0.2

        # the delegated agent, in an empty project: a question (awaiting_input), its answer, stopped
        empty = call("create_video_project", name="agent film")
        pid, sid = empty["project_id"], empty["session_id"]
        saved = {"version": 0}
        turn = call("delegate_to_nemo_agent", session_id=sid, message="add some music")
        assert turn["ok"] is False and turn["turn_state"] == "running"
        seen = _poll(mcp, call, sid, turn["turn_id"], ("awaiting_input", "stopped"))
        if seen["turn_state"] == "awaiting_input":
            question = next(e for e in reversed(seen["events"]) if e["name"] == "ask_question")
            label = question["args"]["questions"][0]["options"][0]["label"]
            answer = call("delegate_to_nemo_agent", session_id=sid, message=label)
            seen = _poll(mcp, call, sid, answer["turn_id"], ("stopped",))
        else:
            pytest.fail(f"the agent did not ask: {seen}")
        assert seen["runtime_statuses"] == ["completed"] and seen["ok"] is True
        assert any(e["type"] == "tool_call" for e in seen["events"])
        assert call("get_video_project", project_id=pid)["version"] > saved["version"]  # the agent's edit counted
        long_turn = call("delegate_to_nemo_agent", session_id=sid, message="generate a 10 second video of a forest")
        cancelled = call("cancel_nemo_agent_turn", session_id=sid, turn_id=long_turn["turn_id"])
        assert cancelled["runtime_statuses"] == ["user_abort"]

        # platform resources (a creator account)
        made_r = call("create_platform_resources", items=[
            {"title": "Neon lower third", "type_key": "graphics", "body": "<div class='neon'>{name}</div>",
             "tags": ["neon", "lower-third"], "idempotency_key": "r1"},
            {"title": "bad", "type_key": "text", "body": "x", "idempotency_key": "r2",
             "update": {"resource_id": "res_missing", "base_resource_version_id": "v", "base_version": 1,
                        "expected_resource_revision": 1}}])  # fmt: skip
        assert made_r["ok"] is False and made_r["items"][0]["ok"] and not made_r["items"][1]["ok"]
        resource = made_r["items"][0]["resource"]
        rid, vid = resource["resource_id"], resource["resource_version_id"]
        assert call("search_resources", query="neon")["resources"][0]["resource_id"] == rid
        assert call("get_platform_resource", resource_id=rid)["title"] == "Neon lower third"
        call("preview_platform_resource", resource_id=rid, resource_version_id=vid, version=1)
        attached = call("attach_platform_resource", resource_id=rid, resource_version_id=vid, version=1,
                        content_digest=resource["content_digest"], idempotency_key="a1")  # fmt: skip
        assert attached["track_type"] == "graphics" and rid in attached["use_node"]
        pubs = call("list_resource_publications", resource_id=rid)
        assert pubs["cover_state"] == "CONTENT_READY"
        published = call("publish_platform_resource", resource_id=rid, resource_version_id=vid,
                         expected_revision=pubs["expected_revision"])  # fmt: skip
        stale = mcp.call("unpublish_platform_resource", resource_id=rid, expected_revision=pubs["expected_revision"])
        assert stale.is_error and data(stale)["code"] == 409
        update = call("create_platform_resources", items=[
            {"title": "Neon lower third v2", "type_key": "graphics", "body": "<div>v2</div>", "idempotency_key": "r3",
             "update": {"resource_id": rid, "base_resource_version_id": vid, "base_version": 1,
                        "expected_resource_revision": published["expected_revision"]}}])  # fmt: skip
        v2 = update["items"][0]["resource"]
        newer = call("publish_platform_resource", resource_id=rid, resource_version_id=v2["resource_version_id"],
                     expected_revision=v2["resource_revision"])  # fmt: skip
        back = call("rollback_platform_resource", resource_id=rid, resource_version_id=vid,
                    expected_revision=newer["expected_revision"])  # fmt: skip
        call("unpublish_platform_resource", resource_id=rid, expected_revision=back["expected_revision"])

        # one ledger: what MCP spent, the mega API and the gateway report too
        spent = 1000 - call("get_credits")["available"]
    with httpx.Client(base_url=emulator.url, headers={"Authorization": f"Bearer {user['token']}"}) as http:
        assert http.get("/api/credits/balance/simple").json()["data"]["available"] == 1000 - spent
        assert http.get("/billing/balance").json()["data"]["total_consumed"] == spent
    assert called == {t.name for t in TOOLS}


def _poll(mcp: McpConnection, call: Any, sid: str, turn_id: str, until: tuple[str, ...]) -> dict[str, Any]:
    for _ in range(200):
        seen = call("get_nemo_agent_turn", session_id=sid, turn_id=turn_id)
        if seen["turn_state"] in until:
            return seen
        mcp.run(_yield())
    pytest.fail(f"turn {turn_id} stayed {seen['turn_state']}")


async def _yield() -> None:
    import asyncio

    await asyncio.sleep(0.02)  # real-time: lets the server's loop run the turn between two polls


def token_for(server: Server, email: str, scopes: list[str]) -> str:
    """An access token for exactly `scopes`, signed in by hand: DCR, authorize with PKCE S256, code exchange."""
    import hashlib
    import secrets
    from urllib.parse import parse_qs, urlsplit

    with httpx.Client(base_url=server.url) as http:
        client = http.post("/oauth/register", json={"client_name": "by hand", "redirect_uris": ["http://127.0.0.1:9/cb"],
                                                    "token_endpoint_auth_method": "none"}).json()  # fmt: skip
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        r = http.get("/oauth/authorize", params={"response_type": "code", "client_id": client["client_id"],
                                                 "redirect_uri": "http://127.0.0.1:9/cb", "scope": " ".join(scopes),
                                                 "code_challenge": challenge, "code_challenge_method": "S256",
                                                 "state": "s", "login_hint": email})  # fmt: skip
        assert r.status_code == 302, r.text
        code = parse_qs(urlsplit(r.headers["location"]).query)["code"][0]
        exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:9/cb",
                    "client_id": client["client_id"]}  # fmt: skip
        plain = http.post("/oauth/token", data={**exchange, "code_verifier": "wrong" + verifier})
        assert plain.status_code == 400  # PKCE: a wrong verifier gets nothing
        token = http.post("/oauth/token", data={**exchange, "code_verifier": verifier}).json()
    assert set(token["scope"].split()) <= set(scopes), token
    access: str = token["access_token"]
    return access


def test_scopes_plans_and_credits_are_enforced(emulator: Server) -> None:
    reader = _user(emulator, plan="free", credits=50)
    token = token_for(emulator, reader["email"], ["billing:read", "workspace:write", "render:write", "video:generate",
                                                  "platform:read"])  # fmt: skip
    grant = emulator.store.oauth.grant_of(token)
    assert grant is not None and "platform:read" not in grant.scopes  # platform scopes are for creators only
    with McpConnection(emulator.url, token=token) as mcp:
        tools = mcp.tools()
        assert "get_credits" in tools and "delegate_to_nemo_agent" not in tools and "search_resources" not in tools
        project = data(mcp.call("create_video_project"))
        plan = mcp.call("render_video", project_id=project["project_id"])
        assert plan.is_error and data(plan)["code"] == 403 and "plan required" in data(plan)["message"]
        broke = mcp.call("generate_video", prompt="waves", duration=3, idempotency_key="k")
        assert broke.is_error and data(broke)["code"] == 402
        with pytest.raises(Exception, match="error response"):  # not granted: refused before any tool runs
            mcp.call("get_video_project", project_id=project["project_id"])
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "get_video_project",
                                                                          "arguments": {"project_id": "x"}}}
    r = httpx.post(f"{emulator.url}/mcp", json=call, headers={"Authorization": f"Bearer {token}",
                                                              "Accept": "application/json, text/event-stream"})
    assert r.status_code == 403 and r.json() == {"error": "insufficient_scope", "scope": "video:read",
                                                 "error_description": r.json()["error_description"]}
    assert 'error="insufficient_scope"' in r.headers["www-authenticate"] and 'scope="video:read"' in r.headers[
        "www-authenticate"]  # fmt: skip


def test_a_bearer_from_another_sign_in_and_consent_modes(emulator: Server) -> None:
    user = _user(emulator)
    with httpx.Client(base_url=emulator.url) as http:
        http.post("/_emulator/oauth", json={"consent": "deny"})
        with pytest.raises(Exception, match="access_denied"):
            McpConnection(emulator.url, login_hint=user["email"]).close()
        http.post("/_emulator/oauth", json={"consent": "auto"})
        with McpConnection(emulator.url, login_hint=user["email"]) as mcp:
            assert data(mcp.call("get_credits"))["available"] == 1000
            assert http.post("/_emulator/oauth", json={"revoke_user": user["user_id"]}).json()["revoked"] == 1
            assert data(mcp.call("get_credits"))["available"] == 1000  # refused, the client signed in again
            grants = [g for g in http.get("/_emulator/oauth").json()["grants"] if g["user_id"] == user["user_id"]]
            assert [g["revoked"] for g in grants] == [True, False]
            http.post("/_emulator/oauth", json={"consent": "deny", "revoke_user": user["user_id"]})
            with pytest.raises((PermissionError, MCPError)):  # and now it may not (the SDK closes the session)
                mcp.call("get_credits")
            http.post("/_emulator/oauth", json={"consent": "auto"})
        view = http.get("/_emulator/oauth").json()
        assert any(g["user_id"] == user["user_id"] and g["revoked"] for g in view["grants"])
        assert all("token" not in json.dumps(g).lower() or "tokens" in json.dumps(g) for g in view["grants"])


def test_a_pre_obtained_token_connects_without_the_oauth_dance(emulator: Server) -> None:
    import asyncio

    user = _user(emulator)
    storage = Tokens()
    with McpConnection(emulator.url, login_hint=user["email"], storage=storage):
        token = storage.tokens.access_token

    async def ready() -> dict[str, Any]:
        async with connect_mcp(emulator.url, token=token) as session:
            return data(await session.call_tool("get_credits", {}))

    assert asyncio.run(ready())["available"] == 1000
