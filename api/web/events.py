"""Coordinators' event pages (job-dating evenings, hackathon teams) and attendees' own agendas."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from api.core.deps import SessionDep
from api.core.errors import AppError
from api.core.rendering import (
    Form,
    SignedIn,
    WebRoute,
    field_errors,
    redirect,
    render,
    require_role,
    text,
    tr,
)
from api.models import (
    HackathonEvent,
    Interest,
    JobDatingAttendee,
    JobDatingEvent,
    JobDatingMeeting,
    JobDatingTable,
    Need,
    Organisation,
    Person,
    User,
)
from api.routers.jobdating import (
    Agenda,
    EventCreate,
    agendas,
    create_event,
    delete_event,
    end_of,
    full_name,
    get_event,
    list_events,
    my_agenda,
    pin_meeting,
    schedule_csv,
    schedule_event,
    slot_ends,
    slot_labels,
    swap_meetings,
)
from api.routers.teams import (
    HackathonCreate,
    create_hackathon,
    delete_hackathon,
    get_hackathon,
    list_hackathons,
    teams_csv,
    teams_of,
)

router = APIRouter(route_class=WebRoute)

SHOWN = 50  # events listed on a page; older ones stay reachable through the API
MAX_CAPACITY = 20  # interviews a table holds at once (TableIn.parallel)
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
HACKATHON_FIELDS = ("name", "team_size", "need", "school", "participants")
SKILLS_SHOWN = 4  # a member's main skills on a team card


def _coordinator(user: User) -> None:
    require_role(user, "coordinator", "admin")


def _csv(body: str, filename: str) -> Response:
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _fold(value: str) -> str:
    """A name as typed by anyone: no accents, no case, single spaces."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return " ".join(plain.casefold().split())


# ----------------------------------------------------------------------------- choices


def _need_territories(session: Session) -> list[tuple[str, int]]:
    """Territories with open needs, and how many companies have one there."""
    rows = session.execute(
        select(Need.territory, func.count(func.distinct(Need.organisation_id)))
        .join(Organisation, Organisation.id == Need.organisation_id)
        .where(Need.is_open, Need.territory.is_not(None), Organisation.kind == "company")
        .group_by(Need.territory)
        .order_by(Need.territory)
    )
    return [(str(name), int(count)) for name, count in rows]


def _student_territories(session: Session) -> list[tuple[str, int]]:
    rows = session.execute(
        select(Person.territory, func.count())
        .where(Person.kind == "student", Person.territory.is_not(None))
        .group_by(Person.territory)
        .order_by(Person.territory)
    )
    return [(str(name), int(count)) for name, count in rows]


def _schools(session: Session) -> list[tuple[str, str, int]]:
    """(ref, name, students) of the schools that have students."""
    rows = session.execute(
        select(Organisation.ref, Organisation.name, func.count(Person.id))
        .join(Person, Person.organisation_id == Organisation.id)
        .where(Organisation.kind == "school", Person.kind == "student")
        .group_by(Organisation.id, Organisation.ref, Organisation.name)
        .order_by(Organisation.name)
    )
    return [(str(ref), str(name), int(count)) for ref, name, count in rows]


def _students_of(session: Session, scope: str) -> list[Person] | None:
    """The students a scope names ("territoire:X" or "ecole:REF"), by name; None if unknown."""
    kind, _, value = scope.partition(":")
    query = select(Person).where(Person.kind == "student")
    if kind == "territoire":
        query = query.where(Person.territory == value)
    elif kind == "ecole":
        school = session.scalar(select(Organisation.id).where(Organisation.ref == value))
        if school is None:
            return None
        query = query.where(Person.organisation_id == school)
    else:
        return None
    people = list(session.scalars(query.order_by(Person.last_name, Person.first_name, Person.ref)))
    return people if people or kind == "ecole" else None


def _people_from_text(session: Session, value: str) -> tuple[list[str], list[str]]:
    """Person refs or e-mail addresses (the profile's or the account's) typed by a coordinator
    -> (refs found, tokens unknown)."""
    tokens = [x for x in re.split(r"[\s,;]+", value) if x]
    emails = {x.lower() for x in tokens if "@" in x}
    refs = {x.upper() for x in tokens if "@" not in x}
    found_refs = set(session.scalars(select(Person.ref).where(Person.ref.in_(refs))))
    by_email: dict[str, str] = {}
    if emails:
        accounts = session.execute(
            select(Person.ref, User.email)
            .join(User, User.person_id == Person.id)
            .where(func.lower(User.email).in_(emails))
        )
        profiles = session.execute(
            select(Person.ref, Person.email).where(func.lower(Person.email).in_(emails))
        )
        by_email = {str(email).lower(): str(ref) for ref, email in [*accounts, *profiles]}
    out: list[str] = []
    unknown: list[str] = []
    for token in tokens:
        ref = by_email.get(token.lower()) if "@" in token else token.upper()
        if ref is not None and (ref in found_refs or "@" in token):
            out.append(ref)
        else:
            unknown.append(token)
    return out, unknown


def _merge(first: list[str], then: list[str]) -> list[str]:
    """Both lists in order, each ref once."""
    return list(dict.fromkeys([*first, *then]))


def _number(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _list_of(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(f"« {x} »" for x in items[:limit])
    return shown + (" …" if len(items) > limit else "")


# ----------------------------------------------------------------------------- job dating: list


def _companies_from_text(
    session: Session, request: Request, value: str, default: int
) -> tuple[list[tuple[str, int]], str | None]:
    """Lines "ref or name[;capacity]" -> ([(organisation ref, capacity)], error message)."""
    rows = session.execute(select(Organisation.ref, Organisation.name))
    by_ref: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    for org_ref, org_name in rows:
        by_ref[str(org_ref).upper()] = str(org_ref)
        by_name.setdefault(_fold(str(org_name)), []).append(str(org_ref))
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
            if not 1 <= capacity <= MAX_CAPACITY:
                return [], tr(
                    request,
                    "jobdating.error.capacity",
                    line=number,
                    value=capacity_text.strip(),
                    max=MAX_CAPACITY,
                )
        ref = by_ref.get(label.upper())
        if ref is None:
            named = by_name.get(_fold(label), [])
            if len(named) > 1:
                return [], tr(request, "jobdating.error.ambiguous", line=number, name=label)
            if not named:
                return [], tr(request, "jobdating.error.unknown_company", line=number, name=label)
            ref = named[0]
        out.append((ref, capacity))
    return out, None


def _territory_companies(session: Session, territory: str) -> list[str]:
    """Refs of the companies with an open need in a territory, by name."""
    ids = select(Need.organisation_id).where(Need.is_open, Need.territory == territory)
    query = (
        select(Organisation.ref)
        .where(Organisation.kind == "company", Organisation.id.in_(ids))
        .order_by(Organisation.name, Organisation.ref)
    )
    return list(session.scalars(query))


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
    events, total = list_events(session, SHOWN, 0)
    return render(
        request,
        "web/jobdating_list.html",
        user,
        status_code,
        events=_event_rows(events),
        total=total,
        values=values or dict(JOB_DATING_DEFAULTS),
        errors=errors or {},
        need_territories=_need_territories(session),
        student_territories=_student_territories(session),
        schools=_schools(session),
    )


@router.get("/job-dating")
def events_page(request: Request, session: SessionDep, user: SignedIn) -> Response:
    _coordinator(user)
    return _events_page(request, session, user)


def _event_errors(request: Request, exc: AppError) -> dict[str, str]:
    """create_event's refusals, field by field, in the page's language."""
    out: dict[str, str] = {}
    for error in exc.errors or [{"field": exc.field or "form", "message": exc.message}]:
        field = str(error.get("field") or "form").split(".")[0]
        key = {
            "slots": "jobdating.error.past_midnight",
            "companies": "jobdating.error.companies",
            "attendees": "jobdating.error.attendees",
        }.get(field, "error.invalid")
        out.setdefault(field, tr(request, key))
    return out


@router.post("/job-dating")
def create_event_page(
    request: Request, session: SessionDep, user: SignedIn, form: Form
) -> Response:
    _coordinator(user)
    values = {name: text(form, name) for name in JOB_DATING_FIELDS}
    errors: dict[str, str] = {}

    parallel = _number(values["parallel"] or "1")
    if parallel is None or not 1 <= parallel <= MAX_CAPACITY:
        errors["parallel"] = tr(request, "jobdating.error.parallel", max=MAX_CAPACITY)
        parallel = 1

    tables: list[tuple[str, int]] = []
    if values["companies_territory"]:
        listed = _territory_companies(session, values["companies_territory"])
        if not listed:
            errors["companies"] = tr(request, "jobdating.error.no_company_there")
        tables = [(ref, parallel) for ref in listed]
    typed, problem = _companies_from_text(session, request, values["companies"], parallel)
    if problem:
        errors["companies"] = problem
    typed_refs = {ref for ref, _ in typed}
    # A company typed in the list keeps its own capacity and its place in the order.
    tables = [*typed, *((ref, cap) for ref, cap in tables if ref not in typed_refs)]
    if len({ref for ref, _ in typed}) < len(typed):
        twice = [ref for ref, n in Counter(r for r, _ in typed).items() if n > 1]
        errors["companies"] = tr(request, "jobdating.error.company_twice", refs=", ".join(twice))
    if not tables and "companies" not in errors:
        errors["companies"] = tr(request, "jobdating.error.no_company")

    scoped: list[str] = []
    if values["attendees_scope"]:
        people = _students_of(session, values["attendees_scope"])
        if people is None:
            errors["attendees_scope"] = tr(request, "error.choice")
        else:
            scoped = [p.ref for p in people]
    typed_people, unknown = _people_from_text(session, values["attendees"])
    if unknown:
        errors["attendees"] = tr(request, "jobdating.error.unknown_people", refs=_list_of(unknown))
    attendees = _merge(typed_people, scoped)
    if not attendees and not errors.get("attendees") and not errors.get("attendees_scope"):
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
        "attendees": attendees,
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
        event = create_event(session, validated, user)
    except AppError as exc:
        session.rollback()
        if exc.status_code != 422:
            raise
        return _events_page(request, session, user, 422, values, _event_errors(request, exc))
    session.commit()
    return redirect(request, f"/job-dating/{event.id}", "jobdating.created")


# ----------------------------------------------------------------------------- job dating: one


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
def event_page(request: Request, session: SessionDep, user: SignedIn, event_id: int) -> Response:
    _coordinator(user)
    return _event_page(request, user, get_event(session, event_id))


def _names(event: JobDatingEvent) -> dict[str, str]:
    """Refs of the event's people and organisations -> the names a coordinator reads."""
    names = {a.person.ref: full_name(a.person) for a in event.attendees}
    return names | {t.organisation.ref: t.organisation.name for t in event.tables}


def _reasons(request: Request, event: JobDatingEvent, exc: AppError) -> list[str]:
    """Each broken rule of a refused change, named with people, tables and times."""
    names = _names(event)
    labels = slot_labels(event)
    out: list[str] = []
    for error in exc.errors:
        code = str(error.get("field", ""))
        key = f"jobdating.violation.{code}"
        subject = re.search(r"\(([^()]*)\)\s*$", str(error.get("message", "")))
        parts = [p.strip() for p in subject.group(1).split(",")] if subject else []
        who = next((names[p] for p in parts if p in names), "")
        slot = next((int(p) for p in parts if p.isdigit()), None)
        time = labels[slot] if slot is not None and 0 <= slot < len(labels) else ""
        message = tr(request, key, who=who, time=time)
        out.append(message if message != key else str(error.get("message", "")))
    if not out:
        key = "jobdating.refusal.unknown_meeting" if exc.status_code == 422 else "error.invalid"
        if exc.status_code == 409 and not exc.errors:
            key = "jobdating.refusal.pins_clash"
        out.append(tr(request, key))
    return out


def _label(event: JobDatingEvent, meeting_id: int | None) -> str:
    """A meeting as the swap and move lists name it: who, which company, when."""
    labels = slot_labels(event)
    for m in event.meetings:
        if m.id == meeting_id:
            person, company = full_name(m.attendee.person), m.table.organisation.name
            return f"{person} · {company} · {labels[m.slot]}"
    return "…"


def _int(form: FormData, name: str) -> int | None:
    return _number(text(form, name))


def _refused(
    request: Request,
    session: Session,
    user: User,
    event_id: int,
    exc: AppError,
    title: str,
    chosen: dict[str, str],
) -> Response:
    """The page again, nothing changed, with why the change was refused."""
    session.rollback()
    if exc.status_code not in (409, 422):
        raise exc
    event = get_event(session, event_id)
    refusal = {"title": title, "reasons": _reasons(request, event, exc)}
    return _event_page(request, user, event, exc.status_code, refusal, chosen)


@router.post("/job-dating/{event_id}/planning")
def plan(
    request: Request, session: SessionDep, user: SignedIn, form: Form, event_id: int
) -> Response:
    _coordinator(user)
    event = get_event(session, event_id)
    coverage = text(form, "coverage") == "1"
    try:
        schedule_event(session, request.app.state.matching, event, user, coverage=coverage)
    except AppError as exc:
        title = tr(request, "jobdating.refused.planning")
        return _refused(request, session, user, event_id, exc, title, {})
    session.commit()
    return redirect(request, f"/job-dating/{event_id}#planning", "jobdating.scheduled")


@router.post("/job-dating/{event_id}/echanger")
def swap_page(
    request: Request, session: SessionDep, user: SignedIn, form: Form, event_id: int
) -> Response:
    _coordinator(user)
    event = get_event(session, event_id)
    a, b = _int(form, "a"), _int(form, "b")
    chosen = {"a": text(form, "a"), "b": text(form, "b")}
    title = tr(request, "jobdating.refused.swap", a=_label(event, a), b=_label(event, b))
    try:
        if a is None or b is None:
            raise AppError("", 422, field="a")
        swap_meetings(session, event, a, b, user)
    except AppError as exc:
        return _refused(request, session, user, event_id, exc, title, chosen)
    session.commit()
    return redirect(request, f"/job-dating/{event_id}#planning", "jobdating.swapped")


@router.post("/job-dating/{event_id}/epingler")
def pin_page(
    request: Request, session: SessionDep, user: SignedIn, form: Form, event_id: int
) -> Response:
    """A grid button ("pin" or "unpin" = meeting id), or the move form (meeting and slot)."""
    _coordinator(user)
    event = get_event(session, event_id)
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
    try:
        if meeting is None or (moving and (slot is None or not 0 <= slot < len(labels))):
            raise AppError("", 422, field="meeting")
        pin_meeting(session, event, meeting, pinned, user, slot=slot)
    except AppError as exc:
        return _refused(request, session, user, event_id, exc, title, chosen)
    session.commit()
    done = "jobdating.pin_done" if pinned else "jobdating.unpin_done"
    return redirect(
        request, f"/job-dating/{event_id}#planning", "jobdating.moved" if moving else done
    )


@router.post("/job-dating/{event_id}/supprimer")
def delete_event_page(
    request: Request, session: SessionDep, user: SignedIn, form: Form, event_id: int
) -> Response:
    _coordinator(user)
    delete_event(session, event_id, user)
    session.commit()
    return redirect(request, "/job-dating", "jobdating.deleted")


@router.get("/job-dating/{event_id}/agenda.csv")
def event_csv(session: SessionDep, user: SignedIn, event_id: int) -> Response:
    _coordinator(user)
    event = get_event(session, event_id)
    return _csv(schedule_csv(event), f"job-dating-{event.id}.csv")


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
    request: Request, session: SessionDep, user: SignedIn, event_id: int, who: str
) -> Response:
    _coordinator(user)
    if who not in ("etudiants", "entreprises"):
        raise AppError("", 404)
    event = get_event(session, event_id)
    all_agendas = agendas(event)
    numbers = _numbers(event)
    chosen = all_agendas.students if who == "etudiants" else all_agendas.companies
    sheets = [_sheet(event, a, numbers) for a in chosen]
    if who == "etudiants":  # alphabetical, as they are handed out at the door
        names = {a.person.ref: (a.person.last_name, a.person.first_name) for a in event.attendees}
        sheets.sort(key=lambda s: tuple(_fold(x) for x in names.get(s["ref"], ("", ""))))
    title = tr(request, f"agenda.title.{who}")
    return _print_page(request, user, event, sheets, title, f"/job-dating/{event.id}")


@router.get("/job-dating/{event_id}/agenda/{ref}")
def one_agenda(
    request: Request, session: SessionDep, user: SignedIn, event_id: int, ref: str
) -> Response:
    """One attendee's or table's agenda: for coordinators, or for that person or company."""
    event = get_event(session, event_id)
    all_agendas = agendas(event)
    agenda = next(
        (a for a in [*all_agendas.students, *all_agendas.companies] if a.ref == ref), None
    )
    allowed = user.role in ("coordinator", "admin")
    if agenda is not None and not allowed:
        person = user.person.ref if user.person else None
        organisation = user.organisation.ref if user.organisation else None
        allowed = (agenda.kind == "student" and person == ref) or (
            agenda.kind == "company" and user.role == "company" and organisation == ref
        )
    if agenda is None or not allowed:
        # Who takes part in an event is not everyone's business: the same 404 either way.
        raise AppError("", 404)
    sheet = _sheet(event, agenda, _numbers(event))
    back = f"/job-dating/{event.id}" if user.role in ("coordinator", "admin") else "/mon-agenda"
    return _print_page(request, user, event, [sheet], agenda.name, back)


@router.get("/mon-agenda")
def my_agendas(request: Request, session: SessionDep, user: SignedIn) -> Response:
    """The events a student, researcher or company takes part in, with their own meetings."""
    if user.role in ("coordinator", "admin"):
        return redirect(request, "/job-dating")
    ids: set[int] = set()
    if user.person_id is not None:
        ids |= set(
            session.scalars(
                select(JobDatingAttendee.event_id).where(
                    JobDatingAttendee.person_id == user.person_id
                )
            )
        )
    if user.role == "company" and user.organisation_id is not None:
        ids |= set(
            session.scalars(
                select(JobDatingTable.event_id).where(
                    JobDatingTable.organisation_id == user.organisation_id
                )
            )
        )
    events = (
        list(
            session.scalars(
                select(JobDatingEvent)
                .where(JobDatingEvent.id.in_(ids))
                .order_by(JobDatingEvent.day, JobDatingEvent.id)
            )
        )
        if ids
        else []
    )
    today = dt.date.today()
    entries = []
    for event in events:
        mine = my_agenda(event, user)
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


# ----------------------------------------------------------------------------- hackathons


def _hackathon_needs(session: Session) -> list[dict[str, Any]]:
    """Open hackathon needs, with how many people said they are interested."""
    interested = dict(
        session.execute(select(Interest.need_id, func.count()).group_by(Interest.need_id)).all()
    )
    needs = session.scalars(
        select(Need).where(Need.is_open, Need.kind == "hackathon").order_by(Need.title, Need.ref)
    ).unique()
    return [
        {
            "ref": n.ref,
            "title": n.title,
            "organisation": n.organisation.name,
            "interested": int(interested.get(n.id, 0)),
        }
        for n in needs
    ]


def _hackathons_page(
    request: Request,
    session: Session,
    user: User,
    status_code: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    events, total = list_hackathons(session, SHOWN, 0)
    rows = [
        {
            "event": e,
            "participants": len(e.members),
            "teams": len({m.team for m in e.members}),
        }
        for e in events
    ]
    return render(
        request,
        "web/hackathons.html",
        user,
        status_code,
        hackathons=rows,
        total=total,
        values=values or {"team_size": "4"},
        errors=errors or {},
        needs=_hackathon_needs(session),
        schools=_schools(session),
    )


@router.get("/hackathons")
def hackathons_page(request: Request, session: SessionDep, user: SignedIn) -> Response:
    _coordinator(user)
    return _hackathons_page(request, session, user)


@router.post("/hackathons")
def create_hackathon_page(
    request: Request, session: SessionDep, user: SignedIn, form: Form
) -> Response:
    _coordinator(user)
    values = {name: text(form, name) for name in HACKATHON_FIELDS}
    errors: dict[str, str] = {}
    typed, unknown = _people_from_text(session, values["participants"])
    if unknown:
        errors["participants"] = tr(
            request, "jobdating.error.unknown_people", refs=_list_of(unknown)
        )
    scoped: list[str] = []
    if values["school"]:
        people = _students_of(session, f"ecole:{values['school']}")
        if people is None:
            errors["school"] = tr(request, "error.choice")
        else:
            scoped = [p.ref for p in people]
    body = {
        "name": values["name"],
        "team_size": values["team_size"],
        "need": values["need"] or None,
        "participants": _merge(typed, scoped),
    }
    try:
        validated = HackathonCreate.model_validate(body)
    except ValidationError as exc:
        errors = {**field_errors(request, exc), **errors}
    if errors:
        return _hackathons_page(request, session, user, 422, values, errors)
    try:
        event = create_hackathon(session, validated, user)
    except AppError as exc:
        session.rollback()
        if exc.status_code != 422:
            raise
        field = str((exc.errors[0].get("field") if exc.errors else exc.field) or "form")
        field = field.split(".")[0]
        key = "hackathons.error.need" if field == "need" else "hackathons.error.participants"
        if field == "participants" and not body["participants"]:
            key = (
                "hackathons.error.no_one_interested"
                if values["need"]
                else "hackathons.error.no_participant"
            )
        return _hackathons_page(request, session, user, 422, values, {field: tr(request, key)})
    session.commit()
    return redirect(request, f"/hackathons/{event.id}", "hackathons.created")


def _team_cards(event: HackathonEvent) -> list[dict[str, Any]]:
    """Each team with its members, the skill families it covers and the schools it mixes."""
    people = {m.person.ref: m.person for m in event.members}
    cards = []
    for team in teams_of(event):
        members = [people[m.person] for m in team.members if m.person in people]
        families = sorted(
            {link.skill.family for p in members for link in p.skill_links if link.skill.family}
        )
        schools = sorted({m.school_name for m in team.members if m.school_name})
        cards.append(
            {
                "number": team.number,
                "score": team.score,
                "members": [
                    {
                        "ref": m.person,
                        "name": m.name,
                        "school": m.school_name,
                        "level": m.level,
                        "skills": m.skills[:SKILLS_SHOWN],
                    }
                    for m in team.members
                ],
                "families": families,
                "schools": schools,
            }
        )
    return cards


@router.get("/hackathons/{hackathon_id}")
def hackathon_page(
    request: Request, session: SessionDep, user: SignedIn, hackathon_id: int
) -> Response:
    _coordinator(user)
    event = get_hackathon(session, hackathon_id)
    report = event.report
    sizes = Counter(report.get("sizes", []))
    return render(
        request,
        "web/hackathon.html",
        user,
        200,
        event=event,
        report=report,
        sizes=sorted(sizes.items(), reverse=True),
        teams=_team_cards(event),
    )


@router.get("/hackathons/{hackathon_id}/equipes.csv")
def hackathon_csv(session: SessionDep, user: SignedIn, hackathon_id: int) -> Response:
    _coordinator(user)
    event = get_hackathon(session, hackathon_id)
    return _csv(teams_csv(event), f"hackathon-{event.id}.csv")


@router.post("/hackathons/{hackathon_id}/supprimer")
def delete_hackathon_page(
    request: Request, session: SessionDep, user: SignedIn, form: Form, hackathon_id: int
) -> Response:
    _coordinator(user)
    delete_hackathon(session, hackathon_id, user)
    session.commit()
    return redirect(request, "/hackathons", "hackathons.deleted")


# ----------------------------------------------------------------------------- tools index


@router.get("/outils")
def tools_index(request: Request, session: SessionDep, user: SignedIn) -> Response:
    """The coordinators' tools on one page (the navigation groups them under one entry)."""
    _coordinator(user)
    counts = {
        "jobdating": session.scalar(select(func.count()).select_from(JobDatingEvent)) or 0,
        "hackathons": session.scalar(select(func.count()).select_from(HackathonEvent)) or 0,
    }
    return render(request, "web/outils.html", user, counts=counts)
