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
    assert response.json()["code"] == "too_large"
    assert response.json()["detail"].startswith("Corps de requête trop volumineux")


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
    assert response.json()["code"] == "organisation_name_required"
    assert response.json()["detail"] == "Nom de l'organisation requis."


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


def test_a_404_has_its_code_and_a_french_detail_by_default(client: TestClient) -> None:
    response = client.get("/api/v1/needs/NOPE")
    body = response.json()
    assert response.status_code == 404 and body["code"] == "not_found"
    assert body["title"] == "Introuvable"
    assert body["detail"] == "Besoin introuvable : NOPE"
    assert body["errors"] == [{"field": "ref", "code": "not_found", "message": body["detail"]}]


def test_a_404_reads_english_when_the_caller_prefers_it(client: TestClient) -> None:
    english = client.get("/api/v1/needs/NOPE", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.json()["code"] == "not_found"
    assert english.json()["title"] == "Not found"
    assert english.json()["detail"] == "Need not found: NOPE"
    french_first = client.get("/api/v1/needs/NOPE", headers={"Accept-Language": "fr,en;q=0.8"})
    assert french_first.json()["detail"] == "Besoin introuvable : NOPE"
    client.cookies.set("lang", "en")  # the site's language switch wins over the header
    chosen = client.get("/api/v1/needs/NOPE", headers={"Accept-Language": "fr"})
    assert chosen.json()["detail"] == "Need not found: NOPE"


def test_a_409_has_its_code_in_french_and_in_english(client: TestClient) -> None:
    body = {"email": "double@exemple.fr", "password": "un mot de passe long", "role": "student"}
    assert client.post("/api/v1/auth/signup", json=body).status_code == 201
    again = client.post("/api/v1/auth/signup", json=body)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    problem = again.json()
    assert problem["code"] == "email_taken" and problem["title"] == "Conflit"
    assert problem["detail"] == "Adresse déjà utilisée."
    assert problem["errors"][0] == {
        "field": "email",
        "code": "email_taken",
        "message": "Adresse déjà utilisée.",
    }
    english = client.post("/api/v1/auth/signup", json=body, headers={"Accept-Language": "en"})
    assert english.json()["code"] == "email_taken" and english.json()["title"] == "Conflict"
    assert english.json()["detail"] == "This email address is already registered."


def test_validation_and_http_errors_have_codes(client: TestClient) -> None:
    invalid = client.post("/api/v1/auth/signup", json={"email": "x", "role": "student"})
    assert invalid.status_code == 422 and invalid.json()["code"] == "invalid"
    assert invalid.json()["detail"].startswith("Données invalides : ")
    assert "password" in invalid.json()["detail"]
    unknown = client.get("/api/v1/nowhere", headers={"Accept-Language": "en"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert unknown.json()["detail"] == "Not found."
    method = client.delete("/api/v1/auth/signup")
    assert method.status_code == 405 and method.json()["code"] == "method_not_allowed"
    assert method.json()["title"] == "Méthode non autorisée"


def test_refusals_say_who_may_act_by_code(client: TestClient) -> None:
    anonymous = client.get("/api/v1/auth/me")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "signin_required"
    assert anonymous.json()["detail"] == "Connexion requise."
    bad = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer abc.def.ghi"})
    assert bad.json()["code"] == "token_invalid"
    wrong = client.post("/api/v1/auth/token", data={"username": "x@y.fr", "password": "nope"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "wrong_credentials"
