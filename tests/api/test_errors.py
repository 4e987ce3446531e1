"""Errors are problem documents that name the field; oversized bodies are refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.db


def test_oversized_body_is_413_problem(client: TestClient) -> None:
    limit = client.app.state.settings.max_request_bytes  # type: ignore[attr-defined]
    response = client.post(
        "/api/v1/auth/signup",
        content=b"x" * (limit + 1),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "body"


def test_signup_errors_name_the_field(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/signup",
        json={"email": "pas-une-adresse", "password": "court", "role": "student"},
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"email", "password"} <= fields


def test_company_signup_needs_an_organisation_name(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/signup",
        json={"email": "rh@exemple.fr", "password": "un mot de passe long", "role": "company"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organisation_name"


def test_sign_up_then_sign_in_then_me(client: TestClient) -> None:
    body = {
        "email": "Lea.Martin@exemple.fr",
        "password": "un mot de passe long",
        "role": "student",
        "first_name": "Léa",
        "town": "Calais",
    }
    created = client.post("/api/v1/auth/signup", json=body)
    assert created.status_code == 201 and created.json()["person_ref"]
    assert client.post("/api/v1/auth/signup", json=body).status_code == 409
    wrong = client.post(
        "/api/v1/auth/token", data={"username": body["email"], "password": "mauvais mot de passe"}
    )
    assert wrong.status_code == 401
    token = client.post(
        "/api/v1/auth/token",
        data={"username": "lea.martin@exemple.fr", "password": body["password"]},
    ).json()["access_token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["role"] == "student" and me["email"] == "lea.martin@exemple.fr"
    bad = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer abc.def.ghi"})
    assert bad.status_code == 401


def test_expired_token_is_refused(client: TestClient) -> None:
    from api.core.security import issue_token

    secret = client.app.state.settings.secret_key  # type: ignore[attr-defined]
    token, _ = issue_token(1, "admin", secret, minutes=-1)
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
