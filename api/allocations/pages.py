"""Coordinators' allocation pages (two methods side by side, pins, bans) and the tools index."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.allocations import service
from api.allocations.schemas import AllocationRequest
from api.allocations.service import METHODS, UNKNOWN, AllocationRefused
from api.core.deps import SessionDep
from api.core.inputs import DbId
from api.core.rendering import (
    Form,
    SignedIn,
    WebRoute,
    field_errors,
    redirect,
    render,
    require_role,
    text,
    tr,
)
from api.core.vocabulary import PLACED_NEED_KINDS, STAFF_ROLES
from api.hackathons.service import count_hackathons
from api.jobdating.service import count_events
from api.jobs import service as jobs_service
from api.jobs.schemas import AllocationJob
from api.models import AllocationRun, User
from matching.errors import AllocationCode

router = APIRouter(route_class=WebRoute)

ATTRIBUTES = ("territory", "school")
RUNS_SHOWN = 50
ACTIONS = ("pin", "forbid", "unpin", "unforbid")

# Why the engine refused the constraints, by its error code, as catalogue keys; any other code
# reads as the generic refusal.
REFUSALS: dict[AllocationCode, str] = {
    "unknown_person": "allocations.refusal.unknown_person",
    "unknown_need": "allocations.refusal.unknown_need",
    "also_forbidden": "allocations.refusal.also_forbidden",
    "pinned_twice": "allocations.refusal.pinned_twice",
    "too_many_pins": "allocations.refusal.too_many_pins",
    "unacceptable": "allocations.refusal.unacceptable",
}


def _coordinator(user: User) -> None:
    require_role(user, *STAFF_ROLES)


# ----------------------------------------------------------------------------- the list


def _runs_page(
    request: Request,
    session: Session,
    user: User,
    status_code: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    runs, total = service.list_runs(session, RUNS_SHOWN, 0)
    rows = [
        {
            "run": run,
            "placed": {r["method"]: r["placed"] for r in run.report.get("rows", [])},
            "people": max((r["people"] for r in run.report.get("rows", [])), default=0),
        }
        for run in runs
    ]
    return render(
        request,
        "web/allocations.html",
        user,
        status_code,
        runs=rows,
        total=total,
        kinds=PLACED_NEED_KINDS,
        methods=METHODS,
        values=values or {"kinds": ["internship"], "candidates_per_person": "20"},
        errors=errors or {},
    )


@router.get("/allocations")
def runs_page(request: Request, session: SessionDep, user: SignedIn) -> Response:
    _coordinator(user)
    return _runs_page(request, session, user)


@router.post("/allocations")
def launch(request: Request, session: SessionDep, user: SignedIn, form: Form) -> Response:
    _coordinator(user)
    values: dict[str, Any] = {
        "kinds": [k for k in form.getlist("kinds") if isinstance(k, str)],
        "candidates_per_person": text(form, "candidates_per_person"),
    }
    try:
        body = AllocationRequest.model_validate(values)
    except ValidationError as exc:
        return _runs_page(request, session, user, 422, values, field_errors(request, exc))
    # Runs in the background: the page follows its progress, then shows the run.
    job = jobs_service.start(
        session, request.app.state.jobs, user, AllocationJob(**body.model_dump())
    )
    return redirect(request, f"/travaux/{job.id}")


# ----------------------------------------------------------------------------- one run


def _balance(report_rows: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """attribute -> [{group, rates: {method: share placed}}], groups sorted, unknown last."""
    out: dict[str, list[dict[str, Any]]] = {}
    for attribute in ATTRIBUTES:
        rates: dict[str, dict[str, float]] = {}
        for method, row in report_rows.items():
            for balance in row.get("balance", []):
                if balance["attribute"] == attribute:
                    for group, rate in balance["rates"]:
                        rates.setdefault(group, {})[method] = rate
        groups = sorted(rates, key=lambda g: (g == UNKNOWN, g.lower()))
        out[attribute] = [{"group": g, "rates": rates[g]} for g in groups]
    return out


def _gaps(report_rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    return {
        method: {b["attribute"]: b["gap"] for b in row.get("balance", [])}
        for method, row in report_rows.items()
    }


def _run_page(
    request: Request,
    session: Session,
    user: User,
    run: AllocationRun,
    status_code: int = 200,
    refusal: dict[str, str] | None = None,
    manual: dict[str, str] | None = None,
) -> Response:
    territory = request.query_params.get("territoire", "")
    school = request.query_params.get("ecole", "")
    only_differences = request.query_params.get("ecarts") == "1"
    report_rows = {r["method"]: r for r in run.report.get("rows", [])}
    rows = service.pair_rows(session, run)
    shown = [
        r
        for r in rows
        if (not territory or r.territory == territory)
        and (not school or r.school == school)
        and (r.differs or not only_differences)
    ]
    balance = _balance(report_rows)
    return render(
        request,
        "web/allocation.html",
        user,
        status_code,
        run=run,
        methods=[m for m in METHODS if m in report_rows] or list(METHODS),
        report=report_rows,
        gaps=_gaps(report_rows),
        balance=balance,
        attributes=ATTRIBUTES,
        unknown=UNKNOWN,
        pairs=shown,
        pairs_total=len(rows),
        differing=sum(1 for r in rows if r.differs),
        filters={"territoire": territory, "ecole": school, "ecarts": only_differences},
        territories=[b["group"] for b in balance["territory"]],
        schools=[b["group"] for b in balance["school"]],
        pinned=service.constraints(session, run.pinned),
        forbidden=service.constraints(session, run.forbidden),
        refusal=refusal,
        manual=manual or {},
    )


@router.get("/allocations/{run_id}")
def run_page(request: Request, session: SessionDep, user: SignedIn, run_id: DbId) -> Response:
    _coordinator(user)
    return _run_page(request, session, user, service.get_run(session, run_id))


def refusal_reason(request: Request, exc: AllocationRefused) -> str:
    """Why the engine refused, in the page's language, chosen by the error's code alone."""
    return tr(request, REFUSALS.get(exc.reason, "allocations.refusal.generic"))


def _refusal(
    request: Request,
    session: Session,
    exc: AllocationRefused,
    action: str,
    person_ref: str,
    need_ref: str,
) -> dict[str, str]:
    """The engine's refusal in the page's language, naming the pair the way the page does."""
    person, need = service.pair_labels(session, person_ref, need_ref)
    return {
        "title": tr(
            request,
            f"allocations.refused.{action}",
            person=person if person_ref else "…",
            need=need or "…",
        ),
        "reason": refusal_reason(request, exc),
    }


def _requested(form: Any) -> tuple[str, str, str]:
    """(action, person ref, need ref) from a row's button ("pin"="P|N") or the manual form."""
    for action in ACTIONS:
        value = text(form, action)
        if value:
            person, _, need = value.partition("|")
            return action, person.strip(), need.strip()
    action = text(form, "action")
    if action in ("pin", "forbid"):
        return action, text(form, "person_ref"), text(form, "need_ref")
    return "rerun", "", ""


@router.post("/allocations/{run_id}/relancer")
def rerun(
    request: Request, session: SessionDep, user: SignedIn, form: Form, run_id: DbId
) -> Response:
    _coordinator(user)
    previous = service.get_run(session, run_id)
    action, person, need = _requested(form)
    manual = {"person_ref": person, "need_ref": need} if text(form, "action") else {}
    if action in ("pin", "forbid") and not (person and need):
        refusal = {
            "title": tr(request, f"allocations.refused.{action}", person="…", need="…"),
            "reason": tr(request, "allocations.refusal.missing"),
        }
        return _run_page(request, session, user, previous, 422, refusal, manual)
    pair = [(person, need)]
    try:
        run = service.rerun(
            session,
            request.app.state.matching,
            previous,
            user,
            pinned=pair if action == "pin" else [],
            forbidden=pair if action == "forbid" else [],
            # A saved run never has a pair both pinned and banned: dropping it from both is exact.
            dropped=frozenset(pair) if action in ("unpin", "unforbid") else frozenset(),
        )
    except AllocationRefused as exc:
        refusal = _refusal(request, session, exc, action, person, need)
        return _run_page(request, session, user, previous, 422, refusal, manual)
    return redirect(request, f"/allocations/{run.id}", "allocations.rerun_done")


# ----------------------------------------------------------------------------- tools index


@router.get("/outils")
def tools_index(request: Request, session: SessionDep, user: SignedIn) -> Response:
    """The coordinators' tools on one page (the navigation groups them under one entry)."""
    _coordinator(user)
    counts = {"jobdating": count_events(session), "hackathons": count_hackathons(session)}
    return render(request, "web/outils.html", user, counts=counts)
