"""The bodies of the background jobs: each runs its domain's own service, one unit of work (one
session, one commit) at a time, and records its progress in the same transaction as its work."""

from __future__ import annotations

import logging
import math
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from api.allocations import service as allocations_service
from api.allocations.schemas import AllocationRequest
from api.core.db import busy_cause, session_scope
from api.core.errors import AppError
from api.engine.service import MatchingService
from api.jobdating import service as jobdating_service
from api.jobs import service
from api.review import service as review_service

log = logging.getLogger(__name__)
T = TypeVar("T")

# The suggestion batch runs in about this many slices: progress moves once per slice, and a
# slice's suggestions are committed with it (a restart loses at most one slice's work).
SLICES = 20
ATTEMPTS = 3


class Stopped(Exception):
    """The job must stop: its consumer is shutting down, or it was marked interrupted."""


@dataclass
class Context:
    """Where a job runs. `state` holds `sessions` and `matching`, read when the job runs (the
    web app's state, or the worker's own): tests swap them after the app is built."""

    state: Any
    worker: str
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def sessions(self) -> sessionmaker[Session]:
        sessions: sessionmaker[Session] = self.state.sessions
        return sessions

    @property
    def matching(self) -> MatchingService:
        matching: MatchingService = self.state.matching
        return matching


# -- who runs a job ------------------------------------------------------------------------------


def _started(pid: int) -> str:
    """When process `pid` started (clock ticks since boot, Linux), "" where unknown: with the
    pid, it tells a process from a later one that got the same pid (a restarted container)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def worker_id() -> str:
    """This process, as a job's `worker` names it: "host:pid:start"."""
    return f"{socket.gethostname()}:{os.getpid()}:{_started(os.getpid())}"


def is_dead(worker: str) -> bool:
    """Whether the process a job's `worker` names is known to be gone. Only a process of this
    machine can be checked; another machine's jobs are judged by their silence instead."""
    host, _, rest = worker.rpartition(":")
    host, _, pid_text = host.rpartition(":")
    started = rest
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # exists, another user's
    now = _started(pid)
    return bool(started and now) and now != started


# -- units of work -------------------------------------------------------------------------------


def unit(context: Context, work: Callable[[Session], T]) -> T:
    """Run `work` in a session of its own and commit; again if it lost a race for a lock.

    As a request does (api.core.unit_of_work): on SQLite a unit reads without locking and
    takes the write lock at its first write, which fails at once if another writer committed
    meanwhile; the retry takes the lock at BEGIN.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            for session in session_scope(context.sessions, write_lock=attempt > 1):
                result = work(session)
        except Exception as exc:
            if attempt == ATTEMPTS or busy_cause(exc) is None:
                raise
            time.sleep(random.uniform(0.01, 0.05) * attempt)
            continue
        context.matching.flush_cache()
        return result
    raise AssertionError("unreachable")  # pragma: no cover


def _checked(ok: bool) -> None:
    if not ok:
        raise Stopped  # marked interrupted meanwhile: this unit is rolled back


# -- the jobs ------------------------------------------------------------------------------------


def _propose(context: Context, job_id: int, params: dict[str, Any], user_id: int | None) -> None:
    per_need = int(params.get("per_need", 5))
    # The batch's scope, read once: the open needs, and the empty profiles every slice skips.
    ids, empty = unit(
        context, lambda s: (review_service.open_need_ids(s), review_service.empty_profiles(s))
    )
    size = max(1, math.ceil(len(ids) / SLICES))
    slices = [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]
    unit(context, lambda s: _checked(service.advance(s, job_id, stage="ranking", total=len(ids))))
    needs = created = kept = done = 0
    people_left: set[str] = set()
    needs_left: set[str] = set()
    for part in slices:
        if context.stopping.is_set():
            raise Stopped

        def work(session: Session, part: list[int] = part, before: int = done) -> Any:
            actor = service.starter(session, user_id)
            report = review_service.propose(
                session,
                context.matching,
                per_need,
                actor,
                need_ids=part,
                audit=False,
                empty_people=empty,
            )
            _checked(service.advance(session, job_id, done=before + len(part)))
            return report

        report = unit(context, work)
        done += len(part)
        needs += report.needs
        created += report.created
        kept += report.kept
        people_left.update(report.left_out.people)
        needs_left.update(report.left_out.needs)
    result = {
        "needs": needs,
        "created": created,
        "kept": kept,
        "left_out": {"people": sorted(people_left), "needs": sorted(needs_left)},
    }

    def end(session: Session) -> None:
        review_service.record_batch(session, service.starter(session, user_id), created, kept)
        _checked(service.finish(session, job_id, result))

    unit(context, end)


def _allocate(context: Context, job_id: int, params: dict[str, Any], user_id: int | None) -> None:
    body = AllocationRequest.model_validate(params)
    unit(context, lambda s: _checked(service.advance(s, job_id, stage="allocating", total=1)))

    def work(session: Session) -> None:
        actor = service.starter(session, user_id)
        run = allocations_service.run_allocation(session, context.matching, body, actor)
        placed = {row["method"]: row["placed"] for row in run.report.get("rows", [])}
        result = {"run": run.id, "placed": placed, "left_out": run.report.get("left_out", {})}
        _checked(service.advance(session, job_id, done=1))
        _checked(service.finish(session, job_id, result, str(run.id)))

    unit(context, work)


def _schedule(context: Context, job_id: int, params: dict[str, Any], user_id: int | None) -> None:
    event_id = int(params["event_id"])
    coverage = bool(params.get("coverage", True))
    unit(context, lambda s: _checked(service.advance(s, job_id, stage="scheduling", total=1)))

    def work(session: Session) -> None:
        actor = service.starter(session, user_id)
        event = jobdating_service.get_event(session, event_id)
        jobdating_service.schedule_event(session, context.matching, event, actor, coverage=coverage)
        result = {"event": event_id, "meetings": len(event.meetings)}
        _checked(service.advance(session, job_id, done=1))
        _checked(service.finish(session, job_id, result, str(event_id)))

    unit(context, work)


BODIES: dict[str, Callable[[Context, int, dict[str, Any], int | None], None]] = {
    "propose": _propose,
    "allocation": _allocate,
    "schedule": _schedule,
}


def run_job(context: Context, job_id: int) -> None:
    """Claim the job and run it to its end: done, failed (with the service's refusal, or
    `job_failed`) or interrupted. A job another consumer claimed, or that ended, is skipped."""

    def claim(session: Session) -> tuple[str, dict[str, Any], int | None] | None:
        job = service.claim(session, job_id, context.worker)
        return None if job is None else (job.kind, dict(job.params), job.user_id)

    claimed = unit(context, claim)
    if claimed is None:
        return
    kind, params, user_id = claimed
    try:
        BODIES[kind](context, job_id, params, user_id)
    except Stopped:
        unit(context, lambda s: service.interrupt_by_id(s, job_id))
    except AppError as exc:
        refusal = exc
        unit(context, lambda s: service.fail(s, job_id, refusal))
    except Exception:
        log.exception("job %s (%s) failed", job_id, kind)
        unit(context, lambda s: service.fail(s, job_id, None))
