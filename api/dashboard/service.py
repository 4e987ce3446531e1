"""Regional statistics for coordinators: key figures, schools, weekly activity, unmet demand."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from api.dashboard import repository
from api.engine.service import MatchingService, to_need, to_profile
from matching.calibration import level_threshold
from matching.taxonomy import Reading
from matching.types import Need as EngineNeed
from matching.types import Profile as EngineProfile

Item = EngineNeed | EngineProfile

# A good suggestion is one whose stored calibrated fit (the probability that the pair is
# relevant, computed from its raw components) reaches the level "bonne" (`good_cut`). Without a
# calibration for the engine, stored fused scores (a weighted sum of z-scores per need, README
# "Le moteur") are cut instead:
# on the demo region the best candidate of a need scores 4.7 at the median and under 2 for one
# need in ten: under this, nobody stands out for the need.
GOOD_SCORE = 2.0
GOOD_LEVEL = "bonne"
LISTED = 20  # rows shown in the "no good candidate / offer" lists; the total is always given
WEEKS = 26  # weeks of activity drawn at most
SECTORS = 12  # sectors drawn at most
INTRODUCED = ("introduced", "hired")
DECISIONS = ("approved", "introduced", "hired", "rejected")


def good_cut(calibrated: bool) -> float:
    """From where a stored suggestion is good: the fit of the level "bonne" when the engine is
    calibrated (suggestions are then compared by fit), else GOOD_SCORE (by fused score)."""
    return level_threshold(GOOD_LEVEL) if calibrated else GOOD_SCORE


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
    return KeyFigures(
        people=repository.count_people(session),
        students=repository.count_people(session, "student"),
        open_needs=repository.count_open_needs(session),
        suggestions=repository.count_suggestions(session),
        introduced=repository.count_suggestions(session, INTRODUCED),
    )


def status_counts(session: Session) -> dict[str, int]:
    """How many suggestions are in each status."""
    return repository.status_counts(session)


def territories(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """(people, open needs) per territory, "" for none."""
    return repository.people_by_territory(session), repository.open_needs_by_territory(session)


def open_needs_by_sector(session: Session, limit: int = SECTORS) -> dict[str, int]:
    """Open needs per sector ("" for none), the `limit` largest sectors."""
    return repository.open_needs_by_sector(session, limit)


@dataclass(frozen=True)
class SchoolRow:
    ref: str
    name: str
    territory: str | None
    students: int
    with_suggestion: int  # students with at least one suggestion, whatever its status
    suggestions: int
    introduced: int
    without_good: int  # students with no suggestion (not rejected) scoring `good` or more
    read: int = 0  # students whose profile the engine reads in ESCO (counted when asked for)
    clear: int = 0  # of those, the ones whose profile names one clear occupation

    @property
    def clear_share(self) -> float | None:
        return self.clear / self.read if self.read else None


def schools(
    session: Session,
    good: float = GOOD_SCORE,
    by_fit: bool = False,
    readings: Sequence[tuple[Item, bool]] | None = None,
) -> list[SchoolRow]:
    """Every school with its students and what the matching did for them, most students first.

    With `readings` (the indexed people with whether each profile reads as one clear ESCO
    occupation: `Snapshot.clear_readings`), each school says how many of its students' profiles
    do: a school whose profiles rarely do is one to help write them."""
    activity = repository.students_activity(session, INTRODUCED)
    read: Counter[str] = Counter()
    clear: Counter[str] = Counter()
    for item, is_clear in readings or ():
        school = getattr(item, "organisation_id", None)
        if school and getattr(item, "kind", None) == "student":
            read[school] += 1
            clear[school] += is_clear
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
            read=read[ref],
            clear=clear[ref],
        )
        for org_id, ref, name, territory, n, without in repository.school_students(
            session, good, by_fit
        )
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
    reading: Reading | None = None  # how the engine reads it (ESCO), when asked for


T = TypeVar("T")


@dataclass(frozen=True)
class Listing(Generic[T]):
    total: int
    items: list[T] = field(default_factory=list)


def weak_needs(
    session: Session,
    limit: int = LISTED,
    good: float = GOOD_SCORE,
    by_fit: bool = False,
    matching: MatchingService | None = None,
) -> Listing[WeakNeed]:
    """Open needs with no suggestion left or whose best one scores under `good`.

    Needs without any suggestion come first, then the weakest; read from stored suggestions
    (the batch the review page runs), so the page stays fast. With `matching`, each listed
    need says how the engine reads it: one whose text names no clear occupation is one to
    rewrite (from the index's stored occupations, a few µs each).
    """
    total, rows = repository.weak_needs(session, good, limit, by_fit)
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
                reading=matching.reading(to_need(need)) if matching is not None else None,
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
    reading: Reading | None = None  # how the engine reads the profile (ESCO), when asked for


def students_without_offer(
    session: Session,
    limit: int = LISTED,
    good: float = GOOD_SCORE,
    by_fit: bool = False,
    matching: MatchingService | None = None,
) -> Listing[UnmatchedStudent]:
    """Students with no suggestion (not rejected) scoring `good` or more; none at all first.
    With `matching`, each listed student says how the engine reads their profile."""
    total, rows = repository.students_without_offer(session, good, limit, by_fit)
    return Listing(
        total=total,
        items=[
            UnmatchedStudent(
                ref=person.ref,
                name=f"{person.first_name} {person.last_name}".strip() or person.ref,
                school=person.organisation.name if person.organisation else None,
                programme=person.programme,
                best=None if score is None else float(score),
                reading=matching.reading(to_profile(person)) if matching is not None else None,
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
    created = Counter(_monday(_day(at)) for at in repository.suggestion_dates(session, cutoff))
    decided: Counter[tuple[date, str]] = Counter(
        (_monday(_day(at)), status)
        for at, status in repository.decision_dates(session, cutoff, DECISIONS)
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
