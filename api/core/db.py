"""Database engine, sessions and migrations for the service."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


# The execution option a request's session sets when it must take SQLite's write lock at BEGIN.
WRITE_LOCK = "passerelle_write_lock"


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be reached; the message names DATABASE_URL."""


class DatabaseBusy(RuntimeError):
    """A unit of work was rolled back because another held what it needed (see `is_busy`).

    Raised in place of an error that wraps such a failure (a service's own typed error), so
    that the caller is told "busy, try again" (503) rather than the wrapper's verdict.
    """


def busy_cause(exc: BaseException) -> BaseException | None:
    """The busy database error behind `exc` (itself, or what it was raised from), if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if is_busy(current):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def is_busy(exc: BaseException) -> bool:
    """Whether an error means "another transaction holds what this one needs; try again".

    SQLite's single write lock (`database is locked`, also raised at once when a transaction
    that has read tries to write after another writer committed), PostgreSQL's serialisation
    failures and deadlocks: the unit of work was rolled back whole and may simply run again.
    """
    if not isinstance(exc, OperationalError):
        return False
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)  # psycopg 3, 2
    if state in ("40001", "40P01"):
        return True
    return "database is locked" in str(orig) or "database is busy" in str(orig)


def make_engine(
    database_url: str,
    *,
    pool_size: int | None = None,
    max_overflow: int | None = None,
    pool_timeout: float | None = None,
    busy_timeout_ms: int = 5000,
    **kwargs: Any,
) -> Engine:
    """An engine for the URL; the pool settings apply to pooled (file or server) databases.

    A request holds one connection from its first query to its commit; `pool_timeout` bounds
    how long it waits for one when all are taken (then SQLAlchemy raises TimeoutError, which
    the service answers with 503 and Retry-After).
    """
    url = make_url(database_url)
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    if not in_memory:
        for name, value in (
            ("pool_size", pool_size),
            ("max_overflow", max_overflow),
            ("pool_timeout", pool_timeout),
        ):
            if value is not None:
                kwargs.setdefault(name, value)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    else:
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("connect_args", {"connect_timeout": 5})
    engine = create_engine(url, **kwargs)
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    if url.get_backend_name() == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite opens transactions lazily and mishandles SAVEPOINT; SQLAlchemy's
            # documented fix: no implicit transactions, and an explicit BEGIN below.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # A deferred BEGIN reads without locking anything (WAL: readers never wait). A
            # transaction that has read cannot wait for the write lock, though: if another
            # writer holds it, or committed since, its first write fails at once. A unit of
            # work known to write (a retried one) takes the lock at BEGIN instead, where
            # SQLite waits up to busy_timeout for it and then reads the latest data.
            if connection.get_execution_options().get(WRITE_LOCK):
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.exec_driver_sql("BEGIN")

    return engine


def _holds_nul(parameters: Any) -> bool:
    """Whether a statement's parameters (one set or many: mappings or sequences) hold a text
    with a NUL."""
    if isinstance(parameters, Mapping):
        parameters = parameters.values()
    elif isinstance(parameters, list):  # executemany: one set per row
        return any(_holds_nul(row) for row in parameters)
    for value in parameters:
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, (list, tuple)) and _holds_nul(value):  # an IN list, an array
            return True
    return False


def _refuse_nul(
    _conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, _many: bool
) -> None:
    """No text with a NUL reaches either database: PostgreSQL refuses it (a 500 where a page
    or command passes a typed value on unchecked), SQLite would store it. Validated inputs
    refuse control characters with the field named before this; this is the floor beneath
    every other path (a filter, a sign-in address), answered as a 422."""
    if _holds_nul(parameters):
        from api.core.errors import AppError

        raise AppError("nul_character", 422)


def check_connection(engine: Engine) -> None:
    """Raise DatabaseUnavailable with a one-line message if the database does not answer."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        safe = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"DATABASE_URL: base injoignable ({safe}) : {reason}") from None


def _alembic(engine: Engine, action: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations up to `revision` on this engine's database."""
    _alembic(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    _alembic(engine, "downgrade", revision)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


def write_session(factory: sessionmaker[Session]) -> Session:
    """A session for work known to write: on SQLite its transaction takes the write lock at
    BEGIN, waiting up to busy_timeout for it, instead of failing at its first write when
    another writer got there first ("database is locked"); elsewhere an ordinary session."""
    return factory(execution_options={WRITE_LOCK: True})


def session_scope(
    factory: sessionmaker[Session],
    *,
    write_lock: bool = False,
    before_commit: Callable[[Session], None] | None = None,
) -> Iterator[Session]:
    """One unit of work: commit if the block succeeds, roll back otherwise.

    `write_lock`: on SQLite, take the write lock at BEGIN (for a unit of work that writes and
    lost the race for the lock once); elsewhere it changes nothing. `before_commit` runs last
    inside the transaction (the matching index saves the features of what the work changed).
    """
    session = write_session(factory) if write_lock else factory()
    try:
        yield session
        if before_commit is not None:
            before_commit(session)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
