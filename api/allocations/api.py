"""JSON endpoints of the allocation of places (coordinators only)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.allocations import service
from api.allocations.schemas import AllocationRequest, PairOut, Rerun, RunOut, RunSummary
from api.core.deps import Coordinator, PageDep, SessionDep
from api.core.inputs import DbId
from api.core.pagination import Paginated
from api.models import AllocationRun

router = APIRouter(prefix="/api/v1/allocations", tags=["allocation"])


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
        **run_summary(run).model_dump(),
        pairs=[
            PairOut(method=p.method, person_ref=p.person_ref, need_ref=p.need_ref, score=p.score)
            for p in run.pairs
        ],
    )


@router.get("", response_model=Paginated[RunSummary])
def list_(session: SessionDep, user: Coordinator, page: PageDep) -> Paginated[RunSummary]:
    """Allocations enregistrées, de la plus récente / saved runs, newest first (no pairs)."""
    runs, total = service.list_runs(session, page.limit, page.offset)
    return Paginated(
        items=[run_summary(r) for r in runs], total=total, limit=page.limit, offset=page.offset
    )


@router.post("", response_model=RunOut, status_code=201)
def create(
    request: Request, session: SessionDep, user: Coordinator, body: AllocationRequest
) -> RunOut:
    """Allouer les places : stable et optimale côte à côte / allocate, both methods compared."""
    return run_out(service.run_allocation(session, request.app.state.matching, body, user))


@router.get("/{run_id}", response_model=RunOut)
def read(session: SessionDep, user: Coordinator, run_id: DbId) -> RunOut:
    return run_out(service.get_run(session, run_id))


@router.post("/{run_id}/rerun", response_model=RunOut, status_code=201)
def rerun(
    request: Request, session: SessionDep, user: Coordinator, run_id: DbId, body: Rerun
) -> RunOut:
    """Relancer en gardant les épinglages (et en ajoutant ceux donnés) / rerun keeping pins."""
    previous = service.get_run(session, run_id)
    run = service.rerun(
        session,
        request.app.state.matching,
        previous,
        user,
        pinned=body.pinned,
        forbidden=body.forbidden,
    )
    return run_out(run)


@router.get("/{run_id}/export.{fmt}")
def export(
    session: SessionDep, user: Coordinator, run_id: DbId, fmt: Literal["csv", "xlsx"]
) -> Response:
    """Exporter les affectations / export the pairs (CSV or XLSX)."""
    file = service.export_run(service.get_run(session, run_id), fmt)
    return Response(
        file.content,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )
