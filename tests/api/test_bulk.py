"""Bulk import (CSV, XLSX, JSON Lines) is checked row by row and all or nothing; exports open."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.core.security import hash_password
from api.models import Need, Organisation, Person, Suggestion, SuggestionEvent, User

pytestmark = pytest.mark.db

PASSWORD = "mot-de-passe-de-test"
FORMATS = ("csv", "xlsx", "jsonl")


def organisations(prefix: str) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{prefix}O1",
            "kind": "company",
            "name": "Conserverie du Portel",
            "sector": "agroalimentaire",
            "town": "Le Portel",
            "territory": "Boulogne-sur-Mer",
            "lat": 50.7,
            "lon": 1.57,
        },
        {"id": f"{prefix}O2", "kind": "school", "name": "IUT du Littoral"},
    ]


def people(prefix: str) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{prefix}P1",
            "kind": "student",
            "first_name": "Inès",
            "last_name": "Lefebvre",
            "email": f"{prefix.lower()}ines@example.org",
            "skills": ["Python", "HACCP", "anglais"],
            "organisation_id": f"{prefix}O2",
            "level": "bac+3",
            "available_from": date(2025, 9, 1),
            "mobility_km": 40.5,
            "seeks": ["internship", "apprenticeship"],
            "consent_visible": True,
        },
        {
            "id": f"{prefix}P2",
            "kind": "researcher",
            "first_name": "Marc",
            "last_name": "Dewaele",
            "research_topics": ["halieutique"],
            "consent_visible": False,
        },
    ]


def needs(prefix: str) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{prefix}N1",
            "kind": "internship",
            "organisation_id": f"{prefix}O1",
            "title": "Stage qualité",
            "skills": ["HACCP"],
            "nice_to_have": ["anglais"],
            "start_date": date(2026, 4, 1),
            "duration_months": 6,
            "places": 2,
        }
    ]


def columns_of(rows: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(k for r in rows for k in r))


def as_csv(rows: list[dict[str, Any]], extra: dict[str, str] | None = None) -> bytes:
    """As a French spreadsheet saves it: lists joined by ';', oui/non, dates as JJ/MM/AAAA."""

    def cell(value: Any) -> str:
        if isinstance(value, list):
            return ";".join(value)
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, date):
            return value.strftime("%d/%m/%Y")
        return str(value)

    frame = pd.DataFrame(
        [{k: cell(r[k]) if k in r else "" for k in columns_of(rows)} for r in rows]
    )
    for name, value in (extra or {}).items():
        frame[name] = value
    return frame.to_csv(index=False).encode("utf-8")


def as_xlsx(rows: list[dict[str, Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    columns = columns_of(rows)
    sheet.append(columns)
    for r in rows:
        sheet.append([";".join(r[k]) if isinstance(r.get(k), list) else r.get(k) for k in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, default=str, ensure_ascii=False) + "\n" for r in rows).encode()


ENCODERS = {"csv": as_csv, "xlsx": as_xlsx, "jsonl": as_jsonl}


def add_user(session: Session, email: str, role: str) -> None:
    session.add(User(email=email, password_hash=hash_password(PASSWORD), role=role))
    session.commit()


def token(client: TestClient, email: str) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture
def coordinator(client: TestClient, session: Session) -> dict[str, str]:
    add_user(session, "coordination@example.org", "coordinator")
    return token(client, "coordination@example.org")


def upload(
    client: TestClient,
    headers: dict[str, str],
    kind: str,
    name: str,
    data: bytes,
    **params: Any,
) -> Any:
    return client.post(
        f"/api/v1/imports/{kind}",
        headers=headers,
        params=params,
        files={"file": (name, data, "application/octet-stream")},
    )


def counts(session: Session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(
        session.scalar(select(func.count()).select_from(m)) or 0
        for m in (Organisation, Person, Need)
    )


def snapshot(session: Session, prefix: str) -> dict[str, Any]:
    """What was written for one prefix, with the prefix taken out so formats compare."""
    session.expire_all()

    def strip(value: Any) -> Any:
        return value.replace(prefix, "").replace(prefix.lower(), "") if value else value

    orgs = session.scalars(
        select(Organisation).where(Organisation.ref.startswith(prefix)).order_by(Organisation.ref)
    )
    persons = session.scalars(
        select(Person).where(Person.ref.startswith(prefix)).order_by(Person.ref)
    )
    wanted = session.scalars(select(Need).where(Need.ref.startswith(prefix)).order_by(Need.ref))
    return {
        "organisations": [
            (strip(o.ref), o.kind, o.name, o.sector, o.town, o.territory, o.lat, o.lon)
            for o in orgs
        ],
        "people": [
            (
                strip(p.ref),
                p.kind,
                p.first_name,
                p.last_name,
                strip(p.email) if not p.email.endswith(".invalid") else "(none)",
                p.organisation.ref.replace(prefix, "") if p.organisation else None,
                p.level,
                p.available_from,
                p.mobility_km,
                p.seeks,
                p.research_topics,
                p.skills,
                p.consent.companies_may_view if p.consent else None,
            )
            for p in persons
        ],
        "needs": [
            (
                strip(n.ref),
                n.organisation.ref.replace(prefix, ""),
                n.kind,
                n.title,
                n.skills,
                n.nice_to_have,
                n.start_date,
                n.duration_months,
                n.places,
            )
            for n in wanted
        ],
    }


def test_csv_xlsx_and_jsonl_give_the_same_rows(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    snapshots = []
    for fmt in FORMATS:
        prefix = f"B{fmt.upper()}-"
        encode = ENCODERS[fmt]
        for kind, rows in (
            ("organisations", organisations(prefix)),
            ("people", people(prefix)),
            ("needs", needs(prefix)),
        ):
            answer = upload(client, coordinator, kind, f"{kind}.{fmt}", encode(rows))
            assert answer.status_code == 200, answer.text
            report = answer.json()
            assert report["errors"] == [] and report["warnings"] == []
            assert report["rows_read"] == report["rows_valid"] == report["rows_written"]
            assert report["rows_written"] == len(rows)
        snapshots.append(snapshot(session, prefix))
    assert snapshots[0] == snapshots[1] == snapshots[2]
    first = snapshots[0]["people"][0]
    assert first[7] == date(2025, 9, 1) and first[8] == 40.5 and first[12] is True
    assert first[9] == ["internship", "apprenticeship"]
    assert snapshots[0]["needs"][0][6:] == (date(2026, 4, 1), 6, 2)


def test_bad_row_names_row_and_column_and_writes_nothing(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    rows = people("BAD-")
    del rows[0]["organisation_id"]
    rows.append({**rows[0], "id": "BAD-P3", "email": "x@example.org", "level": "bac+12"})
    rows.append({"id": "BAD-P4", "consent_visible": "peut-être"})
    rows.append({"id": "BAD-P5", "organisation_id": "NOWHERE"})
    before = counts(session)
    answer = upload(client, coordinator, "people", "people.csv", as_csv(rows))
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    found = {(e["row"], e["column"]) for e in body["errors"]}
    # The header is row 1: the third person is on row 4, the fourth on row 5.
    assert found == {(4, "level"), (5, "consent_visible"), (6, "organisation_id")}
    assert all(e["message"] for e in body["errors"])
    assert body["rows_read"] == 5 and body["rows_valid"] == 2 and body["rows_written"] == 0
    assert counts(session) == before


def test_dry_run_writes_nothing(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    before = counts(session)
    answer = upload(
        client, coordinator, "organisations", "o.xlsx", as_xlsx(organisations("DRY-")), dry_run=True
    )
    assert answer.status_code == 200
    assert answer.json()["rows_valid"] == 2 and answer.json()["rows_written"] == 0
    bad = upload(
        client,
        coordinator,
        "needs",
        "n.jsonl",
        as_jsonl([{"id": "DRY-N1", "organisation_id": "DRY-O1", "title": "x"}]),
        dry_run=True,
    )
    assert bad.status_code == 200  # a dry run reports errors, it does not fail
    assert bad.json()["errors"][0] == {
        "row": 1,
        "column": "organisation_id",
        "message": "organisation inconnue : DRY-O1",
    }
    assert counts(session) == before


def test_unknown_column_is_a_warning(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    data = as_csv(organisations("UNK-"), extra={"couleur": "bleu"})
    answer = upload(client, coordinator, "organisations", "orgs.csv", data)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["errors"] == []
    assert body["warnings"] == [
        {"row": 1, "column": "couleur", "message": body["warnings"][0]["message"]}
    ]
    assert body["rows_written"] == 2


def test_unreadable_uploads_are_clear_problems(
    client: TestClient, coordinator: dict[str, str]
) -> None:
    wrong = upload(client, coordinator, "people", "people.pdf", b"%PDF-1.4")
    assert wrong.status_code == 415 and ".pdf" in wrong.json()["detail"]
    empty = upload(client, coordinator, "people", "people.csv", b"")
    assert empty.status_code == 400
    broken = upload(client, coordinator, "people", "people.xlsx", b"not a workbook at all")
    assert broken.status_code == 400 and "XLSX" in broken.json()["detail"]
    forced = upload(
        client,
        coordinator,
        "organisations",
        "export-du-crm",
        as_jsonl(organisations("FRC-")),
        format="jsonl",
        dry_run=True,
    )
    assert forced.status_code == 200 and forced.json()["format"] == "jsonl"
    settings = client.app.state.settings  # type: ignore[attr-defined]
    client.app.state.settings = settings.model_copy(update={"max_request_bytes": 100})  # type: ignore[attr-defined]
    try:
        big = upload(client, coordinator, "people", "people.csv", b"id\n" + b"x\n" * 100)
    finally:
        client.app.state.settings = settings  # type: ignore[attr-defined]
    assert big.status_code == 413
    assert big.headers["content-type"].startswith("application/problem+json")


def test_exports_open_with_pandas(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    person = session.scalars(select(Person).order_by(Person.id)).first()
    need = session.scalars(select(Need).order_by(Need.id.desc())).first()
    assert person is not None and need is not None
    existing = session.scalar(
        select(Suggestion).where(Suggestion.person_id == person.id, Suggestion.need_id == need.id)
    )
    if existing is not None:
        session.delete(existing)
        session.flush()
    suggestion = Suggestion(person_id=person.id, need_id=need.id, score=0.87, status="approved")
    session.add(suggestion)
    session.flush()
    session.add(
        SuggestionEvent(
            suggestion_id=suggestion.id,
            actor="coordinator:coordination@example.org",
            from_status="proposed",
            to_status="approved",
            reason="profil solide, mobilité compatible",
        )
    )
    session.commit()

    for fmt, reader in (("csv", pd.read_csv), ("xlsx", pd.read_excel)):
        answer = client.get(f"/api/v1/exports/suggestions.{fmt}", headers=coordinator)
        assert answer.status_code == 200
        disposition = answer.headers["content-disposition"]
        assert disposition.startswith("attachment;") and f'.{fmt}"' in disposition
        expected = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats"
        assert answer.headers["content-type"].startswith(expected)
        frame = reader(io.BytesIO(answer.content))
        row = frame[frame["suggestion_id"] == suggestion.id].iloc[0]
        assert (row["person_ref"], row["need_ref"]) == (person.ref, need.ref)
        assert row["organisation_name"] == need.organisation.name
        assert row["score"] == pytest.approx(0.87) and row["status"] == "approved"

        answer = client.get(f"/api/v1/exports/decisions.{fmt}", headers=coordinator)
        assert answer.status_code == 200
        assert "decisions" in answer.headers["content-disposition"]
        frame = reader(io.BytesIO(answer.content))
        decision = frame[frame["suggestion_id"] == suggestion.id].iloc[0]
        assert decision["actor"] == "coordinator:coordination@example.org"
        assert (decision["from_status"], decision["to_status"]) == ("proposed", "approved")
        assert decision["reason"] == "profil solide, mobilité compatible"
        assert decision["person_ref"] == person.ref and not pd.isna(decision["decided_at"])


def test_only_coordinators_import_and_export(client: TestClient, session: Session) -> None:
    add_user(session, "etudiant.bulk@example.org", "student")
    student = token(client, "etudiant.bulk@example.org")
    data = as_csv(organisations("SEC-"))
    for headers, status in (({}, 401), (student, 403)):
        assert upload(client, headers, "organisations", "o.csv", data).status_code == status
        for path in ("suggestions.csv", "decisions.xlsx"):
            assert client.get(f"/api/v1/exports/{path}", headers=headers).status_code == status
    assert session.scalar(select(Organisation).where(Organisation.ref == "SEC-O1")) is None


def test_cli_import_reports_rows_and_exits_2_on_errors(
    scratch_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from api.cli import main

    monkeypatch.setenv("DATABASE_URL", scratch_url)
    assert main(["migrate"]) == 0
    orgs = tmp_path / "organisations.xlsx"
    orgs.write_bytes(as_xlsx(organisations("CLI-")))
    assert main(["import", "organisations", str(orgs), "--dry-run"]) == 0
    assert "rien n'a été écrit" in capsys.readouterr().out
    assert main(["import", "organisations", str(orgs)]) == 0
    assert "2 écrite(s)" in capsys.readouterr().out

    rows = people("CLI-")
    rows[1]["mobility_km"] = -3
    bad = tmp_path / "people.csv"
    bad.write_bytes(as_csv(rows))
    assert main(["import", "people", str(bad)]) == 2
    out = capsys.readouterr().out
    assert "ligne 3, colonne « mobility_km »" in out and "rien n'a été importé" in out

    good = tmp_path / "people.jsonl"
    good.write_bytes(as_jsonl(people("CLI-")))
    assert main(["import", "people", str(good)]) == 0
    assert "2 écrite(s)" in capsys.readouterr().out
    assert main(["import", "people", str(tmp_path / "absent.csv")]) == 2


def test_imported_needs_are_ranked_at_once(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    """An import changes the corpus: the engine must see the new rows on its next ranking."""
    title = "Stage saurisserie traditionnelle de harengs fumés"
    query = {"q": "saurisserie harengs fumés", "limit": 5}
    before = client.get("/api/v1/search/needs", params=query).json()["items"]
    assert title not in [item["title"] for item in before]  # the engine is fitted now
    for kind, rows in (
        ("organisations", organisations("FRESH-")),
        ("needs", [{**needs("FRESH-")[0], "title": title, "skills": ["fumage"]}]),
    ):
        answer = upload(client, coordinator, kind, f"{kind}.jsonl", as_jsonl(rows))
        assert answer.status_code == 200, answer.text
    after = client.get("/api/v1/search/needs", params=query).json()["items"]
    assert title in [item["title"] for item in after]
