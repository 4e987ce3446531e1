"""Offer, application and candidate pages through HTTP: what a visitor, a student and a company
read and do, and the refusals they are shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.imports.demo import DEMO_PASSWORD
from api.models import Application, Need, Person, User
from tests.cv_pdf import STUDENT_CV, cv_pdf

pytestmark = pytest.mark.db

STUDENT = "etudiant@demo.passerelle.fr"
COMPANY = "entreprise@demo.passerelle.fr"


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: TestClient, email: str) -> None:
    token = csrf(client.get("/connexion").text)
    response = client.post(
        "/connexion",
        data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def data_dir(client: TestClient, tmp_path: Path) -> Path:
    client.app.state.settings.data_dir = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def company_need(session: Session) -> Need:
    company = session.scalar(select(User).where(User.email == COMPANY))
    assert company is not None
    need = session.scalars(
        select(Need)
        .where(Need.organisation_id == company.organisation_id, Need.is_open)
        .order_by(Need.ref)
    ).first()
    assert need is not None
    return need


def test_a_visitor_searches_filters_and_reads_an_offer(
    client: TestClient, session: Session
) -> None:
    need = company_need(session)
    need.pay = "1 400 € brut / mois"
    need.description = "Suivi des débarquements de la criée.\nOutils en Python."
    session.commit()
    listing = client.get("/offres")
    assert listing.status_code == 200
    open_count = session.scalar(select(func.count()).select_from(Need).where(Need.is_open))
    shown = re.search(r"([\d\u202f\u00a0]+) offres ouvertes", listing.text)
    assert shown and int(re.sub(r"\D", "", shown.group(1))) == open_count
    assert 'rel="next"' in listing.text  # the demo region has more than one page

    # A word of the title finds it; a kind filter that does not match leaves it out.
    word = max(need.title.split(), key=len)
    found = client.get("/offres", params={"q": word})
    assert f'href="/offres/{need.ref}"' in found.text
    other_kind = next(k for k in ("hackathon", "rd", "job", "internship") if k != need.kind)
    filtered = client.get("/offres", params={"q": word, "type": other_kind})
    assert f'href="/offres/{need.ref}"' not in filtered.text

    page = client.get(f"/offres/{need.ref}")
    assert page.status_code == 200
    text = page.text
    assert need.title in text and need.organisation.name in text
    assert "1 400 € brut / mois" in text and "Suivi des débarquements" in text
    assert "Date limite de candidature" in text and "Télétravail" in text
    assert f"/connexion?next=/offres/{need.ref}" in text  # sign in to apply
    assert "Votre adéquation" not in text  # no fit for a visitor

    need.is_open = False
    session.commit()
    assert client.get(f"/offres/{need.ref}").status_code == 404
    assert f'href="/offres/{need.ref}"' not in client.get("/offres", params={"q": word}).text


def test_a_student_applies_from_the_offer_page_and_follows_it(
    client: TestClient, session: Session, data_dir: Path
) -> None:
    need = company_need(session)
    sign_in(client, STUDENT)
    page = client.get(f"/offres/{need.ref}")
    assert "Votre adéquation" in page.text and 'id="adequation"' in page.text
    assert 'enctype="multipart/form-data"' in page.text

    # A text file sent as the CV: the form again, the message kept, nothing stored.
    bad = client.post(
        f"/offres/{need.ref}/postuler",
        data={"csrf_token": csrf(page.text), "message": "Motivée !"},
        files={"cv": ("cv.txt", b"pas un pdf", "text/plain")},
    )
    assert bad.status_code == 422
    assert "Le CV doit être un fichier PDF" in bad.text and "Motivée !" in bad.text
    assert 'aria-invalid="true"' in bad.text
    assert session.scalar(select(func.count()).select_from(Application)) == 0
    assert not list(data_dir.rglob("*.pdf"))

    sent = client.post(
        f"/offres/{need.ref}/postuler",
        data={"csrf_token": csrf(page.text), "message": "Motivée !"},
        files={"cv": ("cv.pdf", cv_pdf(*STUDENT_CV), "application/pdf")},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith(f"/offres/{need.ref}")
    after = client.get(f"/offres/{need.ref}").text
    assert "Candidature envoyée" in after and "Reçue" in after
    assert "Dans votre CV" in after  # skills of the CV the profile lacks, to add
    added = client.post(
        f"/offres/{need.ref}/competences-cv",
        data={"csrf_token": csrf(after)},
        follow_redirects=False,
    )
    assert added.status_code == 303
    student = session.scalar(select(User).where(User.email == STUDENT))
    assert student is not None and student.person is not None
    session.refresh(student.person)
    assert {"Python", "SQL", "Django"} <= set(student.person.skills)
    assert "Dans votre CV" not in client.get(f"/offres/{need.ref}").text
    mine = client.get("/candidatures").text
    assert need.title in mine and 'data-status="received"' in mine
    assert "Retirer ma candidature" in mine

    # Twice: refused, in words.
    twice = client.post(
        f"/offres/{need.ref}/postuler", data={"csrf_token": csrf(page.text), "message": "Bis"}
    )
    assert twice.status_code == 422 and "Vous avez déjà postulé à cette offre" in twice.text


def test_the_company_moves_an_application_and_reads_the_candidate(
    client: TestClient, session: Session, data_dir: Path
) -> None:
    need = company_need(session)
    sign_in(client, STUDENT)
    page = client.get(f"/offres/{need.ref}")
    client.post(
        f"/offres/{need.ref}/postuler",
        data={"csrf_token": csrf(page.text), "message": "Bonjour"},
        files={"cv": ("cv.pdf", cv_pdf(*STUDENT_CV), "application/pdf")},
    )
    student = session.scalar(select(User).where(User.email == STUDENT))
    assert student is not None and student.person is not None
    application = session.scalar(select(Application).where(Application.need_id == need.id))
    assert application is not None
    client.cookies.clear()

    sign_in(client, COMPANY)
    assert f'/besoins/{need.ref}/candidatures"' in client.get("/besoins").text
    inbox = client.get(f"/besoins/{need.ref}/candidatures")
    assert inbox.status_code == 200
    assert f'href="/candidats/{student.person.ref}"' in inbox.text
    assert f'href="/candidatures/{application.id}/cv"' in inbox.text
    cv = client.get(f"/candidatures/{application.id}/cv")
    assert cv.status_code == 200 and cv.content.startswith(b"%PDF-")

    token = csrf(inbox.text)
    refused = client.post(
        f"/candidatures/{application.id}/statut", data={"csrf_token": token, "status": "refused"}
    )
    assert refused.status_code == 422 and "motif" in refused.text.lower()
    moved = client.post(
        f"/candidatures/{application.id}/statut",
        data={"csrf_token": token, "status": "interview"},
        follow_redirects=False,
    )
    assert moved.status_code == 303

    profile = client.get(f"/candidats/{student.person.ref}")
    assert profile.status_code == 200
    assert student.person.first_name in profile.text
    assert "Adéquation avec vos offres ouvertes" in profile.text
    assert "Entretien" in profile.text

    # A student who neither consented nor applied stays hidden (404).
    hidden = session.scalars(
        select(Person).where(
            Person.kind == "student",
            Person.id != student.person.id,
            ~Person.consent.has(companies_may_view=True),
        )
    ).first()
    assert hidden is not None
    assert client.get(f"/candidats/{hidden.ref}").status_code == 404

    client.cookies.clear()
    sign_in(client, STUDENT)
    assert 'data-status="interview"' in client.get("/candidatures").text


def test_the_need_form_saves_level_languages_pay_deadline_and_end_date(
    client: TestClient, session: Session
) -> None:
    sign_in(client, COMPANY)
    form = client.get("/besoins/nouveau").text
    for label in ("Date de fin", "Date limite de candidature", "Niveau minimum", "Langues"):
        assert label in form
    data = {
        "csrf_token": csrf(form),
        "title": "Alternance maintenance éolienne",
        "kind": "apprenticeship",
        "description": "Maintenance des éoliennes en mer au large de Dunkerque.",
        "skills": "électricité, maintenance",
        "nice_to_have": "",
        "town": "Dunkerque",
        "remote": "none",
        "start_date": "2027-09-01",
        "end_date": "2029-08-31",
        "deadline": "2027-06-30",
        "duration_months": "24",
        "places": "2",
        "level_min": "bac+2",
        "languages": "anglais B1, néerlandais",
        "pay": "Selon la grille de l'alternance",
    }
    saved = client.post("/besoins/nouveau", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    need = session.scalar(select(Need).where(Need.title == "Alternance maintenance éolienne"))
    assert need is not None
    assert (need.level_min, need.languages, need.pay) == (
        "bac+2",
        ["anglais B1", "néerlandais"],
        "Selon la grille de l'alternance",
    )
    assert str(need.deadline) == "2027-06-30" and str(need.end_date) == "2029-08-31"
    wrong = client.post("/besoins/nouveau", data={**data, "end_date": "2027-01-01"})
    assert wrong.status_code == 422 and 'id="f-end_date-error"' in wrong.text


def test_an_interest_is_withdrawn_from_the_follow_up_page(
    client: TestClient, session: Session
) -> None:
    need = company_need(session)
    sign_in(client, STUDENT)
    page = client.get(f"/offres/{need.ref}")
    sent = client.post(
        f"/besoins/{need.ref}/interet",
        data={"csrf_token": csrf(page.text), "retour": f"/offres/{need.ref}"},
        follow_redirects=False,
    )
    assert sent.headers["location"] == f"/offres/{need.ref}"
    assert "Retirer mon intérêt" in client.get(f"/offres/{need.ref}").text
    follow = client.get("/mes-mises-en-relation").text
    assert f'action="/offres/{need.ref}/interet/retirer"' in follow
    gone = client.post(
        f"/offres/{need.ref}/interet/retirer",
        data={"csrf_token": csrf(follow), "retour": "/mes-mises-en-relation"},
        follow_redirects=False,
    )
    assert gone.headers["location"] == "/mes-mises-en-relation"
    assert f'id="interet-{need.ref}"' not in client.get("/mes-mises-en-relation").text
    assert "Ça m&#39;intéresse" in client.get(f"/offres/{need.ref}").text


def test_a_cv_over_the_request_limit_gets_a_page_that_says_so(
    client: TestClient, session: Session, data_dir: Path
) -> None:
    need = company_need(session)
    sign_in(client, STUDENT)
    token = csrf(client.get(f"/offres/{need.ref}").text)
    response = client.post(
        f"/offres/{need.ref}/postuler",
        data={"csrf_token": token},
        files={"cv": ("gros.pdf", b"%PDF-1.4\n" + b"0" * 6_000_000, "application/pdf")},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 413
    assert "Votre CV dépasse 5 Mo" in response.text
    assert session.scalar(select(func.count()).select_from(Application)) == 0
    assert not list(data_dir.rglob("*.pdf"))
