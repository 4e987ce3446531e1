"""Pages of students and researchers about their own profile, and skill autocompletion."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

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
from api.core.unit_of_work import ranking_turn
from api.core.vocabulary import (
    CEFR_LEVELS,
    LANGUAGE_CODES,
    LEVELS,
    NEED_KINDS,
    PERSON_ROLES,
    RESEARCHER_OFFERS,
)
from api.models import Person, User
from api.people import service
from api.people.schemas import ConsentIn, ProfileUpdate
from matching.skills import SkillVocabulary
from matching.taxonomy import Reading

router = APIRouter(route_class=WebRoute)


def _person(user: User) -> Person:
    require_role(user, *PERSON_ROLES)
    return service.person_of(user)


LANGUAGE_ROWS = 4  # rows of (language, level) the form shows; more than most people list
MAX_LANGUAGES = 20  # as many as a profile holds (api.people.schemas.Languages)


def _language_rows(languages: list[str], levels: dict[str, str]) -> list[tuple[str, str]]:
    rows = [(code, levels.get(code, "")) for code in languages]
    return (rows + [("", "")] * LANGUAGE_ROWS)[: max(LANGUAGE_ROWS, len(rows))]


def _profile_values(person: Person) -> dict[str, Any]:
    return {
        "seeks": list(person.seeks or []),
        "level": person.level or "",
        "programme": person.programme or "",
        "organisation": person.organisation.ref if person.organisation else "",
        "language_rows": _language_rows(
            list(person.languages or []), dict(person.language_levels or {})
        ),
        "research_topics": ", ".join(person.research_topics or []),
        "offers": list(person.offers or []),
        "offer_details": person.offer_details or "",
        "headline": person.headline,
        "summary": person.summary,
        "skills": ", ".join(person.skills),
        "available_from": person.available_from.isoformat() if person.available_from else "",
        "available_until": person.available_until.isoformat() if person.available_until else "",
        "mobility_km": "" if person.mobility_km is None else f"{person.mobility_km:g}",
        "town": person.town or "",
        "consent": bool(person.consent and person.consent.companies_may_view),
    }


def _reading(request: Request, person: Person, values: dict[str, Any]) -> Reading | None:
    """How the engine reads the form's headline, summary and skills (the saved profile's own
    on a first display, from the index)."""
    return service.draft_reading(
        request.app.state.matching,
        person,
        str(values.get("headline") or ""),
        str(values.get("summary") or ""),
        split_list(str(values.get("skills") or "")),
    )


def _choices(
    request: Request, session: Session, person: Person, values: dict[str, Any]
) -> dict[str, Any]:
    """What the form's lists offer (kinds, levels, languages, the schools or labs), and how the
    engine reads the profile as the form holds it (its likeliest ESCO occupations)."""
    return {
        "reading": _reading(request, person, values),
        "kinds": NEED_KINDS,
        "levels": LEVELS,
        "language_codes": LANGUAGE_CODES,
        "cefr_levels": CEFR_LEVELS,
        "researcher_offers": RESEARCHER_OFFERS,
        "affiliations": service.affiliations(session, person),
        "person": person,
    }


def _form_values(form: FormData) -> dict[str, Any]:
    names = ("headline", "summary", "skills", "available_from", "available_until")
    values: dict[str, Any] = {name: text(form, name) for name in names}
    values |= {"mobility_km": text(form, "mobility_km"), "town": text(form, "town")}
    values |= {
        name: text(form, name)
        for name in ("level", "programme", "organisation", "research_topics", "offer_details")
    }
    values["seeks"] = [v for v in form.getlist("seeks") if isinstance(v, str)]
    values["offers"] = [v for v in form.getlist("offers") if isinstance(v, str)]
    # The form shows a row per language spoken (four at least): read every row it sent.
    rows = [
        (text(form, f"language_{i}"), text(form, f"language_level_{i}"))
        for i in range(1, MAX_LANGUAGES + 1)
        if f"language_{i}" in form
    ]
    values["language_rows"] = rows
    values["consent"] = form.get("consent") == "on"
    return values


def _update(values: dict[str, Any], person: Person) -> ProfileUpdate:
    """The API's update from the form's values (the form always sends every field)."""
    rows = [(code, level) for code, level in values["language_rows"] if code]
    body: dict[str, Any] = {
        "headline": values["headline"],
        "summary": values["summary"],
        "skills": split_list(values["skills"]),
        "available_from": values["available_from"] or None,
        "available_until": values["available_until"] or None,
        "mobility_km": values["mobility_km"] or None,
        "town": values["town"] or None,
        "seeks": values["seeks"],
        "level": values["level"] or None,
        "programme": values["programme"] or None,
        "organisation": values["organisation"] or None,
        "languages": [code for code, _ in rows],
        "language_levels": {code: level for code, level in rows if level},
    }
    if person.kind == "researcher":
        body["research_topics"] = split_list(values["research_topics"])
        body["offers"] = values["offers"]
        body["offer_details"] = values["offer_details"]
    return ProfileUpdate.model_validate(body)


@router.get("/profil")
def profile_page(request: Request, session: SessionDep, user: SignedIn) -> Response:
    person = _person(user)
    values = _profile_values(person)
    return render(
        request,
        "web/profile.html",
        user,
        values=values,
        errors={},
        **_choices(request, session, person, values),
    )


@router.post("/profil")
def save_profile(request: Request, session: SessionDep, user: SignedIn, form: Form) -> Response:
    person = _person(user)
    values = _form_values(form)
    try:
        service.update_profile(session, user, person.ref, _update(values, person))
        service.set_consent(
            session, user, person.ref, ConsentIn(companies_may_view=values["consent"])
        )
    except (ValidationError, AppError) as exc:
        # The page answers normally (422), so the half-applied changes must not be committed.
        session.rollback()
        errors = field_errors(request, exc)
        return render(
            request,
            "web/profile.html",
            user,
            422,
            values=values,
            errors=errors,
            **_choices(request, session, person, values),
        )
    return redirect(request, "/profil", "profile.saved")


@router.get("/web/profil/lecture", dependencies=[Depends(ranking_turn)])
def read_draft(
    request: Request, user: SignedIn, titre: str = "", resume: str = "", competences: str = ""
) -> Response:
    """How the engine reads the profile form as it is typed: the form's reading block,
    refreshed by the page's script (empty without ESCO or text). Nothing is saved."""
    person = _person(user)
    values = {"headline": titre, "summary": resume, "skills": competences}
    reading = _reading(request, person, values)
    return render(request, "web/_reading.html", user, who="profile", reading=reading)


@router.get("/web/competences")
def skill_suggestions(q: str = "") -> JSONResponse:
    """Skill labels starting with the last comma-separated word typed (for autocompletion)."""
    prefix = q.rsplit(",", 1)[-1].strip()[:60]
    skills = SkillVocabulary.builtin().suggest(prefix, limit=8) if len(prefix) >= 2 else []
    return JSONResponse([skill.label for skill in skills])
