"""A reset never races the work of the world it forgets: turns, uploads and renders of the old world stop before
its files go, and nothing they do lands in the new one."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.conftest import Server
from tests.helpers import anon, message_body, new_session, stream_lines, upload

SAMPLE = "conformance/media/sample.mp4"
SKILL = {"X-Skill-Source": "nemo-video"}


def _work(url: str, n: int, stop: threading.Event, statuses: list[int]) -> None:
    with httpx.Client(base_url=url, timeout=60) as http:
        while not stop.is_set():
            try:
                h = {**anon(http, f"racer-{n}-{len(statuses)}"), **SKILL}
                sid = new_session(http, h)
            except (AssertionError, KeyError):
                continue  # a reset came between the token and the session: start again
            statuses.append(upload(http, h, sid, SAMPLE).status_code)
            with http.stream("POST", "/run_sse", json=message_body(sid, "add lo-fi music"), headers=h) as r:
                statuses.append(r.status_code)
                r.read()
            draft = {"t": [{"tt": 7, "sg": [{"d": 500, "tx": "A"}]}]}
            r = http.post("/api/render/proxy/lambda", json={"id": "r", "sessionId": sid, "draft": draft}, headers=h)
            statuses.append(r.status_code)


@pytest.mark.parametrize("run", range(20))
def test_resets_interleaved_with_turns_uploads_and_renders_record_no_error(server_factory, run: int) -> None:
    srv = server_factory(clock_mode="auto", render_max_height=120)
    stop = threading.Event()
    statuses: list[int] = []
    workers = [threading.Thread(target=_work, args=(srv.url, n, stop, statuses)) for n in range(3)]
    for t in workers:
        t.start()
    try:
        for _ in range(6):
            srv.store.uploads.wait_idle(5, busy=True)
            srv.store.reset()
    finally:
        stop.set()
        for t in workers:
            t.join(120)
    assert srv.store.unexpected_errors == []
    assert statuses and all(s < 500 for s in statuses), sorted(set(statuses))


def test_a_reset_during_a_turn_leaves_nothing_in_the_next_world(server: Server, http: httpx.Client) -> None:
    h = anon(http, "before")
    sid = new_session(http, h)
    upload(http, h, sid, SAMPLE)
    with http.stream("POST", "/run_sse", json=message_body(sid, "add lo-fi music"), headers=h) as r:
        assert server.store.clock.wait_for_sleeper(10)  # the music tool is running, its credits frozen
        server.store.reset()
        r.read()
    after = anon(http, "after")
    stream_lines(http, server.store.clock, after, new_session(http, after), "hello")
    (user,) = server.store.accounts.users.values()
    assert [line["what"] for line in server.store.accounts.ledger.view(user.id)] == ["grant"]
    assert list(server.store.root.glob("generated/*")) == []
