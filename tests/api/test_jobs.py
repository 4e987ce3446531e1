"""Background jobs through HTTP: a job runs to its end and its result is readable, progress is
reported, bad input starts nothing, and a job a dead process left "running" reads interrupted.

These run jobs the way the tests' settings do (JOBS_BACKEND resolves to "immediate" in the test
environment): the job's message goes through huey, which runs the real job body (its claim, its
units of work, the domain services, its progress rows) in the process, once the request that
started it has committed. tests/api/test_job_consumer.py runs the same jobs through a real
consumer's threads instead.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.core.security import hash_password
from api.core.settings import Settings
from api.engine.service import MatchingService
from api.main import create_app
from api.models import AllocationRun, AuditEntry, Job, Need, Suggestion, User, utcnow

pytestmark = pytest.mark.db
PASSWORD = "correct horse battery"
TEST_SECRET = "test-secret-key-not-for-production-0123"


def coordinator(
    client: TestClient, session: Session, email: str = "coord-jobs@t.fr"
) -> dict[str, str]:
    session.add(User(email=email, password_hash=hash_password(PASSWORD), role="coordinator"))
    session.commit()
    response = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def jobs_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Job)) or 0)


def test_the_region_batch_runs_to_done_and_its_suggestions_are_in_the_queue(
    client: TestClient, session: Session
) -> None:
    headers = coordinator(client, session)
    open_needs = session.scalar(select(func.count()).select_from(Need).where(Need.is_open))
    started = client.post("/api/v1/jobs", json={"kind": "propose", "per_need": 2}, headers=headers)
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["status"] == "queued" and job["kind"] == "propose"
    assert started.headers["location"] == f"/api/v1/jobs/{job['id']}"

    followed = client.get(started.headers["location"], headers=headers)
    assert followed.status_code == 200
    done = followed.json()
    assert done["status"] == "done", done
    assert done["progress"] == 1.0
    assert done["total"] == open_needs and done["done"] == open_needs  # every open need ranked
    assert done["stage"] == "done" and done["error"] is None
    assert done["created_by"] == "coordinator:coord-jobs@t.fr"
    assert done["result_url"] == "/api/v1/review/queue"
    created = done["result"]["created"]
    assert created > 0 and done["result"]["kept"] == 0

    queue = client.get("/api/v1/review/queue", params={"limit": 1}, headers=headers).json()
    assert queue["total"] == created
    assert session.scalar(select(func.count()).select_from(Suggestion)) == created
    # One batch in the audit log (not one entry per slice the job ran it in).
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "propose")).all()
    assert [e.data for e in entries] == [{"created": created, "kept": 0}]

    again = client.post("/api/v1/jobs", json={"kind": "propose", "per_need": 2}, headers=headers)
    second = client.get(again.headers["location"], headers=headers).json()
    assert second["id"] != job["id"] and second["status"] == "done"
    assert second["result"] == {**second["result"], "created": 0, "kept": created}

    listed = client.get("/api/v1/jobs", headers=headers).json()
    assert [item["id"] for item in listed["items"]][:2] == [second["id"], job["id"]]


def test_an_allocation_job_points_at_the_run_it_saved(client: TestClient, session: Session) -> None:
    headers = coordinator(client, session)
    body = {"kind": "allocation", "kinds": ["internship"], "candidates_per_person": 5}
    started = client.post("/api/v1/jobs", json=body, headers=headers)
    assert started.status_code == 202, started.text
    job = client.get(started.headers["location"], headers=headers).json()
    assert job["status"] == "done", job
    assert (job["done"], job["total"]) == (1, 1)
    run_id = int(job["result_ref"])
    assert job["result_url"] == f"/api/v1/allocations/{run_id}"
    run = client.get(job["result_url"], headers=headers).json()
    assert run["settings"] == {"kinds": ["internship"], "candidates_per_person": 5}
    placed = {row["method"]: row["placed"] for row in run["report"]["rows"]}
    assert placed == job["result"]["placed"] and placed["stable"] > 0
    assert session.get(AllocationRun, run_id) is not None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "everything"}, "kind"),
        ({"kind": "propose", "per_need": 0}, "per_need"),
        ({"kind": "allocation", "kinds": []}, "kinds"),
        ({"kind": "schedule"}, "event_id"),
    ],
)
def test_bad_input_names_the_field_and_starts_nothing(
    client: TestClient, session: Session, body: dict[str, object], field: str
) -> None:
    headers = coordinator(client, session)
    before = jobs_count(session)
    refused = client.post("/api/v1/jobs", json=body, headers=headers)
    assert refused.status_code == 422, refused.text
    assert field in refused.text
    assert jobs_count(session) == before


def test_a_schedule_of_an_unknown_event_is_refused_before_any_job(
    client: TestClient, session: Session
) -> None:
    headers = coordinator(client, session)
    before = jobs_count(session)
    refused = client.post(
        "/api/v1/jobs", json={"kind": "schedule", "event_id": 999999}, headers=headers
    )
    assert refused.status_code == 404, refused.text
    assert refused.json()["code"] == "not_found"
    assert jobs_count(session) == before
    missing = client.get("/api/v1/jobs/999999", headers=headers)
    assert missing.status_code == 404 and "Travail introuvable" in missing.json()["detail"]


def dead_pid() -> int:
    """The pid of a process that has just ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_job_left_running_by_a_dead_process_reads_interrupted_after_a_restart(
    client: TestClient,
    session: Session,
    database_url: str,
    connection: sessionmaker[Session],
    matching_service: MatchingService,
) -> None:
    headers = coordinator(client, session)
    host = socket.gethostname()
    long_ago = utcnow() - timedelta(hours=2)

    def running(worker: str, beat: object) -> Job:
        return Job(
            kind="propose",
            status="running",
            stage="ranking",
            done=3,
            total=10,
            params={"per_need": 5},
            created_by="coordinator:coord-jobs@t.fr",
            worker=worker,
            started_at=long_ago,
            heartbeat_at=beat,
        )

    # A process of this machine that was killed; a machine that went away two hours ago; a
    # job another machine is running right now (it reported a minute ago).
    killed = running(f"{host}:{dead_pid()}:12345", utcnow())
    vanished = running("autre-machine:4242:99", long_ago)
    elsewhere = running("autre-machine:4243:99", utcnow() - timedelta(minutes=1))
    session.add_all([killed, vanished, elsewhere])
    session.commit()

    # The service starts again (a new app on the same database): its start marks them.
    app = create_app(
        Settings(database_url=database_url, environment="test", secret_key=TEST_SECRET)
    )
    app.state.sessions = connection
    app.state.matching = matching_service
    with TestClient(app) as restarted:
        for job in (killed, vanished):
            read = restarted.get(f"/api/v1/jobs/{job.id}", headers=headers).json()
            assert read["status"] == "interrupted", read
            assert read["error"]["code"] == "job_interrupted"
            assert "interrompu" in read["error"]["message"]
            assert (read["done"], read["total"]) == (3, 10)  # how far it got stays readable
            english = restarted.get(
                f"/api/v1/jobs/{job.id}", headers={**headers, "Accept-Language": "en"}
            ).json()
            assert "interrupted" in english["error"]["message"]
        still = restarted.get(f"/api/v1/jobs/{elsewhere.id}", headers=headers).json()
        assert still["status"] == "running" and still["error"] is None
