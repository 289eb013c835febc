"""The MCP server (protocol Appendix B): OAuth 2.1 discovery, registration, PKCE, rotation and reuse (in plain HTTP,
so that every status and header is seen), then the tools through the official SDK client: the list and its
schemas, each tool's happy path and its errors, and V3 drafts with their version conflicts."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from nemo_client import McpConnection
from nemo_conformance.checks import ConformanceFailure, never_server_error
from nemo_conformance.mcp_checks import (
    ACCEPT,
    CHALLENGE,
    INITIALIZE,
    PROTOCOL_VERSION,
    McpTarget,
    OAuth,
    oauth_error,
    pkce,
    result_data,
    tool_error,
)
from nemo_protocol.mcp import SCOPES, TOOLS

KNOWN = {t.name: t for t in TOOLS}
TEXT_DRAFT = ('<draft fps="30" width="640" height="360" duration="2000"><track id="t" type="text">'
              '<clip id="t1" in="0" out="2000"><div style="color: #FFFFFF; font-size: 40px">Conformance</div></clip>'
              '</track></draft>')  # fmt: skip


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.fixture
def oauth(mcp_target: McpTarget, http: httpx.Client) -> OAuth:
    flow = mcp_target.oauth(http)
    flow.discover()
    return flow


@pytest.fixture
def signs_in(mcp_target: McpTarget) -> McpTarget:
    if not mcp_target.signs_in:
        pytest.skip("signing in needs a person here; the sign-in checks run against an emulator")
    return mcp_target


Connect = Callable[..., McpConnection]


@pytest.fixture
def mcp(mcp_target: McpTarget) -> Iterator[Connect]:
    """Factory of connected SDK client sessions (a new user each on an emulator, whose timers run meanwhile)."""
    if mcp_target.token is None and not mcp_target.signs_in:
        pytest.skip("the tool checks need --nemo-mcp-token (an access token) against this server")
    made: list[McpConnection] = []

    def connect(plan: str = "creator", credits: int = 100_000) -> McpConnection:
        connection = mcp_target.connect(plan, credits)
        made.append(connection)
        return connection

    with mcp_target.timers():
        yield connect
    for connection in made:
        connection.close()


def call(connection: McpConnection, tool: str, /, **arguments: Any) -> dict[str, Any]:
    """A tool call that must succeed; its JSON."""
    __tracebackhide__ = True
    result = connection.call(tool, **arguments)
    if result.is_error:
        raise ConformanceFailure(f"{tool} failed", json.dumps(result_data(result))[:400])
    return result_data(result)


# -- OAuth 2.1 (B.1) -----------------------------------------------------------------------------------------------


def test_discovery_metadata_at_both_addresses(mcp_target: McpTarget, http: httpx.Client) -> None:
    for path in ("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"):
        r = http.get(mcp_target.url + path)
        never_server_error(r)
        assert r.status_code == 200, f"no protected-resource metadata at {path}"
        meta = r.json()
        assert str(meta["resource"]).rstrip("/").endswith("/mcp") and meta["authorization_servers"], meta
        assert set(meta.get("scopes_supported") or SCOPES) <= set(SCOPES) | {"offline_access"}
    issuer = str(meta["authorization_servers"][0]).rstrip("/")
    server = http.get(issuer + "/.well-known/oauth-authorization-server").json()
    assert str(server["issuer"]).rstrip("/") == issuer
    for key in ("authorization_endpoint", "token_endpoint", "registration_endpoint", "revocation_endpoint"):
        assert str(server.get(key, "")).startswith("http"), f"the authorization server names no {key}"
    if "S256" not in server.get("code_challenge_methods_supported", []):
        raise ConformanceFailure("the authorization server does not advertise PKCE S256", json.dumps(server)[:300])
    assert {"authorization_code", "refresh_token"} <= set(server.get("grant_types_supported", []))
    assert "code" in server.get("response_types_supported", [])


def test_unauthenticated_mcp_is_401_with_a_challenge_cors_can_read(mcp_target: McpTarget, http: httpx.Client) -> None:
    headers = {"Accept": "application/json, text/event-stream", "Origin": "https://agent.example"}
    for bearer in (None, "mcp_at_not-a-real-token"):
        sent = {**headers, **({"Authorization": f"Bearer {bearer}"} if bearer else {})}
        r = http.post(mcp_target.endpoint, json=INITIALIZE, headers=sent)
        never_server_error(r)
        if r.status_code != 401:
            raise ConformanceFailure(f"an unauthenticated /mcp answered {r.status_code}, not 401", r.text[:300])
        challenge = r.headers.get("www-authenticate", "")
        found = CHALLENGE.search(challenge)
        assert challenge.lower().startswith("bearer") and found, f"no resource_metadata in {challenge!r}"
        assert http.get(found.group(1)).status_code == 200, "the challenge's resource_metadata is not served"
        exposed = r.headers.get("access-control-expose-headers", "").lower()
        assert "www-authenticate" in exposed or exposed == "*", "WWW-Authenticate is not exposed to CORS"
    preflight = http.options(mcp_target.endpoint, headers={
        "Origin": "https://agent.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, mcp-session-id"})  # fmt: skip
    assert preflight.status_code in (200, 204)
    assert "authorization" in preflight.headers.get("access-control-allow-headers", "").lower()


def test_dynamic_client_registration(oauth: OAuth) -> None:
    r = oauth.register()
    assert r.status_code == 201, r.text
    client = r.json()
    assert client["client_id"] and client["redirect_uris"] == ["http://127.0.0.1:9/callback"]
    oauth_error(oauth.register(redirect_uris=[]), 400, "invalid_redirect_uri", "invalid_client_metadata")
    oauth_error(oauth.register(redirect_uris=["not a uri"]), 400, "invalid_redirect_uri", "invalid_client_metadata")


def test_pkce_s256_is_required(oauth: OAuth) -> None:
    oauth.register()
    _, challenge = pkce()
    for refused in (oauth.authorize(None), oauth.authorize(challenge, method="plain")):
        location = refused.headers.get("location", "")
        if refused.status_code in (302, 303):
            assert "error=" in location and "code=" not in location, f"no PKCE, yet a code: {location[:200]}"
        else:
            assert refused.status_code == 400, f"an authorization request without S256 got {refused.status_code}"


def test_a_code_needs_its_verifier_and_works_once(signs_in: McpTarget, oauth: OAuth) -> None:
    oauth.register()
    verifier, challenge = pkce()
    code = oauth.code(challenge, signs_in.user()["email"])
    oauth_error(oauth.exchange(code, "x" * 43 + verifier[:10]), 400, "invalid_grant")
    r = oauth.exchange(code, verifier)
    assert r.status_code == 200, r.text
    tokens = r.json()
    assert tokens["token_type"].lower() == "bearer" and tokens["access_token"] and tokens["refresh_token"]
    assert tokens["expires_in"] == 3600, "access tokens live one hour"
    assert r.headers.get("cache-control", "").lower() == "no-store"
    oauth_error(oauth.exchange(code, verifier), 400, "invalid_grant")


def test_refresh_rotates_and_a_replay_revokes_the_family(signs_in: McpTarget, oauth: OAuth) -> None:
    first = oauth.sign_in(signs_in.user()["email"])
    r = oauth.refresh(first["refresh_token"])
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"], "the refresh token did not rotate"
    assert second["access_token"] != first["access_token"]
    replay = oauth.refresh(first["refresh_token"])
    if replay.status_code == 200:
        raise ConformanceFailure("a replayed refresh token was exchanged again", replay.text[:300])
    oauth_error(replay, 400, "invalid_grant")
    oauth_error(oauth.refresh(second["refresh_token"]), 400, "invalid_grant")  # the family went with it
    assert _initialize(oauth.http, oauth.resource, second["access_token"]).status_code == 401


def test_a_revoked_access_token_is_refused(signs_in: McpTarget, oauth: OAuth) -> None:
    tokens = oauth.sign_in(signs_in.user()["email"])
    assert _initialize(oauth.http, oauth.resource, tokens["access_token"]).status_code == 200
    r = oauth.http.post(oauth.metadata["revocation_endpoint"],
                        data={"token": tokens["access_token"], "client_id": oauth.client["client_id"]})  # fmt: skip
    assert r.status_code == 200, r.text
    assert _initialize(oauth.http, oauth.resource, tokens["access_token"]).status_code == 401


def test_a_tool_without_its_scope_is_403_insufficient_scope(signs_in: McpTarget, oauth: OAuth) -> None:
    tokens = oauth.sign_in(signs_in.user()["email"], scope="billing:read")
    assert set(tokens.get("scope", "billing:read").split()) == {"billing:read"}
    call_ = {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
             "params": {"name": "create_video_project", "arguments": {}}}  # fmt: skip
    r = oauth.http.post(oauth.resource, json=call_, headers=_headers(tokens["access_token"]))
    never_server_error(r)
    if r.status_code != 403:
        raise ConformanceFailure(f"a tool without its scope answered {r.status_code}, not 403", r.text[:300])
    challenge = r.headers.get("www-authenticate", "")
    assert 'error="insufficient_scope"' in challenge and 'scope="workspace:write"' in challenge, challenge
    with McpConnection(signs_in.url, token=tokens["access_token"]) as mcp:
        assert mcp.tools() == ["get_credits"], "tools outside the grant are listed"


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": ACCEPT, "MCP-Protocol-Version": PROTOCOL_VERSION}


def _initialize(http: httpx.Client, endpoint: str, token: str) -> httpx.Response:
    with http.stream("POST", endpoint, json=INITIALIZE, headers=_headers(token)) as r:
        never_server_error(r)
        return r


# -- the tools (B.3, B.4) ------------------------------------------------------------------------------------------


def test_the_tool_list_and_its_schemas(mcp: Connect, mcp_target: McpTarget) -> None:
    connection = mcp()
    listed = connection.run(connection.session.list_tools()).tools
    names = [t.name for t in listed]
    assert len(names) == len(set(names)), "a tool is listed twice"
    unknown = set(names) - set(KNOWN)
    assert not unknown, f"tools B.3 does not name: {sorted(unknown)}"
    for tool in listed:
        schema = tool.input_schema
        Draft202012Validator.check_schema(schema)
        assert schema.get("type") == "object", f"{tool.name}'s input schema is not an object"
        documented = set(KNOWN[tool.name].schema.get("required", []))
        assert documented <= set(schema.get("properties", {})), f"{tool.name} lacks documented arguments"
        assert tool.description, f"{tool.name} has no description"
    if mcp_target.token is None:  # a creator with every scope
        assert sorted(names) == sorted(KNOWN), "a creator with every scope sees all 26 tools"


def test_credits_and_projects(mcp: Connect) -> None:
    connection = mcp()
    credits = call(connection, "get_credits")
    assert {"available", "frozen"} <= set(credits) and credits["available"] >= 0
    made = call(connection, "create_video_project", name="conformance")
    assert made["project_id"] and made["session_id"] and made["version"] == 0
    project = call(connection, "get_video_project", project_id=made["project_id"])
    assert project["version"] == 0 and project["has_draft"] is False
    tool_error(connection.call("get_video_project", project_id="no-such-project-0"), 404, "not_found")


def test_a_v3_draft_saves_and_a_stale_base_version_conflicts(mcp: Connect) -> None:
    connection = mcp()
    made = call(connection, "create_video_project", name="drafts")
    pid, sid = made["project_id"], made["session_id"]
    saved = call(connection, "save_v3_draft", project_id=pid, session_id=sid, main_template=TEXT_DRAFT, base_version=0)
    assert saved["version"] == 1
    stale = connection.call("save_v3_draft", project_id=pid, session_id=sid, base_version=0,
                            main_template=TEXT_DRAFT.replace("Conformance", "Lost update"))  # fmt: skip
    conflict = tool_error(stale, 409, "version_conflict")
    assert conflict["version"] == 1 and "Conformance" in conflict["main_template"], "a conflict carries the draft"
    project = call(connection, "get_video_project", project_id=pid)
    assert project["version"] == 1 and project["has_draft"] and "Conformance" in project["main_template"]
    assert "Lost update" not in project["main_template"]
    other = call(connection, "create_video_project", name="another")
    tool_error(connection.call("save_v3_draft", project_id=pid, session_id=other["session_id"], base_version=1,
                               main_template=TEXT_DRAFT), 400, 404, 409, 422)  # fmt: skip


def test_an_invalid_draft_is_refused_naming_element_and_attribute(mcp: Connect) -> None:
    connection = mcp()
    made = call(connection, "create_video_project")
    overlapping = TEXT_DRAFT.replace("</track>", '<clip id="t2" in="1000" out="1500"><div>over</div></clip></track>')
    for broken, attribute in ((TEXT_DRAFT.replace('out="2000"', 'out="9000"'), "out"), (overlapping, "in"),
                              ("<draft fps='30'", None)):  # fmt: skip
        data = tool_error(connection.call("save_v3_draft", project_id=made["project_id"], base_version=0,
                                          session_id=made["session_id"], main_template=broken), 400, 422)  # fmt: skip
        if attribute is not None:
            errors = data.get("errors") or []
            assert any(e.get("element") == "clip" and e.get("attribute") == attribute for e in errors), data
    assert call(connection, "get_video_project", project_id=made["project_id"])["version"] == 0


def test_a_frame_is_a_png_of_the_draft(mcp: Connect) -> None:
    from PIL import Image

    connection = mcp()
    made = call(connection, "create_video_project")
    pid = made["project_id"]
    call(connection, "save_v3_draft", project_id=pid, session_id=made["session_id"], main_template=TEXT_DRAFT,
         base_version=0)  # fmt: skip
    result = connection.call("get_project_frame", project_id=pid, frame=0)
    assert not result.is_error, result
    image = next((c for c in result.content if c.type == "image"), None)
    assert image is not None and image.mime_type == "image/png", "get_project_frame returned no PNG"
    picture = Image.open(io.BytesIO(base64.b64decode(image.data)))
    assert picture.format == "PNG" and abs(picture.size[0] / picture.size[1] - 640 / 360) < 0.02, picture.size
    brightest = picture.convert("L").getextrema()[1]
    assert isinstance(brightest, int) and brightest > 200, "the frame shows none of the draft's white text"
    tool_error(connection.call("get_project_frame", project_id=pid, frame=60), 400, 404, 422)  # past 2 s at 30 fps


def test_unknown_tools_and_invalid_arguments_are_errors(mcp: Connect) -> None:
    connection = mcp()
    try:
        unknown = connection.call("no_such_tool")
    except Exception as exc:  # a JSON-RPC error is as good an answer as a tool error
        refused = str(exc).lower()
    else:
        assert unknown.is_error, "an unknown tool answered a result"
        refused = json.dumps(result_data(unknown)).lower()
    assert any(word in refused for word in ("no_such_tool", "not found", "unknown")), refused
    tool_error(connection.call("get_project_frame", project_id="x", frame="first"), 400, 422)
    tool_error(connection.call("get_video_project"), 400, 422)


@pytest.mark.costs(100)
def test_a_generation_is_billed_once_per_key_and_15_s_is_the_limit(mcp: Connect, mcp_target: McpTarget) -> None:
    connection = mcp()
    before = call(connection, "get_credits")["available"]
    gen = call(connection, "generate_video", prompt="waves at dusk", duration=4, idempotency_key="conf-once")
    again = call(connection, "generate_video", prompt="waves at dusk", duration=4, idempotency_key="conf-once")
    assert gen["generation_id"] == again["generation_id"], "one idempotency_key, two generations"
    spent = before - call(connection, "get_credits")["available"]
    assert spent > 0, "a generation cost nothing"
    tool_error(connection.call("generate_video", prompt="a long film", duration=30, idempotency_key="conf-long"), 422)
    assert before - call(connection, "get_credits")["available"] == spent, "a refused generation was billed"
    status = call(connection, "get_generation_status", generation_id=gen["generation_id"], generation_type="video")
    assert status["status"] in ("pending", "running", "succeeded")


def test_a_billed_tool_without_credits_is_402(mcp: Connect, mcp_target: McpTarget) -> None:
    if mcp_target.token is not None:
        pytest.skip("needs an account without credits")
    connection = mcp(credits=0)
    tool_error(connection.call("generate_video", prompt="waves", duration=3, idempotency_key="broke"), 402,
               "insufficient_credits")  # fmt: skip


def test_render_needs_a_starter_plan(mcp: Connect, mcp_target: McpTarget) -> None:
    if mcp_target.token is not None:
        pytest.skip("needs a free account")
    connection = mcp(plan="free")
    made = call(connection, "create_video_project")
    data = tool_error(connection.call("render_video", project_id=made["project_id"]), 403, "plan_required")
    assert "plan" in data.get("message", "").lower()


@pytest.mark.costs(20)
def test_a_render_becomes_a_real_mp4(mcp: Connect, mcp_target: McpTarget) -> None:
    connection = mcp(plan="starter")
    made = call(connection, "create_video_project")
    pid = made["project_id"]
    call(connection, "save_v3_draft", project_id=pid, session_id=made["session_id"], main_template=TEXT_DRAFT,
         base_version=0)  # fmt: skip
    job = call(connection, "render_video", project_id=pid)
    for _ in range(600 if mcp_target.live else 2000):
        status = call(connection, "get_render_status", render_id=job["render_id"])
        if status["status"] in ("completed", "failed"):
            break
        if mcp_target.control is not None:
            mcp_target.control.advance(10)  # a render's progress is a function of (virtual) time
    assert status["status"] == "completed", status
    with httpx.stream("GET", status["download_url"], timeout=120) as r:
        head = next(r.iter_bytes(64))
    assert head[4:8] == b"ftyp", "the render's download is not an MP4"


@pytest.mark.costs(20)
def test_a_delegated_turn_runs_to_stopped(mcp: Connect, mcp_target: McpTarget) -> None:
    connection = mcp()
    made = call(connection, "create_video_project")
    sid = made["session_id"]
    turn = call(connection, "delegate_to_nemo_agent", session_id=sid, message="write a title that says Hello")
    assert turn["turn_state"] == "running" and turn["turn_id"]
    same = call(connection, "delegate_to_nemo_agent", session_id=sid, message="write a title that says Hello",
                turn_id=turn["turn_id"])  # fmt: skip
    assert same["turn_id"] == turn["turn_id"], "a repeated turn_id started another turn"
    for _ in range(600 if mcp_target.live else 2000):
        seen = call(connection, "get_nemo_agent_turn", session_id=sid, turn_id=turn["turn_id"])
        if seen["turn_state"] in ("stopped", "awaiting_input"):
            break
        if mcp_target.control is not None:
            mcp_target.control.run_next(0.05)
    assert seen["turn_state"] in ("stopped", "awaiting_input"), seen
    assert isinstance(seen["events"], list) and seen["events"], "a finished turn has no events"
    assert all(e.get("type") in ("text", "tool_call", "ask_question", "error") for e in seen["events"]), seen["events"]
