"""A student who signed up and wrote nothing leaves the region's tools working: left out, listed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Person
from tests.api.test_jobdating_api import event_body, hashing_matching
from tests.api.test_recommendations_review import login
from tests.web.test_pages import sign_in

pytestmark = [pytest.mark.db, pytest.mark.slow]
PASSWORD = "un mot de passe long"
COORDINATOR = "coordinator-0-0@t.fr"  # the account login(client, session, "coordinator") makes


def empty_student(client: TestClient, email: str = "vide@exemple.fr") -> tuple[str, dict[str, str]]:
    """Signs up through the API and writes nothing: (the person's ref, their headers)."""
    body = {"email": email, "password": PASSWORD, "role": "student"}
    created = client.post("/api/v1/auth/signup", json=body)
    assert created.status_code == 201, created.text
    token = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    me = client.get("/api/v1/auth/me", headers=headers).json()
    assert me["person_ref"]
    return me["person_ref"], headers


def test_empty_profile_gets_what_to_fill_in_not_a_422(client: TestClient) -> None:
    ref, mine = empty_student(client)
    response = client.get(f"/api/v1/people/{ref}/recommendations", headers=mine)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["items"] == []
    assert page["missing"] == ["headline", "summary", "skills"]

    # Once something is written, the marker goes and the ranking runs.
    patched = client.patch(
        f"/api/v1/people/{ref}", json={"headline": "Étudiante en data science"}, headers=mine
    )
    assert patched.status_code == 200, patched.text
    filled = client.get(f"/api/v1/people/{ref}/recommendations", headers=mine).json()
    assert filled["missing"] == []


def test_empty_profile_page_lists_what_to_fill_in(client: TestClient) -> None:
    empty_student(client, "vide.page@exemple.fr")
    sign_in(client, "vide.page@exemple.fr", PASSWORD)
    page = client.get("/recommandations")
    assert page.status_code == 200
    assert "Votre profil est vide" in page.text
    for name in ("headline", "summary", "skills"):
        assert f'data-missing="{name}"' in page.text
    assert 'href="/profil#f-headline"' in page.text
    english = client.get("/langue/en?next=/recommandations").text
    assert "Your profile is empty" in english and "Profile headline" in english


def test_allocation_leaves_the_empty_profile_out_and_says_so(
    client: TestClient, session: Session
) -> None:
    ref, _ = empty_student(client)
    coordinator = login(client, session, "coordinator")
    response = client.post(
        "/api/v1/allocations", json={"kinds": ["internship"]}, headers=coordinator
    )
    assert response.status_code == 201, response.text
    run = response.json()
    assert ref in run["report"]["left_out"]["people"]
    assert all(p["person_ref"] != ref for p in run["pairs"])
    assert any(r["placed"] > 0 for r in run["report"]["rows"])

    sign_in(client, COORDINATOR)  # the pages read the session cookie
    page = client.get(f"/allocations/{run['id']}")
    assert page.status_code == 200
    count = len(run["report"]["left_out"]["people"])
    said = "1 profil vide ignoré" if count == 1 else f"{count} profils vides ignorés"
    assert said in page.text
    assert 'id="left-out"' in page.text and ref in page.text


def test_suggestion_batch_leaves_the_empty_profile_out(
    client: TestClient, session: Session
) -> None:
    ref, _ = empty_student(client)
    coordinator = login(client, session, "coordinator")
    response = client.post("/api/v1/review/run", json={"per_need": 2}, headers=coordinator)
    assert response.status_code == 200, response.text
    report = response.json()
    assert ref in report["left_out"]["people"] and report["created"] > 0
    person = session.scalar(select(Person).where(Person.ref == ref))
    assert person is not None
    queue = client.get("/api/v1/review/queue", params={"limit": 200}, headers=coordinator).json()
    assert all(i["person_ref"] != ref for i in queue["items"] if "person_ref" in i)


def test_hackathon_teams_take_the_empty_profile(client: TestClient, session: Session) -> None:
    ref, _ = empty_student(client)
    coordinator = login(client, session, "coordinator")
    students = list(
        session.scalars(
            select(Person).where(Person.kind == "student").order_by(Person.ref).limit(7)
        )
    )
    body = {"name": "Hackathon", "team_size": 4, "participants": [p.ref for p in students] + [ref]}
    response = client.post("/api/v1/hackathons", json=body, headers=coordinator)
    # Teams mix skills, schools and levels, none of them compared as text: an empty profile is
    # still a participant.
    assert response.status_code == 201, response.text
    members = {m["person"] for t in response.json()["teams"] for m in t["members"]}
    assert ref in members


def test_job_dating_schedule_leaves_the_empty_attendee_out(
    client: TestClient, session: Session
) -> None:
    ref, _ = empty_student(client)
    coordinator = login(client, session, "coordinator")
    client.app.state.matching = hashing_matching()  # type: ignore[attr-defined]
    body = event_body(session)
    body["attendees"].append(ref)
    created = client.post("/api/v1/job-dating", json=body, headers=coordinator)
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    response = client.post(f"/api/v1/job-dating/{event_id}/schedule", headers=coordinator)
    assert response.status_code == 200, response.text
    event = response.json()
    assert event["report"]["left_out"]["people"] == [ref]
    assert event["report"]["students"] == 16 and event["report"]["interviews"] > 0
    assert all(m["person"] != ref for m in event["meetings"])

    sign_in(client, COORDINATOR)
    page = client.get(f"/job-dating/{event_id}")
    assert page.status_code == 200
    assert "1 profil vide ignoré" in page.text and ref in page.text
    english = client.get(f"/langue/en?next=/job-dating/{event_id}").text
    assert "1 empty profile left out" in english
