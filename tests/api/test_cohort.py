"""`passerelle load-demo --students N`: a region of N students, the same rows on every run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from api.cli import main
from api.core.db import make_engine, migrate, session_factory, session_scope
from api.imports.demo import TooFewStudents, load_cohort, load_demo
from api.models import Person, PersonSkill
from tests.conftest import DEMO

pytestmark = pytest.mark.db
DEMO_STUDENTS = 520


def _region(url: str, *steps: int) -> list[tuple[Any, ...]]:
    """Migrate, load the demo, grow the region to each of `steps` students; its students' rows."""
    engine = make_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    for session in session_scope(sessions):
        load_demo(session, DEMO)
    for students in steps:
        for session in session_scope(sessions):
            load_cohort(session, students)
    with sessions() as session:
        people = session.scalars(
            select(Person).where(Person.kind == "student").order_by(Person.ref)
        ).all()
        rows = [
            (
                p.ref,
                p.email,
                p.first_name,
                p.last_name,
                p.headline,
                p.summary,
                tuple(p.skills),
                p.organisation.ref if p.organisation else None,
                p.programme,
                p.level,
                p.town,
                p.available_from,
                p.available_until,
                tuple(p.seeks),
                tuple(p.languages),
                p.consent.companies_may_view if p.consent else None,
            )
            for p in people
        ]
    engine.dispose()
    return rows


@pytest.fixture(autouse=True)
def _hashing_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI indexes what it loads: on a hashing encoder here (the rows are under test)."""
    monkeypatch.setenv("EMBEDDING_MODEL", "hashing")


def _url(tmp_path: Path, name: str) -> str:
    return f"sqlite:///{tmp_path / name}"


def test_same_seed_same_students_and_growing_keeps_the_first(tmp_path: Path) -> None:
    once = _region(_url(tmp_path, "a.db"), 1500)
    again = _region(_url(tmp_path, "b.db"), 1500)
    grown = _region(_url(tmp_path, "c.db"), 900, 1500)
    assert len(once) == 1500
    assert once == again
    assert once == grown  # grown in two steps: the same 1,500 students
    generated = [row for row in once if row[0].startswith("S")]
    assert len(generated) == 1500 - DEMO_STUDENTS
    # Varied like real students, composed from a bounded vocabulary (what keeps embedding cheap).
    assert len({row[5] for row in generated}) > 0.95 * len(generated)
    assert len({row[4] for row in generated}) < 0.6 * len(generated)
    assert len({row[7] for row in generated}) > 5  # schools
    assert len({row[10] for row in generated}) > 20  # towns


def test_a_region_smaller_than_its_students_is_refused_and_changes_nothing(
    tmp_path: Path,
) -> None:
    url = _url(tmp_path, "r.db")
    engine = make_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    for session in session_scope(sessions):
        load_demo(session, DEMO)
        load_cohort(session, 700)
    with pytest.raises(TooFewStudents) as refused:
        for session in session_scope(sessions):
            load_cohort(session, 600)
    assert refused.value.present == 700
    with sessions() as session:
        assert session.scalar(select(func.count()).where(Person.kind == "student")) == 700
        skills = session.scalar(select(func.count()).select_from(PersonSkill))
    for session in session_scope(sessions):
        assert load_cohort(session, 700).generated == 0  # already there: nothing to add
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(PersonSkill)) == skills
    engine.dispose()


@pytest.mark.parametrize("bad", ["0", "-5", "abc", "1.5", "99999999"])
def test_cli_refuses_a_bad_count_before_touching_the_database(
    bad: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", _url(tmp_path, "cli.db"))
    with pytest.raises(SystemExit) as exited:
        main(["load-demo", "--students", bad])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--students" in err and "nombre entier" in err and "whole number" in err
    assert not (tmp_path / "cli.db").exists()


def test_cli_refuses_fewer_students_than_the_demo_and_loads_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _url(tmp_path, "cli.db")
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["migrate"]) == 0
    assert main(["load-demo", "--students", "100"]) == 2
    err = capsys.readouterr().err
    assert f"déjà {DEMO_STUDENTS} étudiants" in err and "nothing is removed" in err
    assert "Traceback" not in err
    engine = make_engine(url)
    with session_factory(engine)() as session:  # the demo went with the refusal
        assert session.scalar(select(func.count()).select_from(Person)) == 0
    engine.dispose()
    assert main(["load-demo", "--students", "600"]) == 0
    assert "600 dans la région" in capsys.readouterr().out
