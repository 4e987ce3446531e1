"""Loading organisations, people and needs from records (JSON Lines), all or nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import (
    AppState,
    Consent,
    Need,
    NeedSkill,
    Organisation,
    Person,
    PersonSkill,
    Skill,
)
from matching.skills import SkillVocabulary
from matching.skills import skill_key as normalise

Level = Literal["bac", "bac+1", "bac+2", "bac+3", "bac+4", "bac+5", "doctorat"]
NeedKindT = Literal["internship", "apprenticeship", "job", "rd", "hackathon"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=40)
    town: str | None = None
    territory: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


R = TypeVar("R", bound=_Record)


class OrganisationRecord(_Record):
    kind: Literal["company", "school", "lab"]
    name: str = Field(min_length=1, max_length=200)
    sector: str | None = None
    size: str | None = None
    description: str = ""


class ProfileRecord(_Record):
    kind: Literal["student", "researcher"] = "student"
    first_name: str = Field(default="", max_length=120)
    last_name: str = Field(default="", max_length=120)
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    headline: str = Field(default="", max_length=300)
    summary: str = ""
    skills: list[str] = []
    organisation_id: str | None = None
    programme: str | None = None
    level: Level | None = None
    available_from: date | None = None
    available_until: date | None = None
    mobility_km: float | None = Field(default=None, ge=0, le=20000)
    languages: list[str] = []
    seeks: list[NeedKindT] = []
    research_topics: list[str] = []
    consent_visible: bool = False

    @field_validator("available_until")
    @classmethod
    def _window(cls, value: date | None, info: Any) -> date | None:
        start = info.data.get("available_from")
        if value is not None and start is not None and value < start:
            raise ValueError("la fin de disponibilité précède son début")
        return value


class NeedRecord(_Record):
    kind: NeedKindT = "job"
    organisation_id: str
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    skills: list[str] = []
    nice_to_have: list[str] = []
    level_min: Level | None = None
    languages: list[str] = []
    remote: Literal["none", "partial", "full"] = "none"
    start_date: date | None = None
    duration_months: int | None = Field(default=None, ge=0, le=120)
    places: int = Field(default=1, ge=0, le=10000)


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # 1-based line number in the file
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}, ligne {self.row}, colonne « {self.column} » : {self.message}"


class ImportFailed(ValueError):
    """Nothing was written; `errors` says which row and column are at fault."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        shown = "\n".join(str(e) for e in self.errors[:20])
        more = f"\n… et {len(self.errors) - 20} autres" if len(self.errors) > 20 else ""
        super().__init__(f"{len(self.errors)} erreur(s), rien n'a été importé :\n{shown}{more}")


@dataclass
class ImportReport:
    organisations: int = 0
    people: int = 0
    needs: int = 0
    skills_created: int = 0
    errors: list[RowError] = field(default_factory=list)


def read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, record) for each non-blank line; a broken line raises ImportFailed."""
    rows: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(RowError(path.name, number, "*", f"JSON invalide ({exc.msg})"))
                continue
            if not isinstance(value, dict):
                errors.append(RowError(path.name, number, "*", "un objet JSON est attendu"))
                continue
            rows.append((number, value))
    if errors:
        raise ImportFailed(errors)
    return rows


def _validate(
    model: type[R], file: str, rows: Iterable[tuple[int, dict[str, Any]]], errors: list[RowError]
) -> list[tuple[int, R]]:
    valid: list[tuple[int, R]] = []
    seen: set[str] = set()
    for number, raw in rows:
        try:
            record = model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                column = ".".join(str(p) for p in err["loc"]) or "*"
                errors.append(RowError(file, number, column, err["msg"]))
            continue
        if record.id in seen:
            errors.append(RowError(file, number, "id", f"identifiant en double : {record.id}"))
            continue
        seen.add(record.id)
        valid.append((number, record))
    return valid


class SkillResolver:
    """Maps free skill labels to Skill rows, creating unknown ones once per import."""

    def __init__(self, session: Session, vocabulary: SkillVocabulary) -> None:
        self.session = session
        self.vocabulary = vocabulary
        self.by_key = {s.key: s for s in session.scalars(select(Skill))}
        self.created = 0

    def resolve(self, label: str) -> Skill | None:
        label = label.strip()
        if not label:
            return None
        known = self.vocabulary.lookup(label)
        name, family, aliases = (
            (known.label, known.family, list(known.aliases)) if known else (label, None, [])
        )
        key = normalise(name)
        row = self.by_key.get(key)
        if row is None:
            row = Skill(name=name, key=key, family=family, aliases=aliases)
            self.session.add(row)
            self.by_key[key] = row
            self.created += 1
        return row

    def resolve_all(self, labels: Iterable[str]) -> list[Skill]:
        out: list[Skill] = []
        ids: set[int] = set()
        for label in labels:
            row = self.resolve(label)
            if row is not None and id(row) not in ids:
                ids.add(id(row))
                out.append(row)
        return out


def import_region(
    session: Session,
    folder: Path,
    *,
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportReport:
    """Validate and load organisations.jsonl, profiles.jsonl and needs.jsonl from `folder`.

    Validation covers every row before anything is written; on any error ImportFailed is raised
    and the session holds no change. The caller's transaction makes the write all or nothing.
    """
    errors: list[RowError] = []
    files = {name: folder / f"{name}.jsonl" for name in ("organisations", "profiles", "needs")}
    for path in files.values():
        if not path.exists():
            errors.append(RowError(path.name, 0, "*", f"fichier absent : {path}"))
    if errors:
        raise ImportFailed(errors)
    org_rows = _validate(
        OrganisationRecord, "organisations.jsonl", read_jsonl(files["organisations"]), errors
    )
    people_rows = _validate(ProfileRecord, "profiles.jsonl", read_jsonl(files["profiles"]), errors)
    need_rows = _validate(NeedRecord, "needs.jsonl", read_jsonl(files["needs"]), errors)
    orgs = [r for _, r in org_rows]
    people = [r for _, r in people_rows]
    needs = [r for _, r in need_rows]

    existing_orgs = set(session.scalars(select(Organisation.ref)))
    org_refs = existing_orgs | {o.id for o in orgs}
    for number, record in people_rows:
        if record.organisation_id and record.organisation_id not in org_refs:
            errors.append(
                RowError(
                    "profiles.jsonl",
                    number,
                    "organisation_id",
                    f"organisation inconnue : {record.organisation_id}",
                )
            )
    for number, need_record in need_rows:
        if need_record.organisation_id not in org_refs:
            errors.append(
                RowError(
                    "needs.jsonl",
                    number,
                    "organisation_id",
                    f"organisation inconnue : {need_record.organisation_id}",
                )
            )
    for number, org_record in org_rows:
        if org_record.id in existing_orgs:
            errors.append(
                RowError(
                    "organisations.jsonl", number, "id", f"existe déjà en base : {org_record.id}"
                )
            )
    existing_people = set(session.scalars(select(Person.ref)))
    existing_emails = {e.lower() for e in session.scalars(select(Person.email))}
    emails: set[str] = set()
    for number, person_record in people_rows:
        if person_record.id in existing_people:
            errors.append(
                RowError(
                    "profiles.jsonl", number, "id", f"existe déjà en base : {person_record.id}"
                )
            )
        email = (person_record.email or "").lower()
        if email and (email in existing_emails or email in emails):
            errors.append(
                RowError("profiles.jsonl", number, "email", f"adresse déjà utilisée : {email}")
            )
        emails.add(email)
    existing_needs = set(session.scalars(select(Need.ref)))
    for number, need_record in need_rows:
        if need_record.id in existing_needs:
            errors.append(
                RowError("needs.jsonl", number, "id", f"existe déjà en base : {need_record.id}")
            )
    if errors:
        raise ImportFailed(errors)
    report = ImportReport(organisations=len(orgs), people=len(people), needs=len(needs))
    if dry_run:
        return report

    vocabulary = SkillVocabulary.builtin()
    skills = SkillResolver(session, vocabulary)
    by_ref: dict[str, Organisation] = {
        o.ref: o
        for o in session.scalars(select(Organisation).where(Organisation.ref.in_(org_refs)))
    }
    total = len(orgs) + len(people) + len(needs)
    done = 0

    def tick(stage: str) -> None:
        nonlocal done
        done += 1
        if progress and (done % 100 == 0 or done == total):
            progress(stage, done, total)

    for o in orgs:
        row = Organisation(
            ref=o.id,
            kind=o.kind,
            name=o.name,
            sector=o.sector,
            size=o.size,
            description=o.description,
            town=o.town,
            territory=o.territory,
            lat=o.lat,
            lon=o.lon,
        )
        session.add(row)
        by_ref[o.id] = row
        tick("organisations")
    session.flush()
    for p in people:
        org = by_ref.get(p.organisation_id) if p.organisation_id else None
        person = Person(
            ref=p.id,
            kind=p.kind,
            first_name=p.first_name,
            last_name=p.last_name,
            email=p.email or f"{p.id.lower()}@import.passerelle.invalid",
            headline=p.headline,
            summary=p.summary,
            organisation=org,
            programme=p.programme,
            level=p.level,
            available_from=p.available_from,
            available_until=p.available_until,
            mobility_km=p.mobility_km,
            languages=p.languages,
            seeks=list(p.seeks),
            research_topics=p.research_topics,
            town=p.town,
            territory=p.territory,
            lat=p.lat,
            lon=p.lon,
        )
        person.skill_links = [
            PersonSkill(skill=s, position=i) for i, s in enumerate(skills.resolve_all(p.skills))
        ]
        person.consent = Consent(companies_may_view=p.consent_visible)
        session.add(person)
        tick("profils")
    for n in needs:
        need = Need(
            ref=n.id,
            organisation=by_ref[n.organisation_id],
            kind=n.kind,
            title=n.title,
            description=n.description,
            level_min=n.level_min,
            languages=n.languages,
            town=n.town,
            territory=n.territory,
            lat=n.lat,
            lon=n.lon,
            remote=n.remote,
            start_date=n.start_date,
            duration_months=n.duration_months,
            places=n.places,
        )
        required = skills.resolve_all(n.skills)
        required_ids = {id(s) for s in required}
        nice = [s for s in skills.resolve_all(n.nice_to_have) if id(s) not in required_ids]
        need.skill_links = [
            NeedSkill(skill=s, required=True, position=i) for i, s in enumerate(required)
        ] + [
            NeedSkill(skill=s, required=False, position=len(required) + i)
            for i, s in enumerate(nice)
        ]
        session.add(need)
        tick("besoins")
    session.flush()
    report.skills_created = skills.created
    return report


DEMO_KEY = "demo_region_loaded"


def demo_loaded(session: Session) -> bool:
    return session.get(AppState, DEMO_KEY) is not None


def load_demo(
    session: Session, folder: Path, progress: Callable[[str, int, int], None] | None = None
) -> ImportReport | None:
    """Load the demo region unless this database already has it; None when it was there."""
    if demo_loaded(session):
        return None
    report = import_region(session, folder, progress=progress)
    session.add(AppState(key=DEMO_KEY, value=str(folder)))
    session.flush()
    return report
