"""Hypothesis throws drafts and bodies at a durable emulator: never a 5xx, and the state snapshot is still written
after everything it was sent. 300 cases a run in the default profile, 5000 in nemo-deep."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import anon, new_session

CASES = 5000 if settings.default.max_examples >= 400 else 300
SKILL = {"X-Skill-Source": "fuzz", "X-Skill-Version": "1", "X-Skill-Platform": "terminal"}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)
numbers = st.one_of(
    st.integers(-5, 10**12), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=5), st.none()
)
segments = st.fixed_dictionaries(
    {"d": numbers},
    optional={"st": numbers, "so": numbers, "v": numbers, "fi": numbers, "fo": numbers, "src": values, "tx": values,
              "sty": values, "m": values, "extra": values},
)  # fmt: skip
tracks = st.fixed_dictionaries(
    {
        "tt": st.one_of(st.sampled_from([0, 1, 7, 3, 99]), values),
        "sg": st.one_of(st.lists(segments, max_size=5), values),
    },
    optional={"m": values},
)
drafts = st.one_of(
    st.fixed_dictionaries({"t": st.lists(tracks, max_size=4)}, optional={"d": numbers, "m": values, "x": values}),
    values,
)
deep = st.integers(1, 3000).map(lambda n: '{"k":' * n + "1" + "}" * n)
routes = st.sampled_from(
    ["/api/tasks/me/with-session/nemo_agent", "/api/auth/claim-token", "/run_sse", "/api/render/proxy/lambda",
     "/api/upload-video/nemo_agent/me/{sid}", "/_emulator/faults", "/_emulator/clock"]
)  # fmt: skip


@pytest.fixture(scope="module")
def durable(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.conftest import TEST_SETTINGS, start_server

    state = tmp_path_factory.mktemp("fuzz-state")
    srv = start_server(TEST_SETTINGS.replace(state_dir=state, render_max_height=16, max_renders_per_user=1))
    http = httpx.Client(base_url=srv.url, timeout=30)
    h = {**anon(http, "fuzzer"), **SKILL}
    sid = new_session(http, h)
    yield srv, http, h, sid, state
    http.close()
    errors = srv.store.unexpected_errors
    srv.stop()
    assert errors == []


@settings(max_examples=CASES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=CASES < 5000)
@given(draft=drafts, render_id=st.text(min_size=1, max_size=20))
def test_render_drafts_never_break_the_server(durable: Any, draft: Any, render_id: str) -> None:
    _srv, http, h, sid, _ = durable
    body = {"id": render_id, "sessionId": sid, "draft": draft}
    try:
        raw = json.dumps(body, allow_nan=True).encode()
    except (ValueError, RecursionError):
        return
    r = http.post("/api/render/proxy/lambda", content=raw, headers={**h, "content-type": "application/json"})
    assert r.status_code < 500, r.text[:300]


@settings(max_examples=CASES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=CASES < 5000)
@given(route=routes, body=st.one_of(values.map(lambda v: json.dumps(v, allow_nan=True)), deep, st.text(max_size=200)))
def test_json_routes_take_any_body_without_a_5xx(durable: Any, route: str, body: str) -> None:
    _srv, http, h, sid, _ = durable
    r = http.post(route.format(sid=sid), content=body.encode("utf-8", "surrogatepass"),
                  headers={**h, "content-type": "application/json"})  # fmt: skip
    assert r.status_code < 500, r.text[:300]
    if route == "/_emulator/faults":
        http.delete("/_emulator/faults")


def test_the_state_is_still_written_after_the_fuzz(durable: Any) -> None:
    _srv, http, h, _sid, state = durable
    http.post("/_emulator/clock", json={"advance": 1})
    assert http.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "after"}, headers=h).status_code == 200
    snapshot = json.loads((Path(state) / "state.json").read_text())
    assert any(s["task_name"] == "after" for s in snapshot["sessions"])
