"""Pages of students and researchers: explained recommendations, interest, profile editing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from api import repository
from api.core.deps import Page, SessionDep
from api.core.errors import AppError
from api.core.pagination import last_ranked_page, page_number, pager
from api.core.rendering import (
    Form,
    SignedIn,
    WebRoute,
    field_errors,
    redirect,
    render,
    require_role,
    safe_next,
    split_list,
    text,
    tr,
)
from api.engine.service import exclusions, to_profile
from api.models import NEED_KINDS, REMOTE, Need, Person, User
from api.routers.profiles import set_consent, update_profile
from api.routers.recommendations import _need_filters, needs_for_person
from api.routers.review import mark_interest
from api.schemas import ConsentIn, ProfileUpdate
from matching.skills import SkillVocabulary

router = APIRouter(route_class=WebRoute)

RECOMMENDATIONS = 12


def _person(user: User) -> Person:
    require_role(user, "student", "researcher")
    if user.person is None:
        raise AppError("Profil introuvable", 404)
    return user.person


def _choice(value: str | None, allowed: tuple[str, ...] | list[str]) -> str | None:
    return value if value in allowed else None


def _constraints(
    request: Request, session: SessionDep, person: Person, filters: dict[str, str | None]
) -> dict[str, Any]:
    """Why few or no needs were recommended: the filters, or how many each hard constraint cut."""
    ranker = request.app.state.matching.fitted(session).needs
    if ranker is None:
        return {"reason": "no_needs"}
    allowed = _need_filters(
        session, filters["kind"], filters["territory"], filters["remote"], None, None
    )
    if not allowed:
        return {"reason": "filters" if any(filters.values()) else "no_needs"}
    out = exclusions(ranker, to_profile(person), allowed)
    counts = sorted(((n, name) for name, n in out.by_constraint.items() if n), reverse=True)
    return {
        "reason": "past_end" if out.passing else "constraints",
        "considered": out.considered,
        "excluded": out.considered - out.passing,
        "counts": {name: n for n, name in counts},  # the constraint that cuts most first
        "seeks": ", ".join(tr(request, f"kind.{k}") for k in person.seeks),
    }


@router.get("/recommandations")
def recommendations(
    request: Request,
    session: SessionDep,
    user: SignedIn,
    type: str | None = None,
    territoire: str | None = None,
    teletravail: str | None = None,
    page: str = "1",
) -> Response:
    person = _person(user)
    territories = sorted(
        t for t in session.scalars(select(Need.territory).where(Need.is_open).distinct()) if t
    )
    filters = {
        "kind": _choice(type, NEED_KINDS),
        "territory": _choice(territoire, territories),
        "remote": _choice(teletravail, REMOTE),
    }
    params = {"type": filters["kind"], "territoire": filters["territory"]}
    params["teletravail"] = filters["remote"]
    context: dict[str, Any] = {
        "filters": filters,
        "filtered": any(filters.values()),
        "kinds": NEED_KINDS,
        "territories": territories,
        "remote_options": REMOTE,
        "person": person,
        "why_empty": None,
        "why_few": None,
    }
    profile_empty = not (person.headline or person.summary or person.skills)
    if profile_empty:  # nothing to compare yet: the page invites to fill the profile
        return render(
            request,
            "web/recommendations.html",
            user,
            items=[],
            interested=set(),
            profile_empty=True,
            top_score=1.0,
            paging=pager("/recommandations", params, 1),
            **context,
        )
    number = page_number(page, last_ranked_page(RECOMMENDATIONS))
    # Ranked from the top on every request: everything up to this page (and one more) costs the
    # same as the page alone, and gives the first score for the relevance bars.
    ranked = needs_for_person(
        request,
        session,
        user,
        Page(limit=number * RECOMMENDATIONS + 1, offset=0),
        person.ref,
        kind=filters["kind"],  # type: ignore[arg-type]
        territory=filters["territory"],
        remote=filters["remote"],  # type: ignore[arg-type]
        start_from=None,
        start_until=None,
    ).items
    items = ranked[(number - 1) * RECOMMENDATIONS : number * RECOMMENDATIONS]
    has_next = len(ranked) > number * RECOMMENDATIONS and number < last_ranked_page(RECOMMENDATIONS)
    if not items:
        context["why_empty"] = _constraints(request, session, person, filters)
    elif not has_next:
        # The list ends here: say what the hard constraints left out, when they did.
        why = _constraints(request, session, person, filters)
        if why.get("excluded"):
            context["why_few"] = why | {"shown": (number - 1) * RECOMMENDATIONS + len(items)}
    interested = {need.ref for _interest, need in repository.interests_of(session, person.id)}
    return render(
        request,
        "web/recommendations.html",
        user,
        items=items,
        interested=interested,
        profile_empty=False,
        top_score=ranked[0].score if ranked else 1.0,
        first_rank=(number - 1) * RECOMMENDATIONS + 1,
        paging=pager("/recommandations", params, number, has_next=has_next),
        **context,
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
    back = safe_next(text(form, "retour"), "/recommandations")  # keeps the filters and page
    if not back.startswith("/recommandations"):
        back = "/recommandations"
    return redirect(request, f"{back}#besoin-{ref}", "reco.interest_done")


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
