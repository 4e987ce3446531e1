"""The job queue: huey, with its queue in a SQLite file beside the embedded database and in the
PostgreSQL database itself in production, consumed by threads of the web process or by
`passerelle worker`.

Why huey: a small, maintained task queue whose storages include SQLite (no server at all:
`make run` needs nothing more) and, since 3.x, PostgreSQL (psycopg 3; LISTEN/NOTIFY wakes a
waiting consumer at once, `SKIP LOCKED` lets several consumers share one queue). Production
already runs PostgreSQL: its queue lives there, backed up, monitored and failed over with the
data, with no Redis to run beside it (huey's Redis storage would do as well, at the cost of one
more server; Celery or RQ need a broker in every setup, the embedded one included). The queue
only carries job ids: what a job is, how far it got and what it produced live in the `jobs`
table, read by every process, whichever storage the queue uses.

A job's message is taken once; a job whose process stops (restart, crash) is found at the next
start of any consumer (`JobQueue.recover`) and marked interrupted, never left "running".
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread
from huey import Huey, MemoryHuey, PostgresHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from api.core.settings import Settings
from api.jobs import service
from api.jobs.runner import Context, is_dead, run_job, unit, worker_id

log = logging.getLogger(__name__)

QUEUE_NAME = "passerelle"
TABLE_PREFIX = "jobs_queue"  # huey's own tables in PostgreSQL (it creates them, not Alembic)
# A consumer stopping waits this long for a running unit of work to end; a job still running
# then is marked interrupted (its thread dies with the process).
SHUTDOWN_WAIT_S = 5.0


def build_huey(settings: Settings) -> Huey:
    """The huey of these settings: SQLite file, PostgreSQL, or immediate (tests)."""
    storage = settings.jobs_storage()
    # No table is created (nor connection opened) here: building the app must not reach the
    # database (a database down is reported by one clear line elsewhere); `JobQueue.ready`
    # creates them on first use.
    common: dict[str, Any] = {"results": False, "utc": True, "create_tables": False}
    if storage == "immediate":
        return MemoryHuey(QUEUE_NAME, immediate=True, results=False, utc=True)
    if storage == "postgres":
        url = make_url(settings.database_url).set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        return PostgresHuey(QUEUE_NAME, dsn=dsn, table_prefix=TABLE_PREFIX, **common)
    path = settings.jobs_queue_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str(path), **common)


class EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """huey's consumer inside another program: it leaves the signals to that program (uvicorn
    stops on Ctrl-C as before; the lifespan stops the consumer)."""

    def _set_signal_handlers(self) -> None:
        pass


class JobQueue:
    """What starts, consumes and recovers jobs for one process (the web app or the worker)."""

    def __init__(self, settings: Settings, state: Any) -> None:
        self.settings = settings
        self.huey = build_huey(settings)
        self.context = Context(state=state, worker=worker_id())
        self._task = self.huey.task(name="passerelle.run_job")(self._run)
        self.huey.periodic_task(crontab(minute="*"), name="passerelle.recover")(self._sweep)
        self._consumer: EmbeddedConsumer | None = None
        self._lock = threading.Lock()
        self._ready = False

    def ready(self) -> None:
        """The queue's tables, created once (huey's own, `create table if not exists`)."""
        if self._ready or self.immediate:
            return
        with self._lock:
            if not self._ready:
                self.huey.storage.initialize_schema()
                self._ready = True

    @property
    def immediate(self) -> bool:
        return bool(self.huey.immediate)

    def _run(self, job_id: int) -> None:
        run_job(self.context, job_id)

    def _sweep(self) -> None:
        self.recover(requeue=False)

    def enqueue(self, job_id: int) -> None:
        """Hand a committed job to the queue (immediate: run it now, in this thread)."""
        self.ready()
        self._task(job_id)

    def recover(self, *, requeue: bool = True) -> list[int]:
        """Mark interrupted the jobs of processes that stopped; queue again the queued ones
        (at start only: a message may have been lost with the process that was to send it).
        The ids of the jobs interrupted now."""
        stale = self.settings.jobs_stale_minutes
        try:
            interrupted, queued = unit(
                self.context, lambda s: service.recover(s, dead=is_dead, stale_minutes=stale)
            )
        except SQLAlchemyError as exc:  # no jobs table yet, database down: the start goes on
            log.warning("jobs: recovery skipped (%s)", str(exc).splitlines()[0])
            return []
        for job_id in interrupted:
            log.warning("job %s: its process stopped; marked interrupted", job_id)
        if requeue:
            for job_id in queued:
                self.enqueue(job_id)
        return interrupted

    # -- consuming in this process -----------------------------------------------------------

    def start_consumer(self) -> None:
        """Consume jobs with threads of this process (not in immediate mode)."""
        if self.immediate:
            return
        self.ready()
        with self._lock:
            if self._consumer is not None:
                return
            self.context.stopping.clear()
            self._consumer = EmbeddedConsumer(
                self.huey,
                workers=self.settings.jobs_workers,
                worker_type="thread",
                max_delay=1.0,  # an idle SQLite queue is polled at least once a second
                shutdown_timeout=SHUTDOWN_WAIT_S,
            )
            self._consumer.start()

    def stop_consumer(self) -> None:
        """Stop this process's consumer: a job between two units stops there; one still in
        a unit after the wait is marked interrupted (its thread ends with the process)."""
        with self._lock:
            consumer, self._consumer = self._consumer, None
        if consumer is None:
            return
        self.context.stopping.set()
        consumer.stop(graceful=True)
        self._interrupt_own()
        self.huey.storage.close()

    def _interrupt_own(self) -> None:
        me = self.context.worker
        try:
            unit(self.context, lambda s: service.interrupt_worker(s, me))
        except SQLAlchemyError as exc:
            log.warning("jobs: could not mark this process's jobs (%s)", exc)

    def consume(self) -> None:
        """Run a consumer in the foreground until SIGINT/SIGTERM (`passerelle worker`)."""
        self.ready()
        self.recover()
        consumer = self.huey.create_consumer(
            workers=self.settings.jobs_workers, worker_type="thread", max_delay=1.0
        )
        consumer.run()
        self.context.stopping.set()
        self._interrupt_own()


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """The web app's life: jobs a stopped process left behind are marked (or queued again),
    then this process consumes jobs itself unless JOBS_IN_PROCESS is off; stopped at the end."""
    queue: JobQueue = app.state.jobs
    await anyio.to_thread.run_sync(queue.recover)
    if queue.settings.jobs_in_process:
        queue.start_consumer()
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(queue.stop_consumer)
