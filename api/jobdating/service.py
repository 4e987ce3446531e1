"""Job-dating rules: create events, choose who comes, schedule, swap and pin, with typed refusals.

Refusals are `AppError` subclasses: `InvalidEvent` names each bad field, `MeetingNotFound` the
field naming a meeting, `ChangeRefused` carries the schedule checker's violations (code and ids),
`PinsClash` the engine's code. The JSON API writes their catalogue message in the caller's
language; the pages choose their catalogue text by type and code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from api.core.audit import actor_label, record
from api.core.content import LeftOut, has_content
from api.core.errors import AppError, FieldError, NotFound
from api.core.i18n import translator
from api.engine.service import MatchingService, to_need, to_profile
from api.jobdating import repository
from api.jobdating.schemas import MAX_PARALLEL, EventCreate
from api.models import (
    JobDatingAttendee,
    JobDatingEvent,
    JobDatingMeeting,
    JobDatingTable,
    Person,
    User,
    utcnow,
)
from matching.allocation import Violation
from matching.errors import JobDatingCode, JobDatingError
from matching.jobdating import (
    Attendee,
    Company,
    Fit,
    JobDating,
    Meeting,
    Pin,
    Schedule,
    ScheduleError,
    report,
    schedule_interviews,
    schedule_violations,
    swap,
)

# A table whose organisation has no open need still meets students who have room left, after
# every better-fitting interview (fits of real needs are mutual scores in (0, 1)).
LOW_FIT = 0.05
# Above any fit: the scheduler first gives as many students as possible one interview.
COVERAGE_BONUS = 1.0
# A pair breaking a hard constraint of every need (kind sought, dates, level...) can still talk.
CONSTRAINT_PENALTY = 0.5

# -- typed refusals ------------------------------------------------------------------------------


class InvalidEvent(AppError):
    """An event that cannot be created (422); `errors` names each bad field."""

    code = "invalid_event"
    status_code = 422

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors=errors)


class MeetingNotFound(AppError):
    """A meeting id that is not one of the event's (422, on the field that named it)."""

    code = "unknown_meeting"
    status_code = 422

    def __init__(self, meeting_id: int, field: str) -> None:
        super().__init__(field=field, meeting=meeting_id)
        self.meeting_id = meeting_id


class BrokenRule(FieldError):
    """A rule of the event a change would break: the checker's code and the ids concerned."""

    def text(self, lang: str) -> str:
        """The API's wording of the rule (the code itself where none is written), with ids."""
        key = f"jobdating.api.violation.{self.code}"
        wording = translator(lang)(key)
        subject = ", ".join(self.params.get("subject", ()))
        return f"{self.code if wording == key else wording} ({subject})"


class ChangeRefused(AppError):
    """A swap or pin that would break the event's rules (409); `violations` says which.

    `code` says which change: `swap_refused` or `pin_refused`.
    """

    status_code = 409

    def __init__(self, code: str, violations: tuple[Violation, ...] | list[Violation]) -> None:
        errors = [BrokenRule(v.code, v.code, {"subject": tuple(v.subject)}) for v in violations]
        super().__init__(code, errors=errors)
        self.violations = tuple(violations)


class PinsClash(AppError):
    """The pinned meetings cannot all be kept when scheduling (409); `reason` is the engine's
    code."""

    code = "pins_clash"
    status_code = 409

    def __init__(self, error: JobDatingError) -> None:
        super().__init__(reason=error.code, cause=str(error))
        self.reason: JobDatingCode = error.code


class ScheduleInvalid(AppError):
    """The solver's schedule fails its own checker: nothing is saved (500)."""

    code = "schedule_invalid"
    status_code = 500

    def __init__(self, violation: Violation) -> None:
        super().__init__(violation=str(violation))
        self.violation = violation


# -- times ---------------------------------------------------------------------------------------


def full_name(person: Person) -> str:
    return f"{person.first_name} {person.last_name}".strip()


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _start(event: JobDatingEvent) -> int:
    hours, minutes = (int(x) for x in event.start_time.split(":"))
    return hours * 60 + minutes


def slot_labels(event: JobDatingEvent) -> list[str]:
    """Start time of each slot, e.g. ["18:00", "18:15", ...]."""
    return [_clock(_start(event) + i * event.slot_minutes) for i in range(event.slots)]


def slot_ends(event: JobDatingEvent) -> list[str]:
    """End time of each slot: the next one's start, the evening's end for the last."""
    return [_clock(_start(event) + (i + 1) * event.slot_minutes) for i in range(event.slots)]


def end_of(event: JobDatingEvent) -> str:
    """When the evening ends (its start when it has no slot)."""
    return _clock(_start(event) + event.slots * event.slot_minutes)


# -- events --------------------------------------------------------------------------------------


def create_event(session: Session, body: EventCreate, actor: User | None) -> JobDatingEvent:
    """A new event with its tables and attendees (no schedule yet); InvalidEvent names each
    bad field."""
    errors: list[FieldError] = []
    hours, minutes = (int(x) for x in body.start_time.split(":"))
    if hours * 60 + minutes + body.slots * body.slot_minutes > 24 * 60:
        errors.append(FieldError("slots", "past_midnight"))
    orgs = repository.organisations_by_ref(session, [t.organisation for t in body.companies])
    seen: set[str] = set()
    for i, table in enumerate(body.companies):
        name = f"companies.{i}.organisation"
        if table.organisation not in orgs:
            errors.append(FieldError(name, "unknown_organisation", {"ref": table.organisation}))
        elif table.organisation in seen:
            errors.append(FieldError(name, "organisation_twice", {"ref": table.organisation}))
        seen.add(table.organisation)
    people = repository.people_by_ref(session, body.attendees)
    seen = set()
    for i, ref in enumerate(body.attendees):
        if ref not in people:
            errors.append(FieldError(f"attendees.{i}", "unknown_person", {"ref": ref}))
        elif ref in seen:
            errors.append(FieldError(f"attendees.{i}", "person_twice", {"ref": ref}))
        seen.add(ref)
    if errors:
        raise InvalidEvent(errors)
    event = JobDatingEvent(
        name=body.name,
        day=body.date,
        place=body.place,
        start_time=body.start_time,
        slot_minutes=body.slot_minutes,
        slots=body.slots,
        max_per_student=body.max_per_student,
        report={},
        created_by=actor_label(actor),
    )
    event.tables = [
        JobDatingTable(
            organisation=orgs[t.organisation],
            parallel=t.parallel,
            max_interviews=t.max_interviews,
        )
        for t in body.companies
    ]
    event.attendees = [JobDatingAttendee(person=people[ref]) for ref in body.attendees]
    session.add(event)
    session.flush()
    record(
        session,
        actor,
        "create",
        "job_dating",
        str(event.id),
        companies=len(event.tables),
        attendees=len(event.attendees),
    )
    return event


def list_events(
    session: Session, limit: int = 20, offset: int = 0
) -> tuple[list[JobDatingEvent], int]:
    """Events, the latest first, and how many there are in all."""
    return repository.events(session, limit, offset), repository.count_events(session)


def count_events(session: Session) -> int:
    return repository.count_events(session)


def get_event(session: Session, event_id: int) -> JobDatingEvent:
    event = repository.event(session, event_id)
    if event is None:
        raise NotFound("jobdating", str(event_id))
    return event


def delete_event(session: Session, event_id: int, actor: User | None) -> None:
    """Remove an event with its tables, attendees and schedule."""
    event = get_event(session, event_id)
    session.delete(event)
    session.flush()
    record(session, actor, "delete", "job_dating", str(event_id))


def events_of(session: Session, user: User) -> list[JobDatingEvent]:
    """The events the user attends, or (a company account) holds a table at, by date."""
    organisation = user.organisation_id if user.role == "company" else None
    return repository.events_of(session, user.person_id, organisation)


# -- who is invited ------------------------------------------------------------------------------


def fold(value: str) -> str:
    """A name as typed by anyone: no accents, no case, single spaces."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return " ".join(plain.casefold().split())


def quoted(items: list[str], limit: int = 5) -> str:
    """A few typed values, quoted, for a message naming what was not found."""
    shown = ", ".join(f"« {x} »" for x in items[:limit])
    return shown + (" …" if len(items) > limit else "")


@dataclass(frozen=True)
class Choices:
    """What a coordinator can pick from to fill an event: territories and schools."""

    need_territories: list[tuple[str, int]]
    student_territories: list[tuple[str, int]]
    schools: list[tuple[str, str, int]]


def choices(session: Session) -> Choices:
    return Choices(
        need_territories=repository.need_territories(session),
        student_territories=repository.student_territories(session),
        schools=repository.schools(session),
    )


def schools(session: Session) -> list[tuple[str, str, int]]:
    """(ref, name, students) of the schools that have students."""
    return repository.schools(session)


def students_of(session: Session, scope: str) -> list[Person] | None:
    """The students a scope names ("territoire:X" or "ecole:REF"), by name; None if unknown.

    A territory nobody lives in is unknown (it cannot have been offered); a school without
    students is a known, empty scope.
    """
    kind, _, value = scope.partition(":")
    if kind == "territoire":
        people = repository.students(session, territory=value)
        return people or None
    if kind == "ecole":
        school = repository.organisation_id(session, value)
        return None if school is None else repository.students(session, school_id=school)
    return None


def people_from_text(session: Session, value: str) -> tuple[list[str], list[str]]:
    """Person refs or e-mail addresses (the profile's or the account's) typed by a coordinator
    -> (refs found, tokens unknown)."""
    tokens = [x for x in re.split(r"[\s,;]+", value) if x]
    emails = {x.lower() for x in tokens if "@" in x}
    refs = {x.upper() for x in tokens if "@" not in x}
    found_refs = repository.existing_person_refs(session, refs)
    by_email = repository.person_refs_by_email(session, emails)
    out: list[str] = []
    unknown: list[str] = []
    for token in tokens:
        ref = by_email.get(token.lower()) if "@" in token else token.upper()
        if ref is not None and (ref in found_refs or "@" in token):
            out.append(ref)
        else:
            unknown.append(token)
    return out, unknown


@dataclass(frozen=True)
class Invited:
    """People typed by a coordinator and those of a scope, merged in order, each once."""

    refs: list[str]
    unknown: list[str]  # typed tokens matching nobody
    unknown_scope: bool  # the scope names no territory or school offered


def invite(session: Session, typed: str, scope: str) -> Invited:
    found, unknown = people_from_text(session, typed)
    scoped: list[str] = []
    unknown_scope = False
    if scope:
        people = students_of(session, scope)
        unknown_scope = people is None
        scoped = [p.ref for p in people or []]
    return Invited(list(dict.fromkeys([*found, *scoped])), unknown, unknown_scope)


@dataclass(frozen=True)
class ListProblem:
    """Why a typed list of companies was refused: a catalogue code and its values."""

    code: str  # "capacity", "ambiguous" or "unknown_company"
    values: dict[str, Any] = field(default_factory=dict)


def companies_from_text(
    session: Session, value: str, default: int
) -> tuple[list[tuple[str, int]], ListProblem | None]:
    """Lines "ref or name[;capacity]" -> ([(organisation ref, capacity)], the first problem)."""
    by_ref: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    for org_ref, org_name in repository.organisation_names(session):
        by_ref[org_ref.upper()] = org_ref
        by_name.setdefault(fold(org_name), []).append(org_ref)
    out: list[tuple[str, int]] = []
    for number, line in enumerate(value.splitlines(), start=1):
        if not line.strip():
            continue
        label, _, capacity_text = line.partition(";")
        label = label.strip()
        capacity = default
        if capacity_text.strip():
            try:
                capacity = int(capacity_text.strip())
            except ValueError:
                capacity = 0
            if not 1 <= capacity <= MAX_PARALLEL:
                values = {"line": number, "value": capacity_text.strip(), "max": MAX_PARALLEL}
                return [], ListProblem("capacity", values)
        ref = by_ref.get(label.upper())
        if ref is None:
            named = by_name.get(fold(label), [])
            if len(named) > 1:
                return [], ListProblem("ambiguous", {"line": number, "name": label})
            if not named:
                return [], ListProblem("unknown_company", {"line": number, "name": label})
            ref = named[0]
        out.append((ref, capacity))
    return out, None


def companies_in(session: Session, territory: str) -> list[str]:
    """Refs of the companies with an open need in a territory, by name."""
    return repository.companies_with_open_needs_in(session, territory)


# -- scheduling ----------------------------------------------------------------------------------


def compute_fits(
    session: Session, matching: MatchingService, event: JobDatingEvent
) -> dict[tuple[str, str], float]:
    """(person ref, organisation ref) -> fit in (0, 1]: the best mutual score over the
    organisation's open needs (halved where a hard constraint fails), LOW_FIT without one."""
    people = [a.person for a in event.attendees]
    orgs = [t.organisation for t in event.tables]
    fits = {(p.ref, o.ref): LOW_FIT for p in people for o in orgs}
    if not fits:
        return fits
    needs = repository.open_needs_of(session, [o.id for o in orgs])
    if not needs:
        return fits
    indexes = matching.indexes(session)
    # Rows in the index; one a bulk change added moments ago keeps LOW_FIT until indexed.
    # Rows with nothing to compare cannot be ranked: they keep LOW_FIT (schedule_event leaves
    # such attendees out and names them in the report).
    needs = [n for n in needs if n.ref in indexes.needs and has_content(to_need(n))]
    scored = [p for p in people if p.ref in indexes.people and has_content(to_profile(p))]
    scores = indexes.pair_scores([to_profile(p) for p in scored], [to_need(n) for n in needs])
    if not needs or not scored or scores is None:
        return fits
    p_scores = 1.0 / (1.0 + np.exp(-scores.person_side))
    n_scores = 1.0 / (1.0 + np.exp(-scores.need_side))
    mutual = (p_scores + n_scores) / 2.0
    mutual = np.where(scores.codes == 0, mutual, mutual * CONSTRAINT_PENALTY)
    org_of = [n.organisation.ref for n in needs]
    for i, person in enumerate(scored):
        for j, org in enumerate(org_of):
            key = (person.ref, org)
            fits[key] = max(fits[key], round(float(mutual[i, j]), 4))
    return fits


def to_engine(
    event: JobDatingEvent,
    fits: dict[tuple[str, str], float] | None = None,
    left_out: frozenset[str] = frozenset(),
) -> JobDating:
    """The event as the solver sees it; without `fits`, those of the saved meetings.
    Attendees in `left_out` are not scheduled."""
    if fits is None:
        fits = {(m.attendee.person.ref, m.table.organisation.ref): m.score for m in event.meetings}
    return JobDating(
        slots=event.slots,
        companies=tuple(
            Company(t.organisation.ref, t.parallel, t.max_interviews) for t in event.tables
        ),
        attendees=tuple(
            Attendee(a.person.ref) for a in event.attendees if a.person.ref not in left_out
        ),
        fits=tuple(Fit(s, c, score) for (s, c), score in fits.items() if s not in left_out),
        max_per_student=event.max_per_student,
        pinned=tuple(
            Pin(m.attendee.person.ref, m.table.organisation.ref, m.slot)
            for m in event.meetings
            if m.pinned
        ),
        slot_labels=tuple(slot_labels(event)),
    )


def saved_schedule(event: JobDatingEvent, engine_event: JobDating | None = None) -> Schedule:
    """The stored meetings as the solver's Schedule (for checks, agendas and reports)."""
    engine_event = engine_event or to_engine(event)
    meetings = sorted(
        (Meeting(m.attendee.person.ref, m.table.organisation.ref, m.slot) for m in event.meetings),
        key=lambda m: (m.slot, m.company, m.student),
    )
    return Schedule(engine_event, tuple(meetings), float(event.report.get("upper_bound", 0.0)))


def _report(schedule: Schedule, **extra: Any) -> dict[str, Any]:
    values = asdict(report(schedule))
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in values.items()} | extra


def schedule_event(
    session: Session,
    matching: MatchingService,
    event: JobDatingEvent,
    actor: User | None,
    *,
    coverage: bool = True,
) -> JobDatingEvent:
    """Compute and save the schedule; pinned meetings stay where they are. A refusal (PinsClash,
    ScheduleInvalid) leaves the saved schedule as it was."""
    fits = compute_fits(session, matching, event)
    # An attendee with an empty profile has no fit to rank tables by: left out of the schedule
    # (unless a coordinator pinned them) and named in the report, never a failed schedule.
    pinned_people = {m.attendee.person.ref for m in event.meetings if m.pinned}
    empty = LeftOut.of(
        a.person.ref
        for a in event.attendees
        if a.person.ref not in pinned_people and not has_content(to_profile(a.person))
    )
    engine_event = to_engine(event, fits, frozenset(empty.people))
    try:
        schedule = schedule_interviews(
            engine_event, coverage_bonus=COVERAGE_BONUS if coverage else 0.0
        )
    except JobDatingError as exc:
        raise PinsClash(exc) from None
    found = schedule_violations(engine_event, schedule)
    if found:  # the solver and its checker disagree: keep the previous schedule
        raise ScheduleInvalid(found[0])
    pinned = {(p.student, p.company) for p in engine_event.pinned}
    attendee = {a.person.ref: a for a in event.attendees}
    table = {t.organisation.ref: t for t in event.tables}
    event.meetings = []
    session.flush()  # old rows out before new ones share their (attendee, table)
    event.meetings = [
        JobDatingMeeting(
            attendee=attendee[m.student],
            table=table[m.company],
            slot=m.slot,
            score=fits[(m.student, m.company)],
            pinned=(m.student, m.company) in pinned,
        )
        for m in schedule.meetings
    ]
    event.report = _report(
        schedule,
        coverage=coverage,
        pinned=len(pinned),
        violations=[],
        left_out=empty.model_dump(),
    )
    event.scheduled_at = utcnow()
    session.flush()
    record(
        session,
        actor,
        "schedule",
        "job_dating",
        str(event.id),
        interviews=len(schedule.meetings),
        students_met=event.report["students_met"],
    )
    return event


def _meeting(event: JobDatingEvent, meeting_id: int, field: str) -> JobDatingMeeting:
    for m in event.meetings:
        if m.id == meeting_id:
            return m
    raise MeetingNotFound(meeting_id, field)


def _engine_meeting(m: JobDatingMeeting) -> Meeting:
    return Meeting(m.attendee.person.ref, m.table.organisation.ref, m.slot)


def swap_meetings(
    session: Session, event: JobDatingEvent, a: int, b: int, actor: User | None
) -> JobDatingEvent:
    """Exchange the slots of two meetings; ChangeRefused naming the broken rule, nothing changed."""
    first, second = _meeting(event, a, "a"), _meeting(event, b, "b")
    schedule = saved_schedule(event)
    try:
        changed = swap(schedule, _engine_meeting(first), _engine_meeting(second))
    except ScheduleError as exc:
        raise ChangeRefused("swap_refused", exc.violations) from None
    first.slot, second.slot = second.slot, first.slot
    event.report = {**event.report, **_report(changed)}
    session.flush()
    record(session, actor, "swap", "job_dating", str(event.id), meetings=[a, b])
    return event


def pin_meeting(
    session: Session,
    event: JobDatingEvent,
    meeting_id: int,
    pinned: bool,
    actor: User | None,
    *,
    slot: int | None = None,
) -> JobDatingEvent:
    """Pin (or unpin) a meeting, first moving it to `slot` if given; checked, ChangeRefused (and
    nothing changed) if not valid."""
    meeting = _meeting(event, meeting_id, "meeting")
    before = (meeting.slot, meeting.pinned)
    if slot is not None:
        meeting.slot = slot
    meeting.pinned = pinned
    try:
        engine_event = to_engine(event)
        found = schedule_violations(engine_event, saved_schedule(event, engine_event))
    except JobDatingError as exc:  # the pins themselves clash
        found = [Violation("pin_clash", exc.subject)]
    if found:
        meeting.slot, meeting.pinned = before
        raise ChangeRefused("pin_refused", found)
    changed = _report(saved_schedule(event, engine_event)) if slot is not None else {}
    event.report = {**event.report, **changed, "pinned": sum(m.pinned for m in event.meetings)}
    session.flush()
    record(
        session,
        actor,
        "pin" if pinned else "unpin",
        "job_dating",
        str(event.id),
        meeting=meeting_id,
        slot=meeting.slot,
    )
    return event
