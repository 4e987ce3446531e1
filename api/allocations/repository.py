"""Every query of the allocation domain: candidates, places, saved runs."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload, selectinload

from api.core.vocabulary import PERSON_KINDS
from api.models import AllocationRun, Need, Person


def open_needs_with_places(session: Session, kinds: Collection[str]) -> list[Need]:
    return list(
        session.scalars(select(Need).where(Need.is_open, Need.kind.in_(kinds), Need.places > 0))
    )


def people_to_place(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).where(Person.kind.in_(PERSON_KINDS))))


def runs(session: Session, limit: int, offset: int) -> list[AllocationRun]:
    """Saved runs, newest first, without their pairs (a run holds hundreds of them)."""
    return list(
        session.scalars(
            select(AllocationRun)
            .options(lazyload(AllocationRun.pairs))
            .order_by(AllocationRun.created_at.desc(), AllocationRun.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def count_runs(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AllocationRun)) or 0)


def run(session: Session, run_id: int) -> AllocationRun | None:
    return session.get(AllocationRun, run_id)


def people_by_ref(session: Session, refs: Collection[str]) -> dict[str, Person]:
    if not refs:
        return {}
    rows = session.scalars(
        select(Person).options(selectinload(Person.organisation)).where(Person.ref.in_(refs))
    )
    return {p.ref: p for p in rows}


def needs_by_ref(session: Session, refs: Collection[str]) -> dict[str, Need]:
    if not refs:
        return {}
    rows = session.scalars(
        select(Need).options(selectinload(Need.organisation)).where(Need.ref.in_(refs))
    )
    return {n.ref: n for n in rows}
