"""Pages of companies: their needs, posting a need, ranked candidates and the shortlist."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select

from api.core.deps import Page, SessionDep
from api.core.errors import AppError, NotFound
from api.core.pagination import last_ranked_page, page_number, page_url, pager
from api.core.policy import ensure_need_owner_or_staff
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
from api.models import Need, Person, Shortlist, User
from api.repository import get_by_ref
from api.routers.needs import create_need
from api.routers.recommendations import candidates_for_need
from api.routers.review import shortlist
from api.schemas import NeedCreate

router = APIRouter(route_class=WebRoute)

CANDIDATES = 15
KINDS = ("internship", "apprenticeship", "job", "rd", "hackathon")
REMOTE = ("none", "partial", "full")
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


def _company(user: User) -> None:
    require_role(user, "company")
    if user.organisation is None:
        raise AppError("Organisation introuvable", 404)


@router.get("/besoins")
def needs_page(request: Request, session: SessionDep, user: SignedIn) -> Response:
    _company(user)
    assert user.organisation is not None
    needs = session.scalars(
        select(Need)
        .where(Need.organisation_id == user.organisation_id)
        .order_by(Need.is_open.desc(), Need.created_at.desc())
    ).all()
    return render(request, "web/needs.html", user, needs=needs, organisation=user.organisation)


@router.get("/besoins/nouveau")
def new_need_page(request: Request, user: SignedIn) -> Response:
    _company(user)
    values = {"kind": "internship", "remote": "none", "places": "1"}
    return render(
        request, "web/need_form.html", user, values=values, errors={}, kinds=KINDS, remote=REMOTE
    )


@router.post("/besoins/nouveau")
def post_need(request: Request, session: SessionDep, user: SignedIn, form: Form) -> Response:
    _company(user)
    values: dict[str, Any] = {name: text(form, name) for name in NEED_FIELDS}
    try:
        body = NeedCreate.model_validate(
            {
                "title": values["title"],
                "kind": values["kind"],
                "description": values["description"],
                "skills": split_list(values["skills"]),
                "nice_to_have": split_list(values["nice_to_have"]),
                "town": values["town"] or None,
                "remote": values["remote"],
                "start_date": values["start_date"] or None,
                "duration_months": values["duration_months"] or None,
                "places": values["places"] or 1,
            }
        )
        need = create_need(session, user, body)
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
            kinds=KINDS,
            remote=REMOTE,
        )
    session.commit()
    return redirect(request, f"/besoins/{need.ref}/candidats", "need.created")


def _need(session: SessionDep, user: User, ref: str) -> Need:
    need = get_by_ref(session, Need, ref)
    if need is None:
        raise NotFound("Besoin", ref)
    ensure_need_owner_or_staff(user, need)
    return need


@router.get("/besoins/{ref}/candidats")
def candidates(
    request: Request, session: SessionDep, user: SignedIn, ref: str, page: str = "1"
) -> Response:
    require_role(user, "company", "coordinator", "admin")
    need = _need(session, user, ref)
    number = page_number(page, last_ranked_page(CANDIDATES))
    # Ranked from the top on every request: asking for everything up to this page (and one
    # more) costs the same, and gives the first score for the relevance bars.
    ranked = candidates_for_need(
        request,
        session,
        user,
        Page(limit=number * CANDIDATES + 1, offset=0),
        ref,
        territory=None,
        kind=None,
    ).items
    items = ranked[(number - 1) * CANDIDATES : number * CANDIDATES]
    shortlisted = set(
        session.scalars(
            select(Person.ref)
            .join(Shortlist, Shortlist.person_id == Person.id)
            .where(Shortlist.need_id == need.id)
        )
    )
    has_next = len(ranked) > number * CANDIDATES and number < last_ranked_page(CANDIDATES)
    return render(
        request,
        "web/candidates.html",
        user,
        need=need,
        items=items,
        top_score=ranked[0].score if ranked else 1.0,
        first_rank=(number - 1) * CANDIDATES + 1,
        shortlisted=shortlisted,
        paging=pager(f"/besoins/{need.ref}/candidats", {}, number, has_next=has_next),
    )


@router.post("/besoins/{ref}/preselection/{person_ref}")
def add_to_shortlist(
    request: Request, session: SessionDep, user: SignedIn, form: Form, ref: str, person_ref: str
) -> Response:
    require_role(user, "company", "admin")
    shortlist(session, user, ref, person_ref)
    session.commit()
    if request.headers.get("hx-request"):
        return render(request, "web/_shortlist_done.html", user)
    back = page_url(f"/besoins/{ref}/candidats", {}, page_number(text(form, "page")))
    return redirect(request, f"{back}#candidat-{person_ref}", "candidates.shortlist_done")
