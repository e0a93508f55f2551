"""The shape of the code: imports flow one way, domain code loads no MCP, server functions
stay short. Run alone with ``python -m pytest tests/test_architecture.py``."""

from __future__ import annotations

import ast
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Top-level packages, each importing only those after it.
LAYERS = ("servers", "orchestrator", "memory", "events", "embeddings", "core")
LONGEST_SERVER_FUNCTION = 80


def modules() -> dict[str, Path]:
    found = {}
    for package in LAYERS:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _type_checking_only(tree: ast.Module) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(inner) for inner in ast.walk(node)}
    return skipped


def _imported(name: str, path: Path, node: ast.Import | ast.ImportFrom, known) -> list[str]:
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join(package + ([base] if base else []))
        submodules = [f"{base}.{alias.name}" for alias in node.names]
        targets = [t for t in submodules if t in known]
        if len(targets) < len(submodules):  # names defined in the module itself
            targets.append(base)
    resolved = []
    for target in targets:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.append(target)
    return resolved


def import_graph() -> dict[str, set[str]]:
    """First-party module -> the first-party modules it imports (at run time, anywhere)."""
    known = modules()
    graph = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text())
        skipped = _type_checking_only(tree)
        graph[name] = {
            target
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in skipped
            for target in _imported(name, path, node, known)
        }
    return graph


def package_of(module: str, graph: dict[str, set[str]]) -> str:
    is_package = any(other.startswith(module + ".") for other in graph)
    return module if is_package else module.rpartition(".")[0] or module


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        return error.args[1]
    return None


def test_no_module_imports_one_that_imports_it_back():
    assert cycle_in(import_graph()) is None


def test_no_package_imports_one_that_imports_it_back():
    graph = import_graph()
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        mine = package_of(module, graph)
        for target in targets:
            theirs = package_of(target, graph)
            nested = theirs.startswith(mine + ".") or mine.startswith(theirs + ".")
            if theirs != mine and not nested:
                packages.setdefault(mine, set()).add(theirs)
    assert cycle_in(packages) is None


def test_each_top_level_package_imports_only_those_below_it():
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        for target in targets
        if LAYERS.index(target.split(".")[0]) < LAYERS.index(module.split(".")[0])
    )
    assert upward == []


@pytest.mark.parametrize("module", ["orchestrator.runner", "orchestrator.graph", "memory",
                                    "events", "core.calls"])
def test_domain_code_loads_no_mcp(module):
    probe = f"import sys, {module}; print(sorted({{'fastmcp', 'mcp'}} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=ROOT, check=True).stdout.strip()
    assert loaded == "[]"


def test_no_function_in_a_server_module_is_longer_than_80_lines():
    long = []
    for path in (ROOT / "servers").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > LONGEST_SERVER_FUNCTION:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines})")
    assert long == []
