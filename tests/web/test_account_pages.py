"""The account page (password, export, erasure), the forgotten-password pages, and error pages
that are pages (never JSON) with the visitor's own menu, in the page's language."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.security import hash_password
from api.models import OutgoingMail, Person, User
from tests.web.test_pages import csrf, form_token, sign_in, student_without_account

pytestmark = pytest.mark.db
PASSWORD = "correct horse battery"


def account(session: Session, role: str, email: str, **links: int | None) -> User:
    user = User(email=email, password_hash=hash_password(PASSWORD), role=role, **links)
    session.add(user)
    session.commit()
    return user


def student(session: Session, email: str) -> tuple[User, Person]:
    person = student_without_account(session)
    return account(session, "student", email, person_id=person.id), person


def bearer(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", data={"username": email, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


# ----------------------------------------------------------------------------- the account page


def test_the_menu_leads_to_the_account_page(client: TestClient, session: Session) -> None:
    student(session, "menu@t.fr")
    sign_in(client, "menu@t.fr")
    page = client.get("/recommandations")
    assert 'href="/compte"' in page.text and "Mon compte" in page.text
    account_page = client.get("/compte")
    assert account_page.status_code == 200
    assert "menu@t.fr" in account_page.text
    assert 'href="/compte/export"' in account_page.text


def test_changing_the_password_signs_out_other_sessions_not_this_one(
    client: TestClient, session: Session
) -> None:
    student(session, "change@t.fr")
    elsewhere = bearer(client, "change@t.fr")
    sign_in(client, "change@t.fr")
    token = form_token(client, "/compte")

    def change(current: str, new: str, confirm: str) -> object:
        return client.post(
            "/compte/mot-de-passe",
            data={
                "csrf_token": token,
                "current_password": current,
                "new_password": new,
                "confirm_password": confirm,
            },
            follow_redirects=False,
        )

    mismatch = change(PASSWORD, "un-nouveau-mdp-1", "un-nouveau-mdp-2")
    assert mismatch.status_code == 422  # type: ignore[attr-defined]
    assert "Les deux mots de passe ne sont pas identiques." in mismatch.text  # type: ignore[attr-defined]
    wrong = change("pas le bon mot de passe", "un-nouveau-mdp-1", "un-nouveau-mdp-1")
    assert wrong.status_code == 422  # type: ignore[attr-defined]
    assert "Mot de passe incorrect." in wrong.text  # type: ignore[attr-defined]
    short = change(PASSWORD, "court", "court")
    assert short.status_code == 422  # type: ignore[attr-defined]

    done = change(PASSWORD, "un-nouveau-mdp-1", "un-nouveau-mdp-1")
    assert done.status_code == 303 and done.headers["location"] == "/compte"  # type: ignore[attr-defined]
    assert client.get("/compte").status_code == 200  # this browser stays signed in
    assert client.get("/api/v1/auth/me", headers=elsewhere).status_code == 401
    bearer(client, "change@t.fr", "un-nouveau-mdp-1")


def test_my_data_downloads_as_a_json_file(client: TestClient, session: Session) -> None:
    _user, person = student(session, "export@t.fr")
    sign_in(client, "export@t.fr")
    answer = client.get("/compte/export")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="passerelle-{person.ref}.json"'
    )
    data = json.loads(answer.text)
    assert data["profile"]["ref"] == person.ref
    assert data["account"]["email"] == "export@t.fr"


def test_deleting_my_account_needs_confirmation_then_erases_it(
    client: TestClient, session: Session
) -> None:
    user, person = student(session, "adieu@t.fr")
    user_id, person_ref = user.id, person.ref
    session.add(
        OutgoingMail(
            recipient="adieu@t.fr",
            template="password_reset",
            lang="fr",
            subject="s",
            text_body="t",
            html_body="h",
            status="sent",
            attempts=1,
            last_error="",
        )
    )
    session.commit()
    sign_in(client, "adieu@t.fr")
    page = client.get("/compte/supprimer")
    assert "définitive" in page.text
    token = csrf(page.text)
    unconfirmed = client.post("/compte/supprimer", data={"csrf_token": token, "password": PASSWORD})
    assert unconfirmed.status_code == 422
    assert "Cochez la case" in unconfirmed.text
    wrong = client.post(
        "/compte/supprimer", data={"csrf_token": token, "password": "faux", "confirm": "oui"}
    )
    assert wrong.status_code == 422 and "Mot de passe incorrect." in wrong.text
    assert session.get(User, user_id) is not None

    done = client.post(
        "/compte/supprimer",
        data={"csrf_token": token, "password": PASSWORD, "confirm": "oui"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    session.expire_all()
    assert session.get(User, user_id) is None
    assert session.scalar(select(Person).where(Person.ref == person_ref)) is None
    assert (
        session.scalars(select(OutgoingMail).where(OutgoingMail.recipient == "adieu@t.fr")).all()
        == []
    )
    home = client.get("/")
    assert "Votre compte et vos données ont été effacés." in home.text
    assert "Se connecter" in home.text  # signed out


def test_a_company_account_has_no_erasure_button(client: TestClient, session: Session) -> None:
    account(session, "company", "societe@t.fr")
    sign_in(client, "societe@t.fr")
    page = client.get("/compte")
    assert "/compte/supprimer" not in page.text and "coordination" in page.text
    refused = client.get("/compte/export")
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")


# ----------------------------------------------------------------------------- forgotten password


def test_a_forgotten_password_is_reset_from_the_link_in_the_mail(
    client: TestClient, session: Session
) -> None:
    student(session, "distrait@t.fr")
    signin = client.get("/connexion")
    assert 'href="/mot-de-passe-oublie"' in signin.text
    token = form_token(client, "/mot-de-passe-oublie")
    known = client.post(
        "/mot-de-passe-oublie", data={"csrf_token": token, "email": "distrait@t.fr"}
    )
    unknown = client.post("/mot-de-passe-oublie", data={"csrf_token": token, "email": "x@t.fr"})
    assert known.status_code == unknown.status_code == 200
    assert "Si un compte existe avec cette adresse" in known.text
    strip = re.compile(r'name="csrf_token" value="[0-9a-f]+"')
    assert strip.sub("", known.text) == strip.sub("", unknown.text)

    mail = session.scalars(
        select(OutgoingMail).where(OutgoingMail.recipient == "distrait@t.fr")
    ).one()
    link = re.search(r"/mot-de-passe-oublie/nouveau\?jeton=[\w.\-]+", mail.text_body)
    assert link
    page = client.get(link.group(0))
    assert page.status_code == 200
    reset_token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert reset_token
    form = {"csrf_token": csrf(page.text), "token": reset_token.group(1)}
    mismatch = client.post(
        "/mot-de-passe-oublie/nouveau",
        data={**form, "new_password": "tout-neuf-1234", "confirm_password": "autre-chose-12"},
    )
    assert mismatch.status_code == 422 and "ne sont pas identiques" in mismatch.text
    done = client.post(
        "/mot-de-passe-oublie/nouveau",
        data={**form, "new_password": "tout-neuf-1234", "confirm_password": "tout-neuf-1234"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/connexion"
    sign_in(client, "distrait@t.fr", "tout-neuf-1234")
    used = client.get(link.group(0))
    assert used.status_code == 400 and "a expiré ou a déjà servi" in used.text


def test_a_bad_address_is_named_next_to_its_field(client: TestClient) -> None:
    token = form_token(client, "/mot-de-passe-oublie")
    answer = client.post(
        "/mot-de-passe-oublie", data={"csrf_token": token, "email": "pas-une-adresse"}
    )
    assert answer.status_code == 422 and "Adresse e-mail invalide." in answer.text


# ----------------------------------------------------------------------------- error pages


def test_an_unknown_page_is_a_french_page_not_json(client: TestClient) -> None:
    answer = client.get("/nulle-part")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "Page introuvable" in answer.text and '"type"' not in answer.text
    client.cookies.set("lang", "en")
    english = client.get("/nowhere")
    assert english.status_code == 404 and "Page not found" in english.text


def test_the_api_keeps_problem_documents(client: TestClient) -> None:
    answer = client.get("/api/v1/nulle-part")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_a_wrong_method_on_a_page_is_a_page(client: TestClient) -> None:
    answer = client.get("/deconnexion")
    assert answer.status_code == 405
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["allow"] == "POST"
    assert "Méthode non autorisée" in answer.text


def test_error_pages_keep_the_signed_in_menu(client: TestClient, session: Session) -> None:
    student(session, "perdu@t.fr")
    sign_in(client, "perdu@t.fr")
    for url, status in (("/revue", 403), ("/nulle-part", 404), ("/allocations/abc", 404)):
        answer = client.get(url)
        assert answer.status_code == status, url
        assert answer.headers["content-type"].startswith("text/html")
        assert "Se déconnecter" in answer.text and 'href="/compte"' in answer.text, url
        assert 'href="/connexion"' not in answer.text, url


def test_a_malformed_address_reads_as_not_found_not_as_a_validator(
    client: TestClient, session: Session
) -> None:
    account(session, "coordinator", "coord-abc@t.fr")
    sign_in(client, "coord-abc@t.fr")
    answer = client.get("/allocations/abc")
    assert answer.status_code == 404
    assert "Page introuvable" in answer.text
    assert "Input should be" not in answer.text and "run_id" not in answer.text
    assert "Revue" in answer.text or "Outils" in answer.text  # the coordinator's menu
