"""Queries of the review: suggestions, the queue, interest and shortlists, the audit log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from api.models import (
    Application,
    AuditEntry,
    Interest,
    Need,
    Organisation,
    Person,
    Shortlist,
    Suggestion,
)
from api.review.schemas import QueueChoices, QueueFilters


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


def to_refresh(session: Session, need_ids: Sequence[int]) -> list[Suggestion]:
    """Suggestions of these needs whose fit a batch recomputes: those awaiting a decision
    (the profile or the need may have changed since) and those without a fit yet."""
    if not need_ids:
        return []
    return list(
        session.scalars(
            select(Suggestion).where(
                Suggestion.need_id.in_(need_ids),
                Suggestion.person_id.is_not(None),
                (Suggestion.status == "proposed") | Suggestion.fit.is_(None),
            )
        )
    )


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


# Statuses still being worked on: a suggestion for a need that closed leaves them.
ACTIVE_STATUSES = ("proposed", "approved")


def _queue_query(status: str, filters: QueueFilters) -> Select[Suggestion]:
    person_org = aliased(Organisation)
    query = (
        select(Suggestion)
        .join(Need, Need.id == Suggestion.need_id)
        .outerjoin(Person, Person.id == Suggestion.person_id)
        .where(Suggestion.status == status)
    )
    if status in ACTIVE_STATUSES:
        query = query.where(Need.is_open)
    if filters.need:
        query = query.where(Need.ref == filters.need)
    if filters.organisation:
        org_id = select(Organisation.id).where(Organisation.ref == filters.organisation)
        query = query.where(Need.organisation_id.in_(org_id.scalar_subquery()))
    if filters.territory:
        query = query.where(Need.territory == filters.territory)
    if filters.school:
        query = query.join(person_org, person_org.id == Person.organisation_id).where(
            person_org.ref == filters.school
        )
    if filters.q:
        words = filters.q.lower().split()
        full_name = func.lower(Person.first_name + " " + Person.last_name)
        query = query.where(*(full_name.contains(word, autoescape=True) for word in words))
    interest = exists().where(
        and_(Interest.person_id == Suggestion.person_id, Interest.need_id == Suggestion.need_id)
    )
    shortlist = exists().where(
        and_(Shortlist.person_id == Suggestion.person_id, Shortlist.need_id == Suggestion.need_id)
    )
    applied = exists().where(
        and_(
            Application.person_id == Suggestion.person_id,
            Application.need_id == Suggestion.need_id,
            Application.status != "withdrawn",
        )
    )
    if filters.applied_only:
        query = query.where(applied)
    if filters.candidacy_only:
        query = query.where(or_(applied, interest))
    if filters.interested_only or filters.mutual_only:
        query = query.where(interest)
    if filters.mutual_only:
        query = query.where(shortlist)
    return query


def queue(
    session: Session, status: str, filters: QueueFilters, limit: int, offset: int
) -> tuple[list[Suggestion], int]:
    """One page of the suggestions of a status, likeliest first, and how many there are.

    The queue mixes needs: their fused scores are standardised per need, so they do not
    compare across needs; the fit (probability of relevance) does. Suggestions without a fit
    (no fit model for this engine) come after, by score.
    """
    query = _queue_query(status, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(
            Suggestion.fit.is_(None), Suggestion.fit.desc(), Suggestion.score.desc(), Suggestion.id
        )
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), int(total)


def queue_choices(session: Session, status: str) -> QueueChoices:
    """The needs, organisations, territories and schools found among a status's suggestions."""
    ids = _queue_query(status, QueueFilters()).with_only_columns(Suggestion.id).subquery()
    base = (
        select(Need, Organisation)
        .join(Suggestion, Suggestion.need_id == Need.id)
        .join(Organisation, Organisation.id == Need.organisation_id)
        .where(Suggestion.id.in_(select(ids.c.id)))
        .distinct()
    )
    needs: dict[str, str] = {}
    organisations: dict[str, str] = {}
    territories: set[str] = set()
    for need_ref, title, org_ref, org_name, territory in session.execute(
        base.with_only_columns(
            Need.ref, Need.title, Organisation.ref, Organisation.name, Need.territory
        )
    ):
        needs[need_ref] = title
        organisations[org_ref] = org_name
        if territory:
            territories.add(territory)
    school = aliased(Organisation)
    schools = session.execute(
        select(school.ref, school.name)
        .join(Person, Person.organisation_id == school.id)
        .join(Suggestion, Suggestion.person_id == Person.id)
        .where(Suggestion.id.in_(select(ids.c.id)), school.kind.in_(("school", "lab")))
        .distinct()
    ).all()
    return QueueChoices(
        needs=sorted(needs.items(), key=lambda item: item[1].lower()),
        organisations=sorted(organisations.items(), key=lambda item: item[1].lower()),
        territories=sorted(territories),
        schools=sorted(((ref, name) for ref, name in schools), key=lambda item: item[1].lower()),
    )


def last_reason(suggestion: Suggestion, status: str) -> str | None:
    """The reason given with the last decision that led to `status`."""
    for event in reversed(suggestion.events):
        if event.to_status == status:
            return event.reason or None
    return None


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
