"""The API's parameterless routes are called past Starlette's middleware and router (app.Emulator): they must
answer exactly as the routed path does, errors and crashes included."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from nemo_emulator import Settings, Store, create_app
from nemo_emulator.app import Emulator
from nemo_protocol.codes import Code
from tests.conftest import TEST_SETTINGS, serve_app

BALANCE = "/api/credits/balance/simple"


class PassThrough:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


@contextmanager
def served(app: Any) -> Iterator[httpx.Client]:
    url, server, thread = serve_app(app)
    try:
        with httpx.Client(base_url=url) as http:
            yield http
    finally:
        server.should_exit = True
        thread.join(10)


Pair = tuple[httpx.Client, httpx.Client, Store, Emulator]


@pytest.fixture
def pair() -> Iterator[Pair]:
    """One store behind two servers: the plain app (direct calls) and one with a middleware (routed)."""
    store = Store(TEST_SETTINGS)
    direct, routed = Emulator(store), Emulator(store)
    routed.add_middleware(PassThrough)
    with served(direct) as a, served(routed) as b:
        yield a, b, store, direct
    store.close()


def _same(a: httpx.Response, b: httpx.Response) -> None:
    assert (a.status_code, a.content) == (b.status_code, b.content)
    assert [h for h in a.headers.items() if h[0] != "date"] == [h for h in b.headers.items() if h[0] != "date"]


def test_the_table_holds_every_parameterless_api_route_and_nothing_else() -> None:
    app = create_app(Settings(clock_mode="manual"))
    assert isinstance(app, Emulator)
    with served(app) as http:
        http.get("/_emulator/health")
    keys = set(app.direct)
    assert ("GET", BALANCE) in keys and ("HEAD", BALANCE) in keys
    assert {("POST", "/run_sse"), ("POST", "/api/auth/anonymous-token"), ("POST", "/api/render/proxy/lambda")} <= keys
    assert all("{" not in path and not path.startswith("/_emulator") for _, path in keys)
    app.store.close()


def test_direct_and_routed_answers_are_the_same_bytes(pair: Pair) -> None:
    a, b, _, _ = pair
    token = a.post("/api/auth/anonymous-token", headers={"X-Client-Id": "same"}).json()["data"]["token"]
    again = b.post("/api/auth/anonymous-token", headers={"X-Client-Id": "other"}).json()["data"]
    assert again["token"] != token and again["token"].startswith("nmv_usr_")
    auth = {"Authorization": f"Bearer {token}"}
    cases: list[tuple[str, str, dict[str, str], bytes | None]] = [
        ("GET", BALANCE, auth, None),
        ("HEAD", BALANCE, auth, None),
        ("GET", BALANCE, {}, None),
        ("GET", BALANCE, {"Authorization": "Basic abc"}, None),
        ("GET", BALANCE, {"Authorization": "Bearer clm_nothing"}, None),
        ("POST", BALANCE, auth, b"{}"),
        ("POST", "/api/auth/anonymous-token", {}, None),
        ("POST", "/api/auth/claim-token", auth, b"not json"),
        ("POST", "/api/render/proxy/lambda", auth, b"[" * 5000),
        ("POST", "/api/render/proxy/lambda", auth, b'{"id": 1}'),
        ("POST", "/run_sse", auth, b'{"new_message": 3}'),
    ]
    for method, path, headers, body in cases:
        _same(*(http.request(method, path, headers=headers, content=body) for http in (a, b)))


def test_a_crash_answers_in_the_envelope_and_is_recorded(pair: Pair) -> None:
    a, _, store, app = pair

    async def broken(request: Request) -> Response:
        raise ZeroDivisionError("in a handler")

    app.direct[("GET", BALANCE)] = broken
    answer = a.get(BALANCE)
    assert answer.status_code == 500 and answer.json()["code"] == Code.INTERNAL
    assert "GET /_emulator/errors" in answer.json()["message"]
    assert [e["error"] for e in store.unexpected_errors] == ["ZeroDivisionError('in a handler')"]


def test_a_stream_that_fails_after_it_began_is_recorded(pair: Pair) -> None:
    a, _, store, app = pair

    class Half(Response):
        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            raise OSError("half way")

    async def streaming(request: Request) -> Response:
        return Half()

    app.direct[("GET", BALANCE)] = streaming
    with pytest.raises(httpx.HTTPError):
        a.get(BALANCE)
    assert [e["error"] for e in store.unexpected_errors] == ["OSError('half way')"]


def test_middleware_added_by_a_user_is_never_bypassed() -> None:
    seen: list[str] = []

    class Watch(PassThrough):
        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            seen.append(scope["path"])
            await self.app(scope, receive, send)

    app = create_app(TEST_SETTINGS)
    app.add_middleware(Watch)
    with served(app) as http:
        assert http.get(BALANCE).json()["code"] == Code.BAD_TOKEN
    assert seen == [BALANCE]
    assert isinstance(app, Emulator) and app.direct == {}
    app.store.close()
