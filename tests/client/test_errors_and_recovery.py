"""Client error mapping and recovery policies against respx routes (no server)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import respx

from nemo_client import (
    ApiError,
    Conflict,
    ExportBlocked,
    FileTooLarge,
    MissingClientId,
    NemoClient,
    NotFound,
    OutOfCredits,
    ProtocolError,
    RateLimited,
    Recovery,
    RenderFailed,
    RenderTimeout,
    SessionNotFound,
    TokenInvalid,
    TransportError,
    UnsupportedFileType,
)

BASE = "https://nemo.test"


def envelope(code: int, message: str = "m", status: int | None = None, **headers: str) -> httpx.Response:
    return httpx.Response(status or 200, json={"code": code, "message": message, "data": None}, headers=headers)


def ok(data: object) -> httpx.Response:
    return httpx.Response(200, json={"code": 0, "message": "success", "data": data})


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def nemo(sleeps: list[float], tmp_path: Path):
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        client = NemoClient(
            BASE, token="nmv_usr_x", renew_token=True, client_id="cid", sleep=sleeps.append, config_dir=tmp_path
        )
        yield client, mock
        client.close()


@pytest.mark.parametrize(
    ("code", "status", "cls"),
    [
        (1001, 401, TokenInvalid),
        (1002, 404, SessionNotFound),
        (2001, 402, OutOfCredits),
        (4001, 415, UnsupportedFileType),
        (4002, 413, FileTooLarge),
        (402, 402, ExportBlocked),
        (404, 404, NotFound),
        (409, 409, Conflict),
        (1001, 200, TokenInvalid),
        (1002, 200, SessionNotFound),
        (7777, 200, ApiError),
    ],
)
def test_codes_map_to_exceptions_whatever_the_http_status(nemo, code: int, status: int, cls: type) -> None:
    client, mock = nemo
    client.recovery = Recovery(reacquire_token=False)
    mock.get("/api/credits/balance/simple").mock(return_value=envelope(code, "why", status))
    with pytest.raises(cls) as info:
        client.balance()
    assert type(info.value) is cls
    assert (info.value.code, info.value.status, info.value.message) == (code, status, "why")


def test_success_envelope_errors_and_fastapi_detail_are_read(nemo) -> None:
    client, mock = nemo
    mock.get("/api/render/proxy/lambda/r").mock(
        return_value=httpx.Response(404, json={"success": False, "error": "gone"})
    )
    with pytest.raises(NotFound, match="gone"):
        client.render_status("r")
    mock.get("/api/credits/balance/simple").mock(return_value=httpx.Response(404, json={"detail": "App not found"}))
    with pytest.raises(NotFound, match="App not found"):
        client.balance()


def test_non_json_and_missing_data_are_protocol_errors(nemo) -> None:
    client, mock = nemo
    mock.get("/api/credits/balance/simple").mock(
        side_effect=[httpx.Response(200, text="<html>"), httpx.Response(200, json={"code": 0})]
    )
    with pytest.raises(ProtocolError):
        client.balance()
    with pytest.raises(ProtocolError, match="no 'data'"):
        client.balance()


def test_network_failure_is_transport_error(nemo) -> None:
    client, mock = nemo
    mock.get("/api/credits/balance/simple").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(TransportError, match="ConnectError"):
        client.balance()


def test_missing_client_id_is_its_own_error(nemo) -> None:
    client, mock = nemo
    mock.post("/api/auth/anonymous-token").mock(return_value=envelope(400, "missing X-Client-Id", 400))
    with pytest.raises(MissingClientId):
        client.anonymous_token()


def test_429_waits_retry_after_and_retries_once(nemo, sleeps: list[float]) -> None:
    client, mock = nemo
    route = mock.post("/api/auth/anonymous-token").mock(
        side_effect=[
            envelope(429, "slow down", 429, **{"Retry-After": "12"}),
            ok({"token": "nmv_usr_new", "user_id": "u"}),
        ]
    )
    assert client.anonymous_token()["token"] == "nmv_usr_new"
    assert route.call_count == 2 and sleeps == [12.0]
    assert client.token == "nmv_usr_new"


def test_429_without_retry_after_waits_30s_and_gives_up_after_one_retry(nemo, sleeps: list[float]) -> None:
    client, mock = nemo
    mock.post("/api/auth/anonymous-token").mock(return_value=envelope(429, "no", 429))
    with pytest.raises(RateLimited):
        client.anonymous_token()
    assert sleeps == [30.0]


def test_429_policy_can_be_switched_off(nemo, sleeps: list[float]) -> None:
    client, mock = nemo
    client.recovery = Recovery(retry_rate_limited=False)
    mock.post("/api/auth/anonymous-token").mock(return_value=envelope(429, "no", 429))
    with pytest.raises(RateLimited):
        client.anonymous_token()
    assert sleeps == []


def test_1001_reacquires_a_token_once_with_the_same_client_id(nemo) -> None:
    client, mock = nemo
    token_route = mock.post("/api/auth/anonymous-token").mock(
        return_value=ok({"token": "nmv_usr_fresh", "user_id": "u"})
    )
    balance = mock.get("/api/credits/balance/simple").mock(
        side_effect=[envelope(1001, "expired", 401), ok({"available": 100, "frozen": 0, "total": 100})]
    )
    assert client.balance()["available"] == 100
    assert token_route.calls.last.request.headers["X-Client-Id"] == "cid"
    assert balance.calls.last.request.headers["Authorization"] == "Bearer nmv_usr_fresh"


def test_a_token_the_caller_gave_is_never_swapped_for_a_new_one(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        token_route = mock.post("/api/auth/anonymous-token").mock(return_value=ok({"token": "nmv_usr_fresh"}))
        mock.get("/api/credits/balance/simple").mock(return_value=envelope(1001, "unknown token", 401))
        with NemoClient(BASE, token="nmv_usr_mine", client_id="cid", config_dir=tmp_path) as client:
            with pytest.raises(TokenInvalid, match="unknown token"):
                client.balance()
            assert client.token == "nmv_usr_mine"
        assert not token_route.called


def test_1001_twice_raises(nemo) -> None:
    client, mock = nemo
    mock.post("/api/auth/anonymous-token").mock(return_value=ok({"token": "nmv_usr_fresh"}))
    mock.get("/api/credits/balance/simple").mock(return_value=envelope(1001, "expired", 401))
    with pytest.raises(TokenInvalid):
        client.balance()


def test_attribution_headers_on_every_request(nemo) -> None:
    client, mock = nemo
    route = mock.get("/api/credits/balance/simple").mock(return_value=ok({"available": 1, "frozen": 0, "total": 1}))
    client.balance()
    headers = route.calls.last.request.headers
    assert headers["X-Skill-Source"] == "nemo-video-cli" and headers["X-Skill-Version"] and headers["X-Skill-Platform"]


def test_client_id_is_persisted_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEMO_CLIENT_ID", raising=False)
    first = NemoClient(BASE, config_dir=tmp_path).client_id
    second = NemoClient(BASE, config_dir=tmp_path).client_id
    assert first == second and len(first) == 36
    assert (tmp_path / "client_id").read_text().strip() == first
    monkeypatch.setenv("NEMO_CLIENT_ID", "from-env")
    assert NemoClient(BASE, config_dir=tmp_path).client_id == "from-env"


def test_environment_configures_url_and_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEMO_API_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("NEMO_TOKEN", "nmv_usr_env")
    client = NemoClient()
    assert (client.base_url, client.token) == ("http://127.0.0.1:9", "nmv_usr_env")
    monkeypatch.delenv("NEMO_API_URL")
    assert NemoClient().base_url == "https://mega-api-prod.nemovideo.ai"


@pytest.mark.parametrize(
    "body",
    [
        {"success": True, "data": {"id": "r", "status": "completed", "progress": 100, "outputUrl": "u"}},
        {"taskId": "r", "status": "completed", "progress": 100, "output": {"url": "u", "duration": 1, "size": 2}},
        {"success": True, "data": {"id": "r", "status": "completed", "outputUrl": "u"}, "status": "completed"},
    ],
    ids=["wrapped", "flat", "both"],
)
def test_render_status_reads_every_documented_shape(nemo, body: dict) -> None:
    client, mock = nemo
    mock.get("/api/render/proxy/lambda/r").mock(return_value=httpx.Response(200, json=body))
    job = client.render_status("r")
    assert (job["id"], job["status"], job["outputUrl"]) == ("r", "completed", "u")


def test_wait_for_render_polls_at_the_interval(nemo, sleeps: list[float]) -> None:
    client, mock = nemo
    states = ["pending", "processing", "processing", "completed"]
    mock.get("/api/render/proxy/lambda/r").mock(
        side_effect=[
            httpx.Response(200, json={"success": True, "data": {"id": "r", "status": s, "progress": i * 30}})
            for i, s in enumerate(states)
        ]
    )
    seen = []
    job = client.wait_for_render("r", interval=7, on_progress=lambda j: seen.append(j["progress"]))
    assert job["status"] == "completed" and sleeps == [7, 7, 7] and seen == [0, 30, 60, 90]


def test_wait_for_render_times_out_and_reports_failure(nemo) -> None:
    client, mock = nemo
    route = mock.get("/api/render/proxy/lambda/r")
    route.mock(return_value=httpx.Response(200, json={"success": True, "data": {"id": "r", "status": "processing"}}))
    with pytest.raises(RenderTimeout):
        client.wait_for_render("r", interval=10, timeout=30)
    route.mock(
        return_value=httpx.Response(
            200, json={"success": True, "data": {"id": "r", "status": "failed", "error": "invalid draft"}}
        )
    )
    with pytest.raises(RenderFailed, match="invalid draft"):
        client.wait_for_render("r")
