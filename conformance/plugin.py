"""pytest plugin, installed with the package: the `--nemo-*` options and fixtures for any project.

    def test_my_agent(nemo_client):           # a NemoClient with a token and a session, on a fresh emulator
        ...
    def test_retry(nemo_client, nemo_faults):  # inject faults: with nemo_faults.fault(kind="error", code=429): ...
        ...
    def test_raw(nemo_emulator):               # the emulator's base URL (auto clock, reset before each test)
        ...
    def test_cli(nemo_user):                   # a registered user: nemo_user(plan="pro", credits=500).token
        ...
    def test_mcp(nemo_mcp):                    # an official `mcp` ClientSession, signed in through OAuth
        ...

Registering the plugin changes nothing in a host project until one of these fixtures or options is used: the
emulator starts on first use, and the conformance suite's own fixtures, Hypothesis profiles and report live in
its conftest, which only that suite loads (`pytest --pyargs nemo_conformance`).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from nemo_client import GatewayClient, McpConnection, NemoClient
    from nemo_conformance.target import Control, Target


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nemo", "NEMO emulator and conformance suite")
    group.addoption(
        "--nemo-base-url",
        default=os.environ.get("NEMO_BASE_URL"),
        help="endpoint the conformance suite tests (default: start an emulator)",
    )
    group.addoption("--nemo-live", action="store_true", help="allow testing a live (non-loopback) API")
    group.addoption("--nemo-gateway-url", default=os.environ.get("NEMO_GATEWAY_URL"),
                    help="the gateway (mega-x-api) the gateway checks test (default: the emulator under test)")
    group.addoption("--nemo-api-key", default=None,
                    help="a registered user's API token for the gateway checks (or NEMOVIDEO_API_KEY)")
    group.addoption("--nemo-mcp-url", default=os.environ.get("NEMO_MCP_URL"),
                    help="the MCP server the MCP checks test, its base URL (the endpoint is <url>/mcp; default: the "
                         "emulator under test)")
    group.addoption("--nemo-mcp-token", default=os.environ.get("NEMO_MCP_TOKEN"),
                    help="a pre-obtained OAuth access token for the MCP tool checks (or NEMO_MCP_TOKEN); without "
                         "one they sign in, which needs an emulator's auto-approving sign-in")
    group.addoption("--nemo-budget", type=int, default=0, help="credits the suite may spend on a live API")
    group.addoption(
        "--nemo-share-identities",
        action="store_true",
        help="reuse two anonymous identities across checks and runs (always on with --nemo-live, whose API "
        "issues ten per IP per week)",
    )
    group.addoption(
        "--nemo-identities",
        type=Path,
        default=Path.home() / ".config" / "nemo-conformance" / "identities.json",
        help="where shared identities are kept between runs",
    )
    group.addoption(
        "--nemo-emulator-arg",
        action="append",
        default=[],
        help='extra argument for every emulator the plugin starts (e.g. --set=heartbeat_style="comment")',
    )
    group.addoption("--nemo-report", default=None, help="directory for the conformance report (report.json, .md)")


@pytest.fixture(scope="session")
def _nemo_emulator_session(pytestconfig: pytest.Config) -> Iterator[Target]:
    from nemo_conformance.target import spawn_emulator

    target = spawn_emulator(pytestconfig.getoption("--nemo-emulator-arg"), clock="auto")
    yield target
    target.close()


@pytest.fixture
def nemo_emulator(_nemo_emulator_session: Target) -> str:
    """Base URL of an emulator started once per run and reset before each test. Its clock is `auto`: virtual time
    jumps to the next deadline whenever something waits, so turns and renders finish at once, deterministically."""
    assert _nemo_emulator_session.control is not None
    _nemo_emulator_session.control.reset()
    return _nemo_emulator_session.url


@pytest.fixture
def nemo_faults(_nemo_emulator_session: Target, nemo_emulator: str) -> Control:
    """Control plane of `nemo_emulator`: `with nemo_faults.fault(kind="error", code=429): ...`, `.advance(s)`."""
    assert _nemo_emulator_session.control is not None
    return _nemo_emulator_session.control


@pytest.fixture
def nemo_client(nemo_emulator: str) -> Iterator[NemoClient]:
    """A NemoClient for `nemo_emulator`, already holding an anonymous token and a session."""
    from nemo_client import NemoClient

    with NemoClient(nemo_emulator, client_id="nemo-client-fixture") as client:
        client.anonymous_token()
        client.create_session()
        yield client


@dataclass(frozen=True)
class NemoUser:
    """A registered user of `nemo_emulator`: its API token works on the mega API and the gateway, and it signs in
    to the MCP server."""

    user_id: str
    email: str
    plan: str
    token: str
    base_url: str

    def gateway(self) -> GatewayClient:
        """A GatewayClient signed in as this user (close it, or use it in a `with`)."""
        from nemo_client import GatewayClient

        return GatewayClient(self.base_url, token=self.token)


@pytest.fixture
def nemo_user(_nemo_emulator_session: Target, nemo_emulator: str) -> Callable[..., NemoUser]:
    """Make registered users: `nemo_user(plan="pro", credits=500)` (plans: free, starter, pro, creator)."""
    control = _nemo_emulator_session.control
    assert control is not None
    made = itertools.count(1)

    def make(plan: str = "starter", credits: int = 1000, email: str | None = None) -> NemoUser:
        data = control.create_user(email or f"user{next(made)}@nemo.test", plan, credits)
        return NemoUser(data["user_id"], data["email"], data["plan"], data["token"], nemo_emulator)

    return make


@pytest.fixture
def nemo_mcp(nemo_user: Callable[..., NemoUser]) -> Iterator[McpConnection]:
    """An official `mcp` client session, signed in through OAuth (DCR, PKCE) as a new creator user with every scope:
    `nemo_mcp.call("get_credits")`, or `nemo_mcp.run(nemo_mcp.session.list_tools())`."""
    from nemo_client import McpConnection

    user = nemo_user(plan="creator")
    with McpConnection(user.base_url, login_hint=user.email) as connection:
        yield connection


@pytest.fixture
def nemo_media() -> Path:
    """The folder of tiny sample media shipped with the package (sample.mp4, .mov, .webm, .png, .jpg, .mp3, .wav)."""
    from nemo_conformance import MEDIA

    return MEDIA
