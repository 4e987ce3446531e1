"""Who may call what: every endpoint of the API against every role, denials included.

Each row of MATRIX names a route as registered, the URL to call in the world built below, and
the roles that succeed (2xx). Every other signed-in role must be refused (403, or 404 where the
policy hides that the object exists) and an anonymous caller gets 401. A new endpoint without a
row fails test_every_route_has_a_row: add its row here.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session, sessionmaker

from api.accounts.service import reset_token
from api.applications import cv as cvs
from api.core.security import hash_password
from api.engine.service import MatchingService
from api.models import (
    Application,
    Consent,
    HackathonEvent,
    HackathonMember,
    Job,
    JobDatingAttendee,
    JobDatingEvent,
    JobDatingMeeting,
    JobDatingTable,
    Need,
    Organisation,
    Person,
    Suggestion,
    User,
)
from matching.encoders import CachedEncoder, HashingEncoder, MemoryStore
from tests.conftest import TEST_SECRET

pytestmark = [pytest.mark.db, pytest.mark.slow]

PASSWORD = "mot-de-passe-de-test-42"

# ----------------------------------------------------------------------------- helpers (shared)


@functools.cache
def password_hash() -> str:
    """One argon2 hash for every test user: hashing costs a third of a second."""
    return hash_password(PASSWORD)


def add_user(session: Session, email: str, role: str, **links: Any) -> User:
    user = User(email=email, password_hash=password_hash(), role=role, **links)
    session.add(user)
    session.flush()
    return user


def sign_in(client: TestClient, email: str) -> dict[str, str]:
    """Headers carrying a bearer token obtained through the sign-in endpoint."""
    response = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def add_person(session: Session, ref: str, kind: str = "student", consent: bool = False) -> Person:
    person = Person(
        ref=ref,
        kind=kind,
        first_name=f"Prénom{ref.replace('-', '')}",
        last_name="Testeur",
        email=f"{ref.lower()}@personnes.test",
        headline="Étudiant en BUT informatique",
        summary="Projets en Python et SQL ; cherche un stage sur le littoral.",
    )
    person.consent = Consent(companies_may_view=consent)
    session.add(person)
    session.flush()
    return person


# ----------------------------------------------------------------------------- the world

ANONYMOUS = "anonymous"
ROLES = (
    ANONYMOUS,
    "student",
    "other_student",
    "researcher",
    "company",
    "other_company",
    "coordinator",
    "admin",
)
EMAILS = {role: f"matrice-{role.replace('_', '-')}@comptes.test" for role in ROLES[1:]}


@dataclass
class World:
    """Refs the URLs are filled from; committed once for the module, removed afterwards.

    student: non-consenting, has a proposed suggestion on `need`, signs in as "student";
    other_student: consenting ("other_student"); introduced: non-consenting but introduced to
    `org` (no account); researcher; org owns `need` ("company"); other_org ("other_company").
    """

    refs: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    cv_name: str = ""  # the CV of the researcher's application, written by the fixture
    users: dict[str, int] = field(default_factory=dict)  # account id by role


def _build(session: Session) -> World:
    world = World()
    org = Organisation(ref="T-MX-ORG-A", kind="company", name="Armement Matrice", town="Calais")
    other_org = Organisation(ref="T-MX-ORG-B", kind="company", name="Conserverie Matrice")
    session.add_all([org, other_org])
    session.flush()
    need = Need(
        ref="T-MX-NEED-A",
        organisation=org,
        kind="internship",
        title="Stage développeur Python",
        description="Développer des outils de suivi des débarquements.",
    )
    rd_need = Need(
        ref="T-MX-NEED-RD",
        organisation=org,
        kind="rd",
        title="Thèse CIFRE prévision des escales",
        description="Prévoir les temps d'escale par apprentissage automatique.",
    )
    session.add_all([need, rd_need])
    people = {
        "student": add_person(session, "T-MX-STU"),
        "other_student": add_person(session, "T-MX-STU2", consent=True),
        "researcher": add_person(session, "T-MX-RES", kind="researcher"),
        "introduced": add_person(session, "T-MX-INTRO"),
    }
    session.flush()
    # The researcher applied, with a CV, to a second need of `org`.
    applied_need = Need(
        ref="T-MX-NEED-B", organisation=org, kind="rd", title="Thèse CIFRE vision", description="x"
    )
    session.add(applied_need)
    session.flush()
    application = Application(
        person_id=people["researcher"].id,
        need_id=applied_need.id,
        message="Candidature de la matrice",
        cv_name="cv.pdf",
        cv_bytes=10,
    )
    session.add(application)
    proposed = Suggestion(person_id=people["student"].id, need_id=need.id, score=0.5)
    introduced = Suggestion(
        person_id=people["introduced"].id, need_id=need.id, score=0.4, status="introduced"
    )
    session.add_all([proposed, introduced])
    links: dict[str, dict[str, Any]] = {
        "student": {"role": "student", "person_id": people["student"].id},
        "other_student": {"role": "student", "person_id": people["other_student"].id},
        "researcher": {"role": "researcher", "person_id": people["researcher"].id},
        "company": {"role": "company", "organisation_id": org.id},
        "other_company": {"role": "company", "organisation_id": other_org.id},
        "coordinator": {"role": "coordinator"},
        "admin": {"role": "admin"},
    }
    for role, values in links.items():
        world.users[role] = add_user(session, EMAILS[role], **values).id
    # A job dating where `org` holds a table and both students meet it, one slot each.
    event = JobDatingEvent(
        name="Job dating matrice",
        day=date(2027, 3, 18),
        start_time="18:00",
        slot_minutes=15,
        slots=2,
        max_per_student=1,
        report={},
        created_by="coordinator:matrice",
    )
    table = JobDatingTable(organisation=org, parallel=1)
    attendees = [JobDatingAttendee(person=people[n]) for n in ("student", "other_student")]
    event.tables, event.attendees = [table], attendees
    meetings = [
        JobDatingMeeting(attendee=a, table=table, slot=slot, score=0.5)
        for slot, a in enumerate(attendees)
    ]
    event.meetings = meetings
    hackathon = HackathonEvent(name="Hackathon matrice", team_size=2, created_by="matrice")
    hackathon.members = [
        HackathonMember(person=people[n], team=1) for n in ("student", "other_student")
    ]
    job = Job(kind="propose", status="done", params={"per_need": 1}, created_by="matrice")
    session.add_all([event, hackathon, job])
    session.flush()
    world.refs = {
        **{name: p.ref for name, p in people.items()},
        "org": org.ref,
        "other_org": other_org.ref,
        "need": need.ref,
        "rd_need": rd_need.ref,
        "suggestion": str(proposed.id),
        "event": str(event.id),
        "meeting_a": str(meetings[0].id),
        "meeting_b": str(meetings[1].id),
        "hackathon": str(hackathon.id),
        "application": str(application.id),
        "job": str(job.id),
    }
    world.ids = {"org": org.id, "other_org": other_org.id}
    return world


def _remove(session: Session, world: World) -> None:
    session.execute(delete(User).where(User.email.in_(list(EMAILS.values()))))
    session.execute(delete(JobDatingEvent).where(JobDatingEvent.id == int(world.refs["event"])))
    session.execute(delete(HackathonEvent).where(HackathonEvent.id == int(world.refs["hackathon"])))
    session.execute(delete(Job).where(Job.id == int(world.refs["job"])))
    refs = list(world.refs.values())
    session.execute(delete(Application).where(Application.id == int(world.refs["application"])))
    session.execute(delete(Need).where(Need.organisation_id.in_(list(world.ids.values()))))
    session.execute(delete(Person).where(Person.ref.in_(refs)))
    session.execute(delete(Organisation).where(Organisation.id.in_(list(world.ids.values()))))


@pytest.fixture(scope="module")
def world(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Committed for the whole module so that each role signs in once (argon2 is slow); every
    test's own writes are still rolled back by the `client` fixture."""
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    data_dir = tmp_path_factory.mktemp("matrix-data")
    with sessions() as session, session.begin():
        built = _build(session)
        application = session.get(Application, int(built.refs["application"]))
        assert application is not None
        cv = cvs.ReadCv(data=b"%PDF-1.4 matrice", name="cv.pdf", text="", skills=())
        application.cv_file = cvs.store(data_dir, cv)
    built.refs["data_dir"] = str(data_dir)
    try:
        yield built
    finally:
        with sessions() as session, session.begin():
            _remove(session, built)


@functools.cache
def fast_matching() -> MatchingService:
    """The engine on a hashing encoder: authorisation does not depend on the model."""
    encoder = CachedEncoder(HashingEncoder(), MemoryStore())
    return MatchingService(sessionmaker(), "hashing", encoder=encoder)


_TOKENS: dict[str, dict[str, str]] = {}


def headers_for(client: TestClient, role: str) -> dict[str, str]:
    if role == ANONYMOUS:
        return {}
    if role not in _TOKENS:
        _TOKENS[role] = sign_in(client, EMAILS[role])
    return _TOKENS[role]


# ----------------------------------------------------------------------------- the matrix

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
STAFF = frozenset({"coordinator", "admin"})
PEOPLE = frozenset({"student", "other_student", "researcher"})
COMPANIES = frozenset({"company", "other_company"})

Extra = Callable[[World, str], dict[str, Any]]


@dataclass(frozen=True)
class Row:
    method: str
    route: str  # the path as registered
    url: str  # formatted with World.refs
    allowed: frozenset[str]  # roles answered 2xx
    case: str = ""
    extra: Extra | None = None  # request keyword arguments (json, data, files, params)

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}" + (f" [{self.case}]" if self.case else "")


def _json(body: dict[str, Any]) -> Extra:
    return lambda _world, _role: {"json": body}


def _signup(_world: World, role: str) -> dict[str, Any]:
    return {
        "json": {
            "email": f"inscription-{role.replace('_', '-')}@comptes.test",
            "password": "un-mot-de-passe-long",
            "role": "student",
        }
    }


def _reset(world: World, _role: str) -> dict[str, Any]:
    """A valid reset link of the student's account (each test's password change rolls back)."""
    account = SimpleNamespace(id=world.users["student"], password_hash=password_hash())
    token = reset_token(account, TEST_SECRET)  # type: ignore[arg-type]
    return {"json": {"token": token, "new_password": "un-nouveau-mot-de-passe"}}


def _token(_world: World, role: str) -> dict[str, Any]:
    email = EMAILS.get(role, EMAILS["student"])
    return {"data": {"username": email, "password": PASSWORD}}


def _upload(_world: World, _role: str) -> dict[str, Any]:
    line = b'{"id": "T-MX-IMPORT", "kind": "company", "name": "Import Matrice"}\n'
    return {
        "params": {"dry_run": "true"},
        "files": {"file": ("organisations.jsonl", io.BytesIO(line), "application/x-ndjson")},
    }


NEED_BODY = {"title": "Alternance soudure", "kind": "apprenticeship", "skills": ["soudage"]}

ALLOCATION_BODY = {"kinds": ["internship"], "candidates_per_person": 3}


def _event(world: World, _role: str) -> dict[str, Any]:
    return {
        "json": {
            "name": "Job dating de la matrice",
            "date": "2027-04-01",
            "companies": [{"organisation": world.refs["org"]}],
            "attendees": [world.refs["student"]],
        }
    }


def _meetings(world: World, _role: str) -> dict[str, Any]:
    return {"json": {"a": int(world.refs["meeting_a"]), "b": int(world.refs["meeting_b"])}}


def _pin(world: World, _role: str) -> dict[str, Any]:
    return {"json": {"meeting": int(world.refs["meeting_a"])}}


def _teams(world: World, _role: str) -> dict[str, Any]:
    people = [world.refs[n] for n in ("student", "other_student", "researcher")]
    return {"json": {"name": "Défi matrice", "team_size": 2, "participants": people}}


JOB_DATING = "/api/v1/job-dating/{event_id}"
HACKATHON = "/api/v1/hackathons/{hackathon_id}"

MATRIX: list[Row] = [
    # job dating: coordinators run it; each attendee and table sees its own agenda
    Row("POST", "/api/v1/job-dating", "/api/v1/job-dating", STAFF, extra=_event),
    Row("GET", "/api/v1/job-dating", "/api/v1/job-dating", STAFF),
    Row("GET", JOB_DATING, "/api/v1/job-dating/{event}", STAFF),
    Row("DELETE", JOB_DATING, "/api/v1/job-dating/{event}", STAFF),
    Row("POST", JOB_DATING + "/schedule", "/api/v1/job-dating/{event}/schedule", STAFF),
    Row("POST", JOB_DATING + "/swap", "/api/v1/job-dating/{event}/swap", STAFF, extra=_meetings),
    Row("POST", JOB_DATING + "/pin", "/api/v1/job-dating/{event}/pin", STAFF, extra=_pin),
    Row("POST", JOB_DATING + "/agendas/send", "/api/v1/job-dating/{event}/agendas/send", STAFF),
    Row("GET", JOB_DATING + "/agenda.csv", "/api/v1/job-dating/{event}/agenda.csv", STAFF),
    Row("GET", JOB_DATING + "/agendas", "/api/v1/job-dating/{event}/agendas", STAFF),
    Row(
        "GET",
        JOB_DATING + "/my-agenda",
        "/api/v1/job-dating/{event}/my-agenda",
        frozenset({"student", "other_student", "company"}),
    ),
    # hackathon teams
    Row("POST", "/api/v1/hackathons", "/api/v1/hackathons", STAFF, extra=_teams),
    Row("GET", "/api/v1/hackathons", "/api/v1/hackathons", STAFF),
    Row("GET", HACKATHON, "/api/v1/hackathons/{hackathon}", STAFF),
    Row("GET", HACKATHON + "/export.csv", "/api/v1/hackathons/{hackathon}/export.csv", STAFF),
    Row("DELETE", HACKATHON, "/api/v1/hackathons/{hackathon}", STAFF),
    Row("GET", "/api/v1/allocations", "/api/v1/allocations", STAFF),
    Row("POST", "/api/v1/allocations", "/api/v1/allocations", STAFF, extra=_json(ALLOCATION_BODY)),
    Row("GET", "/api/v1/allocations/{run_id}", "/api/v1/allocations/999999", frozenset()),
    Row(
        "POST",
        "/api/v1/allocations/{run_id}/rerun",
        "/api/v1/allocations/999999/rerun",
        frozenset(),
        extra=_json({}),
    ),
    Row(
        "GET",
        "/api/v1/allocations/{run_id}/export.{fmt}",
        "/api/v1/allocations/999999/export.csv",
        frozenset(),
    ),
    # health and accounts
    Row("GET", "/api/v1/health", "/api/v1/health", EVERYONE),
    Row("POST", "/api/v1/auth/signup", "/api/v1/auth/signup", EVERYONE, extra=_signup),
    Row("POST", "/api/v1/auth/token", "/api/v1/auth/token", EVERYONE, extra=_token),
    Row("GET", "/api/v1/auth/me", "/api/v1/auth/me", SIGNED_IN),
    # sign-out and password change bump the account's token version; the client fixture rolls
    # that back after each test, so the role's cached token stays good for the next rows
    Row("POST", "/api/v1/auth/logout", "/api/v1/auth/logout", SIGNED_IN),
    Row(
        "POST",
        "/api/v1/auth/password",
        "/api/v1/auth/password",
        SIGNED_IN,
        extra=_json({"current_password": PASSWORD, "new_password": "un-autre-mot-de-passe"}),
    ),
    # a forgotten password: anyone may ask (same answer for every address), and whoever holds
    # the link may use it
    Row(
        "POST",
        "/api/v1/auth/password/forgot",
        "/api/v1/auth/password/forgot",
        EVERYONE,
        extra=_json({"email": EMAILS["student"]}),
    ),
    Row(
        "POST",
        "/api/v1/auth/password/reset",
        "/api/v1/auth/password/reset",
        EVERYONE,
        extra=_reset,
    ),
    # directory: organisations and needs are public, people are not
    Row("GET", "/api/v1/organisations", "/api/v1/organisations", EVERYONE),
    Row("GET", "/api/v1/organisations/{ref}", "/api/v1/organisations/{org}", EVERYONE),
    Row("GET", "/api/v1/needs", "/api/v1/needs", EVERYONE),
    Row("GET", "/api/v1/needs/{ref}", "/api/v1/needs/{need}", EVERYONE),
    Row("GET", "/api/v1/needs/{ref}/reading", "/api/v1/needs/{need}/reading", EVERYONE),
    Row("GET", "/api/v1/people", "/api/v1/people", SIGNED_IN),
    # how the engine reads a profile: seen by whoever may see the profile
    Row(
        "GET",
        "/api/v1/people/{ref}/reading",
        "/api/v1/people/{student}/reading",
        STAFF | {"student"},
        case="no consent",
    ),
    Row(
        "GET",
        "/api/v1/people/{ref}/reading",
        "/api/v1/people/{other_student}/reading",
        STAFF | COMPANIES | {"other_student"},
        case="consent",
    ),
    Row(
        "GET",
        "/api/v1/people/{ref}",
        "/api/v1/people/{student}",
        STAFF | {"student"},
        case="no consent",
    ),
    Row(
        "GET",
        "/api/v1/people/{ref}",
        "/api/v1/people/{other_student}",
        STAFF | COMPANIES | {"other_student"},
        case="consent",
    ),
    Row(
        "GET",
        "/api/v1/people/{ref}",
        "/api/v1/people/{introduced}",
        STAFF | {"company"},
        case="introduced to company",
    ),
    # profiles and personal data
    Row(
        "PATCH",
        "/api/v1/people/{ref}",
        "/api/v1/people/{student}",
        frozenset({"student", "admin"}),
        extra=_json({"headline": "Étudiante en BUT informatique", "skills": ["python"]}),
    ),
    Row(
        "PUT",
        "/api/v1/people/{ref}/consent",
        "/api/v1/people/{student}/consent",
        frozenset({"student"}),
        extra=_json({"companies_may_view": True}),
    ),
    Row(
        "GET",
        "/api/v1/people/{ref}/export",
        "/api/v1/people/{student}/export",
        frozenset({"student", "admin"}),
    ),
    Row(
        "DELETE",
        "/api/v1/people/{ref}",
        "/api/v1/people/{student}",
        frozenset({"student", "admin"}),
    ),
    # needs
    Row(
        "POST",
        "/api/v1/needs",
        "/api/v1/needs",
        frozenset({"company", "admin"}),
        case="for the company's organisation",
        extra=lambda w, _r: {"json": {**NEED_BODY, "organisation": w.refs["org"]}},
    ),
    Row(
        "PATCH",
        "/api/v1/needs/{ref}",
        "/api/v1/needs/{need}",
        frozenset({"company", "admin"}),
        extra=_json({"places": 2, "nice_to_have": ["anglais"]}),
    ),
    Row("DELETE", "/api/v1/needs/{ref}", "/api/v1/needs/{need}", frozenset({"company", "admin"})),
    # recommendations and search
    Row(
        "GET",
        "/api/v1/people/{ref}/recommendations",
        "/api/v1/people/{student}/recommendations",
        STAFF | {"student"},
    ),
    Row(
        "GET",
        "/api/v1/needs/{ref}/candidates",
        "/api/v1/needs/{need}/candidates",
        STAFF | {"company"},
    ),
    Row(
        "GET",
        "/api/v1/search/needs",
        "/api/v1/search/needs",
        EVERYONE,
        extra=lambda _w, _r: {"params": {"q": "stage python"}},
    ),
    Row(
        "GET",
        "/api/v1/search/people",
        "/api/v1/search/people",
        STAFF | COMPANIES,
        extra=lambda _w, _r: {"params": {"q": "développeur python"}},
    ),
    # review, interest and shortlists
    Row(
        "POST",
        "/api/v1/review/run",
        "/api/v1/review/run",
        STAFF,
        extra=_json({"per_need": 1}),
    ),
    Row("GET", "/api/v1/review/queue", "/api/v1/review/queue", STAFF),
    Row("GET", "/api/v1/review/mutual", "/api/v1/review/mutual", STAFF),
    Row("GET", "/api/v1/audit", "/api/v1/audit", STAFF),
    Row(
        "POST",
        "/api/v1/suggestions/{suggestion_id}/decision",
        "/api/v1/suggestions/{suggestion}/decision",
        STAFF,
        extra=_json({"action": "approve"}),
    ),
    Row(
        "PATCH",
        "/api/v1/suggestions/{suggestion_id}",
        "/api/v1/suggestions/{suggestion}",
        STAFF,
        extra=_json({"note": "À appeler lundi"}),
    ),
    Row("PUT", "/api/v1/needs/{ref}/interest", "/api/v1/needs/{need}/interest", PEOPLE),
    Row("DELETE", "/api/v1/needs/{ref}/interest", "/api/v1/needs/{need}/interest", PEOPLE),
    Row(
        "PUT",
        "/api/v1/needs/{ref}/shortlist/{person_ref}",
        "/api/v1/needs/{need}/shortlist/{other_student}",
        frozenset({"company", "admin"}),
    ),
    Row(
        "DELETE",
        "/api/v1/needs/{ref}/shortlist/{person_ref}",
        "/api/v1/needs/{need}/shortlist/{other_student}",
        frozenset({"company", "admin"}),
    ),
    # collaborations: researchers propose them on R&D needs; the need's organisation reads them
    Row(
        "POST",
        "/api/v1/needs/{ref}/collaborations",
        "/api/v1/needs/{rd_need}/collaborations",
        frozenset({"researcher"}),
        extra=_json({"message": "Nous encadrons des thèses CIFRE sur la prévision des escales."}),
    ),
    Row(
        "GET",
        "/api/v1/needs/{ref}/collaborations",
        "/api/v1/needs/{rd_need}/collaborations",
        STAFF | {"company"},
    ),
    Row(
        "GET",
        "/api/v1/collaborations",
        "/api/v1/collaborations",
        STAFF | COMPANIES | {"researcher"},
    ),
    # imports and exports
    Row("POST", "/api/v1/imports/{kind}", "/api/v1/imports/organisations", STAFF, extra=_upload),
    Row(
        "GET",
        "/api/v1/exports/suggestions.{fmt}",
        "/api/v1/exports/suggestions.csv",
        STAFF,
    ),
    Row("GET", "/api/v1/exports/decisions.{fmt}", "/api/v1/exports/decisions.csv", STAFF),
    # applications: people apply; the need's organisation and staff read them; the company
    # moves them; the applicant withdraws; the CV for the applicant, the company and staff
    Row(
        "POST",
        "/api/v1/needs/{ref}/applications",
        "/api/v1/needs/{need}/applications",
        PEOPLE,
        extra=lambda _w, _r: {"data": {"message": "Je postule."}},
    ),
    Row(
        "GET",
        "/api/v1/needs/{ref}/applications",
        "/api/v1/needs/T-MX-NEED-B/applications",
        STAFF | {"company"},
    ),
    Row("GET", "/api/v1/me/applications", "/api/v1/me/applications", PEOPLE),
    Row(
        "POST",
        "/api/v1/applications/{application_id}/status",
        "/api/v1/applications/{application}/status",
        frozenset({"company", "admin"}),
        extra=_json({"status": "seen"}),
    ),
    Row(
        "POST",
        "/api/v1/applications/{application_id}/withdrawal",
        "/api/v1/applications/{application}/withdrawal",
        frozenset({"researcher"}),
    ),
    Row(
        "GET",
        "/api/v1/applications/{application_id}/cv",
        "/api/v1/applications/{application}/cv",
        STAFF | {"company", "researcher"},
    ),
    # background jobs: coordinators start and follow them
    Row(
        "POST",
        "/api/v1/jobs",
        "/api/v1/jobs",
        STAFF,
        extra=_json({"kind": "allocation", "kinds": ["internship"], "candidates_per_person": 3}),
    ),
    Row("GET", "/api/v1/jobs", "/api/v1/jobs", STAFF),
    Row("GET", "/api/v1/jobs/{job_id}", "/api/v1/jobs/{job}", STAFF),
]


def registered_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every endpoint under /api/v1, whatever the FastAPI version."""
    try:  # FastAPI >= 0.16x wraps included routers; this walks through them
        from fastapi.routing import iter_route_contexts

        routes: Any = list(iter_route_contexts(app.routes))
    except ImportError:  # pragma: no cover - older FastAPI lists routes flat
        routes = app.routes
    found: set[tuple[str, str]] = set()
    for route in routes:
        path = getattr(route, "path", None) or ""
        if not path.startswith("/api/v1"):
            continue
        for method in getattr(route, "methods", None) or ():
            if method not in ("HEAD", "OPTIONS"):
                found.add((method, path))
    return found


def test_every_route_has_a_row(client: TestClient) -> None:
    registered = registered_routes(client.app)  # type: ignore[arg-type]
    in_matrix = {(row.method, row.route) for row in MATRIX}
    missing = sorted(registered - in_matrix)
    assert not missing, f"add rows to MATRIX for: {missing}"
    stale = sorted(in_matrix - registered)
    assert not stale, f"rows for routes that no longer exist: {stale}"


def expected(row: Row, role: str) -> str:
    if role in row.allowed:
        return "2xx"
    return "401" if role == ANONYMOUS else "403/404"


def outcome(status: int) -> str:
    if 200 <= status < 300:
        return "2xx"
    if status == 401:
        return "401"
    if status in (403, 404):
        return "403/404"
    return str(status)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_access(client: TestClient, world: World, row: Row, role: str) -> None:
    client.app.state.matching = fast_matching()  # type: ignore[attr-defined]
    client.app.state.settings.data_dir = Path(world.refs["data_dir"])  # type: ignore[attr-defined]
    headers = headers_for(client, role)
    url = row.url.format(**world.refs)
    kwargs = row.extra(world, role) if row.extra else {}
    response = client.request(row.method, url, headers=headers, **kwargs)
    assert outcome(response.status_code) == expected(row, role), response.text[:500]
