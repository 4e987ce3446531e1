"""Pages of the review: the coordinators' queue and batch, a person's follow-up of their
introductions, interest in a need, and a company's shortlist."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.core.deps import SessionDep
from api.core.errors import AppError
from api.core.inputs import DbId, RefPath
from api.core.pagination import page_number, page_url, pager
from api.core.rendering import (
    Form,
    SignedIn,
    WebRoute,
    field_errors,
    redirect,
    render,
    require_role,
    safe_next,
    text,
)
from api.core.vocabulary import PERSON_ROLES, STAFF_ROLES, SUGGESTION_STATUSES
from api.jobs import service as jobs_service
from api.jobs.schemas import ProposeJob
from api.models import User
from api.people.service import person_of
from api.review import service
from api.review.schemas import Decision, QueueFilters, QueuePage

router = APIRouter(route_class=WebRoute)

QUEUE_SIZE = 30


SIGNALS = {
    "interet": "interested_only",
    "reciproque": "mutual_only",
    "candidature": "applied_only",
    "candidature-ou-interet": "candidacy_only",
}


def _filters(
    besoin: str = "",
    organisation: str = "",
    territoire: str = "",
    ecole: str = "",
    q: str = "",
    signal: str = "",
) -> tuple[QueueFilters, dict[str, str | None]]:
    """The queue's filters from the page's query string (French names), and that query to keep
    in every link of the page. Anything unknown narrows nothing."""
    params = {
        "besoin": besoin.strip()[:200] or None,
        "organisation": organisation.strip()[:200] or None,
        "territoire": territoire.strip()[:60] or None,
        "ecole": ecole.strip()[:200] or None,
        "q": " ".join(q.split())[:120] or None,
        "signal": signal if signal in SIGNALS else None,
    }
    filters = QueueFilters(
        need=params["besoin"],
        organisation=params["organisation"],
        territory=params["territoire"],
        school=params["ecole"],
        q=params["q"],
        **({SIGNALS[signal]: True} if signal in SIGNALS else {}),
    )
    return filters, params


def _review(
    request: Request,
    session: SessionDep,
    status: str,
    number: int,
    filters: QueueFilters | None = None,
    params: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    """What the review page shows: one page of the queue of one status, and its page links."""
    filters = filters or QueueFilters()
    params = params or {}

    def load(number: int) -> QueuePage:
        offset = (number - 1) * QUEUE_SIZE
        return service.queue(
            session,
            status,
            limit=QUEUE_SIZE,
            offset=offset,
            filters=filters,
        )

    page = load(number)
    if not page.items and page.total and number > 1:
        # Decisions emptied the last page: show the one that is now last.
        number = (page.total + QUEUE_SIZE - 1) // QUEUE_SIZE
        page = load(number)
    query = {"statut": status, **params}
    return {
        "page": page,
        "page_number": number,
        "paging": pager("/revue", query, number, total=page.total, size=QUEUE_SIZE),
        "status": status,
        "statuses": SUGGESTION_STATUSES,
        "filters": params,
        "filtered": any(params.values()),
        "choices": service.queue_choices(session, status),
        "tab_query": page_url("", params, 1).lstrip("?"),
    }


@router.get("/revue")
def review_page(
    request: Request,
    session: SessionDep,
    user: SignedIn,
    statut: str = "proposed",
    page: str = "1",
    besoin: str = "",
    organisation: str = "",
    territoire: str = "",
    ecole: str = "",
    q: str = "",
    signal: str = "",
) -> Response:
    require_role(user, *STAFF_ROLES)
    status = statut if statut in SUGGESTION_STATUSES else "proposed"
    filters, params = _filters(besoin, organisation, territoire, ecole, q, signal)
    shown = _review(request, session, status, page_number(page), filters, params)
    job = jobs_service.under_way(session, "propose")
    return render(
        request,
        "web/review.html",
        user,
        errors={},
        job=job,
        progress=jobs_service.progress(job) if job else None,
        **shown,
    )


@router.post("/revue/{suggestion_id}/decision")
def review_decision(
    request: Request, session: SessionDep, user: SignedIn, form: Form, suggestion_id: DbId
) -> Response:
    require_role(user, *STAFF_ROLES)
    status = text(form, "statut")
    status = status if status in SUGGESTION_STATUSES else "proposed"
    number = page_number(text(form, "page"))
    try:
        body = Decision.model_validate(
            {"action": text(form, "action"), "reason": text(form, "reason")}
        )
        out = service.decide(session, user, suggestion_id, body)
    except (ValidationError, AppError) as exc:
        session.rollback()
        errors = field_errors(request, exc)
        hx = request.headers.get("hx-request")
        item = service.find_suggestion(session, suggestion_id) if hx else None
        if item is not None:
            # htmx swaps only 2xx answers: the card comes back with the error next to its field.
            return render(
                request,
                "web/_review_card.html",
                user,
                item=item,
                errors={suggestion_id: errors},
            )
        shown = _review(request, session, status, number)
        return render(
            request, "web/review.html", user, 422, errors={suggestion_id: errors}, **shown
        )
    if request.headers.get("hx-request"):
        return render(request, "web/_decision_done.html", user, item=out)
    back = safe_next(text(form, "retour"), "")  # the page, its filters kept
    if not back.startswith("/revue"):
        back = page_url("/revue", {"statut": status}, number)
    return redirect(request, back, "review.done")


@router.post("/revue/lancer")
def run_batch(request: Request, session: SessionDep, user: SignedIn, form: Form) -> Response:
    require_role(user, *STAFF_ROLES)
    # The whole region's batch runs in the background: the page follows its progress.
    job = jobs_service.start(session, request.app.state.jobs, user, ProposeJob(per_need=5))
    return redirect(request, f"/travaux/{job.id}")


def _person_user(user: User) -> None:
    require_role(user, *PERSON_ROLES)
    person_of(user)


@router.get("/mes-mises-en-relation")
def introductions(request: Request, session: SessionDep, user: SignedIn) -> Response:
    require_role(user, *PERSON_ROLES)
    introduced, sent = service.follow_up(session, person_of(user))
    return render(request, "web/introductions.html", user, introductions=introduced, interests=sent)


@router.post("/besoins/{ref}/interet")
def interest(
    request: Request, session: SessionDep, user: SignedIn, form: Form, ref: RefPath
) -> Response:
    _person_user(user)
    service.mark_interest(session, user, ref, request.app.state.matching)
    if request.headers.get("hx-request"):
        return render(request, "web/_interest_done.html", user, ref=ref)
    back = safe_next(text(form, "retour"), "/recommandations")  # keeps the filters and page
    if back.startswith("/offres/"):  # the offer page's button
        return redirect(request, back, "reco.interest_done")
    if not back.startswith("/recommandations"):
        back = "/recommandations"
    return redirect(request, f"{back}#besoin-{ref}", "reco.interest_done")


@router.post("/besoins/{ref}/preselection/{person_ref}")
def add_to_shortlist(
    request: Request,
    session: SessionDep,
    user: SignedIn,
    form: Form,
    ref: RefPath,
    person_ref: RefPath,
) -> Response:
    require_role(user, "company", "admin")
    service.shortlist(session, user, ref, person_ref)
    if request.headers.get("hx-request"):
        return render(request, "web/_shortlist_done.html", user)
    back = page_url(f"/besoins/{ref}/candidats", {}, page_number(text(form, "page")))
    return redirect(request, f"{back}#candidat-{person_ref}", "candidates.shortlist_done")
