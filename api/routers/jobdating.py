"""Job-dating events for coordinators: tables and attendees, a schedule, swaps, pins, agendas.

The functions above the routes take a session and return rows, so that the coordinator's web
pages call them directly; the routes only add HTTP (status codes, JSON, CSV).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import asdict
from typing import Any, Literal

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.core.audit import actor_label, record
from api.core.deps import Coordinator, CurrentUser, PageDep, SessionDep
from api.core.errors import AppError, NotFound
from api.core.pagination import Paginated
from api.engine.service import MatchingService, to_need, to_profile
from api.models import (
    JobDatingAttendee,
    JobDatingEvent,
    JobDatingMeeting,
    JobDatingTable,
    Need,
    Organisation,
    Person,
    User,
    utcnow,
)
from matching.allocation import Violation
from matching.jobdating import (
    Attendee,
    Company,
    Fit,
    JobDating,
    Meeting,
    Pin,
    Schedule,
    ScheduleError,
    company_agenda,
    report,
    schedule_interviews,
    schedule_violations,
    student_agenda,
    swap,
)

router = APIRouter(prefix="/api/v1/job-dating", tags=["job-dating"])

# A table whose organisation has no open need still meets students who have room left, after
# every better-fitting interview (fits of real needs are mutual scores in (0, 1)).
LOW_FIT = 0.05
# Above any fit: the scheduler first gives as many students as possible one interview.
COVERAGE_BONUS = 1.0
# A pair breaking a hard constraint of every need (kind sought, dates, level...) can still talk.
CONSTRAINT_PENALTY = 0.5

# -- request and response bodies -----------------------------------------------------------------


class TableIn(BaseModel):
    organisation: str = Field(min_length=1, max_length=40, description="référence / ref")
    parallel: int = Field(default=1, ge=1, le=20, description="entretiens en parallèle")
    max_interviews: int | None = Field(default=None, ge=0, le=1000)


class EventCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    date: dt.date
    place: str | None = Field(default=None, max_length=200)
    start_time: str = Field(default="18:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    slot_minutes: int = Field(default=15, ge=5, le=240)
    slots: int = Field(default=8, ge=1, le=48)
    max_per_student: int = Field(default=3, ge=1, le=48)
    companies: list[TableIn] = Field(default_factory=list, max_length=500)
    attendees: list[str] = Field(
        default_factory=list, max_length=5000, description="références des personnes / refs"
    )


class TableOut(BaseModel):
    id: int
    organisation: str
    name: str
    parallel: int
    max_interviews: int | None


class AttendeeOut(BaseModel):
    id: int
    person: str
    name: str


class MeetingOut(BaseModel):
    id: int
    person: str
    person_name: str
    organisation: str
    organisation_name: str
    slot: int
    time: str
    score: float
    pinned: bool


class EventSummary(BaseModel):
    id: int
    name: str
    date: dt.date
    place: str | None
    start_time: str
    slots: int
    companies: int
    attendees: int
    interviews: int
    scheduled_at: dt.datetime | None
    created_by: str
    created_at: dt.datetime


class EventOut(BaseModel):
    id: int
    name: str
    date: dt.date
    place: str | None
    start_time: str
    slot_minutes: int
    slots: int
    max_per_student: int
    slot_labels: list[str]
    created_by: str
    created_at: dt.datetime
    scheduled_at: dt.datetime | None
    companies: list[TableOut]
    attendees: list[AttendeeOut]
    meetings: list[MeetingOut]
    report: dict[str, Any]


class ScheduleRequest(BaseModel):
    coverage: bool = Field(
        default=True,
        description="d'abord un entretien pour chacun / first one interview for everyone",
    )


class SwapRequest(BaseModel):
    a: int = Field(description="identifiant d'entretien / meeting id")
    b: int = Field(description="identifiant d'entretien / meeting id")


class PinRequest(BaseModel):
    meeting: int
    pinned: bool = True
    slot: int | None = Field(
        default=None, ge=0, description="déplacer d'abord à ce créneau / move here first"
    )


class AgendaItem(BaseModel):
    meeting_id: int
    slot: int
    time: str
    end: str
    ref: str
    name: str


class Agenda(BaseModel):
    kind: Literal["student", "company"]
    ref: str
    name: str
    meetings: list[AgendaItem]


class AgendasOut(BaseModel):
    event_id: int
    slot_labels: list[str]
    students: list[Agenda]
    companies: list[Agenda]


class MyAgendaOut(BaseModel):
    event_id: int
    event_name: str
    date: dt.date
    place: str | None
    agenda: Agenda


# -- services ------------------------------------------------------------------------------------


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


def _invalid(errors: list[dict[str, str]]) -> AppError:
    return AppError("; ".join(e["message"] for e in errors), 422, errors=errors)


def create_event(session: Session, body: EventCreate, actor: User | None) -> JobDatingEvent:
    """A new event with its tables and attendees (no schedule yet); 422 naming each bad field."""
    errors: list[dict[str, str]] = []
    hours, minutes = (int(x) for x in body.start_time.split(":"))
    if hours * 60 + minutes + body.slots * body.slot_minutes > 24 * 60:
        errors.append(
            {"field": "slots", "message": "Les créneaux dépassent minuit / slots run past midnight"}
        )
    org_refs = [t.organisation for t in body.companies]
    orgs = {
        o.ref: o
        for o in session.scalars(select(Organisation).where(Organisation.ref.in_(org_refs)))
    }
    seen: set[str] = set()
    for i, table in enumerate(body.companies):
        field = f"companies.{i}.organisation"
        if table.organisation not in orgs:
            errors.append(
                {"field": field, "message": f"Organisation introuvable : {table.organisation}"}
            )
        elif table.organisation in seen:
            errors.append(
                {"field": field, "message": f"Organisation en double : {table.organisation}"}
            )
        seen.add(table.organisation)
    people = {
        p.ref: p for p in session.scalars(select(Person).where(Person.ref.in_(body.attendees)))
    }
    seen = set()
    for i, ref in enumerate(body.attendees):
        if ref not in people:
            errors.append({"field": f"attendees.{i}", "message": f"Personne introuvable : {ref}"})
        elif ref in seen:
            errors.append({"field": f"attendees.{i}", "message": f"Personne en double : {ref}"})
        seen.add(ref)
    if errors:
        raise _invalid(errors)
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
    query = (
        select(JobDatingEvent)
        .order_by(JobDatingEvent.day.desc(), JobDatingEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )
    total = session.scalar(select(func.count()).select_from(JobDatingEvent)) or 0
    return list(session.scalars(query)), int(total)


def get_event(session: Session, event_id: int) -> JobDatingEvent:
    event = session.get(JobDatingEvent, event_id)
    if event is None:
        raise NotFound("Job dating", str(event_id))
    return event


def delete_event(session: Session, event_id: int, actor: User | None) -> None:
    """Remove an event with its tables, attendees and schedule."""
    event = get_event(session, event_id)
    session.delete(event)
    session.flush()
    record(session, actor, "delete", "job_dating", str(event_id))


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
    needs = list(
        session.scalars(
            select(Need)
            .where(Need.is_open, Need.organisation_id.in_([o.id for o in orgs]))
            .order_by(Need.ref)
        )
    )
    fitted = matching.fitted(session)
    if not needs or fitted.needs is None or fitted.people is None:
        return fits
    need_col = {d.id: j for j, d in enumerate(fitted.needs.documents_)}
    person_col = {d.id: j for j, d in enumerate(fitted.people.documents_)}
    # Rows the rankers were fitted on; a row newer than the fit keeps LOW_FIT until the refit.
    needs = [n for n in needs if n.ref in need_col]
    scored = [p for p in people if p.ref in person_col]
    if not needs or not scored:
        return fits
    person_side, _, codes = fitted.needs.score_matrix([to_profile(p) for p in scored])
    need_side, _, _ = fitted.people.score_matrix([to_need(n) for n in needs])
    cols = [need_col[n.ref] for n in needs]
    p_scores = 1.0 / (1.0 + np.exp(-person_side[:, cols]))
    n_scores = 1.0 / (1.0 + np.exp(-need_side[:, [person_col[p.ref] for p in scored]].T))
    mutual = (p_scores + n_scores) / 2.0
    mutual = np.where(codes[:, cols] == 0, mutual, mutual * CONSTRAINT_PENALTY)
    org_of = [n.organisation.ref for n in needs]
    for i, person in enumerate(scored):
        for j, org in enumerate(org_of):
            key = (person.ref, org)
            fits[key] = max(fits[key], round(float(mutual[i, j]), 4))
    return fits


def to_engine(event: JobDatingEvent, fits: dict[tuple[str, str], float] | None = None) -> JobDating:
    """The event as the solver sees it; without `fits`, those of the saved meetings."""
    if fits is None:
        fits = {(m.attendee.person.ref, m.table.organisation.ref): m.score for m in event.meetings}
    return JobDating(
        slots=event.slots,
        companies=tuple(
            Company(t.organisation.ref, t.parallel, t.max_interviews) for t in event.tables
        ),
        attendees=tuple(Attendee(a.person.ref) for a in event.attendees),
        fits=tuple(Fit(s, c, score) for (s, c), score in fits.items()),
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


VIOLATIONS_FR = {
    "student_double_booked": "la personne aurait deux entretiens au même créneau",
    "company_over_parallel": "la table aurait plus d'entretiens simultanés que prévu",
    "pin_moved": "un entretien épinglé changerait de créneau (désépinglez-le d'abord)",
    "pin_missing": "un entretien épinglé disparaîtrait",
    "slot_out_of_range": "créneau hors de l'événement",
    "same_meeting": "les deux entretiens sont le même",
    "not_in_schedule": "entretien absent du planning",
    "student_over_limit": "trop d'entretiens pour la personne",
    "company_over_limit": "trop d'entretiens pour la table",
    "met_twice": "deux entretiens pour la même paire",
    "pin_clash": "les entretiens épinglés ne tiennent pas ensemble",
}


def _describe(violations: tuple[Violation, ...] | list[Violation]) -> list[dict[str, str]]:
    return [
        {
            "field": v.code,
            "message": f"{VIOLATIONS_FR.get(v.code, v.code)} ({', '.join(v.subject)})",
        }
        for v in violations
    ]


def _refuse(what: str, violations: tuple[Violation, ...] | list[Violation]) -> AppError:
    errors = _describe(violations)
    message = f"{what} : " + "; ".join(e["message"] for e in errors)
    return AppError(message, 409, errors=errors)


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
    """Compute and save the schedule; pinned meetings stay where they are."""
    fits = compute_fits(session, matching, event)
    engine_event = to_engine(event, fits)
    try:
        schedule = schedule_interviews(
            engine_event, coverage_bonus=COVERAGE_BONUS if coverage else 0.0
        )
    except ValueError as exc:
        raise AppError(f"Épinglages incompatibles / pins clash: {exc}", 409) from None
    found = schedule_violations(engine_event, schedule)
    if found:  # the solver and its checker disagree: keep the previous schedule
        raise AppError("Planning invalide / invalid schedule: " + str(found[0]), 500)
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
    event.report = _report(schedule, coverage=coverage, pinned=len(pinned), violations=[])
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
    raise AppError(f"Entretien introuvable dans cet événement : {meeting_id}", 422, field=field)


def _engine_meeting(m: JobDatingMeeting) -> Meeting:
    return Meeting(m.attendee.person.ref, m.table.organisation.ref, m.slot)


def swap_meetings(
    session: Session, event: JobDatingEvent, a: int, b: int, actor: User | None
) -> JobDatingEvent:
    """Exchange the slots of two meetings; 409 naming the broken rule, nothing changed."""
    first, second = _meeting(event, a, "a"), _meeting(event, b, "b")
    schedule = saved_schedule(event)
    try:
        changed = swap(schedule, _engine_meeting(first), _engine_meeting(second))
    except ScheduleError as exc:
        raise _refuse("Échange impossible / swap refused", exc.violations) from None
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
    """Pin (or unpin) a meeting, first moving it to `slot` if given; checked, 409 if not valid."""
    meeting = _meeting(event, meeting_id, "meeting")
    before = (meeting.slot, meeting.pinned)
    if slot is not None:
        meeting.slot = slot
    meeting.pinned = pinned
    try:
        engine_event = to_engine(event)
        found = schedule_violations(engine_event, saved_schedule(event, engine_event))
    except ValueError as exc:  # the pins themselves clash
        found = [Violation("pin_clash", (str(exc),))]
    if found:
        meeting.slot, meeting.pinned = before
        raise _refuse("Épinglage impossible / pin refused", found)
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


def agendas(event: JobDatingEvent) -> AgendasOut:
    """Each attendee's and each table's agenda, in slot order, with times."""
    schedule = saved_schedule(event)
    labels, ends = slot_labels(event), slot_ends(event)
    people = {a.person.ref: full_name(a.person) for a in event.attendees}
    orgs = {t.organisation.ref: t.organisation.name for t in event.tables}
    ids = {(m.attendee.person.ref, m.table.organisation.ref): m.id for m in event.meetings}

    def item(slot: int, student: str, company: str, other: str, name: str) -> AgendaItem:
        return AgendaItem(
            meeting_id=ids[(student, company)],
            slot=slot,
            time=labels[slot],
            end=ends[slot],
            ref=other,
            name=name,
        )

    by_student = student_agenda(schedule)
    by_company = company_agenda(schedule)
    students = [
        Agenda(
            kind="student",
            ref=ref,
            name=name,
            meetings=[item(t, ref, c, c, orgs[c]) for t, c in by_student.get(ref, [])],
        )
        for ref, name in people.items()
    ]
    companies = [
        Agenda(
            kind="company",
            ref=ref,
            name=name,
            meetings=[item(t, s, ref, s, people[s]) for t, s in by_company.get(ref, [])],
        )
        for ref, name in orgs.items()
    ]
    return AgendasOut(event_id=event.id, slot_labels=labels, students=students, companies=companies)


def my_agenda(event: JobDatingEvent, user: User) -> MyAgendaOut:
    """The signed-in attendee's or company's own agenda; 404 for anyone else at this event."""
    all_agendas = agendas(event)
    mine: Agenda | None = None
    if user.person_id is not None:
        ref = next((a.person.ref for a in event.attendees if a.person_id == user.person_id), None)
        mine = next((a for a in all_agendas.students if a.ref == ref), None)
    if mine is None and user.role == "company" and user.organisation_id is not None:
        ref = next(
            (t.organisation.ref for t in event.tables if t.organisation_id == user.organisation_id),
            None,
        )
        mine = next((a for a in all_agendas.companies if a.ref == ref), None)
    if mine is None:
        # 404 rather than 403: who takes part in an event is not everyone's business.
        raise NotFound("Job dating", str(event.id))
    return MyAgendaOut(
        event_id=event.id, event_name=event.name, date=event.day, place=event.place, agenda=mine
    )


CSV_COLUMNS = (
    "creneau",
    "heure",
    "fin",
    "etudiant",
    "nom",
    "entreprise",
    "organisation",
    "score",
    "epingle",
)


def schedule_csv(event: JobDatingEvent) -> str:
    """The whole schedule, one interview a row, in slot order, with a French header."""
    labels, ends = slot_labels(event), slot_ends(event)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in sorted(event.meetings, key=lambda m: (m.slot, m.table.organisation.ref, m.id)):
        writer.writerow(
            (
                m.slot + 1,
                labels[m.slot],
                ends[m.slot],
                m.attendee.person.ref,
                full_name(m.attendee.person),
                m.table.organisation.ref,
                m.table.organisation.name,
                f"{m.score:g}",
                "oui" if m.pinned else "non",
            )
        )
    return buffer.getvalue()


def event_summary(event: JobDatingEvent) -> EventSummary:
    return EventSummary(
        id=event.id,
        name=event.name,
        date=event.day,
        place=event.place,
        start_time=event.start_time,
        slots=event.slots,
        companies=len(event.tables),
        attendees=len(event.attendees),
        interviews=len(event.meetings),
        scheduled_at=event.scheduled_at,
        created_by=event.created_by,
        created_at=event.created_at,
    )


def event_out(event: JobDatingEvent) -> EventOut:
    labels = slot_labels(event)
    return EventOut(
        id=event.id,
        name=event.name,
        date=event.day,
        place=event.place,
        start_time=event.start_time,
        slot_minutes=event.slot_minutes,
        slots=event.slots,
        max_per_student=event.max_per_student,
        slot_labels=labels,
        created_by=event.created_by,
        created_at=event.created_at,
        scheduled_at=event.scheduled_at,
        companies=[
            TableOut(
                id=t.id,
                organisation=t.organisation.ref,
                name=t.organisation.name,
                parallel=t.parallel,
                max_interviews=t.max_interviews,
            )
            for t in event.tables
        ],
        attendees=[
            AttendeeOut(id=a.id, person=a.person.ref, name=full_name(a.person))
            for a in event.attendees
        ],
        meetings=[
            MeetingOut(
                id=m.id,
                person=m.attendee.person.ref,
                person_name=full_name(m.attendee.person),
                organisation=m.table.organisation.ref,
                organisation_name=m.table.organisation.name,
                slot=m.slot,
                time=labels[m.slot],
                score=m.score,
                pinned=m.pinned,
            )
            for m in sorted(event.meetings, key=lambda m: (m.slot, m.table.organisation.ref, m.id))
        ],
        report=event.report,
    )


# -- routes --------------------------------------------------------------------------------------


@router.post("", response_model=EventOut, status_code=201)
def create(session: SessionDep, user: Coordinator, body: EventCreate) -> EventOut:
    """Créer un job dating : tables des entreprises et participants / create an event."""
    return event_out(create_event(session, body, user))


@router.get("", response_model=Paginated[EventSummary])
def index(session: SessionDep, user: Coordinator, page: PageDep) -> Paginated[EventSummary]:
    """Les job datings, du plus récent au plus ancien / events, latest first."""
    events, total = list_events(session, page.limit, page.offset)
    return Paginated(
        items=[event_summary(e) for e in events], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/{event_id}", response_model=EventOut)
def read(session: SessionDep, user: Coordinator, event_id: int) -> EventOut:
    """Un job dating et son planning / one event with its schedule."""
    return event_out(get_event(session, event_id))


@router.delete("/{event_id}", status_code=204, response_class=Response)
def delete(session: SessionDep, user: Coordinator, event_id: int) -> Response:
    """Supprimer un job dating et son planning / delete an event and its schedule."""
    delete_event(session, event_id, user)
    return Response(status_code=204)


@router.post("/{event_id}/schedule", response_model=EventOut)
def schedule(
    request: Request,
    session: SessionDep,
    user: Coordinator,
    event_id: int,
    body: ScheduleRequest | None = None,
) -> EventOut:
    """Calculer le planning (les épinglés restent) / compute the schedule, pins kept."""
    event = get_event(session, event_id)
    coverage = body.coverage if body is not None else True
    return event_out(
        schedule_event(session, request.app.state.matching, event, user, coverage=coverage)
    )


@router.post("/{event_id}/swap", response_model=EventOut)
def swap_route(
    session: SessionDep, user: Coordinator, event_id: int, body: SwapRequest
) -> EventOut:
    """Échanger les créneaux de deux entretiens / exchange two meetings' slots (checked)."""
    return event_out(swap_meetings(session, get_event(session, event_id), body.a, body.b, user))


@router.post("/{event_id}/pin", response_model=EventOut)
def pin(session: SessionDep, user: Coordinator, event_id: int, body: PinRequest) -> EventOut:
    """Épingler ou désépingler un entretien (et le déplacer) / pin, unpin or move a meeting."""
    event = get_event(session, event_id)
    return event_out(pin_meeting(session, event, body.meeting, body.pinned, user, slot=body.slot))


@router.get("/{event_id}/agenda.csv")
def agenda_csv(session: SessionDep, user: Coordinator, event_id: int) -> Response:
    """Le planning complet en CSV / the whole schedule as CSV."""
    event = get_event(session, event_id)
    return Response(
        schedule_csv(event).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="job-dating-{event.id}.csv"'},
    )


@router.get("/{event_id}/agendas", response_model=AgendasOut)
def agendas_route(session: SessionDep, user: Coordinator, event_id: int) -> AgendasOut:
    """Agendas par personne et par entreprise / per-student and per-company agendas."""
    return agendas(get_event(session, event_id))


@router.get("/{event_id}/my-agenda", response_model=MyAgendaOut)
def my_agenda_route(session: SessionDep, user: CurrentUser, event_id: int) -> MyAgendaOut:
    """Mon agenda (participant ou entreprise) / my own agenda, as attendee or company."""
    event = session.get(JobDatingEvent, event_id)
    if event is None:
        raise NotFound("Job dating", str(event_id))
    return my_agenda(event, user)
