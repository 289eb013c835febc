"""With shared identities the suite runs against a server that issues ten anonymous tokens per IP, as the
live API does; later runs reuse the identities of the first, topped up on an emulator, and a target that cannot
top them up stops the run at once with advice."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers import run_conformance, spawn_emulator, stop_emulator

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_shared_identities_stay_within_the_anonymous_token_limits(tmp_path: Path) -> None:
    ids = tmp_path / "identities.json"
    proc, url = spawn_emulator()  # the default ten tokens per IP and a hundred credits each
    args = [f"--nemo-base-url={url}", "--nemo-share-identities", f"--nemo-identities={ids}"]
    later = ["test_sessions.py", "test_workflow.py", "test_gateway.py"]  # a paid turn, both surfaces that need one
    try:
        runs, stored = [], []
        for paths in (["conformance"], [f"conformance/{name}" for name in later]):  # the later run reuses the first's
            runs.append(run_conformance(*paths, *args, timeout=600))
            stored.append(json.loads(ids.read_text())[url])
    finally:
        stop_emulator(proc)

    def fresh(checks: list[Path]) -> int:
        return sum(p.read_text().count("@pytest.mark.fresh_identity") for p in checks)

    everything = sorted((ROOT / "conformance").glob("test_*.py"))
    skipped = [fresh(everything) + 1, fresh([ROOT / "conformance" / name for name in later])]  # +1: the timing check
    for run, skips in zip(runs, skipped, strict=True):  # only the checks needing identities of their own are skipped
        summary = re.search(rf"\b\d+ passed, {skips} skipped in ", run.stdout)
        assert run.returncode == 0 and summary, run.stdout[-3000:]
    assert sorted(stored[0]) == ["0", "1"] and stored[0]["0"]["token"] != stored[0]["1"]["token"]
    assert stored[1] == stored[0]  # the later run made no new identity


@pytest.mark.slow
def test_identities_short_of_credits_stop_the_run_with_advice(tmp_path: Path) -> None:
    ids = tmp_path / "identities.json"
    proc, url = spawn_emulator("--no-control")  # nothing can top them up, as on the live API
    try:
        run = run_conformance(
            "conformance", f"--nemo-base-url={url}", "--nemo-share-identities", f"--nemo-identities={ids}"
        )
    finally:
        stop_emulator(proc)
    assert run.returncode == 2, run.stdout[-2000:]
    out = run.stdout + run.stderr
    assert "has 100 credits and this run's checks may spend" in out and "--nemo-budget" in out, out[-2000:]
