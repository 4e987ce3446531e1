"""The shapes of imported records, of the row reports, and of the bulk endpoints' answers."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from api.core.i18n import gettext
from api.core.inputs import Line, Text
from api.core.vocabulary import LevelName, NeedKindName, PersonKindName, RemoteName, language_code
from matching.geo import find_place, territory_of

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

    @model_validator(mode="after")
    def _place(self) -> _Record:
        """Territory and coordinates from a known town, where the file leaves them out."""
        if self.town and (self.territory is None or self.lat is None or self.lon is None):
            place = find_place(self.town)
            if place is not None:
                if self.territory is None:
                    self.territory = territory_of(self.town)
                if self.lat is None or self.lon is None:
                    self.lat, self.lon = place.lat, place.lon
        return self


R = TypeVar("R", bound=_Record)


def key(value: str) -> str:
    """A column name or a value as compared: lower case, no accents, words joined by `_`."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return "_".join("".join(c if c.isalnum() or c == "+" else " " for c in plain).split())


# French words a spreadsheet may hold for the vocabulary's codes ("Stage" for internship).
VALUE_WORDS: dict[str, str] = {
    "entreprise": "company", "ecole": "school", "universite": "school",
    "laboratoire": "lab", "labo": "lab",
    "etudiant": "student", "etudiante": "student", "chercheur": "researcher",
    "chercheuse": "researcher", "enseignant_chercheur": "researcher",
    "stage": "internship", "alternance": "apprenticeship", "apprentissage": "apprenticeship",
    "emploi": "job", "cdi": "job", "cdd": "job", "r&d": "rd", "r_d": "rd", "recherche": "rd",
    "these_cifre": "rd", "cifre": "rd",
    "aucun": "none", "non": "none", "partiel": "partial", "total": "full", "complet": "full",
    "bts": "bac+2", "dut": "bac+2", "but": "bac+3", "licence": "bac+3", "master": "bac+5",
    "ingenieur": "bac+5", "phd": "doctorat", "these": "doctorat",
    "bac_2": "bac+2", "bac_3": "bac+3", "bac_5": "bac+5", "doctorat": "doctorat",
}  # fmt: skip


def _code(value: Any) -> Any:
    if not isinstance(value, str) or not value.strip():
        return value
    word = key(value)
    if word in VALUE_WORDS:
        return VALUE_WORDS[word]
    return value.strip().lower().replace(" ", "") if word.startswith("bac") else value


def _codes(value: Any) -> Any:
    return [_code(v) for v in value] if isinstance(value, list) else _code(value)


def _languages(value: Any) -> Any:
    """Language names ("anglais") as ISO codes; an unknown one is kept as written."""
    if not isinstance(value, list):
        return value
    return [language_code(v) or v if isinstance(v, str) else v for v in value]


class OrganisationRecord(_Record):
    kind: Literal["company", "school", "lab"]

    vocabulary_codes = field_validator("kind", mode="before")(_codes)
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

    vocabulary_codes = field_validator("kind", "level", "seeks", mode="before")(_codes)
    language_codes = field_validator("languages", mode="before")(_languages)

    @field_validator("available_until")
    @classmethod
    def _window(cls, value: date | None, info: Any) -> date | None:
        start = info.data.get("available_from")
        if value is not None and start is not None and value < start:
            raise PydanticCustomError("dates_order", "availability ends before it starts")
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

    vocabulary_codes = field_validator("kind", "level_min", "remote", mode="before")(_codes)
    language_codes = field_validator("languages", mode="before")(_languages)


MODELS: dict[Kind, type[BaseModel]] = {
    "organisations": OrganisationRecord,
    "people": ProfileRecord,
    "needs": NeedRecord,
}


_PLACE_COLUMNS = {
    "town": "commune",
    "territory": "territoire",
    "lat": "latitude",
    "lon": "longitude",
}
# The column names of the French template, by field; the field names themselves (English) are
# read too, and so are the synonyms below.
FRENCH_COLUMNS: dict[Kind, dict[str, str]] = {
    "organisations": {
        "id": "identifiant",
        "kind": "type",
        "name": "nom",
        "sector": "secteur",
        "size": "taille",
        "description": "description",
        **_PLACE_COLUMNS,
    },
    "people": {
        "id": "identifiant",
        "kind": "type",
        "first_name": "prénom",
        "last_name": "nom",
        "email": "e-mail",
        "headline": "titre du profil",
        "summary": "présentation",
        "skills": "compétences",
        "organisation_id": "organisation",
        "programme": "formation",
        "level": "niveau",
        "available_from": "disponible à partir du",
        "available_until": "disponible jusqu'au",
        "mobility_km": "mobilité (km)",
        "languages": "langues",
        "seeks": "recherche",
        "research_topics": "thèmes de recherche",
        "consent_visible": "visible des entreprises",
        **_PLACE_COLUMNS,
    },
    "needs": {
        "id": "identifiant",
        "kind": "type",
        "organisation_id": "organisation",
        "title": "intitulé",
        "description": "description",
        "skills": "compétences exigées",
        "nice_to_have": "compétences appréciées",
        "level_min": "niveau minimum",
        "languages": "langues",
        "remote": "télétravail",
        "start_date": "date de début",
        "duration_months": "durée (mois)",
        "places": "places",
        **_PLACE_COLUMNS,
    },
}
_SYNONYMS: dict[Kind, dict[str, str]] = {
    "organisations": {"raison sociale": "name", "ville": "town", "code": "id", "ref": "id"},
    "people": {
        "ville": "town",
        "courriel": "email",
        "mail": "email",
        "adresse e-mail": "email",
        "nom de famille": "last_name",
        "titre": "headline",
        "école": "organisation_id",
        "laboratoire": "organisation_id",
        "établissement": "organisation_id",
        "disponible du": "available_from",
        "disponible au": "available_until",
        "mobilité": "mobility_km",
        "cherche": "seeks",
        "consentement": "consent_visible",
        "code": "id",
        "ref": "id",
    },
    "needs": {
        "ville": "town",
        "titre": "title",
        "compétences": "skills",
        "entreprise": "organisation_id",
        "niveau": "level_min",
        "niveau requis": "level_min",
        "début": "start_date",
        "durée": "duration_months",
        "nombre de places": "places",
        "code": "id",
        "ref": "id",
    },
}


def column_names(kind: Kind) -> dict[str, str]:
    """A header as compared (`key`) -> the field it fills: French, English or a synonym."""
    out = {key(name): name for name in MODELS[kind].model_fields}
    out |= {key(label): name for name, label in FRENCH_COLUMNS[kind].items()}
    out |= {key(label): name for label, name in _SYNONYMS[kind].items()}
    return out


def columns(kind: Kind) -> list[dict[str, Any]]:
    """The columns a file of this kind may hold, in the records' order, and which are required."""
    model = MODELS[kind]
    return [
        {"name": name, "label": FRENCH_COLUMNS[kind].get(name, name), "required": f.is_required()}
        for name, f in model.model_fields.items()
    ]


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # the user's row number: the line (JSON Lines) or the spreadsheet row (CSV, XLSX)
    column: str
    message: str  # in French, as the command line prints it
    # The catalogue message `import.issue.<code>` and its values, to say it in the page's
    # language; a `received` value is added after the message (`import.issue.received`).
    code: str = ""
    params: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str) -> str:
        if not self.code:
            return self.message
        values = dict(self.params)
        received = values.pop("received", None)
        try:
            out = gettext(lang, f"import.issue.{self.code}", **values)
        except (KeyError, IndexError):  # a value the message names is missing: say it plainly
            out = gettext(lang, f"import.issue.{self.code}").split(":")[0]
        if received is not None:
            out = gettext(lang, "import.issue.received", message=out, value=received)
        return out

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

    def as_dict(self, lang: str = "fr") -> dict[str, Any]:
        """The report, its messages in `lang` (the page's or the caller's language)."""

        def issue(e: RowError) -> dict[str, Any]:
            return {"row": e.row, "column": e.column, "message": e.text(lang)}

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


def issue(file: str, row: int, column: str, code: str, **params: Any) -> RowError:
    """A row's problem, said by the catalogue message `import.issue.<code>`."""
    made = RowError(file, row, column, "", code, tuple(params.items()))
    return RowError(file, row, column, made.text("fr"), code, made.params)


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
