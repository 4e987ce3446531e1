"""A region import is validated whole: a bad row is named and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.imports.errors import ImportFailed
from api.imports.service import import_region
from api.models import Need, Organisation, Person

pytestmark = pytest.mark.db


def write(folder: Path, name: str, rows: list[dict[str, object]]) -> None:
    (folder / f"{name}.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )


def small_region(folder: Path) -> None:
    write(
        folder,
        "organisations",
        [
            {
                "id": "T-O1",
                "kind": "company",
                "name": "Armement Test",
                "sector": "pêche",
                "town": "Boulogne-sur-Mer",
                "territory": "Boulogne-sur-Mer",
            },
        ],
    )
    write(
        folder,
        "profiles",
        [
            {
                "id": "T-P1",
                "kind": "student",
                "first_name": "Léa",
                "last_name": "Test",
                "email": "lea.test@example.org",
                "skills": ["Python", "HACCP"],
                "level": "bac+3",
            },
        ],
    )
    write(
        folder,
        "needs",
        [
            {
                "id": "T-N1",
                "kind": "internship",
                "organisation_id": "T-O1",
                "title": "Stage qualité",
                "skills": ["HACCP"],
                "nice_to_have": ["anglais"],
            },
        ],
    )


def counts(session: Session) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(m)) for m in (Organisation, Person, Need)
    )


def test_valid_region_is_imported(session: Session, tmp_path: Path) -> None:
    small_region(tmp_path)
    before = counts(session)
    report = import_region(session, tmp_path)
    assert (report.organisations, report.people, report.needs) == (1, 1, 1)
    assert counts(session) == (before[0] + 1, before[1] + 1, before[2] + 1)
    need = session.scalars(select(Need).where(Need.ref == "T-N1")).one()
    assert need.organisation.name == "Armement Test"
    assert need.nice_to_have and need.skills


def test_bad_row_names_row_and_column_and_writes_nothing(session: Session, tmp_path: Path) -> None:
    small_region(tmp_path)
    write(
        tmp_path,
        "needs",
        [
            {"id": "T-N1", "kind": "internship", "organisation_id": "T-O1", "title": "Stage"},
            {"id": "T-N2", "kind": "croisière", "organisation_id": "T-O1", "title": "Mauvais type"},
            {"id": "T-N3", "kind": "job", "organisation_id": "INCONNUE", "title": "Orphelin"},
        ],
    )
    before = counts(session)
    with pytest.raises(ImportFailed) as failure:
        import_region(session, tmp_path)
    found = {(e.file, e.row, e.column) for e in failure.value.errors}
    assert ("needs.jsonl", 2, "kind") in found
    assert ("needs.jsonl", 3, "organisation_id") in found
    assert counts(session) == before


def test_broken_json_line_is_reported(session: Session, tmp_path: Path) -> None:
    small_region(tmp_path)
    (tmp_path / "profiles.jsonl").write_text('{"id": "X"\n', encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        import_region(session, tmp_path)
    assert failure.value.errors[0].row == 1
    assert "JSON" in str(failure.value)


def test_duplicate_of_existing_data_is_refused(session: Session, tmp_path: Path) -> None:
    small_region(tmp_path)
    import_region(session, tmp_path)
    session.flush()
    with pytest.raises(ImportFailed) as failure:
        import_region(session, tmp_path)
    assert {e.column for e in failure.value.errors} >= {"id", "email"}


def test_dry_run_writes_nothing(session: Session, tmp_path: Path) -> None:
    small_region(tmp_path)
    before = counts(session)
    report = import_region(session, tmp_path, dry_run=True)
    assert report.people == 1
    assert counts(session) == before
