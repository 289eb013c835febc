"""Tokens, sessions, credits, state, auth errors and the control plane, over a real socket."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from nemo_emulator import Settings, Store, create_app
from tests.conftest import Server
from tests.helpers import SKILL, anon, new_session

WEEK = 7 * 24 * 3600


def test_anonymous_token_has_documented_fields_and_100_credits(http: httpx.Client) -> None:
    r = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "c1"})
    assert r.status_code == 200
    body = r.json()
    assert body["code"] == 0 and body["message"] == "success"
    data = body["data"]
    assert data["token"].startswith("nmv_usr_") and len(data["token"]) == 48
    assert data["user_id"].startswith("anon_") and len(data["user_id"]) == 21
    assert data["credits"] == 100
    assert data["expires_at"] == "2026-01-08T00:00:00Z"


@pytest.mark.parametrize("headers", [{}, {"X-Client-Id": ""}, {"X-Client-Id": "x" * 65}])
def test_anonymous_token_without_valid_client_id_is_400(http: httpx.Client, headers: dict[str, str]) -> None:
    r = http.post("/api/auth/anonymous-token", headers=headers)
    assert r.status_code == 400
    assert r.json()["code"] == 400 and "X-Client-Id" in r.json()["message"]


def test_client_id_of_64_chars_is_accepted(http: httpx.Client) -> None:
    assert http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "x" * 64}).status_code == 200


def test_second_anonymous_token_within_7_days_is_429_then_allowed_after(http: httpx.Client, server: Server) -> None:
    anon(http, "same")
    r = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "same"})
    assert r.status_code == 429 and r.json()["code"] == 429
    assert int(r.headers["Retry-After"]) == WEEK + 1
    server.store.clock.advance(WEEK)
    assert http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "same"}).status_code == 200


def test_eleventh_token_from_one_ip_is_429(server_factory) -> None:
    srv = server_factory(anon_per_ip_limit=10)
    with httpx.Client(base_url=srv.url) as http:
        for i in range(10):
            anon(http, f"ip-{i}")
        r = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "ip-10"})
        assert r.status_code == 429 and "per IP" in r.json()["message"]


def test_return_existing_reissue_setting_gives_the_same_token(server_factory) -> None:
    srv = server_factory(anonymous_reissue="return_existing")
    with httpx.Client(base_url=srv.url) as http:
        first = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "a"}).json()["data"]["token"]
        second = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "a"}).json()["data"]["token"]
        assert first == second


def test_token_expires_after_7_virtual_days(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    assert http.get("/api/credits/balance/simple", headers=h).status_code == 200
    server.store.clock.advance(WEEK - 1)
    assert http.get("/api/credits/balance/simple", headers=h).status_code == 200
    server.store.clock.advance(1)
    r = http.get("/api/credits/balance/simple", headers=h)
    assert r.status_code == 401 and r.json()["code"] == 1001 and "expired" in r.json()["message"]


@pytest.mark.parametrize(
    "auth", [None, "", "Bearer", "Basic abc", "Bearer nmv_usr_doesnotexist", "Bearer clm_abc", "bearer x y"]
)
def test_bad_authorization_is_1001_with_401(http: httpx.Client, auth: str | None) -> None:
    headers = {} if auth is None else {"Authorization": auth}
    for r in (
        http.get("/api/credits/balance/simple", headers=headers),
        http.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=headers),
        http.get("/api/state/nemo_agent/me/123/latest", headers=headers),
    ):
        assert r.status_code == 401
        assert r.json()["code"] == 1001 and r.json()["data"] is None


def test_session_creation_returns_ids_and_optional_language(http: httpx.Client) -> None:
    h = anon(http)
    r = http.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "project"}, headers=h)
    data = r.json()["data"]
    assert data["task_id"].startswith("task_")
    assert data["session_id"].isdigit() and len(data["session_id"]) == 19
    assert data["user_id"].startswith("anon_")
    r = http.post("/api/tasks/me/with-session/nemo_agent", headers=h)
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"{not json", "malformed JSON"),
        (b"[1,2]", "JSON object"),
        (b'{"task_name": 5}', "task_name"),
        (b'{"language": ["en"]}', "language"),
    ],
)
def test_bad_session_body_is_400_envelope(http: httpx.Client, body: bytes, needle: str) -> None:
    r = http.post("/api/tasks/me/with-session/nemo_agent", content=body, headers=anon(http))
    assert r.status_code == 400
    assert r.json()["code"] == 400 and needle in r.json()["message"]


def test_oversized_body_is_413_envelope(http: httpx.Client) -> None:
    r = http.post(
        "/api/tasks/me/with-session/nemo_agent",
        content=b'{"task_name":"' + b"x" * (2 << 20) + b'"}',
        headers=anon(http),
    )
    assert r.status_code == 413 and r.json()["code"] == 413


def test_credits_balance_adds_up(http: httpx.Client) -> None:
    data = http.get("/api/credits/balance/simple", headers=anon(http)).json()["data"]
    assert data == {"available": 100, "frozen": 0, "total": 100}


def test_state_of_new_session_has_every_documented_key(http: httpx.Client) -> None:
    h = anon(http)
    sid = new_session(http, h)
    data = http.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=h).json()["data"]
    assert data["session_id"] == sid and data["task_id"].startswith("task_")
    assert set(data["state"]) >= {"video_infos", "draft", "canvas_config", "generated_media", "video_analyses"}


def test_state_accepts_own_user_id_in_place_of_me(http: httpx.Client) -> None:
    h = anon(http)
    r = http.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=h).json()["data"]
    ok = http.get(f"/api/state/nemo_agent/{r['user_id']}/{r['session_id']}/latest", headers=h)
    assert ok.status_code == 200
    other = http.get(f"/api/state/nemo_agent/anon_0000000000000000/{r['session_id']}/latest", headers=h)
    assert other.status_code == 404 and other.json()["code"] == 1002


def test_foreign_and_unknown_sessions_look_identical(http: httpx.Client) -> None:
    alice, bob = anon(http, "alice"), anon(http, "bob")
    sid = new_session(http, alice)
    foreign = http.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=bob)
    unknown = http.get("/api/state/nemo_agent/me/1234567890123456789/latest", headers=bob)
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json()["code"] == unknown.json()["code"] == 1002
    assert foreign.json()["message"].replace(sid, "X") == unknown.json()["message"].replace("1234567890123456789", "X")


def test_claim_token_is_issued_and_cannot_be_used_as_bearer(http: httpx.Client) -> None:
    h = anon(http)
    r = http.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=h).json()["data"]
    claim = http.post("/api/auth/claim-token", json={"task_id": r["task_id"], "session_id": r["session_id"]}, headers=h)
    data = claim.json()["data"]
    assert data["claim_token"].startswith("clm_") and data["expires_in"] == 604800
    r2 = http.get("/api/credits/balance/simple", headers={"Authorization": f"Bearer {data['claim_token']}"})
    assert r2.status_code == 401 and "claim" in r2.json()["message"]


def test_claim_token_for_foreign_session_is_1002(http: httpx.Client) -> None:
    alice, bob = anon(http, "alice"), anon(http, "bob")
    r = http.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=alice).json()["data"]
    claim = http.post(
        "/api/auth/claim-token", json={"task_id": r["task_id"], "session_id": r["session_id"]}, headers=bob
    )
    assert claim.json()["code"] == 1002


def test_unknown_route_and_wrong_method_use_the_envelope(http: httpx.Client) -> None:
    r = http.get("/api/nothing-here")
    assert r.status_code == 404 and r.json()["code"] == 404
    r = http.delete("/api/credits/balance/simple")
    assert r.status_code == 405 and r.json()["code"] == 405


def test_attribution_headers_are_recorded(http: httpx.Client, server: Server) -> None:
    http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "attr", **SKILL})
    assert server.store.accounts.attribution_seen[("nemo-video", "1.9", "clawhub")] == 1


def test_always_200_setting_sends_codes_with_http_200(server_factory) -> None:
    srv = server_factory(error_http_status="always_200")
    with httpx.Client(base_url=srv.url) as http:
        r = http.get("/api/credits/balance/simple", headers={"Authorization": "Bearer nope"})
        assert r.status_code == 200 and r.json()["code"] == 1001


def test_clock_control_reads_advances_and_sets(http: httpx.Client) -> None:
    t0 = http.get("/_emulator/clock").json()["now"]
    assert http.post("/_emulator/clock", json={"advance": 90}).json()["now"] == t0 + 90
    assert http.post("/_emulator/clock", json={"set": t0 + 1000}).json()["now"] == t0 + 1000
    assert http.post("/_emulator/clock", json={"set": t0}).status_code == 400
    assert http.post("/_emulator/clock", json={"advance": -1}).status_code == 400
    assert http.post("/_emulator/clock", json={}).status_code == 400
    assert http.post("/_emulator/clock", content=b"nope").json()["code"] == 400


def test_reset_forgets_tokens_and_restarts_clock(http: httpx.Client) -> None:
    h = anon(http)
    http.post("/_emulator/clock", json={"advance": 50})
    assert http.post("/_emulator/reset").json()["reset"] is True
    assert http.get("/api/credits/balance/simple", headers=h).status_code == 401
    assert http.get("/_emulator/health").json()["iso"] == "2026-01-01T00:00:00Z"


def test_two_apps_share_nothing() -> None:
    async def scenario() -> None:
        a, b = (create_app(Settings(clock_mode="manual")) for _ in range(2))
        async with (
            httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://a.localhost") as ca,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=b), base_url="http://b.localhost") as cb,
        ):
            token = (await ca.post("/api/auth/anonymous-token", headers={"X-Client-Id": "x"})).json()["data"]["token"]
            r = await cb.get("/api/credits/balance/simple", headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 401
            assert (await cb.post("/api/auth/anonymous-token", headers={"X-Client-Id": "x"})).status_code == 200
            await ca.post("/_emulator/clock", json={"advance": 10})
            assert a.state.store.clock.now() - b.state.store.clock.now() == 10
        a.state.store.close()
        b.state.store.close()

    asyncio.run(scenario())


def test_same_seed_gives_same_ids_and_tokens_only_when_asked_for() -> None:
    made: dict[bool, list[tuple[str, str]]] = {False: [], True: []}
    for reproducible in (False, True, False, True):
        store = Store(Settings(clock_mode="manual", seed=7, reproducible_tokens=reproducible))
        token, user = store.accounts.issue_anonymous("c", "ip")
        made[reproducible].append((token.value, user.id))
        store.close()
    assert made[True][0] == made[True][1]
    assert made[False][0][1] == made[False][1][1]  # users are seeded
    assert made[False][0][0] != made[False][1][0]  # tokens never, unless asked


def test_response_json_is_compact_utf8_and_survives_values_orjson_refuses() -> None:
    import json

    from nemo_protocol.wire import dumps

    assert dumps({"a": 1, "é": ["ü", None, True, 1.5]}) == '{"a":1,"é":["ü",null,true,1.5]}'.encode()
    odd = {"big": 2**70, "lone": json.loads('"\\ud800"'), "n": -(2**80)}
    text = dumps(odd)
    assert text.isascii()
    assert json.loads(text) == odd
    assert json.loads(dumps({1: "int key"})) == {"1": "int key"}
