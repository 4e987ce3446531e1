"""Queries of the review: suggestions, the queue, interest and shortlists, the audit log."""

from __future__ import annotations

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from api.models import (
    Application,
    AuditEntry,
    Interest,
    Need,
    Person,
    Shortlist,
    Suggestion,
)


def open_needs(session: Session) -> list[Need]:
    return list(session.scalars(select(Need).where(Need.is_open)))


def person_ids(session: Session) -> dict[str, int]:
    """Every person's id by reference."""
    return {p.ref: p.id for p in session.execute(select(Person.ref, Person.id))}


def everyone(session: Session) -> list[Person]:
    """Every person, skills loaded (to tell the empty profiles a batch leaves out)."""
    return list(session.scalars(select(Person)))


def suggested_pairs(session: Session) -> set[tuple[int | None, int]]:
    """(person id, need id) of every suggestion already stored."""
    return set(session.execute(select(Suggestion.person_id, Suggestion.need_id)).tuples())


def get_suggestion(session: Session, suggestion_id: int) -> Suggestion | None:
    return session.get(Suggestion, suggestion_id)


def get_need(session: Session, need_id: int) -> Need | None:
    return session.get(Need, need_id)


def get_person(session: Session, person_id: int) -> Person | None:
    return session.get(Person, person_id)


def get_interest(session: Session, person_id: int, need_id: int) -> Interest | None:
    return session.get(Interest, (person_id, need_id))


def get_shortlist(session: Session, need_id: int, person_id: int) -> Shortlist | None:
    return session.get(Shortlist, (need_id, person_id))


def queue(
    session: Session, status: str, mutual_only: bool, limit: int, offset: int
) -> tuple[list[Suggestion], int]:
    """One page of the suggestions of a status, best score first, and how many there are."""
    query = select(Suggestion).where(Suggestion.status == status)
    if mutual_only:
        query = query.where(
            exists().where(
                and_(
                    Interest.person_id == Suggestion.person_id,
                    Interest.need_id == Suggestion.need_id,
                )
            ),
            exists().where(
                and_(
                    Shortlist.person_id == Suggestion.person_id,
                    Shortlist.need_id == Suggestion.need_id,
                )
            ),
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Suggestion.score.desc(), Suggestion.id).limit(limit).offset(offset)
    ).all()
    return list(rows), int(total)


def mutual_pairs(session: Session) -> list[tuple[str, Need]]:
    """(person reference, need) of every interest the need's organisation shortlisted back."""
    rows = session.execute(
        select(Person.ref, Need)
        .join(Interest, Interest.person_id == Person.id)
        .join(Need, Need.id == Interest.need_id)
        .join(
            Shortlist,
            and_(Shortlist.need_id == Interest.need_id, Shortlist.person_id == Interest.person_id),
        )
        .order_by(Need.ref, Person.ref)
    ).all()
    return [(person_ref, need) for person_ref, need in rows]


def audit_page(session: Session, limit: int, offset: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
        )
    )


def suggestion_for(session: Session, person_id: int, need_id: int) -> Suggestion | None:
    return session.scalars(
        select(Suggestion).where(Suggestion.person_id == person_id, Suggestion.need_id == need_id)
    ).one_or_none()


def has_applied(session: Session, person_id: int, need_id: int) -> bool:
    """An application of the person to the need that they have not withdrawn."""
    query = select(
        exists().where(
            Application.person_id == person_id,
            Application.need_id == need_id,
            Application.status != "withdrawn",
        )
    )
    return bool(session.scalar(query))
