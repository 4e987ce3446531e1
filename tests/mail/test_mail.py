"""E-mail: queued with the action, delivered over a real SMTP server after the commit, retried
when the server is down, written to the outbox folder when none is set, in each one's language."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.i18n import catalogue, placeholders
from api.core.security import hash_password
from api.imports.demo import DEMO_PASSWORD
from api.mail.messages import COMMON_KEYS, MESSAGES
from api.mail.service import deliver, send
from api.models import (
    JobDatingAttendee,
    JobDatingEvent,
    JobDatingMeeting,
    JobDatingTable,
    Need,
    OutgoingMail,
    Person,
    Suggestion,
    User,
    utcnow,
)
from tests.mail.conftest import SmtpServer, free_port, html_of, text_of

pytestmark = pytest.mark.db

PASSWORD = "un-mot-de-passe-solide"


def use_smtp(client: TestClient, server: SmtpServer, **more: object) -> None:
    app = client.app
    settings = app.state.settings  # type: ignore[attr-defined]
    app.state.settings = settings.model_copy(  # type: ignore[attr-defined]
        update={"smtp_host": server.host, "smtp_port": server.port, "smtp_starttls": False, **more}
    )


def account(session: Session, email: str, role: str = "student", **links: object) -> User:
    user = User(email=email, password_hash=hash_password(PASSWORD), role=role, **links)
    session.add(user)
    session.commit()
    return user


def bearer(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def link_in(text: str) -> str:
    found = re.search(r"https?://\S+/mot-de-passe-oublie/nouveau\?jeton=[\w.\-]+", text)
    assert found, text
    return found.group(0)


# ----------------------------------------------------------------------------- password reset


def test_a_reset_link_arrives_by_smtp_and_works_once(
    client: TestClient, session: Session, smtp: SmtpServer
) -> None:
    use_smtp(client, smtp)
    user = account(session, "oubli@exemple.fr")
    old = bearer(client, user.email)

    asked = client.post("/api/v1/auth/password/forgot", json={"email": "OUBLI@exemple.fr"})
    assert asked.status_code == 202

    [mail] = smtp.inbox.to("oubli@exemple.fr")
    assert mail["Subject"] == "Passerelle : choisir un nouveau mot de passe"
    assert "valable 60 minutes" in text_of(mail)
    link = link_in(text_of(mail))
    assert link in html_of(mail).replace("&amp;", "&")  # the button and the address, in HTML
    token = link.split("jeton=")[1]

    form = client.get(link.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert form.status_code == 200 and 'name="new_password"' in form.text

    done = client.post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": "nouveau-mot-2-passe"}
    )
    assert done.status_code == 204
    assert client.get("/api/v1/auth/me", headers=old).status_code == 401  # signed out everywhere
    bearer(client, user.email, "nouveau-mot-2-passe")
    refused = client.post("/api/v1/auth/token", data={"username": user.email, "password": PASSWORD})
    assert refused.status_code == 401

    again = client.post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": "encore-un-autre-mdp"}
    )
    assert again.status_code == 422
    assert again.json()["code"] == "reset_link_invalid"
    assert client.get(f"/mot-de-passe-oublie/nouveau?jeton={token}").status_code == 400


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client: TestClient, session: Session, smtp: SmtpServer
) -> None:
    use_smtp(client, smtp)
    account(session, "connu@exemple.fr")
    known = client.post("/api/v1/auth/password/forgot", json={"email": "connu@exemple.fr"})
    unknown = client.post("/api/v1/auth/password/forgot", json={"email": "inconnu@exemple.fr"})
    assert (known.status_code, known.content) == (unknown.status_code, unknown.content)
    assert [m["To"] for m in smtp.inbox.messages] == ["connu@exemple.fr"]


def test_reset_requests_are_counted_per_address(
    client: TestClient, session: Session, smtp: SmtpServer
) -> None:
    use_smtp(client, smtp)
    account(session, "insistant@exemple.fr")
    answers = [
        client.post("/api/v1/auth/password/forgot", json={"email": "insistant@exemple.fr"})
        for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert answers[-1].json()["code"] == "too_many_attempts"
    assert len(smtp.inbox.to("insistant@exemple.fr")) == 3
    # The same count for an address without an account: the answer tells nothing.
    unknown = [
        client.post("/api/v1/auth/password/forgot", json={"email": "personne@exemple.fr"})
        for _ in range(4)
    ]
    assert [a.status_code for a in unknown] == [202, 202, 202, 429]


def test_an_expired_or_forged_link_is_refused(client: TestClient, session: Session) -> None:
    from api.accounts.service import reset_token

    user = account(session, "expire@exemple.fr")
    secret = client.app.state.settings.secret_key  # type: ignore[attr-defined]
    expired = reset_token(user, secret, minutes=-1)
    forged = reset_token(user, "un-autre-secret-qui-ne-signe-pas-ici-0123456789")
    for token in (expired, forged, "n-importe-quoi"):
        answer = client.post(
            "/api/v1/auth/password/reset", json={"token": token, "new_password": "mot-2-passe-neuf"}
        )
        assert answer.status_code == 422, token
        assert answer.json()["errors"][0]["field"] == "token"
    bearer(client, user.email)  # the password did not change


# ----------------------------------------------------------------------------- SMTP down


def _introducible(session: Session) -> tuple[Suggestion, Person, Need]:
    person = session.scalars(
        select(Person).where(Person.kind == "student").order_by(Person.id)
    ).first()
    need = session.scalars(select(Need).where(Need.is_open).order_by(Need.id)).first()
    assert person is not None and need is not None
    suggestion = session.scalar(
        select(Suggestion).where(Suggestion.person_id == person.id, Suggestion.need_id == need.id)
    )
    if suggestion is None:
        suggestion = Suggestion(person_id=person.id, need_id=need.id, score=0.7)
        session.add(suggestion)
    suggestion.status = "approved"
    company = session.scalar(
        select(User).where(User.organisation_id == need.organisation_id, User.role == "company")
    )
    if company is None:
        account(
            session, "recrutement@entreprise.fr", "company", organisation_id=need.organisation_id
        )
    session.commit()
    return suggestion, person, need


def test_with_smtp_down_the_introduction_is_kept_and_its_mails_go_later(
    client: TestClient, session: Session, smtp: SmtpServer
) -> None:
    suggestion, person, need = _introducible(session)
    coordinator = account(session, "coord-smtp@exemple.fr", "coordinator")
    headers = bearer(client, coordinator.email)
    smtp.stop()  # the server is down when the coordinator introduces
    use_smtp(client, smtp)

    answer = client.post(
        f"/api/v1/suggestions/{suggestion.id}/decision",
        json={"action": "introduce"},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "introduced"

    session.expire_all()
    assert session.get(Suggestion, suggestion.id).status == "introduced"  # type: ignore[union-attr]
    mails = session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
    mine = [m for m in mails if m.template.startswith("introduction")]
    assert {m.template for m in mine} == {"introduction_person", "introduction_company"}
    assert all(m.status == "queued" and m.attempts == 1 and m.last_error for m in mine)
    # SQLite gives naive UTC back, PostgreSQL aware datetimes: compare as aware.
    assert all(aware(m.next_attempt_at) > utcnow() for m in mine)
    assert smtp.inbox.messages == []

    sessions = client.app.state.sessions  # type: ignore[attr-defined]
    settings = client.app.state.settings  # type: ignore[attr-defined]
    # Still down, and not due yet: nothing is tried before the backoff has passed.
    assert deliver(sessions, settings).sent == 0
    smtp.start()
    report = deliver(sessions, settings, now=utcnow() + timedelta(minutes=2))
    assert report.sent == len(mine)
    [to_person] = smtp.inbox.to(person.email)
    assert need.title in text_of(to_person)
    assert need.organisation.name in to_person["Subject"]
    session.expire_all()
    sent = [session.get(OutgoingMail, m.id) for m in mine]
    assert all(m is not None and m.status == "sent" and m.text_body == "" for m in sent)


def test_a_mail_that_keeps_failing_is_given_up_after_the_last_attempt(
    client: TestClient, session: Session
) -> None:
    mail = send(
        session,
        to="jamais@exemple.fr",
        template="password_reset",
        lang="fr",
        values={"link": "/x", "minutes": 60},
    )
    session.commit()
    settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"smtp_host": "127.0.0.1", "smtp_port": free_port(), "mail_max_attempts": 3}
    )
    sessions = client.app.state.sessions  # type: ignore[attr-defined]
    later = utcnow()
    outcomes = []
    for _ in range(3):
        later += timedelta(hours=7)
        report = deliver(sessions, settings, [mail.id], now=later)
        outcomes.append((report.sent, report.retried, report.failed))
    assert outcomes == [(0, 1, 0), (0, 1, 0), (0, 0, 1)]
    session.expire_all()
    assert session.get(OutgoingMail, mail.id).status == "failed"  # type: ignore[union-attr]


def test_an_action_rolled_back_sends_nothing(client: TestClient, session: Session) -> None:
    coordinator = account(session, "coord-refus@exemple.fr", "coordinator")
    suggestion, _person, _need = _introducible(session)
    suggestion.status = "rejected"
    session.commit()
    answer = client.post(
        f"/api/v1/suggestions/{suggestion.id}/decision",
        json={"action": "introduce"},
        headers=bearer(client, coordinator.email),
    )
    assert answer.status_code == 409
    assert session.scalars(select(OutgoingMail)).all() == []


# ----------------------------------------------------------------------------- no SMTP: folder


def test_without_smtp_mails_are_eml_files_the_admin_can_read(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    app = client.app
    app.state.settings = app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"smtp_host": "", "mail_outbox_dir": tmp_path / "outbox"}
    )
    account(session, "dossier@exemple.fr")
    assert (
        client.post(
            "/api/v1/auth/password/forgot", json={"email": "dossier@exemple.fr"}
        ).status_code
        == 202
    )
    [eml] = list((tmp_path / "outbox").glob("*.eml"))
    content = eml.read_text()
    assert "To: dossier@exemple.fr" in content and "multipart/alternative" in content

    admin = session.scalar(select(User).where(User.role == "admin"))
    assert admin is not None
    token = client.post(
        "/api/v1/auth/token", data={"username": admin.email, "password": DEMO_PASSWORD}
    )
    assert token.status_code == 200
    client.cookies.set("passerelle_token", token.json()["access_token"])
    listing = client.get("/admin/courriels")
    assert listing.status_code == 200
    assert "dossier@exemple.fr" in listing.text and "Envoyé" in listing.text
    mail_id = re.search(r'href="/admin/courriels/(\d+)"', listing.text)
    assert mail_id
    shown = client.get(f"/admin/courriels/{mail_id.group(1)}")
    assert "/mot-de-passe-oublie/nouveau?jeton=" in shown.text


# ----------------------------------------------------------------------------- language, agenda


def test_a_mail_is_written_in_the_language_the_account_chose(
    client: TestClient, session: Session, smtp: SmtpServer
) -> None:
    use_smtp(client, smtp)
    user = account(session, "english@example.org")
    client.cookies.set("passerelle_token", bearer(client, user.email)["Authorization"][7:])
    assert client.get("/langue/en", follow_redirects=False).status_code == 303
    client.cookies.clear()
    client.post("/api/v1/auth/password/forgot", json={"email": user.email})
    [mail] = smtp.inbox.to(user.email)
    assert mail["Subject"] == "Passerelle: choose a new password"
    assert "valid for 60 minutes" in text_of(mail)
    assert mail["Content-Language"] == "en"


def test_the_job_dating_agendas_are_mailed_to_attendees_and_tables(
    client: TestClient, session: Session, smtp: SmtpServer
) -> None:
    use_smtp(client, smtp)
    people = session.scalars(
        select(Person).where(Person.kind == "student").order_by(Person.id).limit(2)
    ).all()
    need = session.scalars(select(Need).order_by(Need.id)).first()
    assert need is not None
    account(session, "table@entreprise.fr", "company", organisation_id=need.organisation_id)
    event = JobDatingEvent(
        name="Job dating du port",
        day=utcnow().date() + timedelta(days=30),
        place="Calais, Citadelle",
        start_time="18:00",
        slot_minutes=15,
        slots=2,
        max_per_student=1,
        report={},
        created_by="coordinator:test",
    )
    table = JobDatingTable(organisation_id=need.organisation_id, parallel=1)
    attendees = [JobDatingAttendee(person=p) for p in people]
    event.tables, event.attendees = [table], attendees
    event.meetings = [
        JobDatingMeeting(attendee=a, table=table, slot=slot, score=0.5)
        for slot, a in enumerate(attendees)
    ]
    session.add(event)
    session.commit()
    coordinator = account(session, "coord-agenda@exemple.fr", "coordinator")
    answer = client.post(
        f"/api/v1/job-dating/{event.id}/agendas/send", headers=bearer(client, coordinator.email)
    )
    assert answer.status_code == 200, answer.text
    companies = session.scalars(
        select(User.email).where(
            User.organisation_id == need.organisation_id, User.role == "company"
        )
    ).all()
    assert answer.json()["mails"] == len(people) + len(companies)
    first = smtp.inbox.to(people[0].email)[0]
    assert "Job dating du port" in first["Subject"]
    assert "18:00–18:15" in text_of(first) and need.organisation.name in text_of(first)
    [table_mail] = smtp.inbox.to("table@entreprise.fr")
    assert "18:15–18:30" in text_of(table_mail)


def test_every_mail_has_its_words_in_both_catalogues() -> None:
    for lang in ("fr", "en"):
        texts = {m.id: m.string for m in catalogue(lang) if isinstance(m.id, str)}
        for key in COMMON_KEYS:
            assert texts.get(key), (lang, key)
        for name, message in MESSAGES.items():
            for key in message.keys(name):
                assert texts.get(key), (lang, key)
                assert set(placeholders(str(texts[key]))) <= set(message.fields), (lang, key)


def test_the_command_line_delivers_what_is_due(
    scratch_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from api.cli import main
    from api.core.db import make_engine, migrate, session_factory, session_scope

    engine = make_engine(scratch_url)
    migrate(engine)
    for s in session_scope(session_factory(engine)):
        send(
            s,
            to="cron@exemple.fr",
            template="password_reset",
            lang="fr",
            values={"link": "/x", "minutes": 60},
        )
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", scratch_url)
    monkeypatch.setenv("MAIL_OUTBOX_DIR", str(tmp_path / "sortie"))
    monkeypatch.setenv("SMTP_HOST", "")
    assert main(["deliver-mail"]) == 0
    assert "1 envoyés" in capsys.readouterr().out
    assert len(list((tmp_path / "sortie").glob("*.eml"))) == 1
