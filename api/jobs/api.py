"""JSON endpoints of the background jobs: start one (202 and where to follow it), read it."""

from __future__ import annotations

from fastapi import APIRouter, Body, Request, Response

from api.core.deps import Coordinator, PageDep, SessionDep
from api.core.errors import request_language
from api.core.inputs import DbId
from api.core.pagination import Paginated
from api.jobs import service
from api.jobs.schemas import JobOut, JobStart

router = APIRouter(prefix="/api/v1/jobs", tags=["travaux / jobs"])


@router.post("", response_model=JobOut, status_code=202)
def start(
    request: Request,
    response: Response,
    session: SessionDep,
    user: Coordinator,
    body: JobStart = Body(discriminator="kind"),
) -> JobOut:
    """Lancer en arrière-plan le lot de suggestions, une allocation ou un planning de job
    dating / start the suggestion batch, an allocation or a job-dating schedule in the
    background. The answer (202) is the job; `Location` is where to follow its progress. The
    same batch or schedule already under way is answered instead of starting a second one."""
    job = service.start(session, request.app.state.jobs, user, body)
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return service.job_out(job, request_language(request))


@router.get("", response_model=Paginated[JobOut])
def index(
    request: Request, session: SessionDep, user: Coordinator, page: PageDep
) -> Paginated[JobOut]:
    """Travaux, du plus récent / jobs, newest first."""
    jobs, total = service.list_jobs(session, page.limit, page.offset)
    lang = request_language(request)
    return Paginated(
        items=[service.job_out(j, lang) for j in jobs],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{job_id}", response_model=JobOut)
def read(request: Request, session: SessionDep, user: Coordinator, job_id: DbId) -> JobOut:
    """Où en est un travail / a job's status, progress and outcome."""
    return service.job_out(service.get_job(session, job_id), request_language(request))
