"""Cells for CSV and XLSX exports that a spreadsheet shows as text and never runs as a formula.

Exports carry text that anyone could have typed (a need's title, a reason, a name). A cell that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel or LibreOffice as
a formula (OWASP "CSV injection"): in a CSV it gets a leading single quote; in an XLSX it is
written as a string cell marked "quote prefix", its text unchanged. XLSX cannot hold control
characters (openpyxl refuses them), so they are removed there.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

CSV_LINE_END = "\r\n"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A negative number is data, not a formula: left as it is.
_NUMBER = re.compile(r"-\d+(\.\d+)?([eE][+-]?\d+)?")


def _would_run(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text)


def csv_cell(value: object) -> object:
    """`value` for a CSV cell: text that would start a formula gets a leading `'`."""
    if isinstance(value, str) and _would_run(value):
        return "'" + value
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    """A row for `csv.writer`, every cell made inert."""
    return [csv_cell(v) for v in values]


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """Rows as CSV text, every cell inert.

    Lines end in CRLF (RFC 4180): the writer then quotes any field holding a CR or LF, so a line
    break typed in a cell cannot start a new row, nor a formula at the start of one.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=CSV_LINE_END)
    writer.writerows(csv_row(row) for row in rows)
    return buffer.getvalue()


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [
        c
        for c in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[c])
        and not pd.api.types.is_datetime64_any_dtype(frame[c])
    ]


def frame_csv(frame: pd.DataFrame, **options: object) -> str:
    """`frame.to_csv(index=False, **options)` with every text cell inert, lines in CRLF."""
    out = frame.copy()
    for column in _text_columns(out):
        out[column] = out[column].map(csv_cell, na_action="ignore")
    text: str = out.to_csv(index=False, lineterminator=CSV_LINE_END, **options)  # type: ignore[call-overload]
    return text


def xlsx_text(value: object) -> object:
    """`value` for an XLSX cell: text without the control characters XLSX cannot hold."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def make_inert(sheet: Worksheet) -> None:
    """Every text cell of `sheet` that openpyxl took for a formula becomes a string cell."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and _would_run(cell.value):
                cell.data_type = "s"
                # Excel keeps a quote-prefixed cell as text even when someone edits it.
                cell.quotePrefix = True


def frame_xlsx(frame: pd.DataFrame, sheet: str = "Sheet1") -> bytes:
    """A workbook of one sheet holding `frame` (no index), whose cells are all inert."""
    out = frame.copy()
    for column in _text_columns(out):
        out[column] = out[column].map(xlsx_text, na_action="ignore")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        out.to_excel(writer, sheet_name=sheet, index=False)
        for worksheet in writer.book.worksheets:
            make_inert(worksheet)
    return buffer.getvalue()
