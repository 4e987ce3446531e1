"""A person can download everything held about them, and erase their account for good."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from api.engine import corpus
from api.models import (
    AuditEntry,
    Consent,
    Embedding,
    Interest,
    Person,
    PersonSkill,
    Shortlist,
    Skill,
    Suggestion,
    SuggestionEvent,
    User,
)
from api.people.service import embedding_keys
from matching.encoders import text_key
from tests.api.test_authz_matrix import add_person, add_user, sign_in
from tests.api.test_profiles_needs import company, student

pytestmark = pytest.mark.db

EMAIL = "ines.donnees@etudiants.test"
HEADLINE = "Étudiante en BUT GEII, cherche un stage en automatisme"


def ines(client: TestClient) -> tuple[str, dict[str, str]]:
    """Inès signs up and fills her profile: her reference and her headers."""
    ref, me = student(client, EMAIL)
    client.patch(
        f"/api/v1/people/{ref}",
        json={"headline": HEADLINE, "summary": "Automates et Python.", "skills": ["python"]},
        headers=me,
    ).raise_for_status()
    return ref, me


def history_about_ines(client: TestClient, session: Session) -> tuple[str, dict[str, str], int]:
    """Inès signs up, fills her profile, consents; a company's need gets her as an introduced
    suggestion with a decision naming her, she marks interest and is shortlisted."""
    ref, me = ines(client)
    client.put(
        f"/api/v1/people/{ref}/consent", json={"companies_may_view": True}, headers=me
    ).raise_for_status()
    _, need, _ = company(session, "ARMEMENT")
    person = session.scalars(select(Person).where(Person.ref == ref)).one()
    suggestion = Suggestion(
        person_id=person.id,
        need_id=need.id,
        score=0.81,
        status="introduced",
        explanation={"text_fr": "Inès Delattre maîtrise Python", "contact": EMAIL},
    )
    suggestion.events = [
        SuggestionEvent(actor="système", from_status=None, to_status="proposed"),
        SuggestionEvent(
            actor="coordinator:coord@passerelle.test",
            from_status="proposed",
            to_status="introduced",
            reason=f"Présentée : Inès Delattre ({EMAIL}) a le profil",
        ),
    ]
    session.add_all(
        [
            suggestion,
            Interest(person_id=person.id, need_id=need.id),
            Shortlist(person_id=person.id, need_id=need.id),
            Embedding(model="m", text_hash=text_key(f"s\x00{HEADLINE}"), dim=1, vector=b"0000"),
            Embedding(model="m", text_hash=text_key(f"d\x00{HEADLINE}"), dim=1, vector=b"0000"),
            Embedding(model="m", text_hash=text_key("d\x00Stage logistique"), dim=1, vector=b"1"),
        ]
    )
    session.commit()
    return ref, me, suggestion.id


def test_export_holds_everything_about_the_person(client: TestClient, session: Session) -> None:
    ref, me, _ = history_about_ines(client, session)
    response = client.get(f"/api/v1/people/{ref}/export", headers=me)
    assert response.status_code == 200, response.text
    assert ref in response.headers["content-disposition"]
    data = response.json()
    assert data["profile"]["ref"] == ref and data["profile"]["email"] == EMAIL
    assert data["profile"]["headline"] == HEADLINE and data["profile"]["skills"] == ["Python"]
    assert data["account"]["email"] == EMAIL and data["account"]["role"] == "student"
    assert data["consent"]["companies_may_view"] is True
    assert [i["need"]["ref"] for i in data["interests"]] == ["T-ARMEMENT-N1"]
    assert [i["need"]["ref"] for i in data["shortlisted_for"]] == ["T-ARMEMENT-N1"]
    [suggestion] = data["suggestions"]
    assert suggestion["status"] == "introduced"
    assert [e["to_status"] for e in suggestion["history"]] == ["proposed", "introduced"]
    actions = {e["action"] for e in data["audit"]}
    assert {"signup", "profile.update", "consent"} <= actions


def test_only_the_person_or_an_admin_exports(client: TestClient, session: Session) -> None:
    ref, _ = student(client, EMAIL)
    _, intruder = student(client, "autre.etudiant@etudiants.test")
    add_user(session, "coord@passerelle.test", "coordinator")
    add_user(session, "admin@passerelle.test", "admin")
    session.commit()
    url = f"/api/v1/people/{ref}/export"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=intruder).status_code == 403
    assert client.get(url, headers=sign_in(client, "coord@passerelle.test")).status_code == 403
    assert client.get(url, headers=sign_in(client, "admin@passerelle.test")).status_code == 200


def test_erasure_removes_the_person_and_keeps_anonymised_decisions(
    client: TestClient, session: Session
) -> None:
    ref, me, suggestion_id = history_about_ines(client, session)
    before = corpus.version(session)
    assert client.delete(f"/api/v1/people/{ref}", headers=me).status_code == 204
    session.expire_all()

    assert session.scalar(select(Person).where(Person.ref == ref)) is None
    assert session.scalar(select(User).where(User.email == EMAIL)) is None
    assert client.get("/api/v1/auth/me", headers=me).status_code == 401
    for model in (Interest, Shortlist, Consent, PersonSkill):
        orphans = session.scalar(
            select(func.count()).select_from(model).where(model.person_id.not_in(select(Person.id)))
        )
        assert orphans == 0, model.__name__
    assert session.scalar(select(Skill).where(Skill.name == "Python")) is not None

    kept = session.get(Suggestion, suggestion_id)
    assert kept is not None and kept.person_id is None and kept.status == "introduced"
    assert [e.to_status for e in kept.events] == ["proposed", "introduced"]
    texts = str(kept.explanation) + " ".join(e.reason for e in kept.events)
    assert "Delattre" not in texts and EMAIL not in texts and "Python" in texts

    about = session.scalars(
        select(AuditEntry).where(
            or_(
                AuditEntry.object_ref.in_([ref, EMAIL]),
                AuditEntry.actor.contains(EMAIL),
                AuditEntry.reason.contains("Delattre"),
            )
        )
    ).all()
    assert about == []
    consent_entries = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "consent", AuditEntry.object_ref == "anonymisé"
        )
    ).all()
    assert len(consent_entries) == 1
    erase = session.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
    assert erase.actor == "student:anonymisé" and erase.data["suggestions_anonymised"] == 1

    hashes = set(session.scalars(select(Embedding.text_hash).where(Embedding.model == "m")))
    assert hashes == {text_key("d\x00Stage logistique")}
    assert corpus.version(session) > before


def test_an_edit_drops_the_vectors_of_the_texts_it_replaces(
    client: TestClient, session: Session
) -> None:
    """Erasure finds a person's vectors by rebuilding their texts: those of a headline they
    replaced months before would stay behind, so the edit drops them."""
    ref, me = ines(client)
    person = session.scalars(select(Person).where(Person.ref == ref)).one()
    first = embedding_keys(person)
    shared = text_key("d\x00Stage logistique")  # someone else's text
    session.add_all(
        Embedding(model="m", text_hash=key, dim=1, vector=b"0000") for key in (*first, shared)
    )
    session.commit()
    renamed = "Étudiante en BUT GEII, future automaticienne"
    edited = client.patch(f"/api/v1/people/{ref}", json={"headline": renamed}, headers=me)
    assert edited.status_code == 200, edited.text
    session.expire_all()
    kept = set(session.scalars(select(Embedding.text_hash).where(Embedding.model == "m")))
    person = session.scalars(select(Person).where(Person.ref == ref)).one()
    assert text_key(f"s\x00{HEADLINE}") not in kept and text_key(f"d\x00{HEADLINE}") not in kept
    # what the edit left as it was keeps its vectors (the summary alone, here), and so do others'
    assert shared in kept and kept - {shared} == set(first) & set(embedding_keys(person))
    assert text_key("s\x00Automates et Python.") in kept


def test_an_admin_erases_an_account_a_coordinator_cannot(
    client: TestClient, session: Session
) -> None:
    person = add_person(session, "T-ERASE-ME")
    add_user(session, "coord@passerelle.test", "coordinator")
    add_user(session, "admin@passerelle.test", "admin")
    session.commit()
    url = f"/api/v1/people/{person.ref}"
    coordinator = sign_in(client, "coord@passerelle.test")
    assert client.delete(url, headers=coordinator).status_code == 403
    admin = sign_in(client, "admin@passerelle.test")
    assert client.delete(url, headers=admin).status_code == 204
    assert client.get(url, headers=admin).status_code == 404
    erase = session.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
    assert erase.actor == "admin:admin@passerelle.test"
