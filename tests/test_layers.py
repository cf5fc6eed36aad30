"""The import rules of the source tree, read from the code's own imports (an AST walk).

- Packages are layered (``LAYERS``, lowest first): a module imports only from its own package or a
  lower layer. ``core/`` imports no domain; the composition root ``precinct/app.py``, the CLI and
  the migrations environment stand above everything.
- The pure core (``geo``, ``analysis``, ``planning``) imports no SQLAlchemy, FastAPI, Starlette or
  Pydantic, and from Precinct only itself, another pure package, and ``core.errors``.
- Each pure package has one edge that reads the store for it (``forecasts`` for ``analysis``,
  ``deployment`` for ``planning``, ``roads`` for ``geo``); other domains use its types and
  functions on data they already hold, never to read the database on its behalf.
- No two modules import each other, directly or through others (deferred imports included).
- ``web/`` holds the console's static files and no Python.

Run as a script to print the report for a tree: ``python tests/test_layers.py [SRC_DIR]``
(the imports that run back up the layers, and the circles).
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "precinct"

#: Lowest first. A package imports only from itself and the packages before it.
LAYERS: tuple[str, ...] = (
    "core",
    "geo", "planning", "analysis",  # the pure core
    "api",  # request dependencies and the error table
    "live", "audit", "org", "units", "users", "incidents",
    "roads", "addresses", "dispatch", "places", "forecasts", "deployment", "drills", "supervision", "directives",
    "cases", "disputes", "system", "cities",
    "demo",
    "app", "migrations", "cli",  # the composition root, and what runs on it
)
PURE = ("geo", "analysis", "planning")
PURE_MAY_IMPORT = ("precinct.core.errors",)
FRAMEWORKS = ("sqlalchemy", "fastapi", "starlette", "pydantic", "pydantic_settings", "alembic", "psycopg")
#: who may import the pure packages (beside the pure core itself, the CLI and the composition root)
PURE_USERS: dict[str, tuple[str, ...]] = {
    "geo": ("roads", "dispatch", "deployment", "drills", "cities", "demo"),
    "analysis": ("forecasts",),
    "planning": ("deployment",),
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. precinct.dispatch.service
    target: str  # what it imports, e.g. precinct.incidents.models
    line: int


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, src: Path) -> list[Import]:
    """Every import in ``path`` (top-level, deferred, and under ``TYPE_CHECKING`` alike)."""
    module = module_name(path, src)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            # ``from precinct.x import y`` imports the module precinct.x.y where there is one, else
            # a name from precinct.x
            submodules = [f"{target}.{alias.name}" for alias in node.names
                          if (src.parent / Path(*f"{target}.{alias.name}".split("."))).with_suffix(".py").exists()]
            found += [Import(module, name, node.lineno) for name in submodules]
            if len(submodules) < len(node.names):
                found.append(Import(module, target, node.lineno))
    return found


def source_files(src: Path) -> list[Path]:
    return sorted(p for p in src.rglob("*.py") if "versions" not in p.parts)


def package_of(module: str) -> str:
    """``precinct.dispatch.service`` -> ``dispatch``; ``precinct.app`` -> ``app``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def upward_imports(src: Path, layers: tuple[str, ...] = LAYERS, aliases: dict[str, str] | None = None) -> list[Import]:
    """Imports from a lower layer to a higher one (``aliases`` maps old package names onto layers)."""
    aliases = aliases or {}
    rank = {name: index for index, name in enumerate(layers)}
    upward = []
    for path in source_files(src):
        for item in imports_of(path, src):
            if not item.target.startswith("precinct."):
                continue
            source, target = (aliases.get(package_of(m), package_of(m)) for m in (item.module, item.target))
            if source != target and source in rank and target in rank and rank[target] > rank[source]:
                upward.append(item)
    return upward


def module_circles(src: Path) -> list[list[str]]:
    """Groups of modules that import each other (strongly connected components of two or more)."""
    modules = {module_name(p, src) for p in source_files(src)}
    edges: dict[str, set[str]] = defaultdict(set)
    for path in source_files(src):
        for item in imports_of(path, src):
            target = item.target
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != item.module and not item.module.startswith(target + "."):
                edges[item.module].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in edges[node]:
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for module in sorted(modules):
        if module not in index:
            visit(module)
    return circles


# ---- the tests ------------------------------------------------------------------------------


def test_every_package_has_a_layer():
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages - set(LAYERS) == set(), "add new packages to LAYERS in tests/test_layers.py"


def test_imports_run_downwards_only():
    upward = [f"{i.module}:{i.line} imports {i.target}" for i in upward_imports(SRC)]
    assert upward == []


def test_no_modules_import_each_other():
    assert module_circles(SRC) == []


def test_the_pure_core_imports_no_framework_and_no_domain():
    bad = []
    for package in PURE:
        for path in source_files(SRC / package):
            for item in imports_of(path, SRC):
                root = item.target.split(".")[0]
                if root in FRAMEWORKS or (root == "precinct" and package_of(item.target) not in PURE
                                          and item.target not in PURE_MAY_IMPORT):
                    bad.append(f"{item.module}:{item.line} imports {item.target}")
    assert bad == []


def test_core_imports_no_domain():
    bad = [f"{i.module}:{i.line} imports {i.target}" for path in source_files(SRC / "core")
           for i in imports_of(path, SRC) if i.target.startswith("precinct.") and package_of(i.target) != "core"]
    assert bad == []


def test_each_pure_package_is_read_for_by_its_edge_only():
    bad = []
    for path in source_files(SRC):
        for item in imports_of(path, SRC):
            user, used = package_of(item.module), package_of(item.target)
            if used in PURE_USERS and user not in (*PURE, *PURE_USERS[used], "cli", "app"):
                bad.append(f"{item.module}:{item.line} imports {item.target}")
    assert bad == []


def test_web_holds_static_files_only():
    assert sorted(str(p.relative_to(SRC)) for p in (SRC / "web").rglob("*.py")) == []
    assert (SRC / "web" / "static" / "index.html").is_file()


def test_every_package_says_what_it_owns_and_may_import():
    for package in (p for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert docstring and "import" in docstring, f"{package.name}/__init__.py: say what it owns and may import"


if __name__ == "__main__":
    src = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else SRC
    old_names = {"analysis_store": "forecasts", "planning_api": "deployment", "web": "roads"}
    found = upward_imports(src, aliases=old_names)
    for item in found:
        print(f"up   {item.module}:{item.line} -> {item.target}")
    circles = module_circles(src)
    for circle in circles:
        print("loop " + ", ".join(circle))
    print(f"{len(found)} imports run back up the layers; {len(circles)} circles of modules")


def test_tests_import_helpers_from_testkit_not_conftest():
    """Several folders have a ``conftest.py``; ``from conftest import`` gets whichever pytest loaded first."""
    tests = Path(__file__).resolve().parent
    found = [f"{path.relative_to(tests)}:{node.lineno}"
             for path in sorted(tests.rglob("*.py"))
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.ImportFrom) and node.module == "conftest"]
    assert found == []


def test_test_modules_have_unique_names():
    """Test folders are not packages, so two modules of one name stop pytest's collection."""
    names = [path.name for path in Path(__file__).resolve().parent.rglob("test_*.py")]
    assert sorted({name for name in names if names.count(name) > 1}) == []
