"""The service's embedding cache speeds rankings up; failing to write it never fails a request."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.core.db import make_engine, migrate, session_factory
from api.core.security import hash_password
from api.core.settings import Settings
from api.engine.service import DatabaseStore, MatchingService
from api.imports.demo import load_demo
from api.main import create_app
from api.models import Embedding, Need, Organisation, Person, User
from matching.encoders import CachedEncoder, HashingEncoder
from tests.conftest import DEMO, TEST_SECRET
from tests.test_taxonomy import write_folder
from tests.web.test_editing_pages import a_need, company_of
from tests.web.test_pages import PASSWORD, sign_in

pytestmark = [pytest.mark.db, pytest.mark.slow]


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
        with caplog.at_level(logging.WARNING, logger="api.engine.service"):
            assert store.flush() == 0  # ...and the cache gives up instead of raising
        assert "embedding cache not written" in caplog.text
    assert _count(sessions) == 0
    engine.dispose()


def test_coordinator_writes_succeed_on_a_cold_cache(scratch_url: str) -> None:
    """The first batch, allocation and job-dating schedule embed new texts mid-request."""
    engine = make_engine(scratch_url)
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session, session.begin():
        load_demo(session, DEMO)
        session.add(User(email="c@t.fr", password_hash=hash_password("x" * 12), role="coordinator"))
    with sessions() as session:
        companies = session.scalars(
            select(Organisation.ref)
            .where(Organisation.id.in_(select(Need.organisation_id).where(Need.is_open)))
            .order_by(Organisation.ref)
            .limit(3)
        ).all()
        students = session.scalars(
            select(Person.ref).where(Person.kind == "student").order_by(Person.ref).limit(12)
        ).all()
    settings = Settings(database_url=scratch_url, environment="test", secret_key=TEST_SECRET)
    app = create_app(settings)
    app.state.matching = MatchingService(
        app.state.sessions,
        "hashing",
        encoder=CachedEncoder(HashingEncoder(), DatabaseStore(app.state.sessions)),
    )
    with TestClient(app) as client:
        token = client.post("/api/v1/auth/token", data={"username": "c@t.fr", "password": "x" * 12})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        batch = client.post("/api/v1/review/run", headers=headers)
        assert batch.status_code == 200, batch.text
        assert batch.json()["created"] > 0
        assert _count(sessions) > 0  # the vectors were written once the request was over
        allocation = client.post("/api/v1/allocations", json={}, headers=headers)
        assert allocation.status_code == 201, allocation.text
        body = {
            "name": "Soirée à froid",
            "date": "2027-03-18",
            "start_time": "18:00",
            "slot_minutes": 15,
            "slots": 3,
            "max_per_student": 2,
            "companies": [{"organisation": ref} for ref in companies],
            "attendees": list(students),
        }
        event = client.post("/api/v1/job-dating", json=body, headers=headers)
        assert event.status_code == 201, event.text
        planned = client.post(f"/api/v1/job-dating/{event.json()['id']}/schedule", headers=headers)
        assert planned.status_code == 200, planned.text
        assert planned.json()["meetings"]
    engine.dispose()


def test_searches_and_forms_being_typed_leave_no_vectors_behind(
    scratch_url: str, tmp_path: Path
) -> None:
    """Anyone may search the open needs with free text, and the need form is read as it is
    typed: texts nobody saves. Their vectors are not written to the database (before, each new
    query or keystroke pause added a row for good); a saved change still is."""
    engine = make_engine(scratch_url)
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session, session.begin():
        load_demo(session, DEMO)
    with sessions() as session:
        need = a_need(session)
        company_of(session, need, "saisie@t.fr")
        ref = need.ref
    esco = write_folder(tmp_path / "esco")

    def service(store_sessions: object) -> MatchingService:
        return MatchingService(
            store_sessions,  # type: ignore[arg-type]
            "hashing",
            encoder=CachedEncoder(HashingEncoder(), DatabaseStore(store_sessions)),  # type: ignore[arg-type]
            esco_dir=esco,
        )

    indexer = service(sessions)  # the region indexed beforehand, as `passerelle load-demo` does
    indexer.load()
    indexer.close()
    settings = Settings(database_url=scratch_url, environment="test", secret_key=TEST_SECRET)
    app = create_app(settings)
    app.state.matching = matching = service(app.state.sessions)
    encoder = matching.encoder
    assert isinstance(encoder, CachedEncoder)
    with TestClient(app) as client:
        query = {"q": "boulangerie artisanale, pain au levain"}
        assert client.get("/api/v1/search/needs", params=query).status_code == 200
        stored, encoded = _count(sessions), encoder.encoded
        assert stored > 0  # the region's own texts are cached
        next_page = client.get("/api/v1/search/needs", params={**query, "offset": 20})
        assert next_page.status_code == 200
        assert encoder.encoded == encoded  # the next page does not encode the query again
        for n in range(4):
            found = client.get("/api/v1/search/needs", params={"q": f"soudure, chantier naval {n}"})
            assert found.status_code == 200, found.text
        sign_in(client, "saisie@t.fr")
        for typed in ("Boulanger", "Boulanger de nuit", "Boulanger de nuit, pain au levain"):
            block = client.get(
                "/web/besoins/lecture",
                params={"titre": typed, "description": "Pétrir et cuire le pain chaque nuit."},
            )
            assert block.status_code == 200, block.text
            assert 'id="lecture-metier"' in block.text
        token = client.post(
            "/api/v1/auth/token", data={"username": "saisie@t.fr", "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        people = client.get("/api/v1/search/people", params={"q": "soudeur naval"}, headers=headers)
        assert people.status_code == 200, people.text
        assert encoder.encoded > encoded and _count(sessions) == stored
        saved = client.patch(
            f"/api/v1/needs/{ref}",
            json={"description": "Pétrir, façonner et cuire le pain au levain chaque nuit."},
            headers=headers,
        )
        assert saved.status_code == 200, saved.text
        assert _count(sessions) > stored  # what is saved is cached as before
    engine.dispose()
