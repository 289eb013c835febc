"""Every callback either client accepts runs, whether it is a plain function or a coroutine function."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nemo_client import AsyncNemoClient, NemoClient
from tests.conftest import Server
from tests.helpers import ClockDriver

SAMPLE = Path("conformance/media/sample.mp4")
KINDS = ("upload", "event", "render", "download")


def _callbacks(style: str) -> tuple[dict[str, list[Any]], dict[str, Callable[..., Any]]]:
    seen: dict[str, list[Any]] = {k: [] for k in KINDS}

    def plain(kind: str) -> Callable[..., Any]:
        return lambda *args: seen[kind].append(args)

    def coroutine(kind: str) -> Callable[..., Any]:
        async def record(*args: Any) -> None:
            await asyncio.sleep(0)  # real-time: yields to the loop once, proving the callback was awaited
            seen[kind].append(args)

        return record

    make = plain if style == "sync" else coroutine
    return seen, {k: make(k) for k in KINDS}


def _check(seen: dict[str, list[Any]]) -> None:
    assert seen["upload"] and seen["upload"][-1][0] == SAMPLE.stat().st_size
    assert seen["event"], "on_event never ran"
    assert seen["render"] and seen["render"][-1][0]["status"] == "completed"
    assert seen["download"] and seen["download"][-1][0] > 0


@pytest.mark.parametrize("style", ["sync", "async"])
def test_the_sync_client_runs_sync_and_coroutine_callbacks(server: Server, tmp_path: Path, style: str) -> None:
    seen, cb = _callbacks(style)
    with NemoClient(server.url, client_id=f"cb-{style}", config_dir=tmp_path) as nemo:
        nemo.anonymous_token()
        nemo.create_session(language="en")
        with SAMPLE.open("rb") as fh:
            nemo.upload(fh, progress=cb["upload"])
        with ClockDriver(server.store.clock):
            nemo.chat("add jazz music", on_event=cb["event"])
        nemo.submit_render(render_id="r1")
        nemo.wait_for_render("r1", interval=30, on_progress=cb["render"],
                             between_polls=lambda s: server.store.clock.advance(s))  # fmt: skip
        nemo.download_render("r1", tmp_path / "out.mp4", progress=cb["download"])
    _check(seen)


@pytest.mark.parametrize("style", ["sync", "async"])
def test_the_async_client_runs_sync_and_coroutine_callbacks(server: Server, tmp_path: Path, style: str) -> None:
    seen, cb = _callbacks(style)

    async def scenario() -> None:
        async with AsyncNemoClient(server.url, client_id=f"acb-{style}", config_dir=tmp_path) as nemo:
            await nemo.anonymous_token()
            await nemo.create_session(language="en")
            with SAMPLE.open("rb") as fh:
                await nemo.upload(fh, progress=cb["upload"])
            with ClockDriver(server.store.clock):
                await nemo.chat("add jazz music", on_event=cb["event"])
            await nemo.submit_render(render_id="r1")
            await nemo.wait_for_render("r1", interval=30, on_progress=cb["render"],
                                       between_polls=lambda s: server.store.clock.advance(s))  # fmt: skip
            await nemo.download_render("r1", tmp_path / "out.mp4", progress=cb["download"])

    asyncio.run(scenario())
    _check(seen)
