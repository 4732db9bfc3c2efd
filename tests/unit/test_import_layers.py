"""The import graphs of tgsim and question_bank have no cycle, and tgsim keeps its layers.

Every import counts: module level, inside a function, under ``if TYPE_CHECKING:`` (a function
level import that dodges a circle at import time is still a circle in the design).
"""

from __future__ import annotations

import ast
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("tgsim", "question_bank")

# tgsim's layers, bottom up (the docstring of tgsim/__init__.py draws the same picture). A
# module may import its own layer or lower ones.
CORE = ["tgsim.models", "tgsim.clock", "tgsim.limits", "tgsim.faults", "tgsim.state",
        "tgsim.render"]
BOT_API = ["tgsim.textparse", "tgsim.registry", "tgsim.methods_msg", "tgsim.methods_media",
           "tgsim.methods_misc", "tgsim.updates", "tgsim.dispatch"]
DOORS = ["tgsim.transport", "tgsim.server", "tgsim.webui", "tgsim.admin", "tgsim.client",
         "tgsim.balancer"]
TOP = ["tgsim.simulator", "tgsim", "tgsim.__main__"]
LAYERS = [CORE, BOT_API, DOORS, TOP]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def discover() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "__pycache__" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imports_of(name: str, source: str, known: set[str], is_package: bool = False
               ) -> dict[str, int]:
    """The known modules ``name`` imports anywhere in ``source`` -> first line doing so."""
    found: dict[str, int] = {}

    def add(target: str, line: int) -> None:
        while target and target not in known:  # `import a.b.c` of a module a.b: edge to a.b
            target = target.rpartition(".")[0]
        if target and target != name:
            found.setdefault(target, line)

    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                submodule = f"{origin}.{alias.name}"
                add(submodule if submodule in known else origin, node.lineno)
    return found


def import_graph() -> dict[str, dict[str, int]]:
    modules = discover()
    known = set(modules)
    return {name: imports_of(name, path.read_text(encoding="utf-8"), known,
                             is_package=path.name == "__init__.py")
            for name, path in modules.items()}


def find_cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None (depth-first search, three colours)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def describe(cycle: list[str], graph: dict[str, dict[str, int]]) -> str:
    steps = [f"{a} (line {graph[a][b]}) -> {b}" for a, b in pairwise(cycle)]
    return "import cycle:\n  " + "\n  ".join(steps)


def test_the_checker_sees_hidden_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import b\n"
        "if TYPE_CHECKING:\n    from .c import X\n"
        "def f():\n    from ..other import d\n    import pkg.e.deep\n"
    )
    known = {"pkg", "pkg.sub", "pkg.sub.a", "pkg.sub.b", "pkg.sub.c", "pkg.other", "pkg.e"}
    assert imports_of("pkg.sub.a", source, known) == {
        "pkg.sub.b": 2, "pkg.sub.c": 4, "pkg.other": 6, "pkg.e": 7}
    graph = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}, "d": {}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": 1}, "b": {}}) is None


def test_no_import_cycles() -> None:
    graph = import_graph()
    assert {"tgsim.state", "tgsim.client", "question_bank.schema"} <= set(graph)
    cycle = find_cycle(graph)
    assert cycle is None, describe(cycle, graph)


def test_tgsim_core_imports_no_door() -> None:
    graph = import_graph()
    assert set(CORE) <= set(graph), "a core module moved: update CORE"
    above = set(BOT_API + DOORS + TOP)
    wrong = {f"{core} (line {line}) -> {target}"
             for core in CORE for target, line in graph[core].items() if target in above}
    assert not wrong, "the core imports a door:\n  " + "\n  ".join(sorted(wrong))


def test_tgsim_imports_only_down_the_layers() -> None:
    graph = import_graph()
    rank = {name: i for i, layer in enumerate(LAYERS) for name in layer}
    tgsim = {name for name in graph if name == "tgsim" or name.startswith("tgsim.")}
    assert tgsim == set(rank), f"give each module a layer: {sorted(tgsim ^ set(rank))}"
    upward = [f"{a} (line {line}) -> {b}" for a in sorted(tgsim)
              for b, line in graph[a].items() if b in rank and rank[b] > rank[a]]
    assert not upward, "imports up the layers:\n  " + "\n  ".join(upward)
