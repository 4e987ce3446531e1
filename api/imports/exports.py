"""Exports for coordinators: suggestions and the decisions taken on them, as CSV or XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import pandas as pd
from sqlalchemy.orm import Session

from api.core import audit
from api.core.spreadsheets import frame_csv, frame_xlsx
from api.imports import repository
from api.models import User

ExportFormat = Literal["csv", "xlsx"]
ExportName = Literal["suggestions", "decisions"]
CONTENT_TYPES: dict[ExportFormat, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

SUGGESTION_COLUMNS = [
    "suggestion_id",
    "person_ref",
    "need_ref",
    "need_title",
    "organisation_ref",
    "organisation_name",
    "score",
    "status",
    "created_at",
    "updated_at",
]
DECISION_COLUMNS = [
    "event_id",
    "suggestion_id",
    "person_ref",
    "need_ref",
    "actor",
    "decided_at",
    "from_status",
    "to_status",
    "reason",
]


def _utc_column(values: pd.Series) -> pd.Series:
    """Aware UTC; SQLite hands back naive datetimes that were stored as UTC."""
    return pd.to_datetime(values, utc=True)


def suggestions_frame(session: Session) -> pd.DataFrame:
    """One row per suggestion; person_ref is empty once the person has been erased."""
    rows = repository.suggestion_rows(session)
    frame = pd.DataFrame([tuple(r) for r in rows], columns=SUGGESTION_COLUMNS)
    for column in ("created_at", "updated_at"):
        frame[column] = _utc_column(frame[column])
    return frame


def decisions_frame(session: Session) -> pd.DataFrame:
    """One row per decision on a suggestion: who moved it from which status to which, and why."""
    rows = repository.decision_rows(session)
    frame = pd.DataFrame([tuple(r) for r in rows], columns=DECISION_COLUMNS)
    frame["decided_at"] = _utc_column(frame["decided_at"])
    return frame


def to_bytes(frame: pd.DataFrame, fmt: ExportFormat, sheet: str) -> bytes:
    """CSV (UTF-8 with BOM, so Excel shows accents) or an XLSX workbook of one sheet.

    No cell can run as a formula, whatever the text someone typed (see api.core.spreadsheets).
    """
    if fmt == "csv":
        return frame_csv(frame, date_format="%Y-%m-%dT%H:%M:%S%z").encode("utf-8-sig")
    # Excel has no time zones: the workbook holds UTC wall time, the CSV says +0000.
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert(UTC).dt.tz_localize(None)
    return frame_xlsx(out, sheet)


def filename(name: str, fmt: ExportFormat, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M")
    return f"passerelle-{name}-{stamp}.{fmt}"


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str


def export(session: Session, user: User, name: ExportName, fmt: ExportFormat) -> ExportFile:
    """One export as a file to download; the audit log says who took it and how many rows."""
    frame = suggestions_frame(session) if name == "suggestions" else decisions_frame(session)
    audit.record(session, user, "export", name, fmt, rows=len(frame))
    return ExportFile(to_bytes(frame, fmt, sheet=name), CONTENT_TYPES[fmt], filename(name, fmt))
