"""Sign-up, sign-in and the current account."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from api.core.audit import record
from api.core.deps import CurrentUser, SessionDep
from api.core.errors import AppError
from api.core.security import hash_password, issue_token, verify_password
from api.models import Consent, Organisation, Person, User
from matching.geo import find_place, territory_of

router = APIRouter(prefix="/api/v1/auth", tags=["comptes / accounts"])


class SignUp(BaseModel):
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str = Field(min_length=10, max_length=200)
    role: Literal["student", "researcher", "company"]
    first_name: str = Field(default="", max_length=120)
    last_name: str = Field(default="", max_length=120)
    organisation_name: str | None = Field(default=None, max_length=200)
    sector: str | None = Field(default=None, max_length=120)
    town: str | None = Field(default=None, max_length=120)


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    role: str


class Me(BaseModel):
    email: str
    role: str
    person_ref: str | None
    organisation_ref: str | None


def _next_ref(session: SessionDep, model: type[Person] | type[Organisation], prefix: str) -> str:
    count = session.scalar(select(func.count()).select_from(model)) or 0
    while True:
        count += 1
        ref = f"{prefix}{count:05d}-{secrets.token_hex(2)}"
        if session.scalar(select(model.id).where(model.ref == ref)) is None:
            return ref


def create_account(session: SessionDep, body: SignUp) -> User:
    email = body.email.lower()
    if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise AppError("Adresse déjà utilisée / email already registered", 409, field="email")
    place = find_place(body.town) if body.town else None
    user = User(email=email, password_hash=hash_password(body.password), role=body.role)
    if body.role == "company":
        if not body.organisation_name:
            raise AppError(
                "Nom de l'organisation requis / organisation name required",
                422,
                field="organisation_name",
            )
        org = Organisation(
            ref=_next_ref(session, Organisation, "ORG"),
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
        if session.scalar(select(Person.id).where(func.lower(Person.email) == email)):
            raise AppError("Adresse déjà utilisée / email already registered", 409, field="email")
        person = Person(
            ref=_next_ref(session, Person, "PER"),
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


@router.post("/signup", response_model=Me, status_code=201)
def signup(session: SessionDep, body: SignUp) -> Me:
    """Créer un compte étudiant, chercheur ou entreprise / sign up."""
    user = create_account(session, body)
    return me_of(user)


def me_of(user: User) -> Me:
    return Me(
        email=user.email,
        role=user.role,
        person_ref=user.person.ref if user.person else None,
        organisation_ref=user.organisation.ref if user.organisation else None,
    )


def authenticate(session: SessionDep, email: str, password: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        raise AppError("Adresse ou mot de passe incorrect / wrong email or password", 401)
    return user


@router.post("/token", response_model=Token)
def token(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=200)],
) -> Token:
    """Se connecter (formulaire OAuth2 : username = e-mail) / sign in (OAuth2 password form)."""
    user = authenticate(session, username, password)
    settings = request.app.state.settings
    value, expires = issue_token(
        user.id, user.role, settings.secret_key, settings.access_token_minutes
    )
    return Token(access_token=value, expires_at=expires, role=user.role)


@router.get("/me", response_model=Me)
def whoami(user: CurrentUser) -> Me:
    return me_of(user)
