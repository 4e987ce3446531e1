"""People edit their profile and consent; companies publish needs; the directory hides people."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.engine import corpus
from api.models import AuditEntry, Need, Organisation, Person, Suggestion
from tests.api.test_authz_matrix import add_person, add_user, sign_in

pytestmark = pytest.mark.db


def student(client: TestClient, email: str, town: str | None = None) -> tuple[str, dict[str, str]]:
    """Sign up a student through the API; their profile ref and headers."""
    body = {
        "email": email,
        "password": "un-mot-de-passe-long",
        "role": "student",
        "first_name": "Inès",
        "last_name": "Delattre",
    }
    if town:
        body["town"] = town
    created = client.post("/api/v1/auth/signup", json=body)
    assert created.status_code == 201, created.text
    token = client.post(
        "/api/v1/auth/token", data={"username": email, "password": "un-mot-de-passe-long"}
    ).json()["access_token"]
    return created.json()["person_ref"], {"Authorization": f"Bearer {token}"}


def listed_refs(client: TestClient, headers: dict[str, str]) -> set[str]:
    """Every person the directory lists for these headers, all pages walked."""
    refs: set[str] = set()
    offset, total = 0, 1
    while offset < total:
        page = client.get(
            "/api/v1/people", params={"limit": 200, "offset": offset}, headers=headers
        ).json()
        refs |= {p["ref"] for p in page["items"]}
        total, offset = page["total"], offset + 200
    return refs


def company(session: Session, name: str) -> tuple[Organisation, Need, str]:
    """An organisation with one need, and the e-mail of its account."""
    org = Organisation(ref=f"T-{name}", kind="company", name=name, town="Calais")
    need = Need(ref=f"T-{name}-N1", organisation=org, kind="internship", title="Stage logistique")
    session.add_all([org, need])
    session.flush()
    email = f"{name.lower()}@entreprise.test"
    add_user(session, email, "company", organisation_id=org.id)
    session.commit()
    return org, need, email


def test_company_sees_a_student_only_after_consent_or_introduction(
    client: TestClient, session: Session
) -> None:
    _, need, email = company(session, "ARMEMENT")
    _, _, other_email = company(session, "CONSERVERIE")
    person = add_person(session, "T-CANDIDATE")
    session.commit()
    owner, other = sign_in(client, email), sign_in(client, other_email)

    def visible(headers: dict[str, str]) -> bool:
        one = client.get(f"/api/v1/people/{person.ref}", headers=headers)
        assert one.status_code in (200, 404), one.text
        assert (person.ref in listed_refs(client, headers)) == (one.status_code == 200)
        return one.status_code == 200

    assert not visible(owner) and not visible(other)
    session.add(Suggestion(person_id=person.id, need_id=need.id, score=0.7, status="introduced"))
    session.commit()
    assert visible(owner)
    assert not visible(other)  # introduced to the first company only


def test_consent_opens_the_profile_to_companies_and_is_audited(
    client: TestClient, session: Session
) -> None:
    _, _, email = company(session, "ARMEMENT")
    ref, me = student(client, "ines.consent@etudiants.test")
    firm = sign_in(client, email)
    assert client.get(f"/api/v1/people/{ref}", headers=firm).status_code == 404
    given = client.put(
        f"/api/v1/people/{ref}/consent", json={"companies_may_view": True}, headers=me
    )
    assert given.status_code == 200 and given.json()["companies_may_view"] is True
    assert client.get(f"/api/v1/people/{ref}", headers=firm).status_code == 200
    client.put(f"/api/v1/people/{ref}/consent", json={"companies_may_view": False}, headers=me)
    assert client.get(f"/api/v1/people/{ref}", headers=firm).status_code == 404
    actions = session.scalars(
        select(AuditEntry.data).where(AuditEntry.action == "consent", AuditEntry.object_ref == ref)
    ).all()
    assert [a["companies_may_view"] for a in actions] == [True, False]
    # Consent belongs to the person: a company cannot give it for them.
    refused = client.put(
        f"/api/v1/people/{ref}/consent", json={"companies_may_view": True}, headers=firm
    )
    assert refused.status_code == 403


def test_student_edits_their_profile_and_skills_are_normalised(
    client: TestClient, session: Session
) -> None:
    ref, me = student(client, "ines.profil@etudiants.test")
    before = corpus.version(session)
    response = client.patch(
        f"/api/v1/people/{ref}",
        json={
            "headline": "Étudiante en BUT informatique, cherche une alternance",
            "skills": ["python", "  langage SQL ", "Python 3", "pilotage de drones marins"],
            "level": "bac+2",
            "town": "boulogne sur mer",
            "available_from": "2027-09-01",
            "available_until": "2028-08-31",
            "seeks": ["apprenticeship"],
            "mobility_km": 40,
        },
        headers=me,
    )
    assert response.status_code == 200, response.text
    profile = response.json()
    # Aliases and case collapse to the vocabulary's label; an unknown skill is kept as written.
    assert profile["skills"] == ["Python", "SQL", "pilotage de drones marins"]
    assert profile["town"] == "Boulogne-sur-Mer" and profile["territory"] == "Boulogne-sur-Mer"
    shown = client.get(f"/api/v1/people/{ref}", headers=me).json()
    assert shown["headline"].startswith("Étudiante en BUT") and shown["level"] == "bac+2"
    assert shown["first_name"] == "Inès"  # fields absent from the patch are untouched
    assert corpus.version(session) > before
    # A later patch of one field leaves the skills alone; a new list replaces them in order.
    client.patch(f"/api/v1/people/{ref}", json={"mobility_km": 10}, headers=me)
    assert client.get(f"/api/v1/people/{ref}", headers=me).json()["skills"][0] == "Python"
    again = client.patch(f"/api/v1/people/{ref}", json={"skills": ["SQL", "python"]}, headers=me)
    assert again.json()["skills"] == ["SQL", "Python"]


def test_another_student_cannot_edit_a_profile(client: TestClient, session: Session) -> None:
    ref, _ = student(client, "ines.victime@etudiants.test")
    _, intruder = student(client, "ines.intruse@etudiants.test")
    response = client.patch(f"/api/v1/people/{ref}", json={"headline": "piraté"}, headers=intruder)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert session.scalars(select(Person.headline).where(Person.ref == ref)).one() == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"town": "Atlantide"}, "town"),
        ({"level": "bac+12"}, "level"),
        ({"mobility_km": -5}, "mobility_km"),
        ({"seeks": ["CDI"]}, "seeks.0"),
        ({"available_from": "2027-09-01", "available_until": "2027-01-01"}, "available_until"),
        ({"email": "autre@exemple.fr"}, "email"),
    ],
)
def test_invalid_profile_edits_name_the_field(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    ref, me = student(client, "ines.erreurs@etudiants.test")
    response = client.patch(f"/api/v1/people/{ref}", json=body, headers=me)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in {e["field"] for e in response.json()["errors"]}


def test_company_publishes_edits_and_withdraws_its_need(
    client: TestClient, session: Session
) -> None:
    org, _, email = company(session, "ARMEMENT")
    _, _, other_email = company(session, "CONSERVERIE")
    owner, other = sign_in(client, email), sign_in(client, other_email)
    before = corpus.version(session)
    created = client.post(
        "/api/v1/needs",
        json={
            "title": "Alternance développeur",
            "kind": "apprenticeship",
            "skills": ["python", "langage SQL"],
            "nice_to_have": ["Python 3", "anglais"],
            "level_min": "bac+2",
        },
        headers=owner,
    )
    assert created.status_code == 201, created.text
    need = created.json()
    assert need["organisation"]["ref"] == org.ref
    assert need["skills"] == ["Python", "SQL"]
    assert need["nice_to_have"] == ["anglais"]  # a required skill is not also nice to have
    assert need["town"] == "Calais"  # where its organisation is
    assert corpus.version(session) > before
    ref = need["ref"]
    assert client.get(f"/api/v1/needs/{ref}").json()["title"] == "Alternance développeur"

    assert (
        client.patch(f"/api/v1/needs/{ref}", json={"places": 3}, headers=other).status_code == 403
    )
    edited = client.patch(
        f"/api/v1/needs/{ref}",
        json={"title": "Alternance développeur Python", "is_open": False, "town": "Dunkerque"},
        headers=owner,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["is_open"] is False and edited.json()["territory"] == "Dunkerque"
    assert edited.json()["skills"] == ["Python", "SQL"]
    assert client.delete(f"/api/v1/needs/{ref}", headers=other).status_code == 403
    assert client.delete(f"/api/v1/needs/{ref}", headers=owner).status_code == 204
    assert client.get(f"/api/v1/needs/{ref}").status_code == 404


def test_needs_are_published_only_for_ones_own_organisation(
    client: TestClient, session: Session
) -> None:
    org, _, email = company(session, "ARMEMENT")
    other_org, _, other_email = company(session, "CONSERVERIE")
    add_user(session, "admin@passerelle.test", "admin")
    session.commit()
    other, admin = sign_in(client, other_email), sign_in(client, "admin@passerelle.test")
    body = {"title": "Stage qualité", "kind": "internship"}
    foreign = client.post("/api/v1/needs", json={**body, "organisation": org.ref}, headers=other)
    assert foreign.status_code == 403
    _, me = student(client, "ines.besoin@etudiants.test")
    assert client.post("/api/v1/needs", json=body, headers=me).status_code == 403
    assert client.post("/api/v1/needs", json=body).status_code == 401
    missing = client.post("/api/v1/needs", json=body, headers=admin)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "organisation"
    by_admin = client.post(
        "/api/v1/needs", json={**body, "organisation": other_org.ref}, headers=admin
    )
    assert by_admin.status_code == 201
    assert by_admin.json()["organisation"]["ref"] == other_org.ref
    bad = client.post(
        "/api/v1/needs", json={**body, "town": "Atlantide", "places": -1}, headers=other
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"places"}
    unknown_town = client.post("/api/v1/needs", json={**body, "town": "Atlantide"}, headers=other)
    assert unknown_town.status_code == 422
    assert unknown_town.json()["errors"][0]["field"] == "town"
