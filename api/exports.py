"""Exports for coordinators: suggestions and the decisions taken on them, as CSV or XLSX."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Literal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from api.models import Need, Organisation, Person, Suggestion, SuggestionEvent

ExportFormat = Literal["csv", "xlsx"]
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
    person = aliased(Person)
    rows = session.execute(
        select(
            Suggestion.id,
            person.ref,
            Need.ref,
            Need.title,
            Organisation.ref,
            Organisation.name,
            Suggestion.score,
            Suggestion.status,
            Suggestion.created_at,
            Suggestion.updated_at,
        )
        .join(Need, Suggestion.need_id == Need.id)
        .join(Organisation, Need.organisation_id == Organisation.id)
        .outerjoin(person, Suggestion.person_id == person.id)
        .order_by(Suggestion.id)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=SUGGESTION_COLUMNS)
    for column in ("created_at", "updated_at"):
        frame[column] = _utc_column(frame[column])
    return frame


def decisions_frame(session: Session) -> pd.DataFrame:
    """One row per decision on a suggestion: who moved it from which status to which, and why."""
    rows = session.execute(
        select(
            SuggestionEvent.id,
            SuggestionEvent.suggestion_id,
            Person.ref,
            Need.ref,
            SuggestionEvent.actor,
            SuggestionEvent.created_at,
            SuggestionEvent.from_status,
            SuggestionEvent.to_status,
            SuggestionEvent.reason,
        )
        .join(Suggestion, SuggestionEvent.suggestion_id == Suggestion.id)
        .join(Need, Suggestion.need_id == Need.id)
        .outerjoin(Person, Suggestion.person_id == Person.id)
        .order_by(SuggestionEvent.id)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=DECISION_COLUMNS)
    frame["decided_at"] = _utc_column(frame["decided_at"])
    return frame


def to_bytes(frame: pd.DataFrame, fmt: ExportFormat, sheet: str) -> bytes:
    """CSV (UTF-8 with BOM, so Excel shows accents) or an XLSX workbook of one sheet."""
    if fmt == "csv":
        return frame.to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%S%z").encode("utf-8-sig")
    # Excel has no time zones: the workbook holds UTC wall time, the CSV says +0000.
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert(UTC).dt.tz_localize(None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        out.to_excel(writer, sheet_name=sheet, index=False)
    return buffer.getvalue()


def filename(name: str, fmt: ExportFormat, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M")
    return f"passerelle-{name}-{stamp}.{fmt}"
