"""Reading a CSV, XLSX or JSON Lines file into numbered raw records, before any validation."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import types
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any, Union, get_args, get_origin

import openpyxl
import pandas as pd
from pydantic import BaseModel

from api.core.errors import Key, message_key
from api.imports.errors import ImportFailed, UnreadableFile
from api.imports.schemas import (
    FORMATS,
    FRENCH_COLUMNS,
    MODELS,
    Format,
    Kind,
    RowError,
    column_names,
    issue,
    key,
)

EXTENSIONS: dict[str, Format] = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
LIST_SEPARATOR = ";"
TRUE_WORDS = {"true", "vrai", "oui", "yes", "1"}
FALSE_WORDS = {"false", "faux", "non", "no", "0"}

# What one import may hold: beyond these, a file is refused before its rows are read (a sheet's
# declared dimension, an XLSX's decompressed size) or where the reading passes the limit.
MAX_ROWS = 100_000  # rows of data, the header not counted
MAX_COLUMNS = 60
MAX_CELL_CHARS = 32 * 1024
MIB = 1024 * 1024
MAX_XLSX_BYTES = 200 * MIB  # every part of the workbook, decompressed
MAX_XLSX_PARTS = 10_000
MAX_XLSX_RATIO = 100  # how many times larger a part may grow when decompressed...
RATIO_FROM_BYTES = MIB  # ...once it is larger than this (small parts compress as they like)
MAX_CELLS_PER_ROW = 16_384  # XLSX's own column count: a row of more cells is no spreadsheet
SHEETS = "xl/worksheets/"
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s/>]")
_TAG_MAX = 256  # longer than any "<prefix:row " a tag may start with

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
            errors.append(issue(source, number, "*", "json_invalid", detail=exc.msg))
            continue
        if not isinstance(value, dict):
            errors.append(issue(source, number, "*", "json_object"))
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
    labels: dict[str, str] = field(default_factory=dict)  # field -> the file's own header


def _decode(data: bytes, source: str, warnings: list[RowError]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in French saves "CSV" as Windows-1252 unless told otherwise.
        warnings.append(issue(source, 0, "*", "not_utf8"))
        return data.decode("cp1252", errors="replace")


def _separator(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


# A table's rows as (row number, cells), the header row included; read lazily, so that a limit
# stops the reading where it is passed.
Rows = Iterator[tuple[int, Sequence[Any]]]


def _csv_rows(data: bytes, source: str, warnings: list[RowError]) -> Rows:
    text = _decode(data, source, warnings)
    # The csv module's own field limit (128 KiB by default, process-wide) stops a huge field
    # before it is held in full; MAX_CELL_CHARS, checked per cell, is the limit users see.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
    number = 0
    try:
        for number, fields in enumerate(reader, start=1):
            yield number, fields
    except csv.Error:
        # With the default, non-strict dialect, only an over-long field raises.
        raise UnreadableFile("field_too_large", 422, row=number + 1, limit=MAX_CELL_CHARS) from None


def check_archive(data: bytes) -> None:
    """Refuse an XLSX whose parts would decompress to too much, before anything reads them.

    The sizes are those the ZIP's directory declares: Python's zipfile never inflates a part
    past its declared size, so they bound what openpyxl can be made to read.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            _check_parts(parts)
            for part in parts:
                if part.filename.startswith(SHEETS):
                    _check_row_widths(archive, part)
    except (
        zipfile.BadZipFile,
        ValueError,
        EOFError,
        OSError,
        NotImplementedError,
        zlib.error,
    ) as exc:
        raise UnreadableFile("xlsx_unreadable", cause=type(exc).__name__) from None


def _check_parts(parts: list[zipfile.ZipInfo]) -> None:
    total = sum(part.file_size for part in parts)
    if total > MAX_XLSX_BYTES or len(parts) > MAX_XLSX_PARTS:
        raise UnreadableFile(
            "xlsx_too_large", 413, size_mib=-(-total // MIB), limit_mib=MAX_XLSX_BYTES // MIB
        )
    for part in parts:
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_XLSX_RATIO * max(
            part.compress_size, 1
        ):
            raise UnreadableFile(
                "xlsx_compression",
                413,
                part=part.filename[:80],
                ratio=part.file_size // max(part.compress_size, 1),
                limit=MAX_XLSX_RATIO,
            )


def _check_row_widths(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Refuse a sheet with a row of more cells than XLSX allows, before openpyxl parses it.

    openpyxl holds a whole row while it parses it; a row of millions of cells (a few MiB once
    compressed) would fill memory before any limit on the values could be checked.
    """
    rows = cells = 0
    carried = b""
    with archive.open(part) as xml:
        while True:
            chunk = xml.read(MIB)
            text = carried + chunk
            # A tag cut at the chunk's end is counted with the next chunk.
            cut = len(text) - _TAG_MAX if chunk else len(text)
            for match in _ROW_OR_CELL.finditer(text):
                if match.start() >= cut:
                    break
                if match.group(1) == b"row":
                    rows, cells = rows + 1, 0
                else:
                    cells += 1
                    if cells > MAX_CELLS_PER_ROW:
                        raise UnreadableFile(
                            "too_many_columns", 422, row=rows, column=cells, limit=MAX_COLUMNS
                        )
            if not chunk:
                return
            carried = text[cut:]


def _xlsx_rows(data: bytes) -> Rows:
    check_archive(data)
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise UnreadableFile("xlsx_unreadable", cause=type(exc).__name__) from None
    try:
        sheet = book.worksheets[0]
        rows, columns = sheet.max_row, sheet.max_column
        if (rows or 0) > MAX_ROWS + 1 or (columns or 0) > MAX_COLUMNS:
            raise UnreadableFile(
                "sheet_too_large",
                422,
                dimension=sheet.calculate_dimension(),
                max_rows=MAX_ROWS,
                max_columns=MAX_COLUMNS,
            )
        # Declared dimensions are often wrong (too small) and would cut data off: every row is
        # read, the limits below hold whatever the sheet declares.
        sheet.reset_dimensions()
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile("xlsx_unreadable", cause=type(exc).__name__) from None
    finally:
        book.close()


def _trimmed(values: Sequence[Any]) -> Sequence[Any]:
    end = len(values)
    while end and _is_blank(values[end - 1]):
        end -= 1
    return values[:end]


def _column_name(header: Sequence[str], position: int) -> str:
    name = header[position] if position < len(header) else ""
    return name or f"#{position + 1}"


def _within_limits(rows: Rows, header: Sequence[str]) -> Iterator[tuple[int, Sequence[Any]]]:
    """Each row, trimmed of trailing blanks; UnreadableFile at the first limit passed."""
    for number, raw in rows:
        values = _trimmed(raw)
        if not values:
            continue
        if number > MAX_ROWS + 1:  # the header is row 1
            raise UnreadableFile("too_many_rows", 422, row=number, limit=MAX_ROWS)
        if len(values) > MAX_COLUMNS:
            raise UnreadableFile(
                "too_many_columns", 422, row=number, column=len(values), limit=MAX_COLUMNS
            )
        for position, value in enumerate(values):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                column = _column_name(header, position)
                raise UnreadableFile(
                    "cell_too_large", 422, row=number, column=column, limit=MAX_CELL_CHARS
                )
        yield number, values


def _header(value: Any) -> str:
    return "" if _is_blank(value) else _as_text(value).lower()


def _read_table(data: bytes, fmt: Format, kind: Kind, source: str) -> Parsed:
    warnings: list[RowError] = []
    raw = _csv_rows(data, source, warnings) if fmt == "csv" else _xlsx_rows(data)
    columns: list[str] = []  # filled from the first row; the limits name columns by it
    table = _within_limits(raw, columns)
    first = next(table, None)
    if first is None:
        raise UnreadableFile("no_header")
    header_row, cells = first
    columns.extend(_header(c) for c in cells)
    model = MODELS[kind]
    shapes = _field_types(model)
    names = column_names(kind)
    errors: list[RowError] = []
    seen: set[str] = set()
    known: list[tuple[int, str]] = []
    labels: dict[str, str] = {}  # field -> the header the file gives it, for the messages
    for position, header in enumerate(columns):
        if not header:
            warnings.append(issue(source, header_row, f"#{position + 1}", "unnamed_column"))
            continue
        name = names.get(key(header), header)  # "Prénom" fills first_name
        if name in seen:
            errors.append(issue(source, header_row, header, "duplicate_column"))
        elif name in shapes:
            known.append((position, name))
            labels[name] = header
        else:
            warnings.append(issue(source, header_row, header, "unknown_column"))
        seen.add(name)
    if not known:
        expected = ", ".join(FRENCH_COLUMNS[kind].get(name, name) for name in shapes)
        raise UnreadableFile("no_known_column", 422, expected=expected)
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    for name in required:
        if name not in seen:
            errors.append(issue(source, header_row, name, "missing_column"))

    rows: list[tuple[int, dict[str, Any]]] = []
    unnamed: set[int] = set()
    for number, values in table:
        if fmt == "csv" and len(values) > len(columns):
            # A separator or a quote out of place: the cells after it would land in the wrong
            # columns.
            raise UnreadableFile(
                "csv_extra_fields", 422, row=number, found=len(values), expected=len(columns)
            )
        for position in range(len(columns), len(values)):
            if position not in unnamed and not _is_blank(values[position]):
                unnamed.add(position)
                warnings.append(issue(source, number, f"#{position + 1}", "unnamed_column"))
        record: dict[str, Any] = {}
        for position, name in known:
            if position < len(values):
                value = _cell(values[position], shapes[name])
                if value is not _MISSING:
                    record[name] = value
        if record:  # a blank row is not a row of data
            rows.append((number, record))
    return Parsed(rows=rows, rows_read=len(rows), errors=errors, warnings=warnings, labels=labels)


def _read_jsonl(data: bytes, kind: Kind, source: str) -> Parsed:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("jsonl_not_utf8", cause=exc.reason) from None
    rows, errors = parse_jsonl(text.splitlines(), source)
    names = column_names(kind)
    rows = [(n, {names.get(key(k), k): v for k, v in record.items()}) for n, record in rows]
    fields = MODELS[kind].model_fields
    warnings: list[RowError] = []
    reported: set[str] = set()
    for number, record in rows:
        for name in record:
            if name not in fields and name not in reported:
                reported.add(name)
                warnings.append(issue(source, number, name, "unknown_field"))
    return Parsed(rows=rows, rows_read=len(rows) + len(errors), errors=errors, warnings=warnings)


def read_file(data: bytes, fmt: Format, kind: Kind, source: str) -> Parsed:
    """Every row of `data` as raw records of `kind`; UnreadableFile when it cannot be read."""
    if not data.strip():
        raise UnreadableFile("empty_file")
    if fmt == "jsonl":
        return _read_jsonl(data, kind, source)
    return _read_table(data, fmt, kind, source)
