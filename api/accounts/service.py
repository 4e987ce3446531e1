"""Rules of accounts: signing up (who as what, with which profile), in and out, passwords."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import jwt
from limits import RateLimitItemPerMinute
from sqlalchemy.orm import Session

from api.accounts import repository
from api.accounts.schemas import Me, PasswordChange, SignUp
from api.accounts.throttle import Throttle
from api.core.audit import record
from api.core.errors import Conflict, Forbidden, Invalid, Unauthorized
from api.core.repository import count, new_ref
from api.core.security import hash_password, issue_token, verify_password
from api.core.settings import Settings
from api.engine import corpus
from api.mail.service import send
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
    if user.person is not None:
        corpus.changed(session, "person", [user.person.ref])
    record(session, user, "signup", "user", email)
    return user


def me_of(user: User) -> Me:
    return Me(
        email=user.email,
        role=user.role,
        person_ref=user.person.ref if user.person else None,
        organisation_ref=user.organisation.ref if user.organisation else None,
    )


def authenticate(
    session: Session, throttle: Throttle, email: str, password: str, address: str
) -> User:
    """The active account these credentials open (401 otherwise, without saying which failed).

    Refused with TooManyAttempts (429) before any hashing once the account or the address has
    used up its failures. Every attempt past that check does one argon2 verification, against
    a dummy hash when the account does not exist, so the time taken does not tell. The failure
    is counted in the session: the caller must answer without raising for it to commit.
    """
    gate = throttle.gate(session)
    gate.check(email, address)
    user = repository.user_by_email(session, email)
    matches = verify_password(user.password_hash if user else None, password)
    if user is None or not matches or not user.is_active:
        gate.failed(email, address)
        raise Unauthorized("wrong_credentials")
    gate.succeeded(email)
    return user


def token_for(user: User, settings: Settings) -> tuple[str, datetime]:
    """A bearer token for the account, at its current token version, and when it expires."""
    return issue_token(
        user.id,
        user.role,
        settings.secret_key,
        settings.access_token_minutes,
        version=user.token_version,
    )


def sign_out(session: Session, user: User) -> None:
    """Revoke every token of the account (on every device: tokens carry no device)."""
    repository.bump_token_version(session, user)


def change_password(
    session: Session, throttle: Throttle, user: User, body: PasswordChange, address: str
) -> User:
    """A new password, once the current one is proven; every token issued before is revoked.

    The current password is checked under the sign-in throttle: a stolen token must not turn
    this endpoint into an unlimited password oracle (nor a free supply of argon2 work).
    """
    gate = throttle.gate(session)
    gate.check(user.email, address)
    if not verify_password(user.password_hash, body.current_password):
        gate.failed(user.email, address)
        raise Forbidden("wrong_password", field="current_password")
    gate.succeeded(user.email)
    user.password_hash = hash_password(body.new_password)
    repository.bump_token_version(session, user)
    record(session, user, "password_change", "user", user.email)
    return user


def home_stats(session: Session) -> dict[str, int]:
    """The figures the home page shows: people, open needs and organisations."""
    return {
        "people": count(session, Person),
        "needs": count_open(session),
        "organisations": count(session, Organisation),
    }


# --------------------------------------------------------------------------- forgotten passwords
# A reset link carries a signed token (JWT) naming the account, its expiry, and a digest of the
# account's password hash when the link was made, as Django's PasswordResetTokenGenerator does:
# once the password changes (this link used, or any other way), the digest no longer matches,
# so a link works once and no table of issued links is kept.

RESET_MINUTES = 60
RESET_PURPOSE = "password_reset"
# Reset requests allowed per address asked for and per client address, per window: each one
# may send a mail, so every request counts (not only failures).
RESET_PER_ACCOUNT = 3
RESET_PER_ADDRESS = 10
RESET_WINDOW_MINUTES = 15


def reset_throttle() -> Throttle:
    return Throttle(
        RateLimitItemPerMinute(RESET_PER_ACCOUNT, RESET_WINDOW_MINUTES, namespace="RESET-ACCOUNT"),
        RateLimitItemPerMinute(RESET_PER_ADDRESS, RESET_WINDOW_MINUTES, namespace="RESET-ADDRESS"),
    )


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def reset_token(user: User, secret: str, minutes: int = RESET_MINUTES) -> str:
    claims = {
        "sub": str(user.id),
        "purpose": RESET_PURPOSE,
        "fp": _fingerprint(user),
        "exp": datetime.now(UTC) + timedelta(minutes=minutes),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def user_of_reset_token(session: Session, token: str, secret: str) -> User | None:
    """The active account a reset link was made for, while the link is unused and unexpired."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=["HS256"], options={"require": ["exp", "sub", "fp"]}
        )
        user_id = int(claims["sub"])
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        return None
    if claims.get("purpose") != RESET_PURPOSE:
        return None  # a sign-in token is not a reset link
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(str(claims["fp"]), _fingerprint(user)):
        return None
    return user


def request_reset(
    session: Session, settings: Settings, email: str, address: str, lang: str
) -> None:
    """Mail a reset link if an active account has this address; the same outcome otherwise.

    The caller answers alike whether or not the account exists; the count of requests (per
    address asked for, whether it exists or not, and per client) caps the mails one can
    trigger: TooManyAttempts past it.
    """
    gate = reset_throttle().gate(session)
    gate.check(email, address)
    gate.failed(email, address)  # every request counts
    user = repository.user_by_email(session, email)
    if user is None or not user.is_active:
        return
    token = reset_token(user, settings.secret_key)
    send(
        session,
        to=user.email,
        template="password_reset",
        lang=user.language or lang,
        values={"link": f"/mot-de-passe-oublie/nouveau?jeton={token}", "minutes": RESET_MINUTES},
    )
    record(session, user, "password_reset_requested", "user", user.email)


def reset_password(session: Session, settings: Settings, token: str, new_password: str) -> User:
    """Set a new password from a reset link; every session of the account is signed out."""
    user = user_of_reset_token(session, token, settings.secret_key)
    if user is None:
        raise Invalid("reset_link_invalid", field="token")
    user.password_hash = hash_password(new_password)
    repository.bump_token_version(session, user)
    record(session, user, "password_reset", "user", user.email)
    return user


def set_language(session: Session, user: User, lang: str) -> None:
    """Remember the language the account chose: its mails are written in it."""
    if user.language != lang:
        user.language = lang
        session.flush()
