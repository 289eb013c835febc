"""The gateway's HTTP routes (protocol A.2, A.3) on the same world as the mega API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Server
from tests.helpers import ClockDriver, stream_lines

SAMPLE = Path("conformance/media/sample.mp4")


def user(http: httpx.Client, **body: Any) -> dict[str, Any]:
    r = http.post("/_emulator/users", json={"email": f"u{len(http.get('/_emulator/users').json()['users'])}@x.test",
                                            **body})  # fmt: skip
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    data["h"] = {"Authorization": f"Bearer {data['token']}"}
    return data


def project(http: httpx.Client, h: dict[str, str], name: str = "demo") -> dict[str, Any]:
    r = http.post("/projects", json={"create_session": True, "name": name}, headers=h)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()["data"]
    return data


def test_every_2xx_is_a_json_code_envelope(http: httpx.Client) -> None:
    u = user(http, plan="pro", credits=300)
    pid = project(http, u["h"])["project_id"]
    for method, path, body in [
        ("POST", "/auth/verify", {"token": u["token"]}),
        ("GET", "/billing/balance", None),
        ("GET", "/billing/usage/conversations", None),
        ("GET", "/projects", None),
        ("GET", f"/projects/{pid}", None),
        ("GET", f"/projects/{pid}/sessions", None),
        ("GET", f"/api/v1/state/frontend/{pid}", None),
        ("POST", "/api/auth/exchange-claim-token", {"project_id": pid}),
    ]:
        r = http.request(method, path, json=body, headers=u["h"])
        assert r.status_code == 200 and r.headers["content-type"] == "application/json", (path, r.text)
        assert r.json()["code"] == 0 and r.json()["message"] == "success" and "data" in r.json(), path
    assert http.post("/auth/verify", json={"token": u["token"]}, headers=u["h"]).json()["data"] == {
        "user_id": u["user_id"], "email": u["email"], "balance": 300, "plan": "pro"}
    assert http.get("/billing/balance", headers=u["h"]).json()["data"] == {
        "available": 300, "frozen": 0, "total_granted": 300, "total_consumed": 0}


@pytest.mark.parametrize("kind", ["missing", "unknown", "anonymous", "expired", "claim"])
def test_bad_tokens_are_1010_and_expired_ones_1011_with_401(http: httpx.Client, server: Server, kind: str) -> None:
    headers: dict[str, str] = {}
    if kind == "unknown":
        headers = {"Authorization": "Bearer nmv_usr_nobody"}
    elif kind == "anonymous":
        token = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "anon-gw"}).json()["data"]["token"]
        headers = {"Authorization": f"Bearer {token}"}
    elif kind == "expired":
        headers = user(http)["h"]
        server.store.clock.advance(server.store.settings.api_token_ttl_s + 1)
    elif kind == "claim":
        headers = {"Authorization": "Bearer clm_abcdefabcdef"}
    r = http.get("/billing/balance", headers=headers)
    assert r.status_code == 401
    assert r.json()["code"] == (1011 if kind == "expired" else 1010) and r.json()["message"]


def test_a_project_with_no_credits_is_2001_and_a_burst_is_429(server_factory) -> None:
    srv = server_factory(rate_limit_per_minute=5)
    with httpx.Client(base_url=srv.url) as http:
        broke = user(http, credits=0)
        r = http.post("/projects", json={"create_session": True}, headers=broke["h"])
        assert r.status_code == 402 and r.json()["code"] == 2001 and "/_emulator/credits" in r.json()["message"]
        rich = user(http)
        codes = [http.get("/projects", headers=rich["h"]).status_code for _ in range(8)]
        assert codes[:5] == [200] * 5 and codes[-1] == 429
        assert http.get("/projects", headers=rich["h"]).json()["code"] == 429


def test_a_gateway_project_is_a_mega_task_with_the_same_draft(http: httpx.Client, server: Server) -> None:
    u = user(http)
    made = project(http, u["h"], "holiday")
    sid, pid = made["session"]["session_id"], made["project_id"]
    assert made["session_id"] == sid and made["session"]["project_id"] == pid
    lines = stream_lines(http, server.store.clock, u["h"], sid, "generate a 5 second video of a beach")  # the mega API
    assert lines
    mega = http.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=u["h"]).json()["data"]
    assert mega["task_id"] == pid and mega["task_name"] == "holiday"
    front = http.get(f"/api/v1/state/frontend/{pid}", headers=u["h"]).json()["data"]
    assert front["project"]["timeline_draft"] == mega["state"]["draft"]
    assert front["projectName"] == "holiday" and front["version"] >= 1
    listed = http.get("/projects", headers=u["h"]).json()["data"]
    assert listed["count"] == 1 and listed["projects"][0]["project_id"] == pid
    sessions = http.get(f"/projects/{pid}/sessions", headers=u["h"]).json()["data"]["sessions"]
    assert sessions[0]["session_id"] == sessions[0]["id"] == sid
    other = user(http)
    assert http.get(f"/projects/{pid}", headers=other["h"]).status_code == 404


def test_uploads_appear_as_sandbox_paths_that_a_render_must_rewrite(http: httpx.Client, server: Server) -> None:
    u = user(http)
    made = project(http, u["h"])
    sid, pid = made["session"]["session_id"], made["project_id"]
    up = http.post("/files/upload", files={"file": ("clip.mp4", SAMPLE.read_bytes())}, data={"session_id": sid},
                   headers=u["h"]).json()["data"]  # fmt: skip
    assert set(up) >= {"file_id", "filename", "url"} and up["filename"] == "clip.mp4"
    stream_lines(http, server.store.clock, u["h"], sid, "add lo-fi music")
    project_state = http.get(f"/api/v1/state/frontend/{pid}", headers=u["h"]).json()["data"]["project"]
    files = project_state[f"files:{sid}"]
    assert files[0]["cdn_url"].startswith("http") and files[0]["s3_key"].endswith("_clip.mp4")
    video = project_state["timeline_draft"]["t"][0]["sg"][0]["src"]
    assert video.startswith(f"/mnt/userdata/{sid}/") and video.endswith(files[0]["s3_key"].rsplit("/", 1)[-1])
    draft = project_state["timeline_draft"]
    body = {"id": "as-is", "draft": draft, "sessionId": sid, "output": {"format": "mp4", "codec": "h264", "crf": 23}}
    refused = http.post("/services/v1/render-proxy/lambda", json=body, headers=u["h"])
    assert refused.status_code == 400 and "sandbox path" in refused.json()["message"]
    assert refused.json()["success"] is False and refused.json()["error"] == refused.json()["message"]
    draft["t"][0]["sg"][0]["src"] = files[0]["cdn_url"]
    body["id"] = "rewritten"
    r = http.post("/services/v1/render-proxy/lambda", json=body, headers=u["h"])
    assert r.status_code == 200 and r.json() == {"success": True,
                                                 "data": {"id": "rewritten", "render_id": "rewritten",
                                                          "status": "pending"}}  # fmt: skip
    assert http.get(f"/services/v1/render-proxy/{pid}/download", headers=u["h"]).json()["data"]["output"] is None
    with ClockDriver(server.store.clock):
        job = http.get("/services/v1/render-proxy/lambda/rewritten", headers=u["h"]).json()["data"]
        while job["status"] != "completed":
            server.store.clock.advance(30)
            job = http.get("/services/v1/render-proxy/lambda/rewritten", headers=u["h"]).json()["data"]
    assert job["progress"] == 100 and job["error"] is None and job["output"]["url"] == job["outputUrl"]
    assert httpx.get(job["outputUrl"]).headers["content-type"] == "video/mp4"  # fetchable without a token
    latest = http.get(f"/services/v1/render-proxy/{pid}/download", headers=u["h"]).json()["data"]["output"]
    assert latest["url"] == job["outputUrl"] and latest["size"] > 0


def test_sandbox_paths_are_resolved_when_the_setting_says_so(server_factory) -> None:
    srv = server_factory(gateway_sandbox_paths="resolve")
    with httpx.Client(base_url=srv.url) as http:
        u = user(http)
        made = project(http, u["h"])
        sid = made["session"]["session_id"]
        http.post("/files/upload", files={"file": ("clip.mp4", SAMPLE.read_bytes())}, data={"session_id": sid},
                  headers=u["h"])  # fmt: skip
        stream_lines(http, srv.store.clock, u["h"], sid, "add jazz music")
        draft = http.get(f"/api/v1/state/frontend/{made['project_id']}", headers=u["h"]).json()["data"]["project"]
        body = {"id": "r", "draft": draft["timeline_draft"], "sessionId": sid}
        assert http.post("/services/v1/render-proxy/lambda", json=body, headers=u["h"]).status_code == 200


def test_usage_history_pages_and_dates(http: httpx.Client, server: Server) -> None:
    u = user(http, credits=500)
    sid = project(http, u["h"])["session"]["session_id"]
    for _ in range(3):
        stream_lines(http, server.store.clock, u["h"], sid, "generate a 5 second video of a beach")
    http.post("/_emulator/credits", json={"user_id": u["user_id"], "credits": 900})
    page = http.get("/billing/usage/conversations?page_no=1&page_size=2", headers=u["h"]).json()["data"]
    assert page["total"] == 5 and page["total_pages"] == 3 and page["has_next"] and not page["has_prev"]
    assert [i["kind"] for i in page["items"]] == ["grant", "conversation"]
    assert page["items"][0]["grant"]["source"] == "admin"
    conv = page["items"][1]["conversation"]
    assert page["items"][1]["amount_delta"] == -100 and conv["session_id"] == sid
    assert conv["user_message"] == "generate a 5 second video of a beach"
    assert conv["tool_breakdown"] == [{"tool_key": "generate_video_with_seedance", "credits": 100, "count": 1}]
    last = http.get("/billing/usage/conversations?page_no=3&page_size=2", headers=u["h"]).json()["data"]
    assert [i["kind"] for i in last["items"]] == ["grant"] and last["items"][0]["grant"]["source"] == "welcome"
    assert last["has_prev"] and not last["has_next"]
    day = server.store.clock.iso()[:10]
    later = http.get(f"/billing/usage/conversations?start_date=2099-01-01&end_date={day}", headers=u["h"])
    assert later.json()["data"]["total"] == 0
    for bad in ("page_size=101", "page_no=0", "start_date=yesterday"):
        r = http.get(f"/billing/usage/conversations?{bad}", headers=u["h"])
        assert r.status_code == 400 and r.json()["code"] == 400


def test_one_users_credits_agree_on_every_surface(http: httpx.Client, server: Server) -> None:
    u = user(http, credits=400)
    sid = project(http, u["h"])["session"]["session_id"]
    stream_lines(http, server.store.clock, u["h"], sid, "generate a 5 second video of a beach")  # mega: -100
    http.post("/files/upload", files={"file": ("clip.mp4", SAMPLE.read_bytes())}, data={"session_id": sid},
              headers=u["h"])  # fmt: skip
    from nemo_client import GatewayClient

    with GatewayClient(server.url, token=u["token"]) as gw, ClockDriver(server.store.clock):
        pid = gw.projects()[0]["project_id"]
        assert gw.chat(pid, "add jazz music").completed  # the gateway: -20
        billing = gw.balance()
    mega = http.get("/api/credits/balance/simple", headers=u["h"]).json()["data"]
    inspector = next(x for x in http.get("/_emulator/overview").json()["users"] if x["id"] == u["user_id"])
    assert billing["available"] == mega["available"] == inspector["available"] == 280
    assert billing["total_consumed"] == inspector["spent"] == 120 and mega["frozen"] == billing["frozen"] == 0
    assert inspector["email"] == u["email"] and inspector["plan"] == "starter" and not inspector["anonymous"]
