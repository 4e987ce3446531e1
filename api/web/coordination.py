"""Pages of coordinators: the review queue with keyboard shortcuts and its suggestion batch."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.core.deps import Page, SessionDep
from api.core.errors import AppError
from api.core.pagination import page_number, page_url, pager
from api.core.rendering import (
    Form,
    SignedIn,
    WebRoute,
    field_errors,
    redirect,
    render,
    require_role,
    text,
)
from api.models import Suggestion, User
from api.routers.review import Decision, QueuePage, decide, propose, queue, suggestion_out

router = APIRouter(route_class=WebRoute)

STATUSES = ("proposed", "approved", "rejected", "introduced", "hired")
QUEUE_SIZE = 30


def _review(session: SessionDep, user: User, status: str, number: int) -> dict[str, Any]:
    """What the review page shows: one page of the queue of one status, and its page links."""

    def load(number: int) -> QueuePage:
        size = Page(limit=QUEUE_SIZE, offset=(number - 1) * QUEUE_SIZE)
        return queue(session, user, size, status, mutual_only=False)  # type: ignore[arg-type]

    page = load(number)
    if not page.items and page.total and number > 1:
        # Decisions emptied the last page: show the one that is now last.
        number = (page.total + QUEUE_SIZE - 1) // QUEUE_SIZE
        page = load(number)
    return {
        "page": page,
        "page_number": number,
        "paging": pager("/revue", {"statut": status}, number, total=page.total, size=QUEUE_SIZE),
        "status": status,
        "statuses": STATUSES,
        "top_score": max((i.score for i in page.items), default=1.0),
    }


@router.get("/revue")
def review_page(
    request: Request,
    session: SessionDep,
    user: SignedIn,
    statut: str = "proposed",
    page: str = "1",
) -> Response:
    require_role(user, "coordinator", "admin")
    status = statut if statut in STATUSES else "proposed"
    shown = _review(session, user, status, page_number(page))
    return render(request, "web/review.html", user, errors={}, **shown)


@router.post("/revue/{suggestion_id}/decision")
def review_decision(
    request: Request, session: SessionDep, user: SignedIn, form: Form, suggestion_id: int
) -> Response:
    require_role(user, "coordinator", "admin")
    status = text(form, "statut")
    status = status if status in STATUSES else "proposed"
    number = page_number(text(form, "page"))
    try:
        body = Decision.model_validate(
            {"action": text(form, "action"), "reason": text(form, "reason")}
        )
        out = decide(session, user, suggestion_id, body)
    except (ValidationError, AppError) as exc:
        session.rollback()
        errors = field_errors(request, exc)
        row = session.get(Suggestion, suggestion_id)
        if request.headers.get("hx-request") and row is not None:
            # htmx swaps only 2xx answers: the card comes back with the error next to its field.
            item = suggestion_out(session, row)
            return render(
                request,
                "web/_review_card.html",
                user,
                item=item,
                errors={suggestion_id: errors},
                top_score=item.score,
            )
        shown = _review(session, user, status, number)
        return render(
            request, "web/review.html", user, 422, errors={suggestion_id: errors}, **shown
        )
    session.commit()
    if request.headers.get("hx-request"):
        return render(request, "web/_decision_done.html", user, item=out)
    return redirect(request, page_url("/revue", {"statut": status}, number), "review.done")


@router.post("/revue/lancer")
def run_batch(request: Request, session: SessionDep, user: SignedIn, form: Form) -> Response:
    require_role(user, "coordinator", "admin")
    propose(session, request.app.state.matching, 5, user)
    session.commit()
    return redirect(request, "/revue", "review.done")
