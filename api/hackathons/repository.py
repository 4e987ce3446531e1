"""Every query of the hackathon domain: saved teams, hackathon needs and who is interested."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import HackathonEvent, Interest, Need, Person
from matching.types import NeedKind


def hackathons(session: Session, limit: int, offset: int) -> list[HackathonEvent]:
    """Saved sets of teams, the latest first."""
    query = select(HackathonEvent).order_by(HackathonEvent.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))


def count_hackathons(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(HackathonEvent)) or 0)


def hackathon(session: Session, hackathon_id: int) -> HackathonEvent | None:
    return session.get(HackathonEvent, hackathon_id)


def need(session: Session, ref: str) -> Need | None:
    return session.scalars(select(Need).where(Need.ref == ref)).unique().one_or_none()


def interested_in(session: Session, need_id: int) -> list[Person]:
    """People who said they are interested in a need, by ref."""
    return list(
        session.scalars(
            select(Person)
            .join(Interest, Interest.person_id == Person.id)
            .where(Interest.need_id == need_id)
            .order_by(Person.ref)
        )
    )


def people_by_ref(session: Session, refs: Collection[str]) -> dict[str, Person]:
    return {p.ref: p for p in session.scalars(select(Person).where(Person.ref.in_(refs)))}


def open_hackathon_needs(session: Session) -> list[Need]:
    query = (
        select(Need)
        .where(Need.is_open, Need.kind == NeedKind.HACKATHON.value)
        .order_by(Need.title, Need.ref)
    )
    return list(session.scalars(query).unique())


def interest_counts(session: Session) -> dict[int, int]:
    """Need id -> how many people said they are interested."""
    rows = session.execute(select(Interest.need_id, func.count()).group_by(Interest.need_id))
    return {int(need_id): int(count) for need_id, count in rows}
