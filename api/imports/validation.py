"""Checking each row on its own against its record model, with messages from the catalogues."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from api.imports.schemas import R, RowError, issue

# Pydantic's error types said in the catalogues (`import.issue.pydantic.<type>`); other types
# keep pydantic's own (English) message.
KNOWN_TYPES: frozenset[str] = frozenset(
    {
        "missing",
        "literal_error",
        "string_type",
        "string_too_short",
        "string_too_long",
        "string_pattern_mismatch",
        "int_parsing",
        "int_type",
        "int_from_float",
        "float_parsing",
        "float_type",
        "bool_parsing",
        "bool_type",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
        "date_type",
        "list_type",
        "greater_than_equal",
        "less_than_equal",
        "greater_than",
        "less_than",
        "control_characters",
        "dates_order",
    }
)
# The values each message shows (pydantic's `ctx`), so every message has what it names.
_CONTEXT = ("expected", "min_length", "max_length", "ge", "le", "gt", "lt")


def _context(err: Any) -> dict[str, Any]:
    ctx = err.get("ctx") or {}
    out: dict[str, Any] = {}
    for name in _CONTEXT:
        if name in ctx:
            value = ctx[name]
            out[name] = (
                int(value)
                if isinstance(value, float) and value.is_integer()
                else str(value).replace("' or '", "' ou '")
            )
    return out


def row_issue(file: str, number: int, column: str, err: Any) -> RowError:
    """One pydantic error as a row's problem, with the rejected value when it is short."""
    kind = err.get("type", "")
    value = err.get("input")
    received: dict[str, Any] = {}
    if kind != "missing" and isinstance(value, str | int | float) and len(str(value)) <= 60:
        received = {"received": repr(value)}
    if kind == "value_error":
        return issue(
            file, number, column, "pydantic", message=str(err["msg"]).removeprefix("Value error, ")
        )
    if kind not in KNOWN_TYPES:
        return issue(file, number, column, "pydantic", message=str(err["msg"]), **received)
    return issue(file, number, column, f"pydantic.{kind}", **_context(err), **received)


def message_fr(err: Any) -> str:
    """A French message for one pydantic error, with the rejected value when it is short."""
    return row_issue("", 0, "*", err).message


def validate_rows(
    model: type[R], file: str, rows: Iterable[tuple[int, dict[str, Any]]], errors: list[RowError]
) -> list[tuple[int, R]]:
    """The rows valid on their own, in order; each invalid field or repeated id goes to `errors`."""
    valid: list[tuple[int, R]] = []
    seen: set[str] = set()
    for number, raw in rows:
        try:
            record = model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                column = ".".join(str(p) for p in err["loc"]) or "*"
                errors.append(row_issue(file, number, column, err))
            continue
        if record.id in seen:
            errors.append(issue(file, number, "id", "duplicate_id", ref=record.id))
            continue
        seen.add(record.id)
        valid.append((number, record))
    return valid
