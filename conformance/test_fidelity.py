"""Rules from the skill text and ADK's own api_server (protocol §5.5, §7.8, Q1, Q7, Q10): partial events, FastAPI's
422, credits never as 402, the export 402, the rate limit's 429, getting the same user back, the promised timing,
output sizes, replies in the session's language. Each accepts what the protocol leaves open and nothing else."""

from __future__ import annotations

import io
import time

import av
import pytest

from nemo_client import NemoClient, Recovery
from nemo_conformance import MEDIA
from nemo_conformance.checks import ConformanceFailure
from nemo_conformance.streams import run_raw, tool_events
from nemo_conformance.target import ClientFactory, Control, Target

SKILL_HEADERS = ("X-Skill-Source", "X-Skill-Version", "X-Skill-Platform")


def test_streaming_sends_partial_text_then_the_whole_reply(user: NemoClient, nemo_target: Target) -> None:
    turn = run_raw(user, "what can you do?", nemo_target.control, streaming=True)  # text only: never a silent turn
    partial: list[str] = []
    whole: list[str] = []
    for _, event in tool_events(turn.lines):
        texts = [p["text"] for p in event["content"]["parts"] if isinstance(p.get("text"), str)]
        (partial if event.get("partial") is True else whole).extend(texts)
    if not partial:
        raise ConformanceFailure("streaming: true sent no partial events", "\n".join(turn.lines[:20]))
    if "".join(partial) != "".join(whole):
        raise ConformanceFailure("partial chunks do not add up to the replies", f"{partial!r}\n{whole!r}")


def test_without_streaming_no_event_is_partial(user: NemoClient, nemo_target: Target) -> None:
    turn = run_raw(user, "show tracks", nemo_target.control)
    assert not any(e.get("partial") for _, e in tool_events(turn.lines))


@pytest.mark.parametrize(
    "body",
    [{"app_name": "nemo_agent", "user_id": "me"}, {"app_name": "nemo_agent", "session_id": "S", "user_id": 5}],
)
def test_a_malformed_run_body_gets_fastapis_422(user: NemoClient, body: dict[str, object]) -> None:
    body = {k: (user.session_id if v == "S" else v) for k, v in body.items()}
    r = user.http.post("/run_sse", json=body, headers=user.headers(user.balance_call()))
    if r.status_code != 422:
        raise ConformanceFailure(f"malformed /run_sse body answered {r.status_code}, not 422", r.text[:300])
    detail = r.json().get("detail")
    if not isinstance(detail, list) or not detail or not all({"type", "loc", "msg"} <= set(d) for d in detail):
        raise ConformanceFailure("422 without FastAPI's detail list", r.text[:300])
    assert all(d["loc"][0] == "body" for d in detail)


@pytest.mark.needs_control
@pytest.mark.fresh_identity  # spends the user's credits to nothing
def test_out_of_credits_is_2001_and_never_402(user: NemoClient, control: Control) -> None:
    user.upload(MEDIA / "sample.mp4")
    control.set_credits(user.token or "", 0)
    body = user.run_body(user.session_id or "", "add calm background music")
    r = user.http.post("/run_sse", json=body, headers=user.headers(user.balance_call()))
    if r.status_code == 402:
        raise ConformanceFailure("credits reported as HTTP 402 (the skill: 402 is never a credit issue)", r.text)
    assert r.status_code in (200, 403) and r.json()["code"] == 2001, r.text


@pytest.mark.needs_control
@pytest.mark.fresh_identity  # spends the user's credits to nothing
def test_an_export_without_attribution_is_402_once_credits_are_gone(user: NemoClient, control: Control) -> None:
    user.upload(MEDIA / "sample.mp4")
    run_raw(user, "add title 'Export me' 0-1s", control)
    draft = user.state()["state"]["draft"]
    control.set_credits(user.token or "", 0)
    call = user.submit_render_call(user.session_id or "", draft, f"render_{time.time_ns()}")
    plain = {k: v for k, v in user.headers(call).items() if k not in SKILL_HEADERS}
    r = user.http.post(call.path, json=call.json, headers=plain)
    if r.status_code != 402:
        raise ConformanceFailure(
            f"an anonymous export without X-Skill-Source answered {r.status_code}, not 402", r.text
        )
    assert r.json()["success"] is False and r.json().get("code") != 2001
    assert user.submit_render(draft, render_id=f"render_{time.time_ns()}")["status"] in ("pending", "processing")


@pytest.mark.needs_control
@pytest.mark.fresh_identity  # uses up the token's request budget
def test_a_burst_is_rate_limited_and_the_client_retries_once_after_30_s(
    user: NemoClient, new_client: ClientFactory, control: Control
) -> None:
    headers = user.headers(user.balance_call())
    for _ in range(5000):
        r = user.http.get("/api/credits/balance/simple", headers=headers)
        if r.status_code == 429:
            break
    else:
        raise ConformanceFailure("5000 requests in one virtual instant and no 429")
    assert r.headers.get("retry-after") == "30" and r.json()["code"] == 429
    patient = new_client(token=user.token, recovery=Recovery(), sleep=control.advance)
    started = control.now()
    assert patient.balance()["available"] >= 0
    assert control.now() - started >= 30


@pytest.mark.needs_control
@pytest.mark.fresh_identity
def test_an_expired_token_is_replaced_for_the_same_client(new_client: ClientFactory, control: Control) -> None:
    client = new_client()
    first = client.anonymous_token()
    client.create_session(language="en")
    control.advance(7 * 24 * 3600 + 1)
    second = client.anonymous_token()
    assert second["token"] != first["token"]
    if second.get("user_id") == first.get("user_id"):
        assert client.state()["session_id"] == client.session_id, "the same user comes back with its sessions"


@pytest.mark.needs_control
@pytest.mark.costs(30)
def test_the_quick_edit_and_its_render_keep_the_skills_timing(user: NemoClient, control: Control) -> None:
    if control.settings().get("clock_mode") != "manual":
        pytest.skip("measures virtual time; this server's clock also runs on its own (see `make bench` for real time)")
    started = control.now()
    user.upload(MEDIA / "sample30.mp4")
    run_raw(user, "generate background music that matches the mood and length of my video", control)
    job = user.submit_render()
    submitted = control.now()
    user.wait_for_render(job["id"], interval=1, timeout=600, between_polls=control.advance)
    render_s, total_s = control.now() - submitted, control.now() - started
    if not 30 <= render_s <= 90:
        raise ConformanceFailure(f"a render took {render_s:.0f} virtual s (the skill: 30-90 s)")
    if not 20 <= total_s <= 40:
        raise ConformanceFailure(
            f"the quick edit of a 30-second clip took {total_s:.0f} virtual s (the skill: 20-40 s)"
        )
    data = user.http.get(user.download_path(job["id"]), headers=user.headers(user.balance_call())).content
    with av.open(io.BytesIO(data)) as c:
        v = c.streams.video[0]
        width, height = v.codec_context.width, v.codec_context.height
    assert max(width, height) <= 1920 and min(width, height) <= 1080


@pytest.mark.costs(0)
def test_replies_follow_the_sessions_language(new_user: object, nemo_target: Target) -> None:
    client: NemoClient = new_user()  # type: ignore[operator]
    client.create_session(language="zh-CN")
    turn = run_raw(client, "显示时间线", nemo_target.control)
    said = "".join(p["text"] for _, e in tool_events(turn.lines) for p in e["content"]["parts"] if "text" in p)
    if not any("\u4e00" <= ch <= "\u9fff" for ch in said):
        raise ConformanceFailure("a zh-CN session got a reply without Chinese", said[:300])
