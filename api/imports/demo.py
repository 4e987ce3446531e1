"""The demo region and the accounts an operator creates outside sign-up (demo and staff accounts)."""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from sqlalchemy.orm import Session

from api.core.errors import Conflict, Invalid
from api.core.security import hash_password
from api.core.settings import ROOT
from api.core.vocabulary import STAFF_ROLES
from api.imports import repository
from api.imports.schemas import ImportReport, RawRows
from api.imports.service import Progress, import_records, import_region
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
COHORT_KEY = "demo_cohort"
MAX_STUDENTS = 1_000_000
COHORT_CHUNK = 10_000


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


class TooFewStudents(Invalid):
    """The region already holds more students than asked for: nothing is removed."""

    code = "too_few_students"

    def __init__(self, asked: int, present: int) -> None:
        self.asked, self.present = asked, present
        super().__init__(field="students", asked=asked, present=present)


class CohortSeedMismatch(Conflict):
    """The cohort in the database was drawn with another seed: topping it up would mix two."""

    code = "cohort_seed_mismatch"

    def __init__(self, asked: int, present: int) -> None:
        self.asked, self.present = asked, present
        super().__init__(field="seed", asked=asked, present=present)


@dataclass(frozen=True)
class CohortReport:
    students: int  # students in the region now
    generated: int  # students of the cohort added by this call
    cohort: int  # students of the cohort in the database now
    seed: int


def _cohort_module() -> ModuleType:
    """`demo_gen.cohort`, the demo generator's own vocabulary (it lives in data/, beside the
    demo files, not in the installed package)."""
    folder = str(ROOT / "data")
    if folder not in sys.path:
        sys.path.append(folder)
    return importlib.import_module("demo_gen.cohort")


def load_cohort(
    session: Session, students: int, seed: int | None = None, progress: Progress | None = None
) -> CohortReport:
    """Add generated students until the region holds `students` students in all.

    The demo region must be loaded. Students already there (the demo's 520, sign-ups, imports,
    an earlier cohort) count towards `students`; the cohort is topped up, never redrawn, so a
    region grown in two steps holds the same rows as one built at once. TooFewStudents when the
    region already holds more; CohortSeedMismatch when its cohort came from another seed. The
    caller's transaction commits; every row goes through the import's validation.
    """
    gen = _cohort_module()
    seed = gen.SEED if seed is None else seed
    state = repository.app_state(session, COHORT_KEY)
    done = json.loads(state.value) if state is not None else {"seed": seed, "students": 0}
    have = int(done["students"])
    if have and int(done["seed"]) != seed:
        raise CohortSeedMismatch(asked=seed, present=int(done["seed"]))
    present = repository.student_count(session)
    if students < present:
        raise TooFewStudents(asked=students, present=present)
    wanted = have + students - present
    if wanted > have:
        by_name = repository.school_refs_by_name(session)
        schools = {key: by_name[name] for key, name in gen.SCHOOL_NAMES.items() if name in by_name}
        total = wanted - have
        # Drawn and written a slice at a time: 100,000 students held at once cost ~1 GB.
        for first in range(have, wanted, COHORT_CHUNK):
            last = min(first + COHORT_CHUNK, wanted)
            rows = [(i - have + 1, gen.student(i, schools, seed)) for i in range(first, last)]
            import_records(session, people=RawRows("cohorte", rows))
            if progress:
                progress("étudiants générés / generated students", last - have, total)
        value = json.dumps({"seed": seed, "students": wanted})
        if state is None:
            session.add(AppState(key=COHORT_KEY, value=value))
        else:
            state.value = value
        session.flush()
    return CohortReport(
        students=present + wanted - have, generated=wanted - have, cohort=wanted, seed=seed
    )
