"""Every query of the job-dating domain: events, the people and companies they can invite."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import (
    JobDatingAttendee,
    JobDatingEvent,
    JobDatingTable,
    Need,
    Organisation,
    Person,
    User,
)
from matching.types import OrganisationKind, PersonKind

STUDENT = PersonKind.STUDENT.value
COMPANY = OrganisationKind.COMPANY.value
SCHOOL = OrganisationKind.SCHOOL.value


# -- events --------------------------------------------------------------------------------------


def events(session: Session, limit: int, offset: int) -> list[JobDatingEvent]:
    """Events, the latest first."""
    query = (
        select(JobDatingEvent)
        .order_by(JobDatingEvent.day.desc(), JobDatingEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def count_events(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(JobDatingEvent)) or 0)


def event(session: Session, event_id: int) -> JobDatingEvent | None:
    return session.get(JobDatingEvent, event_id)


def events_of(
    session: Session, person_id: int | None, organisation_id: int | None
) -> list[JobDatingEvent]:
    """Events where this person attends or this organisation holds a table, by date."""
    ids: set[int] = set()
    if person_id is not None:
        ids |= set(
            session.scalars(
                select(JobDatingAttendee.event_id).where(JobDatingAttendee.person_id == person_id)
            )
        )
    if organisation_id is not None:
        ids |= set(
            session.scalars(
                select(JobDatingTable.event_id).where(
                    JobDatingTable.organisation_id == organisation_id
                )
            )
        )
    if not ids:
        return []
    query = (
        select(JobDatingEvent)
        .where(JobDatingEvent.id.in_(ids))
        .order_by(JobDatingEvent.day, JobDatingEvent.id)
    )
    return list(session.scalars(query))


def open_needs_of(session: Session, organisation_ids: Collection[int]) -> list[Need]:
    return list(
        session.scalars(
            select(Need)
            .where(Need.is_open, Need.organisation_id.in_(organisation_ids))
            .order_by(Need.ref)
        )
    )


# -- organisations -------------------------------------------------------------------------------


def organisations_by_ref(session: Session, refs: Collection[str]) -> dict[str, Organisation]:
    return {
        o.ref: o for o in session.scalars(select(Organisation).where(Organisation.ref.in_(refs)))
    }


def organisation_names(session: Session) -> list[tuple[str, str]]:
    """(ref, name) of every organisation."""
    rows = session.execute(select(Organisation.ref, Organisation.name))
    return [(str(ref), str(name)) for ref, name in rows]


def companies_with_open_needs_in(session: Session, territory: str) -> list[str]:
    """Refs of the companies with an open need in a territory, by name."""
    ids = select(Need.organisation_id).where(Need.is_open, Need.territory == territory)
    query = (
        select(Organisation.ref)
        .where(Organisation.kind == COMPANY, Organisation.id.in_(ids))
        .order_by(Organisation.name, Organisation.ref)
    )
    return list(session.scalars(query))


def need_territories(session: Session) -> list[tuple[str, int]]:
    """Territories with open needs, and how many companies have one there."""
    rows = session.execute(
        select(Need.territory, func.count(func.distinct(Need.organisation_id)))
        .join(Organisation, Organisation.id == Need.organisation_id)
        .where(Need.is_open, Need.territory.is_not(None), Organisation.kind == COMPANY)
        .group_by(Need.territory)
        .order_by(Need.territory)
    )
    return [(str(name), int(count)) for name, count in rows]


def organisation_id(session: Session, ref: str) -> int | None:
    return session.scalar(select(Organisation.id).where(Organisation.ref == ref))


def schools(session: Session) -> list[tuple[str, str, int]]:
    """(ref, name, students) of the schools that have students."""
    rows = session.execute(
        select(Organisation.ref, Organisation.name, func.count(Person.id))
        .join(Person, Person.organisation_id == Organisation.id)
        .where(Organisation.kind == SCHOOL, Person.kind == STUDENT)
        .group_by(Organisation.id, Organisation.ref, Organisation.name)
        .order_by(Organisation.name)
    )
    return [(str(ref), str(name), int(count)) for ref, name, count in rows]


# -- people --------------------------------------------------------------------------------------


def people_by_ref(session: Session, refs: Collection[str]) -> dict[str, Person]:
    return {p.ref: p for p in session.scalars(select(Person).where(Person.ref.in_(refs)))}


def existing_person_refs(session: Session, refs: Collection[str]) -> set[str]:
    return set(session.scalars(select(Person.ref).where(Person.ref.in_(refs))))


def person_refs_by_email(session: Session, emails: Collection[str]) -> dict[str, str]:
    """Lower-cased e-mail -> person ref, from the accounts' addresses and the profiles' own."""
    if not emails:
        return {}
    accounts = session.execute(
        select(Person.ref, User.email)
        .join(User, User.person_id == Person.id)
        .where(func.lower(User.email).in_(emails))
    )
    profiles = session.execute(
        select(Person.ref, Person.email).where(func.lower(Person.email).in_(emails))
    )
    return {str(email).lower(): str(ref) for ref, email in [*accounts, *profiles]}


def student_territories(session: Session) -> list[tuple[str, int]]:
    rows = session.execute(
        select(Person.territory, func.count())
        .where(Person.kind == STUDENT, Person.territory.is_not(None))
        .group_by(Person.territory)
        .order_by(Person.territory)
    )
    return [(str(name), int(count)) for name, count in rows]


def students(
    session: Session, *, territory: str | None = None, school_id: int | None = None
) -> list[Person]:
    """Students of a territory or of a school, by name."""
    query = select(Person).where(Person.kind == STUDENT)
    if territory is not None:
        query = query.where(Person.territory == territory)
    if school_id is not None:
        query = query.where(Person.organisation_id == school_id)
    return list(session.scalars(query.order_by(Person.last_name, Person.first_name, Person.ref)))
