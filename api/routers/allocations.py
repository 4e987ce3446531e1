"""Allocation of places by coordinators: stable vs welfare-optimal, compared, saved, rerun."""

from __future__ import annotations

import io
from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

import numpy as np
import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload

from api.core.audit import actor_label, record
from api.core.deps import Coordinator, PageDep, SessionDep
from api.core.errors import AppError, NotFound
from api.core.pagination import Paginated
from api.engine.service import MatchingService, to_need, to_profile
from api.models import AllocationPair, AllocationRun, Need, Person
from matching.allocation import (
    AllocationInstance,
    Candidacy,
    Opening,
    compare,
    stable_allocation,
    welfare_allocation,
)

router = APIRouter(prefix="/api/v1/allocations", tags=["allocation"])

NeedKind = Literal["internship", "apprenticeship", "job", "rd", "hackathon"]


class AllocationRequest(BaseModel):
    kinds: list[NeedKind] = Field(default=["internship"], min_length=1)
    candidates_per_person: int = Field(default=20, ge=1, le=200)
    pinned: list[tuple[str, str]] = Field(default_factory=list, description="(personne, besoin)")
    forbidden: list[tuple[str, str]] = Field(default_factory=list)


class PairOut(BaseModel):
    method: str
    person_ref: str
    need_ref: str
    score: float


class RunSummary(BaseModel):
    id: int
    created_by: str
    created_at: datetime
    settings: dict[str, Any]
    pinned: list[str]
    forbidden: list[str]
    report: dict[str, Any]


class RunOut(RunSummary):
    pairs: list[PairOut]


def _scores(z: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Per-query z-scores to (0, 1): the solvers add scores, so they must be positive."""
    out: np.ndarray[Any, Any] = 1.0 / (1.0 + np.exp(-z))
    return out


def build_instance(
    session: Session, matching: MatchingService, body: AllocationRequest
) -> tuple[AllocationInstance, dict[str, dict[str, str]], dict[tuple[str, str], float]]:
    fitted = matching.fitted(session)
    needs = list(
        session.scalars(
            select(Need).where(Need.is_open, Need.kind.in_(body.kinds), Need.places > 0)
        )
    )
    people = list(session.scalars(select(Person).where(Person.kind.in_(("student", "researcher")))))
    if not needs or not people or fitted.needs is None or fitted.people is None:
        empty = AllocationInstance((), (), ())
        return empty, {}, {}
    profiles = [to_profile(p) for p in people]
    engine_needs = [to_need(n) for n in needs]
    # Both sides' view: the person's score for each need, and the need's score for each person.
    person_side, _, codes = fitted.needs.score_matrix(profiles)
    need_side, _, _ = fitted.people.score_matrix(engine_needs)
    need_col = {d.id: j for j, d in enumerate(fitted.needs.documents_)}
    person_col = {d.id: j for j, d in enumerate(fitted.people.documents_)}
    cols = np.array([need_col[n.ref] for n in needs])
    p_scores = _scores(person_side[:, cols])
    ok = codes[:, cols] == 0
    n_scores = _scores(need_side[:, [person_col[p.ref] for p in people]]).T
    pinned = {tuple(p) for p in body.pinned}
    candidacies: list[Candidacy] = []
    combined: dict[tuple[str, str], float] = {}
    for i, person in enumerate(people):
        allowed = np.flatnonzero(ok[i])
        best = allowed[np.argsort(-p_scores[i, allowed])][: body.candidates_per_person]
        chosen = set(best.tolist()) | {
            j for j, n in enumerate(needs) if (person.ref, n.ref) in pinned
        }
        for j in sorted(chosen):
            pair = (person.ref, needs[j].ref)
            candidacies.append(
                Candidacy(pair[0], pair[1], float(p_scores[i, j]), float(n_scores[i, j]))
            )
            combined[pair] = float(p_scores[i, j] + n_scores[i, j])
    instance = AllocationInstance(
        people=tuple(p.ref for p in people),
        openings=tuple(Opening(n.ref, n.places) for n in needs),
        candidacies=tuple(candidacies),
        pinned=tuple(body.pinned),
        forbidden=tuple(body.forbidden),
    )
    groups = {
        "territory": {p.ref: p.territory or "?" for p in people},
        "school": {p.ref: p.organisation.name if p.organisation else "?" for p in people},
    }
    return instance, groups, combined


def run_allocation(
    session: Session, matching: MatchingService, body: AllocationRequest, actor: Any
) -> AllocationRun:
    try:
        instance, groups, combined = build_instance(session, matching, body)
        results = {"stable": stable_allocation(instance), "welfare": welfare_allocation(instance)}
    except ValueError as exc:
        raise AppError(str(exc), 422, field="pinned") from None
    report = compare(instance, results, groups=groups)
    run = AllocationRun(
        created_by=actor_label(actor),
        settings={"kinds": body.kinds, "candidates_per_person": body.candidates_per_person},
        pinned=[f"{p}|{n}" for p, n in body.pinned],
        forbidden=[f"{p}|{n}" for p, n in body.forbidden],
        report={"rows": [asdict(r) | {"unplaced": len(r.unplaced)} for r in report.rows]},
    )
    run.pairs = [
        AllocationPair(method=method, person_ref=p, need_ref=n, score=combined.get((p, n), 0.0))
        for method, allocation in results.items()
        for p, n in allocation.pairs
    ]
    session.add(run)
    session.flush()
    record(
        session,
        actor,
        "allocate",
        "allocation",
        str(run.id),
        placed={m: a.placed for m, a in results.items()},
    )
    return run


def list_runs(session: Session, limit: int, offset: int) -> tuple[list[AllocationRun], int]:
    """Saved runs, newest first, without their pairs (a run holds hundreds of them)."""
    rows = session.scalars(
        select(AllocationRun)
        .options(lazyload(AllocationRun.pairs))
        .order_by(AllocationRun.created_at.desc(), AllocationRun.id.desc())
        .limit(limit)
        .offset(offset)
    )
    total = session.scalar(select(func.count()).select_from(AllocationRun)) or 0
    return list(rows), int(total)


def run_summary(run: AllocationRun) -> RunSummary:
    return RunSummary(
        id=run.id,
        created_by=run.created_by,
        created_at=run.created_at,
        settings=run.settings,
        pinned=run.pinned,
        forbidden=run.forbidden,
        report=run.report,
    )


def run_out(run: AllocationRun) -> RunOut:
    return RunOut(
        id=run.id,
        created_by=run.created_by,
        created_at=run.created_at,
        settings=run.settings,
        pinned=run.pinned,
        forbidden=run.forbidden,
        report=run.report,
        pairs=[
            PairOut(method=p.method, person_ref=p.person_ref, need_ref=p.need_ref, score=p.score)
            for p in run.pairs
        ],
    )


@router.get("", response_model=Paginated[RunSummary])
def list_(session: SessionDep, user: Coordinator, page: PageDep) -> Paginated[RunSummary]:
    """Allocations enregistrées, de la plus récente / saved runs, newest first (no pairs)."""
    runs, total = list_runs(session, page.limit, page.offset)
    return Paginated(
        items=[run_summary(r) for r in runs], total=total, limit=page.limit, offset=page.offset
    )


@router.post("", response_model=RunOut, status_code=201)
def create(
    request: Request, session: SessionDep, user: Coordinator, body: AllocationRequest
) -> RunOut:
    """Allouer les places : stable et optimale côte à côte / allocate, both methods compared."""
    return run_out(run_allocation(session, request.app.state.matching, body, user))


def get_run(session: Session, run_id: int) -> AllocationRun:
    run = session.get(AllocationRun, run_id)
    if run is None:
        raise NotFound("Allocation", str(run_id))
    return run


@router.get("/{run_id}", response_model=RunOut)
def read(session: SessionDep, user: Coordinator, run_id: int) -> RunOut:
    return run_out(get_run(session, run_id))


class Rerun(BaseModel):
    pinned: list[tuple[str, str]] = Field(default_factory=list)
    forbidden: list[tuple[str, str]] = Field(default_factory=list)


def split_pairs(values: list[str]) -> list[tuple[str, str]]:
    """Stored "person|need" strings back to pairs."""
    return [(person, need) for person, _, need in (v.partition("|") for v in values)]


def rerun_request(
    previous: AllocationRun,
    pinned: list[tuple[str, str]],
    forbidden: list[tuple[str, str]],
    *,
    dropped: frozenset[tuple[str, str]] = frozenset(),
) -> AllocationRequest:
    """The settings of ``previous`` with its pins and bans kept, new ones added, ``dropped`` removed."""

    def merge(kept: list[str], added: list[tuple[str, str]]) -> list[tuple[str, str]]:
        pairs = split_pairs(kept) + [(person, need) for person, need in added]
        return [p for p in dict.fromkeys(pairs) if p not in dropped]

    return AllocationRequest(
        kinds=previous.settings.get("kinds", ["internship"]),
        candidates_per_person=previous.settings.get("candidates_per_person", 20),
        pinned=merge(previous.pinned, pinned),
        forbidden=merge(previous.forbidden, forbidden),
    )


@router.post("/{run_id}/rerun", response_model=RunOut, status_code=201)
def rerun(
    request: Request, session: SessionDep, user: Coordinator, run_id: int, body: Rerun
) -> RunOut:
    """Relancer en gardant les épinglages (et en ajoutant ceux donnés) / rerun keeping pins."""
    previous = get_run(session, run_id)
    request_body = rerun_request(previous, body.pinned, body.forbidden)
    return run_out(run_allocation(session, request.app.state.matching, request_body, user))


@router.get("/{run_id}/export.{fmt}")
def export(
    session: SessionDep, user: Coordinator, run_id: int, fmt: Literal["csv", "xlsx"]
) -> Response:
    """Exporter les affectations / export the pairs (CSV or XLSX)."""
    run = get_run(session, run_id)
    frame = pd.DataFrame(
        [
            {"methode": p.method, "personne": p.person_ref, "besoin": p.need_ref, "score": p.score}
            for p in run.pairs
        ],
        columns=["methode", "personne", "besoin", "score"],
    )
    name = f"allocation-{run.id}.{fmt}"
    if fmt == "csv":
        content = frame.to_csv(index=False).encode("utf-8")
        media = "text/csv; charset=utf-8"
    else:
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False)
        content = buffer.getvalue()
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
