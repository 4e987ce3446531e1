"""Recommendations through HTTP, and the coordinator's review loop from proposal to hire."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.security import hash_password
from api.models import AuditEntry, Need, Person, User

pytestmark = pytest.mark.db
PASSWORD = "correct horse battery"


def login(client: TestClient, session: Session, role: str, **links: int | None) -> dict[str, str]:
    email = (
        f"{role}-{len(links)}-{links.get('person_id') or links.get('organisation_id') or 0}@t.fr"
    )
    owner = None
    if links.get("person_id") is not None:  # the demo region already has an account for some
        owner = session.scalar(select(User).where(User.person_id == links["person_id"]))
    if owner is not None:
        owner.password_hash = hash_password(PASSWORD)
        email = owner.email
    else:
        session.add(User(email=email, password_hash=hash_password(PASSWORD), role=role, **links))
    session.commit()
    response = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def first_student(session: Session) -> Person:
    return session.scalars(
        select(Person).where(Person.kind == "student").order_by(Person.ref)
    ).first()  # type: ignore[return-value]


def test_student_sees_explained_recommendations_and_filters(
    client: TestClient, session: Session
) -> None:
    student = first_student(session)
    headers = login(client, session, "student", person_id=student.id)
    page = client.get(f"/api/v1/people/{student.ref}/recommendations", headers=headers).json()
    items = page["items"]
    assert 4 <= len(items) <= 20  # hard constraints (kind sought, dates, distance) prune
    first = items[0]
    assert first["explanation"]["text_fr"].startswith("Compétences demandées couvertes")
    assert [i["rank"] for i in items] == list(range(1, len(items) + 1))
    only = client.get(
        f"/api/v1/people/{student.ref}/recommendations",
        params={"kind": "internship", "territory": "Dunkerque", "limit": 50},
        headers=headers,
    ).json()["items"]
    refs = [i["ref"] for i in only]
    kinds = {n.kind for n in session.scalars(select(Need).where(Need.ref.in_(refs)))}
    assert kinds <= {"internship"} and {i["territory"] for i in only} <= {"Dunkerque"}
    second = client.get(
        f"/api/v1/people/{student.ref}/recommendations",
        params={"limit": 2, "offset": 2},
        headers=headers,
    ).json()["items"]
    assert [i["ref"] for i in second] == [i["ref"] for i in items[2:4]]


def test_other_student_cannot_read_my_recommendations(client: TestClient, session: Session) -> None:
    people = session.scalars(select(Person).where(Person.kind == "student").limit(2)).all()
    headers = login(client, session, "student", person_id=people[1].id)
    response = client.get(f"/api/v1/people/{people[0].ref}/recommendations", headers=headers)
    assert response.status_code in (403, 404)
    assert client.get(f"/api/v1/people/{people[0].ref}/recommendations").status_code == 401


def test_company_sees_only_visible_candidates(client: TestClient, session: Session) -> None:
    need = session.scalars(select(Need).order_by(Need.ref)).first()
    assert need is not None
    headers = login(client, session, "company", organisation_id=need.organisation_id)
    items = client.get(
        f"/api/v1/needs/{need.ref}/candidates", params={"limit": 100}, headers=headers
    ).json()["items"]
    assert items
    shown = session.scalars(select(Person).where(Person.ref.in_([i["ref"] for i in items])))
    assert all(p.consent is not None and p.consent.companies_may_view for p in shown)
    other = session.scalars(
        select(Need).where(Need.organisation_id != need.organisation_id)
    ).first()
    assert other is not None
    assert client.get(f"/api/v1/needs/{other.ref}/candidates", headers=headers).status_code == 403


def test_free_text_search(client: TestClient, session: Session) -> None:
    found = client.get(
        "/api/v1/search/needs", params={"q": "qualité HACCP produits de la mer"}
    ).json()
    assert found["items"]
    top = session.scalars(select(Need).where(Need.ref == found["items"][0]["ref"])).one()
    text = (top.title + top.description + " ".join(top.skills)).lower()
    assert "haccp" in text or "qualité" in text
    assert client.get("/api/v1/search/needs", params={"q": "x"}).status_code == 422
    student = first_student(session)
    headers = login(client, session, "student", person_id=student.id)
    assert (
        client.get("/api/v1/search/people", params={"q": "python"}, headers=headers).status_code
        == 403
    )


def test_review_loop_from_proposal_to_introduction(client: TestClient, session: Session) -> None:
    coordinator = login(client, session, "coordinator")
    report = client.post("/api/v1/review/run", json={"per_need": 2}, headers=coordinator).json()
    assert report["created"] >= report["needs"]
    again = client.post("/api/v1/review/run", json={"per_need": 2}, headers=coordinator).json()
    assert again["created"] == 0 and again["kept"] >= report["created"]
    queue = client.get("/api/v1/review/queue", params={"limit": 50}, headers=coordinator).json()
    # Likeliest first across needs (fit), then by score among equal fits.
    order = [(i["fit"], i["score"]) for i in queue["items"]]
    assert all(fit is not None for fit, _ in order)
    assert order == sorted(order, reverse=True) and queue["total"] == report["created"]
    item = queue["items"][0]
    assert item["explanation"]["text_fr"] and item["history"][0]["to_status"] == "proposed"

    url = f"/api/v1/suggestions/{item['id']}/decision"
    refused = client.post(url, json={"action": "reject"}, headers=coordinator)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "reason"
    assert client.post(url, json={"action": "hire"}, headers=coordinator).status_code == 409
    approved = client.post(url, json={"action": "approve"}, headers=coordinator).json()
    assert approved["status"] == "approved"

    # Before the introduction the company may not see a non-consenting candidate.
    person = session.scalars(select(Person).where(Person.ref == item["person_ref"])).one()
    person.consent.companies_may_view = False  # type: ignore[union-attr]
    session.commit()
    need = session.scalars(select(Need).where(Need.ref == item["need_ref"])).one()
    company = login(client, session, "company", organisation_id=need.organisation_id)
    assert client.get(f"/api/v1/people/{person.ref}", headers=company).status_code == 404
    introduced = client.post(
        url, json={"action": "introduce", "reason": "bon profil"}, headers=coordinator
    ).json()
    assert [h["to_status"] for h in introduced["history"]] == ["proposed", "approved", "introduced"]
    assert client.get(f"/api/v1/people/{person.ref}", headers=company).status_code == 200
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"propose", "approve", "introduce"} <= actions


def test_mutual_interest_is_flagged(client: TestClient, session: Session) -> None:
    need = session.scalars(select(Need).order_by(Need.ref)).first()
    person = session.scalars(
        select(Person).where(Person.consent.has(companies_may_view=True)).order_by(Person.ref)
    ).first()
    assert need is not None and person is not None
    student = login(client, session, "student", person_id=person.id)
    company = login(client, session, "company", organisation_id=need.organisation_id)
    coordinator = login(client, session, "coordinator")
    assert client.put(f"/api/v1/needs/{need.ref}/interest", headers=student).status_code == 204
    assert client.get("/api/v1/review/mutual", headers=coordinator).json() == []
    shortlisted = client.put(f"/api/v1/needs/{need.ref}/shortlist/{person.ref}", headers=company)
    assert shortlisted.status_code == 204
    mutual = client.get("/api/v1/review/mutual", headers=coordinator).json()
    assert [(m["person_ref"], m["need_ref"]) for m in mutual] == [(person.ref, need.ref)]
    assert client.get("/api/v1/review/queue", headers=student).status_code == 403
