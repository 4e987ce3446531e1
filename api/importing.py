"""Loading organisations, people and needs from records, validated whole, all or nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from api.core.skills import SkillResolver
from api.engine import corpus
from api.models import (
    AppState,
    Consent,
    Need,
    NeedSkill,
    Organisation,
    Person,
    PersonSkill,
    User,
)
from matching.skills import SkillVocabulary

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
    row: int  # the user's row number: the line (JSON Lines) or the spreadsheet row (CSV, XLSX)
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}, ligne {self.row}, colonne « {self.column} » : {self.message}"


@dataclass
class ImportReport:
    organisations: int = 0
    people: int = 0
    needs: int = 0
    skills_created: int = 0
    errors: list[RowError] = field(default_factory=list)


class ImportFailed(ValueError):
    """Nothing was written; `errors` says which row and column are at fault."""

    def __init__(self, errors: Sequence[RowError], report: ImportReport | None = None) -> None:
        self.errors = list(errors)
        self.report = report
        shown = "\n".join(str(e) for e in self.errors[:20])
        more = f"\n… et {len(self.errors) - 20} autres" if len(self.errors) > 20 else ""
        super().__init__(f"{len(self.errors)} erreur(s), rien n'a été importé :\n{shown}{more}")


@dataclass(frozen=True)
class RawRows:
    """Records of one kind as read from one source, each with the user's row number."""

    source: str  # the file name the user knows, used in error messages
    rows: list[tuple[int, dict[str, Any]]]


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
                errors.append(RowError(file, number, column, message_fr(err)))
            continue
        if record.id in seen:
            errors.append(RowError(file, number, "id", f"identifiant en double : {record.id}"))
            continue
        seen.add(record.id)
        valid.append((number, record))
    return valid


@dataclass
class CheckedRecords:
    """The outcome of validation: the valid records of each kind and every error found."""

    organisations: list[OrganisationRecord]
    people: list[ProfileRecord]
    needs: list[NeedRecord]
    errors: list[RowError]

    def report(self) -> ImportReport:
        return ImportReport(
            organisations=len(self.organisations),
            people=len(self.people),
            needs=len(self.needs),
            errors=list(self.errors),
        )


def check_records(
    session: Session,
    *,
    organisations: RawRows | None = None,
    people: RawRows | None = None,
    needs: RawRows | None = None,
) -> CheckedRecords:
    """Validate every row, alone and against the database and each other; write nothing."""
    errors: list[RowError] = []
    org_rows = (
        _validate(OrganisationRecord, organisations.source, organisations.rows, errors)
        if organisations
        else []
    )
    people_rows = _validate(ProfileRecord, people.source, people.rows, errors) if people else []
    need_rows = _validate(NeedRecord, needs.source, needs.rows, errors) if needs else []
    people_file = people.source if people else ""
    needs_file = needs.source if needs else ""
    orgs_file = organisations.source if organisations else ""

    existing_orgs = set(session.scalars(select(Organisation.ref)))
    org_refs = existing_orgs | {o.id for _, o in org_rows}
    for number, record in people_rows:
        if record.organisation_id and record.organisation_id not in org_refs:
            errors.append(
                RowError(
                    people_file,
                    number,
                    "organisation_id",
                    f"organisation inconnue : {record.organisation_id}",
                )
            )
    for number, need_record in need_rows:
        if need_record.organisation_id not in org_refs:
            errors.append(
                RowError(
                    needs_file,
                    number,
                    "organisation_id",
                    f"organisation inconnue : {need_record.organisation_id}",
                )
            )
    for number, org_record in org_rows:
        if org_record.id in existing_orgs:
            errors.append(
                RowError(orgs_file, number, "id", f"existe déjà en base : {org_record.id}")
            )
    if people_rows:
        existing_people = set(session.scalars(select(Person.ref)))
        existing_emails = {e.lower() for e in session.scalars(select(Person.email))}
        emails: set[str] = set()
        for number, person_record in people_rows:
            if person_record.id in existing_people:
                errors.append(
                    RowError(people_file, number, "id", f"existe déjà en base : {person_record.id}")
                )
            email = (person_record.email or "").lower()
            if email and (email in existing_emails or email in emails):
                errors.append(
                    RowError(people_file, number, "email", f"adresse déjà utilisée : {email}")
                )
            emails.add(email)
    if need_rows:
        existing_needs = set(session.scalars(select(Need.ref)))
        for number, need_record in need_rows:
            if need_record.id in existing_needs:
                errors.append(
                    RowError(needs_file, number, "id", f"existe déjà en base : {need_record.id}")
                )
    return CheckedRecords(
        organisations=[r for _, r in org_rows],
        people=[r for _, r in people_rows],
        needs=[r for _, r in need_rows],
        errors=errors,
    )


# Rows go in as multi-row INSERT ... RETURNING statements of this many records: an ORM object
# per person, consent and skill link costs ~30x more, and chunks give progress something to say.
CHUNK = 1000


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert `rows` (Core, no ORM bookkeeping); their database ids by ref."""
    if not rows:
        return {}
    table = model.__table__
    statement = insert(table).returning(table.c.id, table.c.ref, sort_by_parameter_order=True)
    return {ref: id_ for id_, ref in session.connection().execute(statement, rows)}


def _insert_plain(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(insert(model.__table__), rows)


def _chunks(items: Sequence[R], size: int = CHUNK) -> Iterable[Sequence[R]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_records(
    session: Session,
    checked: CheckedRecords,
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    """Insert checked records in the session's transaction (not committed); the skills created.

    Rows are inserted with bulk statements: objects of these tables already loaded in the
    session do not list the new rows until they are expired or reloaded.
    """
    if checked.errors:
        raise ImportFailed(checked.errors, checked.report())
    orgs, people, needs = checked.organisations, checked.people, checked.needs
    # Every writer goes through here (CLI, API, page, demo): the engine must see the new rows.
    corpus.touch(session)
    skills = SkillResolver(session, SkillVocabulary.builtin())
    wanted = {p.organisation_id for p in people if p.organisation_id}
    wanted |= {n.organisation_id for n in needs}
    wanted -= {o.id for o in orgs}
    org_ids: dict[str, int] = {}
    if wanted:
        query = select(Organisation.ref, Organisation.id).where(Organisation.ref.in_(wanted))
        org_ids = {ref: id_ for ref, id_ in session.execute(query)}
    total = len(orgs) + len(people) + len(needs)
    done = 0
    session.flush()  # anything pending goes first, in the order the caller added it

    def tick(stage: str, count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(stage, done, total)

    def skill_ids(labels: Iterable[str]) -> list[int]:
        return [s.id for s in skills.resolve_all(labels)]

    for chunk in _chunks(orgs):
        org_ids |= _insert(
            session,
            Organisation,
            [
                {
                    "ref": o.id,
                    "kind": o.kind,
                    "name": o.name,
                    "sector": o.sector,
                    "size": o.size,
                    "description": o.description,
                    "town": o.town,
                    "territory": o.territory,
                    "lat": o.lat,
                    "lon": o.lon,
                }
                for o in chunk
            ],
        )
        tick("organisations", len(chunk))

    for people_chunk in _chunks(people):
        for p in people_chunk:
            skills.resolve_all(p.skills)
        session.flush()  # new skills get their ids
        ids = _insert(
            session,
            Person,
            [
                {
                    "ref": p.id,
                    "kind": p.kind,
                    "first_name": p.first_name,
                    "last_name": p.last_name,
                    "email": p.email or f"{p.id.lower()}@import.passerelle.invalid",
                    "headline": p.headline,
                    "summary": p.summary,
                    "organisation_id": org_ids[p.organisation_id] if p.organisation_id else None,
                    "programme": p.programme,
                    "level": p.level,
                    "available_from": p.available_from,
                    "available_until": p.available_until,
                    "mobility_km": p.mobility_km,
                    "languages": p.languages,
                    "seeks": list(p.seeks),
                    "research_topics": p.research_topics,
                    "town": p.town,
                    "territory": p.territory,
                    "lat": p.lat,
                    "lon": p.lon,
                }
                for p in people_chunk
            ],
        )
        _insert_plain(
            session,
            PersonSkill,
            [
                {"person_id": ids[p.id], "skill_id": skill_id, "position": i}
                for p in people_chunk
                for i, skill_id in enumerate(skill_ids(p.skills))
            ],
        )
        _insert_plain(
            session,
            Consent,
            [
                {"person_id": ids[p.id], "companies_may_view": p.consent_visible}
                for p in people_chunk
            ],
        )
        tick("profils", len(people_chunk))

    for needs_chunk in _chunks(needs):
        for n in needs_chunk:
            skills.resolve_all(n.skills)
            skills.resolve_all(n.nice_to_have)
        session.flush()
        ids = _insert(
            session,
            Need,
            [
                {
                    "ref": n.id,
                    "organisation_id": org_ids[n.organisation_id],
                    "kind": n.kind,
                    "title": n.title,
                    "description": n.description,
                    "level_min": n.level_min,
                    "languages": n.languages,
                    "town": n.town,
                    "territory": n.territory,
                    "lat": n.lat,
                    "lon": n.lon,
                    "remote": n.remote,
                    "start_date": n.start_date,
                    "duration_months": n.duration_months,
                    "places": n.places,
                }
                for n in needs_chunk
            ],
        )
        links: list[dict[str, Any]] = []
        for n in needs_chunk:
            required = skill_ids(n.skills)
            nice = [s for s in skill_ids(n.nice_to_have) if s not in set(required)]
            links += [
                {"need_id": ids[n.id], "skill_id": s, "required": True, "position": i}
                for i, s in enumerate(required)
            ]
            links += [
                {
                    "need_id": ids[n.id],
                    "skill_id": s,
                    "required": False,
                    "position": len(required) + i,
                }
                for i, s in enumerate(nice)
            ]
        _insert_plain(session, NeedSkill, links)
        tick("besoins", len(needs_chunk))
    return skills.created


def import_records(
    session: Session,
    *,
    organisations: RawRows | None = None,
    people: RawRows | None = None,
    needs: RawRows | None = None,
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportReport:
    """Validate every row, then (unless `dry_run`) write them all; ImportFailed on any error.

    The session holds no change after a failure; the caller's transaction makes the write all
    or nothing.
    """
    checked = check_records(session, organisations=organisations, people=people, needs=needs)
    report = checked.report()
    if checked.errors:
        raise ImportFailed(checked.errors, report)
    if not dry_run:
        report.skills_created = write_records(session, checked, progress)
    return report


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
    sources = {name: RawRows(path.name, read_jsonl(path)) for name, path in files.items()}
    return import_records(
        session,
        organisations=sources["organisations"],
        people=sources["profiles"],
        needs=sources["needs"],
        dry_run=dry_run,
        progress=progress,
    )


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
    create_demo_accounts(session)
    return report


DEMO_PASSWORD = "demo-passerelle-2027"
DEMO_ACCOUNTS = (
    ("etudiant@demo.passerelle.fr", "student"),
    ("chercheur@demo.passerelle.fr", "researcher"),
    ("entreprise@demo.passerelle.fr", "company"),
    ("coordination@demo.passerelle.fr", "coordinator"),
    ("admin@demo.passerelle.fr", "admin"),
)


def create_demo_accounts(session: Session) -> list[User]:
    """One account per role on the demo region (password DEMO_PASSWORD, listed in the README).

    The student and researcher accounts speak for the first demo person of their kind, the
    company account for the first company that posted a need.
    """
    from api.core.security import hash_password

    password_hash = hash_password(DEMO_PASSWORD)
    first_person = {
        kind: session.scalars(
            select(Person).where(Person.kind == kind).order_by(Person.ref)
        ).first()
        for kind in ("student", "researcher")
    }
    company = session.scalars(
        select(Organisation)
        .where(Organisation.kind == "company", Organisation.id.in_(select(Need.organisation_id)))
        .order_by(Organisation.ref)
    ).first()
    users: list[User] = []
    for email, role in DEMO_ACCOUNTS:
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            continue
        person = first_person.get(role)
        user = User(
            email=email,
            password_hash=password_hash,
            role=role,
            person_id=person.id if person is not None else None,
            organisation_id=company.id if role == "company" and company is not None else None,
        )
        session.add(user)
        users.append(user)
    session.flush()
    return users
