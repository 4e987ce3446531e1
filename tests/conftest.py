"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from api.threads import one_thread_unless_set

if os.environ.get("PYTEST_XDIST_WORKER"):
    # The workers already fill the cores: one BLAS/OpenMP thread each, set before numpy loads,
    # rather than threads spinning for a core another worker holds.
    one_thread_unless_set()

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from api.core.db import make_engine, migrate, session_factory, session_scope
from api.core.settings import Settings
from api.engine.service import MatchingService, services
from api.imports.demo import load_demo
from api.main import create_app
from matching.encoders import CachedEncoder, Vectors

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEMO = ROOT / "data" / "demo"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
TEST_SECRET = "test-secret-key-not-for-production-0123"


def process_env(database_url: str) -> dict[str, str]:
    """The environment of a `passerelle` (or uvicorn) subprocess a test starts over
    `database_url`: test settings, no model to load."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "ENVIRONMENT": "test",
        "EMBEDDING_MODEL": "hashing",
        "HF_HUB_OFFLINE": "1",
    }


# `make test` exports ESCO_DIR (as `make run` does) for the evaluation and notebooks; servers the
# tests start themselves stay on the skills vocabulary alone, so each does not index the demo
# region against 3,000 ESCO occupations. Tests of ESCO in the service pass the folder explicitly.
ESCO_DIR = os.environ.pop("ESCO_DIR", None)


def _worker_database(base: str, worker: str) -> str:
    """A PostgreSQL database of its own for one pytest-xdist worker, created empty."""
    from sqlalchemy.engine import make_url

    name = f"{make_url(base).database}_{worker}"
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files holding a slow test run first, the rest keep their order: under pytest-xdist
    (--dist loadfile, one file per worker at a time) the notebook and the browser start at once
    instead of running alone at the end."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """SQLite in this worker's temporary folder, or PostgreSQL (one database per xdist worker)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:
            url = _worker_database(url, worker)
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str, use_encoder: CachedEncoder) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine)
    for session in session_scope(session_factory(engine)):
        load_demo(session, DEMO)
    # The demo region indexed once, as `passerelle load-demo` leaves it: every test's engine
    # loads these entries rather than computing features again.
    indexer = MatchingService(session_factory(engine), "use-multilingual", encoder=use_encoder)
    indexer.load()
    indexer.close()
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """A session factory whose every commit is undone after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        yield sessionmaker(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        outer.rollback()


@pytest.fixture
def session(connection: sessionmaker[Session]) -> Iterator[Session]:
    with connection() as s:
        yield s


class RunsVectorStore:
    """Vectors kept between test runs and shared by xdist workers, in the machine's embedding
    cache (matching.encoders.default_cache_path(), $PASSERELLE_CACHE, as the notebook does):
    the demo region is embedded once per machine rather than once per process. Where another
    process holds the file locked, the vectors stay in this process's memory."""

    def __init__(self, path: Path) -> None:
        import sqlite3

        from matching.encoders import MemoryStore, SqliteStore

        self._errors = (sqlite3.Error, OSError)
        self._memory = MemoryStore()
        self._file: SqliteStore | None
        try:
            self._file = SqliteStore(path)
        except self._errors:
            self._file = None

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, Vectors]:
        found = self._memory.get_many(model, keys)
        missing = [key for key in keys if key not in found]
        if missing and self._file is not None:
            try:
                stored = self._file.get_many(model, missing)
            except self._errors:
                stored = {}
            self._memory.put_many(model, stored)
            found.update(stored)
        return found

    def put_many(self, model: str, items: dict[str, Vectors]) -> None:
        self._memory.put_many(model, items)
        if self._file is not None:
            with contextlib.suppress(*self._errors):
                self._file.put_many(model, items)


@pytest.fixture(scope="session")
def vector_store() -> RunsVectorStore:
    from matching.encoders import default_cache_path

    return RunsVectorStore(default_cache_path())


@pytest.fixture(scope="session")
def use_encoder(vector_store: RunsVectorStore) -> CachedEncoder:
    from matching.encoders import UniversalSentenceEncoder

    return CachedEncoder(UniversalSentenceEncoder(), vector_store)


@pytest.fixture(scope="session")
def matching_service(use_encoder: CachedEncoder) -> MatchingService:
    """One engine for the whole run: vectors stay cached while each test's data rolls back.

    It reads through each request's session (no factory of its own) and is rewound before
    every test (below), since every test's writes are rolled back.
    """
    return MatchingService(None, "use-multilingual", encoder=use_encoder)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _rewound_engines() -> None:
    """Engines shared across tests forget what the previous, rolled-back test changed."""
    for service in services():
        service.rewind()


@contextlib.contextmanager
def serving(
    database_url: str,
    connection: sessionmaker[Session],
    matching: MatchingService,
    base_url: str = "http://testserver",
) -> Iterator[TestClient]:
    """The app on the test's undone transaction, ranking with `matching`, reached at
    `base_url`."""
    app = create_app(
        Settings(database_url=database_url, environment="test", secret_key=TEST_SECRET)
    )
    app.state.sessions = connection
    app.state.matching = matching
    with TestClient(app, base_url=base_url) as c:
        yield c


@pytest.fixture
def client(
    database_url: str,
    engine: Engine,
    connection: sessionmaker[Session],
    matching_service: MatchingService,
) -> Iterator[TestClient]:
    with serving(database_url, connection, matching_service) as c:
        yield c


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the kind under test, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    import uuid

    from sqlalchemy.engine import make_url

    name = f"scratch_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
