"""The agent stream: JSON errors before streaming, SSE framing, ADK events, heartbeats, silent edits (§3.4, §5)."""

from __future__ import annotations

import math

import pytest

from nemo_client import NemoClient, SessionNotFound, TokenInvalid, ToolCall, ToolResult
from nemo_conformance import MEDIA
from nemo_conformance.checks import ConformanceFailure, validate
from nemo_conformance.streams import framing_is_sse, is_keepalive, run_raw, tool_events
from nemo_conformance.target import Control, Target, UserFactory


def test_text_turn_streams_adk_events_and_closes(user: NemoClient, nemo_target: Target) -> None:
    turn = run_raw(user, "show tracks", nemo_target.control)
    assert turn.status == 200 and turn.content_type.startswith("text/event-stream")
    framing_is_sse(turn.lines)
    events = turn.json_events
    assert events and all(e["invocationId"] == events[0]["invocationId"] for e in events)
    assert any("text" in p for e in events for p in e["content"]["parts"])


@pytest.mark.parametrize("body_change", [{"app_name": "not_an_app"}, {"session_id": "1" * 19}])
def test_errors_before_streaming_are_json(user: NemoClient, body_change: dict[str, object]) -> None:
    body = {**user.run_body(user.session_id or "", "hi"), **body_change}
    r = user.http.post("/run_sse", json=body, headers=user.headers(user.create_session_call()))
    assert r.headers["content-type"].startswith("application/json") and r.status_code == 404
    validate("detail_error", r.json())


def test_bad_token_before_streaming_is_1001(user: NemoClient) -> None:
    user.token = "nmv_usr_not_a_real_token_at_all_000000000"
    with pytest.raises(TokenInvalid):
        list(user.stream("show tracks"))


def test_foreign_session_before_streaming_is_1002(user: NemoClient, new_user: UserFactory) -> None:
    intruder = new_user()
    with pytest.raises(SessionNotFound):
        list(intruder.stream("show tracks", user.session_id))


@pytest.mark.needs_control
@pytest.mark.costs(100)
def test_long_tool_runs_carry_heartbeats_within_the_interval(user: NemoClient, control: Control) -> None:
    turn = run_raw(user, "generate a 5-second video of a city at night", control)
    framing_is_sse(turn.lines)
    interval = float(control.settings()["heartbeat_interval_s"])  # type: ignore[arg-type]
    started: dict[str, tuple[float, int]] = {}
    checked = 0
    for position, event in tool_events(turn.lines):
        for part in event["content"]["parts"]:
            if "functionCall" in part and not event.get("partial"):
                started[part["functionCall"].get("id", "")] = (event["timestamp"], position)
            elif "functionResponse" in part and part["functionResponse"].get("id", "") in started:
                at, since = started[part["functionResponse"]["id"]]
                quiet = event["timestamp"] - at
                beats = sum(1 for line in turn.lines[since:position] if is_keepalive(line))
                if quiet > interval and beats < math.ceil(quiet / interval) - 2:
                    raise ConformanceFailure(
                        "no heartbeat during a tool call",
                        f"{quiet:.0f} s with {beats} keep-alives, interval {interval:g} s",
                    )
                checked += 1
    assert checked, "a generation turn calls a long-running tool"


@pytest.mark.needs_control
@pytest.mark.costs(5)
def test_edit_turn_changes_state_even_when_silent(user: NemoClient, control: Control) -> None:
    user.upload(MEDIA / "sample.mp4")
    turn = run_raw(user, "add title 'Conformance' 0-1s", control)
    assert any(isinstance(e, ToolCall) for e in turn.events) and any(isinstance(e, ToolResult) for e in turn.events)
    draft = user.state()["state"]["draft"]
    texts = [s.get("tx") for t in draft.get("t", []) for s in t.get("sg", [])]
    assert "Conformance" in texts


@pytest.mark.needs_control
@pytest.mark.costs(45)
def test_credits_are_frozen_while_a_paid_tool_runs(user: NemoClient, control: Control) -> None:
    user.upload(MEDIA / "sample.mp4")
    run_raw(user, "add calm background music", control)
    before = user.balance()
    body = user.run_body(user.session_id or "", "add upbeat music")
    headers = {**user.headers(user.create_session_call()), "Accept": "text/event-stream"}
    with user.http.stream("POST", "/run_sse", json=body, headers=headers) as r:
        lines = r.iter_lines()
        for line in lines:
            if '"functionCall"' in line:
                break
        mid = user.balance()
        with control.running():
            list(lines)
    assert mid["frozen"] > 0, "the tool's cost is frozen while it runs"
    assert mid["total"] == mid["available"] + mid["frozen"] == before["total"]
    end = user.balance()
    assert end["frozen"] == 0 and end["total"] == end["available"] < before["available"]
