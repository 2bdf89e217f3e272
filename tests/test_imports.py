"""Imports point one way: no cycle among the project's modules (function-local imports
count: they only hide a cycle until the function runs), and no plugin imports another
plugin (plugins talk through hooks).

The graph is built from the source, as Python would import it: ``from a import b`` is
an edge to the module ``a.b`` if there is one, else to ``a``; importing ``a.b`` also
runs ``a/__init__.py``, so it is an edge to the package too when that file holds more
than a docstring (unless the importer is inside ``a``: a package re-exporting its own
modules is a facade).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "plugins")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    return {
        module_name(path, root): path
        for package in packages
        for path in sorted((root / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


@functools.cache
def _is_trivial_init(path: Path) -> bool:
    """An ``__init__.py`` that runs nothing but its docstring (and ``__future__``)."""
    if path.name != "__init__.py":
        return False
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return all(
        (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        or (isinstance(node, ast.ImportFrom) and node.module == "__future__")
        for node in body
    )


def _imported_names(tree: ast.AST, package: str) -> Iterable[str]:
    for node in ast.walk(tree):  # every import, at any depth
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parents = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parents, base] if base else parents)
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _target(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _packages_run(target: str, importer: str, modules: dict[str, Path]) -> set[str]:
    """The packages importing ``target`` runs on the way, leaving out those holding the
    importer (they are already running: a package's ``__init__`` re-exporting its own
    modules is a facade, not a cycle) and those whose ``__init__`` runs nothing."""
    found = set()
    parent = target.rpartition(".")[0]
    while parent in modules:
        if not importer.startswith(parent + ".") and not _is_trivial_init(modules[parent]):
            found.add(parent)
        parent = parent.rpartition(".")[0]
    return found


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps: set[str] = set()
        for imported in _imported_names(tree, package):
            target = _target(imported, modules)
            if target:
                deps.add(target)
                deps.update(_packages_run(target, name, modules))
        graph[name] = deps - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def plugin_crossings(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    def plugin(name: str) -> str | None:
        parts = name.split(".")
        return parts[1] if parts[0] == "plugins" and len(parts) > 1 else None

    return sorted(
        (a, b)
        for a, deps in graph.items()
        for b in deps
        if plugin(a) and plugin(b) and plugin(a) != plugin(b)
    )


# -- the project ------------------------------------------------------------------------


def test_no_import_cycle_among_project_modules():
    found = [sorted(c) for c in cycles(import_graph(project_modules(ROOT)))]
    assert found == [], f"import cycles: {found}"


def test_no_plugin_imports_another_plugin():
    assert plugin_crossings(import_graph(project_modules(ROOT))) == []


# -- the checker itself ---------------------------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, set[str]]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return import_graph(project_modules(tmp_path))


def test_a_cycle_hidden_in_a_function_is_a_cycle(tmp_path):
    graph = _tree(
        tmp_path,
        {
            "core/__init__.py": '"""Core."""\n',
            "core/a.py": "from core import b\n",
            "core/b.py": "def later():\n    from core.a import thing\n",
            "core/c.py": "import core.a\n",
        },
    )
    assert cycles(graph) == [frozenset({"core.a", "core.b"})]


def test_a_package_init_that_imports_its_modules_is_part_of_their_cycle(tmp_path):
    graph = _tree(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/api/__init__.py": "bp = 1\nfrom core.api import routes\n",
            "core/api/routes.py": "from core.api import bp\n",
        },
    )
    assert cycles(graph) == [frozenset({"core.api", "core.api.routes"})]


def test_a_plugin_importing_another_plugin_is_found(tmp_path):
    graph = _tree(
        tmp_path,
        {
            "plugins/__init__.py": "",
            "plugins/one/__init__.py": "",
            "plugins/one/services.py": "from ..two.models import Thing\n",
            "plugins/two/__init__.py": "",
            "plugins/two/models.py": "from core import db\n",
        },
    )
    assert plugin_crossings(graph) == [("plugins.one.services", "plugins.two.models")]
