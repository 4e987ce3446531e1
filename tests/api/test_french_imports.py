"""Imports as a French coordinator makes them: French columns, `;`, Latin-1, the template,
territory from the town, and messages in the page's language."""

from __future__ import annotations

import io

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.i18n import catalogue
from api.imports.validation import KNOWN_TYPES
from api.models import Organisation, Person
from matching.geo import territory_of
from tests.api.test_bulk import add_user, counts, token, upload
from tests.web.test_pages import account, csrf, sign_in

pytestmark = pytest.mark.db


@pytest.fixture
def coordinator(client: TestClient, session: Session) -> dict[str, str]:
    add_user(session, "coordination-fr@example.org", "coordinator")
    return token(client, "coordination-fr@example.org")


LATIN1_LABS = (
    "Identifiant;Type;Nom;Commune;Secteur\r\n"
    "T-FR-LAB1;Laboratoire;Laboratoire d'Océanologie et de Géosciences;Wimereux;océanographie\r\n"
    "T-FR-ENT1;Entreprise;Conserverie Côtière;Étaples;agroalimentaire\r\n"
).encode("latin-1")


def test_a_latin1_file_with_french_columns_and_semicolons_is_read(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    answer = upload(client, coordinator, "organisations", "labos.csv", LATIN1_LABS)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["rows_written"] == 2 and report["errors"] == []
    assert any("Windows-1252" in w["message"] for w in report["warnings"])
    lab = session.scalars(select(Organisation).where(Organisation.ref == "T-FR-LAB1")).one()
    assert lab.kind == "lab" and lab.name == "Laboratoire d'Océanologie et de Géosciences"
    # No territory column: it comes from the town, and so do the coordinates.
    assert lab.territory == "Boulogne-sur-Mer" and lab.lat is not None
    company = session.scalars(select(Organisation).where(Organisation.ref == "T-FR-ENT1")).one()
    assert company.kind == "company" and company.territory == territory_of("Étaples")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_downloads_and_imports_as_it_is(
    client: TestClient, session: Session, coordinator: dict[str, str], fmt: str
) -> None:
    account(session, "coordinator", f"modele-{fmt}@t.fr")
    sign_in(client, f"modele-{fmt}@t.fr")
    blank = client.get(f"/imports/modele/people.{fmt}")
    assert blank.status_code == 200
    assert f'filename="passerelle-modele-people.{fmt}"' in blank.headers["content-disposition"]
    if fmt == "csv":
        text = blank.content.decode("utf-8-sig")
        header = text.splitlines()[0].split(";")
        assert header[:4] == ["identifiant", "type", "prénom", "nom"]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(blank.content)).active
        assert sheet is not None and sheet["C1"].value == "prénom"
    answer = upload(client, coordinator, "people", f"modele.{fmt}", blank.content)
    assert answer.status_code == 200, answer.text
    assert answer.json()["rows_written"] == 1 and answer.json()["warnings"] == []
    person = session.scalars(select(Person).where(Person.ref == "P-EX-1")).one()
    assert person.kind == "student" and person.level == "bac+2"
    assert person.seeks == ["internship", "apprenticeship"] and person.languages == ["fr", "en"]
    assert person.territory == "Calais" and person.consent is not None
    assert person.consent.companies_may_view is True


def test_a_failed_import_says_why_in_the_readers_language_and_changes_nothing(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    bad = "identifiant;type;nom;commune\nT-FR-BAD1;laboratoire;Labo;Calais\nT-FR-BAD2;vaisseau;;Calais\n"
    before = counts(session)
    french = upload(client, coordinator, "organisations", "bad.csv", bad.encode())
    assert french.status_code == 422
    messages = {(e["row"], e["column"]): e["message"] for e in french.json()["errors"]}
    assert messages[(3, "nom")] == "valeur obligatoire manquante"  # the file's column name
    assert "valeur non reconnue" in messages[(3, "type")]
    english = client.post(
        "/api/v1/imports/organisations",
        headers={**coordinator, "Accept-Language": "en"},
        files={"file": ("bad.csv", bad.encode(), "text/csv")},
    )
    in_english = {(e["row"], e["column"]): e["message"] for e in english.json()["errors"]}
    assert in_english[(3, "nom")] == "required value missing"
    assert "value not recognised" in in_english[(3, "type")]
    assert counts(session) == before

    account(session, "coordinator", "import-en@t.fr")
    sign_in(client, "import-en@t.fr")
    client.get("/langue/en")
    page = client.get("/imports")
    checked = client.post(
        "/imports",
        data={"csrf_token": csrf(page.text), "kind": "organisations"},
        files={"file": ("bad.csv", bad.encode(), "text/csv")},
    )
    assert checked.status_code == 422
    assert "value not recognised" in checked.text and "valeur non reconnue" not in checked.text
    assert counts(session) == before


ISSUES = (
    "json_invalid", "json_object", "not_utf8", "unnamed_column", "duplicate_column",
    "unknown_column", "missing_column", "unknown_field", "unknown_organisation", "exists",
    "email_taken", "file_missing", "duplicate_id", "pydantic", "received",
)  # fmt: skip


def test_every_import_message_is_in_both_catalogues() -> None:
    codes = {*ISSUES, *(f"pydantic.{t}" for t in KNOWN_TYPES)}
    for lang in ("fr", "en"):
        known = {m.id for m in catalogue(lang) if isinstance(m.id, str)}
        assert not {c for c in codes if f"import.issue.{c}" not in known}, lang
