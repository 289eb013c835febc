"""The installed wheel, outside this repository, is the product.

Builds the wheel, installs it into a fresh virtual environment in a temporary folder, and runs there:
a sample downstream project (tests/downstream/: its own `client.py` and Hypothesis profile, our fixtures), then
the installed conformance suite: one module for each surface against an emulator it spawns, and all of it against
one already running.

The fresh environment gets its third-party packages from this one, but only the distributions that
`nemo-emulator[conformance]` declares, and their own requirements: each is linked into a folder on the new
environment's path. A package the code uses without declaring it is therefore missing there, as it would be
after `pip install nemo-emulator`; nothing is downloaded.
"""

from __future__ import annotations

import importlib.metadata as metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

_SKIP = shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "__pycache__", "bench", "tests")


def _closure(root: str, extras: set[str]) -> set[str]:
    """Names of the distributions `root[extras]` needs, transitively, as installed here."""
    seen: set[str] = set()
    todo = [(root, extras)]
    while todo:
        name, wanted = todo.pop()
        dist = metadata.distribution(name)
        key = dist.metadata["Name"].lower().replace("_", "-")
        for raw in dist.requires or []:
            req = Requirement(raw)
            if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in wanted or {""}):
                continue
            dep = req.name.lower().replace("_", "-")
            if dep not in seen:
                seen.add(dep)
                todo.append((dep, set(req.extras)))
        seen.add(key)
    seen.discard(root)
    return seen


def _link_dependencies(names: set[str], into: Path) -> None:
    into.mkdir()
    for name in names:
        dist = metadata.distribution(name)
        site = Path(str(dist.locate_file("")))
        tops = {Path(str(f)).parts[0] for f in dist.files or [] if not str(f).startswith("..")}
        for top in tops:
            target = into / top
            if not target.exists() and (site / top).exists():
                target.symlink_to(site / top)


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(cmd)}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh venv holding the wheel; (its python, a clean environment)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=_SKIP)
    dist = work / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist), "."],
        source,
        dict(os.environ),
    )
    wheel = next(dist.glob("nemo_emulator-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith((".dist-info", ".data"))} == {
        "nemo_protocol",
        "nemo_emulator",
        "nemo_client",
        "nemo_conformance",
    }
    assert "nemo_protocol/schemas/state.json" in names and "nemo_conformance/media/sample.mp4" in names
    assert "nemo_emulator/harness/ui/app.js" in names
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)], work, {})
    deps = work / "deps"
    _link_dependencies(_closure("nemo-emulator", {"conformance"}), deps)
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], work, {}).strip())
    (site / "_nemo_test_deps.pth").write_text(str(deps) + "\n")
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(work / "home"), "PYTHONDONTWRITEBYTECODE": "1"}
    return python, env


def test_only_our_names_are_installed(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    python, env = installed
    names = ("client", "emulator", "conformance", "protocol")
    probe = f"import importlib.util as u; print([n for n in {names!r} if u.find_spec(n)])"
    assert _run([str(python), "-c", probe], tmp_path, env).strip() == "[]"


def test_a_downstream_project_uses_the_fixtures(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    python, env = installed
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "downstream", project)
    out = _run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env)
    assert re.search(r"\b9 passed\b", out), out


def test_the_installed_suite_against_an_emulator_it_starts(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    python, env = installed
    surfaces = ("nemo_conformance.test_sessions", "nemo_conformance.test_gateway", "nemo_conformance.test_mcp")
    out = _run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--pyargs", *surfaces], tmp_path, env)
    assert "NEMO conformance:" in out and " 0 failed" in out and "(test_mcp)" in out and "(test_gateway)" in out, out


def test_the_installed_suite_against_a_running_emulator(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    python, env = installed
    server = subprocess.Popen(
        [str(python.parent / "nemo-emulator"), "serve", "--port", "0", "--clock", "manual", "--quiet",
         "--set", "anon_per_ip_limit=1000000", "--set", "render_max_height=240"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        url = server.stdout.readline().split("listening on ", 1)[1].split()[0]
        cmd = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--pyargs", "nemo_conformance"]
        out = _run([*cmd, f"--nemo-base-url={url}"], tmp_path, env)
        assert "NEMO conformance:" in out and " 0 failed" in out and " 0 skipped" in out, out
    finally:
        server.terminate()
        server.wait(10)
        if server.stdout is not None:
            server.stdout.close()
