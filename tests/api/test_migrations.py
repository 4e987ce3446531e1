"""Migrations build the schema from nothing, are idempotent, can be taken back down, and
match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from api.core.db import downgrade, make_engine, migrate
from api.models import Base

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


def test_models_match_the_migrations(scratch_url: str) -> None:
    """A table or column added to api/models.py without its migration shows up here."""
    engine = make_engine(scratch_url)
    migrate(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()
