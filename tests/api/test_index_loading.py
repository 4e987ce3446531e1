"""While the matching index loads or re-indexes (a new engine version re-indexes every stored
document: 95 s at 14,000 students), a caller is told how far it is, not only "busy"."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.core.db import make_engine, session_factory
from api.core.settings import Settings
from api.engine.service import MatchingService
from api.main import create_app
from api.models import Need
from matching.encoders import CachedEncoder, HashingEncoder, Progress
from matching.index import Features
from tests.api.test_database_load import ADMIN, PASSWORD, demo_database, sign_in
from tests.conftest import TEST_SECRET
from tests.web.test_pages import sign_in as sign_in_page

pytestmark = [pytest.mark.db]


class SlowToEncode(HashingEncoder):
    """An encoder that takes its time over each batch, as a real model does at this size."""

    def encode_documents(self, texts: Sequence[str], progress: Progress | None = None) -> Any:
        time.sleep(0.4)
        return super().encode_documents(texts, progress)


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    with demo_database(tmp_path) as url:  # the demo region, never indexed: all of it pending
        yield url


def index_status(client: TestClient) -> dict[str, Any]:
    answer = client.get("/api/v1/health")
    assert answer.status_code == 200, answer.text  # the service is up while its index loads
    status: dict[str, Any] = answer.json()["index"]
    return status


def index_once(
    client: TestClient, seen: Callable[[dict[str, Any]], bool], deadline: float
) -> dict[str, Any]:
    """The index's status once `seen` holds (polled; fails at `deadline` with the last one)."""
    status = index_status(client)
    while not seen(status):
        assert time.monotonic() < deadline, status
        time.sleep(0.02)
        status = index_status(client)
    return status


def first_need(url: str) -> str:
    engine = make_engine(url)
    with session_factory(engine)() as session:
        need = session.scalars(select(Need.ref).order_by(Need.ref)).first()
    engine.dispose()
    assert need is not None
    return need


def waiting_app(url: str, encoder: HashingEncoder) -> TestClient:
    """A server whose rankings wait 0.1 s for the index, then answer 503."""
    app = create_app(Settings(database_url=url, environment="test", secret_key=TEST_SECRET))
    app.state.matching = MatchingService(
        app.state.sessions, "hashing", encoder=CachedEncoder(encoder), ready_timeout=0.1
    )
    return TestClient(app)


def test_a_caller_kept_waiting_by_a_re_index_is_told_how_far_it_is(url: str) -> None:
    need = first_need(url)
    with waiting_app(url, SlowToEncode()) as client:
        headers = sign_in(client)
        deadline = time.monotonic() + 60
        status = index_once(client, lambda s: s["state"] == "indexing" and s["done"], deadline)
        assert status["ready"] is False
        assert status["side"] in ("need", "person")
        assert 0 < status["done"] <= status["total"]

        answer = client.get(f"/api/v1/needs/{need}/candidates", headers=headers)
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "5"
        body = answer.json()
        assert body["code"] == "index_loading"
        told = body["index"]
        assert told["ready"] is False
        if told["state"] == "indexing":  # it may have moved on to reading what it computed
            assert 0 < told["done"] <= told["total"]
            assert f"{told['done']} documents indexés sur {told['total']}" in body["detail"]
        english = client.get(
            f"/api/v1/needs/{need}/candidates", headers={**headers, "Accept-Language": "en"}
        )
        assert english.status_code == 503
        assert "matching engine" in english.json()["detail"]

        page = client.get("/", headers={"Accept": "text/html"})
        assert page.status_code == 200  # pages that rank nothing are served meanwhile
        sign_in_page(client, ADMIN, PASSWORD)
        page = client.get(f"/besoins/{need}/candidats", headers={"Accept": "text/html"})
        assert page.status_code == 503
        assert "Le moteur de correspondance se prépare" in page.text
        assert page.headers["Retry-After"] == "5"

        status = index_once(client, lambda s: s["ready"], deadline)
        assert status["state"] == "idle"
        answer = client.get(f"/api/v1/needs/{need}/candidates", headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["items"]


def test_a_start_reading_stored_features_says_how_many_it_has_read(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    need = first_need(url)
    engine = make_engine(url)
    first = MatchingService(
        session_factory(engine), "hashing", encoder=CachedEncoder(HashingEncoder())
    )
    first.load()  # the region indexed and saved: the next start only reads it
    first.close()
    engine.dispose()
    read = Features.from_bytes

    def slowly(blob: bytes) -> Features:
        time.sleep(0.004)  # reading 100,000 stored entries takes ~20 s
        return read(blob)

    monkeypatch.setattr(Features, "from_bytes", staticmethod(slowly))
    monkeypatch.setattr("api.engine.service.LOAD_REPORT_EVERY", 50)
    with waiting_app(url, HashingEncoder()) as client:
        headers = sign_in(client)
        deadline = time.monotonic() + 60
        status = index_once(
            client, lambda s: s["state"] == "loading" and bool(s.get("done")), deadline
        )
        assert status["ready"] is False
        assert 0 < status["done"] <= status["total"]
        answer = client.get(f"/api/v1/needs/{need}/candidates", headers=headers)
        assert answer.status_code == 503
        told = answer.json()
        index = told["index"]  # still reading (or building from what it read): counted
        assert index["state"] == "loading"
        assert f"{index['done']} documents lus sur {index['total']}" in told["detail"]
        index_once(client, lambda s: s["ready"], deadline)
        assert client.get(f"/api/v1/needs/{need}/candidates", headers=headers).status_code == 200
