"""The read endpoints show the demo region, filtered and paginated."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.api.test_authz_matrix import add_user, sign_in

pytestmark = pytest.mark.db


@pytest.fixture
def staff(client: TestClient, session: Session) -> dict[str, str]:
    """A coordinator's headers: people are personal data, shown only to those allowed."""
    add_user(session, "annuaire-coordination@comptes.test", "coordinator")
    session.commit()
    return sign_in(client, "annuaire-coordination@comptes.test")


def test_health_reports_the_database(client: TestClient) -> None:
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok"
    assert body["database"] in ("sqlite", "postgresql")


def test_openapi_lists_the_directory(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/people", "/api/v1/needs", "/api/v1/organisations", "/api/v1/health"):
        assert path in paths


def test_demo_region_sizes(client: TestClient, staff: dict[str, str]) -> None:
    students = client.get(
        "/api/v1/people", params={"kind": "student", "limit": 1}, headers=staff
    ).json()
    researchers = client.get(
        "/api/v1/people", params={"kind": "researcher", "limit": 1}, headers=staff
    ).json()
    companies = client.get("/api/v1/organisations", params={"kind": "company", "limit": 1}).json()
    needs = client.get("/api/v1/needs", params={"limit": 1}).json()
    assert students["total"] >= 500
    assert researchers["total"] >= 40
    assert companies["total"] >= 120
    assert needs["total"] >= 250


def test_pagination_walks_every_need_once(client: TestClient) -> None:
    total = client.get("/api/v1/needs", params={"limit": 1}).json()["total"]
    seen: list[str] = []
    offset = 0
    while offset < total:
        page = client.get("/api/v1/needs", params={"limit": 200, "offset": offset}).json()
        seen += [n["ref"] for n in page["items"]]
        offset += 200
    assert len(seen) == total == len(set(seen))


@pytest.mark.parametrize("territory", ["Boulogne-sur-Mer", "Calais", "Dunkerque", "Le Touquet"])
def test_territory_filter(client: TestClient, territory: str) -> None:
    page = client.get("/api/v1/needs", params={"territory": territory, "limit": 200}).json()
    assert page["total"] > 0
    assert {n["territory"] for n in page["items"]} == {territory}


def test_kind_filter(client: TestClient) -> None:
    for kind in ("internship", "apprenticeship", "job", "rd", "hackathon"):
        page = client.get("/api/v1/needs", params={"kind": kind, "limit": 200}).json()
        assert page["total"] > 0, kind
        assert {n["kind"] for n in page["items"]} == {kind}


def test_skill_filter_is_insensitive_to_case_and_accents(client: TestClient) -> None:
    first = client.get("/api/v1/needs", params={"limit": 1}).json()["items"][0]
    skill = first["skills"][0]
    variants = [skill, skill.upper()]
    totals = []
    for variant in variants:
        page = client.get("/api/v1/needs", params={"skill": variant, "limit": 200}).json()
        assert any(n["ref"] == first["ref"] for n in page["items"])
        totals.append(page["total"])
    assert len(set(totals)) == 1


def test_two_skill_filters_mean_both(client: TestClient, staff: dict[str, str]) -> None:
    person = client.get("/api/v1/people", params={"limit": 1}, headers=staff).json()["items"][0]
    a, b = person["skills"][:2]
    both = client.get(
        "/api/v1/people", params=[("skill", a), ("skill", b), ("limit", 200)], headers=staff
    ).json()
    only_a = client.get("/api/v1/people", params={"skill": a, "limit": 1}, headers=staff).json()
    assert 1 <= both["total"] <= only_a["total"]
    for item in both["items"]:
        assert {a, b} <= set(item["skills"])


def test_unknown_ref_is_a_problem_document(client: TestClient) -> None:
    response = client.get("/api/v1/needs/NOPE")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "NOPE" in response.json()["detail"]


def test_bad_query_names_the_field(client: TestClient) -> None:
    response = client.get("/api/v1/needs", params={"limit": 0, "kind": "stage"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"query.limit", "query.kind"} <= fields


def test_people_are_not_public(client: TestClient) -> None:
    assert client.get("/api/v1/people").status_code == 401
    assert client.get("/api/v1/people/P0001").status_code == 401
