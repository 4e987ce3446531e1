"""Every query of the dashboard: counts, schools' students, weak needs, weekly activity."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from api.models import Need, Organisation, Person, Suggestion, SuggestionEvent


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(query) or 0)


def count_people(session: Session, kind: str | None = None) -> int:
    query = select(func.count()).select_from(Person)
    if kind is not None:
        query = query.where(Person.kind == kind)
    return _count(session, query)


def count_open_needs(session: Session) -> int:
    return _count(session, select(func.count()).select_from(Need).where(Need.is_open))


def count_suggestions(session: Session, statuses: Sequence[str] | None = None) -> int:
    query = select(func.count()).select_from(Suggestion)
    if statuses is not None:
        query = query.where(Suggestion.status.in_(statuses))
    return _count(session, query)


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Suggestion.status, func.count()).group_by(Suggestion.status))
    return {status: int(n) for status, n in rows}


def _counts_by(session: Session, column: Any, *where: Any) -> dict[str, int]:
    """How many rows per value of `column` ("" for none)."""
    rows = session.execute(select(column, func.count()).where(*where).group_by(column)).all()
    return {(key or ""): int(n) for key, n in rows}


def people_by_territory(session: Session) -> dict[str, int]:
    return _counts_by(session, Person.territory)


def open_needs_by_territory(session: Session) -> dict[str, int]:
    return _counts_by(session, Need.territory, Need.is_open)


def open_needs_by_sector(session: Session, limit: int) -> dict[str, int]:
    """Open needs per sector of their organisation, the `limit` largest sectors."""
    rows = session.execute(
        select(Organisation.sector, func.count(Need.id))
        .join(Need, Need.organisation_id == Organisation.id)
        .where(Need.is_open)
        .group_by(Organisation.sector)
        .order_by(func.count(Need.id).desc())
        .limit(limit)
    ).all()
    return {(sector or ""): int(n) for sector, n in rows}


def _measure(by_fit: bool) -> Any:
    """What "best" reads: the stored calibrated fit, or the fused score without a calibration."""
    return Suggestion.fit if by_fit else Suggestion.score


def _best_per_person(by_fit: bool = False) -> Any:
    """Each person's best score (or fit) among suggestions not rejected (a subquery)."""
    return (
        select(
            Suggestion.person_id.label("person_id"),
            func.max(_measure(by_fit)).label("best"),
        )
        .where(Suggestion.status != "rejected", Suggestion.person_id.is_not(None))
        .group_by(Suggestion.person_id)
        .subquery()
    )


def school_students(
    session: Session, good_score: float, by_fit: bool = False
) -> Sequence[tuple[Any, ...]]:
    """Per school: (id, ref, name, territory, students, students without a good suggestion).

    A good suggestion is one not rejected scoring (or fitting, `by_fit`) `good_score` or more.
    """
    best = _best_per_person(by_fit)
    return (
        session.execute(
            select(
                Organisation.id,
                Organisation.ref,
                Organisation.name,
                Organisation.territory,
                func.count(Person.id),
                func.sum(case((func.coalesce(best.c.best, -1e9) < good_score, 1), else_=0)),
            )
            .join(Person, Person.organisation_id == Organisation.id)
            .outerjoin(best, best.c.person_id == Person.id)
            .where(Organisation.kind == "school", Person.kind == "student")
            .group_by(Organisation.id, Organisation.ref, Organisation.name, Organisation.territory)
        )
        .tuples()
        .all()
    )


def students_activity(
    session: Session, introduced: Sequence[str]
) -> dict[int, tuple[int, int, int]]:
    """Per organisation id: (students with a suggestion, suggestions, introductions)."""
    rows = session.execute(
        select(
            Person.organisation_id,
            func.count(func.distinct(Suggestion.person_id)),
            func.count(Suggestion.id),
            func.sum(case((Suggestion.status.in_(introduced), 1), else_=0)),
        )
        .join(Person, Person.id == Suggestion.person_id)
        .where(Person.kind == "student", Person.organisation_id.is_not(None))
        .group_by(Person.organisation_id)
    )
    return {
        org_id: (int(people or 0), int(total or 0), int(introduced_n or 0))
        for org_id, people, total, introduced_n in rows
    }


def weak_needs(
    session: Session, good_score: float, limit: int, by_fit: bool = False
) -> tuple[int, Sequence[tuple[Any, ...]]]:
    """Open needs with no suggestion left or whose best scores under `good_score`.

    (how many, the first `limit` as (need, best score or None, suggestions)); needs without any
    suggestion first, then the weakest.
    """
    best = (
        select(
            Suggestion.need_id.label("need_id"),
            func.max(case((Suggestion.status != "rejected", _measure(by_fit)))).label("best"),
            func.count(Suggestion.id).label("n"),
        )
        .group_by(Suggestion.need_id)
        .subquery()
    )
    weak = (
        select(Need, best.c.best, func.coalesce(best.c.n, 0))
        .outerjoin(best, best.c.need_id == Need.id)
        .where(Need.is_open, (best.c.best.is_(None)) | (best.c.best < good_score))
    )
    total = _count(session, select(func.count()).select_from(weak.subquery()))
    rows = (
        session.execute(weak.order_by(best.c.best.is_not(None), best.c.best, Need.ref).limit(limit))
        .tuples()
        .all()
    )
    return total, rows


def students_without_offer(
    session: Session, good_score: float, limit: int, by_fit: bool = False
) -> tuple[int, Sequence[tuple[Any, ...]]]:
    """Students with no suggestion (not rejected) scoring `good_score` or more.

    (how many, the first `limit` as (person, best score or None)); none at all first.
    """
    best = _best_per_person(by_fit)
    query = (
        select(Person, best.c.best)
        .outerjoin(best, best.c.person_id == Person.id)
        .where(Person.kind == "student", (best.c.best.is_(None)) | (best.c.best < good_score))
    )
    total = _count(session, select(func.count()).select_from(query.subquery()))
    rows = (
        session.execute(
            query.order_by(
                best.c.best.is_not(None),
                best.c.best,
                Person.last_name,
                Person.first_name,
                Person.ref,
            ).limit(limit)
        )
        .tuples()
        .all()
    )
    return total, rows


def suggestion_dates(session: Session, since: datetime) -> list[datetime]:
    """When each suggestion made since `since` was proposed."""
    query = select(Suggestion.created_at).where(Suggestion.created_at >= since)
    return list(session.scalars(query))


def decision_dates(
    session: Session, since: datetime, statuses: Sequence[str]
) -> list[tuple[datetime, str]]:
    """(when, status reached) of each decision since `since` that reached one of `statuses`."""
    query = select(SuggestionEvent.created_at, SuggestionEvent.to_status).where(
        SuggestionEvent.created_at >= since, SuggestionEvent.to_status.in_(statuses)
    )
    return [(at, status) for at, status in session.execute(query)]
