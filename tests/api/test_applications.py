"""Applications through the API: apply with a real PDF CV, the company moves it, the applicant
follows and withdraws it, the coordinators see it flagged; and every refusal stores nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.imports.demo import DEMO_PASSWORD
from api.models import Application, Interest, Need, Suggestion, User
from tests.cv_pdf import STUDENT_CV, cv_pdf

pytestmark = pytest.mark.db

STUDENT = "etudiant@demo.passerelle.fr"
RESEARCHER = "chercheur@demo.passerelle.fr"
COMPANY = "entreprise@demo.passerelle.fr"
COORDINATOR = "coordination@demo.passerelle.fr"


@pytest.fixture
def data_dir(client: TestClient, tmp_path: Path) -> Path:
    """CVs of this test go to its own folder."""
    client.app.state.settings.data_dir = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def bearer(client: TestClient, email: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", data={"username": email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def company_need(session: Session) -> Need:
    """An open need of the demo company."""
    company = session.scalar(select(User).where(User.email == COMPANY))
    assert company is not None
    need = session.scalars(
        select(Need)
        .where(Need.organisation_id == company.organisation_id, Need.is_open)
        .order_by(Need.ref)
    ).first()
    assert need is not None
    return need


def apply(
    client: TestClient,
    headers: dict[str, str],
    ref: str,
    cv: bytes | None = None,
    name: str = "cv.pdf",
    message: str = "Votre projet m'intéresse.",
) -> Any:
    files = {"cv": (name, cv, "application/pdf")} if cv is not None else None
    return client.post(
        f"/api/v1/needs/{ref}/applications",
        data={"message": message},
        files=files,
        headers=headers,
    )


def stored_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "cvs").glob("*")) if (data_dir / "cvs").exists() else []


def test_student_applies_with_a_cv_and_follows_the_company_s_decisions(
    client: TestClient, session: Session, data_dir: Path
) -> None:
    need = company_need(session)
    student = bearer(client, STUDENT)
    sent = apply(client, student, need.ref, cv_pdf(*STUDENT_CV), name="CV Inès.pdf")
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["status"] == "received" and body["message"] == "Votre projet m'intéresse."
    assert {"Python", "SQL", "Django"} <= set(body["cv"]["skills"])
    assert body["cv"]["name"] == "CV Inès.pdf"
    assert len(stored_files(data_dir)) == 1

    # The CV downloads for the applicant and the company, as an attachment; not for others.
    company = bearer(client, COMPANY)
    url = body["cv"]["url"]
    for headers in (student, company, bearer(client, COORDINATOR)):
        got = client.get(url, headers=headers)
        assert got.status_code == 200 and got.content.startswith(b"%PDF-")
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"].startswith("attachment")
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(client, RESEARCHER)).status_code == 404

    # The company's inbox, then its decisions; the applicant sees each status.
    inbox = client.get(f"/api/v1/needs/{need.ref}/applications", headers=company).json()
    assert [a["id"] for a in inbox] == [body["id"]]
    status = f"/api/v1/applications/{body['id']}/status"
    moved = client.post(status, json={"status": "interview"}, headers=company)
    assert moved.status_code == 200, moved.text
    mine = client.get("/api/v1/me/applications", headers=student).json()
    assert [(a["need_ref"], a["status"]) for a in mine] == [(need.ref, "interview")]
    no_reason = client.post(status, json={"status": "refused"}, headers=company)
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "reason_required"
    back = client.post(status, json={"status": "received"}, headers=company)
    assert back.status_code == 409
    assert back.json()["code"] == "application_transition_refused"
    refused = client.post(
        status, json={"status": "refused", "reason": "Poste pourvu en interne"}, headers=company
    ).json()
    assert refused["reason"] == "Poste pourvu en interne"
    assert [e["to_status"] for e in refused["history"]] == ["received", "interview", "refused"]
    # Settled: the applicant can no longer withdraw it.
    late = client.post(f"/api/v1/applications/{body['id']}/withdrawal", headers=student)
    assert late.status_code == 409 and late.json()["code"] == "application_settled"


def test_an_application_reaches_the_coordinators_queue_flagged(
    client: TestClient, session: Session, data_dir: Path
) -> None:
    need = company_need(session)
    student = bearer(client, STUDENT)
    assert apply(client, student, need.ref).status_code == 201
    user = session.scalar(select(User).where(User.email == STUDENT))
    assert user is not None
    suggestion = session.scalar(
        select(Suggestion).where(
            Suggestion.person_id == user.person_id, Suggestion.need_id == need.id
        )
    )
    assert suggestion is not None and suggestion.status == "proposed"
    queue = client.get(
        "/api/v1/review/queue",
        params={"status": "proposed", "limit": 200},
        headers=bearer(client, COORDINATOR),
    ).json()
    item = next(i for i in queue["items"] if i["id"] == suggestion.id)
    assert item["applied"] is True
    assert item["history"][0]["reason"] == "application"
    assert stored_files(data_dir) == []  # no CV sent, none kept


def test_interest_reaches_the_queue_and_can_be_withdrawn(
    client: TestClient, session: Session
) -> None:
    need = company_need(session)
    researcher = bearer(client, RESEARCHER)
    assert client.put(f"/api/v1/needs/{need.ref}/interest", headers=researcher).status_code == 204
    user = session.scalar(select(User).where(User.email == RESEARCHER))
    assert user is not None
    suggestion = session.scalar(
        select(Suggestion).where(
            Suggestion.person_id == user.person_id, Suggestion.need_id == need.id
        )
    )
    assert suggestion is not None
    coordinator = bearer(client, COORDINATOR)
    queue = client.get(
        "/api/v1/review/queue", params={"status": "proposed", "limit": 200}, headers=coordinator
    ).json()
    queued = next(i for i in queue["items"] if i["id"] == suggestion.id)
    assert queued["person_interested"] and queued["fit"] is not None
    # Its fit is the one the need's ranking of people shows, as every batch refreshes it: the
    # next batch leaves it as it is.
    assert client.post("/api/v1/review/run", headers=coordinator).status_code == 200
    session.refresh(suggestion)
    assert suggestion.fit == pytest.approx(queued["fit"], abs=1e-4)
    assert (
        client.delete(f"/api/v1/needs/{need.ref}/interest", headers=researcher).status_code == 204
    )
    interests = session.scalar(
        select(func.count())
        .select_from(Interest)
        .where(Interest.person_id == user.person_id, Interest.need_id == need.id)
    )
    assert interests == 0


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"Je suis un CV en texte brut.", "cv.txt", "cv_not_pdf"),
        (b"%PDF-1.4\n" + b"\x00" * 5_100_000, "gros.pdf", "cv_too_large"),
        (b"%PDF-1.4\nceci n'est pas un vrai PDF\n%%EOF", "abime.pdf", "cv_unreadable"),
    ],
    ids=["not a pdf", "over 5 MB", "unreadable"],
)
def test_a_bad_cv_is_refused_and_nothing_is_stored(
    client: TestClient, session: Session, data_dir: Path, content: bytes, name: str, code: str
) -> None:
    need = company_need(session)
    response = apply(client, bearer(client, STUDENT), need.ref, content, name=name)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == code
    assert problem["errors"][0]["field"] == "cv"
    assert "Rien n'a été enregistré" in problem["detail"] or code == "cv_empty"
    assert stored_files(data_dir) == []
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_refusals_applying_twice_to_a_closed_need_or_as_a_company(
    client: TestClient, session: Session, data_dir: Path
) -> None:
    need = company_need(session)
    student = bearer(client, STUDENT)
    assert apply(client, student, need.ref).status_code == 201
    twice = apply(client, student, need.ref, cv_pdf(*STUDENT_CV))
    assert twice.status_code == 409 and twice.json()["code"] == "already_applied"
    assert stored_files(data_dir) == []  # the refused second CV was not written

    company = bearer(client, COMPANY)
    as_company = apply(client, company, need.ref)
    assert as_company.status_code == 403
    assert as_company.json()["code"] == "applications_people_only"

    other = session.scalars(
        select(Need).where(Need.is_open, Need.id != need.id).order_by(Need.ref)
    ).first()
    assert other is not None
    other.is_open = False
    session.commit()
    closed = apply(client, student, other.ref)
    assert closed.status_code == 409 and closed.json()["code"] == "need_closed"
    assert "clos" in closed.json()["detail"]

    other.is_open, other.deadline = True, date.today() - timedelta(days=1)
    session.commit()
    late = apply(client, student, other.ref)
    assert late.status_code == 409 and late.json()["code"] == "deadline_passed"

    # After a withdrawal the person may apply again: the same application, its history kept.
    first = client.get("/api/v1/me/applications", headers=student).json()[0]
    withdrawn = client.post(f"/api/v1/applications/{first['id']}/withdrawal", headers=student)
    assert withdrawn.json()["status"] == "withdrawn"
    again = apply(client, student, need.ref, message="Je repostule.")
    assert again.status_code == 201 and again.json()["id"] == first["id"]
    assert [e["to_status"] for e in again.json()["history"]] == [
        "received",
        "withdrawn",
        "received",
    ]


def test_a_need_carries_pay_deadline_end_date_level_and_languages(client: TestClient) -> None:
    company = bearer(client, COMPANY)
    body = {
        "title": "Stage data — criée de Boulogne",
        "kind": "internship",
        "skills": ["python"],
        "start_date": "2027-04-01",
        "end_date": "2027-09-30",
        "deadline": "2027-03-01",
        "pay": "Gratification légale + tickets restaurant",
        "level_min": "bac+3",
        "languages": ["anglais B1"],
    }
    created = client.post("/api/v1/needs", json=body, headers=company)
    assert created.status_code == 201, created.text
    out = client.get(f"/api/v1/needs/{created.json()['ref']}").json()
    assert (out["end_date"], out["deadline"], out["pay"]) == (
        "2027-09-30",
        "2027-03-01",
        "Gratification légale + tickets restaurant",
    )
    assert out["level_min"] == "bac+3" and out["languages"] == ["anglais B1"]
    wrong = client.post("/api/v1/needs", json={**body, "end_date": "2027-01-01"}, headers=company)
    assert wrong.status_code == 422 and wrong.json()["code"] == "dates_order"
    assert wrong.json()["errors"][0]["field"] == "end_date"


def test_the_export_lists_applications_and_erasure_deletes_the_cv_files(
    client: TestClient, session: Session, data_dir: Path
) -> None:
    need = company_need(session)
    student = bearer(client, STUDENT)
    assert apply(client, student, need.ref, cv_pdf(*STUDENT_CV)).status_code == 201
    assert len(stored_files(data_dir)) == 1
    user = session.scalar(select(User).where(User.email == STUDENT))
    assert user is not None and user.person is not None
    # The data export lists the application, CV name and skills found included.
    export = client.get(f"/api/v1/people/{user.person.ref}/export", headers=student).json()
    [sent] = export["applications"]
    assert sent["need"]["ref"] == need.ref and sent["cv_name"] == "cv.pdf"
    assert "Python" in sent["cv_skills"]
    erased = client.delete(f"/api/v1/people/{user.person.ref}", headers=student)
    assert erased.status_code == 204, erased.text
    assert stored_files(data_dir) == []
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_applying_again_after_withdrawing_replaces_the_cv(
    client: TestClient, session: Session, data_dir: Path
) -> None:
    need = company_need(session)
    student = bearer(client, STUDENT)
    first = apply(client, student, need.ref, cv_pdf("Ancien CV", "Python")).json()
    client.post(f"/api/v1/applications/{first['id']}/withdrawal", headers=student)
    again = apply(client, student, need.ref, cv_pdf("Nouveau CV", "Python, SQL, Docker"))
    assert again.status_code == 201
    [kept] = stored_files(data_dir)
    assert kept.read_bytes() == client.get(again.json()["cv"]["url"], headers=student).content
    assert "Docker" in again.json()["cv"]["skills"]


def test_the_company_is_told_of_an_application_and_the_applicant_of_each_move(
    client: TestClient, session: Session, data_dir: Path
) -> None:
    from api.models import Application, OutgoingMail

    need = company_need(session)
    student = bearer(client, STUDENT)
    sent = apply(client, student, need.ref, cv_pdf(*STUDENT_CV), name="cv.pdf")
    assert sent.status_code == 201, sent.text

    def mails(template: str) -> list[OutgoingMail]:
        session.expire_all()
        query = select(OutgoingMail).where(OutgoingMail.template == template)
        return list(session.scalars(query))

    received = mails("application_received")
    assert received and all(m.recipient != STUDENT for m in received)
    assert need.title in received[0].subject
    status = f"/api/v1/applications/{sent.json()['id']}/status"
    moved = client.post(status, json={"status": "interview"}, headers=bearer(client, COMPANY))
    assert moved.status_code == 200, moved.text
    told = mails("application_status")
    applicant = session.scalars(
        select(Application).where(Application.id == sent.json()["id"])
    ).one()
    assert [m.recipient for m in told] == [applicant.person.email]
    assert "entretien" in told[0].text_body.lower() or "interview" in told[0].text_body.lower()


def test_the_queue_filters_to_applications_and_to_applications_or_interests(
    client: TestClient, session: Session, data_dir: Path
) -> None:
    need = company_need(session)
    sent = apply(client, bearer(client, STUDENT), need.ref, cv_pdf(*STUDENT_CV), name="cv.pdf")
    assert sent.status_code == 201, sent.text
    coordinator = bearer(client, COORDINATOR)

    def queue(**flags: str) -> list[str]:
        got = client.get("/api/v1/review/queue", params=flags, headers=coordinator)
        assert got.status_code == 200, got.text
        return [item["need_ref"] for item in got.json()["items"]]

    applied = queue(applied_only="true")
    assert applied == [need.ref]
    assert need.ref in queue(candidacy_only="true")
    assert len(queue()) >= len(queue(candidacy_only="true")) >= len(applied)
