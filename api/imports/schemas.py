"""The shapes of imported records, of the row reports, and of the bulk endpoints' answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.core.inputs import Line, Text
from api.core.vocabulary import LevelName, NeedKindName, PersonKindName, RemoteName

Kind = Literal["organisations", "people", "needs"]
Format = Literal["csv", "xlsx", "jsonl"]
KINDS: tuple[Kind, ...] = ("organisations", "people", "needs")
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "jsonl")
# A huge bad file should not produce a huge answer: the first errors, and how many there were.
MAX_REPORTED_ERRORS = 1000


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: Line = Field(min_length=1, max_length=40)
    town: Line | None = None
    territory: Line | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


R = TypeVar("R", bound=_Record)


class OrganisationRecord(_Record):
    kind: Literal["company", "school", "lab"]
    name: Line = Field(min_length=1, max_length=200)
    sector: Line | None = None
    size: Line | None = None
    description: Text = ""


class ProfileRecord(_Record):
    kind: PersonKindName = "student"
    first_name: Line = Field(default="", max_length=120)
    last_name: Line = Field(default="", max_length=120)
    email: Line | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    headline: Line = Field(default="", max_length=300)
    summary: Text = ""
    skills: list[Line] = []
    organisation_id: Line | None = None
    programme: Line | None = None
    level: LevelName | None = None
    available_from: date | None = None
    available_until: date | None = None
    mobility_km: float | None = Field(default=None, ge=0, le=20000)
    languages: list[Line] = []
    seeks: list[NeedKindName] = []
    research_topics: list[Line] = []
    consent_visible: bool = False

    @field_validator("available_until")
    @classmethod
    def _window(cls, value: date | None, info: Any) -> date | None:
        start = info.data.get("available_from")
        if value is not None and start is not None and value < start:
            raise ValueError("la fin de disponibilité précède son début")
        return value


class NeedRecord(_Record):
    kind: NeedKindName = "job"
    organisation_id: Line
    title: Line = Field(min_length=1, max_length=300)
    description: Text = ""
    skills: list[Line] = []
    nice_to_have: list[Line] = []
    level_min: LevelName | None = None
    languages: list[Line] = []
    remote: RemoteName = "none"
    start_date: date | None = None
    duration_months: int | None = Field(default=None, ge=0, le=120)
    places: int = Field(default=1, ge=0, le=10000)


MODELS: dict[Kind, type[BaseModel]] = {
    "organisations": OrganisationRecord,
    "people": ProfileRecord,
    "needs": NeedRecord,
}


def columns(kind: Kind) -> list[dict[str, Any]]:
    """The columns a file of this kind may hold, in the records' order, and which are required."""
    model = MODELS[kind]
    return [{"name": name, "required": f.is_required()} for name, f in model.model_fields.items()]


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # the user's row number: the line (JSON Lines) or the spreadsheet row (CSV, XLSX)
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}, ligne {self.row}, colonne « {self.column} » : {self.message}"


@dataclass(frozen=True)
class RawRows:
    """Records of one kind as read from one source, each with the user's row number."""

    source: str  # the file name the user knows, used in error messages
    rows: list[tuple[int, dict[str, Any]]]


@dataclass
class ImportReport:
    organisations: int = 0
    people: int = 0
    needs: int = 0
    skills_created: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class BulkReport:
    kind: Kind
    format: Format
    source: str
    dry_run: bool
    rows_read: int = 0
    rows_valid: int = 0
    rows_written: int = 0
    skills_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        def issue(e: RowError) -> dict[str, Any]:
            return {"row": e.row, "column": e.column, "message": e.message}

        return {
            "kind": self.kind,
            "format": self.format,
            "file": self.source,
            "dry_run": self.dry_run,
            "rows_read": self.rows_read,
            "rows_valid": self.rows_valid,
            "rows_written": self.rows_written,
            "skills_created": self.skills_created,
            "errors_total": len(self.errors),
            "errors": [issue(e) for e in self.errors[:MAX_REPORTED_ERRORS]],
            "warnings": [issue(w) for w in self.warnings],
        }

    def lines(self) -> list[str]:
        """The report as a person reads it on a terminal, in French."""
        out = [
            f"{self.source} : {self.rows_read} ligne(s) lue(s), {self.rows_valid} valide(s), "
            f"{self.rows_written} écrite(s)"
            + (f", {self.skills_created} compétence(s) créée(s)" if self.skills_created else "")
        ]
        for w in self.warnings:
            out.append(f"  avertissement : {_where(w)} : {w.message}")
        for e in self.errors:
            out.append(f"  erreur : {_where(e)} : {e.message}")
        if self.errors:
            out.append(f"{len(self.errors)} erreur(s) : rien n'a été importé.")
        elif self.dry_run:
            out.append("Essai à blanc : aucune erreur, rien n'a été écrit.")
        return out


def _where(issue: RowError) -> str:
    parts = [f"ligne {issue.row}"] if issue.row > 0 else []
    if issue.column != "*":
        parts.append(f"colonne « {issue.column} »")
    return ", ".join(parts) or "fichier"


class Issue(BaseModel):
    row: int
    column: str
    message: str


class BulkReportOut(BaseModel):
    kind: Kind
    format: Format
    file: str
    dry_run: bool
    rows_read: int
    rows_valid: int
    rows_written: int
    skills_created: int
    errors_total: int
    errors: list[Issue]
    warnings: list[Issue]
