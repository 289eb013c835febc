"""Package boundaries and house rules, made executable.

The repository's folders install under clearly-our names (protocol/ -> nemo_protocol, and so on). The protocol
layer is the ground floor; the emulator and the client stand on it and never import each other; the conformance
suite knows only the client; and no module imports another in a circle.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {
    "protocol": "nemo_protocol",
    "emulator": "nemo_emulator",
    "client": "nemo_client",
    "conformance": "nemo_conformance",
}
ALLOWED = {
    "nemo_protocol": set(),
    "nemo_emulator": {"nemo_protocol"},
    "nemo_client": {"nemo_protocol"},
    "nemo_conformance": {"nemo_protocol", "nemo_client"},
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = [PACKAGES[rel.parts[0]], *rel.parts[1:]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, known: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Modules imported anywhere in `tree` (functions included), except under `if TYPE_CHECKING:`. `from pkg import
    mod` counts as importing `pkg.mod` alone when that is one of the `known` modules."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(module.split(".")[: -node.level] + ([base] if base else []))
            subs = [f"{base}.{alias.name}" for alias in node.names]
            found.extend(m for m in subs if m in known)
            if not all(m in known for m in subs):
                found.append(base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _sources(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py")]


def _graph() -> dict[str, set[str]]:
    """Import graph between our own modules, by installed name."""
    paths = {_module_name(p): p for p in _sources(*PACKAGES)}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        targets = {m for m in _imports(ast.parse(path.read_text()), name, set(paths)) if m in paths}
        graph[name] = targets - {name}
    return graph


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_the_layers_beneath_it(package: str) -> None:
    offenders = sorted(
        (module, target)
        for module, targets in _graph().items()
        if module.split(".")[0] == package
        for target in targets
        if target.split(".")[0] not in ALLOWED[package] | {package}
    )
    assert offenders == []


def test_no_import_cycles() -> None:
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node)
    assert cycles == [], "\n".join(" -> ".join(c) for c in cycles)


def test_nothing_imports_the_folder_names() -> None:
    """Only the installed names exist outside this repository; `import client` works here by accident only."""
    bare = set(PACKAGES)
    offenders = []
    for path in _sources(*PACKAGES, "tests", "bench", "fixtures"):
        if path.parent.name == "downstream":  # a sample project with its own `client` module, on purpose
            continue
        for target in _imports(ast.parse(path.read_text()), "x"):
            if target.split(".")[0] in bare:
                offenders.append((str(path.relative_to(ROOT)), target))
    assert offenders == []


def test_every_package_folder_is_installed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"] == {name: folder for folder, name in PACKAGES.items()}
    folders = {p.parent for p in _sources(*PACKAGES) if p.name == "__init__.py"}
    data = {"nemo_emulator.harness.ui", "nemo_conformance.media"}
    """Folders of package data only (the inspector's page, the sample media), installed as packages of their own."""
    assert {_module_name(f / "__init__.py") for f in folders} | data == set(config["packages"])


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
        if path.name in ("clock.py", "__main__.py"):
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
