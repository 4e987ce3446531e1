"""The profile form: kinds sought, level, school, languages with levels, a researcher's offers."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Organisation, Person, User
from tests.web.test_pages import account, csrf, sign_in, student_without_account

pytestmark = pytest.mark.db


def form(page: str, **changes: str | list[str]) -> dict[str, str | list[str]]:
    """The profile form as the browser would send it, with `changes` typed in."""
    data: dict[str, str | list[str]] = {"csrf_token": csrf(page)}
    for name in ("headline", "summary", "skills", "town", "mobility_km", "programme"):
        found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
        data[name] = found.group(1) if found else ""
    data["summary"] = re.search(r'name="summary"[^>]*>([^<]*)</textarea>', page).group(1)  # type: ignore[union-attr]
    data.update(changes)
    return data


def test_student_fills_the_whole_profile(client: TestClient, session: Session) -> None:
    person = student_without_account(session)
    account(session, "student", "profil-complet@t.fr", person_id=person.id)
    school = session.scalars(select(Organisation).where(Organisation.kind == "school")).first()
    assert school is not None
    sign_in(client, "profil-complet@t.fr")
    page = client.get("/profil").text
    assert "Ce que vous cherchez" in page and "Niveau d&#39;études" in page and "Langues" in page
    assert "Encadrement de thèses CIFRE" not in page  # a researcher's offers only

    saved = client.post(
        "/profil",
        data=form(
            page,
            seeks=["internship", "apprenticeship"],
            level="bac+2",
            programme="BTS GTLA",
            organisation=school.ref,
            language_1="fr",
            language_level_1="C2",
            language_2="en",
            language_level_2="B1",
        ),
    )
    assert saved.status_code == 200 and "Profil enregistré." in saved.text
    assert re.search(r'value="internship"\s+checked', saved.text)
    assert re.search(r'value="bac\+2" selected', saved.text)
    assert re.search(r'<option value="B1" selected>B1', saved.text)
    session.expire_all()
    stored = session.get(Person, person.id)
    assert stored is not None
    assert stored.seeks == ["internship", "apprenticeship"] and stored.level == "bac+2"
    assert stored.languages == ["fr", "en"] and stored.language_levels == {"fr": "C2", "en": "B1"}
    assert stored.organisation_id == school.id and stored.programme == "BTS GTLA"


def test_a_bad_level_is_refused_next_to_its_field(client: TestClient, session: Session) -> None:
    person = student_without_account(session)
    account(session, "student", "profil-niveau@t.fr", person_id=person.id)
    sign_in(client, "profil-niveau@t.fr")
    page = client.get("/profil").text
    refused = client.post("/profil", data=form(page, level="bac+12", seeks=["cdi"]))
    assert refused.status_code == 422
    assert 'id="f-level-error"' in refused.text and 'id="f-seeks-error"' in refused.text
    english = client.get("/langue/en?next=/profil")
    assert "What you are looking for" in english.text


def researcher_without_account(session: Session) -> Person:
    """A demo researcher no account speaks for yet."""
    found = session.scalars(
        select(Person).where(
            Person.kind == "researcher",
            Person.id.not_in(select(User.person_id).where(User.person_id.is_not(None))),
        )
    ).first()
    assert found is not None
    return found


def test_researcher_says_what_they_offer(client: TestClient, session: Session) -> None:
    researcher = researcher_without_account(session)
    account(session, "researcher", "profil-chercheur@t.fr", person_id=researcher.id)
    lab = session.scalars(select(Organisation).where(Organisation.kind == "lab")).first()
    assert lab is not None
    sign_in(client, "profil-chercheur@t.fr")
    page = client.get("/profil").text
    assert "Laboratoire" in page and "Encadrement de thèses CIFRE" in page
    saved = client.post(
        "/profil",
        data=form(
            page,
            organisation=lab.ref,
            research_topics="vision par ordinateur, télédétection",
            offers=["cifre_supervision", "equipment"],
            offer_details="Banc de mesure optique, cluster de calcul GPU.",
            seeks=["rd"],
        ),
    )
    assert saved.status_code == 200, saved.text
    session.expire_all()
    stored = session.get(Person, researcher.id)
    assert stored is not None
    assert stored.offers == ["cifre_supervision", "equipment"]
    assert stored.research_topics == ["vision par ordinateur", "télédétection"]
    assert "cluster de calcul" in stored.offer_details and stored.organisation_id == lab.id
