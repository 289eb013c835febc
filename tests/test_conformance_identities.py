"""With shared identities the suite runs against a server that issues ten anonymous tokens per IP, as the
live API does, and a second run reuses the identities of the first."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import spawn_emulator, stop_emulator

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_shared_identities_stay_within_the_anonymous_token_limits(tmp_path: Path) -> None:
    ids = tmp_path / "identities.json"
    proc, url = spawn_emulator("--set", "initial_credits=100000")  # the default ten tokens per IP
    args = [f"--nemo-base-url={url}", "--nemo-share-identities", f"--nemo-identities={ids}"]
    try:
        runs, stored = [], []
        for _ in range(2):
            runs.append(
                subprocess.run(
                    [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "conformance", *args],
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
            )
            stored.append(json.loads(ids.read_text())[url])
    finally:
        stop_emulator(proc)
    checks = (ROOT / "conformance").glob("test_*.py")
    fresh = sum(p.read_text().count("@pytest.mark.fresh_identity") for p in checks)
    skipped = fresh + 1  # and the timing check, which needs a manual clock
    for run in runs:  # only the checks that need identities of their own are skipped
        summary = re.search(rf"\b\d+ passed, {skipped} skipped in ", run.stdout)
        assert run.returncode == 0 and summary, run.stdout[-3000:]
    assert sorted(stored[0]) == ["0", "1"] and stored[0]["0"]["token"] != stored[0]["1"]["token"]
    assert stored[1] == stored[0]  # the second run made no new identity
