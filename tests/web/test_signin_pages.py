"""The sign-in page under attack: too many failures get a 429 page in the reader's language,
and signing out revokes the session's token instead of only dropping the cookie."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.core.rendering import TOKEN_COOKIE
from api.core.security import hash_password
from api.models import User
from tests.web.test_pages import csrf, form_token

pytestmark = pytest.mark.db
PASSWORD = "correct horse battery"


def account(session: Session, email: str) -> User:
    user = User(email=email, password_hash=hash_password(PASSWORD), role="coordinator")
    session.add(user)
    session.commit()
    return user


def test_too_many_failures_get_a_429_page_in_french_then_english(
    client: TestClient, session: Session
) -> None:
    account(session, "page-cible@t.fr")
    for _ in range(5):
        page = client.post(
            "/connexion",
            data={
                "csrf_token": form_token(client, "/connexion"),
                "email": "page-cible@t.fr",
                "password": "pas-le-bon-mot",
            },
        )
        assert page.status_code == 401
    blocked = client.post(
        "/connexion",
        data={
            "csrf_token": form_token(client, "/connexion"),
            "email": "page-cible@t.fr",
            "password": PASSWORD,
        },
        follow_redirects=False,
    )
    assert blocked.status_code == 429
    assert blocked.headers["content-type"].startswith("text/html")
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60
    assert "Trop de tentatives de connexion échouées" in blocked.text
    assert TOKEN_COOKIE not in blocked.headers.get("set-cookie", "")

    client.cookies.set("lang", "en")
    english = client.post(
        "/connexion",
        data={
            "csrf_token": form_token(client, "/connexion"),
            "email": "page-cible@t.fr",
            "password": PASSWORD,
        },
    )
    assert english.status_code == 429
    assert "Too many failed sign-in attempts" in english.text


def test_sign_out_revokes_the_sessions_token(client: TestClient, session: Session) -> None:
    account(session, "page-sortie@t.fr")
    signed_in = client.post(
        "/connexion",
        data={
            "csrf_token": form_token(client, "/connexion"),
            "email": "page-sortie@t.fr",
            "password": PASSWORD,
        },
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    stolen = signed_in.cookies[TOKEN_COOKIE]
    page = client.get("/revue")
    assert page.status_code == 200

    client.post("/deconnexion", data={"csrf_token": csrf(page.text)})
    # A copy of the cookie taken before signing out opens nothing any more.
    api = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {stolen}"})
    assert api.status_code == 401
    assert api.json()["code"] == "token_invalid"
    replayed = TestClient(client.app, cookies={TOKEN_COOKIE: stolen})
    assert replayed.get("/revue", follow_redirects=False).status_code == 303
