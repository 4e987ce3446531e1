"""Reading a CSV, XLSX or JSON Lines file into numbered raw records, before any validation."""

from __future__ import annotations

import io
import json
import math
import re
import types
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any, Union, get_args, get_origin

import pandas as pd
from pydantic import BaseModel

from api.core.errors import Key, message_key
from api.imports.errors import ImportFailed, UnreadableFile
from api.imports.schemas import FORMATS, MODELS, Format, Kind, RowError

EXTENSIONS: dict[str, Format] = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
LIST_SEPARATOR = ";"
TRUE_WORDS = {"true", "vrai", "oui", "yes", "1"}
FALSE_WORDS = {"false", "faux", "non", "no", "0"}

_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MISSING = object()


def parse_jsonl(
    lines: Iterable[str], source: str
) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    """(line number, record) for each non-blank line, and an error for each broken one."""
    rows: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(RowError(source, number, "*", f"JSON invalide ({exc.msg})"))
            continue
        if not isinstance(value, dict):
            errors.append(RowError(source, number, "*", "un objet JSON est attendu"))
            continue
        rows.append((number, value))
    return rows, errors


def read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, record) for each non-blank line; a broken line raises ImportFailed."""
    with path.open(encoding="utf-8") as handle:
        rows, errors = parse_jsonl(handle, path.name)
    if errors:
        raise ImportFailed(errors)
    return rows


def format_of(filename: str, explicit: str | None = None) -> Format:
    """The format named explicitly, or the one the file's extension says."""
    if explicit:
        if explicit not in FORMATS:
            raise UnreadableFile("unknown_format", 415, format=explicit)
        return explicit
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise UnreadableFile(
            "unknown_extension", 415, extension=suffix or Key(message_key("no_extension"))
        )
    return EXTENSIONS[suffix]


def _field_types(model: type[BaseModel]) -> dict[str, str]:
    """Each field's shape as a spreadsheet cell must be read: list, bool, date, int, float, str."""
    out: dict[str, str] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if get_origin(annotation) in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        if get_origin(annotation) is list:
            out[name] = "list"
        elif annotation is bool:
            out[name] = "bool"
        elif annotation is date:
            out[name] = "date"
        elif annotation is int:
            out[name] = "int"
        elif annotation is float:
            out[name] = "float"
        else:
            out[name] = "str"
    return out


def _is_blank(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value).strip()


def _cell(value: Any, shape: str) -> Any:
    """One spreadsheet cell as the record model expects it; _MISSING for an empty cell."""
    if _is_blank(value):
        return _MISSING
    if shape == "list":
        return [part.strip() for part in _as_text(value).split(LIST_SEPARATOR) if part.strip()]
    if shape == "bool":
        if isinstance(value, bool):
            return value
        word = _as_text(value).lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return word  # the model rejects it, naming the column
    if shape == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _as_text(value)
        french = _FRENCH_DATE.match(text)
        if french:
            day, month, year = (int(g) for g in french.groups())
            try:
                return date(year, month, day)
            except ValueError:
                return text
        return text
    if shape == "int":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value if isinstance(value, int) else _as_text(value)
    if shape == "float":
        if isinstance(value, int | float):
            return value
        text = _as_text(value)
        # French spreadsheets write decimals with a comma.
        return text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    return _as_text(value)


@dataclass
class Parsed:
    """A file's raw records by row number, with the errors and warnings met while reading."""

    rows: list[tuple[int, dict[str, Any]]]
    rows_read: int
    errors: list[RowError]
    warnings: list[RowError]


def _decode(data: bytes, source: str, warnings: list[RowError]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in French saves "CSV" as Windows-1252 unless told otherwise.
        warnings.append(
            RowError(source, 0, "*", "fichier non UTF-8 : lu comme Windows-1252 (Excel)")
        )
        return data.decode("cp1252", errors="replace")


def _separator(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _frame(data: bytes, fmt: Format, source: str, warnings: list[RowError]) -> pd.DataFrame:
    try:
        if fmt == "csv":
            text = _decode(data, source, warnings)
            return pd.read_csv(
                io.StringIO(text),
                sep=_separator(text),
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
            )
        return pd.read_excel(
            io.BytesIO(data), sheet_name=0, dtype=object, keep_default_na=False, engine="openpyxl"
        )
    except pd.errors.EmptyDataError:
        raise UnreadableFile("no_header") from None
    except (pd.errors.ParserError, UnicodeError) as exc:
        raise UnreadableFile("csv_unreadable", cause=str(exc).strip().splitlines()[0]) from None
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        if fmt == "xlsx":
            raise UnreadableFile("xlsx_unreadable", cause=type(exc).__name__) from None
        raise


def _read_table(data: bytes, fmt: Format, kind: Kind, source: str) -> Parsed:
    warnings: list[RowError] = []
    frame = _frame(data, fmt, source, warnings)
    model = MODELS[kind]
    shapes = _field_types(model)
    columns = [str(c).strip().lower() for c in frame.columns]
    errors: list[RowError] = []
    seen: set[str] = set()
    known: list[tuple[int, str]] = []
    for position, name in enumerate(columns):
        if name in seen:
            errors.append(RowError(source, 1, name, "colonne en double"))
        elif name in shapes:
            known.append((position, name))
        elif name.startswith("unnamed:"):
            warnings.append(RowError(source, 1, f"#{position + 1}", "colonne sans nom, ignorée"))
        else:
            warnings.append(RowError(source, 1, name, "colonne inconnue, ignorée"))
        seen.add(name)
    if not known:
        raise UnreadableFile("no_known_column", 422, expected=", ".join(shapes))
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    for name in required:
        if name not in seen:
            errors.append(RowError(source, 1, name, "colonne obligatoire absente de l'en-tête"))

    rows: list[tuple[int, dict[str, Any]]] = []
    for index, values in enumerate(frame.itertuples(index=False, name=None)):
        record: dict[str, Any] = {}
        for position, name in known:
            value = _cell(values[position], shapes[name])
            if value is not _MISSING:
                record[name] = value
        if record:  # a blank row is not a row of data
            rows.append((index + 2, record))  # the header is row 1
    return Parsed(rows=rows, rows_read=len(rows), errors=errors, warnings=warnings)


def _read_jsonl(data: bytes, kind: Kind, source: str) -> Parsed:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("jsonl_not_utf8", cause=exc.reason) from None
    rows, errors = parse_jsonl(text.splitlines(), source)
    fields = MODELS[kind].model_fields
    warnings: list[RowError] = []
    reported: set[str] = set()
    for number, record in rows:
        for key in record:
            if key not in fields and key not in reported:
                reported.add(key)
                warnings.append(RowError(source, number, key, "champ inconnu, ignoré"))
    return Parsed(rows=rows, rows_read=len(rows) + len(errors), errors=errors, warnings=warnings)


def read_file(data: bytes, fmt: Format, kind: Kind, source: str) -> Parsed:
    """Every row of `data` as raw records of `kind`; UnreadableFile when it cannot be read."""
    if not data.strip():
        raise UnreadableFile("empty_file")
    if fmt == "jsonl":
        return _read_jsonl(data, kind, source)
    return _read_table(data, fmt, kind, source)
