"""Pages of students and researchers: explained recommendations, interest, profile editing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from api import repository
from api.deps import Page, SessionDep
from api.errors import AppError
from api.models import Person, User
from api.routers.profiles import set_consent, update_profile
from api.routers.recommendations import needs_for_person
from api.routers.review import mark_interest
from api.schemas import ConsentIn, ProfileUpdate
from api.web import WebRoute
from api.web.core import (
    Form,
    SignedIn,
    field_errors,
    redirect,
    render,
    require_role,
    split_list,
    text,
)
from matching.skills import SkillVocabulary

router = APIRouter(route_class=WebRoute)

RECOMMENDATIONS = 12


def _person(user: User) -> Person:
    require_role(user, "student", "researcher")
    if user.person is None:
        raise AppError("Profil introuvable", 404)
    return user.person


@router.get("/recommandations")
def recommendations(request: Request, session: SessionDep, user: SignedIn) -> Response:
    person = _person(user)
    profile_empty = not (person.headline or person.summary or person.skills)
    if profile_empty:  # nothing to compare yet: the page invites to fill the profile
        return render(
            request,
            "web/recommendations.html",
            user,
            items=[],
            interested=set(),
            profile_empty=True,
        )
    page = needs_for_person(
        request,
        session,
        user,
        Page(limit=RECOMMENDATIONS, offset=0),
        person.ref,
        kind=None,
        territory=None,
        remote=None,
        start_from=None,
        start_until=None,
    )
    interested = {need.ref for _interest, need in repository.interests_of(session, person.id)}
    return render(
        request,
        "web/recommendations.html",
        user,
        items=page.items,
        interested=interested,
        profile_empty=False,
    )


@router.post("/besoins/{ref}/interet")
def interest(
    request: Request, session: SessionDep, user: SignedIn, form: Form, ref: str
) -> Response:
    _person(user)
    mark_interest(session, user, ref)
    session.commit()  # before the redirected page reads it
    if request.headers.get("hx-request"):
        return render(request, "web/_interest_done.html", user, ref=ref)
    return redirect(request, f"/recommandations#besoin-{ref}", "reco.interest_done")


def _profile_values(person: Person) -> dict[str, Any]:
    return {
        "headline": person.headline,
        "summary": person.summary,
        "skills": ", ".join(person.skills),
        "available_from": person.available_from.isoformat() if person.available_from else "",
        "available_until": person.available_until.isoformat() if person.available_until else "",
        "mobility_km": "" if person.mobility_km is None else f"{person.mobility_km:g}",
        "town": person.town or "",
        "consent": bool(person.consent and person.consent.companies_may_view),
    }


@router.get("/profil")
def profile_page(request: Request, user: SignedIn) -> Response:
    person = _person(user)
    return render(request, "web/profile.html", user, values=_profile_values(person), errors={})


@router.post("/profil")
def save_profile(request: Request, session: SessionDep, user: SignedIn, form: Form) -> Response:
    person = _person(user)
    names = ("headline", "summary", "skills", "available_from", "available_until")
    values: dict[str, Any] = {name: text(form, name) for name in names}
    values |= {"mobility_km": text(form, "mobility_km"), "town": text(form, "town")}
    values["consent"] = form.get("consent") == "on"
    try:
        body = ProfileUpdate.model_validate(
            {
                "headline": values["headline"],
                "summary": values["summary"],
                "skills": split_list(values["skills"]),
                "available_from": values["available_from"] or None,
                "available_until": values["available_until"] or None,
                "mobility_km": values["mobility_km"] or None,
                "town": values["town"] or None,
            }
        )
        update_profile(session, user, person.ref, body)
        set_consent(session, user, person.ref, ConsentIn(companies_may_view=values["consent"]))
    except (ValidationError, AppError) as exc:
        session.rollback()
        errors = field_errors(request, exc)
        return render(request, "web/profile.html", user, 422, values=values, errors=errors)
    session.commit()
    return redirect(request, "/profil", "profile.saved")


@router.get("/web/competences")
def skill_suggestions(q: str = "") -> JSONResponse:
    """Skill labels starting with the last comma-separated word typed (for autocompletion)."""
    prefix = q.rsplit(",", 1)[-1].strip()[:60]
    skills = SkillVocabulary.builtin().suggest(prefix, limit=8) if len(prefix) >= 2 else []
    return JSONResponse([skill.label for skill in skills])
