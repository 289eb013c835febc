"""Package boundaries and house rules, made executable."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(package: str) -> list[tuple[Path, str]]:
    found = []
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.append((path, node.module))
    return found


@pytest.mark.parametrize("package", ["client", "conformance"])
def test_client_and_conformance_never_import_the_emulator(package: str) -> None:
    offenders = [(str(p.relative_to(ROOT)), m) for p, m in _imports(package) if m.split(".")[0] == "emulator"]
    assert offenders == []


def test_only_the_clock_reads_real_time_and_only_ids_makes_ids() -> None:
    banned = {
        "time.time",
        "time.sleep",
        "time.monotonic",
        "datetime.now",
        "uuid.uuid4",
        "asyncio.sleep",
        "anyio.sleep",
        "random.random",
    }
    offenders = []
    for path in (ROOT / "emulator").rglob("*.py"):
        if path.name in ("clock.py",) or path.name == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                name = f"{node.value.id}.{node.attr}"
                if name in banned:
                    offenders.append((str(path.relative_to(ROOT)), name))
    assert offenders == []


def test_no_module_level_mutable_state_in_the_emulator() -> None:
    """State lives in the Store; module-level dicts/lists/sets must be constants (UPPER_CASE or _PRIVATE_TABLE)."""
    offenders = []
    for path in (ROOT / "emulator").rglob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                value = node.value
                for target in targets:
                    if (
                        isinstance(target, ast.Name)
                        and isinstance(value, ast.Dict | ast.List | ast.Set)
                        and not target.id.lstrip("_").isupper()
                        and target.id not in ("routes", "__all__")
                    ):
                        offenders.append((str(path.relative_to(ROOT)), target.id))
    assert offenders == []
