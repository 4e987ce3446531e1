"""Every error code the service can answer with has its message in both catalogues."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import api
from api.core.errors import HTTP_CODES, AppError, message_key
from api.core.i18n import LANGUAGES, catalogue, translator
from api.core.repository import _LABELS

ROOT = Path(__file__).resolve().parents[1]


def error_classes() -> dict[str, type[AppError]]:
    """AppError and every subclass of it in `api`, by class name."""
    for module in pkgutil.walk_packages(api.__path__, "api."):
        if not module.name.endswith("__main__"):  # that one runs the command line
            importlib.import_module(module.name)
    found: dict[str, type[AppError]] = {}
    todo: list[type[AppError]] = [AppError]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo.extend(cls.__subclasses__())
    return found


def _strings(node: ast.AST) -> Iterator[str]:
    """The string literals of an argument (both branches of `a if c else b` included); an
    f-string's pieces are not whole codes."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif not isinstance(node, ast.JoinedStr):
        for child in ast.iter_child_nodes(node):
            yield from _strings(child)


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def raised() -> tuple[set[str], set[str], set[str]]:
    """(codes, NotFound entities, literal message keys) written in the code of `api`."""
    classes = error_classes()
    codes = {str(cls.__dict__["code"]) for cls in classes.values() if "code" in cls.__dict__}
    entities: set[str] = set(_LABELS.values())
    keys: set[str] = set()
    for path in sorted((ROOT / "api").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for klass in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
            if klass.name not in classes:
                continue
            for call in [n for n in ast.walk(klass) if isinstance(n, ast.Call)]:
                inside = call.func
                if (
                    isinstance(inside, ast.Attribute)
                    and inside.attr == "__init__"
                    and isinstance(inside.value, ast.Call)
                    and _name(inside.value.func) == "super"
                    and call.args
                    and klass.name != "NotFound"
                ):
                    codes.update(_strings(call.args[0]))
        for call in [n for n in ast.walk(tree) if isinstance(n, ast.Call)]:
            name = _name(call.func)
            literal_code = [k.value for k in call.keywords if k.arg == "code"]
            for value in literal_code:
                codes.update(_strings(value))
            if name == "message_key" and call.args:
                keys.update(message_key(s) for s in _strings(call.args[0]))
            elif name == "FieldError" and len(call.args) >= 2:
                codes.update(_strings(call.args[1]))
            elif name == "NotFound" and call.args:
                entities.update(_strings(call.args[0]))
            elif name in classes and call.args:
                codes.update(_strings(call.args[0]))
    return codes, entities, keys


def test_the_collector_sees_raise_sites_class_codes_and_field_errors() -> None:
    codes, entities, keys = raised()
    assert {"email_taken", "csrf_missing", "role_required", "unknown_town"} <= codes  # raises
    assert {"password_too_short", "file_too_large", "pins_clash"} <= codes  # class codes
    assert {"no_participant", "no_one_interested"} <= codes  # both branches of a super() call
    assert {"unknown_person", "past_midnight", "swap_refused", "agenda_not_found"} <= codes
    assert {"person", "need", "suggestion", "jobdating"} <= entities
    assert message_key("import_rejected") in keys


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_error_code_has_a_message(lang: str) -> None:
    codes, entities, keys = raised()
    codes |= set(HTTP_CODES.values()) | {"http_error"}
    known = {m.id for m in catalogue(lang) if isinstance(m.id, str)}
    wanted = (
        {message_key(code) for code in codes}
        | {message_key(f"entity.{what}") for what in entities}
        | keys
        | {"problem.title"}
        | {f"problem.title.{status}" for status in HTTP_CODES}
    )
    missing = sorted(wanted - known)
    assert not missing, f"missing from the {lang} catalogue: {missing}"


def test_messages_are_filled_in_the_language_asked() -> None:
    from api.core.errors import Conflict, NotFound

    taken = Conflict("email_taken", field="email")
    assert taken.status_code == 409 and taken.code == "email_taken"
    assert taken.message == translator("fr")("error.api.email_taken") == str(taken)
    assert taken.field_errors("en") == [
        {"field": "email", "code": "email_taken", "message": taken.text("en")}
    ]
    missing = NotFound("need", "B-42")
    assert missing.text("fr") == "Besoin introuvable : B-42"
    assert missing.text("en") == "Need not found: B-42"
    assert NotFound(code="agenda_not_found").status_code == 404
