"""Jobs through a real consumer: huey's worker threads started by the app's lifespan, on a queue
of the configured storage (a SQLite file here, PostgreSQL under TEST_DATABASE_URL).

A job is held at a known point (the second slice of the batch waits for the test's signal), so
what is checked while it runs does not depend on timing: its progress is readable, pages and
the API answer meanwhile, and stopping the service mid-job leaves it "interrupted". Every test
leaves no consumer thread behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.core.db import make_engine, session_factory, session_scope
from api.core.security import hash_password, issue_token
from api.core.settings import Settings
from api.engine.service import MatchingService
from api.main import create_app
from api.models import Base, Consent, Job, Need, Organisation, Person, Suggestion, User
from api.review import service as review_service
from matching.encoders import CachedEncoder, HashingEncoder, MemoryStore

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]
TEST_SECRET = "test-secret-key-not-for-production-0123"
WAIT_S = 60.0  # an upper bound for a machine under load, never a speed requirement
CONSUMER_THREADS = ("Worker-1", "Scheduler")

NEEDS = [
    ("Stage développeur Python", "Outils de suivi des débarquements en Python et SQL."),
    ("Alternance soudure", "Soudage TIG sur coques en aluminium, lecture de plans."),
    ("Stage data logistique", "Tableaux de bord des flux portuaires, pandas, SQL."),
]
PEOPLE = [
    ("Étudiante en BUT informatique", "Projets Python et SQL, cherche un stage sur le littoral."),
    ("Apprenti chaudronnier", "Soudure TIG et MIG, lecture de plans, atelier naval."),
    ("Master data science", "Analyse de données logistiques avec pandas et SQL."),
    ("Étudiant en génie électrique", "Automatismes, maintenance, habilitation électrique."),
]


def build_world(session: Session) -> int:
    """Three open needs, four people, one coordinator; the coordinator's id."""
    org = Organisation(ref="T-JOB-ORG", kind="company", name="Armement Travaux", town="Calais")
    session.add(org)
    for i, (title, description) in enumerate(NEEDS):
        session.add(
            Need(
                ref=f"T-JOB-N{i}",
                organisation=org,
                kind="internship",
                title=title,
                description=description,
            )
        )
    for i, (headline, summary) in enumerate(PEOPLE):
        person = Person(
            ref=f"T-JOB-P{i}",
            kind="student",
            first_name=f"Prénom{i}",
            last_name="Travaux",
            email=f"p{i}@travaux.test",
            headline=headline,
            summary=summary,
        )
        person.consent = Consent(companies_may_view=True)
        session.add(person)
    user = User(
        email="coord@travaux.test", password_hash=hash_password("x" * 12), role="coordinator"
    )
    session.add(user)
    session.flush()
    return user.id


class Gate:
    """Holds the batch at its second slice until `release`; says when it got there."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.released = threading.Event()
        self.calls = 0

    def wrap(self, propose: Callable[..., Any]) -> Callable[..., Any]:
        def held(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == 2:
                self.reached.set()
                self.released.wait(WAIT_S)
            return propose(*args, **kwargs)

        return held


@pytest.fixture
def service(scratch_url: str, tmp_path: Path) -> Iterator[tuple[Any, int]]:
    """The app on its own database, its jobs consumed by a real consumer (not immediate)."""
    engine = make_engine(scratch_url)
    # The models' tables (tests/api/test_migrations.py checks the migrations build the same):
    # seconds faster than running every migration for each test.
    Base.metadata.create_all(engine)
    for session in session_scope(session_factory(engine)):
        user_id = build_world(session)
    engine.dispose()
    storage = "postgres" if scratch_url.startswith("postgresql") else "sqlite"
    settings = Settings(
        database_url=scratch_url,
        environment="test",
        secret_key=TEST_SECRET,
        jobs_backend=storage,
        jobs_queue_path=tmp_path / "queue.db",
    )
    app = create_app(settings)
    encoder = CachedEncoder(HashingEncoder(), MemoryStore())
    app.state.matching = MatchingService(app.state.sessions, "hashing", encoder=encoder)
    yield app, user_id
    app.state.engine.dispose()
    assert not [t.name for t in threading.enumerate() if t.name in CONSUMER_THREADS]


def wait_for(
    read: Callable[[], dict[str, Any]], done: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_S
    while True:
        seen = read()
        if done(seen) or time.monotonic() > deadline:
            return seen
        time.sleep(0.05)


def headers_for(user_id: int) -> dict[str, str]:
    token, _ = issue_token(user_id, "coordinator", TEST_SECRET, minutes=30)
    return {"Authorization": f"Bearer {token}"}


def test_the_consumer_runs_a_batch_while_the_pages_answer(
    service: tuple[Any, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, user_id = service
    gate = Gate()
    monkeypatch.setattr(review_service, "propose", gate.wrap(review_service.propose))
    headers = headers_for(user_id)
    try:
        with TestClient(app) as client:
            started = client.post(
                "/api/v1/jobs", json={"kind": "propose", "per_need": 2}, headers=headers
            )
            assert started.status_code == 202, started.text
            url = started.headers["location"]
            assert gate.reached.wait(WAIT_S), "the consumer never ran the job"

            # The job is running, held in its second slice: the service answers meanwhile.
            running = client.get(url, headers=headers).json()
            assert running["status"] == "running" and running["stage"] == "ranking"
            assert (running["done"], running["total"]) == (1, 3)  # one need per slice
            assert running["progress"] == pytest.approx(1 / 3)
            queue = client.get("/api/v1/review/queue", headers=headers)
            assert queue.status_code == 200 and queue.json()["total"] == 2  # the first slice's
            client.cookies.set("passerelle_token", headers["Authorization"].split()[1])
            page = client.get(f"/travaux/{running['id']}")
            assert page.status_code == 200
            assert 'hx-trigger="every 1s"' in page.text and "<progress" in page.text
            assert "1 sur 3" in page.text
            review = client.get("/revue")
            assert review.status_code == 200 and f'data-job="{running["id"]}"' in review.text

            gate.released.set()
            done = wait_for(
                lambda: client.get(url, headers=headers).json(), lambda j: j["status"] == "done"
            )
            assert done["status"] == "done", done
            assert (done["done"], done["total"]) == (3, 3)
            assert done["result"]["created"] == 6  # two candidates for each of three needs
            followed = client.get(f"/travaux/{done['id']}", follow_redirects=False)
            assert followed.status_code == 303 and followed.headers["location"] == "/revue"
            polled = client.get(f"/travaux/{done['id']}", headers={"HX-Request": "true"})
            assert polled.headers["hx-redirect"] == "/revue"
    finally:
        gate.released.set()


def test_stopping_the_service_mid_job_leaves_it_interrupted(
    service: tuple[Any, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, user_id = service
    gate = Gate()
    monkeypatch.setattr(review_service, "propose", gate.wrap(review_service.propose))
    headers = headers_for(user_id)
    try:
        with TestClient(app) as client:
            started = client.post(
                "/api/v1/jobs", json={"kind": "propose", "per_need": 2}, headers=headers
            )
            job_id = started.json()["id"]
            assert gate.reached.wait(WAIT_S)
        # The service stopped while the job was held in a slice: marked interrupted at once.
        with app.state.sessions() as session:
            job = session.get(Job, job_id)
            assert job is not None and job.status == "interrupted"
            assert job.error_code == "job_interrupted" and job.done == 1
    finally:
        gate.released.set()
    # Released, the held slice finds its job interrupted and keeps nothing of its own work.
    for thread in threading.enumerate():
        if thread.name in CONSUMER_THREADS:
            thread.join(WAIT_S)
    with app.state.sessions() as session:
        job = session.get(Job, job_id)
        assert job is not None and job.status == "interrupted"
        assert session.scalar(select(func.count()).select_from(Suggestion)) == 2


@pytest.mark.slow
def test_passerelle_worker_runs_the_jobs_of_a_web_process_that_runs_none(
    scratch_url: str, tmp_path: Path
) -> None:
    """Production's layout: web processes with JOBS_IN_PROCESS=false, `passerelle worker` apart."""
    engine = make_engine(scratch_url)
    Base.metadata.create_all(engine)
    for session in session_scope(session_factory(engine)):
        user_id = build_world(session)
    engine.dispose()
    storage = "postgres" if scratch_url.startswith("postgresql") else "sqlite"
    queue = tmp_path / "queue.db"
    env = {
        **os.environ,
        "DATABASE_URL": scratch_url,
        "ENVIRONMENT": "test",
        "JOBS_BACKEND": storage,
        "JOBS_QUEUE_PATH": str(queue),
        "EMBEDDING_MODEL": "hashing",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "api", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        settings = Settings(
            database_url=scratch_url,
            environment="test",
            secret_key=TEST_SECRET,
            jobs_backend=storage,
            jobs_queue_path=queue,
            jobs_in_process=False,
        )
        app = create_app(settings)
        headers = headers_for(user_id)
        with TestClient(app) as client:
            assert not [t.name for t in threading.enumerate() if t.name in CONSUMER_THREADS]
            started = client.post(
                "/api/v1/jobs", json={"kind": "propose", "per_need": 1}, headers=headers
            )
            assert started.status_code == 202, started.text
            url = started.headers["location"]
            done = wait_for(
                lambda: client.get(url, headers=headers).json(),
                lambda j: j["status"] not in ("queued", "running"),
            )
            assert done["status"] == "done", done
            assert done["result"]["created"] == 3
            assert (
                done["result"]["created"]
                == client.get("/api/v1/review/queue", headers=headers).json()["total"]
            )
        app.state.engine.dispose()
    finally:
        worker.send_signal(signal.SIGINT)
        output, _ = worker.communicate(timeout=WAIT_S)
    assert worker.returncode == 0, output
    assert "Traceback" not in output
