"""schemathesis, driven by our own /openapi.json, finds no server error in the emulator."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.helpers import spawn_emulator, stop_emulator


@pytest.mark.slow
def test_schemathesis_finds_no_server_errors(tmp_path: Path) -> None:
    cli = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert cli, "schemathesis is a dev dependency"
    proc, url = spawn_emulator(
        "--clock",
        "realtime",
        "--time-scale",
        "1000",
        "--set",
        "anon_per_ip_limit=1000000",
        "--set",
        "render_max_height=64",
    )
    try:
        user = httpx.post(f"{url}/_emulator/users", json={"email": "fuzz@x.test", "plan": "pro", "credits": 10_000_000})
        token = user.json()["token"]  # a registered user's API token opens the mega API and the gateway alike
        result = subprocess.run(
            [
                cli,
                "--no-color",
                "run",
                f"{url}/openapi.json",
                "-H",
                f"Authorization: Bearer {token}",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                "25",
                "--exclude-path-regex",
                "^/(_emulator|cdn)/",  # /cdn/ links carry a signature no fuzzer can make
                "--seed",
                "1",
                "--generation-deterministic",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stdout[-4000:]
        import re

        cases = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
        assert cases and cases.group(1) == cases.group(2) and int(cases.group(1)) > 500, result.stdout[-2000:]
        assert "Authentication failed" not in result.stdout
        errors = httpx.get(f"{url}/_emulator/errors").json()["errors"]
        assert errors == []
    finally:
        stop_emulator(proc)
