"""Rankings through HTTP for needs and searches written in any way: huge, foreign, odd, empty.

Every one answers: a ranked list, the fields to fill in, or a 4xx naming the field. Never a 500.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.models import Need
from tests.api.test_authz_matrix import add_user, sign_in
from tests.api.test_profiles_needs import company

pytestmark = pytest.mark.db

NEEDS: dict[str, dict[str, Any]] = {
    "english": {
        "title": "Software engineering intern",
        "description": "We are looking for a Python developer with some Django experience.",
        "skills": ["Python", "Django"],
    },
    "arabic": {
        "title": "مهندس برمجيات متدرب",
        "description": "نبحث عن مطور بايثون للعمل في الميناء",
        "skills": ["بايثون"],
    },
    "emoji": {"title": "🚀🔥💻", "description": "😀" * 5000, "skills": ["🐍", "☕"]},
    "unknown skills": {
        "title": "Stage",
        "skills": ["zzqx-blorf", "Ωmega-ζ", "compétence inventée 42"],
        "nice_to_have": ["qwfpgj"],
    },
    "long": {
        "title": "Technicien de maintenance",
        "description": ("Maintenance préventive des lignes de conditionnement. " * 400)[:20_000],
    },
    "punctuation": {"title": "?!… — ***", "description": "... ;;; !!!"},
}


def test_needs_written_any_way_are_ranked(client: TestClient, session: Session) -> None:
    _, _, email = company(session, "HOSTILE")
    owner = sign_in(client, email)
    for name, body in NEEDS.items():
        created = client.post("/api/v1/needs", json=body, headers=owner)
        assert created.status_code == 201, (name, created.text)
        ref = created.json()["ref"]
        ranked = client.get(f"/api/v1/needs/{ref}/candidates", headers=owner)
        assert ranked.status_code == 200, (name, ranked.text)
        page = ranked.json()
        assert page["items"] or page["missing"], name
        for item in page["items"]:
            assert item["explanation"]["text_fr"] and item["explanation"]["text_en"], name


def test_a_huge_description_is_refused_naming_the_field(
    client: TestClient, session: Session
) -> None:
    _, _, email = company(session, "HUGE")
    owner = sign_in(client, email)
    huge = {"title": "Stage", "description": "logistique portuaire " * 50_000}  # ~1 MB
    refused = client.post("/api/v1/needs", json=huge, headers=owner)
    assert refused.status_code in (413, 422), refused.text
    if refused.status_code == 422:
        assert "description" in refused.text
    over = {"title": "Stage", "description": "x" * 20_001}
    refused = client.post("/api/v1/needs", json=over, headers=owner)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "description"


def test_an_empty_need_says_what_to_fill_in(client: TestClient, session: Session) -> None:
    org, need, email = company(session, "VIDE")
    owner = sign_in(client, email)
    # Imported without a title, a text or a skill (the API itself refuses a blank title).
    blank = Need(ref="T-VIDE-N2", organisation=org, kind="job", title="", description="  ")
    session.add(blank)
    session.commit()
    page = client.get(f"/api/v1/needs/{blank.ref}/candidates", headers=owner)
    assert page.status_code == 200, page.text
    assert page.json()["items"] == [] and page.json()["missing"] == [
        "title",
        "description",
        "skills",
    ]
    refused = client.post("/api/v1/needs", json={"title": "   "}, headers=owner)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "title"
    assert need.ref  # the organisation's other need is untouched


@pytest.mark.parametrize(
    "q",
    ["software engineer", "مهندس برمجيات", "🚀🔥", "??", "--", "x" * 2000, "zzqx blorf"],
)
def test_searches_in_any_language_answer_or_name_the_field(
    client: TestClient, session: Session, q: str
) -> None:
    add_user(session, "coordination-bad-input@region.test", "coordinator")
    session.commit()
    headers = sign_in(client, "coordination-bad-input@region.test")
    for path in ("/api/v1/search/needs", "/api/v1/search/people"):
        response = client.get(path, params={"q": q}, headers=headers)
        assert response.status_code in (200, 422), (path, q, response.text)
        if response.status_code == 422:
            assert response.json()["errors"][0]["field"] == "q", response.text
