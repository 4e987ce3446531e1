"""Coordinators' tools: allocating places with two methods side by side, pins, bans, exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

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
    text,
    tr,
)
from api.models import AllocationRun, Need, Person
from api.routers.allocations import (
    AllocationRequest,
    get_run,
    list_runs,
    rerun_request,
    run_allocation,
    split_pairs,
)

router = APIRouter(route_class=WebRoute)

METHODS = ("stable", "welfare")
KINDS = ("internship", "apprenticeship", "job", "rd")
ATTRIBUTES = ("territory", "school")
UNKNOWN = "?"  # the group of people without a territory or a school, as the engine names it
RUNS_SHOWN = 50
ACTIONS = ("pin", "forbid", "unpin", "unforbid")

# Why the engine refused the constraints (its messages are English), as catalogue keys.
_REFUSALS = (
    ("names unknown person", "allocations.refusal.unknown_person"),
    ("names unknown need", "allocations.refusal.unknown_need"),
    ("is also forbidden", "allocations.refusal.also_forbidden"),
    ("is pinned twice", "allocations.refusal.pinned_twice"),
    ("pinned people but only", "allocations.refusal.too_many_pins"),
    ("is unacceptable", "allocations.refusal.unacceptable"),
)


def _coordinator(user: Any) -> None:
    require_role(user, "coordinator", "admin")


# ----------------------------------------------------------------------------- the list


def _runs_page(
    request: Request,
    session: Session,
    user: Any,
    status_code: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    runs, total = list_runs(session, RUNS_SHOWN, 0)
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
        kinds=KINDS,
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
    run = run_allocation(session, request.app.state.matching, body, user)
    session.commit()
    return redirect(request, f"/allocations/{run.id}", "allocations.done")


# ----------------------------------------------------------------------------- one run


@dataclass
class PairRow:
    """One (person, need) pair chosen by one method or both, with what the page shows of it."""

    person_ref: str
    need_ref: str
    score: float
    methods: list[str] = field(default_factory=list)
    person: Person | None = None
    need: Need | None = None
    pinned: bool = False

    @property
    def differs(self) -> bool:
        return len(self.methods) < len(METHODS)

    @property
    def person_label(self) -> str:
        return _person_label(self.person, self.person_ref)

    @property
    def need_label(self) -> str:
        return self.need.title if self.need else self.need_ref

    @property
    def territory(self) -> str:
        return (self.person.territory if self.person else None) or UNKNOWN

    @property
    def school(self) -> str:
        organisation = self.person.organisation if self.person else None
        return organisation.name if organisation else UNKNOWN


def _person_label(person: Person | None, ref: str) -> str:
    return f"{person.first_name} {person.last_name}" if person else ref


def _people(session: Session, refs: set[str]) -> dict[str, Person]:
    if not refs:
        return {}
    rows = session.scalars(
        select(Person).options(selectinload(Person.organisation)).where(Person.ref.in_(refs))
    )
    return {p.ref: p for p in rows}


def _needs(session: Session, refs: set[str]) -> dict[str, Need]:
    if not refs:
        return {}
    rows = session.scalars(
        select(Need).options(selectinload(Need.organisation)).where(Need.ref.in_(refs))
    )
    return {n.ref: n for n in rows}


def _pair_rows(session: Session, run: AllocationRun) -> list[PairRow]:
    by_pair: dict[tuple[str, str], PairRow] = {}
    for pair in run.pairs:
        key = (pair.person_ref, pair.need_ref)
        row = by_pair.setdefault(key, PairRow(pair.person_ref, pair.need_ref, pair.score))
        row.methods.append(pair.method)
    pinned = set(split_pairs(run.pinned))
    constrained = pinned | set(split_pairs(run.forbidden))
    people = _people(session, {p for p, _ in by_pair} | {p for p, _ in constrained})
    needs = _needs(session, {n for _, n in by_pair} | {n for _, n in constrained})
    for (person_ref, need_ref), row in by_pair.items():
        row.person = people.get(person_ref)
        row.need = needs.get(need_ref)
        row.pinned = (person_ref, need_ref) in pinned
        row.methods.sort(key=METHODS.index)

    def order(row: PairRow) -> tuple[str, str, str, int]:
        last, first = (row.person.last_name, row.person.first_name) if row.person else ("", "")
        return (last.lower(), first.lower(), row.person_ref, METHODS.index(row.methods[0]))

    return sorted(by_pair.values(), key=order)


def _constraints(session: Session, values: list[str]) -> list[dict[str, Any]]:
    pairs = split_pairs(values)
    people = _people(session, {p for p, _ in pairs})
    needs = _needs(session, {n for _, n in pairs})
    return [
        {
            "person_ref": p,
            "need_ref": n,
            "person_label": _person_label(people.get(p), p),
            "need_label": needs[n].title if n in needs else n,
        }
        for p, n in pairs
    ]


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
    user: Any,
    run: AllocationRun,
    status_code: int = 200,
    refusal: dict[str, str] | None = None,
    manual: dict[str, str] | None = None,
) -> Response:
    territory = request.query_params.get("territoire", "")
    school = request.query_params.get("ecole", "")
    only_differences = request.query_params.get("ecarts") == "1"
    report_rows = {r["method"]: r for r in run.report.get("rows", [])}
    rows = _pair_rows(session, run)
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
        pinned=_constraints(session, run.pinned),
        forbidden=_constraints(session, run.forbidden),
        refusal=refusal,
        manual=manual or {},
    )


@router.get("/allocations/{run_id}")
def run_page(request: Request, session: SessionDep, user: SignedIn, run_id: int) -> Response:
    _coordinator(user)
    return _run_page(request, session, user, get_run(session, run_id))


def _refusal(
    request: Request, session: Session, exc: AppError, action: str, person_ref: str, need_ref: str
) -> dict[str, str]:
    """The engine's refusal in the page's language, naming the pair the way the page does."""
    person = _people(session, {person_ref}).get(person_ref) if person_ref else None
    need = _needs(session, {need_ref}).get(need_ref) if need_ref else None
    reason = next((key for part, key in _REFUSALS if part in exc.message), None)
    return {
        "title": tr(
            request,
            f"allocations.refused.{action}",
            person=_person_label(person, person_ref) if person_ref else "…",
            need=need.title if need else need_ref or "…",
        ),
        "reason": tr(request, reason or "allocations.refusal.generic"),
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
    request: Request, session: SessionDep, user: SignedIn, form: Form, run_id: int
) -> Response:
    _coordinator(user)
    previous = get_run(session, run_id)
    action, person, need = _requested(form)
    manual = {"person_ref": person, "need_ref": need} if text(form, "action") else {}
    if action in ("pin", "forbid") and not (person and need):
        refusal = {
            "title": tr(request, f"allocations.refused.{action}", person="…", need="…"),
            "reason": tr(request, "allocations.refusal.missing"),
        }
        return _run_page(request, session, user, previous, 422, refusal, manual)
    pair = [(person, need)]
    body = rerun_request(
        previous,
        pinned=pair if action == "pin" else [],
        forbidden=pair if action == "forbid" else [],
        # A saved run never has a pair both pinned and banned: dropping it from both is exact.
        dropped=frozenset(pair) if action in ("unpin", "unforbid") else frozenset(),
    )
    try:
        run = run_allocation(session, request.app.state.matching, body, user)
    except AppError as exc:
        session.rollback()
        if exc.field != "pinned":
            raise
        refusal = _refusal(request, session, exc, action, person, need)
        return _run_page(request, session, user, previous, 422, refusal, manual)
    session.commit()
    return redirect(request, f"/allocations/{run.id}", "allocations.rerun_done")
