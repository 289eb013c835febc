"""Raw-HTTP fuzzing in process: random methods, paths, headers and bodies never produce a 5xx or an
unhandled exception, and every error answers in a protocol envelope."""

from __future__ import annotations

import asyncio
import json

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nemo_emulator import Settings, Store, create_app

TEMPLATES = [
    "/api/auth/anonymous-token",
    "/api/auth/claim-token",
    "/api/tasks/{u}/with-session/{a}",
    "/api/credits/balance/simple",
    "/api/state/nemo_agent/{u}/{s}/latest",
    "/api/upload-video/nemo_agent/{u}/{s}",
    "/run_sse",
    "/api/render/proxy/lambda",
    "/api/render/proxy/lambda/{r}",
    "/api/render/proxy/lambda/{r}/cancel",
    "/api/render/proxy/{r}/download",
    "/cdn/uploads/{r}/{a}",
    "/cdn/generated/{r}",
    "/cdn/renders/{r}",
    "/openapi.json",
    "/api/v1/generate",
    "/{a}",
]
segment = st.one_of(
    st.just("me"), st.just("SID"), st.just("nemo_agent"), st.text(alphabet="abcXYZ019_-.%", min_size=1, max_size=30)
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities travel as the NaN/Infinity literals Python's json accepts
    | st.text(max_size=20)
    | st.sampled_from(["\ud800", "a\udfffb"]),  # lone surrogates, legal as JSON escapes
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=10), kids, max_size=4),
    max_leaves=12,
)
edits = st.sampled_from(["add title 'Big \ud800 day' 0-2s", "add upbeat music", "trim to 1s", "title \udfff"])
run_bodies = st.fixed_dictionaries(
    {"app_name": st.sampled_from(["nemo_agent", "x"]), "session_id": st.just("SID")},
    optional={
        "user_id": st.sampled_from(["me", "anon_x", ""]),
        "new_message": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {"parts": st.lists(st.fixed_dictionaries({"text": st.text(max_size=80) | edits}), max_size=3)}
            ),
        ),
    },
)
render_bodies = st.fixed_dictionaries(
    {"id": st.text(max_size=20), "sessionId": st.just("SID")}, optional={"draft": json_values, "output": json_values}
)


@st.composite
def requests(draw: st.DrawFn) -> dict:
    template = draw(st.sampled_from(TEMPLATES))
    path = template
    for name in ("{u}", "{a}", "{s}", "{r}"):
        while name in path:
            path = path.replace(name, draw(segment), 1)
    method = draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]))
    headers = draw(
        st.dictionaries(
            st.sampled_from(["X-Client-Id", "X-Skill-Source", "Accept", "Content-Type", "Range"]),
            st.text(alphabet="abc/=;-_ 0123456789*", max_size=40),
            max_size=3,
        )
    )
    if draw(st.booleans()):
        headers["Authorization"] = draw(st.sampled_from(["Bearer TOKEN", "Bearer nope", "Basic x", "Bearer "]))
    kind = draw(st.sampled_from(["none", "json", "bytes", "multipart", "run", "render"]))
    body: bytes = b""
    if kind == "json":
        body = json.dumps(draw(json_values)).encode()
    elif kind == "bytes":
        body = draw(st.binary(max_size=300))
    elif kind == "multipart":
        boundary = draw(st.text(alphabet="abcXYZ-_0123456789'()+,./:=? ", min_size=0, max_size=20))
        name = draw(st.sampled_from(["files", "file", "", "x"]))
        fname = draw(st.text(max_size=30))
        body = (
            (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{fname}"\r\n\r\n').encode(
                "utf-8", "surrogatepass"
            )
            + draw(st.binary(max_size=200))
            + (f"\r\n--{boundary}--\r\n".encode() if draw(st.booleans()) else b"")
        )
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    elif kind == "run":
        body = json.dumps(draw(run_bodies)).encode()
        headers["Content-Type"] = "application/json"
    elif kind == "render":
        body = json.dumps(draw(render_bodies)).encode()
        headers["Content-Type"] = "application/json"
    return {"method": method, "path": path, "headers": headers, "body": body}


EXAMPLES = 3000


def test_random_requests_never_break_the_server() -> None:
    # Time runs fast so renders finish; the token outlives the run, or most requests would only meet an expired one.
    store = Store(Settings(clock_mode="realtime", time_scale=1e7, anon_per_ip_limit=10**9, render_max_height=64,
                           token_ttl_s=1e10))  # fmt: skip
    app = create_app(store=store)
    loop = asyncio.new_event_loop()
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://fuzz.localhost"
    )
    token = loop.run_until_complete(client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "f"})).json()
    auth = {"TOKEN": token["data"]["token"]}
    sid = loop.run_until_complete(
        client.post(
            "/api/tasks/me/with-session/nemo_agent", json={}, headers={"Authorization": f"Bearer {auth['TOKEN']}"}
        )
    ).json()
    session_id = sid["data"]["session_id"]
    seen = {"count": 0}

    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(req=requests())
    def one(req: dict) -> None:
        headers = {k: v.replace("TOKEN", auth["TOKEN"]) for k, v in req["headers"].items()}
        path = req["path"].replace("SID", session_id)
        body = req["body"].replace(b"SID", session_id.encode())
        try:
            r = loop.run_until_complete(client.request(req["method"], path, headers=headers, content=body))
        except (httpx.LocalProtocolError, UnicodeEncodeError):
            return  # the client refused to send it (illegal header value); nothing reached the server
        seen["count"] += 1
        assert r.status_code < 500, (req, r.text[:300])
        if r.status_code >= 400 and req["method"] != "HEAD":
            payload = r.json()
            assert isinstance(payload, dict) and ("code" in payload or "detail" in payload), r.text[:200]
        assert store.unexpected_errors == [], store.unexpected_errors[-1]["traceback"]

    try:
        one()
    finally:
        loop.run_until_complete(client.aclose())
        pending = list(store.tasks)
        for task in pending:
            task.cancel()

        async def drain() -> None:
            await asyncio.gather(*pending, return_exceptions=True)

        loop.run_until_complete(drain())
        loop.close()
        store.close()
    assert seen["count"] >= 0.9 * EXAMPLES  # most examples reached the server
