"""The service's live index, as users meet it: a write is ranked by the next read, in this
worker and in another one on the same database; a restart loads stored features instead of
computing them; a corrupt entry is rebuilt with a warning, never a 500."""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

import matching.index as index
from api.core.db import make_engine, session_factory
from api.core.settings import Settings
from api.core.unit_of_work import cores_per_process
from api.engine.service import (
    KEEP_PATIENCE_S,
    RANKING_SLOTS,
    DatabaseStore,
    MatchingService,
    to_need,
)
from api.main import create_app
from api.models import IndexEntry, Person
from api.models import Need as NeedRow
from matching.encoders import CachedEncoder, HashingEncoder
from matching.index import Segment, Snapshot, _SkillQuery
from matching.types import Need
from tests.api.test_database_load import demo_database, sign_in
from tests.conftest import TEST_SECRET

pytestmark = [pytest.mark.db]

TITLE = "Scaphandrier plongeur offshore pour chantier éolien"
SKILLS = ["plongée sous-marine", "soudure subaquatique"]


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    with demo_database(tmp_path) as url:
        yield url


def worker(url: str, encoder: CachedEncoder | None = None) -> TestClient:
    """One server process on `url` (its own engine, index and connections)."""
    app = create_app(Settings(database_url=url, environment="test", secret_key=TEST_SECRET))
    store = DatabaseStore(app.state.sessions)  # vectors cached in the database, as in production
    app.state.matching = MatchingService(
        app.state.sessions, "hashing", encoder=encoder or CachedEncoder(HashingEncoder(), store)
    )
    return TestClient(app)


def a_student(url: str) -> str:
    engine = make_engine(url)
    with session_factory(engine)() as session:
        ref = session.scalars(
            select(Person.ref).where(Person.kind == "student").order_by(Person.ref)
        ).first()
    engine.dispose()
    assert ref is not None
    return ref


def searched(client: TestClient, headers: dict[str, str], q: str) -> list[str]:
    answer = client.get("/api/v1/search/needs", params={"q": q, "limit": 5}, headers=headers)
    assert answer.status_code == 200, answer.text
    return [item["ref"] for item in answer.json()["items"]]


def test_a_need_is_ranked_by_the_next_read_in_this_worker_and_another(url: str) -> None:
    with worker(url) as first, worker(url) as second:
        headers = sign_in(first)
        assert searched(second, headers, TITLE)  # both indexes loaded before the write
        created = first.post(
            "/api/v1/needs",
            json={"title": TITLE, "skills": SKILLS, "organisation": "O0001", "kind": "job"},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        ref = created.json()["ref"]
        assert searched(first, headers, TITLE)[0] == ref
        assert searched(second, headers, TITLE)[0] == ref  # the other worker, next read
        closed = second.patch(f"/api/v1/needs/{ref}", json={"is_open": False}, headers=headers)
        assert closed.status_code == 200, closed.text
        assert ref not in searched(first, headers, TITLE)
        assert ref not in searched(second, headers, TITLE)


def test_a_profile_edit_is_ranked_at_once_and_a_refused_edit_changes_nothing(url: str) -> None:
    student = a_student(url)
    with worker(url) as client:
        headers = sign_in(client)
        created = client.post(
            "/api/v1/needs",
            json={"title": TITLE, "skills": SKILLS, "organisation": "O0001", "kind": "job"},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        need = created.json()["ref"]

        def candidates() -> list[str]:
            answer = client.get(f"/api/v1/needs/{need}/candidates?limit=10", headers=headers)
            assert answer.status_code == 200, answer.text
            return [item["ref"] for item in answer.json()["items"]]

        assert student not in candidates()
        refused = client.patch(
            f"/api/v1/people/{student}", json={"mobility_km": -5}, headers=headers
        )
        assert refused.status_code == 422
        edited = client.patch(
            f"/api/v1/people/{student}",
            json={"headline": TITLE, "skills": SKILLS, "seeks": [], "mobility_km": 300},
            headers=headers,
        )
        assert edited.status_code == 200, edited.text
        got = candidates()
        assert student in got[:3], got


def test_a_restart_loads_stored_features_and_rebuilds_a_corrupt_one(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with worker(url) as client:
        headers = sign_in(client)
        before = searched(client, headers, "logistique portuaire")
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions() as session:
        states = set(session.scalars(select(IndexEntry.state)))
        ref = session.scalars(select(IndexEntry.ref).where(IndexEntry.side == "need")).first()
        seqs = dict(session.execute(select(IndexEntry.ref, IndexEntry.seq)).all())
    assert states == {"ready"}  # every document's features were saved
    with sessions() as session, session.begin():
        session.execute(
            update(IndexEntry)
            .where(IndexEntry.side == "need", IndexEntry.ref == ref)
            .values(features=b"\x00garbage")
        )
    with caplog.at_level(logging.WARNING), worker(url) as client:
        headers = sign_in(client)
        assert searched(client, headers, "logistique portuaire") == before
        # The rebuilt row is saved by the background indexer after the answer, while the
        # server runs (a server stopped first leaves it to the next start): wait up to 30 s.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with sessions() as session:
                entry = session.get(IndexEntry, ("need", ref))
                if entry is not None and entry.features != b"\x00garbage":
                    break
            time.sleep(0.1)
    assert any("unreadable" in r.getMessage() for r in caplog.records)
    with sessions() as session:
        entry = session.get(IndexEntry, ("need", ref))
        assert entry is not None and entry.state == "ready" and entry.features != b"\x00garbage"
        after = dict(session.execute(select(IndexEntry.ref, IndexEntry.seq)).all())
    # Only the corrupt document was computed and saved again; the region was loaded as stored.
    assert {r for r in seqs if after[r] != seqs[r]} == {ref}
    engine.dispose()


def test_a_ranking_asked_again_is_served_from_its_snapshot_until_a_write(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed: list[str] = []
    rank = Snapshot.rank

    def counted(self: Snapshot, *args: object, **kwargs: object) -> object:
        computed.append("rank")
        return rank(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Snapshot, "rank", counted)
    student = a_student(url)
    with worker(url) as client:
        headers = sign_in(client)
        edited = client.patch(
            f"/api/v1/people/{student}",
            json={"headline": TITLE, "skills": SKILLS, "seeks": [], "mobility_km": 300},
            headers=headers,
        )
        assert edited.status_code == 200, edited.text

        def recommendations() -> list[str]:
            answer = client.get(
                f"/api/v1/people/{student}/recommendations?limit=10", headers=headers
            )
            assert answer.status_code == 200, answer.text
            return [item["ref"] for item in answer.json()["items"]]

        first = recommendations()
        ranked = len(computed)
        assert ranked >= 1
        assert recommendations() == first  # the same snapshot: served again, not recomputed
        assert len(computed) == ranked
        created = client.post(
            "/api/v1/needs",
            json={"title": TITLE, "skills": SKILLS, "organisation": "O0001", "kind": "job"},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        assert recommendations()[0] == created.json()["ref"]  # the write is in the next read
        assert len(computed) > ranked


def test_a_stream_of_edits_is_merged_in_the_background_and_none_is_lost(url: str) -> None:
    # Past the service's tail of 64 documents, full tails are frozen and merged by the index
    # worker while edits go on. Every edit stays the one ranked, the index holds each person
    # once, and a ranking reads a handful of segments.
    engine = make_engine(url)
    with session_factory(engine)() as session:
        students = list(
            session.scalars(select(Person.ref).where(Person.kind == "student").order_by(Person.ref))
        )[:150]
        people = session.query(Person).count()
    engine.dispose()
    assert len(students) == 150
    rng = random.Random(7)  # a made-up word per student: no n-gram in common with another's
    words = ["".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(9)) for _ in students]
    with worker(url) as client:
        headers = sign_in(client)
        matching = client.app.state.matching  # type: ignore[attr-defined]
        loaded = client.get("/api/v1/search/people", params={"q": words[0]}, headers=headers)
        assert loaded.status_code == 200, loaded.text
        base = matching._live["person"].snapshot.segments[0]
        most = 0
        for ref, word in zip(students, words, strict=True):
            edited = client.patch(
                f"/api/v1/people/{ref}",
                json={"headline": f"Acousticien {word}"},
                headers=headers,
            )
            assert edited.status_code == 200, edited.text
            client.get("/api/v1/search/people", params={"q": word}, headers=headers)
            most = max(most, len(matching._live["person"].snapshot.segments))
        deadline = time.monotonic() + 30
        while matching._work.qsize() and time.monotonic() < deadline:
            time.sleep(0.05)  # the last merge queued, if any, ends
        live = matching._live["person"]
        assert len(live.snapshot) == people
        assert most <= 5
        # Tails froze and were merged (here, into the base: what followed it held 1/8 of it).
        assert live.snapshot.segments[0] is not base
        for i in (0, 37, 64, 65, 128, 149):  # in merged levels and in the open tail
            # Found by its made-up word, in the index itself (the engine's need has a kind, a
            # job by default, whose hard constraints some of these students fail)...
            ranked = live.snapshot.rank(
                Need(id="q", title=words[i]),
                matching.weights,
                1,
                explain=0,
                exclude_violations=False,
            )
            assert ranked[0].doc_id == students[i]
            # The people search finds them too, whatever kind of offer they seek: free text
            # is no need, its kind rules nobody out (it once kept job seekers only).
            answer = client.get("/api/v1/search/people", params={"q": words[i]}, headers=headers)
            assert answer.status_code == 200, answer.text
            first = answer.json()["items"][0]
            assert first["ref"] == students[i]
            assert first["explanation"]["violations"] == []


class SlowToLoad(HashingEncoder):
    """An encoder whose model takes a while to load, as USE's does (1.4 s on two cores)."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded = False

    def warm(self) -> None:
        time.sleep(1.5)
        self.loaded = True


@contextlib.contextmanager
def standalone(url: str, encoder: HashingEncoder | None = None) -> Iterator[MatchingService]:
    """A matching service of its own on `url` (its own engine and sessions), closed after."""
    engine = make_engine(url)
    service = MatchingService(
        session_factory(engine), "hashing", encoder=CachedEncoder(encoder or HashingEncoder())
    )
    try:
        yield service
    finally:
        service.close()
        engine.dispose()


def wait_ready(service: MatchingService) -> None:
    deadline = time.monotonic() + 120
    while not service.ready() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert service.ready()


def test_the_model_is_loaded_and_the_heap_settled_before_the_first_request_is_let_in(
    url: str,
) -> None:
    # A worker's first write used to load the model inside the request (1.9 s under load),
    # and the collector's first full pass ran after the index was published.
    slow = SlowToLoad()
    settled: list[tuple[bool, bool]] = []
    with standalone(url, slow) as service:
        service.start(then=lambda: settled.append((service.ready(), slow.loaded)))
        wait_ready(service)
        assert slow.loaded  # checked at once: the load waited for the model
        assert settled == [(False, True)]  # `then` ran once, after the model, before readiness


def test_open_needs_scores_are_kept_after_the_start_without_holding_up_a_ranking(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Large segments keep each need's fixed scores; the service computes them for the open
    # needs once loaded, on its index worker, never beside rankings that hold every slot
    # (it waits for a free moment, then for its turn). The demo region's people make one
    # large segment once "large" means 64 documents.
    monkeypatch.setattr(index, "CACHED_SEGMENT", 64)
    computed: Counter[int] = Counter()  # skill coverages computed, by segment size
    real = Snapshot._segment_skill_fits

    def spy(seg: Segment, queries: Sequence[_SkillQuery | None]) -> tuple[object, object]:
        computed[len(seg)] += 1
        return real(seg, queries)

    monkeypatch.setattr(Snapshot, "_segment_skill_fits", staticmethod(spy))
    with standalone(url) as service:
        with contextlib.ExitStack() as rankings:  # every slot taken: the index worker waits
            for _ in range(cores_per_process()):
                rankings.enter_context(RANKING_SLOTS)
            service.start()
            wait_ready(service)
            base = max(len(seg) for seg in service._live["person"].snapshot.segments)
            time.sleep(3 * KEEP_PATIENCE_S)  # past its patience, it waits for its turn
            assert computed[base] == 0
        with service.sessions() as session:
            needs = [to_need(n) for n in session.scalars(select(NeedRow).where(NeedRow.is_open))]
        assert len(needs) > 5
        deadline = time.monotonic() + 60
        while computed[base] < len(needs) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert computed[base] == len(needs)  # once per open need, no more
        computed.clear()
        with service.sessions() as session:
            indexes = service.indexes(session)
            for need in needs:
                assert indexes.rank_people(need, 10)
        assert computed[base] == 0  # each need's first ranking found its scores kept


def test_no_scores_are_kept_ahead_when_the_segments_cannot_hold_every_open_need(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With room for fewer needs than are open, a pass would push out what rankings kept.
    monkeypatch.setattr(index, "CACHED_SEGMENT", 64)
    monkeypatch.setattr(index, "SEGMENT_SCORES_BYTES", 1)  # room for one need
    with standalone(url) as service:
        service.load()
        people = service._live["person"].snapshot
        assert people.kept_room() == 1 < len(service._live["need"].snapshot)
        assert service.keep_open_needs() == 0
        assert all(len(seg.scores) == 0 for seg in people.segments)
