"""Editing a need (with skills spotted in its description) and following one's introductions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Interest, Need, Organisation, Shortlist, Suggestion, User
from api.review.schemas import Decision
from api.review.service import decide
from tests.web.test_pages import account, csrf, sign_in, student_without_account

pytestmark = pytest.mark.db

DESCRIPTION = "Nous cherchons quelqu'un à l'aise avec Python et les bases de données SQL."


def a_need(session: Session) -> Need:
    need = session.scalars(select(Need).where(Need.is_open).order_by(Need.id)).first()
    assert need is not None
    return need


def company_of(session: Session, need: Need, email: str) -> User:
    return account(session, "company", email, organisation_id=need.organisation_id)


def other_company(session: Session, need: Need, email: str) -> User:
    other = session.scalars(
        select(Organisation).where(
            Organisation.kind == "company", Organisation.id != need.organisation_id
        )
    ).first()
    assert other is not None
    return account(session, "company", email, organisation_id=other.id)


def edit_form(need: Need, token: str, **changes: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "title": need.title,
        "kind": need.kind,
        "description": need.description,
        "skills": ", ".join(need.skills),
        "nice_to_have": ", ".join(need.nice_to_have),
        "town": need.town or "",
        "remote": need.remote,
        "start_date": need.start_date.isoformat() if need.start_date else "",
        "duration_months": "" if need.duration_months is None else str(need.duration_months),
        "places": str(need.places),
    }
    return data | changes


def test_company_edits_closes_and_reopens_its_need(client: TestClient, session: Session) -> None:
    need = a_need(session)
    company_of(session, need, "edit-need@t.fr")
    sign_in(client, "edit-need@t.fr")

    listing = client.get("/besoins")
    assert f'href="/besoins/{need.ref}/modifier"' in listing.text and "Modifier" in listing.text
    page = client.get(f"/besoins/{need.ref}/modifier")
    assert page.status_code == 200
    assert "Modifier le besoin" in page.text
    assert f'action="/besoins/{need.ref}/modifier"' in page.text
    assert f'value="{escape(need.title)}"' in page.text  # prefilled

    saved = client.post(
        f"/besoins/{need.ref}/modifier",
        data=edit_form(
            need,
            csrf(page.text),
            title="Stage data engineer Python (modifié)",
            description=DESCRIPTION,
            skills="Python, SQL",
            town="Calais",
        ),
    )
    assert saved.status_code == 200, saved.text
    assert "Besoin modifié." in saved.text
    assert "Stage data engineer Python (modifié)" in saved.text  # on /besoins
    session.refresh(need)
    assert need.title == "Stage data engineer Python (modifié)"
    assert need.skills == ["Python", "SQL"] and need.town == "Calais"

    page = client.get(f"/besoins/{need.ref}/modifier")
    assert "Fermer ce besoin" in page.text
    closed = client.post(
        f"/besoins/{need.ref}/statut", data={"csrf_token": csrf(page.text), "is_open": "0"}
    )
    assert "Besoin fermé" in closed.text and "tag-muted" in closed.text
    session.refresh(need)
    assert need.is_open is False
    page = client.get(f"/besoins/{need.ref}/modifier")
    assert "Rouvrir ce besoin" in page.text
    client.post(f"/besoins/{need.ref}/statut", data={"csrf_token": csrf(page.text), "is_open": "1"})
    session.refresh(need)
    assert need.is_open is True
    # A value the page never sends is refused, and the need stays open.
    odd = client.post(
        f"/besoins/{need.ref}/statut", data={"csrf_token": csrf(page.text), "is_open": "fermé"}
    )
    assert odd.status_code == 422 and odd.headers["content-type"].startswith("text/html")
    session.refresh(need)
    assert need.is_open is True


def test_other_accounts_cannot_edit_a_need(client: TestClient, session: Session) -> None:
    need = a_need(session)
    title = need.title
    other_company(session, need, "rival@t.fr")
    sign_in(client, "rival@t.fr")
    page = client.get(f"/besoins/{need.ref}/modifier")
    assert page.status_code == 403
    assert "Cette page ne vous est pas accessible." in page.text
    token = csrf(client.get("/besoins").text)
    refused = client.post(
        f"/besoins/{need.ref}/modifier", data=edit_form(need, token, title="Piraté")
    )
    assert refused.status_code == 403
    closing = client.post(f"/besoins/{need.ref}/statut", data={"csrf_token": token, "is_open": "0"})
    assert closing.status_code == 403
    assert client.get("/besoins/NEED-INCONNU/modifier").status_code == 404
    session.refresh(need)
    assert need.title == title and need.is_open

    student = student_without_account(session)
    account(session, "student", "student-edit@t.fr", person_id=student.id)
    sign_in(client, "student-edit@t.fr")
    assert client.get(f"/besoins/{need.ref}/modifier").status_code == 403


def test_invalid_edit_shows_the_field_error_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    need = a_need(session)
    title, places = need.title, need.places
    company_of(session, need, "bad-edit@t.fr")
    sign_in(client, "bad-edit@t.fr")
    token = csrf(client.get(f"/besoins/{need.ref}/modifier").text)
    page = client.post(
        f"/besoins/{need.ref}/modifier",
        data=edit_form(need, token, title="", places="beaucoup", description=DESCRIPTION),
    )
    assert page.status_code == 422
    assert 'id="f-title-error"' in page.text and 'aria-invalid="true"' in page.text
    assert 'id="f-places-error"' in page.text
    assert 'value="beaucoup"' in page.text  # what was typed is kept
    unknown_town = client.post(
        f"/besoins/{need.ref}/modifier", data=edit_form(need, token, town="Atlantide")
    )
    assert unknown_town.status_code == 422
    assert 'id="f-town-error"' in unknown_town.text and "Commune inconnue" in unknown_town.text
    session.refresh(need)
    assert need.title == title and need.places == places


def test_skills_are_spotted_in_a_french_description(client: TestClient, session: Session) -> None:
    found = client.get("/web/competences/extraction", params={"texte": DESCRIPTION}).json()
    assert "Python" in found and "SQL" in found
    assert found.index("Python") < found.index("SQL")  # in order of mention
    listed = client.get(
        "/web/competences/extraction", params={"texte": DESCRIPTION, "exclure": "python3, sql"}
    ).json()
    assert "Python" not in listed and "SQL" not in listed
    assert client.get("/web/competences/extraction", params={"texte": ""}).json() == []
    long = client.get("/web/competences/extraction", params={"texte": "Python " + "x" * 20_000})
    assert long.status_code == 200 and long.json() == ["Python"]
    # A whole offer pasted: how to apply is not a skill of the job ("service RH", a mailbox).
    offer = (
        f"{DESCRIPTION}\nPour postuler, envoyez CV et lettre de motivation au service RH."
        "\nMerci d'adresser votre candidature à recrutement@exemple.fr."
    )
    pasted = client.get("/web/competences/extraction", params={"texte": offer}).json()
    assert "Python" in pasted and "SQL" in pasted
    assert not {"ressources humaines", "recrutement"} & {s.casefold() for s in pasted}

    # Without JavaScript: the edit form lists them and a "+ skill" button adds one, unsaved.
    need = a_need(session)
    company_of(session, need, "hints@t.fr")
    sign_in(client, "hints@t.fr")
    token = csrf(client.get(f"/besoins/{need.ref}/modifier").text)
    data = edit_form(need, token, description=DESCRIPTION, skills="SQL")
    preview = client.post(
        f"/besoins/{need.ref}/modifier/apercu", data=data | {"ajouter_competence": "Python"}
    )
    assert preview.status_code == 200
    assert 'value="SQL, Python"' in preview.text
    assert 'data-add-skill="Python"' not in preview.text  # already listed now
    session.refresh(need)
    assert need.description != DESCRIPTION
    new = client.post(
        "/besoins/nouveau/apercu", data={"csrf_token": token, "description": DESCRIPTION}
    )
    assert new.status_code == 200 and 'data-add-skill="Python"' in new.text
    assert 'action="/besoins/nouveau"' in new.text
    assert "unread-sentences" not in new.text  # nothing left out of a description of work


def test_the_company_sees_which_sentences_do_not_count_in_the_ranking(
    client: TestClient, session: Session
) -> None:
    need = a_need(session)
    company_of(session, need, "unread@t.fr")
    sign_in(client, "unread@t.fr")
    token = csrf(client.get(f"/besoins/{need.ref}/modifier").text)
    offer = (
        f"{DESCRIPTION}\nSalaire : 2 300 € brut mensuel, tickets restaurant."
        "\nPour postuler, envoyez CV et lettre de motivation au service RH."
    )
    data = edit_form(need, token, description=offer)
    page = client.post(f"/besoins/{need.ref}/modifier/apercu", data=data)
    assert page.status_code == 200
    unread = page.text.split('class="unread-sentences"')[1].split("</details>")[0]
    assert "2 phrases de la description n&#39;entrent pas dans le classement" in unread
    assert "<li>Salaire : 2 300 € brut mensuel, tickets restaurant.</li>" in unread
    assert "service RH.</li>" in unread and "Python" not in unread
    client.get("/langue/en")
    english = client.post(f"/besoins/{need.ref}/modifier/apercu", data=data)
    assert "2 sentences of the description do not count in the ranking" in english.text
    # Saved as written: candidates read every sentence; only the ranking leaves these out.
    saved = client.post(f"/besoins/{need.ref}/modifier", data=data, follow_redirects=False)
    assert saved.status_code == 303
    session.refresh(need)
    assert need.description == offer


def test_introduced_student_follows_the_introduction(client: TestClient, session: Session) -> None:
    need = a_need(session)
    student = student_without_account(session)
    account(session, "student", "introduced@t.fr", person_id=student.id)
    coordinator = account(session, "coordinator", "coord-intro@t.fr")
    suggestion = session.scalars(
        select(Suggestion).where(Suggestion.person_id == student.id, Suggestion.need_id == need.id)
    ).first()
    if suggestion is None:
        suggestion = Suggestion(person_id=student.id, need_id=need.id, score=0.8)
        session.add(suggestion)
        session.flush()
    decide(session, coordinator, suggestion.id, Decision(action="introduce"))
    session.add(Interest(person_id=student.id, need_id=need.id))
    session.add(Shortlist(need_id=need.id, person_id=student.id))
    session.commit()

    sign_in(client, "introduced@t.fr")
    page = client.get("/mes-mises-en-relation")
    assert page.status_code == 200
    assert 'href="/mes-mises-en-relation" aria-current="page"' in page.text
    assert "Mes mises en relation" in page.text
    assert f'id="mise-en-relation-{need.ref}"' in page.text and escape(need.title) in page.text
    assert (
        escape("Présenté·e à l'entreprise") in page.text
        and escape(need.organisation.name) in page.text
    )
    assert "Intérêt mutuel" in page.text and "Et ensuite ?" in page.text
    assert "voyez « Présentations » ci-dessus" in page.text  # the interest led somewhere
    client.get("/langue/en")
    assert "Introduced to the company" in client.get("/mes-mises-en-relation").text
    client.get("/langue/fr")

    other = student_without_account(session)
    account(session, "student", "not-introduced@t.fr", person_id=other.id)
    sign_in(client, "not-introduced@t.fr")
    page = client.get("/mes-mises-en-relation")
    assert page.status_code == 200
    assert f"mise-en-relation-{need.ref}" not in page.text
    assert escape("Aucune présentation pour l'instant.") in page.text
    assert escape("Vous n'avez encore marqué d'intérêt pour aucun besoin.") in page.text
