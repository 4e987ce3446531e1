"""Queries of the learning: every decision on a (need, person) pair, from the existing rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import Interest, Need, Person, Shortlist, Suggestion, SuggestionEvent

# Coordinators' decisions that keep a pair, and the one that drops it.
KEPT = ("approved", "introduced", "hired")
REJECTED = ("rejected",)


@dataclass(frozen=True)
class Decision:
    """One decision on a pair: who took it (coordinator, company, student), kept or not, when."""

    need_id: int
    person_id: int
    kept: bool
    source: str
    decided_at: datetime
    reason: str = ""


def decisions(session: Session) -> list[Decision]:
    """Every decision recorded, oldest first: a view over suggestion events, shortlists and
    interests (nothing is copied, so an erased person's decisions go with them)."""
    out: list[Decision] = []
    events = session.execute(
        select(
            Suggestion.need_id,
            Suggestion.person_id,
            SuggestionEvent.to_status,
            SuggestionEvent.created_at,
            SuggestionEvent.reason,
        )
        .join(SuggestionEvent, SuggestionEvent.suggestion_id == Suggestion.id)
        .where(
            Suggestion.person_id.is_not(None),
            SuggestionEvent.to_status.in_((*KEPT, *REJECTED)),
        )
    )
    for need_id, person_id, status, at, reason in events:
        if person_id is not None:  # the query leaves erased people out; this tells the types
            out.append(
                Decision(need_id, person_id, status in KEPT, "coordinator", at, reason or "")
            )
    for need_id, person_id, at in session.execute(
        select(Shortlist.need_id, Shortlist.person_id, Shortlist.created_at)
    ):
        out.append(Decision(need_id, person_id, True, "company", at))
    for need_id, person_id, at in session.execute(
        select(Interest.need_id, Interest.person_id, Interest.created_at)
    ):
        out.append(Decision(need_id, person_id, True, "student", at))
    return sorted(out, key=lambda d: aware(d.decided_at))


def aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone: they were written in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def needs_by_id(session: Session, ids: set[int]) -> dict[int, Need]:
    return {n.id: n for n in session.scalars(select(Need).where(Need.id.in_(ids)))} if ids else {}


def people_by_id(session: Session, ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}


def people_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Person)) or 0
