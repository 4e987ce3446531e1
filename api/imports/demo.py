"""The demo region and the accounts an operator creates outside sign-up (demo and staff accounts)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from api.core.errors import Conflict, Invalid
from api.core.security import hash_password
from api.core.vocabulary import STAFF_ROLES
from api.imports import repository
from api.imports.schemas import ImportReport
from api.imports.service import Progress, import_region
from api.models import AppState, User

DEMO_KEY = "demo_region_loaded"
DEMO_PASSWORD = "demo-passerelle-2027"
DEMO_ACCOUNTS = (
    ("etudiant@demo.passerelle.fr", "student"),
    ("chercheur@demo.passerelle.fr", "researcher"),
    ("entreprise@demo.passerelle.fr", "company"),
    ("coordination@demo.passerelle.fr", "coordinator"),
    ("admin@demo.passerelle.fr", "admin"),
)
MIN_PASSWORD = 10


class PasswordTooShort(Invalid):
    code = "password_too_short"

    def __init__(self) -> None:
        super().__init__(field="password", minimum=MIN_PASSWORD)


class AccountExists(Conflict):
    code = "account_exists"

    def __init__(self, email: str) -> None:
        self.email = email
        super().__init__(field="email", email=email)


def demo_loaded(session: Session) -> bool:
    return repository.app_state(session, DEMO_KEY) is not None


def load_demo(
    session: Session, folder: Path, progress: Progress | None = None
) -> ImportReport | None:
    """Load the demo region unless this database already has it; None when it was there."""
    if demo_loaded(session):
        return None
    report = import_region(session, folder, progress=progress)
    session.add(AppState(key=DEMO_KEY, value=str(folder)))
    session.flush()
    create_demo_accounts(session)
    return report


def create_demo_accounts(session: Session) -> list[User]:
    """One account per role on the demo region (password DEMO_PASSWORD, listed in the README).

    The student and researcher accounts speak for the first demo person of their kind, the
    company account for the first company that posted a need.
    """
    password_hash = hash_password(DEMO_PASSWORD)
    first_person = {
        kind: repository.first_person(session, kind) for kind in ("student", "researcher")
    }
    company = repository.first_company_with_need(session)
    users: list[User] = []
    for email, role in DEMO_ACCOUNTS:
        if repository.email_taken(session, email):
            continue
        person = first_person.get(role)
        user = User(
            email=email,
            password_hash=password_hash,
            role=role,
            person_id=person.id if person is not None else None,
            organisation_id=company.id if role == "company" and company is not None else None,
        )
        session.add(user)
        users.append(user)
    session.flush()
    return users


def create_staff_account(session: Session, email: str, password: str, role: str) -> User:
    """A coordinator or admin account made by the operator on the command line.

    PasswordTooShort under MIN_PASSWORD characters; AccountExists when the address (in any
    case) already has an account.
    """
    if role not in STAFF_ROLES:
        raise Invalid("staff_role_expected", role=role)
    if len(password) < MIN_PASSWORD:
        raise PasswordTooShort()
    email = email.strip().lower()
    if repository.email_taken(session, email):
        raise AccountExists(email)
    user = User(email=email, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    return user
