"""A background job's page: a progress bar htmx refreshes (no script of ours in the page), the
result once done, and why, in French or English, when it failed or was interrupted."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.models import Job, utcnow
from tests.web.test_pages import account, sign_in

pytestmark = pytest.mark.db


def add_job(session: Session, **fields: object) -> Job:
    values: dict[str, object] = {
        "kind": "propose",
        "status": "running",
        "params": {"per_need": 5},
        "created_by": "coordinator:coord-travaux@t.fr",
        "started_at": utcnow(),
        **fields,
    }
    job = Job(**values)
    session.add(job)
    session.commit()
    return job


@pytest.fixture
def coordinator(client: TestClient, session: Session) -> TestClient:
    account(session, "coordinator", "coord-travaux@t.fr")
    sign_in(client, "coord-travaux@t.fr")
    return client


def test_a_running_job_shows_a_bar_that_refreshes_itself(
    coordinator: TestClient, session: Session
) -> None:
    job = add_job(session, stage="ranking", done=7, total=20)
    page = coordinator.get(f"/travaux/{job.id}")
    assert page.status_code == 200
    assert "Lot de suggestions de la région" in page.text
    assert re.search(r'<progress class="job-progress" max="20" value="7"', page.text)
    assert "7 sur 20 (35" in page.text and "Classement des candidats" in page.text
    part = re.search(r'<section class="card job"[^>]*>', page.text)
    assert part is not None
    assert f'hx-get="/travaux/{job.id}"' in part.group(0)
    assert 'hx-trigger="every 1s"' in part.group(0) and 'hx-swap="outerHTML"' in part.group(0)
    # No inline script: the CSP refuses them; htmx polls from the attributes alone.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)

    # What htmx gets every second: the part alone, polling on while the job runs.
    polled = coordinator.get(f"/travaux/{job.id}", headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "<html" not in polled.text
    assert 'hx-trigger="every 1s"' in polled.text and "hx-redirect" not in polled.headers

    # The review page shows the batch under way, with the same bar.
    review = coordinator.get("/revue")
    assert f'data-job="{job.id}"' in review.text and "7 sur 20" in review.text


def test_a_finished_job_leads_to_its_result(coordinator: TestClient, session: Session) -> None:
    job = add_job(session, status="done", stage="done", done=20, total=20)
    page = coordinator.get(f"/travaux/{job.id}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/revue"
    polled = coordinator.get(f"/travaux/{job.id}", headers={"HX-Request": "true"})
    assert polled.headers["hx-redirect"] == "/revue"
    assert "hx-trigger" not in polled.text  # the polling stops
    allocation = add_job(session, kind="allocation", status="done", result_ref="41")
    page = coordinator.get(f"/travaux/{allocation.id}", follow_redirects=False)
    assert page.headers["location"] == "/allocations/41"


def test_a_failed_or_interrupted_job_says_why_in_the_readers_language(
    coordinator: TestClient, session: Session
) -> None:
    refused = add_job(
        session,
        kind="schedule",
        status="failed",
        params={"event_id": 12, "coverage": True},
        error_code="pins_clash",
        error_params={
            "messages": {
                "fr": "Les entretiens épinglés ne peuvent pas tous être gardés.",
                "en": "The pinned meetings cannot all be kept.",
            }
        },
    )
    page = coordinator.get(f"/travaux/{refused.id}")
    assert page.status_code == 200 and 'role="alert"' in page.text
    assert "Le travail n&#39;a pas abouti. Les entretiens épinglés" in page.text
    assert 'href="/job-dating/12"' in page.text and "hx-trigger" not in page.text

    interrupted = add_job(session, status="interrupted", error_code="job_interrupted")
    page = coordinator.get(f"/travaux/{interrupted.id}")
    assert "Travail interrompu : le service a redémarré avant la fin." in page.text
    assert 'href="/revue"' in page.text

    coordinator.cookies.set("lang", "en")
    english = coordinator.get(f"/travaux/{interrupted.id}")
    assert "Job interrupted: the service restarted before it finished." in english.text
    english = coordinator.get(f"/travaux/{refused.id}")
    assert "The job did not complete. The pinned meetings cannot all be kept." in english.text


def test_an_unknown_job_is_a_404_page(coordinator: TestClient) -> None:
    page = coordinator.get("/travaux/999999")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
