"""Pages of rankings: explained recommendations for a student or researcher, and the ranked
candidates of a company's need."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.collaborations import service as collaborations
from api.core.deps import SessionDep
from api.core.inputs import RefPath
from api.core.pagination import last_ranked_page, page_number, pager
from api.core.rendering import SignedIn, WebRoute, render, require_role, tr
from api.core.unit_of_work import ranking_turn
from api.core.vocabulary import NEED_KINDS, PERSON_ROLES, REMOTE_MODES, STAFF_ROLES
from api.people.service import person_of, reading
from api.recommendations import service

router = APIRouter(route_class=WebRoute, dependencies=[Depends(ranking_turn)])

RECOMMENDATIONS = 12
CANDIDATES = 15


def _choice(value: str | None, allowed: tuple[str, ...] | list[str]) -> str | None:
    return value if value in allowed else None


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
    require_role(user, *PERSON_ROLES)
    person = person_of(user)
    matching = request.app.state.matching
    territories = service.open_territories(session)
    filters = {
        "kind": _choice(type, NEED_KINDS),
        "territory": _choice(territoire, territories),
        "remote": _choice(teletravail, REMOTE_MODES),
    }
    params = {"type": filters["kind"], "territoire": filters["territory"]}
    params["teletravail"] = filters["remote"]
    context: dict[str, Any] = {
        "filters": filters,
        "filtered": any(filters.values()),
        "kinds": NEED_KINDS,
        "territories": territories,
        "remote_options": REMOTE_MODES,
        "person": person,
        "why_empty": None,
        "why_few": None,
    }
    missing = service.profile_missing(person)
    if missing:  # nothing to compare yet: the page says what to fill in on the profile
        return render(
            request,
            "web/recommendations.html",
            user,
            items=[],
            interested=set(),
            partnerships=set(),
            proposed=set(),
            profile_empty=True,
            missing=missing,
            paging=pager("/recommandations", params, 1),
            **context,
        )

    def why() -> dict[str, Any]:
        out = service.why_few(
            session, matching, person, filters["kind"], filters["territory"], filters["remote"]
        )
        if "counts" in out:
            out["seeks"] = ", ".join(tr(request, f"kind.{k}") for k in person.seeks)
        return out

    number = page_number(page, last_ranked_page(RECOMMENDATIONS))
    # Ranked from the top on every request: everything up to this page (and one more) costs the
    # same as the page alone.
    ranked = service.needs_for_person(
        session,
        matching,
        user,
        person.ref,
        kind=filters["kind"],
        territory=filters["territory"],
        remote=filters["remote"],
        start_from=None,
        start_until=None,
        limit=number * RECOMMENDATIONS + 1,
        offset=0,
    ).items
    items = ranked[(number - 1) * RECOMMENDATIONS : number * RECOMMENDATIONS]
    has_next = len(ranked) > number * RECOMMENDATIONS and number < last_ranked_page(RECOMMENDATIONS)
    if not items:
        context["why_empty"] = why()
    elif not has_next:
        # The list ends here: say what the hard constraints left out, when they did.
        few = why()
        if few.get("excluded"):
            context["why_few"] = few | {"shown": (number - 1) * RECOMMENDATIONS + len(items)}
    # A researcher answers an R&D need as a partner: a collaboration to propose, not a post.
    researcher = person.kind == "researcher"
    partnerships = (
        collaborations.partnership_refs(session, [i.ref for i in items]) if researcher else set()
    )
    return render(
        request,
        "web/recommendations.html",
        user,
        items=items,
        partnerships=partnerships,
        proposed=collaborations.proposed_refs(session, person) if partnerships else set(),
        interested=service.interested_refs(session, person),
        reading=reading(matching, person),
        profile_empty=False,
        first_rank=(number - 1) * RECOMMENDATIONS + 1,
        paging=pager("/recommandations", params, number, has_next=has_next),
        **context,
    )


@router.get("/besoins/{ref}/candidats")
def candidates(
    request: Request, session: SessionDep, user: SignedIn, ref: RefPath, page: str = "1"
) -> Response:
    require_role(user, "company", *STAFF_ROLES)
    need = service.candidate_need(session, user, ref)
    number = page_number(page, last_ranked_page(CANDIDATES))
    # Ranked from the top on every request: asking for everything up to this page (and one
    # more) costs the same.
    ranked = service.candidates_for_need(
        session,
        request.app.state.matching,
        user,
        ref,
        territory=None,
        kind=None,
        limit=number * CANDIDATES + 1,
        offset=0,
    ).items
    items = ranked[(number - 1) * CANDIDATES : number * CANDIDATES]
    has_next = len(ranked) > number * CANDIDATES and number < last_ranked_page(CANDIDATES)
    partnership = collaborations.is_partnership(need)
    return render(
        request,
        "web/candidates.html",
        user,
        need=need,
        reading=service.need_reading(request.app.state.matching, need),
        items=items,
        first_rank=(number - 1) * CANDIDATES + 1,
        shortlisted=service.shortlisted_refs(session, need),
        paging=pager(f"/besoins/{need.ref}/candidats", {}, number, has_next=has_next),
        # An R&D need also looks for partners: the labs and researchers who fit, and the
        # collaborations researchers proposed.
        partners=collaborations.partners_for_need(session, request.app.state.matching, user, need)
        if partnership and number == 1
        else None,
        proposals=collaborations.proposals_for_need(session, user, need.ref) if partnership else [],
    )
