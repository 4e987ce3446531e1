"""The web pages through HTTP: French by default, English on request, forms, CSRF, journeys."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import hash_password
from api.models import Interest, Need, Person, Shortlist, Suggestion, User

pytestmark = pytest.mark.db
PASSWORD = "correct horse battery"


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def form_token(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return csrf(page.text)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    token = form_token(client, "/connexion")
    response = client.post(
        "/connexion",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    cookie = response.headers["set-cookie"]
    assert "passerelle_token=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def student_without_account(session: Session) -> Person:
    """A demo student no account speaks for yet (the demo region has one per role)."""
    student = session.scalars(
        select(Person).where(
            Person.kind == "student",
            Person.id.not_in(select(User.person_id).where(User.person_id.is_not(None))),
        )
    ).first()
    assert student is not None
    return student


def account(session: Session, role: str, email: str, **links: int | None) -> User:
    user = User(email=email, password_hash=hash_password(PASSWORD), role=role, **links)
    session.add(user)
    session.commit()
    return user


def test_home_is_french_by_default_with_skip_link(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert "Le bon projet, la bonne personne" in page.text
    assert 'href="#contenu"' in page.text and 'id="contenu"' in page.text
    assert "/static/css/passerelle.css" in page.text
    assert client.get("/static/css/passerelle.css").status_code == 200
    assert client.get("/static/vendor/htmx.min.js").status_code == 200


def test_english_switch_is_remembered(client: TestClient) -> None:
    switched = client.get("/langue/en?next=/inscription", follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/inscription"
    page = client.get("/inscription")
    assert '<html lang="en">' in page.text
    assert "Create an account" in page.text
    client.get("/langue/fr")
    assert "Créer un compte" in client.get("/inscription").text


def test_language_switch_refuses_foreign_redirects(client: TestClient) -> None:
    response = client.get("/langue/en?next=//evil.example/", follow_redirects=False)
    assert response.headers["location"] == "/"


def test_student_signs_up_fills_profile_and_sees_explained_recommendations(
    client: TestClient, session: Session
) -> None:
    token = form_token(client, "/inscription")
    created = client.post(
        "/inscription",
        data={
            "csrf_token": token,
            "role": "student",
            "first_name": "Léa",
            "last_name": "Martin",
            "town": "Calais",
            "email": "lea.martin@etu.example.fr",
            "password": PASSWORD,
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    sign_in(client, "lea.martin@etu.example.fr")

    empty = client.get("/recommandations")
    assert "Complétez votre profil" in empty.text

    saved = client.post(
        "/profil",
        data={
            "csrf_token": csrf(client.get("/profil").text),
            "headline": "Étudiante en BUT Informatique, cherche un stage en développement web",
            "summary": "Projets en Python et JavaScript, bases de données SQL.",
            "skills": "Python, SQL, JavaScript",
            "available_from": "",
            "available_until": "",
            "mobility_km": "60",
            "town": "Calais",
            "consent": "on",
        },
    )
    assert saved.status_code == 200
    assert "Profil enregistré." in saved.text
    assert 'value="Python, SQL, JavaScript"' in saved.text
    assert re.search(r'name="consent"\s+checked', saved.text)

    page = client.get("/recommandations")
    assert page.status_code == 200
    assert page.text.count('class="card result"') >= 3
    assert "Pourquoi ?" in page.text
    assert "chip-match" in page.text
    ref = re.search(r'id="besoin-([^"]+)"', page.text).group(1)  # type: ignore[union-attr]

    marked = client.post(f"/besoins/{ref}/interet", data={"csrf_token": csrf(page.text)})
    assert marked.status_code == 200
    assert "Votre intérêt a été transmis" in marked.text
    assert "Intérêt envoyé" in marked.text
    person = session.scalars(
        select(Person).where(Person.email == "lea.martin@etu.example.fr")
    ).one()
    assert session.scalar(select(Interest).where(Interest.person_id == person.id)) is not None

    english = client.get("/langue/en?next=/recommandations")
    assert "Why?" in english.text and "My recommendations" in english.text


def test_sign_up_shows_french_errors_next_to_fields(client: TestClient) -> None:
    token = form_token(client, "/inscription")
    page = client.post(
        "/inscription",
        data={
            "csrf_token": token,
            "role": "company",
            "email": "pas-une-adresse",
            "password": "court",
        },
    )
    assert page.status_code == 422
    assert 'id="f-email-error"' in page.text
    assert "Saisissez une adresse e-mail valide" in page.text
    assert 'id="f-password-error"' in page.text and "10 caractères au moins." in page.text
    assert 'aria-invalid="true"' in page.text
    assert 'value="pas-une-adresse"' in page.text  # what was typed is kept


def test_profile_rejects_bad_values_with_french_messages(
    client: TestClient, session: Session
) -> None:
    student = student_without_account(session)
    account(session, "student", "profil-errors@t.fr", person_id=student.id)
    sign_in(client, "profil-errors@t.fr")
    token = csrf(client.get("/profil").text)
    page = client.post(
        "/profil",
        data={
            "csrf_token": token,
            "headline": "x",
            "mobility_km": "loin",
            "town": "Atlantide",
        },
    )
    assert page.status_code == 422
    assert 'id="f-mobility_km-error"' in page.text and "Saisissez un nombre." in page.text
    page = client.post(
        "/profil",
        data={"csrf_token": token, "headline": "x", "town": "Atlantide"},
    )
    assert 'id="f-town-error"' in page.text and "Commune inconnue" in page.text


def test_forms_require_the_csrf_token(client: TestClient) -> None:
    client.get("/inscription")
    data = {"role": "student", "email": "csrf@t.fr", "password": PASSWORD}
    missing = client.post("/inscription", data=data)
    assert missing.status_code == 403
    assert "Le formulaire a expiré" in missing.text
    forged = client.post("/inscription", data={**data, "csrf_token": "0" * 64})
    assert forged.status_code == 403
    fresh = TestClient(client.app)  # another browser: its cookie does not match this token
    token = form_token(client, "/inscription")
    assert fresh.post("/inscription", data={**data, "csrf_token": token}).status_code == 403


def test_wrong_password_is_refused_in_french(client: TestClient) -> None:
    token = form_token(client, "/connexion")
    page = client.post(
        "/connexion", data={"csrf_token": token, "email": "nobody@t.fr", "password": "x" * 12}
    )
    assert page.status_code == 401
    assert "Adresse ou mot de passe incorrect." in page.text


def test_private_pages_redirect_to_sign_in(client: TestClient) -> None:
    response = client.get("/recommandations", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion?next=/recommandations"


def test_sign_out_forgets_the_session(client: TestClient, session: Session) -> None:
    account(session, "coordinator", "bye@t.fr")
    sign_in(client, "bye@t.fr")
    page = client.get("/revue")
    assert page.status_code == 200
    client.post("/deconnexion", data={"csrf_token": csrf(page.text)})
    assert client.get("/revue", follow_redirects=False).status_code == 303


def test_skill_suggestions(client: TestClient) -> None:
    assert "Python" in client.get("/web/competences", params={"q": "SQL, pyt"}).json()
    assert client.get("/web/competences", params={"q": "p"}).json() == []


def test_company_posts_a_need_and_shortlists_a_visible_candidate(
    client: TestClient, session: Session
) -> None:
    token = form_token(client, "/inscription")
    client.post(
        "/inscription",
        data={
            "csrf_token": token,
            "role": "company",
            "organisation_name": "Opale Numérique",
            "sector": "numérique",
            "town": "Boulogne-sur-Mer",
            "email": "rh@opale-numerique.example.fr",
            "password": PASSWORD,
        },
    )
    sign_in(client, "rh@opale-numerique.example.fr")
    bad = client.post(
        "/besoins/nouveau", data={"csrf_token": csrf(client.get("/besoins").text), "title": ""}
    )
    assert bad.status_code == 422 and 'id="f-title-error"' in bad.text
    page = client.post(
        "/besoins/nouveau",
        data={
            "csrf_token": csrf(bad.text),
            "title": "Stage développement web Python",
            "kind": "internship",
            "description": "Développer notre application de suivi logistique en Python et SQL.",
            "skills": "Python, SQL",
            "remote": "partial",
            "places": "1",
        },
    )
    assert page.status_code == 200, page.text
    assert "Besoin publié." in page.text
    assert "Candidats pour" in page.text
    need = session.scalars(select(Need).where(Need.title == "Stage développement web Python")).one()
    refs = re.findall(r'id="candidat-([^"]+)"', page.text)
    assert refs, "no visible candidate"
    people = session.scalars(select(Person).where(Person.ref.in_(refs))).all()
    assert all(p.consent is not None and p.consent.companies_may_view for p in people)
    client.post(f"/besoins/{need.ref}/preselection/{refs[0]}", data={"csrf_token": csrf(page.text)})
    assert session.scalar(select(Shortlist).where(Shortlist.need_id == need.id)) is not None


def test_coordinator_reviews_with_reasons(client: TestClient, session: Session) -> None:
    account(session, "coordinator", "coord-web@t.fr")
    sign_in(client, "coord-web@t.fr")
    page = client.get("/revue")
    client.post("/revue/lancer", data={"csrf_token": csrf(page.text)})
    page = client.get("/revue")
    ids = [int(i) for i in re.findall(r'id="suggestion-(\d+)"', page.text)]
    assert len(ids) >= 2
    token = csrf(page.text)
    refused = client.post(
        f"/revue/{ids[0]}/decision", data={"csrf_token": token, "action": "reject", "reason": ""}
    )
    assert refused.status_code == 422
    assert "Un motif est requis pour rejeter." in refused.text
    client.post(
        f"/revue/{ids[0]}/decision",
        data={"csrf_token": token, "action": "reject", "reason": "trop loin"},
    )
    client.post(f"/revue/{ids[1]}/decision", data={"csrf_token": token, "action": "introduce"})
    assert session.get(Suggestion, ids[0]).status == "rejected"  # type: ignore[union-attr]
    assert session.get(Suggestion, ids[1]).status == "introduced"  # type: ignore[union-attr]
    swapped = client.post(
        f"/revue/{ids[1]}/decision",
        data={"csrf_token": token, "action": "approve"},
        headers={"HX-Request": "true"},
    )
    assert swapped.status_code == 200 and "plus possible pour cette suggestion" in swapped.text


def test_dashboard_draws_charts(client: TestClient, session: Session) -> None:
    account(session, "coordinator", "coord-dash@t.fr")
    sign_in(client, "coord-dash@t.fr")
    page = client.get("/tableau-de-bord")
    assert page.status_code == 200
    assert page.text.count('<svg class="chart"') == 2
    assert "Par territoire" in page.text and ("Calaisis" in page.text or "Dunkerque" in page.text)


def test_students_cannot_open_the_review_queue(client: TestClient, session: Session) -> None:
    student = student_without_account(session)
    account(session, "student", "nosy@t.fr", person_id=student.id)
    sign_in(client, "nosy@t.fr")
    page = client.get("/revue")
    assert page.status_code == 403
    assert "Cette page ne vous est pas accessible." in page.text
