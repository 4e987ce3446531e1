"""Exported CSV and XLSX files hold text that no spreadsheet runs as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.allocations.service import export_run
from api.core.security import hash_password
from api.hackathons.service import teams_csv
from api.models import (
    AllocationPair,
    AllocationRun,
    HackathonEvent,
    HackathonMember,
    Need,
    Organisation,
    Person,
    Suggestion,
    SuggestionEvent,
    User,
)

pytestmark = pytest.mark.db

PASSWORD = "mot de passe de test"
HYPERLINK = '=HYPERLINK("http://x","y")'
BELL = "Alarme\x07 incendie"
REASON = "@SUM(1+1)*cmd|' /C calc'!A0"


def cells(content: bytes) -> Iterator[Cell]:
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row  # type: ignore[misc]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.fixture
def coordinator(client: TestClient, session: Session) -> dict[str, str]:
    email = "coordination.export@example.org"
    session.add(User(email=email, password_hash=hash_password(PASSWORD), role="coordinator"))
    session.commit()
    answer = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture
def hostile_needs(session: Session) -> list[Need]:
    """Two needs whose titles someone typed to attack a coordinator's spreadsheet."""
    organisation = session.scalars(select(Organisation).order_by(Organisation.id)).first()
    person = session.scalars(select(Person).order_by(Person.id)).first()
    assert organisation is not None and person is not None
    needs = []
    for number, title in enumerate((HYPERLINK, BELL), start=1):
        need = Need(
            ref=f"INJ-N{number}", organisation_id=organisation.id, kind="internship", title=title
        )
        session.add(need)
        session.flush()
        suggestion = Suggestion(person_id=person.id, need_id=need.id, score=0.5, status="approved")
        session.add(suggestion)
        session.flush()
        session.add(
            SuggestionEvent(
                suggestion_id=suggestion.id,
                actor="coordinator:coordination.export@example.org",
                from_status="proposed",
                to_status="approved",
                reason=REASON if number == 1 else "-2+3",
            )
        )
        needs.append(need)
    session.commit()
    return needs


def test_suggestions_xlsx_holds_no_formula_and_no_control_character(
    client: TestClient, coordinator: dict[str, str], hostile_needs: list[Need]
) -> None:
    for name in ("suggestions", "decisions"):
        answer = client.get(f"/api/v1/exports/{name}.xlsx", headers=coordinator)
        assert answer.status_code == 200
        written = list(cells(answer.content))
        assert written and all(c.data_type != "f" for c in written)
        values = {c.value: c for c in written}
        if name == "suggestions":
            assert values[HYPERLINK].data_type == "s"
            assert "Alarme incendie" in values  # the bell is gone, the words stay
        else:
            assert values[REASON].data_type == "s" and values["-2+3"].data_type == "s"


def test_csv_cells_that_would_start_a_formula_begin_with_a_quote(
    client: TestClient, coordinator: dict[str, str], hostile_needs: list[Need]
) -> None:
    answer = client.get("/api/v1/exports/suggestions.csv", headers=coordinator)
    header, *rows = csv_rows(answer.content)
    titles = {row[header.index("need_ref")]: row[header.index("need_title")] for row in rows}
    assert titles["INJ-N1"] == "'" + HYPERLINK
    assert titles["INJ-N2"] == BELL  # plain text stays as it was typed
    answer = client.get("/api/v1/exports/decisions.csv", headers=coordinator)
    header, *rows = csv_rows(answer.content)
    reasons = {row[header.index("need_ref")]: row[header.index("reason")] for row in rows}
    assert reasons["INJ-N1"] == "'" + REASON and reasons["INJ-N2"] == "'-2+3"


def test_allocation_and_team_exports_are_inert() -> None:
    run = AllocationRun(id=7, created_by="test")
    run.pairs = [
        AllocationPair(
            method="stable", person_ref="+33 6 12 34 56 78", need_ref="\tN1", score=-0.5
        ),
        AllocationPair(method="welfare", person_ref="P1", need_ref="\rN2", score=0.25),
    ]
    header, *rows = csv_rows(export_run(run, "csv").content)
    assert rows[0] == ["stable", "'+33 6 12 34 56 78", "'\tN1", "-0.5"]  # a number stays one
    assert rows[1][2] == "'\rN2"
    written = list(cells(export_run(run, "xlsx").content))
    assert all(c.data_type != "f" for c in written)
    assert {"+33 6 12 34 56 78", "\tN1"} <= {c.value for c in written}

    person = Person(ref="P9", first_name='=cmd|"/C calc"!A0', last_name="", level=None)
    event = HackathonEvent(report={}, members=[HackathonMember(team=1, person=person)])
    header, row = csv_rows(teams_csv(event).encode())
    assert row[2] == "'" + '=cmd|"/C calc"!A0'
