"""Pages of partnerships: a researcher proposes a collaboration on an R&D need, and everyone
concerned reads the proposals (the researcher, the need's organisation, the coordinators)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.collaborations import service
from api.collaborations.schemas import ProposalIn
from api.core.deps import SessionDep
from api.core.errors import AppError
from api.core.inputs import RefPath
from api.core.rendering import (
    Form,
    SignedIn,
    WebRoute,
    field_errors,
    redirect,
    render,
    require_role,
    text,
)
from api.core.vocabulary import STAFF_ROLES
from api.models import Need, User

router = APIRouter(route_class=WebRoute)

LISTED = 100  # proposals on one page: a network's year of R&D needs fits


def _form(request: Request, user: User, need: Need, status: int = 200, **context: Any) -> Response:
    context.setdefault("values", {"message": ""})
    context.setdefault("errors", {})
    context.setdefault("proposal", None)
    return render(request, "web/collaboration_form.html", user, status, need=need, **context)


@router.get("/besoins/{ref}/collaboration")
def proposal_form(request: Request, session: SessionDep, user: SignedIn, ref: RefPath) -> Response:
    require_role(user, "researcher")
    need = service.proposable_need(session, user, ref)
    return _form(request, user, need, proposal=service.proposal_of(session, user, need))


@router.post("/besoins/{ref}/collaboration")
def send_proposal(
    request: Request, session: SessionDep, user: SignedIn, form: Form, ref: RefPath
) -> Response:
    require_role(user, "researcher")
    need = service.proposable_need(session, user, ref)
    values = {"message": text(form, "message")}
    try:
        service.propose(session, user, ref, ProposalIn.model_validate(values))
    except (ValidationError, AppError) as exc:
        session.rollback()
        status = exc.status_code if isinstance(exc, AppError) else 422
        errors = field_errors(request, exc)
        if "form" in errors:  # a refusal of the whole proposal is said beside the message
            errors["message"] = errors.pop("form")
        return _form(request, user, need, status, values=values, errors=errors)
    return redirect(request, "/collaborations", "collab.sent")


@router.get("/collaborations")
def proposals(request: Request, session: SessionDep, user: SignedIn) -> Response:
    require_role(user, "researcher", "company", *STAFF_ROLES)
    items, total = service.list_proposals(session, user, limit=LISTED, offset=0)
    return render(request, "web/collaborations.html", user, items=items, total=total)
