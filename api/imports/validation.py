"""Checking each row on its own against its record model, with messages in French."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from api.imports.schemas import R, RowError

# Pydantic's messages are English; users read French. Keyed by pydantic's error type.
MESSAGES_FR: dict[str, str] = {
    "missing": "valeur obligatoire manquante",
    "literal_error": "valeur non reconnue ; attendu : {expected}",
    "string_type": "texte attendu",
    "string_too_short": "trop court (au moins {min_length} caractère(s))",
    "string_too_long": "trop long (au plus {max_length} caractères)",
    "string_pattern_mismatch": "format invalide",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "bool_parsing": "booléen attendu (oui/non, true/false, 1/0)",
    "bool_type": "booléen attendu (oui/non, true/false, 1/0)",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "date_from_datetime_inexact": "date attendue, sans heure (AAAA-MM-JJ)",
    "date_type": "date attendue (AAAA-MM-JJ)",
    "list_type": "liste attendue",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "greater_than": "doit être supérieur à {gt}",
    "less_than": "doit être inférieur à {lt}",
    "control_characters": "caractère de contrôle interdit (caractère nul, effacement…)",
}


def message_fr(err: Any) -> str:
    """A French message for one pydantic error, with the rejected value when it is short."""
    kind = err.get("type", "")
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    template = MESSAGES_FR.get(kind)
    if template is None:
        return str(err["msg"])
    context = {
        key: (
            int(value)
            if isinstance(value, float) and value.is_integer()
            else str(value).replace("' or '", "' ou '")
        )
        for key, value in (err.get("ctx") or {}).items()
    }
    try:
        text = template.format(**context)
    except (KeyError, IndexError):
        text = template
    value = err.get("input")
    if kind != "missing" and isinstance(value, str | int | float) and len(str(value)) <= 60:
        text += f" (reçu : {value!r})"
    return text


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
                errors.append(RowError(file, number, column, message_fr(err)))
            continue
        if record.id in seen:
            errors.append(RowError(file, number, "id", f"identifiant en double : {record.id}"))
            continue
        seen.add(record.id)
        valid.append((number, record))
    return valid
