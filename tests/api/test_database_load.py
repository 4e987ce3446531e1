"""A crowd at once: rankings on a small pool, simultaneous decisions and imports, a full pool.

Each test runs on its own file database (SQLite, or a scratch PostgreSQL database in the
`-m db` rerun), through the HTTP client from many threads; every request is bounded in time.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from api.core.db import make_engine, migrate, session_factory, session_scope
from api.core.security import hash_password
from api.core.settings import Settings
from api.engine.service import DatabaseStore, MatchingService
from api.imports.demo import load_demo
from api.main import create_app
from api.models import Organisation, Suggestion, User
from matching.encoders import CachedEncoder, HashingEncoder
from tests.conftest import DEMO, TEST_SECRET

pytestmark = [pytest.mark.db, pytest.mark.slow]

ADMIN = "admin-load@t.fr"
PASSWORD = "mot-de-passe-de-charge"
DEADLINE_S = 120  # no request of these tests may take longer: a hang fails, never blocks
QUERIES = (
    "soudure et chaudronnerie",
    "analyse de données Python",
    "logistique portuaire",
    "HACCP agroalimentaire",
    "marketing digital",
    "chimie analytique",
    "maintenance industrielle",
    "commerce international anglais",
)


@contextmanager
def demo_database(folder: Path) -> Iterator[str]:
    """A database of the kind under test (a SQLite file in `folder`, or a scratch PostgreSQL
    database with TEST_DATABASE_URL) holding the demo region and an admin account."""
    base = os.environ.get("TEST_DATABASE_URL")
    admin_engine = None
    name = f"load_{uuid.uuid4().hex[:12]}"
    if base:
        admin_engine = make_engine(base, isolation_level="AUTOCOMMIT")
        with admin_engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{folder / 'load.db'}"
    engine = make_engine(url)
    migrate(engine)
    for session in session_scope(session_factory(engine)):
        load_demo(session, DEMO)
        session.add(User(email=ADMIN, password_hash=hash_password(PASSWORD), role="admin"))
    engine.dispose()
    try:
        yield url
    finally:
        if admin_engine is not None:
            with admin_engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin_engine.dispose()


@pytest.fixture(scope="module")
def loaded_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_database(tmp_path_factory.mktemp("load")) as url:
        yield url


@pytest.fixture(scope="module")
def encoder() -> HashingEncoder:
    return HashingEncoder()  # no model to load; the cache in the database is what is tested


def make_app(url: str, encoder: HashingEncoder, **pool: Any) -> FastAPI:
    """The service on `url`, its vectors cached in the database as in production."""
    settings = Settings(database_url=url, environment="test", secret_key=TEST_SECRET, **pool)
    app = create_app(settings)
    app.state.matching = MatchingService(
        app.state.sessions,
        "hashing",
        encoder=CachedEncoder(encoder, DatabaseStore(app.state.sessions)),
    )
    return app


def sign_in(client: TestClient) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", data={"username": ADMIN, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def results(futures: list[Future[Any]]) -> list[Any]:
    """Every answer, or a failure naming how many requests never came back."""
    _done, pending = wait(futures, timeout=DEADLINE_S)
    assert not pending, f"{len(pending)} requests hung"
    return [f.result() for f in futures]


def refs(answer: Any) -> list[str]:
    return [item["ref"] for item in answer.json()["items"]]


def test_32_concurrent_rankings_on_a_two_connection_pool_are_all_right(
    loaded_url: str, encoder: HashingEncoder
) -> None:
    """Ranking reads cached vectors on the request's own connection: two are enough for all."""
    with TestClient(make_app(loaded_url, encoder)) as client:
        expected = {
            q: refs(client.get("/api/v1/search/needs", params={"q": q, "limit": 10}))
            for q in QUERIES
        }  # one at a time; the vectors are now in the database
    assert all(expected.values())
    # A new service starts cold: its first ranking fits while 31 others wait for it.
    app = make_app(loaded_url, encoder, pool_size=2, max_overflow=0, pool_timeout=30)
    asked = [q for q in QUERIES for _ in range(4)]
    with TestClient(app) as client, ThreadPoolExecutor(32) as pool:
        answers = results(
            [
                pool.submit(client.get, "/api/v1/search/needs", params={"q": q, "limit": 10})
                for q in asked
            ]
        )
    failed = [(a.status_code, a.text[:200]) for a in answers if a.status_code != 200]
    assert not failed
    assert [refs(a) for a in answers] == [expected[q] for q in asked]


def test_no_free_connection_is_503_with_retry_after_then_served_again(
    loaded_url: str, encoder: HashingEncoder
) -> None:
    app = make_app(loaded_url, encoder, pool_size=1, max_overflow=0, pool_timeout=0.3)
    with TestClient(app) as client:
        # The index loads in the background at start, on that one connection: let the load
        # end (loaded, or failed for want of the connection) before taking the connection away.
        deadline = time.monotonic() + 60
        while not app.state.matching.load_ended() and time.monotonic() < deadline:
            time.sleep(0.05)
        with app.state.engine.connect():  # someone else holds the only connection
            answer = client.get("/api/v1/needs", headers={"Accept-Language": "en"})
            assert answer.status_code == 503
            assert int(answer.headers["Retry-After"]) > 0
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert answer.json()["code"] == "busy" and "busy" in answer.json()["detail"]
            page = client.get("/", headers={"Accept": "text/html"})  # the home page counts
            assert page.status_code == 503 and int(page.headers["Retry-After"]) > 0
            assert page.headers["content-type"].startswith("text/html")
            assert "surchargé" in page.text
        assert client.get("/api/v1/needs").status_code == 200  # served as soon as one is free


def test_40_decisions_on_40_suggestions_at_once_are_all_written(
    loaded_url: str, encoder: HashingEncoder
) -> None:
    app = make_app(loaded_url, encoder, pool_size=8, max_overflow=8, pool_timeout=30)
    with TestClient(app) as client:
        headers = sign_in(client)
        batch = client.post("/api/v1/review/run", headers=headers)
        assert batch.status_code == 200, batch.text
        queue = client.get(
            "/api/v1/review/queue", params={"status": "proposed", "limit": 40}, headers=headers
        ).json()["items"]
        ids = [item["id"] for item in queue]
        assert len(ids) == 40
        with ThreadPoolExecutor(40) as pool:
            answers = results(
                [
                    pool.submit(
                        client.post,
                        f"/api/v1/suggestions/{i}/decision",
                        json={"action": "approve"},
                        headers=headers,
                    )
                    for i in ids
                ]
            )
    failed = [(a.status_code, a.text[:200]) for a in answers if a.status_code != 200]
    assert not failed
    engine = make_engine(loaded_url)
    with session_factory(engine)() as session:
        statuses = session.scalars(select(Suggestion.status).where(Suggestion.id.in_(ids))).all()
    engine.dispose()
    assert sorted(statuses) == ["approved"] * 40


def test_6_imports_at_once_are_all_written(loaded_url: str, encoder: HashingEncoder) -> None:
    def organisations(n: int) -> bytes:
        rows = [
            {"id": f"LOAD{n}-O{k}", "kind": "company", "name": f"Atelier {n}-{k}"} for k in range(5)
        ]
        return "".join(json.dumps(r) + "\n" for r in rows).encode()

    app = make_app(loaded_url, encoder, pool_size=4, max_overflow=4, pool_timeout=30)
    with TestClient(app) as client:
        headers = sign_in(client)
        with ThreadPoolExecutor(6) as pool:
            answers = results(
                [
                    pool.submit(
                        client.post,
                        "/api/v1/imports/organisations",
                        files={"file": (f"o{n}.jsonl", organisations(n), "application/x-ndjson")},
                        headers=headers,
                    )
                    for n in range(6)
                ]
            )
    failed = [(a.status_code, a.text[:200]) for a in answers if a.status_code != 200]
    assert not failed
    engine = make_engine(loaded_url)
    with session_factory(engine)() as session:
        written = session.scalars(
            select(Organisation.ref).where(Organisation.ref.like("LOAD%"))
        ).all()
    engine.dispose()
    assert len(written) == 30


def test_a_lost_lock_race_reruns_the_request_with_its_body() -> None:
    """The middleware gives a rerun the same body; the last busy answer reaches the caller."""
    from starlette.types import Message, Receive, Scope, Send

    from api.core.unit_of_work import RetryBusy, attempt_of

    seen: list[tuple[int, bytes, bool]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        attempt = attempt_of(scope)
        assert attempt is not None
        seen.append((attempt.number, body, attempt.write_lock))
        attempt.busy = True  # as the error handler marks a rolled-back unit of work
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b"busy"})

    chunks: list[Message] = [
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.request", "body": b"cd", "more_body": False},
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    import anyio

    anyio.run(RetryBusy(app), {"type": "http", "method": "POST", "path": "/"}, receive, send)
    assert seen == [(1, b"abcd", False), (2, b"abcd", True), (3, b"abcd", True)]
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]


def test_a_crowd_beyond_the_pool_waits_at_the_door_then_gets_503(
    loaded_url: str, encoder: HashingEncoder
) -> None:
    """With every connection's request still in progress, the next one is refused, not queued."""
    import threading

    import anyio

    app = make_app(loaded_url, encoder, pool_size=1, max_overflow=0, pool_timeout=0.3)
    entered, release = threading.Event(), threading.Event()

    @app.get("/test-only/hold")
    async def hold() -> dict[str, bool]:
        entered.set()
        await anyio.to_thread.run_sync(release.wait, 60)
        return {"held": True}

    with TestClient(app) as client, ThreadPoolExecutor(1) as pool:
        held = pool.submit(client.get, "/test-only/hold")
        assert entered.wait(60)
        refused = client.get("/api/v1/needs")
        release.set()
        assert refused.status_code == 503 and int(refused.headers["Retry-After"]) > 0
        assert refused.json()["code"] == "busy"
        assert results([held])[0].status_code == 200
        assert client.get("/api/v1/needs").status_code == 200
