"""pytest plugin: point the conformance suite at an endpoint and report the result.

    pytest conformance                                   # starts an emulator on a free port
    pytest conformance --nemo-base-url=http://127.0.0.1:8765
    pytest conformance --nemo-base-url=https://mega-api-prod.nemovideo.ai --nemo-live --nemo-budget=100
    pytest conformance --nemo-base-url=http://127.0.0.1:8765 --nemo-share-identities   # ten tokens per IP

Also offers `nemo_emulator` (URL of a fresh emulator, reset per test) and `nemo_client` to any project.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Verbosity, settings

from client import NemoClient
from conformance.identities import Identities
from conformance.target import Control, Target, spawn_emulator

_SHARED_USER_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
"""Property tests reuse one user across examples on purpose: the inputs they send change nothing."""
settings.register_profile(
    "ci", max_examples=15, derandomize=True, deadline=None, print_blob=True, suppress_health_check=_SHARED_USER_OK
)
settings.register_profile(
    "deep",
    max_examples=400,
    deadline=None,
    print_blob=True,
    verbosity=Verbosity.normal,
    suppress_health_check=_SHARED_USER_OK,
)
settings.register_profile(
    "live", max_examples=3, derandomize=True, deadline=None, print_blob=True, suppress_health_check=list(HealthCheck)
)

_PACKAGE = Path(__file__).resolve().parent


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nemo", "NEMO conformance")
    group.addoption(
        "--nemo-base-url", default=os.environ.get("NEMO_BASE_URL"), help="endpoint to test (default: start an emulator)"
    )
    group.addoption(
        "--nemo-target",
        default="inprocess",
        choices=["inprocess", "url"],
        help="inprocess: start the emulator on a free port; url: use --nemo-base-url",
    )
    group.addoption("--nemo-live", action="store_true", help="allow testing a live (non-loopback) API")
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
        help='extra argument for the spawned emulator (e.g. --set=heartbeat_style="comment")',
    )
    group.addoption("--nemo-report", default=None, help="directory for report.json and report.md")


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_Reporter(config), "nemo-conformance-reporter")
    config.addinivalue_line("markers", "needs_control: needs the emulator's /_emulator/ plane (skipped on live)")
    config.addinivalue_line("markers", "costs(credits): spends credits; skipped when over the live budget")
    config.addinivalue_line("markers", "fresh_identity: issues new anonymous tokens; skipped with shared identities")
    if config.getoption("--nemo-live") and config.getoption("--hypothesis-profile", None) in (None, "default"):
        settings.load_profile("live")
    elif os.environ.get("CI") or config.getoption("--hypothesis-profile", None) in (None, "default"):
        settings.load_profile("ci")


@pytest.fixture(scope="session")
def nemo_target(pytestconfig: pytest.Config) -> Iterator[Target]:
    """The endpoint under test, started if need be."""
    url = pytestconfig.getoption("--nemo-base-url")
    if url:
        url = url.rstrip("/")
        loopback = any(h in url for h in ("://127.", "://localhost", "://[::1]"))
        if not loopback and not pytestconfig.getoption("--nemo-live"):
            pytest.exit(f"{url} is not local; pass --nemo-live (and --nemo-budget) to test a live API", 2)
        target = Target(url, Control.probe(url), live=not loopback, budget=pytestconfig.getoption("--nemo-budget"))
        if target.live or pytestconfig.getoption("--nemo-share-identities"):
            target.identities = Identities(url, pytestconfig.getoption("--nemo-identities"), target.budget)
        elif target.control is not None and int(str(target.control.settings().get("anon_per_ip_limit", 0))) < 1000:
            target.close()
            pytest.exit(
                f"{url} allows only a few anonymous users per IP and the suite plays many; restart it with "
                "--set anon_per_ip_limit=1000000, or pass --nemo-share-identities",
                2,
            )
    else:
        target = spawn_emulator(pytestconfig.getoption("--nemo-emulator-arg"))
    yield target
    target.close()


@pytest.fixture(autouse=True)
def _gate(request: pytest.FixtureRequest) -> None:
    """Skip what the target cannot do: control-plane checks on live, spending past the budget."""
    if "nemo_target" not in request.fixturenames:
        return
    target: Target = request.getfixturevalue("nemo_target")
    if request.node.get_closest_marker("needs_control") and target.control is None:
        pytest.skip("needs the emulator control plane (/_emulator/), which this target does not have")
    if request.node.get_closest_marker("fresh_identity") and target.identities is not None:
        pytest.skip("issues new anonymous tokens, which shared identities exist to avoid")
    marker = request.node.get_closest_marker("costs")
    if marker and not target.spend(int(marker.args[0])):
        pytest.skip(f"would spend {marker.args[0]} credits, over the --nemo-budget of {target.budget}")


@pytest.fixture
def new_client(nemo_target: Target) -> Iterator[Any]:
    """Factory of clients, each a fresh anonymous identity (unique X-Client-Id), or with shared identities the
    next one of the pool, already holding its token."""
    made: list[NemoClient] = []
    pooled: list[NemoClient] = []

    def make(**options: object) -> NemoClient:
        pool = nemo_target.identities
        if pool is not None and "token" not in options and "client_id" not in options:
            client = pool.client(len(pooled), nemo_target.client, **options)
            pooled.append(client)
        else:
            client = nemo_target.client(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def new_user(new_client: Any, nemo_target: Target) -> Any:
    """Factory of clients holding a token: a new anonymous user, or the next shared identity."""

    def make() -> NemoClient:
        client: NemoClient = new_client()
        if nemo_target.identities is None:
            client.anonymous_token()
        return client

    return make


@pytest.fixture
def user(new_user: Any) -> NemoClient:
    """A client with a token and a session."""
    client: NemoClient = new_user()
    client.create_session(language="en")
    return client


@pytest.fixture
def control(nemo_target: Target) -> Control:
    if nemo_target.control is None:
        pytest.skip("needs the emulator control plane")
    return nemo_target.control


@pytest.fixture(scope="session")
def _nemo_emulator_session(pytestconfig: pytest.Config) -> Iterator[Target]:
    target = spawn_emulator(pytestconfig.getoption("--nemo-emulator-arg"))
    yield target
    target.close()


@pytest.fixture
def nemo_emulator(_nemo_emulator_session: Target) -> str:
    """URL of an emulator (manual clock), reset before the test."""
    assert _nemo_emulator_session.control is not None
    _nemo_emulator_session.control.reset()
    return _nemo_emulator_session.url


@pytest.fixture
def nemo_faults(_nemo_emulator_session: Target, nemo_emulator: str) -> Control:
    """Control plane of `nemo_emulator`: `with nemo_faults.fault(kind="error", code=429): ...`."""
    assert _nemo_emulator_session.control is not None
    return _nemo_emulator_session.control


@pytest.fixture
def nemo_client(nemo_emulator: str) -> Iterator[NemoClient]:
    """A NemoClient for a fresh emulator, already holding an anonymous token and a session."""
    with NemoClient(nemo_emulator, client_id="nemo-client-fixture") as client:
        client.anonymous_token()
        client.create_session()
        yield client


class _Reporter:
    """Collects one row per conformance check and prints/writes the table at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.rows: dict[str, dict[str, Any]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not Path(report.fspath).resolve().is_relative_to(_PACKAGE):
            return
        row = self.rows.setdefault(
            report.nodeid,
            {"check": report.nodeid.split("::", 1)[-1], "outcome": "passed", "module": Path(report.fspath).stem},
        )
        if report.skipped:
            row["outcome"] = "skipped"
            row["detail"] = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        elif report.failed:
            row["outcome"] = "failed"
            lines = [ln for ln in report.longreprtext.splitlines() if ln.startswith("E ")]
            row["detail"] = (lines[0][1:].strip() if lines else "")[:300]

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.rows:
            return
        rows = sorted(self.rows.values(), key=lambda r: (r["module"], r["check"]))
        counts = {k: sum(r["outcome"] == k for r in rows) for k in ("passed", "failed", "skipped")}
        summary = f"NEMO conformance: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped"
        terminalreporter.section("NEMO conformance report")
        width = max(len(r["check"]) for r in rows)
        for r in rows:
            terminalreporter.write_line(f"{r['outcome'].upper():8} {r['check']:<{width}}  ({r['module']})")
        terminalreporter.write_line(summary)
        out = self.config.getoption("--nemo-report")
        if out:
            md = ["| module | check | result |", "|---|---|---|"]
            md += [
                f"| {r['module']} | `{r['check']}` | {r['outcome']}"
                f"{' — ' + r['detail'].replace('|', '/') if r.get('detail') else ''} |"
                for r in rows
            ]
            directory = Path(out)
            directory.mkdir(parents=True, exist_ok=True)
            (directory / "report.json").write_text(json.dumps({"summary": counts, "checks": rows}, indent=2))
            (directory / "report.md").write_text(f"# {summary}\n\n" + "\n".join(md) + "\n")
            terminalreporter.write_line(f"report written to {directory}/report.md and report.json")
