"""The README's curl recipe, run as written (only the API's port differs) against a fresh emulator."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import av
import pytest

from tests.helpers import spawn_emulator, stop_emulator

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _recipe() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## The skill's workflow with curl", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def test_the_curl_recipe_reaches_a_downloaded_mp4(tmp_path: Path) -> None:
    script = _recipe()
    assert script.startswith("API=http://127.0.0.1:8765\n")
    proc, url = spawn_emulator("--clock", "auto", "--set", "render_max_height=240")
    try:
        (tmp_path / "conformance").symlink_to(ROOT / "conformance")
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script.replace("API=http://127.0.0.1:8765", f"API={url}", 1)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
        )
    finally:
        stop_emulator(proc)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert '"code":0' in done.stdout and "functionCall" in done.stdout and "clm_" in done.stdout
    assert "render: completed 100%" in done.stdout and '"sample.mp4"' in done.stdout
    with av.open(str(tmp_path / "output.mp4")) as c:
        assert {s.type for s in c.streams} == {"video", "audio"}


def test_the_fixture_example_passes_in_a_project_of_its_own(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    example = re.search(r"```python\n# test_my_agent\.py[^\n]*\n(.*?)```", readme, re.S)
    assert example is not None
    more = re.search(r"```python\n(def test_my_cli_flow.*?)```", readme, re.S)
    assert more is not None
    (tmp_path / "test_my_agent.py").write_text(example.group(1) + "\n\n" + more.group(1))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_my_agent.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "5 passed" in done.stdout


def _section(title: str, fence: str) -> str:
    readme = (ROOT / "README.md").read_text()
    part = readme.split(f"## {title}", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(rf"```{fence}\n(.*?)```", part, re.S)
    assert blocks, f"no {fence} block under {title}"
    return "\n".join(blocks)


def test_the_gateway_and_mcp_recipes_run_as_written(tmp_path: Path) -> None:
    """`user add`, the official CLI's commands, and the MCP snippet, against a fresh emulator."""
    import os

    cli = ROOT / "tests" / "cli" / "node_modules" / ".bin"
    if not (cli / "nemovideo").exists():
        pytest.fail("the official CLI is missing: `make test` installs it (make nemovideo-cli)")
    proc, url = spawn_emulator("--clock", "auto", "--set", "render_max_height=240")
    env = {**os.environ, "PATH": f"{cli}:{Path(sys.executable).parent}:{os.environ['PATH']}",
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "NO_UPDATE_NOTIFIER": "1", "NEMO_API_URL": url}  # fmt: skip
    try:
        shell = _section("The gateway and the `nemovideo` CLI", "sh").replace("http://127.0.0.1:8765", url)
        lines = [line for line in shell.splitlines() if line and not line.startswith("npm install")]
        added = subprocess.run(["bash", "-euo", "pipefail", "-c", lines[0]], env=env, cwd=tmp_path,
                               capture_output=True, text=True, timeout=60)  # fmt: skip
        token = re.search(r"nmv_usr_[A-Za-z0-9_\-]+", added.stdout)
        assert added.returncode == 0 and token, added.stdout + added.stderr
        script = "\n".join(lines[1:]).replace("nmv_usr_…", token.group(0))
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        with av.open(str(tmp_path / "waves.mp4")) as c:
            assert c.streams.video
        snippet = _section("The MCP server", "python").replace("http://127.0.0.1:8765", url)
        ran = subprocess.run([sys.executable, "-c", snippet], env=env, cwd=tmp_path, capture_output=True, text=True,
                             timeout=120)  # fmt: skip
        assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    finally:
        stop_emulator(proc)
