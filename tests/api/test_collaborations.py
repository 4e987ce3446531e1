"""Researchers as partners: R&D needs are collaborations to propose, explained as expertise,
and the proposal reaches the need's organisation and the coordinators."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Need
from tests.api.test_authz_matrix import add_user, sign_in

pytestmark = pytest.mark.db

PASSWORD = "un-mot-de-passe-long"
MESSAGE = "Notre équipe encadre des thèses CIFRE en apprentissage automatique appliqué au port."

SUPERVISOR = {
    "headline": "Maître de conférences en informatique, encadre des thèses CIFRE",
    "summary": "Apprentissage automatique et vision par ordinateur pour la logistique portuaire.",
    "skills": ["apprentissage automatique", "Python", "vision par ordinateur"],
    "research_topics": ["prévision des escales", "jumeau numérique portuaire"],
    "offers": ["cifre_supervision", "expertise"],
    "seeks": ["rd"],
    "level": "doctorat",
    "town": "Calais",
}


def signed_up(client: TestClient, email: str, role: str) -> tuple[str, dict[str, str]]:
    body = {"email": email, "password": PASSWORD, "role": role, "first_name": "Ana"}
    created = client.post("/api/v1/auth/signup", json=body | {"last_name": "Lefebvre"})
    assert created.status_code == 201, created.text
    token = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    return created.json()["person_ref"], {"Authorization": f"Bearer {token.json()['access_token']}"}


def researcher(
    client: TestClient, email: str = "chercheuse@labo.test"
) -> tuple[str, dict[str, str]]:
    ref, headers = signed_up(client, email, "researcher")
    saved = client.patch(f"/api/v1/people/{ref}", json=SUPERVISOR, headers=headers)
    assert saved.status_code == 200, saved.text
    return ref, headers


def rd_need(session: Session, open_: bool = True) -> Need:
    need = session.scalars(
        select(Need).where(Need.kind == "rd", Need.is_open.is_(open_)).order_by(Need.ref)
    ).first()
    if need is None:  # no closed one in the demo region: close one for the test
        need = session.scalars(
            select(Need).where(Need.kind == "rd").order_by(Need.ref.desc())
        ).first()
        assert need is not None
        need.is_open = open_
        session.commit()
    return need


def test_a_cifre_supervisor_is_told_of_expertise_not_skills_to_acquire(
    client: TestClient,
) -> None:
    ref, headers = researcher(client)
    page = client.get(
        f"/api/v1/people/{ref}/recommendations", params={"limit": 20}, headers=headers
    ).json()
    assert page["items"], page
    assert any(i["explanation"]["missing_skills"] for i in page["items"])
    for item in page["items"]:
        explanation = item["explanation"]
        assert "À acquérir" not in explanation["text_fr"]
        assert "Missing:" not in explanation["text_en"]
        if explanation["matched_skills"] or explanation["missing_skills"]:
            assert explanation["expertise"] is True  # the researcher's skills are expertise
        if explanation["missing_skills"]:
            assert "Expertise complémentaire recherchée" in explanation["text_fr"]


def test_researcher_proposes_a_collaboration_seen_by_the_company_and_coordinators(
    client: TestClient, session: Session
) -> None:
    need = rd_need(session)
    add_user(session, "rd-owner@entreprise.test", "company", organisation_id=need.organisation_id)
    add_user(session, "rd-other@entreprise.test", "company", organisation_id=None)
    add_user(session, "rd-coord@reseau.test", "coordinator")
    session.commit()
    ref, headers = researcher(client)

    sent = client.post(
        f"/api/v1/needs/{need.ref}/collaborations", json={"message": MESSAGE}, headers=headers
    )
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["need"]["ref"] == need.ref and body["message"] == MESSAGE
    assert body["researcher"]["offers"] == ["cifre_supervision", "expertise"]

    again = client.post(
        f"/api/v1/needs/{need.ref}/collaborations", json={"message": MESSAGE}, headers=headers
    )
    assert again.status_code == 409 and again.json()["code"] == "already_proposed"

    owner = sign_in(client, "rd-owner@entreprise.test")
    received = client.get(f"/api/v1/needs/{need.ref}/collaborations", headers=owner)
    assert received.status_code == 200
    assert [p["message"] for p in received.json()] == [MESSAGE]
    assert client.get("/api/v1/collaborations", headers=owner).json()["total"] == 1

    other = sign_in(client, "rd-other@entreprise.test")
    assert client.get(f"/api/v1/needs/{need.ref}/collaborations", headers=other).status_code == 403
    assert client.get("/api/v1/collaborations", headers=other).status_code == 403

    coordinator = sign_in(client, "rd-coord@reseau.test")
    listed = client.get("/api/v1/collaborations", headers=coordinator).json()
    assert MESSAGE in [p["message"] for p in listed["items"]]
    mine = client.get("/api/v1/collaborations", headers=headers).json()
    assert [p["need"]["ref"] for p in mine["items"]] == [need.ref]

    # The proposal is the researcher's data: in their export, gone with their erasure.
    exported = client.get(f"/api/v1/people/{ref}/export", headers=headers).json()
    assert [c["message"] for c in exported["collaborations"]] == [MESSAGE]
    assert client.delete(f"/api/v1/people/{ref}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/needs/{need.ref}/collaborations", headers=owner).json() == []


def test_refused_proposals_say_why_and_store_nothing(client: TestClient, session: Session) -> None:
    _, headers = researcher(client, "refus@labo.test")
    internship = session.scalars(
        select(Need).where(Need.kind == "internship", Need.is_open)
    ).first()
    closed = rd_need(session, open_=False)
    student_ref, student = signed_up(client, "etudiant-collab@etu.test", "student")
    assert student_ref
    open_rd = rd_need(session)

    def propose(ref: str, who: dict[str, str], message: str = MESSAGE) -> tuple[int, str]:
        r = client.post(
            f"/api/v1/needs/{ref}/collaborations", json={"message": message}, headers=who
        )
        return r.status_code, r.json().get("code", "")

    assert internship is not None
    assert propose(internship.ref, headers) == (409, "not_a_partnership")
    assert propose(closed.ref, headers) == (409, "need_closed")
    assert propose(open_rd.ref, student) == (403, "researchers_only")
    assert propose(open_rd.ref, headers, "Bonjour") == (422, "invalid")
    assert propose("N-INCONNU", headers) == (404, "not_found")
    assert client.get("/api/v1/collaborations", headers=headers).json()["total"] == 0
