"""Classifying stream lines (protocol §5.4) and turn-level recovery (silent turns, dropped streams)."""

from __future__ import annotations

import httpx
import pytest
import respx

from nemo_client import KeepAlive, ModelError, NemoClient, StreamError, Text, ToolCall, ToolResult, TransportError
from nemo_client._stream import Unknown, events_from_lines

BASE = "https://nemo.test"
CALL = (
    '{"content":{"parts":[{"functionCall":{"id":"adk-1","args":{"a":1},"name":"edit_multitrack"}}],"role":"model"},'
    '"invocationId":"e-1","author":"nemo_agent","actions":{"stateDelta":{}},"id":"x","timestamp":1}'
)
RESULT = (
    '{"content":{"parts":[{"functionResponse":{"id":"adk-1","name":"edit_multitrack","response":{"status":"success"}}}],'
    '"role":"user"},"actions":{"stateDelta":{"draft":{"t":[]}}},"id":"y","timestamp":2}'
)
TEXT = '{"content":{"parts":[{"text":"Done! Click Export."}],"role":"model"},"id":"z","timestamp":3}'


def test_every_line_kind_is_classified() -> None:
    lines = [
        "data: ",
        "",
        ": heartbeat",
        "",
        'data: {"type":"heartbeat"}',
        "",
        "data: heartbeat",
        "",
        f"data: {CALL}",
        "",
        f"data: {RESULT}",
        "",
        f"data: {TEXT}",
        "",
        'data: {"content":{"parts":[{"text":"thinking","thought":true}]}}',
        "",
        'data: {"content":{"parts":[{"text":"Do"}]},"partial":true}',
        "",
        'data: {"errorCode":"SAFETY","errorMessage":"blocked"}',
        "",
        'data: {"type":"text","content":"typed"}',
        "",
        "data: not json",
        "",
        'data: {"error": "boom"}',
        "",
    ]
    got = list(events_from_lines(lines))
    assert got[:4] == [KeepAlive("empty_data"), KeepAlive("comment"), KeepAlive("json"), KeepAlive("heartbeat")]
    assert got[4] == ToolCall("edit_multitrack", {"a": 1}, "adk-1")
    assert got[5] == ToolResult("edit_multitrack", {"status": "success"}, "adk-1") and got[5].state_delta == {
        "draft": {"t": []}
    }
    assert got[6] == Text("Done! Click Export.")
    assert isinstance(got[7], Unknown)
    assert got[8] == Text("Do", partial=True)
    assert got[9] == ModelError("SAFETY", "blocked")
    assert got[10] == Text("typed")
    assert isinstance(got[11], Unknown) and got[12] == StreamError("boom")


def test_multi_line_data_and_crlf_are_joined() -> None:
    got = list(events_from_lines(['data: {"type":', 'data: "heartbeat"}', "", "event: x", "data: ", ""]))
    assert got == [KeepAlive("json"), KeepAlive("empty_data")]


def _sse(*events: str) -> httpx.Response:
    body = "".join(f"data: {e}\n\n" for e in events)
    return httpx.Response(200, text=body, headers={"content-type": "text/event-stream; charset=utf-8"})


def _state(draft: dict) -> httpx.Response:
    return httpx.Response(200, json={"code": 0, "data": {"state": {"draft": draft, "video_infos": []}}})


def test_silent_turn_reports_what_changed() -> None:
    with respx.mock(base_url=BASE) as mock:
        mock.get("/api/state/nemo_agent/me/s1/latest").mock(
            side_effect=[_state({}), _state({"t": [{"tt": 7, "sg": [{"st": 0, "d": 3000, "tx": "Hi"}]}]})]
        )
        mock.post("/run_sse").mock(return_value=_sse("", CALL, "", RESULT))
        client = NemoClient(BASE, token="t", client_id="c")
        result = client.chat("add title 'Hi'", "s1")
    assert result.silent and result.keepalives == 2 and [c.name for c in result.tool_calls] == ["edit_multitrack"]
    assert result.changes == ['added Title: "Hi" (0-3s)']


def test_pre_stream_json_error_raises_the_mapped_exception() -> None:
    from nemo_client import SessionNotFound

    with respx.mock(base_url=BASE) as mock:
        mock.get("/api/state/nemo_agent/me/s1/latest").mock(return_value=_state({}))
        mock.post("/run_sse").mock(return_value=httpx.Response(404, json={"detail": "Session not found", "code": 1002}))
        with pytest.raises(SessionNotFound):
            NemoClient(BASE, token="t", client_id="c").chat("hi", "s1")


def test_dropped_stream_waits_and_reads_state_instead_of_resending() -> None:
    sleeps: list[float] = []
    with respx.mock(base_url=BASE) as mock:
        mock.get("/api/state/nemo_agent/me/s1/latest").mock(
            side_effect=[_state({}), _state({}), _state({"t": [{"tt": 0, "sg": [{"d": 1000}]}]})]
        )
        run = mock.post("/run_sse").mock(side_effect=httpx.ReadError("reset"))
        result = NemoClient(BASE, token="t", client_id="c", sleep=sleeps.append).chat("generate", "s1")
    assert run.call_count == 1 and sleeps == [30.0, 60.0]
    assert result.disconnected and result.changes == ["added Video: clip (0-1s)"]


def test_dropped_stream_gives_up_after_five_unchanged_reads() -> None:
    sleeps: list[float] = []
    with respx.mock(base_url=BASE) as mock:
        mock.get("/api/state/nemo_agent/me/s1/latest").mock(return_value=_state({}))
        mock.post("/run_sse").mock(side_effect=httpx.ReadError("reset"))
        with pytest.raises(TransportError, match="did not change"):
            NemoClient(BASE, token="t", client_id="c", sleep=sleeps.append).chat("generate", "s1")
    assert sleeps == [30.0, 60.0, 60.0, 60.0, 60.0]
