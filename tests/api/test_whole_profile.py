"""The whole profile through the API: kinds sought, level, school, languages with CEFR levels,
and recommendations that follow what the person says they look for."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Need, Organisation
from tests.api.test_profiles_needs import student

pytestmark = pytest.mark.db

LOGISTICS = {
    "headline": "Étudiant en BTS Gestion des transports et logistique associée",
    "summary": "Organisation de tournées, douane, entreposage et transport maritime au port.",
    "skills": ["logistique", "transport maritime", "gestion des stocks", "statistiques"],
    "town": "Dunkerque",
    "mobility_km": 200,
}


def recommended_kinds(
    client: TestClient, session: Session, ref: str, headers: dict[str, str]
) -> dict[str, str]:
    """Need ref -> kind of the first 100 needs recommended to the person."""
    page = client.get(
        f"/api/v1/people/{ref}/recommendations", params={"limit": 100}, headers=headers
    )
    assert page.status_code == 200, page.text
    refs = [item["ref"] for item in page.json()["items"]]
    kinds = dict(session.execute(select(Need.ref, Need.kind).where(Need.ref.in_(refs))).all())
    return {r: kinds[r] for r in refs}


def test_internship_seeker_is_not_offered_jobs_and_a_bts_student_no_cifre_thesis(
    client: TestClient, session: Session
) -> None:
    ref, headers = student(client, "bts.logistique@etu.test")
    assert client.patch(f"/api/v1/people/{ref}", json=LOGISTICS, headers=headers).status_code == 200
    before = recommended_kinds(client, session, ref, headers)
    assert {"job", "rd"} <= set(before.values())  # nothing said yet: everything is offered

    sought = client.patch(f"/api/v1/people/{ref}", json={"seeks": ["internship"]}, headers=headers)
    assert sought.status_code == 200 and sought.json()["seeks"] == ["internship"]
    assert set(recommended_kinds(client, session, ref, headers).values()) == {"internship"}

    # Open to anything again, but at bac+2: theses (bac+5 at least) leave the list.
    leveled = client.patch(
        f"/api/v1/people/{ref}", json={"seeks": [], "level": "bac+2"}, headers=headers
    )
    assert leveled.status_code == 200
    after = recommended_kinds(client, session, ref, headers)
    assert "rd" not in after.values() and "job" in after.values()
    levels = dict(
        session.execute(select(Need.ref, Need.level_min).where(Need.ref.in_(after))).all()
    )
    assert not {levels[r] for r in after} & {"bac+3", "bac+4", "bac+5", "doctorat"}


def test_languages_with_cefr_levels_school_and_programme(
    client: TestClient, session: Session
) -> None:
    ref, headers = student(client, "langues@etu.test")
    school = session.scalars(select(Organisation).where(Organisation.kind == "school")).first()
    assert school is not None
    body = {
        "languages": ["Français", "anglais"],
        "language_levels": {"fr": "C2", "en": "B2", "es": "A2"},
        "organisation": school.ref,
        "programme": "BUT Informatique",
        "level": "bac+3",
        "available_from": "2027-04-01",
        "available_until": "2027-06-30",
    }
    saved = client.patch(f"/api/v1/people/{ref}", json=body, headers=headers)
    assert saved.status_code == 200, saved.text
    out = saved.json()
    assert out["languages"] == ["fr", "en", "es"]  # a level given says the language is spoken
    assert out["language_levels"] == {"fr": "C2", "en": "B2", "es": "A2"}
    assert out["organisation"]["ref"] == school.ref and out["programme"] == "BUT Informatique"
    assert (
        client.get(f"/api/v1/people/{ref}", headers=headers).json()["language_levels"]["en"] == "B2"
    )


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"language_levels": {"en": "B3"}}, "language_levels.en", "literal_error"),
        ({"languages": ["klingon"]}, "languages.0", "literal_error"),
        ({"seeks": ["cdi"]}, "seeks.0", "literal_error"),
        ({"level": "bac+9"}, "level", "literal_error"),
        ({"offers": ["cifre_supervision"]}, "offers", "offers_researchers_only"),
        ({"organisation": "NOWHERE"}, "organisation", "unknown_affiliation"),
    ],
)
def test_bad_profile_values_name_the_field_and_change_nothing(
    client: TestClient, body: dict[str, object], field: str, code: str
) -> None:
    ref, headers = student(client, f"refus-{code}@etu.test")
    before = client.get(f"/api/v1/people/{ref}", headers=headers).json()
    refused = client.patch(
        f"/api/v1/people/{ref}", json={**body, "headline": "Changé"}, headers=headers
    )
    assert refused.status_code == 422, refused.text
    errors = refused.json()["errors"]
    assert any(e["field"] == field and e["code"] == code for e in errors), errors
    assert client.get(f"/api/v1/people/{ref}", headers=headers).json() == before


def test_a_company_is_no_ones_school(client: TestClient, session: Session) -> None:
    ref, headers = student(client, "ecole-entreprise@etu.test")
    company = session.scalars(select(Organisation).where(Organisation.kind == "company")).first()
    assert company is not None
    refused = client.patch(
        f"/api/v1/people/{ref}", json={"organisation": company.ref}, headers=headers
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "organisation"
