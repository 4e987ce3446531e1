"""`matching/__init__.py` names the engine's public API, and `api/` uses nothing else."""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import matching

ROOT = Path(__file__).resolve().parents[2]


def test_every_public_name_is_importable() -> None:
    assert len(set(matching.__all__)) == len(matching.__all__), "a name is listed twice"
    for name in matching.__all__:
        assert getattr(matching, name, None) is not None, name
    namespace: dict[str, object] = {}
    exec("from matching import *", namespace)
    assert set(matching.__all__) <= set(namespace)


def _code(source: Path) -> str:
    """A module's text, or a notebook's code cells without their shell and magic lines."""
    text = source.read_text(encoding="utf-8")
    if source.suffix != ".ipynb":
        return text
    cells = ["".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "code"]
    lines = "\n".join(cells).splitlines()
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def _imports_from_matching(source: Path) -> list[tuple[int, str, str]]:
    """(line, module, name) of every import of the engine in a file, `import x` as name ''."""
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(ast.parse(_code(source))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "matching":
                found += [(node.lineno, node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, alias.name, "")
                for alias in node.names
                if alias.name.split(".")[0] == "matching"
            ]
    return found


def test_the_service_and_notebooks_import_only_the_public_api() -> None:
    """Each name `api/` or a notebook takes from the engine (from any module) is in `__all__`.

    A new need of the service is then a visible change of the engine's API: add the name to
    the imports and `__all__` of matching/__init__.py.
    """
    exported = {name: getattr(matching, name) for name in matching.__all__}
    sources = [*(ROOT / "api").rglob("*.py"), *(ROOT / "notebooks").glob("*.ipynb")]
    assert len(sources) > 20
    wrong: list[str] = []
    for path in sorted(sources):
        where = path.relative_to(ROOT)
        for line, module, name in _imports_from_matching(path):
            if not name:
                wrong.append(f"{where}:{line}: import {module} (import names from it)")
            elif name == "*":
                wrong.append(f"{where}:{line}: from {module} import *")
            elif name not in exported:
                wrong.append(f"{where}:{line}: {module}.{name} is not in matching.__all__")
            elif getattr(importlib.import_module(module), name) is not exported[name]:
                wrong.append(f"{where}:{line}: {module}.{name} is not matching.{name}")
    assert not wrong, "\n".join(wrong)
