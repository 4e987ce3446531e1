"""Pages of applications: a person's own (with status, withdrawal), a need's inbox where the
company moves them on, the CV download, and a candidate's profile as a company sees it."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.applications import cv as cvs
from api.applications import service
from api.applications.schemas import StatusChange
from api.core import rendering
from api.core.deps import SessionDep
from api.core.errors import AppError
from api.core.inputs import DbId, RefPath
from api.core.rendering import (
    Form,
    SignedIn,
    WebRoute,
    field_errors,
    language,
    redirect,
    render,
    require_role,
    text,
)
from api.core.vocabulary import PERSON_ROLES, STAFF_ROLES

router = APIRouter(route_class=WebRoute)

APPLY_PATH = re.compile(r"^/offres/[^/]+/postuler$")


def error_page(request: Request, status_code: int, message_key: str) -> HTMLResponse:
    """The error page, saying "your CV is too large" when an application's form was too large
    to be read (the body limit answers before any route: the form cannot be shown again)."""
    if status_code == 413 and APPLY_PATH.match(request.url.path):
        message_key = "error.cv_too_large_page"
    return rendering.error_page(request, status_code, message_key)


# The statuses a company picks from, in the order an application usually goes.
COMPANY_STATUSES = ("received", "seen", "interview", "retained", "hired", "refused")


@router.get("/candidatures")
def my_applications(request: Request, session: SessionDep, user: SignedIn) -> Response:
    require_role(user, *PERSON_ROLES)
    return render(
        request, "web/applications_mine.html", user, applications=service.mine(session, user)
    )


@router.post("/candidatures/{application_id}/retrait")
def withdraw(
    request: Request, session: SessionDep, user: SignedIn, form: Form, application_id: DbId
) -> Response:
    require_role(user, *PERSON_ROLES)
    service.withdraw(session, user, application_id)
    return redirect(request, f"/candidatures#candidature-{application_id}", "application.withdrawn")


@router.get("/candidatures/{application_id}/cv")
def download_cv(
    request: Request, session: SessionDep, user: SignedIn, application_id: DbId
) -> Response:
    """The CV of an application: for its applicant, the need's organisation and staff."""
    path, name = service.cv_path(session, user, application_id, request.app.state.settings.data_dir)
    return cvs.download(path, name)


def _inbox(
    request: Request,
    session: SessionDep,
    user: SignedIn,
    ref: str,
    errors: dict[int, dict[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    need, items = service.for_need(session, user, ref)
    return render(
        request,
        "web/applications_inbox.html",
        user,
        status_code,
        need=need,
        applications=items,
        statuses=COMPANY_STATUSES,
        transitions=service.TRANSITIONS,
        errors=errors or {},
    )


@router.get("/besoins/{ref}/candidatures")
def inbox(request: Request, session: SessionDep, user: SignedIn, ref: RefPath) -> Response:
    """The applications a need received: for its organisation and the coordinators."""
    require_role(user, "company", *STAFF_ROLES)
    return _inbox(request, session, user, ref)


@router.post("/candidatures/{application_id}/statut")
def change_status(
    request: Request, session: SessionDep, user: SignedIn, form: Form, application_id: DbId
) -> Response:
    require_role(user, "company", "admin")
    application = service.readable(session, user, application_id)
    ref = application.need.ref
    try:
        body = StatusChange.model_validate(
            {"status": text(form, "status"), "reason": text(form, "reason")}
        )
        service.change_status(session, user, application_id, body)
    except (ValidationError, AppError) as exc:
        if isinstance(exc, AppError) and exc.status_code in (403, 404):
            raise
        session.rollback()
        if isinstance(exc, AppError):
            errors = {application_id: {exc.field or "form": exc.text(language(request))}}
        else:
            errors = {application_id: field_errors(request, exc)}
        return _inbox(request, session, user, ref, errors, 422)
    return redirect(
        request, f"/besoins/{ref}/candidatures#candidature-{application_id}", "application.moved"
    )


@router.get("/candidats/{ref}")
def candidate(request: Request, session: SessionDep, user: SignedIn, ref: RefPath) -> Response:
    """A candidate's profile for a company: when they consented or applied to one of its needs
    (or were introduced to it); with their fit to each of its open needs."""
    require_role(user, "company", *STAFF_ROLES)
    found = service.candidate(session, request.app.state.matching, user, ref)
    return render(request, "web/candidate.html", user, candidate=found)
