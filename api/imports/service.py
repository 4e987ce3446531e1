"""The import rules: every row validated, alone and against the database, before any is written.

One error anywhere and nothing is written; the caller's transaction (the request's, or the
command line's) makes a successful write permanent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from api.core import audit
from api.core.skills import SkillResolver
from api.engine import corpus
from api.imports import repository
from api.imports.errors import EmptyFile, FileTooLarge, ImportFailed, WriteFailed
from api.imports.readers import read_file, read_jsonl
from api.imports.schemas import (
    BulkReport,
    Format,
    ImportReport,
    Kind,
    NeedRecord,
    OrganisationRecord,
    ProfileRecord,
    R,
    RawRows,
    RowError,
    issue,
)
from api.imports.validation import validate_rows
from api.models import Consent, Need, NeedSkill, Organisation, Person, PersonSkill, User
from matching.skills import SkillVocabulary

Progress = Callable[[str, int, int], None]


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
        validate_rows(OrganisationRecord, organisations.source, organisations.rows, errors)
        if organisations
        else []
    )
    people_rows = validate_rows(ProfileRecord, people.source, people.rows, errors) if people else []
    need_rows = validate_rows(NeedRecord, needs.source, needs.rows, errors) if needs else []
    people_file = people.source if people else ""
    needs_file = needs.source if needs else ""
    orgs_file = organisations.source if organisations else ""

    existing_orgs = repository.organisation_refs(session)
    org_refs = existing_orgs | {o.id for _, o in org_rows}
    for number, record in people_rows:
        if record.organisation_id and record.organisation_id not in org_refs:
            errors.append(
                issue(
                    people_file,
                    number,
                    "organisation_id",
                    "unknown_organisation",
                    ref=record.organisation_id,
                )
            )
    for number, need_record in need_rows:
        if need_record.organisation_id not in org_refs:
            errors.append(
                issue(
                    needs_file,
                    number,
                    "organisation_id",
                    "unknown_organisation",
                    ref=need_record.organisation_id,
                )
            )
    for number, org_record in org_rows:
        if org_record.id in existing_orgs:
            errors.append(issue(orgs_file, number, "id", "exists", ref=org_record.id))
    if people_rows:
        existing_people = repository.person_refs(session)
        existing_emails = {e.lower() for e in repository.person_emails(session)}
        emails: set[str] = set()
        for number, person_record in people_rows:
            if person_record.id in existing_people:
                errors.append(issue(people_file, number, "id", "exists", ref=person_record.id))
            email = (person_record.email or "").lower()
            if email and (email in existing_emails or email in emails):
                errors.append(issue(people_file, number, "email", "email_taken", email=email))
            emails.add(email)
    if need_rows:
        existing_needs = repository.need_refs(session)
        for number, need_record in need_rows:
            if need_record.id in existing_needs:
                errors.append(issue(needs_file, number, "id", "exists", ref=need_record.id))
    return CheckedRecords(
        organisations=[r for _, r in org_rows],
        people=[r for _, r in people_rows],
        needs=[r for _, r in need_rows],
        errors=errors,
    )


# Rows go in as multi-row INSERT ... RETURNING statements of this many records: an ORM object
# per person, consent and skill link costs ~30x more, and chunks give progress something to say.
CHUNK = 1000


def _chunks(items: Sequence[R], size: int = CHUNK) -> Iterable[Sequence[R]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_records(
    session: Session,
    checked: CheckedRecords,
    progress: Progress | None = None,
) -> int:
    """Insert checked records in the session's transaction (not committed); the skills created.

    WriteFailed, with nothing written, when the database refuses a row or fails.

    Rows are inserted with bulk statements: objects of these tables already loaded in the
    session do not list the new rows until they are expired or reloaded.
    """
    if checked.errors:
        raise ImportFailed(checked.errors, checked.report())
    # A write that fails halfway (rows inserted meanwhile by someone else, a lost lock) leaves
    # nothing behind, so the caller's transaction may still commit or report what it did besides.
    try:
        with session.begin_nested():
            return _write(session, checked, progress)
    except SQLAlchemyError as exc:
        raise WriteFailed(conflict=isinstance(exc, IntegrityError)) from exc


def _write(
    session: Session,
    checked: CheckedRecords,
    progress: Progress | None,
) -> int:
    orgs, people, needs = checked.organisations, checked.people, checked.needs
    # Every writer goes through here (CLI, API, page, demo): the index must see the new rows.
    corpus.changed(session, "person", [p.id for p in people])
    corpus.changed(session, "need", [n.id for n in needs])
    skills = SkillResolver(session, SkillVocabulary.builtin())
    wanted = {p.organisation_id for p in people if p.organisation_id}
    wanted |= {n.organisation_id for n in needs}
    wanted -= {o.id for o in orgs}
    org_ids: dict[str, int] = {}
    if wanted:
        org_ids = repository.organisation_ids(session, wanted)
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
        org_ids |= repository.insert_returning_ids(
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
        ids = repository.insert_returning_ids(
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
        repository.insert_rows(
            session,
            PersonSkill,
            [
                {"person_id": ids[p.id], "skill_id": skill_id, "position": i}
                for p in people_chunk
                for i, skill_id in enumerate(skill_ids(p.skills))
            ],
        )
        repository.insert_rows(
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
        ids = repository.insert_returning_ids(
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
        repository.insert_rows(session, NeedSkill, links)
        tick("besoins", len(needs_chunk))
    return skills.created


def import_records(
    session: Session,
    *,
    organisations: RawRows | None = None,
    people: RawRows | None = None,
    needs: RawRows | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
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
    progress: Progress | None = None,
) -> ImportReport:
    """Validate and load organisations.jsonl, profiles.jsonl and needs.jsonl from `folder`.

    Validation covers every row before anything is written; on any error ImportFailed is raised
    and the session holds no change. The caller's transaction makes the write all or nothing.
    """
    errors: list[RowError] = []
    files = {name: folder / f"{name}.jsonl" for name in ("organisations", "profiles", "needs")}
    for path in files.values():
        if not path.exists():
            errors.append(issue(path.name, 0, "*", "file_missing", path=str(path)))
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


def import_file(
    session: Session,
    kind: Kind,
    data: bytes,
    *,
    source: str,
    fmt: Format,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> BulkReport:
    """Validate every row of one file; unless `dry_run` or any error, write them all.

    On any error nothing is added to the session and the report's `errors` say why; an
    unreadable file raises UnreadableFile. The caller's transaction commits the write.
    """
    parsed = read_file(data, fmt, kind, source)
    report = BulkReport(
        kind=kind, format=fmt, source=source, dry_run=dry_run, warnings=parsed.warnings
    )
    report.rows_read = parsed.rows_read
    batch = RawRows(source, parsed.rows)
    checked = check_records(
        session,
        organisations=batch if kind == "organisations" else None,
        people=batch if kind == "people" else None,
        needs=batch if kind == "needs" else None,
    )
    # A row's error names the column as the file does ("Prénom", not first_name).
    named = [
        replace(e, column=parsed.labels.get(e.column.split(".")[0], e.column))
        for e in checked.errors
    ]
    report.errors = sorted(parsed.errors + named, key=lambda e: e.row)
    header_broken = any(e.row == 1 for e in parsed.errors) and fmt != "jsonl"
    bad_rows = {e.row for e in report.errors}
    report.rows_valid = 0 if header_broken else report.rows_read - len(bad_rows)
    if report.errors or dry_run:
        return report
    report.skills_created = write_records(session, checked, progress)
    report.rows_written = report.rows_read
    return report


def run_import(
    session: Session,
    user: User,
    kind: Kind,
    data: bytes,
    *,
    source: str,
    fmt: Format,
    dry_run: bool = False,
    **logged: Any,
) -> BulkReport:
    """A coordinator's import of one file (see import_file); a write goes to the audit log.

    `logged` adds to the log entry (the page says it came through the web form).
    """
    report = import_file(session, kind, data, source=source, fmt=fmt, dry_run=dry_run)
    if report.ok and not dry_run:
        audit.record(
            session,
            user,
            "import",
            kind,
            source[:80],
            rows=report.rows_written,
            format=fmt,
            skills_created=report.skills_created,
            **logged,
        )
    return report


def read_upload(stream: IO[bytes], limit: int) -> bytes:
    """An uploaded file's bytes; FileTooLarge past `limit` bytes, EmptyFile when blank."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(limit)
    if not data.strip():
        raise EmptyFile()
    return data


def first_rows(
    data: bytes, fmt: Format, kind: Kind, source: str, count: int
) -> list[tuple[int, dict[str, Any]]]:
    """The first `count` rows of a file as they were read (row number, raw record)."""
    return read_file(data, fmt, kind, source).rows[:count]
