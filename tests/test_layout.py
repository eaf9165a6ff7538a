"""Keeps the layout honest: docs/architecture.md lists exactly the modules that exist, every API
page points at a module, and no modules import each other in a circle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src"
PACKAGE = SOURCE / "styringskerne"
DOCUMENTED_FOLDERS = {"engine", "io", "examples"}
"""Folders listed as one line; every other subpackage lists its modules."""


def documented() -> set[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = text.split("<!-- layout:start -->")[1].split("<!-- layout:end -->")[0]
    return set(re.findall(r"`styringskerne/([^`]+)`", block))


def present() -> set[str]:
    names = {path.name for path in PACKAGE.glob("*.py")}
    for folder in PACKAGE.iterdir():
        if not folder.is_dir() or folder.name == "__pycache__":
            continue
        names.add(f"{folder.name}/")
        if folder.name not in DOCUMENTED_FOLDERS:
            names |= {
                f"{folder.name}/{path.name}"
                for path in folder.glob("*.py")
                if path.name != "__init__.py"
            }
    return names


def test_layout_list_matches_the_package() -> None:
    assert documented() == present()


def test_every_api_page_points_at_a_module() -> None:
    for page in (ROOT / "docs" / "api").glob("*.md"):
        for module in re.findall(r"^::: (\S+)", page.read_text(encoding="utf-8"), flags=re.M):
            path = ROOT / "src" / Path(*module.split("."))
            assert path.with_suffix(".py").exists() or (path / "__init__.py").exists(), module


def _module_imports() -> dict[str, set[str]]:
    """Every module of the package with the modules of the package it imports at load time."""
    modules: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(SOURCE).with_suffix("").parts).removesuffix(".__init__")
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
        modules[name] = imported
    return {name: {d for d in deps if d in modules and d != name} for name, deps in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles() -> None:
    # The top-level package re-exports everything, so it is left out: a circle through it is
    # only the curated API, not a dependency between links.
    graph = _module_imports()
    graph = {
        name: {dep for dep in deps if dep != "styringskerne"}
        for name, deps in graph.items()
        if name != "styringskerne"
    }
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_planted_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_foundation_imports_nothing_from_above() -> None:
    graph = _module_imports()
    for name, deps in graph.items():
        if name.startswith("styringskerne.core"):
            outside = {dep for dep in deps if not dep.startswith("styringskerne.core")}
            assert outside == set(), name
