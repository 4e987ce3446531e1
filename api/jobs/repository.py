"""Every query of the background jobs: claim, report, finish, and find what a dead process left."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from api.models import Job, User


def get(session: Session, job_id: int) -> Job | None:
    return session.get(Job, job_id)


def latest(session: Session, limit: int, offset: int, kind: str | None = None) -> list[Job]:
    query = select(Job).order_by(Job.id.desc()).limit(limit).offset(offset)
    if kind is not None:
        query = query.where(Job.kind == kind)
    return list(session.scalars(query))


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Job)) or 0)


def _changed(session: Session, job_id: int, status: str, values: dict[str, Any]) -> bool:
    """Set `values` on the job if it is still in `status`; whether it was."""
    result = session.execute(
        update(Job).where(Job.id == job_id, Job.status == status).values(**values)
    )
    session.expire_all()  # the row changed behind the identity map
    return isinstance(result, CursorResult) and result.rowcount == 1


def claim(session: Session, job_id: int, worker: str, now: datetime) -> bool:
    """Queued -> running for this worker; False when another took it or it was ended."""
    values = {"status": "running", "worker": worker, "started_at": now, "heartbeat_at": now}
    return _changed(session, job_id, "queued", values)


def report(session: Session, job_id: int, values: dict[str, Any]) -> bool:
    """Progress of a running job; False if it is no longer running (interrupted meanwhile)."""
    return _changed(session, job_id, "running", values)


def end(session: Session, job_id: int, status: str, values: dict[str, Any]) -> bool:
    """A running job's outcome; False if it had already ended."""
    return _changed(session, job_id, "running", {"status": status, **values})


def interrupt(session: Session, job_id: int, status: str, values: dict[str, Any]) -> bool:
    return _changed(session, job_id, status, {"status": "interrupted", **values})


def unfinished(session: Session) -> list[Job]:
    """Jobs queued or running, oldest first."""
    query = select(Job).where(Job.status.in_(("queued", "running"))).order_by(Job.id)
    return list(session.scalars(query))


def user(session: Session, user_id: int | None) -> User | None:
    """Who started a job (None once the account is gone: the job then acts as the system)."""
    return session.get(User, user_id) if user_id is not None else None
