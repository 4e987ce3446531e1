"""The layering of DESIGN.md, read from the code: who may import whom, and where queries live."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "api"
DOMAINS = (
    "accounts",
    "people",
    "needs",
    "recommendations",
    "review",
    "collaborations",
    "allocations",
    "jobdating",
    "hackathons",
    "imports",
    "dashboard",
    "applications",
)
QUERY_METHODS = {"execute", "scalars", "scalar", "get", "query"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def api_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in API.rglob("*.py")
        if "migrations" not in path.parts and "templates" not in path.parts
    }


def imports_of(path: Path, *, top_level_only: bool = False) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_every_domain_has_its_package() -> None:
    missing = [d for d in DOMAINS if not (API / d / "__init__.py").exists()]
    assert not missing, f"domains without a package: {missing}"
    assert not (API / "routers").exists(), "api/routers/ is gone: endpoints live in api/<domain>/"
    assert not (API / "web").exists(), "api/web/ is gone: pages live in api/<domain>/pages.py"


def test_pages_and_endpoints_only_call_services() -> None:
    """No page imports an endpoint module, no endpoint module imports another one."""
    bad = []
    for name, path in api_modules().items():
        if not name.endswith((".pages", ".api")):
            continue
        for target in imports_of(path):
            if target.endswith((".api", ".pages")) and target.startswith("api.") and target != name:
                bad.append(f"{name} -> {target}")
    assert not bad, bad


def test_no_query_outside_repositories_and_services() -> None:
    """A page or an endpoint parses, calls a service and answers: it runs no SQL itself."""
    bad = []
    for name, path in api_modules().items():
        if not name.endswith((".pages", ".api")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in {"select", "update", "delete", "insert"}:
                bad.append(f"{name}:{node.lineno} {func.id}()")
            if (
                isinstance(func, ast.Attribute)
                and func.attr in QUERY_METHODS
                and isinstance(func.value, ast.Name)
                and func.value.id == "session"
            ):
                bad.append(f"{name}:{node.lineno} session.{func.attr}()")
            if isinstance(func, ast.Attribute) and func.attr == "commit":
                bad.append(f"{name}:{node.lineno} .commit(): the request's session commits")
    assert not bad, bad


def test_the_import_graph_has_no_cycle() -> None:
    modules = api_modules()
    graph = {
        name: {
            target
            for target in imports_of(path, top_level_only=True)
            if target in modules and target != name
        }
        for name, path in modules.items()
    }
    # A package's __init__ importing its own submodules is how a package names its API.
    for name in graph:
        graph[name] = {t for t in graph[name] if not t.startswith(name + ".")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert not cycles, cycles


def test_core_knows_no_domain_and_matching_knows_no_service() -> None:
    bad = []
    for name, path in api_modules().items():
        if not name.startswith("api.core"):
            continue
        for target in imports_of(path):
            if any(target.startswith(f"api.{d}") for d in DOMAINS):
                bad.append(f"{name} -> {target}")
    for path in (ROOT / "matching").rglob("*.py"):
        for target in imports_of(path):
            if target.split(".")[0] in {"api", "fastapi", "sqlalchemy", "starlette", "pydantic"}:
                bad.append(f"{module_name(path)} -> {target}")
    assert not bad, bad
