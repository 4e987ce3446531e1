"""JSON endpoints of job-dating events: coordinators run them, each attendee reads their agenda."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.core.deps import Coordinator, CurrentUser, PageDep, SessionDep
from api.core.inputs import DbId
from api.core.pagination import Paginated
from api.jobdating import exports, service
from api.jobdating.schemas import (
    AgendasMailed,
    AgendasOut,
    AttendeeOut,
    EventCreate,
    EventOut,
    EventSummary,
    MeetingOut,
    MyAgendaOut,
    PinRequest,
    ScheduleRequest,
    SwapRequest,
    TableOut,
)
from api.jobdating.service import full_name, slot_labels
from api.models import JobDatingEvent

router = APIRouter(prefix="/api/v1/job-dating", tags=["job-dating"])


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


@router.post("", response_model=EventOut, status_code=201)
def create(session: SessionDep, user: Coordinator, body: EventCreate) -> EventOut:
    """Créer un job dating : tables des entreprises et participants / create an event."""
    return event_out(service.create_event(session, body, user))


@router.get("", response_model=Paginated[EventSummary])
def index(session: SessionDep, user: Coordinator, page: PageDep) -> Paginated[EventSummary]:
    """Les job datings, du plus récent au plus ancien / events, latest first."""
    events, total = service.list_events(session, page.limit, page.offset)
    return Paginated(
        items=[event_summary(e) for e in events], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/{event_id}", response_model=EventOut)
def read(session: SessionDep, user: Coordinator, event_id: DbId) -> EventOut:
    """Un job dating et son planning / one event with its schedule."""
    return event_out(service.get_event(session, event_id))


@router.delete("/{event_id}", status_code=204, response_class=Response)
def delete(session: SessionDep, user: Coordinator, event_id: DbId) -> Response:
    """Supprimer un job dating et son planning / delete an event and its schedule."""
    service.delete_event(session, event_id, user)
    return Response(status_code=204)


@router.post("/{event_id}/schedule", response_model=EventOut)
def schedule(
    request: Request,
    session: SessionDep,
    user: Coordinator,
    event_id: DbId,
    body: ScheduleRequest | None = None,
) -> EventOut:
    """Calculer le planning (les épinglés restent) / compute the schedule, pins kept."""
    event = service.get_event(session, event_id)
    coverage = body.coverage if body is not None else True
    return event_out(
        service.schedule_event(session, request.app.state.matching, event, user, coverage=coverage)
    )


@router.post("/{event_id}/swap", response_model=EventOut)
def swap_route(
    session: SessionDep, user: Coordinator, event_id: DbId, body: SwapRequest
) -> EventOut:
    """Échanger les créneaux de deux entretiens / exchange two meetings' slots (checked)."""
    event = service.get_event(session, event_id)
    return event_out(service.swap_meetings(session, event, body.a, body.b, user))


@router.post("/{event_id}/pin", response_model=EventOut)
def pin(session: SessionDep, user: Coordinator, event_id: DbId, body: PinRequest) -> EventOut:
    """Épingler ou désépingler un entretien (et le déplacer) / pin, unpin or move a meeting."""
    event = service.get_event(session, event_id)
    return event_out(
        service.pin_meeting(session, event, body.meeting, body.pinned, user, slot=body.slot)
    )


@router.get("/{event_id}/agenda.csv")
def agenda_csv(session: SessionDep, user: Coordinator, event_id: DbId) -> Response:
    """Le planning complet en CSV / the whole schedule as CSV."""
    event = service.get_event(session, event_id)
    return Response(
        exports.schedule_csv(event).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="job-dating-{event.id}.csv"'},
    )


@router.get("/{event_id}/agendas", response_model=AgendasOut)
def agendas_route(session: SessionDep, user: Coordinator, event_id: DbId) -> AgendasOut:
    """Agendas par personne et par entreprise / per-student and per-company agendas."""
    return exports.agendas(service.get_event(session, event_id))


@router.get("/{event_id}/my-agenda", response_model=MyAgendaOut)
def my_agenda_route(session: SessionDep, user: CurrentUser, event_id: DbId) -> MyAgendaOut:
    """Mon agenda (participant ou entreprise) / my own agenda, as attendee or company."""
    return exports.my_agenda(service.get_event(session, event_id), user)


@router.post(
    "/{event_id}/agendas/send",
    response_model=AgendasMailed,
    responses={409: {"description": "Pas encore de planning"}},
)
def mail_agendas_route(session: SessionDep, user: Coordinator, event_id: DbId) -> AgendasMailed:
    """Envoyer à chacun son agenda par e-mail / mail each attendee and table their agenda."""
    return AgendasMailed(
        mails=exports.mail_agendas(session, service.get_event(session, event_id), user)
    )
