"""Who may open which page: every page route of the app against every role, denials included.

Each row of MATRIX names a page route as registered, the URL to open in the world built below,
and the roles that get the page (200 for GET). By default an anonymous visitor is sent to sign
in (303 to /connexion?next=PATH) and every other signed-in role gets the 403 page, in HTML;
`public` pages serve anonymous visitors too, `denied` gives another refusal (404 where a page
hides that something exists), `other` names roles with an outcome of their own.

POST rows are sent with a valid CSRF token: roles outside `allowed` must be refused as above.
The allowed roles are not sent (what their forms do is the page tests' business), except on
`sent` rows, where an empty form is harmless and its outcome is given.

The route list comes from the app itself (whatever module defines a page): a new page without
a row fails test_every_page_has_a_row, and so does a new non-API route that is not a page
unless NOT_PAGES names it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.applications import cv as cvs
from api.core.rendering import WebRoute
from api.engine.service import MatchingService
from api.imports.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from api.models import (
    AllocationRun,
    Application,
    HackathonEvent,
    HackathonMember,
    Job,
    JobDatingAttendee,
    JobDatingEvent,
    JobDatingMeeting,
    JobDatingTable,
    Need,
    Organisation,
    Suggestion,
    User,
)
from matching import (
    AllocationInstance,
    CachedEncoder,
    Candidacy,
    HashingEncoder,
    MemoryStore,
    Opening,
    compare,
    stable_allocation,
    welfare_allocation,
)

pytestmark = [pytest.mark.db, pytest.mark.slow]

ANONYMOUS = "anonymous"
EMAILS = {role: email for email, role in DEMO_ACCOUNTS}
ROLES = (ANONYMOUS, "student", "researcher", "company", "coordinator", "admin")
EVERYONE = frozenset(ROLES)
STAFF = frozenset({"coordinator", "admin"})
PEOPLE = frozenset({"student", "researcher"})

# Routes of the app that are neither API endpoints nor pages: FastAPI's documentation (the
# same for everyone, like the API schema it shows) and the static files.
NOT_PAGES = {
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"),
    ("*", "/static"),
}

# ----------------------------------------------------------------------------- the world


@dataclass
class World:
    """Refs and ids the URLs are filled from, built in the test's own (rolled back) session.

    The demo accounts: the student attends the job dating and the hackathon, the company
    owns `need` and holds a table at the job dating.
    """

    refs: dict[str, str] = field(default_factory=dict)


def _report() -> dict[str, Any]:
    """A saved allocation's report, in the service's form, for one person and one place."""
    instance = AllocationInstance(
        people=("P",), openings=(Opening("N", 1),), candidacies=(Candidacy("P", "N", 1.0, 1.0),)
    )
    results = {"stable": stable_allocation(instance), "welfare": welfare_allocation(instance)}
    rows = compare(instance, results, groups={"territory": {"P": "?"}}).rows
    return {"rows": [asdict(row) | {"unplaced": len(row.unplaced)} for row in rows]}


def _build(session: Session, data_dir: Path) -> World:
    users = {
        u.role: u for u in session.scalars(select(User).where(User.email.in_(EMAILS.values())))
    }
    student, researcher, company = users["student"], users["researcher"], users["company"]
    assert student.person is not None and researcher.person is not None
    org = session.get(Organisation, company.organisation_id)
    assert org is not None
    need = session.scalars(
        select(Need).where(Need.organisation_id == org.id).order_by(Need.ref)
    ).first()
    assert need is not None
    rd_need = session.scalars(
        select(Need).where(Need.kind == "rd", Need.is_open).order_by(Need.ref)
    ).first()
    assert rd_need is not None
    suggestion = Suggestion(person_id=student.person.id, need_id=need.id, score=0.5)
    event = JobDatingEvent(
        name="Job dating matrice des pages",
        day=date(2027, 3, 18),
        start_time="18:00",
        slot_minutes=15,
        slots=2,
        max_per_student=1,
        report={},
        created_by="coordinator:matrice",
    )
    table = JobDatingTable(organisation=org, parallel=1)
    attendee = JobDatingAttendee(person=student.person)
    event.tables, event.attendees = [table], [attendee]
    event.meetings = [JobDatingMeeting(attendee=attendee, table=table, slot=0, score=0.5)]
    hackathon = HackathonEvent(name="Hackathon matrice des pages", team_size=2, created_by="m")
    hackathon.members = [
        HackathonMember(person=student.person, team=1),
        HackathonMember(person=researcher.person, team=1),
    ]
    run = AllocationRun(created_by="coordinator:matrice", settings={}, report=_report())
    # The student applied to `need` with a CV (written where the app keeps CVs).
    cv = cvs.ReadCv(data=b"%PDF-1.4 matrice", name="cv.pdf", text="", skills=())
    application = Application(
        person_id=student.person.id,
        need_id=need.id,
        cv_file=cvs.store(data_dir, cv),
        cv_name="cv.pdf",
        cv_bytes=len(cv.data),
    )
    # A failed job: its page is the job's own (a done one leads to its result instead).
    job = Job(kind="propose", status="failed", error_code="job_failed", created_by="matrice")
    session.add_all([suggestion, event, hackathon, run, application, job])
    session.flush()
    return World(
        refs={
            "need": need.ref,
            "rd_need": rd_need.ref,
            "student": student.person.ref,
            "org": org.ref,
            "suggestion": str(suggestion.id),
            "event": str(event.id),
            "hackathon": str(hackathon.id),
            "run": str(run.id),
            "application": str(application.id),
            "job": str(job.id),
        }
    )


@functools.cache
def fast_matching() -> MatchingService:
    """The engine on a hashing encoder: who sees a page does not depend on the model."""
    encoder = CachedEncoder(HashingEncoder(), MemoryStore())
    return MatchingService(sessionmaker(), "hashing", encoder=encoder)


# ----------------------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Page:
    method: str
    route: str  # the path as registered
    url: str  # formatted with World.refs
    allowed: frozenset[str]  # roles that get the page
    case: str = ""
    public: bool = False  # anonymous visitors are served, not sent to sign in
    denied: int = 403  # what a signed-in role outside `allowed` gets
    other: Mapping[str, str] = field(default_factory=dict)  # role -> outcome of its own
    sent: str | None = None  # POST: outcome of an empty form for the allowed roles

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}" + (f" [{self.case}]" if self.case else "")


def _signin(path: str) -> str:
    return f"303 /connexion?next={path}"


JOB_DATING = "/job-dating/{event_id}"
HACKATHON = "/hackathons/{hackathon_id}"
NEED = "/besoins/{ref}"
COMPANY_OR_ADMIN = frozenset({"company", "admin"})

MATRIX: list[Page] = [
    # public pages and sign-in
    Page("GET", "/", "/", EVERYONE, public=True),
    Page(
        "GET",
        "/langue/{code}",
        "/langue/fr",
        EVERYONE,
        public=True,
        other=dict.fromkeys(ROLES, "303 /"),  # back where the visitor came from
    ),
    Page("GET", "/inscription", "/inscription", EVERYONE, public=True),
    Page("POST", "/inscription", "/inscription", EVERYONE, public=True, sent="422"),
    Page("GET", "/connexion", "/connexion", EVERYONE, public=True),
    Page("POST", "/connexion", "/connexion", EVERYONE, public=True, sent="401"),
    Page("POST", "/deconnexion", "/deconnexion", EVERYONE, public=True, sent="303 /"),
    Page("GET", "/web/competences", "/web/competences?q=sou", EVERYONE, public=True),
    # forgotten password: public; the new-password page without a valid link says so (400)
    Page("GET", "/mot-de-passe-oublie", "/mot-de-passe-oublie", EVERYONE, public=True),
    Page("POST", "/mot-de-passe-oublie", "/mot-de-passe-oublie", EVERYONE, public=True, sent="422"),
    Page(
        "GET",
        "/mot-de-passe-oublie/nouveau",
        "/mot-de-passe-oublie/nouveau?jeton=faux",
        EVERYONE,
        public=True,
        other=dict.fromkeys(ROLES, "400"),
    ),
    Page(
        "POST",
        "/mot-de-passe-oublie/nouveau",
        "/mot-de-passe-oublie/nouveau",
        EVERYONE,
        public=True,
        sent="422",
    ),
    # the account page: every signed-in role; export and erasure are a person's
    Page("GET", "/compte", "/compte", EVERYONE - {ANONYMOUS}),
    Page(
        "POST", "/compte/mot-de-passe", "/compte/mot-de-passe", EVERYONE - {ANONYMOUS}, sent="422"
    ),
    Page("GET", "/compte/export", "/compte/export", PEOPLE),
    Page("GET", "/compte/supprimer", "/compte/supprimer", PEOPLE),
    Page("POST", "/compte/supprimer", "/compte/supprimer", PEOPLE, sent="422"),
    # the outbox: the admin's
    Page("GET", "/admin/courriels", "/admin/courriels", frozenset({"admin"})),
    Page(
        "GET",
        "/admin/courriels/{mail_id}",
        "/admin/courriels/999999",
        frozenset(),
        other={"admin": "404"},
    ),
    Page(
        "GET",
        "/web/competences/extraction",
        "/web/competences/extraction?texte=soudure",
        EVERYONE,
        public=True,
    ),
    # people: their recommendations, profile and introductions
    Page("GET", "/recommandations", "/recommandations", PEOPLE),
    Page("POST", NEED + "/interet", "/besoins/{need}/interet", PEOPLE),
    Page("GET", "/profil", "/profil", PEOPLE),
    Page("POST", "/profil", "/profil", PEOPLE),
    Page("GET", "/web/profil/lecture", "/web/profil/lecture?titre=Soudeur", PEOPLE),
    Page("GET", "/mes-mises-en-relation", "/mes-mises-en-relation", PEOPLE),
    # collaborations: researchers propose them on R&D needs
    Page(
        "GET",
        NEED + "/collaboration",
        "/besoins/{rd_need}/collaboration",
        frozenset({"researcher"}),
    ),
    Page(
        "POST",
        NEED + "/collaboration",
        "/besoins/{rd_need}/collaboration",
        frozenset({"researcher"}),
        sent="422",
    ),
    Page("GET", "/collaborations", "/collaborations", STAFF | {"researcher", "company"}),
    # companies: their needs and candidates
    Page("GET", "/besoins", "/besoins", frozenset({"company"})),
    Page("GET", "/besoins/nouveau", "/besoins/nouveau", frozenset({"company"})),
    Page("POST", "/besoins/nouveau", "/besoins/nouveau", frozenset({"company"})),
    Page("POST", "/besoins/nouveau/apercu", "/besoins/nouveau/apercu", frozenset({"company"})),
    Page(
        "GET",
        "/web/besoins/lecture",
        "/web/besoins/lecture?titre=Soudeur",
        COMPANY_OR_ADMIN,
    ),
    Page("GET", NEED + "/candidats", "/besoins/{need}/candidats", STAFF | {"company"}),
    Page(
        "POST",
        NEED + "/preselection/{person_ref}",
        "/besoins/{need}/preselection/{student}",
        COMPANY_OR_ADMIN,
    ),
    Page("GET", NEED + "/modifier", "/besoins/{need}/modifier", COMPANY_OR_ADMIN),
    Page("POST", NEED + "/modifier/apercu", "/besoins/{need}/modifier/apercu", COMPANY_OR_ADMIN),
    Page("POST", NEED + "/modifier", "/besoins/{need}/modifier", COMPANY_OR_ADMIN),
    Page("POST", NEED + "/statut", "/besoins/{need}/statut", COMPANY_OR_ADMIN),
    # coordination: review, dashboard, imports
    Page("GET", "/revue", "/revue", STAFF),
    Page("POST", "/revue/{suggestion_id}/decision", "/revue/{suggestion}/decision", STAFF),
    Page("POST", "/revue/lancer", "/revue/lancer", STAFF),
    Page("GET", "/tableau-de-bord", "/tableau-de-bord", STAFF),
    Page("GET", "/imports", "/imports", STAFF),
    Page("POST", "/imports", "/imports", STAFF),
    Page("POST", "/imports/confirmer", "/imports/confirmer", STAFF),
    Page("GET", "/imports/modele/{kind}.{fmt}", "/imports/modele/people.csv", STAFF),
    # coordinators' tools: allocations, job datings, hackathons
    Page("GET", "/outils", "/outils", STAFF),
    Page("GET", "/allocations", "/allocations", STAFF),
    Page("POST", "/allocations", "/allocations", STAFF),
    Page("GET", "/allocations/{run_id}", "/allocations/{run}", STAFF),
    Page("POST", "/allocations/{run_id}/relancer", "/allocations/{run}/relancer", STAFF),
    Page("GET", "/job-dating", "/job-dating", STAFF),
    Page("POST", "/job-dating", "/job-dating", STAFF),
    Page("GET", JOB_DATING, "/job-dating/{event}", STAFF),
    Page("POST", JOB_DATING + "/planning", "/job-dating/{event}/planning", STAFF),
    Page("POST", JOB_DATING + "/echanger", "/job-dating/{event}/echanger", STAFF),
    Page("POST", JOB_DATING + "/epingler", "/job-dating/{event}/epingler", STAFF),
    Page("POST", JOB_DATING + "/supprimer", "/job-dating/{event}/supprimer", STAFF),
    Page("POST", JOB_DATING + "/envoyer", "/job-dating/{event}/envoyer", STAFF),
    Page("GET", JOB_DATING + "/agenda.csv", "/job-dating/{event}/agenda.csv", STAFF),
    Page(
        "GET",
        JOB_DATING + "/agendas/{who}",
        "/job-dating/{event}/agendas/etudiants",
        STAFF,
    ),
    Page(
        "GET",
        JOB_DATING + "/agenda/{ref}",
        "/job-dating/{event}/agenda/{student}",
        STAFF | {"student"},
        case="a student's own",
        denied=404,
    ),
    Page(
        "GET",
        JOB_DATING + "/agenda/{ref}",
        "/job-dating/{event}/agenda/{org}",
        STAFF | {"company"},
        case="a company's own",
        denied=404,
    ),
    Page(
        "GET",
        "/mon-agenda",
        "/mon-agenda",
        PEOPLE | {"company"},
        other=dict.fromkeys(STAFF, "303 /job-dating"),
    ),
    # offers: public; applications: people apply and follow, companies answer
    Page("GET", "/offres", "/offres", EVERYONE, public=True),
    Page("GET", "/offres/{ref}", "/offres/{need}", EVERYONE, public=True),
    Page("POST", "/offres/{ref}/postuler", "/offres/{need}/postuler", PEOPLE),
    Page("POST", "/offres/{ref}/interet/retirer", "/offres/{need}/interet/retirer", PEOPLE),
    Page("POST", "/offres/{ref}/competences-cv", "/offres/{need}/competences-cv", PEOPLE),
    Page("GET", "/candidatures", "/candidatures", PEOPLE),
    Page(
        "POST",
        "/candidatures/{application_id}/retrait",
        "/candidatures/{application}/retrait",
        frozenset({"student"}),
        other={"researcher": "404"},  # someone else's application reads as not found
    ),
    Page(
        "GET",
        "/candidatures/{application_id}/cv",
        "/candidatures/{application}/cv",
        STAFF | {"student", "company"},
        denied=404,
    ),
    Page(
        "POST",
        "/candidatures/{application_id}/statut",
        "/candidatures/{application}/statut",
        COMPANY_OR_ADMIN,
    ),
    Page("GET", NEED + "/candidatures", "/besoins/{need}/candidatures", STAFF | {"company"}),
    Page(
        "GET",
        "/candidats/{ref}",
        "/candidats/{student}",
        STAFF | {"company"},
        case="applied to the company's need",
    ),
    Page("GET", "/hackathons", "/hackathons", STAFF),
    Page("POST", "/hackathons", "/hackathons", STAFF),
    Page("GET", HACKATHON, "/hackathons/{hackathon}", STAFF),
    Page("GET", HACKATHON + "/equipes.csv", "/hackathons/{hackathon}/equipes.csv", STAFF),
    Page("POST", HACKATHON + "/supprimer", "/hackathons/{hackathon}/supprimer", STAFF),
    # background jobs: a job's progress page
    Page("GET", "/travaux/{job_id}", "/travaux/{job}", STAFF),
]


def registered(app: FastAPI) -> dict[tuple[str, str], bool]:
    """(method, path) of every route outside the API -> whether it is a page (WebRoute)."""
    try:  # FastAPI >= 0.16x wraps included routers; this walks through them
        from fastapi.routing import iter_route_contexts

        routes: Any = [(c.original_route, c) for c in iter_route_contexts(app.routes)]
    except ImportError:  # pragma: no cover - older FastAPI lists routes flat
        routes = [(r, r) for r in app.routes]
    found: dict[tuple[str, str], bool] = {}
    for original, route in routes:
        path = getattr(route, "path", None) or ""
        if path.startswith("/api/v1"):
            continue
        methods = [m for m in getattr(route, "methods", None) or ["*"] if m != "HEAD"]
        for method in methods:
            found[(method, path)] = isinstance(original, WebRoute)
    return found


def test_every_page_has_a_row(client: TestClient) -> None:
    routes = registered(client.app)  # type: ignore[arg-type]
    pages = {key for key, is_page in routes.items() if is_page}
    in_matrix = {(page.method, page.route) for page in MATRIX}
    missing = sorted(pages - in_matrix)
    assert not missing, f"add rows to MATRIX for: {missing}"
    stale = sorted(in_matrix - pages)
    assert not stale, f"rows for pages that no longer exist (or are no longer pages): {stale}"
    unknown = sorted(key for key, is_page in routes.items() if not is_page and key not in NOT_PAGES)
    assert not unknown, f"routes outside the API that are not pages (WebRoute): {unknown}"


# ----------------------------------------------------------------------------- the walk


def expected(page: Page, role: str) -> str | None:
    """The outcome a role must get, or None where the request is not sent."""
    if role in page.other:
        return page.other[role]
    if role in page.allowed:
        if page.method == "GET":
            return "200"
        return page.sent
    if role == ANONYMOUS and not page.public:
        return _signin(page.url.split("?")[0])
    return str(page.denied)


def outcome(status: int, headers: Mapping[str, str]) -> str:
    if status in (301, 302, 303, 307, 308):
        return f"{status} {headers['location']}"
    kind = headers.get("content-type", "")
    if status >= 400 and not kind.startswith("text/html"):
        return f"{status} {kind}"  # a refused page must be a page, not JSON
    return str(status)


def _token(client: TestClient) -> str:
    """A CSRF token for this client's cookie, read from a form as a browser would.

    The rows whose empty form is sent (sign-up, sign-in, sign-out) prove it is accepted, so a
    403 elsewhere is the role's refusal, not the token's.
    """
    page = client.get("/connexion")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, "no CSRF token in the sign-in form"
    return found.group(1)


def _sign_in(client: TestClient, role: str) -> None:
    form = {"email": EMAILS[role], "password": DEMO_PASSWORD, "csrf_token": _token(client)}
    response = client.post("/connexion", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text


def enter(client: TestClient, session: Session, role: str, tmp_path: Path) -> World:
    """The world built and committed, the engine on hashed vectors, `role` signed in."""
    client.app.state.matching = fast_matching()  # type: ignore[attr-defined]
    client.app.state.settings.data_dir = tmp_path  # type: ignore[attr-defined]
    world = _build(session, tmp_path)
    session.commit()
    if role != ANONYMOUS:
        _sign_in(client, role)
    return world


@pytest.mark.parametrize("role", ROLES)
def test_page_access(client: TestClient, session: Session, role: str, tmp_path: Path) -> None:
    world = enter(client, session, role, tmp_path)
    token = _token(client)
    cookies = dict(client.cookies)
    wrong: list[str] = []
    for page in MATRIX:
        want = expected(page, role)
        if want is None:
            continue
        url = page.url.format(**world.refs)
        want = re.sub(r"\{(\w+)\}", lambda m: world.refs[m.group(1)], want)
        client.cookies = cookies  # a row that signs out must not sign out the next one
        data = {"csrf_token": token} if page.method == "POST" else None
        response = client.request(page.method, url, data=data, follow_redirects=False)
        got = outcome(response.status_code, response.headers)
        if got != want:
            wrong.append(f"{page.id} as {role}: expected {want}, got {got}")
        if page.url == "/deconnexion" and role != ANONYMOUS:
            # Signing out revoked the session's token on the server: sign in again.
            client.cookies.clear()
            _sign_in(client, role)
            token = _token(client)
            cookies = dict(client.cookies)
    assert not wrong, "\n".join(wrong)
