"""The conformance suite's own fixtures, markers, Hypothesis profiles and report. Only this suite loads it, so a
project that merely installs the package sees none of it (its plugin offers `nemo_emulator`, `nemo_client`,
`nemo_faults` and the `--nemo-*` options).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nemo_client import NemoClient
from nemo_conformance import profiles
from nemo_conformance.gateway_checks import GatewayTarget
from nemo_conformance.identities import Identities
from nemo_conformance.mcp_checks import McpTarget
from nemo_conformance.target import Control, Target, spawn_emulator

_PACKAGE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_Reporter(config), "nemo-conformance-reporter")
    config.addinivalue_line("markers", "needs_control: needs the emulator's /_emulator/ plane (skipped on live)")
    config.addinivalue_line("markers", "costs(credits): spends credits; skipped when over the live budget")
    config.addinivalue_line("markers", "fresh_identity: issues new anonymous tokens; skipped with shared identities")
    profiles.register()
    profiles.load_default(config, live=bool(config.getoption("--nemo-live")))


COSTS = pytest.StashKey[int]()
"""Credits the collected checks may spend in all (their `costs` markers)."""


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[COSTS] = sum(int(m.args[0]) for item in items for m in item.iter_markers("costs"))


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
            path = pytestconfig.getoption("--nemo-identities")
            target.identities = Identities(url, path, target.budget)
            needed = target.budget if target.live else pytestconfig.stash.get(COSTS, 0)
            control = target.control
            top_up = None if control is None else (lambda token: control.set_credits(token, max(needed, 1000)))
            problem = target.identities.ensure_credits(needed, target.client, top_up, path)
            if problem is not None:
                target.close()
                pytest.exit(problem, 2)
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


@pytest.fixture(scope="session")
def gateway_target(pytestconfig: pytest.Config, nemo_target: Target) -> GatewayTarget:
    """The gateway under test: --nemo-gateway-url with --nemo-api-key (a registered user's API token), or the
    emulator the suite tests, which serves the gateway beside the mega API (users are made per check)."""
    url = pytestconfig.getoption("--nemo-gateway-url")
    key = pytestconfig.getoption("--nemo-api-key") or os.environ.get("NEMOVIDEO_API_KEY")
    if url:
        url = url.rstrip("/")
        if key is None:
            pytest.skip("the gateway checks need --nemo-api-key (a registered user's nmv_usr_ API token)")
        live = not any(h in url for h in ("://127.", "://localhost", "://[::1]"))
        return GatewayTarget(url, key, None, pytestconfig.getoption("--nemo-base-url"), live=live)
    if nemo_target.control is None and key is None:
        pytest.skip("the gateway checks need a control plane to make users, or --nemo-api-key")
    return GatewayTarget(nemo_target.url, key, nemo_target.control, nemo_target.url, live=nemo_target.live)


@pytest.fixture(scope="session")
def mcp_target(pytestconfig: pytest.Config, request: pytest.FixtureRequest) -> McpTarget:
    """The MCP server under test: --nemo-mcp-url (with --nemo-mcp-token for the tool checks), or the emulator the
    suite tests, whose sign-in approves the users its control plane makes."""
    url = pytestconfig.getoption("--nemo-mcp-url")
    token = pytestconfig.getoption("--nemo-mcp-token")
    if url:
        url = url.rstrip("/").removesuffix("/mcp")
        live = not any(h in url for h in ("://127.", "://localhost", "://[::1]"))
        return McpTarget(url, token, None, live=live)
    target: Target = request.getfixturevalue("nemo_target")
    return McpTarget(target.url, token, target.control, live=target.live)


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


class _Reporter:
    """Collects one row per conformance check and prints/writes the table at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.rows: dict[str, dict[str, Any]] = {}
        self.ours: dict[str, str] = {}
        """nodeid -> module, for the suite's own checks (a run may hold other tests too)."""

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.ours = {item.nodeid: item.path.stem for item in items if item.path.resolve().is_relative_to(_PACKAGE)}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        module = self.ours.get(report.nodeid)
        if module is None:
            return
        row = self.rows.setdefault(
            report.nodeid, {"check": report.nodeid.split("::", 1)[-1], "outcome": "passed", "module": module}
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
