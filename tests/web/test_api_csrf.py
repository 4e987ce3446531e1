"""The session cookie of the web pages is no licence for forged API writes from other sites."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.security import csrf_for
from api.models import Interest, Need
from tests.web.test_pages import account, sign_in, student_without_account

pytestmark = pytest.mark.db


def _open_need(session: Session) -> Need:
    need = session.scalars(select(Need).where(Need.is_open).order_by(Need.id)).first()
    assert need is not None
    return need


def _interests(session: Session, person_id: int) -> int:
    session.expire_all()
    return len(session.scalars(select(Interest).where(Interest.person_id == person_id)).all())


def test_cookie_write_without_token_is_refused_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    student = student_without_account(session)
    account(session, "student", "csrf.student@etu.example.fr", person_id=student.id)
    sign_in(client, "csrf.student@etu.example.fr")
    need = _open_need(session)

    # Reading with the cookie alone is fine: nothing changes.
    assert client.get("/api/v1/auth/me").status_code == 200

    # What a forged cross-site request can do: send the cookie, not read the page's token.
    forged = client.put(f"/api/v1/needs/{need.ref}/interest")
    assert forged.status_code == 403
    problem = forged.json()
    assert problem["errors"][0]["field"] == "X-CSRF-Token"
    assert _interests(session, student.id) == 0

    wrong = client.put(f"/api/v1/needs/{need.ref}/interest", headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    assert _interests(session, student.id) == 0

    # Our own page knows the token (it is in every form) and may send it as a header.
    seed = client.cookies.get("passerelle_csrf")
    assert seed
    token = csrf_for(seed, client.app.state.settings.secret_key)  # type: ignore[attr-defined]
    allowed = client.put(f"/api/v1/needs/{need.ref}/interest", headers={"X-CSRF-Token": token})
    assert allowed.status_code == 204, allowed.text
    assert _interests(session, student.id) == 1


def test_bearer_writes_need_no_anti_forgery_token(client: TestClient, session: Session) -> None:
    student = student_without_account(session)
    account(session, "student", "csrf.bearer@etu.example.fr", person_id=student.id)
    response = client.post(
        "/api/v1/auth/token",
        data={"username": "csrf.bearer@etu.example.fr", "password": "correct horse battery"},
    )
    bearer = {"Authorization": f"Bearer {response.json()['access_token']}"}
    need = _open_need(session)
    assert client.put(f"/api/v1/needs/{need.ref}/interest", headers=bearer).status_code == 204
    assert _interests(session, student.id) == 1
