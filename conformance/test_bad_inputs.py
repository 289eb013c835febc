"""Generated bad inputs per endpoint get the documented error, in the route's envelope, never a stream or a 5xx."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nemo_client import BadRequest, NemoClient, NotFound, SessionNotFound

junk_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3),
    max_leaves=8,
)


@given(
    ctype=st.sampled_from(["text/plain", "application/xml", "application/octet-stream", "image/png", ""]),
    body=st.binary(max_size=200),
)
def test_upload_with_the_wrong_content_type_is_400(user: NemoClient, ctype: str, body: bytes) -> None:
    headers = {**user.headers(user.balance_call()), "Content-Type": ctype}
    r = user.http.post(user.upload_path(user.session_id or ""), content=body, headers=headers)
    assert r.status_code == 400 and r.json()["code"] == 400


@given(
    body=st.one_of(
        junk_json.filter(lambda v: not isinstance(v, dict)),
        st.fixed_dictionaries(
            {"app_name": st.just("nemo_agent"), "session_id": st.just("SID")},
            optional={"new_message": junk_json.filter(lambda v: not isinstance(v, dict))},
        ),
        st.fixed_dictionaries(
            {
                "app_name": st.just("nemo_agent"),
                "session_id": st.just("SID"),
                "new_message": st.fixed_dictionaries({"parts": junk_json.filter(lambda v: not isinstance(v, list))}),
            }
        ),
    )
)
def test_malformed_run_requests_answer_json_before_streaming(user: NemoClient, body: object) -> None:
    payload = json.loads(json.dumps(body).replace('"SID"', json.dumps(user.session_id)))
    headers = {**user.headers(user.balance_call()), "Accept": "text/event-stream"}
    r = user.http.post("/run_sse", json=payload, headers=headers)
    assert r.headers["content-type"].startswith("application/json"), "an error must not open a stream"
    assert r.status_code in (400, 404, 422)


@given(
    draft=st.one_of(
        junk_json.filter(lambda v: not isinstance(v, dict)),
        st.fixed_dictionaries({"t": junk_json.filter(lambda v: not isinstance(v, list))}),
        st.fixed_dictionaries(
            {
                "t": st.lists(
                    st.fixed_dictionaries(
                        {
                            "tt": st.integers(0, 7),
                            "sg": st.lists(
                                st.fixed_dictionaries({"d": st.integers(max_value=0)}), min_size=1, max_size=2
                            ),
                        }
                    ),
                    min_size=1,
                    max_size=2,
                )
            }
        ),
    )
)
def test_unrenderable_drafts_are_refused_at_submit(user: NemoClient, draft: object) -> None:
    with pytest.raises(BadRequest):
        user.request(
            "POST",
            "/api/render/proxy/lambda",
            envelope="success",
            json={"id": "render_bad_draft", "sessionId": user.session_id, "draft": draft},
        )


@given(render_id=st.text(alphabet="abcdefXYZ0123456789_-", min_size=1, max_size=40))
def test_unknown_render_ids_are_404(user: NemoClient, render_id: str) -> None:
    with pytest.raises(NotFound):
        user.render_status(f"never-submitted-{render_id}")


@given(
    path=st.sampled_from(
        [
            "/api/credits/balance",
            "/api/state/nemo_agent/me",
            "/api/tasks/me",
            "/api/v1/generate",
            "/api/render/proxy",
            "/run",
            "/api/upload-video/nemo_agent/me",
        ]
    )
)
def test_unknown_routes_answer_in_the_envelope(user: NemoClient, path: str) -> None:
    r = user.http.post(path, json={}, headers=user.headers(user.balance_call()))
    assert r.status_code in (404, 405) and isinstance(r.json().get("code"), int)


@given(session_id=st.text(alphabet="0123456789", min_size=1, max_size=25))
def test_uploading_to_unknown_sessions_is_1002(user: NemoClient, session_id: str) -> None:
    if session_id == user.session_id:
        return
    with pytest.raises(SessionNotFound) as info:
        user.upload_urls("http://127.0.0.1:9/none.mp4", session_id=session_id)
    assert info.value.code == 1002
