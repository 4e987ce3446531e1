"""Coordinators' job-dating pages (events, schedule grid, swaps and pins, printable agendas) and
attendees' own agendas."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from api.core.deps import SessionDep
from api.core.errors import AppError, Conflict, NotFound
from api.core.inputs import DbId, RefPath
from api.core.rendering import (
    Form,
    SignedIn,
    WebRoute,
    field_errors,
    language,
    redirect,
    render,
    require_role,
    text,
    tr,
)
from api.core.vocabulary import STAFF_ROLES
from api.jobdating import exports, service
from api.jobdating.schemas import MAX_PARALLEL, Agenda, EventCreate
from api.jobdating.service import (
    ChangeRefused,
    InvalidEvent,
    MeetingNotFound,
    PinsClash,
    end_of,
    full_name,
    slot_ends,
    slot_labels,
)
from api.jobs import service as jobs_service
from api.jobs.schemas import ScheduleJob
from api.models import JobDatingEvent, JobDatingMeeting, User

router = APIRouter(route_class=WebRoute)

SHOWN = 50  # events listed on a page; older ones stay reachable through the API
JOB_DATING_FIELDS = (
    "name",
    "date",
    "place",
    "start_time",
    "slot_minutes",
    "slots",
    "max_per_student",
    "parallel",
    "companies_territory",
    "companies",
    "attendees_scope",
    "attendees",
)
JOB_DATING_DEFAULTS = {
    "start_time": "18:00",
    "slot_minutes": "15",
    "slots": "8",
    "max_per_student": "3",
    "parallel": "1",
}
# create_event's refusals by the field they name (its first part), as catalogue keys.
EVENT_ERRORS = {
    "slots": "jobdating.error.past_midnight",
    "companies": "jobdating.error.companies",
    "attendees": "jobdating.error.attendees",
}
# What a page says when a change is refused without a broken rule to name.
REFUSAL_KEYS: dict[type[AppError], str] = {
    MeetingNotFound: "jobdating.refusal.unknown_meeting",
    PinsClash: "jobdating.refusal.pins_clash",
}
Refusal = ChangeRefused | MeetingNotFound | PinsClash


def _coordinator(user: User) -> None:
    require_role(user, *STAFF_ROLES)


def _number(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _int(form: FormData, name: str) -> int | None:
    return _number(text(form, name))


# ----------------------------------------------------------------------------- the list


def _event_rows(events: list[JobDatingEvent]) -> list[dict[str, Any]]:
    return [
        {
            "event": e,
            "companies": len(e.tables),
            "attendees": len(e.attendees),
            "interviews": len(e.meetings),
            "end": end_of(e),
        }
        for e in events
    ]


def _events_page(
    request: Request,
    session: Session,
    user: User,
    status_code: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    events, total = service.list_events(session, SHOWN, 0)
    choices = service.choices(session)
    return render(
        request,
        "web/jobdating_list.html",
        user,
        status_code,
        events=_event_rows(events),
        total=total,
        values=values or dict(JOB_DATING_DEFAULTS),
        errors=errors or {},
        need_territories=choices.need_territories,
        student_territories=choices.student_territories,
        schools=choices.schools,
    )


@router.get("/job-dating")
def events_page(request: Request, session: SessionDep, user: SignedIn) -> Response:
    _coordinator(user)
    return _events_page(request, session, user)


def _event_errors(request: Request, exc: InvalidEvent) -> dict[str, str]:
    """create_event's refusals, field by field, in the page's language."""
    out: dict[str, str] = {}
    for error in exc.errors:
        name = str(error.field or "form").split(".")[0]
        out.setdefault(name, tr(request, EVENT_ERRORS.get(name, "error.invalid")))
    return out


def _tables(
    request: Request, session: Session, values: dict[str, str], parallel: int
) -> tuple[list[tuple[str, int]], str | None]:
    """(organisation ref, capacity) of the tables asked for, and what is wrong with them."""
    problem: str | None = None
    tables: list[tuple[str, int]] = []
    if values["companies_territory"]:
        listed = service.companies_in(session, values["companies_territory"])
        if not listed:
            problem = tr(request, "jobdating.error.no_company_there")
        tables = [(ref, parallel) for ref in listed]
    typed, refused = service.companies_from_text(session, values["companies"], parallel)
    if refused is not None:
        problem = tr(request, f"jobdating.error.{refused.code}", **refused.values)
    typed_refs = {ref for ref, _ in typed}
    # A company typed in the list keeps its own capacity and its place in the order.
    tables = [*typed, *((ref, cap) for ref, cap in tables if ref not in typed_refs)]
    if len(typed_refs) < len(typed):
        twice = [ref for ref, n in Counter(r for r, _ in typed).items() if n > 1]
        problem = tr(request, "jobdating.error.company_twice", refs=", ".join(twice))
    if not tables and problem is None:
        problem = tr(request, "jobdating.error.no_company")
    return tables, problem


@router.post("/job-dating")
def create_event_page(
    request: Request, session: SessionDep, user: SignedIn, form: Form
) -> Response:
    _coordinator(user)
    values = {name: text(form, name) for name in JOB_DATING_FIELDS}
    errors: dict[str, str] = {}

    parallel = _number(values["parallel"] or "1")
    if parallel is None or not 1 <= parallel <= MAX_PARALLEL:
        errors["parallel"] = tr(request, "jobdating.error.parallel", max=MAX_PARALLEL)
        parallel = 1

    tables, problem = _tables(request, session, values, parallel)
    if problem is not None:
        errors["companies"] = problem

    invited = service.invite(session, values["attendees"], values["attendees_scope"])
    if invited.unknown_scope:
        errors["attendees_scope"] = tr(request, "error.choice")
    if invited.unknown:
        errors["attendees"] = tr(
            request, "jobdating.error.unknown_people", refs=service.quoted(invited.unknown)
        )
    if not invited.refs and not errors.get("attendees") and not errors.get("attendees_scope"):
        errors["attendees"] = tr(request, "jobdating.error.no_attendee")

    body: dict[str, Any] = {
        "name": values["name"],
        "date": values["date"] or None,
        "place": values["place"] or None,
        "start_time": values["start_time"],
        "slot_minutes": values["slot_minutes"],
        "slots": values["slots"],
        "max_per_student": values["max_per_student"],
        "companies": [{"organisation": ref, "parallel": cap} for ref, cap in tables],
        "attendees": invited.refs,
    }
    try:
        validated = EventCreate.model_validate(body)
    except ValidationError as exc:
        found = field_errors(request, exc)
        if "start_time" in found:
            found["start_time"] = tr(request, "jobdating.error.start_time")
        if "date" in found and not values["date"]:
            found["date"] = tr(request, "error.required")
        errors = {**found, **errors}
    if errors:
        return _events_page(request, session, user, 422, values, errors)
    try:
        event = service.create_event(session, validated, user)
    except InvalidEvent as exc:
        return _events_page(request, session, user, 422, values, _event_errors(request, exc))
    return redirect(request, f"/job-dating/{event.id}", "jobdating.created")


# ----------------------------------------------------------------------------- one event


def _meeting_row(m: JobDatingMeeting, labels: list[str], numbers: dict[int, int]) -> dict[str, Any]:
    return {
        "id": m.id,
        "slot": m.slot,
        "time": labels[m.slot] if m.slot < len(labels) else "?",
        "person": full_name(m.attendee.person),
        "person_ref": m.attendee.person.ref,
        "company": m.table.organisation.name,
        "table": numbers.get(m.table_id, 0),
        "pinned": m.pinned,
        "score": m.score,
    }


def _grid(event: JobDatingEvent) -> dict[str, Any]:
    """Rows = tables, columns = slots, cells = the meetings held there (by student name)."""
    labels = slot_labels(event)
    numbers = {t.id: n for n, t in enumerate(event.tables, start=1)}
    cells: dict[tuple[int, int], list[dict[str, Any]]] = {}
    rows = []
    for m in event.meetings:
        row = _meeting_row(m, labels, numbers)
        cells.setdefault((m.table_id, m.slot), []).append(row)
        rows.append(row)
    rows.sort(key=lambda r: (r["slot"], r["table"], r["person"]))
    for cell in cells.values():
        cell.sort(key=lambda r: r["person"])
    per_slot = Counter(m.slot for m in event.meetings)
    met = {m.attendee_id for m in event.meetings}
    return {
        "labels": labels,
        "ends": slot_ends(event),
        "end": end_of(event),
        "tables": [
            {
                "number": numbers[t.id],
                "name": t.organisation.name,
                "ref": t.organisation.ref,
                "parallel": t.parallel,
                "max_interviews": t.max_interviews,
                "count": sum(len(cells.get((t.id, s), [])) for s in range(event.slots)),
                "cells": [cells.get((t.id, s), []) for s in range(event.slots)],
            }
            for t in event.tables
        ],
        "per_slot": [per_slot.get(s, 0) for s in range(event.slots)],
        "meetings": rows,
        "without": sorted(
            (a.person for a in event.attendees if a.id not in met),
            key=lambda p: (p.last_name, p.first_name),
        ),
        "attendees": sorted(
            (a.person for a in event.attendees), key=lambda p: (p.last_name, p.first_name)
        ),
    }


def _event_page(
    request: Request,
    user: User,
    event: JobDatingEvent,
    status_code: int = 200,
    refusal: dict[str, Any] | None = None,
    chosen: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "web/jobdating.html",
        user,
        status_code,
        event=event,
        grid=_grid(event),
        report=event.report,
        refusal=refusal,
        chosen=chosen or {},
    )


@router.get("/job-dating/{event_id}")
def event_page(request: Request, session: SessionDep, user: SignedIn, event_id: DbId) -> Response:
    _coordinator(user)
    return _event_page(request, user, service.get_event(session, event_id))


def _names(event: JobDatingEvent) -> dict[str, str]:
    """Refs of the event's people and organisations -> the names a coordinator reads."""
    names = {a.person.ref: full_name(a.person) for a in event.attendees}
    return names | {t.organisation.ref: t.organisation.name for t in event.tables}


def _reasons(request: Request, event: JobDatingEvent, exc: Refusal) -> list[str]:
    """Each broken rule of a refused change, named with people, tables and times."""
    if not isinstance(exc, ChangeRefused) or not exc.violations:
        return [tr(request, REFUSAL_KEYS.get(type(exc), "error.invalid"))]
    names = _names(event)
    labels = slot_labels(event)
    out: list[str] = []
    for violation, error in zip(exc.violations, exc.errors, strict=True):
        key = f"jobdating.violation.{violation.code}"
        parts = violation.subject
        who = next((names[p] for p in parts if p in names), "")
        slot = next((int(p) for p in parts if p.isdigit()), None)
        time = labels[slot] if slot is not None and 0 <= slot < len(labels) else ""
        message = tr(request, key, who=who, time=time)
        # A rule the pages have no words for reads as the API's description of it.
        out.append(message if message != key else error.text(language(request)))
    return out


def _label(event: JobDatingEvent, meeting_id: int | None) -> str:
    """A meeting as the swap and move lists name it: who, which company, when."""
    labels = slot_labels(event)
    for m in event.meetings:
        if m.id == meeting_id:
            person, company = full_name(m.attendee.person), m.table.organisation.name
            return f"{person} · {company} · {labels[m.slot]}"
    return "…"


def _refused(
    request: Request,
    user: User,
    event: JobDatingEvent,
    status_code: int,
    reasons: list[str],
    title: str,
    chosen: dict[str, str],
) -> Response:
    """The page again, nothing changed (the services refuse before changing anything), with
    why the change was refused."""
    refusal = {"title": title, "reasons": reasons}
    return _event_page(request, user, event, status_code, refusal, chosen)


def _unknown_meeting(request: Request) -> list[str]:
    return [tr(request, "jobdating.refusal.unknown_meeting")]


@router.post("/job-dating/{event_id}/planning")
def plan(
    request: Request, session: SessionDep, user: SignedIn, form: Form, event_id: DbId
) -> Response:
    _coordinator(user)
    coverage = text(form, "coverage") == "1"
    # Runs in the background: the page follows its progress, then shows the schedule (or
    # why the pins could not all be kept).
    body = ScheduleJob(event_id=event_id, coverage=coverage)
    job = jobs_service.start(session, request.app.state.jobs, user, body)
    return redirect(request, f"/travaux/{job.id}")


@router.post("/job-dating/{event_id}/envoyer")
def mail_agendas(
    request: Request, session: SessionDep, user: SignedIn, form: Form, event_id: DbId
) -> Response:
    """Mail each attendee and each table their agenda (after the coordinators' adjustments)."""
    _coordinator(user)
    event = service.get_event(session, event_id)
    try:
        exports.mail_agendas(session, event, user)
    except Conflict:
        return redirect(request, f"/job-dating/{event_id}", "jobdating.not_scheduled")
    return redirect(request, f"/job-dating/{event_id}#planning", "jobdating.agendas_sent")


@router.post("/job-dating/{event_id}/echanger")
def swap_page(
    request: Request, session: SessionDep, user: SignedIn, form: Form, event_id: DbId
) -> Response:
    _coordinator(user)
    event = service.get_event(session, event_id)
    a, b = _int(form, "a"), _int(form, "b")
    chosen = {"a": text(form, "a"), "b": text(form, "b")}
    title = tr(request, "jobdating.refused.swap", a=_label(event, a), b=_label(event, b))
    if a is None or b is None:
        return _refused(request, user, event, 422, _unknown_meeting(request), title, chosen)
    try:
        service.swap_meetings(session, event, a, b, user)
    except (ChangeRefused, MeetingNotFound) as exc:
        reasons = _reasons(request, event, exc)
        return _refused(request, user, event, exc.status_code, reasons, title, chosen)
    return redirect(request, f"/job-dating/{event_id}#planning", "jobdating.swapped")


@router.post("/job-dating/{event_id}/epingler")
def pin_page(
    request: Request, session: SessionDep, user: SignedIn, form: Form, event_id: DbId
) -> Response:
    """A grid button ("pin" or "unpin" = meeting id), or the move form (meeting and slot)."""
    _coordinator(user)
    event = service.get_event(session, event_id)
    labels = slot_labels(event)
    moving = not (text(form, "pin") or text(form, "unpin"))
    slot: int | None = None
    if moving:
        meeting, pinned, slot = _int(form, "meeting"), True, _int(form, "slot")
        key = "jobdating.refused.move"
    else:
        pinned = bool(text(form, "pin"))
        meeting = _int(form, "pin" if pinned else "unpin")
        key = "jobdating.refused.pin" if pinned else "jobdating.refused.unpin"
    chosen = {"meeting": text(form, "meeting"), "slot": text(form, "slot")}
    time = labels[slot] if slot is not None and 0 <= slot < len(labels) else "…"
    title = tr(request, key, meeting=_label(event, meeting), time=time)
    if meeting is None or (moving and (slot is None or not 0 <= slot < len(labels))):
        return _refused(request, user, event, 422, _unknown_meeting(request), title, chosen)
    try:
        service.pin_meeting(session, event, meeting, pinned, user, slot=slot)
    except (ChangeRefused, MeetingNotFound) as exc:
        reasons = _reasons(request, event, exc)
        return _refused(request, user, event, exc.status_code, reasons, title, chosen)
    done = "jobdating.pin_done" if pinned else "jobdating.unpin_done"
    return redirect(
        request, f"/job-dating/{event_id}#planning", "jobdating.moved" if moving else done
    )


@router.post("/job-dating/{event_id}/supprimer")
def delete_event_page(
    request: Request, session: SessionDep, user: SignedIn, form: Form, event_id: DbId
) -> Response:
    _coordinator(user)
    service.delete_event(session, event_id, user)
    return redirect(request, "/job-dating", "jobdating.deleted")


@router.get("/job-dating/{event_id}/agenda.csv")
def event_csv(session: SessionDep, user: SignedIn, event_id: DbId) -> Response:
    _coordinator(user)
    event = service.get_event(session, event_id)
    return Response(
        exports.schedule_csv(event).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="job-dating-{event.id}.csv"'},
    )


# ----------------------------------------------------------------------------- agendas


def _sheet(event: JobDatingEvent, agenda: Agenda, numbers: dict[str, int]) -> dict[str, Any]:
    """One printable agenda: a student's meetings, or a table's every slot (free ones too)."""
    labels, ends = slot_labels(event), slot_ends(event)
    if agenda.kind == "student":
        rows = [
            {
                "time": i.time,
                "end": i.end,
                "table": numbers.get(i.ref, 0),
                "names": [i.name],
            }
            for i in agenda.meetings
        ]
    else:
        by_slot: dict[int, list[str]] = {}
        for i in agenda.meetings:
            by_slot.setdefault(i.slot, []).append(i.name)
        rows = [
            {"time": labels[s], "end": ends[s], "table": 0, "names": by_slot.get(s, [])}
            for s in range(event.slots)
        ]
    return {
        "kind": agenda.kind,
        "ref": agenda.ref,
        "name": agenda.name,
        "table": numbers.get(agenda.ref, 0),
        "meetings": len(agenda.meetings),
        "rows": rows,
    }


def _numbers(event: JobDatingEvent) -> dict[str, int]:
    return {t.organisation.ref: n for n, t in enumerate(event.tables, start=1)}


def _print_page(
    request: Request,
    user: User,
    event: JobDatingEvent,
    sheets: list[dict[str, Any]],
    title: str,
    back: str,
) -> Response:
    return render(
        request,
        "web/agenda_print.html",
        user,
        200,
        event=event,
        sheets=sheets,
        heading=title,
        back=back,
        end=end_of(event),
    )


@router.get("/job-dating/{event_id}/agendas/{who}")
def printable_agendas(
    request: Request, session: SessionDep, user: SignedIn, event_id: DbId, who: RefPath
) -> Response:
    _coordinator(user)
    if who not in ("etudiants", "entreprises"):
        raise NotFound(code="agenda_not_found")
    event = service.get_event(session, event_id)
    all_agendas = exports.agendas(event)
    numbers = _numbers(event)
    chosen = all_agendas.students if who == "etudiants" else all_agendas.companies
    sheets = [_sheet(event, a, numbers) for a in chosen]
    if who == "etudiants":  # alphabetical, as they are handed out at the door
        names = {a.person.ref: (a.person.last_name, a.person.first_name) for a in event.attendees}
        sheets.sort(key=lambda s: tuple(service.fold(x) for x in names.get(s["ref"], ("", ""))))
    title = tr(request, f"agenda.title.{who}")
    return _print_page(request, user, event, sheets, title, f"/job-dating/{event.id}")


@router.get("/job-dating/{event_id}/agenda/{ref}")
def one_agenda(
    request: Request, session: SessionDep, user: SignedIn, event_id: DbId, ref: RefPath
) -> Response:
    """One attendee's or table's agenda: for coordinators, or for that person or company."""
    event = service.get_event(session, event_id)
    all_agendas = exports.agendas(event)
    agenda = next(
        (a for a in [*all_agendas.students, *all_agendas.companies] if a.ref == ref), None
    )
    staff = user.role in STAFF_ROLES
    allowed = staff
    if agenda is not None and not allowed:
        person = user.person.ref if user.person else None
        organisation = user.organisation.ref if user.organisation else None
        allowed = (agenda.kind == "student" and person == ref) or (
            agenda.kind == "company" and user.role == "company" and organisation == ref
        )
    if agenda is None or not allowed:
        # Who takes part in an event is not everyone's business: the same 404 either way.
        raise NotFound(code="agenda_not_found")
    sheet = _sheet(event, agenda, _numbers(event))
    back = f"/job-dating/{event.id}" if staff else "/mon-agenda"
    return _print_page(request, user, event, [sheet], agenda.name, back)


@router.get("/mon-agenda")
def my_agendas(request: Request, session: SessionDep, user: SignedIn) -> Response:
    """The events a student, researcher or company takes part in, with their own meetings."""
    if user.role in STAFF_ROLES:
        return redirect(request, "/job-dating")
    today = dt.date.today()
    entries = []
    for event in service.events_of(session, user):
        mine = exports.my_agenda(event, user)
        entries.append(
            {
                "event": event,
                "end": end_of(event),
                "past": event.day < today,
                "scheduled": event.scheduled_at is not None,
                "sheet": _sheet(event, mine.agenda, _numbers(event)),
            }
        )
    upcoming = [e for e in entries if not e["past"]]
    past = [e for e in entries if e["past"]][::-1]
    return render(
        request,
        "web/jobdating_mine.html",
        user,
        200,
        upcoming=upcoming,
        past=past,
    )
