"""The service's embedding cache speeds rankings up; failing to write it never fails a request."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from sqlalchemy import func, select

from api.db import make_engine, migrate, session_factory
from api.engine import DatabaseStore
from api.models import Embedding, Organisation

pytestmark = pytest.mark.db


def _count(sessions: object) -> int:
    with sessions() as session:  # type: ignore[operator]
        return int(session.scalar(select(func.count()).select_from(Embedding)))


def test_vectors_wait_for_flush_then_are_stored_once(scratch_url: str) -> None:
    engine = make_engine(scratch_url)
    migrate(engine)
    sessions = session_factory(engine)
    store = DatabaseStore(sessions)
    vector = np.arange(4, dtype=np.float32)
    store.put_many("m", {"k1": vector})
    assert store.get_many("m", ["k1"])["k1"].tolist() == vector.tolist()  # served before flush
    assert _count(sessions) == 0  # nothing written in the middle of a request
    assert store.flush() == 1
    store.put_many("m", {"k1": vector + 1, "k2": vector})
    assert store.flush() == 1  # k1 is already there and kept as first written
    found = DatabaseStore(sessions).get_many("m", ["k1", "k2", "absent"])
    assert set(found) == {"k1", "k2"} and found["k1"].tolist() == vector.tolist()
    store.put_many("m", {"k3": vector})
    store.forget(["k3"])  # an erased person's vectors are never written
    assert store.flush() == 0 and _count(sessions) == 2
    engine.dispose()


def test_a_locked_database_skips_the_cache_instead_of_failing(
    scratch_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    if not scratch_url.startswith("sqlite"):
        pytest.skip("the single-writer lock is SQLite's")
    engine = make_engine(scratch_url)
    migrate(engine)
    sessions = session_factory(engine)
    store = DatabaseStore(sessions)
    store.put_many("m", {"k": np.ones(3, dtype=np.float32)})
    # Another transaction that has already written holds SQLite's only write lock...
    with sessions() as other, other.begin():
        other.add(Organisation(ref="O-LOCK", kind="company", name="Verrou SA"))
        other.flush()
        with caplog.at_level(logging.WARNING, logger="api.engine"):
            assert store.flush() == 0  # ...and the cache gives up instead of raising
        assert "embedding cache not written" in caplog.text
    assert _count(sessions) == 0
    engine.dispose()
