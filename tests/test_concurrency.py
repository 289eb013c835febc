"""100 clients at once against one emulator: no cross-talk, no lost edits, credits consistent."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from nemo_client import NemoClient, NotFound, SessionNotFound
from tests.conftest import Server
from tests.helpers import ClockDriver


def test_hundred_concurrent_workflows_stay_isolated(server: Server, tmp_path: Path) -> None:
    n = 100
    clients = [NemoClient(server.url, client_id=f"crowd-{i}", config_dir=tmp_path) for i in range(n)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)
    renders = server.store.settings.max_renders_per_anonymous_ip

    def workflow(i: int) -> None:
        nemo = clients[i]
        try:
            nemo.anonymous_token()
            nemo.create_session()
            barrier.wait(30)
            nemo.upload("conformance/media/sample.png")
            nemo.chat(f"add text 'client-{i}' 0-1s")
            nemo.chat(f"add text 'again-{i}' 1-2s")
            draft = nemo.state()["state"]["draft"]
            texts = sorted(s["tx"] for t in draft["t"] for s in t.get("sg", []) if "tx" in s)
            assert texts == sorted([f"client-{i}", f"again-{i}"]), texts
            # the upload goes on the timeline with the first edit (5), then two texts (5 each)
            assert nemo.balance() == {"available": 85, "frozen": 0, "total": 85}
            if i < renders:  # as many as one IP's anonymous users may run at once (more would wait out a 429)
                nemo.submit_render(render_id=f"crowd-render-{i}")
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    with ClockDriver(server.store.clock):
        threads = [threading.Thread(target=workflow, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    assert errors == []
    for i in range(n):
        other = clients[(i + 1) % n]
        with pytest.raises(SessionNotFound):
            other.state(clients[i].session_id)
    with pytest.raises(NotFound):
        clients[1].render_status("crowd-render-0")
    for nemo in clients:
        nemo.close()
