"""Rules of the background jobs: start one (or find the same one already under way), report its
progress, end it, and tell a job whose process died from one still running."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

from api.core.audit import actor_label, record
from api.core.errors import AppError, NotFound, message_key
from api.core.i18n import LANGUAGES, translator
from api.jobdating import service as jobdating_service
from api.jobs import repository
from api.jobs.schemas import JobError, JobOut, JobStart, ScheduleJob
from api.models import Job, User, utcnow

log = logging.getLogger(__name__)

# Codes of the outcomes no service raised: their words are `error.api.<code>`.
FAILED = "job_failed"
INTERRUPTED = "job_interrupted"


class Enqueuer(Protocol):
    def enqueue(self, job_id: int) -> None: ...


# -- starting -------------------------------------------------------------------------------------


def _same_under_way(session: Session, body: JobStart) -> Job | None:
    """A batch or a schedule already queued or running for the same thing: starting it again
    would only race the first one. Allocations are runs of their own, never merged."""
    if body.kind == "allocation":
        return None
    for job in repository.unfinished(session):
        if job.kind != body.kind:
            continue
        if isinstance(body, ScheduleJob) and job.params.get("event_id") != body.event_id:
            continue
        return job
    return None


def start(session: Session, queue: Enqueuer, user: User, body: JobStart) -> Job:
    """A new queued job (or the same one already under way), handed to the queue once the
    caller's transaction has committed: a consumer never looks for a row not yet visible."""
    if isinstance(body, ScheduleJob):
        jobdating_service.get_event(session, body.event_id)  # NotFound now, not in the job
    running = _same_under_way(session, body)
    if running is not None:
        return running
    job = Job(
        kind=body.kind,
        status="queued",
        stage="queued",
        params=body.model_dump(mode="json", exclude={"kind"}),
        user_id=user.id,
        created_by=actor_label(user),
    )
    session.add(job)
    session.flush()
    record(session, user, "start", "job", str(job.id), kind=body.kind)
    job_id = job.id

    def enqueue(_session: Session) -> None:
        try:
            queue.enqueue(job_id)
        except Exception:  # the row stays queued: the next start of a consumer queues it again
            log.exception("job %s: could not be queued", job_id)

    event.listen(session, "after_commit", enqueue, once=True)
    return job


# -- reading --------------------------------------------------------------------------------------


def get_job(session: Session, job_id: int) -> Job:
    job = repository.get(session, job_id)
    if job is None:
        raise NotFound("job", str(job_id))
    return job


def list_jobs(session: Session, limit: int, offset: int) -> tuple[list[Job], int]:
    return repository.latest(session, limit, offset), repository.count(session)


def progress(job: Job) -> float | None:
    """Share done, 0 to 1; None while the size of the work is not known yet."""
    if job.status == "done":
        return 1.0
    if job.total <= 0:
        return None
    return min(1.0, job.done / job.total)


def error_text(job: Job, lang: str) -> str | None:
    """Why the job failed or stopped, in `lang`."""
    if job.error_code is None:
        return None
    written = (job.error_params or {}).get("messages", {})
    if lang in written:
        return str(written[lang])
    return translator(lang)(message_key(job.error_code))


def result_url(job: Job, *, api: bool) -> str | None:
    """Where the outcome is read: the API's resource or the coordinator's page."""
    if job.status != "done":
        return None
    if job.kind == "propose":
        return "/api/v1/review/queue" if api else "/revue"
    if job.result_ref is None:
        return None
    if job.kind == "allocation":
        return f"/api/v1/allocations/{job.result_ref}" if api else f"/allocations/{job.result_ref}"
    return (
        f"/api/v1/job-dating/{job.result_ref}" if api else f"/job-dating/{job.result_ref}#planning"
    )


def job_out(job: Job, lang: str) -> JobOut:
    message = error_text(job, lang)
    return JobOut(
        id=job.id,
        kind=job.kind,  # type: ignore[arg-type]
        status=job.status,  # type: ignore[arg-type]
        stage=job.stage,
        done=job.done,
        total=job.total,
        progress=progress(job),
        created_by=job.created_by,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        params=job.params,
        result=job.result,
        result_ref=job.result_ref,
        result_url=result_url(job, api=True),
        error=JobError(code=job.error_code, message=message)
        if job.error_code is not None and message is not None
        else None,
    )


# -- running (called by api.jobs.runner, one unit of work each) -----------------------------------


def claim(session: Session, job_id: int, worker: str) -> Job | None:
    """The job, now running on `worker`; None if it is not (or no longer) queued."""
    if not repository.claim(session, job_id, worker, utcnow()):
        return None
    return repository.get(session, job_id)


def advance(
    session: Session,
    job_id: int,
    *,
    stage: str | None = None,
    done: int | None = None,
    total: int | None = None,
) -> bool:
    """Record progress; False when the job was interrupted meanwhile (its work should stop)."""
    values: dict[str, Any] = {"heartbeat_at": utcnow()}
    if stage is not None:
        values["stage"] = stage
    if done is not None:
        values["done"] = done
    if total is not None:
        values["total"] = total
    return repository.report(session, job_id, values)


def finish(
    session: Session, job_id: int, result: dict[str, Any], result_ref: str | None = None
) -> bool:
    """Done, with what it produced; False when it had already ended (interrupted)."""
    now = utcnow()
    values = {
        "stage": "done",
        "result": result,
        "result_ref": result_ref,
        "finished_at": now,
        "heartbeat_at": now,
    }
    return repository.end(session, job_id, "done", values)


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def fail(session: Session, job_id: int, error: AppError | None) -> bool:
    """Failed: with the refusal a service raised (its code and words), or as an unexpected
    failure (`job_failed`, the details left to the log)."""
    params: dict[str, Any] = {}
    code = FAILED
    if error is not None:
        code = error.code
        params = {
            "params": {k: _jsonable(v) for k, v in error.params.items()},
            "messages": {lang: error.text(lang) for lang in LANGUAGES},
        }
    values = {"error_code": code, "error_params": params, "finished_at": utcnow()}
    return repository.end(session, job_id, "failed", values)


def interrupt(session: Session, job: Job) -> bool:
    """Interrupted: its process stopped before it ended (a restart, a crash)."""
    values = {"error_code": INTERRUPTED, "error_params": {}, "finished_at": utcnow()}
    return repository.interrupt(session, job.id, job.status, values)


def recover(
    session: Session,
    *,
    dead: Callable[[str], bool],
    stale_minutes: int,
    now: datetime | None = None,
) -> tuple[list[int], list[int]]:
    """Jobs left behind by processes that stopped: (interrupted now, queued to hand over again).

    A running job whose process is gone (`dead(worker)`: on this machine, its process no longer
    exists) or that reported nothing for `stale_minutes` (a machine that went away) is marked
    interrupted: its partial work is not resumed, a coordinator starts it again knowingly. A
    queued job never started: it is handed to the queue again (a second message for the same
    job is harmless, only one consumer can claim it).
    """
    now = now or utcnow()
    stale = now - timedelta(minutes=stale_minutes)
    interrupted: list[int] = []
    queued: list[int] = []
    for job in repository.unfinished(session):
        if job.status == "queued":
            queued.append(job.id)
            continue
        beat = job.heartbeat_at or job.started_at or job.created_at
        if beat.tzinfo is None:  # SQLite gives naive datetimes back
            beat = beat.replace(tzinfo=now.tzinfo)
        if (job.worker is None or dead(job.worker) or beat < stale) and interrupt(session, job):
            interrupted.append(job.id)
    return interrupted, queued


def starter(session: Session, user_id: int | None) -> User | None:
    """The account that started a job, acting for it (the audit log names it)."""
    return repository.user(session, user_id)


def interrupt_by_id(session: Session, job_id: int) -> bool:
    job = repository.get(session, job_id)
    return job is not None and job.status in ("queued", "running") and interrupt(session, job)


def interrupt_worker(session: Session, worker: str) -> list[int]:
    """Mark interrupted the jobs still running on `worker` (a consumer that is stopping)."""
    return [
        job.id
        for job in repository.unfinished(session)
        if job.status == "running" and job.worker == worker and interrupt(session, job)
    ]


def under_way(session: Session, kind: str) -> Job | None:
    """The latest job of this kind still queued or running (a page shows its progress)."""
    jobs = [job for job in repository.unfinished(session) if job.kind == kind]
    return jobs[-1] if jobs else None


def origin(job: Job) -> str:
    """The coordinator's page a job was started from (where to start it again)."""
    if job.kind == "propose":
        return "/revue"
    if job.kind == "allocation":
        return "/allocations"
    return f"/job-dating/{job.params.get('event_id', '')}"
