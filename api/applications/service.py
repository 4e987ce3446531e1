"""Rules of applications: who may apply to what, who moves an application to which status, who
reads a CV, and what a company sees of a candidate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.applications import cv as cvs
from api.applications import repository
from api.applications.schemas import (
    ApplicationEventOut,
    ApplicationOut,
    CvOut,
    StatusChange,
)
from api.core.audit import actor_label, record
from api.core.errors import Conflict, Forbidden, Invalid, NotFound
from api.core.i18n import translator
from api.core.policy import ensure_need_owner_or_staff, ensure_view_person, is_staff
from api.core.repository import get_or_404
from api.core.vocabulary import PERSON_ROLES
from api.engine.service import MatchingService
from api.mail import service as mail
from api.models import Application, ApplicationEvent, Need, Person, User
from api.recommendations.service import PairFit, pair_fit
from api.review.service import enqueue_pair

MAX_MESSAGE = 5_000

# Which status the company may move an application to, from which. A refused or hired
# application is settled; "received" is only where an application starts.
TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset({"seen", "interview", "retained", "refused"}),
    "seen": frozenset({"interview", "retained", "refused"}),
    "interview": frozenset({"retained", "refused", "hired"}),
    "retained": frozenset({"interview", "refused", "hired"}),
    "refused": frozenset(),
    "hired": frozenset(),
    "withdrawn": frozenset(),
}
WITHDRAWABLE = frozenset({"received", "seen", "interview", "retained"})


# --------------------------------------------------------------------------- events
# The two moments the applicant and the company hear about (e-mails are wired here).


def application_received(session: Session, user: User, application: Application) -> None:
    """An application arrived (or was sent again after a withdrawal)."""
    record(
        session,
        user,
        "application",
        "need",
        application.need.ref,
        person=application.person.ref,
        cv=application.cv_file is not None,
    )
    need, person = application.need, application.person
    for address, lang in mail.company_recipients(session, need.organisation_id):
        mail.send(
            session,
            to=address,
            template="application_received",
            lang=lang,
            values={
                "person_name": f"{person.first_name} {person.last_name}".strip(),
                "need_title": need.title,
                "link": f"/besoins/{need.ref}/candidatures",
            },
        )


def status_changed(
    session: Session, user: User, application: Application, event: ApplicationEvent
) -> None:
    """The company (or the applicant, withdrawing) moved an application."""
    record(
        session,
        user,
        "application-status",
        "application",
        str(application.id),
        event.reason,
        to=event.to_status,
        need=application.need.ref,
    )
    if event.to_status == "withdrawn":  # the applicant's own move: nothing to tell them
        return
    person, need = application.person, application.need
    lang = mail.recipient_language(session, person.email)
    mail.send(
        session,
        to=person.email,
        template="application_status",
        lang=lang,
        values={
            "need_title": need.title,
            "organisation": need.organisation.name,
            "status": translator(lang)(f"application.status.{event.to_status}"),
            "link": "/candidatures",
        },
    )


# --------------------------------------------------------------------------- shapes


def application_out(application: Application) -> ApplicationOut:
    person, need = application.person, application.need
    cv = None
    if application.cv_file:
        cv = CvOut(
            name=application.cv_name or "cv.pdf",
            bytes=application.cv_bytes or 0,
            url=f"/api/v1/applications/{application.id}/cv",
            skills=list(application.cv_skills or []),
        )
    return ApplicationOut(
        id=application.id,
        status=application.status,
        message=application.message,
        reason=application.reason,
        need_ref=need.ref,
        need_title=need.title,
        organisation=need.organisation.name,
        person_ref=person.ref,
        person_name=f"{person.first_name} {person.last_name}",
        cv=cv,
        created_at=application.created_at,
        updated_at=application.updated_at,
        history=[
            ApplicationEventOut(
                actor=e.actor,
                from_status=e.from_status,
                to_status=e.to_status,
                reason=e.reason,
                created_at=e.created_at,
            )
            for e in application.events
        ],
    )


# --------------------------------------------------------------------------- applying


def _applicant(user: User) -> Person:
    if user.role not in PERSON_ROLES:
        raise Forbidden("applications_people_only")
    if user.person is None:
        raise NotFound(code="profile_missing")
    return user.person


def check_can_apply(session: Session, user: User, need: Need, today: date | None = None) -> None:
    """Refuse (typed) an application the person may not send: a company or coordinator, a closed
    need or one past its deadline, or a second application to the same need."""
    person = _applicant(user)
    if not need.is_open:
        raise Conflict("need_closed", ref=need.ref)
    if need.deadline is not None and need.deadline < (today or date.today()):
        raise Conflict("deadline_passed", deadline=need.deadline.isoformat())
    existing = repository.of_pair(session, person.id, need.id)
    if existing is not None and existing.status != "withdrawn":
        raise Conflict("already_applied", ref=need.ref)


def apply(
    session: Session,
    matching: MatchingService,
    user: User,
    ref: str,
    message: str,
    cv: cvs.ReadCv | None,
    data_dir: Path,
) -> Application:
    """Send an application (message, optional CV already checked); it reaches the queue.

    The CV file is written last, once the row is in place: a refused application, or one that
    loses a race with the same person's other request, leaves no file behind.
    """
    need = get_or_404(session, Need, ref)
    check_can_apply(session, user, need)
    person = _applicant(user)
    if len(message) > MAX_MESSAGE:
        raise Invalid("message_too_long", field="message", limit=MAX_MESSAGE)
    application = repository.of_pair(session, person.id, need.id)
    old_file = application.cv_file if application is not None else None
    if application is None:
        application = Application(person=person, need=need, events=[])
        session.add(application)
    else:  # sent again after a withdrawal: the same row, its history kept
        application.cv_file = application.cv_name = application.cv_bytes = None
        application.cv_skills = []
        application.reason = ""
    previous = application.status if application.id is not None else None
    application.message = message
    application.status = "received"
    if cv is not None:
        application.cv_file = cvs.new_name()
        application.cv_name = cv.name
        application.cv_bytes = len(cv.data)
        application.cv_skills = list(cv.skills)
    application.events.append(
        ApplicationEvent(actor=actor_label(user), from_status=previous, to_status="received")
    )
    try:
        session.flush()
    except IntegrityError:  # the same person's other request applied first
        raise Conflict("already_applied", ref=need.ref) from None
    enqueue_pair(session, matching, user, person, need, "application")
    application_received(session, user, application)
    if cv is not None and application.cv_file:
        cvs.store(data_dir, cv, application.cv_file)
    cvs.remove(data_dir, old_file)  # the CV of the withdrawn application, replaced
    return application


# --------------------------------------------------------------------------- reading


def mine(session: Session, user: User) -> list[Application]:
    return repository.of_person(session, _applicant(user).id)


def for_need(session: Session, user: User, ref: str) -> tuple[Need, list[Application]]:
    """A need's applications: for its organisation and the coordinators."""
    need = get_or_404(session, Need, ref)
    ensure_need_owner_or_staff(user, need)
    return need, repository.of_need(session, need.id)


def my_application_to(session: Session, user: User | None, need: Need) -> Application | None:
    """The signed-in person's application to this need, if any (the offer page shows it)."""
    if user is None or user.person_id is None:
        return None
    return repository.of_pair(session, user.person_id, need.id)


def _get(session: Session, application_id: int) -> Application:
    application = repository.get(session, application_id)
    if application is None:
        raise NotFound("application", str(application_id))
    return application


def _may_read(user: User, application: Application) -> bool:
    return (
        is_staff(user)
        or user.person_id == application.person_id
        or (user.role == "company" and user.organisation_id == application.need.organisation_id)
    )


def readable(session: Session, user: User, application_id: int) -> Application:
    """An application its applicant, the need's organisation or staff may read; 404 for others
    (whether someone applied somewhere is personal)."""
    application = _get(session, application_id)
    if not _may_read(user, application):
        raise NotFound("application", str(application_id))
    return application


def cv_path(session: Session, user: User, application_id: int, data_dir: Path) -> tuple[Path, str]:
    """Where the application's CV lies and the name to download it under."""
    application = readable(session, user, application_id)
    path = cvs.path_of(data_dir, application.cv_file) if application.cv_file else None
    if path is None:
        raise NotFound(code="cv_missing")
    return path, application.cv_name or "cv.pdf"


# --------------------------------------------------------------------------- moving


def _move(session: Session, user: User, application: Application, to: str, reason: str) -> None:
    event = ApplicationEvent(
        actor=actor_label(user), from_status=application.status, to_status=to, reason=reason
    )
    application.events.append(event)
    application.status = to
    if to == "refused":
        application.reason = reason
    session.flush()
    status_changed(session, user, application, event)


def change_status(
    session: Session, user: User, application_id: int, body: StatusChange
) -> Application:
    """The need's organisation moves an application on; a refusal needs a reason."""
    application = readable(session, user, application_id)
    if not (
        user.role == "admin"
        or (user.role == "company" and user.organisation_id == application.need.organisation_id)
    ):
        raise Forbidden("own_need_only")
    if body.status == application.status:
        return application
    if body.status not in TRANSITIONS[application.status]:
        raise Conflict(
            "application_transition_refused",
            field="status",
            status=application.status,
            to=body.status,
        )
    reason = body.reason.strip()
    if body.status == "refused" and not reason:
        raise Invalid("reason_required", field="reason")
    _move(session, user, application, body.status, reason)
    return application


def withdraw(session: Session, user: User, application_id: int) -> Application:
    """The applicant takes their application back (its history stays)."""
    application = readable(session, user, application_id)
    if user.person_id != application.person_id:
        raise Forbidden("own_application_only")
    if application.status not in WITHDRAWABLE:
        raise Conflict("application_settled", status=application.status)
    _move(session, user, application, "withdrawn", "")
    return application


def applications_of(session: Session, person: Person) -> list[Application]:
    """Every application the person sent (their data export lists them)."""
    return repository.of_person(session, person.id)


def forget_files(session: Session, person: Person, data_dir: Path) -> int:
    """Delete the CV files of a person's applications (their rows go with the person)."""
    names = repository.cv_files_of(session, person.id)
    for name in names:
        cvs.remove(data_dir, name)
    return len(names)


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class CandidateFit:
    need: Need
    fit: PairFit


@dataclass(frozen=True)
class Candidate:
    person: Person
    applications: list[Application]  # to the viewer's organisation's needs
    fits: list[CandidateFit]  # with each of its open needs


def candidate(
    session: Session, matching: MatchingService, user: User, person_ref: str
) -> Candidate:
    """A person as a company sees them: only when they consented to be seen, applied to one of
    its needs or were introduced to it (404 otherwise); coordinators see everyone."""
    if user.role != "company" and not is_staff(user):
        raise Forbidden("candidates_companies_only")
    person = get_or_404(session, Person, person_ref)
    ensure_view_person(session, user, person)
    if user.role != "company" or user.organisation_id is None:
        return Candidate(person, [], [])
    applications = repository.to_organisation(session, person.id, user.organisation_id)
    needs = repository.open_needs_of(session, user.organisation_id)
    fits = [CandidateFit(need, pair_fit(session, matching, person, need)) for need in needs]
    return Candidate(person, applications, fits)
