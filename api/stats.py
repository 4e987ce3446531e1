"""Regional statistics for coordinators: key figures, schools, weekly activity, unmet demand."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from api.models import Need, Organisation, Person, Suggestion, SuggestionEvent

# Stored suggestion scores are fused scores standardised per need (a weighted sum of z-scores,
# README "Le moteur"), so they do not depend on the embedding model's cosine scale. On the demo
# region the best candidate of a need scores 4.7 at the median and under 2 for one need in ten:
# under this, nobody stands out for the need.
GOOD_SCORE = 2.0
LISTED = 20  # rows shown in the "no good candidate / offer" lists; the total is always given
WEEKS = 26  # weeks of activity drawn at most
INTRODUCED = ("introduced", "hired")
DECISIONS = ("approved", "introduced", "hired", "rejected")


@dataclass(frozen=True)
class KeyFigures:
    people: int
    students: int
    open_needs: int
    suggestions: int
    introduced: int  # suggestions that led to an introduction (introduced or hired)

    @property
    def introduction_rate(self) -> float | None:
        return self.introduced / self.suggestions if self.suggestions else None


def key_figures(session: Session) -> KeyFigures:
    def count(query: Select[Any]) -> int:
        return int(session.scalar(query) or 0)

    return KeyFigures(
        people=count(select(func.count()).select_from(Person)),
        students=count(select(func.count()).select_from(Person).where(Person.kind == "student")),
        open_needs=count(select(func.count()).select_from(Need).where(Need.is_open)),
        suggestions=count(select(func.count()).select_from(Suggestion)),
        introduced=count(
            select(func.count()).select_from(Suggestion).where(Suggestion.status.in_(INTRODUCED))
        ),
    )


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Suggestion.status, func.count()).group_by(Suggestion.status))
    return {status: int(n) for status, n in rows}


def counts_by(session: Session, column: Any, *where: Any) -> dict[str, int]:
    """How many rows per value of `column` ("" for none)."""
    rows = session.execute(select(column, func.count()).where(*where).group_by(column)).all()
    return {(key or ""): int(n) for key, n in rows}


def open_needs_by_sector(session: Session, limit: int = 12) -> dict[str, int]:
    rows = session.execute(
        select(Organisation.sector, func.count(Need.id))
        .join(Need, Need.organisation_id == Organisation.id)
        .where(Need.is_open)
        .group_by(Organisation.sector)
        .order_by(func.count(Need.id).desc())
        .limit(limit)
    ).all()
    return {(sector or ""): int(n) for sector, n in rows}


def _best_per_person() -> Any:
    """Each person's best score among suggestions not rejected (a subquery)."""
    return (
        select(
            Suggestion.person_id.label("person_id"),
            func.max(Suggestion.score).label("best"),
        )
        .where(Suggestion.status != "rejected", Suggestion.person_id.is_not(None))
        .group_by(Suggestion.person_id)
        .subquery()
    )


@dataclass(frozen=True)
class SchoolRow:
    ref: str
    name: str
    territory: str | None
    students: int
    with_suggestion: int  # students with at least one suggestion, whatever its status
    suggestions: int
    introduced: int
    without_good: int  # students with no suggestion (not rejected) scoring GOOD_SCORE or more


def schools(session: Session) -> list[SchoolRow]:
    """Every school with its students and what the matching did for them, most students first."""
    best = _best_per_person()
    students = session.execute(
        select(
            Organisation.id,
            Organisation.ref,
            Organisation.name,
            Organisation.territory,
            func.count(Person.id),
            func.sum(case((func.coalesce(best.c.best, -1e9) < GOOD_SCORE, 1), else_=0)),
        )
        .join(Person, Person.organisation_id == Organisation.id)
        .outerjoin(best, best.c.person_id == Person.id)
        .where(Organisation.kind == "school", Person.kind == "student")
        .group_by(Organisation.id, Organisation.ref, Organisation.name, Organisation.territory)
    ).all()
    activity = {
        org_id: (int(people or 0), int(total or 0), int(introduced or 0))
        for org_id, people, total, introduced in session.execute(
            select(
                Person.organisation_id,
                func.count(func.distinct(Suggestion.person_id)),
                func.count(Suggestion.id),
                func.sum(case((Suggestion.status.in_(INTRODUCED), 1), else_=0)),
            )
            .join(Person, Person.id == Suggestion.person_id)
            .where(Person.kind == "student", Person.organisation_id.is_not(None))
            .group_by(Person.organisation_id)
        )
    }
    rows = [
        SchoolRow(
            ref=ref,
            name=name,
            territory=territory,
            students=int(n),
            with_suggestion=activity.get(org_id, (0, 0, 0))[0],
            suggestions=activity.get(org_id, (0, 0, 0))[1],
            introduced=activity.get(org_id, (0, 0, 0))[2],
            without_good=int(without or 0),
        )
        for org_id, ref, name, territory, n, without in students
    ]
    return sorted(rows, key=lambda r: (-r.students, r.name))


@dataclass(frozen=True)
class WeakNeed:
    ref: str
    title: str
    organisation: str
    territory: str | None
    best: float | None  # best score among suggestions not rejected; None when there is none
    suggestions: int  # all suggestions of the need, rejected ones included


T = TypeVar("T")


@dataclass(frozen=True)
class Listing(Generic[T]):
    total: int
    items: list[T] = field(default_factory=list)


def weak_needs(session: Session, limit: int = LISTED) -> Listing[WeakNeed]:
    """Open needs with no suggestion left or whose best one scores under GOOD_SCORE.

    Needs without any suggestion come first, then the weakest; read from stored suggestions
    (the batch the review page runs), so the page stays fast.
    """
    best = (
        select(
            Suggestion.need_id.label("need_id"),
            func.max(case((Suggestion.status != "rejected", Suggestion.score))).label("best"),
            func.count(Suggestion.id).label("n"),
        )
        .group_by(Suggestion.need_id)
        .subquery()
    )
    weak = (
        select(Need, best.c.best, func.coalesce(best.c.n, 0))
        .outerjoin(best, best.c.need_id == Need.id)
        .where(Need.is_open, (best.c.best.is_(None)) | (best.c.best < GOOD_SCORE))
    )
    total = int(session.scalar(select(func.count()).select_from(weak.subquery())) or 0)
    rows = session.execute(
        weak.order_by(best.c.best.is_not(None), best.c.best, Need.ref).limit(limit)
    ).all()
    return Listing(
        total=total,
        items=[
            WeakNeed(
                ref=need.ref,
                title=need.title,
                organisation=need.organisation.name,
                territory=need.territory,
                best=None if score is None else float(score),
                suggestions=int(n),
            )
            for need, score, n in rows
        ],
    )


@dataclass(frozen=True)
class UnmatchedStudent:
    ref: str
    name: str
    school: str | None
    programme: str | None
    best: float | None


def students_without_offer(session: Session, limit: int = LISTED) -> Listing[UnmatchedStudent]:
    """Students with no suggestion (not rejected) scoring GOOD_SCORE or more; none at all first."""
    best = _best_per_person()
    query = (
        select(Person, best.c.best)
        .outerjoin(best, best.c.person_id == Person.id)
        .where(Person.kind == "student", (best.c.best.is_(None)) | (best.c.best < GOOD_SCORE))
    )
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.execute(
        query.order_by(
            best.c.best.is_not(None), best.c.best, Person.last_name, Person.first_name, Person.ref
        ).limit(limit)
    ).all()
    return Listing(
        total=total,
        items=[
            UnmatchedStudent(
                ref=person.ref,
                name=f"{person.first_name} {person.last_name}".strip() or person.ref,
                school=person.organisation.name if person.organisation else None,
                programme=person.programme,
                best=None if score is None else float(score),
            )
            for person, score in rows
        ],
    )


@dataclass(frozen=True)
class Week:
    start: date
    created: int  # suggestions the engine proposed that week
    decisions: dict[str, int]  # status reached -> how many decisions that week

    @property
    def decided(self) -> int:
        return sum(self.decisions.values())


def _day(value: datetime) -> date:
    # SQLite hands back naive datetimes; they were written in UTC.
    return value.astimezone(UTC).date() if value.tzinfo is not None else value.date()


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_activity(session: Session, today: date | None = None, weeks: int = WEEKS) -> list[Week]:
    """Suggestions proposed and decisions taken per week (Monday first), oldest first.

    From the first week with any activity (at most `weeks` back) to the current week, empty
    weeks included so gaps show; an empty list when nothing happened in that time.
    """
    current = _monday(today or datetime.now(UTC).date())
    since = current - timedelta(weeks=weeks - 1)
    cutoff = datetime(since.year, since.month, since.day, tzinfo=UTC)
    created = Counter(
        _monday(_day(at))
        for at in session.scalars(
            select(Suggestion.created_at).where(Suggestion.created_at >= cutoff)
        )
    )
    decided: Counter[tuple[date, str]] = Counter(
        (_monday(_day(at)), status)
        for at, status in session.execute(
            select(SuggestionEvent.created_at, SuggestionEvent.to_status).where(
                SuggestionEvent.created_at >= cutoff,
                SuggestionEvent.to_status.in_(DECISIONS),
            )
        )
    )
    active = set(created) | {monday for monday, _ in decided}
    if not active:
        return []
    first, last = min(active), max(max(active), current)
    out: list[Week] = []
    monday = first
    while monday <= last:
        out.append(
            Week(
                start=monday,
                created=created.get(monday, 0),
                decisions={s: decided[(monday, s)] for s in DECISIONS if decided[(monday, s)]},
            )
        )
        monday += timedelta(weeks=1)
    return out
