"""Who may see or change what: object-level rules, in one place for every router."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from api.core.errors import Forbidden, NotFound, Unauthorized
from api.models import Application, Consent, Need, Person, Suggestion, User

STAFF = ("coordinator", "admin")


def is_staff(user: User | None) -> bool:
    return user is not None and user.role in STAFF


def introduced_to(session: Session, organisation_id: int, person_id: int) -> bool:
    """A coordinator introduced this person for one of the organisation's needs."""
    query = select(
        exists().where(
            Suggestion.person_id == person_id,
            Suggestion.status.in_(("introduced", "hired")),
            Suggestion.need_id.in_(select(Need.id).where(Need.organisation_id == organisation_id)),
        )
    )
    return bool(session.scalar(query))


def applied_to(session: Session, organisation_id: int, person_id: int) -> bool:
    """The person applied to one of the organisation's needs (and did not withdraw)."""
    query = select(
        exists().where(
            Application.person_id == person_id,
            Application.status != "withdrawn",
            Application.need_id.in_(select(Need.id).where(Need.organisation_id == organisation_id)),
        )
    )
    return bool(session.scalar(query))


def can_view_person(session: Session, user: User | None, person: Person) -> bool:
    if user is None:
        return False
    if is_staff(user) or user.person_id == person.id:
        return True
    if user.role == "company" and user.organisation_id is not None:
        consented = person.consent is not None and person.consent.companies_may_view
        return (
            consented
            or introduced_to(session, user.organisation_id, person.id)
            or applied_to(session, user.organisation_id, person.id)
        )
    return False


def visible_people_clause(user: User | None):  # type: ignore[no-untyped-def]
    """SQL condition on Person matching can_view_person (for lists and searches)."""
    if user is None:
        return Person.id.is_(None)
    if is_staff(user):
        return Person.id.is_not(None)
    own = Person.id == user.person_id
    if user.role == "company" and user.organisation_id is not None:
        consented = Person.id.in_(
            select(Consent.person_id).where(Consent.companies_may_view.is_(True))
        )
        introduced = Person.id.in_(
            select(Suggestion.person_id).where(
                Suggestion.status.in_(("introduced", "hired")),
                Suggestion.need_id.in_(
                    select(Need.id).where(Need.organisation_id == user.organisation_id)
                ),
            )
        )
        applied = Person.id.in_(
            select(Application.person_id).where(
                Application.status != "withdrawn",
                Application.need_id.in_(
                    select(Need.id).where(Need.organisation_id == user.organisation_id)
                ),
            )
        )
        return own | consented | introduced | applied
    return own


def ensure_view_person(session: Session, user: User | None, person: Person) -> None:
    if user is None:
        raise Unauthorized("signin_required")
    if not can_view_person(session, user, person):
        # 404 rather than 403: whether a profile exists is itself personal data.
        raise NotFound("person", person.ref)


def ensure_own_person(user: User, person: Person) -> None:
    if user.person_id != person.id and user.role != "admin":
        raise Forbidden("own_profile_only")


def ensure_own_need(user: User, need: Need) -> None:
    if user.role == "admin":
        return
    if user.role != "company" or user.organisation_id != need.organisation_id:
        raise Forbidden("own_need_only")


def ensure_need_owner_or_staff(user: User, need: Need) -> None:
    if not is_staff(user):
        ensure_own_need(user, need)
