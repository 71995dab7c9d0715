"""The modules of src/zbb import each other without a circle (issue 11: "Python without circles").

Every import of a zbb module counts: relative ones (``from . import _core``, ``from ._budget import
Budget``) and absolute ones (``import zbb._model``, ``from zbb import Model``), at module level and
inside functions, methods and classes. Only imports under ``if TYPE_CHECKING:`` (annotations, never
run) are left out. The graph is read from the sources with ``ast``, so a circle hidden in a
function body (which works at run time only because the import is deferred) fails here too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = "zbb"
SOURCE = Path(__file__).resolve().parents[2] / "src" / PACKAGE


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` (an ``if`` whose body never runs)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _imported(node: ast.Import | ast.ImportFrom, modules: set[str]) -> set[str]:
    """The package modules an import statement loads (``__init__`` for the package itself)."""
    out: set[str] = set()
    if isinstance(node, ast.Import):
        for alias in node.names:
            parts = alias.name.split(".")
            if parts[0] == PACKAGE:
                out.add(parts[1] if len(parts) > 1 and parts[1] in modules else "__init__")
        return out
    if node.level > 1:
        raise AssertionError(f"line {node.lineno}: import from above the package ({'.' * node.level})")
    if node.level == 1:
        base = node.module.split(".") if node.module else []
    elif node.module is not None and node.module.split(".")[0] == PACKAGE:
        base = node.module.split(".")[1:]
    else:
        return out  # a third-party or standard module
    if base:
        out.add(base[0] if base[0] in modules else "__init__")
        return out
    # `from . import x, y`: each x that is a module of the package, else a name of __init__
    for alias in node.names:
        out.add(alias.name if alias.name in modules else "__init__")
    return out


def module_imports(tree: ast.AST, modules: set[str]) -> set[str]:
    """Every package module the code in ``tree`` imports, however deep, except under TYPE_CHECKING."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:  # `else:` of TYPE_CHECKING runs
                visit(child)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update(_imported(node, modules))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the modules it imports, for every ``.py`` file of ``package``; compiled modules (``_core``)
    are leaves."""
    files = {p.stem: p for p in sorted(package.glob("*.py"))}
    modules = (
        set(files)
        | {p.name.split(".")[0] for p in package.glob("*.pyi")}
        | {p.name.split(".")[0] for p in package.glob("*.so")}
    )
    graph = {}
    for name, path in files.items():
        edges = module_imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), modules)
        edges.discard(name)
        graph[name] = edges
    return graph


def components(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan): the modules on a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(component)

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return sorted(out, key=min)


def circle(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest circle through the first module of ``component``, as a path that ends where it starts."""
    start = min(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & component):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if w not in previous:
                    previous[w] = v
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"no circle through {start}")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected component; empty for an acyclic graph."""
    return [circle(graph, c) for c in components(graph)]


def test_zbb_has_no_import_cycle() -> None:
    graph = import_graph(SOURCE)
    assert {"__init__", "_budget", "_model", "_optimize", "_packages", "_excel"} <= set(graph)
    found = components(graph)
    report = [f"  {', '.join(sorted(c))}: e.g. {' -> '.join(circle(graph, c))}" for c in found]
    assert not found, (
        "import cycles in src/zbb (imports inside functions count; only TYPE_CHECKING is exempt):\n" + "\n".join(report)
    )


def test_the_graph_sees_the_imports_the_package_makes() -> None:
    """Not vacuous: the edges the public API needs are found (Model.budget builds a Budget in a method)."""
    graph = import_graph(SOURCE)
    assert "_core" in graph["_model"] and "_budget" in graph["_model"]
    assert {"_budget", "_model", "_optimize", "_packages"} <= graph["__init__"]


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / PACKAGE
    root.mkdir()
    for name, text in files.items():
        (root / f"{name}.py").write_text(text, encoding="utf-8")
    return root


def test_imports_inside_functions_count_and_type_checking_does_not(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "__init__": "from ._a import A\n",
            "_a": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ._b import B\nclass A:\n"
            "    def b(self):\n        from ._b import B\n        return B\n",
            "_b": "import typing\nif typing.TYPE_CHECKING:\n    from ._a import A\nelse:\n    import zbb._c\n",
            "_c": "def f():\n    from . import _a\n",
            "_d": "from zbb import A\n",
        },
    )
    graph = import_graph(root)
    assert graph == {"__init__": {"_a"}, "_a": {"_b"}, "_b": {"_c"}, "_c": {"_a"}, "_d": {"__init__"}}
    assert cycles(graph) == [["_a", "_b", "_c", "_a"]]


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b", "a"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": {"d"}}, [["a", "b", "c", "a"], ["d", "e", "d"]]),
    ],
)
def test_cycles_are_reported_as_paths(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert cycles(graph) == expected
