"""Pages of coordinators: the review queue with keyboard shortcuts, and the regional dashboard."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import func, select

from api.deps import Page, SessionDep
from api.errors import AppError
from api.models import Need, Organisation, Person, Suggestion
from api.routers.review import Decision, decide, propose, queue, suggestion_out
from api.web import WebRoute
from api.web.core import Form, SignedIn, field_errors, redirect, render, require_role, text, tr

router = APIRouter(route_class=WebRoute)

STATUSES = ("proposed", "approved", "rejected", "introduced", "hired")
QUEUE_SIZE = 30


@router.get("/revue")
def review_page(
    request: Request, session: SessionDep, user: SignedIn, statut: str = "proposed"
) -> Response:
    require_role(user, "coordinator", "admin")
    status = statut if statut in STATUSES else "proposed"
    page = queue(session, user, Page(limit=QUEUE_SIZE, offset=0), status, mutual_only=False)  # type: ignore[arg-type]
    return render(
        request,
        "web/review.html",
        user,
        page=page,
        status=status,
        statuses=STATUSES,
        errors={},
        top_score=max((i.score for i in page.items), default=1.0),
    )


@router.post("/revue/{suggestion_id}/decision")
def review_decision(
    request: Request, session: SessionDep, user: SignedIn, form: Form, suggestion_id: int
) -> Response:
    require_role(user, "coordinator", "admin")
    status = text(form, "statut") or "proposed"
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
        page = queue(session, user, Page(limit=QUEUE_SIZE, offset=0), status, mutual_only=False)  # type: ignore[arg-type]
        return render(
            request,
            "web/review.html",
            user,
            422,
            page=page,
            status=status,
            statuses=STATUSES,
            errors={suggestion_id: errors},
            top_score=max((i.score for i in page.items), default=1.0),
        )
    session.commit()
    if request.headers.get("hx-request"):
        return render(request, "web/_decision_done.html", user, item=out)
    return redirect(request, f"/revue?statut={status}", "review.done")


@router.post("/revue/lancer")
def run_batch(request: Request, session: SessionDep, user: SignedIn, form: Form) -> Response:
    require_role(user, "coordinator", "admin")
    propose(session, request.app.state.matching, 5, user)
    session.commit()
    return redirect(request, "/revue", "review.done")


def _counts(session: SessionDep, column: Any, *where: Any) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).where(*where).group_by(column)).all()
    return {(key or ""): int(n) for key, n in rows}


def bars(series: dict[str, dict[str, int]], unknown: str) -> dict[str, Any]:
    """Geometry of a grouped horizontal bar chart, drawn as inline SVG by the template."""
    labels = sorted({k for values in series.values() for k in values}, key=lambda k: (k == "", k))
    top = max((v for values in series.values() for v in values.values()), default=0) or 1
    rows = [
        {
            "label": label or unknown,
            "bars": [
                {"series": i, "value": values.get(label, 0), "width": values.get(label, 0) / top}
                for i, values in enumerate(series.values())
            ],
        }
        for label in labels
    ]
    return {"names": list(series), "rows": rows}


@router.get("/tableau-de-bord")
def dashboard(request: Request, session: SessionDep, user: SignedIn) -> Response:
    require_role(user, "coordinator", "admin")
    unknown = tr(request, "dashboard.unknown")
    by_territory = bars(
        {
            tr(request, "dashboard.people"): _counts(session, Person.territory),
            tr(request, "dashboard.needs"): _counts(session, Need.territory, Need.is_open),
        },
        unknown,
    )
    sectors = session.execute(
        select(Organisation.sector, func.count(Need.id))
        .join(Need, Need.organisation_id == Organisation.id)
        .where(Need.is_open)
        .group_by(Organisation.sector)
        .order_by(func.count(Need.id).desc())
        .limit(12)
    ).all()
    by_sector = bars(
        {tr(request, "dashboard.needs"): {s or "": int(n) for s, n in sectors}}, unknown
    )
    by_sector["rows"].sort(key=lambda r: -r["bars"][0]["value"])
    statuses = _counts(session, Suggestion.status)
    return render(
        request,
        "web/dashboard.html",
        user,
        by_territory=by_territory,
        by_sector=by_sector,
        statuses=statuses,
        status_names=STATUSES,
    )
