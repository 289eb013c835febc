"""A reset never races the work of the world it forgets: turns, uploads and renders of the old world stop before
its files go, and nothing they do lands in the new one."""

from __future__ import annotations

import asyncio
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


class _Recorder:
    """A surface's framing that keeps what it is given."""

    chunked = False
    tick_s = None

    def __init__(self) -> None:
        self.steps: list[object] = []

    def emit(self, step: object, now: float) -> None:
        self.steps.append(step)


def test_a_turn_cancelled_before_its_first_step_still_ends_its_stream() -> None:
    """A reset cancels every turn, some of them before they have begun: those never run to their own ending, and a
    client streaming one would wait forever for a last frame."""
    from nemo_emulator.agent.engine import Turn, prepare
    from nemo_emulator.agent.steps import Done
    from nemo_emulator.settings import Settings
    from nemo_emulator.state.store import Store

    store = Store(Settings(clock_mode="manual"))
    _, user = store.accounts.issue_anonymous("cancelled-early", "ip")
    session = store.sessions.create(user.id, "project", None, store.clock.now())
    recorder = _Recorder()

    async def scenario() -> None:
        plan, rng = prepare(store, session, user, "add lo-fi music")
        turn = Turn(store, session, user, "http://x", plan, rng.getrandbits(64), lambda ids: recorder)
        task = turn.start("add lo-fi music")
        task.cancel()  # before the loop has run a single step of it, as a reset may
        await asyncio.gather(task, return_exceptions=True)
        assert not turn.began

    try:
        asyncio.run(scenario())
    finally:
        store.close()
    assert [type(s) for s in recorder.steps] == [Done]
    assert session.running == 0
