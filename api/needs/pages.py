"""Pages where a company lists, posts, edits, closes or reopens its needs, with skills spotted
as it types."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from api.core.deps import SessionDep
from api.core.errors import AppError, NotFound
from api.core.inputs import RefPath
from api.core.rendering import (
    TEMPLATES,
    Form,
    SignedIn,
    WebRoute,
    field_errors,
    redirect,
    render,
    require_role,
    split_list,
    text,
)
from api.core.vocabulary import NEED_KINDS, REMOTE_MODES
from api.models import Need, User
from api.needs import service
from api.needs.schemas import NeedCreate, NeedUpdate
from api.needs.service import MAX_TEXT, skill_hints

router = APIRouter(route_class=WebRoute)

NEED_FIELDS = (
    "title",
    "kind",
    "description",
    "skills",
    "nice_to_have",
    "town",
    "remote",
    "start_date",
    "duration_months",
    "places",
)
ADD_FIELD = "ajouter_competence"

# The need form (new and edit, every path that renders it) shows the hints without JavaScript.
TEMPLATES.env.globals["skill_hints"] = skill_hints


def _company(user: User) -> None:
    require_role(user, "company")
    if user.organisation is None:
        raise NotFound(code="no_organisation")


def _body(values: dict[str, Any], town: str | None) -> dict[str, Any]:
    """The need's fields as the schemas read them, from the form's values."""
    return {
        "title": values["title"],
        "kind": values["kind"],
        "description": values["description"],
        "skills": split_list(values["skills"]),
        "nice_to_have": split_list(values["nice_to_have"]),
        "town": town,
        "remote": values["remote"],
        "start_date": values["start_date"] or None,
        "duration_months": values["duration_months"] or None,
        "places": values["places"] or 1,
    }


def _form(
    request: Request,
    user: User,
    need: Need | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "web/need_form.html",
        user,
        status_code,
        need=need,
        values=values,
        errors=errors or {},
        kinds=NEED_KINDS,
        remote=REMOTE_MODES,
    )


@router.get("/besoins")
def needs_page(request: Request, session: SessionDep, user: SignedIn) -> Response:
    _company(user)
    assert user.organisation is not None
    needs = service.needs_of(session, user.organisation)
    return render(request, "web/needs.html", user, needs=needs, organisation=user.organisation)


@router.get("/besoins/nouveau")
def new_need_page(request: Request, user: SignedIn) -> Response:
    _company(user)
    values = {"kind": "internship", "remote": "none", "places": "1"}
    return render(
        request,
        "web/need_form.html",
        user,
        values=values,
        errors={},
        kinds=NEED_KINDS,
        remote=REMOTE_MODES,
    )


@router.post("/besoins/nouveau")
def post_need(request: Request, session: SessionDep, user: SignedIn, form: Form) -> Response:
    _company(user)
    values: dict[str, Any] = {name: text(form, name) for name in NEED_FIELDS}
    try:
        body = NeedCreate.model_validate(_body(values, values["town"] or None))
        need = service.create_need(session, user, body)
    except (ValidationError, AppError) as exc:
        session.rollback()
        errors = field_errors(request, exc)
        return render(
            request,
            "web/need_form.html",
            user,
            422,
            values=values,
            errors=errors,
            kinds=NEED_KINDS,
            remote=REMOTE_MODES,
        )
    return redirect(request, f"/besoins/{need.ref}/candidats", "need.created")


@router.get("/web/competences/extraction")
def extract_skills(texte: str = "", exclure: str = "") -> JSONResponse:
    """Skill labels found in a description being typed, minus those already listed (JSON)."""
    return JSONResponse(skill_hints(texte, exclure[:MAX_TEXT]))


def _values(need: Need) -> dict[str, Any]:
    return {
        "title": need.title,
        "kind": need.kind,
        "description": need.description,
        "skills": ", ".join(need.skills),
        "nice_to_have": ", ".join(need.nice_to_have),
        "town": need.town or "",
        "remote": need.remote,
        "start_date": need.start_date.isoformat() if need.start_date else "",
        "duration_months": "" if need.duration_months is None else str(need.duration_months),
        "places": str(need.places),
    }


def _posted(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: text(form, name) for name in NEED_FIELDS}
    added = text(form, ADD_FIELD)
    if added:  # a "+ skill" button pressed without JavaScript
        current = split_list(values["skills"])
        if added.casefold() not in {label.casefold() for label in current}:
            values["skills"] = ", ".join([*current, added])
    return values


def _editable(session: SessionDep, user: User, ref: str) -> Need:
    require_role(user, "company", "admin")
    return service.editable_need(session, user, ref)


@router.post("/besoins/nouveau/apercu")
def preview_new_need(request: Request, user: SignedIn, form: Form) -> Response:
    """The new-need form again, with the skills spotted in its description (nothing saved)."""
    require_role(user, "company")
    return _form(request, user, None, _posted(form))


@router.get("/besoins/{ref}/modifier")
def edit_need_page(request: Request, session: SessionDep, user: SignedIn, ref: RefPath) -> Response:
    need = _editable(session, user, ref)
    return _form(request, user, need, _values(need))


@router.post("/besoins/{ref}/modifier/apercu")
def preview_need(
    request: Request, session: SessionDep, user: SignedIn, form: Form, ref: RefPath
) -> Response:
    need = _editable(session, user, ref)
    return _form(request, user, need, _posted(form))


@router.post("/besoins/{ref}/modifier")
def save_need(
    request: Request, session: SessionDep, user: SignedIn, form: Form, ref: RefPath
) -> Response:
    need = _editable(session, user, ref)
    values = _posted(form)
    # An empty town means "where the organisation is", as when the need was published.
    town = values["town"] or need.organisation.town
    try:
        body = NeedUpdate.model_validate(_body(values, town))
        service.update_need(session, user, ref, body)
    except (ValidationError, AppError) as exc:
        # The page answers normally (422), so the half-applied changes must not be committed.
        session.rollback()
        need = _editable(session, user, ref)
        return _form(request, user, need, values, field_errors(request, exc), 422)
    return redirect(request, f"/besoins#besoin-{ref}", "need.saved")


@router.post("/besoins/{ref}/statut")
def set_need_open(
    request: Request, session: SessionDep, user: SignedIn, form: Form, ref: RefPath
) -> Response:
    """Close a need (no new candidates, history kept) or reopen it."""
    _editable(session, user, ref)
    is_open = text(form, "is_open") == "1"
    service.update_need(session, user, ref, NeedUpdate.model_validate({"is_open": is_open}))
    return redirect(
        request, f"/besoins#besoin-{ref}", "need.reopened" if is_open else "need.closed"
    )
