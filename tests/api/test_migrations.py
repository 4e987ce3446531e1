"""Migrations build the schema from nothing, are idempotent, and can be taken back down."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from api.db import downgrade, make_engine, migrate

pytestmark = pytest.mark.db


def test_upgrade_is_idempotent_and_reversible(scratch_url: str) -> None:
    engine = make_engine(scratch_url)
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"organisations", "people", "needs", "skills", "suggestions", "consents"} <= tables
    migrate(engine)
    assert set(inspect(engine).get_table_names()) == tables
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    assert set(inspect(engine).get_table_names()) == tables
    engine.dispose()
