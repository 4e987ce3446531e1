"""Pages where a company edits, closes or reopens its needs, with skills spotted as it types."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from api.core.deps import SessionDep
from api.core.errors import AppError
from api.core.policy import ensure_own_need
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
from api.models import Need, User
from api.repository import get_or_404
from api.routers.needs import update_need
from api.schemas import NeedUpdate
from api.web.companies import KINDS, NEED_FIELDS, REMOTE
from matching.skills import SkillVocabulary

router = APIRouter(route_class=WebRoute)

MAX_TEXT = 5_000  # a long job ad is ~3,000 characters; more is not a description being typed
MAX_HINTS = 12
ADD_FIELD = "ajouter_competence"


def skill_hints(description: str, *taken: str) -> list[str]:
    """Vocabulary skills named in the description that no comma-separated list in taken holds.

    Labels already listed are compared through the vocabulary, so "python3" hides "Python".
    """
    vocabulary = SkillVocabulary.builtin()
    listed = [label for value in taken for label in split_list(value or "")]
    known, unknown = vocabulary.canonicalise(listed)
    seen = {skill.id for skill in known} | {label.casefold() for label in unknown}
    hints = []
    for skill in vocabulary.extract((description or "")[:MAX_TEXT]):
        if skill.id not in seen and skill.label.casefold() not in seen:
            hints.append(skill.label)
    return hints[:MAX_HINTS]


# The need form (new and edit, every path that renders it) shows the hints without JavaScript.
TEMPLATES.env.globals["skill_hints"] = skill_hints


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
    """The need, if this user may change it (its company, or an admin); 404 or 403 otherwise."""
    require_role(user, "company", "admin")
    need = get_or_404(session, Need, ref)
    ensure_own_need(user, need)
    return need


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
        kinds=KINDS,
        remote=REMOTE,
    )


@router.post("/besoins/nouveau/apercu")
def preview_new_need(request: Request, user: SignedIn, form: Form) -> Response:
    """The new-need form again, with the skills spotted in its description (nothing saved)."""
    require_role(user, "company")
    return _form(request, user, None, _posted(form))


@router.get("/besoins/{ref}/modifier")
def edit_need_page(request: Request, session: SessionDep, user: SignedIn, ref: str) -> Response:
    need = _editable(session, user, ref)
    return _form(request, user, need, _values(need))


@router.post("/besoins/{ref}/modifier/apercu")
def preview_need(
    request: Request, session: SessionDep, user: SignedIn, form: Form, ref: str
) -> Response:
    need = _editable(session, user, ref)
    return _form(request, user, need, _posted(form))


@router.post("/besoins/{ref}/modifier")
def save_need(
    request: Request, session: SessionDep, user: SignedIn, form: Form, ref: str
) -> Response:
    need = _editable(session, user, ref)
    values = _posted(form)
    # An empty town means "where the organisation is", as when the need was published.
    town = values["town"] or need.organisation.town
    try:
        body = NeedUpdate.model_validate(
            {
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
        )
        update_need(session, user, ref, body)
    except (ValidationError, AppError) as exc:
        session.rollback()
        need = _editable(session, user, ref)
        return _form(request, user, need, values, field_errors(request, exc), 422)
    session.commit()
    return redirect(request, f"/besoins#besoin-{ref}", "need.saved")


@router.post("/besoins/{ref}/statut")
def set_need_open(
    request: Request, session: SessionDep, user: SignedIn, form: Form, ref: str
) -> Response:
    """Close a need (no new candidates, history kept) or reopen it."""
    _editable(session, user, ref)
    is_open = text(form, "is_open") == "1"
    update_need(session, user, ref, NeedUpdate.model_validate({"is_open": is_open}))
    session.commit()
    return redirect(
        request, f"/besoins#besoin-{ref}", "need.reopened" if is_open else "need.closed"
    )
