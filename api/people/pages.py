"""Pages of students and researchers about their own profile, and skill autocompletion."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from api.core.deps import SessionDep
from api.core.errors import AppError
from api.core.rendering import (
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
from api.core.vocabulary import PERSON_ROLES
from api.models import Person, User
from api.people import service
from api.people.schemas import ConsentIn, ProfileUpdate
from matching.skills import SkillVocabulary

router = APIRouter(route_class=WebRoute)


def _person(user: User) -> Person:
    require_role(user, *PERSON_ROLES)
    return service.person_of(user)


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
        service.update_profile(session, user, person.ref, body)
        service.set_consent(
            session, user, person.ref, ConsentIn(companies_may_view=values["consent"])
        )
    except (ValidationError, AppError) as exc:
        # The page answers normally (422), so the half-applied changes must not be committed.
        session.rollback()
        errors = field_errors(request, exc)
        return render(request, "web/profile.html", user, 422, values=values, errors=errors)
    return redirect(request, "/profil", "profile.saved")


@router.get("/web/competences")
def skill_suggestions(q: str = "") -> JSONResponse:
    """Skill labels starting with the last comma-separated word typed (for autocompletion)."""
    prefix = q.rsplit(",", 1)[-1].strip()[:60]
    skills = SkillVocabulary.builtin().suggest(prefix, limit=8) if len(prefix) >= 2 else []
    return JSONResponse([skill.label for skill in skills])
