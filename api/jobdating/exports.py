"""What a job-dating event hands out: each attendee's and table's agenda, and the CSV schedule."""

from __future__ import annotations

from babel.dates import format_date
from sqlalchemy.orm import Session

from api.core.audit import record
from api.core.errors import Conflict, NotFound
from api.core.i18n import LOCALES
from api.core.spreadsheets import csv_text
from api.jobdating.schemas import Agenda, AgendaItem, AgendasOut, MyAgendaOut
from api.jobdating.service import full_name, saved_schedule, slot_ends, slot_labels
from api.mail import service as mail
from api.models import JobDatingEvent, User
from matching.jobdating import company_agenda, student_agenda


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
        raise NotFound("jobdating", str(event.id))
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
    meetings = sorted(event.meetings, key=lambda m: (m.slot, m.table.organisation.ref, m.id))
    rows = [
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
        for m in meetings
    ]
    return csv_text([CSV_COLUMNS, *rows])


def mail_agendas(session: Session, event: JobDatingEvent, actor: User | None) -> int:
    """Queue each attendee's and each table's agenda as a mail (in their language); how many.

    Sent when the coordinators say so, not at each scheduling: they adjust a schedule (swaps,
    pins) before handing it out. Attendees or tables without an interview get none.
    """
    if not event.meetings:
        raise Conflict("not_scheduled", field="event")
    all_agendas = agendas(event)
    emails = {a.person.ref: a.person.email for a in event.attendees}
    sent = 0

    def lines(agenda: Agenda) -> str:
        return "\n".join(f"{m.time}–{m.end} : {m.name}" for m in agenda.meetings)

    def values(agenda: Agenda, lang: str) -> dict[str, object]:
        return {
            "event": event.name,
            "date": format_date(event.day, "EEEE d MMMM y", locale=LOCALES[lang]),
            "place": event.place or "—",
            "agenda": lines(agenda),
            "link": "/mon-agenda",
        }

    for agenda in all_agendas.students:
        address = emails.get(agenda.ref)
        if not agenda.meetings or not address:
            continue
        lang = mail.recipient_language(session, address)
        mail.send(
            session, to=address, template="jobdating_agenda", lang=lang, values=values(agenda, lang)
        )
        sent += 1
    org_ids = {t.organisation.ref: t.organisation_id for t in event.tables}
    for agenda in all_agendas.companies:
        if not agenda.meetings:
            continue
        for address, lang in mail.company_recipients(session, org_ids[agenda.ref]):
            mail.send(
                session,
                to=address,
                template="jobdating_agenda_company",
                lang=lang,
                values=values(agenda, lang),
            )
            sent += 1
    record(session, actor, "agendas_mailed", "job_dating", str(event.id), mails=sent)
    return sent
