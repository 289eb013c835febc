"""Shared fixtures: an emulator on a real socket (uvicorn in a thread), reset per test."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from nemo_client._config import tls_context
from nemo_conformance import profiles
from nemo_emulator import Settings, Store, create_app
from nemo_emulator.server import config as server_config


def pytest_configure(config: pytest.Config) -> None:
    profiles.register()
    profiles.load_default(config)


TEST_SETTINGS = Settings(clock_mode="manual", anon_per_ip_limit=10_000, render_max_height=240)


@dataclass
class Server:
    url: str
    store: Store
    thread: threading.Thread
    server: uvicorn.Server

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.store.close()


def serve_app(app: Any, settings: Settings | None = None) -> tuple[str, uvicorn.Server, threading.Thread]:
    """Run any ASGI app with uvicorn in a thread on a free port, configured as `nemo-emulator serve` does."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = server_config(app, settings or TEST_SETTINGS, log_level="error", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        threading.Event().wait(0.01)  # real-time: waiting for a thread to bind, not for virtual time
    assert server.started, "uvicorn did not start"
    return f"http://127.0.0.1:{port}", server, thread


def start_server(settings: Settings) -> Server:
    store = Store(settings)
    url, server, thread = serve_app(create_app(store=store), settings)
    return Server(url, store, thread, server)


@pytest.fixture(scope="session")
def _shared_server() -> Iterator[Server]:
    server = start_server(TEST_SETTINGS)
    yield server
    server.stop()


@pytest.fixture
def server(_shared_server: Server) -> Iterator[Server]:
    """The shared emulator, reset; fails the test if the server recorded an unexpected error."""
    _shared_server.store.reset()
    yield _shared_server
    assert _shared_server.store.unexpected_errors == []


@pytest.fixture
def server_factory() -> Iterator[Callable[..., Server]]:
    """Start a separate emulator with settings changed from the test defaults."""
    started: list[Server] = []

    def make(**changes: Any) -> Server:
        srv = start_server(TEST_SETTINGS.replace(**changes))
        started.append(srv)
        return srv

    yield make
    for srv in started:
        errors = srv.store.unexpected_errors
        srv.stop()
        assert errors == []


@pytest.fixture(scope="module")
def server_factory_module() -> Iterator[Callable[..., Server]]:
    """`server_factory`, for servers a whole module shares."""
    started: list[Server] = []

    def make(**changes: Any) -> Server:
        srv = start_server(TEST_SETTINGS.replace(**changes))
        started.append(srv)
        return srv

    yield make
    for srv in started:
        errors = srv.store.unexpected_errors
        srv.stop()
        assert errors == []


@pytest.fixture
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30, verify=tls_context()) as client:
        yield client
