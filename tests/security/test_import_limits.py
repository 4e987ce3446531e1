"""Hostile spreadsheets are refused before they are read in full, naming the limit; nothing is
written."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.security import hash_password
from api.imports.readers import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from api.models import Organisation, User

pytestmark = pytest.mark.db

PASSWORD = "mot de passe de test"
MIB = 1024 * 1024
HEADER = ["id", "kind", "name"]
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def coordinator(client: TestClient, session: Session) -> dict[str, str]:
    email = "coordination.limites@example.org"
    session.add(User(email=email, password_hash=hash_password(PASSWORD), role="coordinator"))
    session.commit()
    answer = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def upload(
    client: TestClient, headers: dict[str, str], name: str, data: bytes, lang: str = "fr"
) -> dict[str, object]:
    answer = client.post(
        "/api/v1/imports/organisations",
        headers={**headers, "accept-language": lang},
        files={"file": (name, data, "application/octet-stream")},
    )
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = answer.json()
    body["status"] = answer.status_code
    return body


def nothing_written(session: Session) -> bool:
    return session.scalar(select(Organisation).where(Organisation.ref.like("LIM-%"))) is None


def workbook(*rows: list[object]) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(["LIM-O1", "company", "Conserverie"])
    for row in rows:
        sheet.append(row)
    return book


def saved(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezipped(data: bytes, sheet_xml: bytes | None = None, extra: int = 0) -> bytes:
    """The workbook with its first sheet's XML replaced, and `extra` zero bytes in a new part."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for part in source.infolist():
            content = source.read(part.filename)
            if part.filename == SHEET and sheet_xml is not None:
                content = sheet_xml
            target.writestr(part.filename, content)
        if extra:
            with target.open("xl/media/padding.bin", "w", force_zip64=True) as padding:
                for _ in range(extra // MIB):
                    padding.write(bytes(MIB))
    return out.getvalue()


def sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(SHEET)


def test_a_sheet_declaring_xfd1048576_is_refused_at_once(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    book = workbook()
    sheet = book.active
    assert sheet is not None
    sheet["XFD1048576"] = "x"
    data = saved(book)
    assert b'<dimension ref="A1:XFD1048576"' in sheet_xml(data)
    refused = upload(client, coordinator, "immense.xlsx", data)
    assert refused["status"] == 422 and refused["code"] == "sheet_too_large"
    assert "A1:XFD1048576" in str(refused["detail"])
    assert str(refused["detail"]).startswith("feuille trop grande")
    english = upload(client, coordinator, "immense.xlsx", data, lang="en")
    assert str(english["detail"]).startswith("sheet too large (A1:XFD1048576)")
    # Without the dimension it declares, the far cell is met while reading, and refused there.
    undeclared = re.sub(rb"<dimension [^>]*/>", b"", sheet_xml(data))
    refused = upload(client, coordinator, "immense.xlsx", rezipped(data, undeclared))
    assert refused["code"] == "too_many_rows" and "1048576" in str(refused["detail"])
    assert nothing_written(session)


def test_a_workbook_that_inflates_is_refused_before_it_is_read(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    data = saved(workbook())
    xml = sheet_xml(data)
    # 20 MiB of blanks between two elements: valid XML, a few KiB once compressed.
    padded = xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (20 * MIB), 1)
    bomb = rezipped(data, padded)
    assert len(bomb) < 1 * MIB
    refused = upload(client, coordinator, "bombe.xlsx", bomb)
    assert refused["status"] == 413 and refused["code"] == "xlsx_compression"
    assert SHEET in str(refused["detail"])
    huge = rezipped(data, extra=201 * MIB)
    refused = upload(client, coordinator, "enorme.xlsx", huge)
    assert refused["status"] == 413 and refused["code"] == "xlsx_too_large"
    assert "200 Mio" in str(refused["detail"])
    assert nothing_written(session)


def test_rows_columns_and_cells_past_the_limits_are_named(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    wide = workbook(["LIM-O2", "company", "Large", *(["x"] * MAX_COLUMNS)])
    data = saved(wide)
    assert upload(client, coordinator, "large.xlsx", data)["code"] == "sheet_too_large"
    undeclared = re.sub(rb"<dimension [^>]*/>", b"", sheet_xml(data))
    refused = upload(client, coordinator, "large.xlsx", rezipped(data, undeclared))
    assert refused["code"] == "too_many_columns"
    assert "ligne 3" in str(refused["detail"]) and str(MAX_COLUMNS) in str(refused["detail"])
    # A row of more cells than XLSX has columns is refused before openpyxl holds it.
    row = b"".join(b'<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(20_000))
    crowded = undeclared.replace(b"</sheetData>", b'<row r="4">' + row + b"</row></sheetData>")
    refused = upload(client, coordinator, "large.xlsx", rezipped(data, crowded))
    assert refused["code"] == "too_many_columns" and "ligne 4" in str(refused["detail"])

    # openpyxl cuts a cell to Excel's 32,767 characters when it writes; the file is crafted.
    data = saved(workbook(["LIM-O2", "company", "y" * 100]))
    longer = sheet_xml(data).replace(b"y" * 100, b"y" * (MAX_CELL_CHARS + 1))
    refused = upload(client, coordinator, "long.xlsx", rezipped(data, longer))
    assert refused["code"] == "cell_too_large"
    assert "ligne 3, colonne name" in str(refused["detail"])

    text = "id,kind,name\nLIM-O1,company,Conserverie\nLIM-O2,company," + "z" * (MAX_CELL_CHARS + 1)
    refused = upload(client, coordinator, "long.csv", text.encode())
    assert refused["code"] == "cell_too_large"
    assert "ligne 3, colonne name" in str(refused["detail"])

    def many() -> Iterator[str]:
        yield "id,kind,name\n"
        for number in range(MAX_ROWS + 1):
            yield f"LIM-{number},company,N\n"

    refused = upload(client, coordinator, "longue.csv", "".join(many()).encode())
    assert refused["status"] == 422 and refused["code"] == "too_many_rows"
    assert f"ligne {MAX_ROWS + 2}" in str(refused["detail"])
    assert nothing_written(session)


def test_a_csv_field_of_ten_megabytes_is_refused(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    bigger = settings.model_copy(update={"max_request_bytes": 16 * MIB})
    client.app.state.settings = bigger  # type: ignore[attr-defined]
    try:
        data = b"id,kind,name\nLIM-O1,company," + b"w" * (10 * 1000 * 1000) + b"\n"
        refused = upload(client, coordinator, "champ.csv", data, lang="en")
    finally:
        client.app.state.settings = settings  # type: ignore[attr-defined]
    assert refused["status"] == 422 and refused["code"] == "field_too_large"
    assert str(refused["detail"]).startswith("row 2: a field is longer than")
    assert nothing_written(session)


def test_a_sheet_within_the_limits_still_imports(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    answer = client.post(
        "/api/v1/imports/organisations",
        headers=coordinator,
        files={"file": ("bonne.xlsx", saved(workbook()), "application/octet-stream")},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["rows_written"] == 1
