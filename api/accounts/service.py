"""Rules of accounts: who may sign up as what, with which profile, and signing in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.accounts import repository
from api.accounts.schemas import Me, SignUp
from api.core.audit import record
from api.core.errors import Conflict, Invalid, Unauthorized
from api.core.repository import count, new_ref
from api.core.security import hash_password, verify_password
from api.models import Consent, Organisation, Person, User
from api.needs.repository import count_open
from matching.geo import find_place, territory_of


def create_account(session: Session, body: SignUp) -> User:
    """A new student, researcher or company account, with its profile or organisation."""
    email = body.email.lower()
    if repository.account_exists(session, email):
        raise Conflict("email_taken", field="email")
    place = find_place(body.town) if body.town else None
    user = User(email=email, password_hash=hash_password(body.password), role=body.role)
    if body.role == "company":
        if not body.organisation_name:
            raise Invalid("organisation_name_required", field="organisation_name")
        org = Organisation(
            ref=new_ref(session, Organisation, "ORG"),
            kind="company",
            name=body.organisation_name,
            sector=body.sector,
            town=place.town if place else body.town,
            territory=territory_of(body.town) if body.town else None,
            lat=place.lat if place else None,
            lon=place.lon if place else None,
        )
        session.add(org)
        user.organisation = org
    else:
        if repository.profile_exists(session, email):
            raise Conflict("email_taken", field="email")
        person = Person(
            ref=new_ref(session, Person, "PER"),
            kind=body.role,
            first_name=body.first_name,
            last_name=body.last_name,
            email=email,
            town=place.town if place else body.town,
            territory=territory_of(body.town) if body.town else None,
            lat=place.lat if place else None,
            lon=place.lon if place else None,
            seeks=["rd"] if body.role == "researcher" else [],
        )
        person.consent = Consent(companies_may_view=False)
        session.add(person)
        user.person = person
    session.add(user)
    session.flush()
    record(session, user, "signup", "user", email)
    return user


def me_of(user: User) -> Me:
    return Me(
        email=user.email,
        role=user.role,
        person_ref=user.person.ref if user.person else None,
        organisation_ref=user.organisation.ref if user.organisation else None,
    )


def authenticate(session: Session, email: str, password: str) -> User:
    """The active account these credentials open (401 otherwise, without saying which failed)."""
    user = repository.user_by_email(session, email)
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        raise Unauthorized("wrong_credentials")
    return user


def home_stats(session: Session) -> dict[str, int]:
    """The figures the home page shows: people, open needs and organisations."""
    return {
        "people": count(session, Person),
        "needs": count_open(session),
        "organisations": count(session, Organisation),
    }
