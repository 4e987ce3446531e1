"""Pages where a company lists, posts, edits, closes or reopens its needs, with skills spotted
as it types."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUpload

from api.applications import service as applications
from api.applications.cv import MAX_CV_BYTES, read_cv
from api.core.deps import SessionDep
from api.core.errors import AppError, NotFound
from api.core.inputs import DRAFT_TEXT, RefPath
from api.core.pagination import page_number, pager
from api.core.rendering import (
    TEMPLATES,
    Form,
    SignedIn,
    WebRoute,
    WebUser,
    field_errors,
    language,
    redirect,
    render,
    require_role,
    split_list,
    text,
)
from api.core.unit_of_work import ranking_turn
from api.core.vocabulary import LEVELS, NEED_KINDS, PERSON_ROLES, REMOTE_MODES
from api.models import Need, User
from api.needs import service
from api.needs.schemas import NeedCreate, NeedUpdate
from api.needs.service import skill_hints, unread_sentences
from api.people.schemas import ProfileUpdate
from api.people.service import person_of, update_profile
from api.recommendations.service import interested_refs, pair_fit
from api.review.service import withdraw_interest
from matching.taxonomy import Reading

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
    "end_date",
    "deadline",
    "level_min",
    "languages",
    "pay",
)
ADD_FIELD = "ajouter_competence"
LEVEL_CHOICES = ("", *LEVELS)  # "" = no minimum level

# The need form (new and edit, every path that renders it) shows the hints without JavaScript.
TEMPLATES.env.globals["skill_hints"] = skill_hints
TEMPLATES.env.globals["unread_sentences"] = unread_sentences


def need_reading(request: Request, values: dict[str, Any]) -> Reading | None:
    """How the engine reads the form as written (its likeliest ESCO occupations)."""
    return service.draft_reading(
        request.app.state.matching,
        str(values.get("title") or ""),
        str(values.get("description") or ""),
        str(values.get("skills") or ""),
    )


TEMPLATES.env.globals["need_reading"] = need_reading


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
        "end_date": values["end_date"] or None,
        "deadline": values["deadline"] or None,
        "level_min": values["level_min"] or None,
        "languages": split_list(values["languages"]),
        "pay": values["pay"] or None,
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
        levels=LEVEL_CHOICES,
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
        levels=LEVEL_CHOICES,
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
            levels=LEVEL_CHOICES,
        )
    return redirect(request, f"/besoins/{need.ref}/candidats", "need.created")


@router.get("/web/besoins/lecture", dependencies=[Depends(ranking_turn)])
def read_draft(
    request: Request,
    user: SignedIn,
    titre: str = "",
    description: str = "",
    competences: str = "",
) -> Response:
    """How the engine reads the need form as it is typed: the form's reading block, refreshed
    by the page's script (empty without ESCO or text)."""
    require_role(user, "company", "admin")
    values = {"title": titre, "description": description, "skills": competences[:DRAFT_TEXT]}
    reading = need_reading(request, values)
    return render(request, "web/_reading.html", user, who="need", reading=reading)


@router.get("/web/competences/extraction")
def extract_skills(texte: str = "", exclure: str = "") -> JSONResponse:
    """Skill labels found in a description being typed, minus those already listed (JSON)."""
    return JSONResponse(skill_hints(texte, exclure[:DRAFT_TEXT]))


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
        "end_date": need.end_date.isoformat() if need.end_date else "",
        "deadline": need.deadline.isoformat() if need.deadline else "",
        "level_min": need.level_min or "",
        "languages": ", ".join(need.languages or []),
        "pay": need.pay or "",
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
    wanted = text(form, "is_open")
    if wanted not in ("0", "1"):  # the page sends one or the other: anything else changes nothing
        raise AppError("invalid", 422, field="is_open")
    is_open = wanted == "1"
    service.update_need(session, user, ref, NeedUpdate.model_validate({"is_open": is_open}))
    return redirect(
        request, f"/besoins#besoin-{ref}", "need.reopened" if is_open else "need.closed"
    )


# --------------------------------------------------------------------------- public offers

OFFERS = 20


def _start(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/offres")
def offers_page(
    request: Request,
    session: SessionDep,
    user: WebUser,
    q: str = "",
    type: str | None = None,
    territoire: str | None = None,
    teletravail: str | None = None,
    debut: str | None = None,
    page: str = "1",
) -> Response:
    """The open needs, for everyone: search, filters and pages (bookmarkable GET URLs)."""
    territories = service.offer_territories(session)
    q = q.strip()[:200]
    kind = type if type in NEED_KINDS else None
    territory = territoire if territoire in territories else None
    remote = teletravail if teletravail in REMOTE_MODES else None
    start_from = _start(debut)
    number = page_number(page)
    needs, total = service.open_offers(
        session,
        q=q,
        kind=kind,
        territory=territory,
        remote=remote,
        start_from=start_from,
        limit=OFFERS,
        offset=(number - 1) * OFFERS,
    )
    filters = {"kind": kind, "territory": territory, "remote": remote, "start_from": start_from}
    params = {
        "q": q or None,
        "type": kind,
        "territoire": territory,
        "teletravail": remote,
        "debut": start_from.isoformat() if start_from else None,
    }
    return render(
        request,
        "web/offers.html",
        user,
        needs=needs,
        total=total,
        q=q,
        filters=filters,
        filtered=any(params.values()),
        kinds=NEED_KINDS,
        territories=territories,
        remote_options=REMOTE_MODES,
        paging=pager("/offres", params, number, total=total, size=OFFERS),
    )


def _offer(
    request: Request,
    session: SessionDep,
    user: User | None,
    ref: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    need = service.get_offer(session, user, ref)
    fit = None
    application = applications.my_application_to(session, user, need)
    interested = False
    missing_skills: list[str] = []
    if user is not None and user.role in PERSON_ROLES and user.person is not None:
        fit = pair_fit(session, request.app.state.matching, user.person, need)
        interested = need.ref in interested_refs(session, user.person)
        if application is not None and application.cv_skills:
            have = {s.casefold() for s in user.person.skills}
            missing_skills = [s for s in application.cv_skills if s.casefold() not in have]
    return render(
        request,
        "web/offer.html",
        user,
        status_code,
        need=need,
        fit=fit,
        application=application,
        interested=interested,
        cv_skills_to_add=missing_skills,
        values=values or {},
        errors=errors or {},
        max_cv_mb=MAX_CV_BYTES // 1_000_000,
    )


@router.get("/offres/{ref}")
def offer_page(request: Request, session: SessionDep, user: WebUser, ref: RefPath) -> Response:
    """One offer in full; for a signed-in student or researcher, how it fits them and why."""
    return _offer(request, session, user, ref)


@router.post("/offres/{ref}/postuler")
def apply_page(
    request: Request, session: SessionDep, user: SignedIn, form: Form, ref: RefPath
) -> Response:
    """Send an application (a message and an optional PDF CV) from the offer page."""
    require_role(user, *PERSON_ROLES)
    message = text(form, "message")
    upload = form.get("cv")
    try:
        read = None
        if isinstance(upload, StarletteUpload) and upload.filename:
            read = read_cv(upload.file.read(MAX_CV_BYTES + 1), upload.filename)
        applications.apply(
            session,
            request.app.state.matching,
            user,
            ref,
            message,
            read,
            request.app.state.settings.data_dir,
        )
    except AppError as exc:
        if exc.status_code == 404:
            raise
        session.rollback()
        errors = {exc.field or "form": exc.text(language(request))}
        return _offer(
            request, session, user, ref, values={"message": message}, errors=errors, status_code=422
        )
    return redirect(request, f"/offres/{ref}#candidature", "application.sent")


@router.post("/offres/{ref}/interet/retirer")
def withdraw_interest_page(
    request: Request, session: SessionDep, user: SignedIn, form: Form, ref: RefPath
) -> Response:
    """Take back one's "Ça m'intéresse" (the offer page's button)."""
    require_role(user, *PERSON_ROLES)
    withdraw_interest(session, user, ref)
    back = "/mes-mises-en-relation" if text(form, "retour") == "/mes-mises-en-relation" else None
    return redirect(request, back or f"/offres/{ref}", "offer.interest_withdrawn")


@router.post("/offres/{ref}/competences-cv")
def add_cv_skills(
    request: Request, session: SessionDep, user: SignedIn, form: Form, ref: RefPath
) -> Response:
    """Add to one's profile the skills found in the CV sent with one's application to this
    offer (those the profile lacks)."""
    require_role(user, *PERSON_ROLES)
    person = person_of(user)
    need = service.get_offer(session, user, ref)
    application = applications.my_application_to(session, user, need)
    found = list(application.cv_skills or []) if application is not None else []
    have = {s.casefold() for s in person.skills}
    new = [s for s in found if s.casefold() not in have]
    if new:
        update_profile(
            session, user, person.ref, ProfileUpdate.model_validate({"skills": person.skills + new})
        )
    return redirect(request, f"/offres/{ref}#candidature", "offer.cv_skills_added")
