"""The page of a background job: its progress bar (refreshed by htmx polling), then its result.

While the job is queued or running, the progress part of the page asks for itself again every
second (`hx-trigger="every 1s"`, no script of ours: the CSP allows none inline). Once the job
is done, the page leads to its result (a redirect, or `HX-Redirect` for htmx) with the flash
message the synchronous form gave; a failed or interrupted job says why, in the page's language.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.core.deps import SessionDep
from api.core.inputs import DbId
from api.core.rendering import (
    SignedIn,
    WebRoute,
    flash,
    language,
    redirect,
    render,
    require_role,
    secure_cookies,
)
from api.core.vocabulary import STAFF_ROLES
from api.jobs import service

router = APIRouter(route_class=WebRoute)

# What the page said when the work ran during the request; the job's result page says it now.
DONE_FLASH = {
    "propose": "review.done",
    "allocation": "allocations.done",
    "schedule": "jobdating.scheduled",
}


@router.get("/travaux/{job_id}")
def job_page(request: Request, session: SessionDep, user: SignedIn, job_id: DbId) -> Response:
    require_role(user, *STAFF_ROLES)
    job = service.get_job(session, job_id)
    fragment = bool(request.headers.get("hx-request"))
    done_at = service.result_url(job, api=False)
    if done_at is not None and not fragment:
        return redirect(request, done_at, DONE_FLASH[job.kind])
    context: dict[str, Any] = {
        "job": job,
        "progress": service.progress(job),
        "error": service.error_text(job, language(request)),
        "back": service.origin(job),
    }
    if not fragment:
        return render(request, "web/job.html", user, **context)
    response = render(request, "web/_job.html", user, **context)
    if done_at is not None:
        response.headers["HX-Redirect"] = done_at
        flash(response, DONE_FLASH[job.kind], secure=secure_cookies(request))
    return response
