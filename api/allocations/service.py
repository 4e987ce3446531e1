"""Allocation rules: build the engine's instance, run both methods, save, rerun, export.

The engine refuses impossible pins and bans with an `AllocationError` carrying a code and the
pair concerned; `AllocationRefused` keeps both, so the JSON API and the pages say why without
reading the engine's message.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from api.allocations import repository
from api.allocations.schemas import AllocationRequest
from api.core.audit import actor_label, record
from api.core.content import LeftOut, has_content
from api.core.errors import AppError, NotFound
from api.core.spreadsheets import frame_csv, frame_xlsx
from api.engine.service import MatchingService, to_need, to_profile
from api.models import AllocationPair, AllocationRun, Need, Person
from matching.allocation import (
    AllocationInstance,
    Candidacy,
    Opening,
    compare,
    stable_allocation,
    welfare_allocation,
)
from matching.errors import AllocationCode, AllocationError

METHODS = ("stable", "welfare")
UNKNOWN = "?"  # the group of people without a territory or a school, as the engine names it


class AllocationRefused(AppError):
    """The engine refused the pins and bans asked for (422); `reason` is the engine's code."""

    code = "allocation_refused"
    status_code = 422

    def __init__(self, error: AllocationError) -> None:
        super().__init__(field="pinned", reason=error.code, cause=str(error))
        self.reason: AllocationCode = error.code
        self.person = error.person
        self.need = error.need


def _scores(z: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Per-query z-scores to (0, 1): the solvers add scores, so they must be positive."""
    out: np.ndarray[Any, Any] = 1.0 / (1.0 + np.exp(-z))
    return out


@dataclass(frozen=True)
class Instance:
    """What the solvers get, with what the page and report need beside it."""

    instance: AllocationInstance
    groups: dict[str, dict[str, str]]
    combined: dict[tuple[str, str], float]
    left_out: LeftOut


def build_instance(
    session: Session, matching: MatchingService, body: AllocationRequest
) -> Instance:
    indexes = matching.indexes(session)
    needs = repository.open_needs_with_places(session, body.kinds)
    people = repository.people_to_place(session)
    # A profile or need with nothing to compare cannot be ranked: it sits this run out and the
    # report names it, so one blank sign-up does not fail the region's allocation.
    profiles = [to_profile(p) for p in people]
    engine_needs = [to_need(n) for n in needs]
    person_ok = [has_content(p) for p in profiles]
    need_ok = [has_content(n) for n in engine_needs]
    left_out = LeftOut.of(
        [p.id for p, ok in zip(profiles, person_ok, strict=True) if not ok],
        [n.id for n, ok in zip(engine_needs, need_ok, strict=True) if not ok],
    )
    people = [p for p, ok in zip(people, person_ok, strict=True) if ok]
    profiles = [p for p, ok in zip(profiles, person_ok, strict=True) if ok]
    needs = [n for n, ok in zip(needs, need_ok, strict=True) if ok]
    engine_needs = [n for n, ok in zip(engine_needs, need_ok, strict=True) if ok]
    # Rows a bulk change added moments ago may not be indexed yet: they wait for the next run.
    need_in = [n.ref in indexes.needs for n in needs]
    person_in = [p.ref in indexes.people for p in people]
    needs = [n for n, ok in zip(needs, need_in, strict=True) if ok]
    engine_needs = [n for n, ok in zip(engine_needs, need_in, strict=True) if ok]
    people = [p for p, ok in zip(people, person_in, strict=True) if ok]
    profiles = [p for p, ok in zip(profiles, person_in, strict=True) if ok]
    scores = indexes.pair_scores(profiles, engine_needs)
    if not needs or not people or scores is None:
        return Instance(AllocationInstance((), (), ()), {}, {}, left_out)
    # Both sides' view: the person's score for each need, and the need's score for each person.
    p_scores = _scores(scores.person_side)
    ok = scores.codes == 0
    n_scores = _scores(scores.need_side)
    pinned = {tuple(p) for p in body.pinned}
    candidacies: list[Candidacy] = []
    combined: dict[tuple[str, str], float] = {}
    for i, person in enumerate(people):
        allowed = np.flatnonzero(ok[i])
        best = allowed[np.argsort(-p_scores[i, allowed])][: body.candidates_per_person]
        chosen = set(best.tolist()) | {
            j for j, n in enumerate(needs) if (person.ref, n.ref) in pinned
        }
        for j in sorted(chosen):
            pair = (person.ref, needs[j].ref)
            candidacies.append(
                Candidacy(pair[0], pair[1], float(p_scores[i, j]), float(n_scores[i, j]))
            )
            combined[pair] = float(p_scores[i, j] + n_scores[i, j])
    instance = AllocationInstance(
        people=tuple(p.ref for p in people),
        openings=tuple(Opening(n.ref, n.places) for n in needs),
        candidacies=tuple(candidacies),
        pinned=tuple(body.pinned),
        forbidden=tuple(body.forbidden),
    )
    groups = {
        "territory": {p.ref: p.territory or UNKNOWN for p in people},
        "school": {p.ref: p.organisation.name if p.organisation else UNKNOWN for p in people},
    }
    return Instance(instance, groups, combined, left_out)


def run_allocation(
    session: Session, matching: MatchingService, body: AllocationRequest, actor: Any
) -> AllocationRun:
    """Run both methods and save them side by side; AllocationRefused saves nothing."""
    try:
        built = build_instance(session, matching, body)
        instance, combined = built.instance, built.combined
        results = {"stable": stable_allocation(instance), "welfare": welfare_allocation(instance)}
    except AllocationError as exc:
        raise AllocationRefused(exc) from None
    report = compare(instance, results, groups=built.groups)
    run = AllocationRun(
        created_by=actor_label(actor),
        settings={"kinds": body.kinds, "candidates_per_person": body.candidates_per_person},
        pinned=[f"{p}|{n}" for p, n in body.pinned],
        forbidden=[f"{p}|{n}" for p, n in body.forbidden],
        report={
            "rows": [asdict(r) | {"unplaced": len(r.unplaced)} for r in report.rows],
            "left_out": built.left_out.model_dump(),
        },
    )
    run.pairs = [
        AllocationPair(method=method, person_ref=p, need_ref=n, score=combined.get((p, n), 0.0))
        for method, allocation in results.items()
        for p, n in allocation.pairs
    ]
    session.add(run)
    session.flush()
    record(
        session,
        actor,
        "allocate",
        "allocation",
        str(run.id),
        placed={m: a.placed for m, a in results.items()},
    )
    return run


def list_runs(session: Session, limit: int, offset: int) -> tuple[list[AllocationRun], int]:
    """Saved runs, newest first, without their pairs, and how many there are in all."""
    return repository.runs(session, limit, offset), repository.count_runs(session)


def get_run(session: Session, run_id: int) -> AllocationRun:
    run = repository.run(session, run_id)
    if run is None:
        raise NotFound("allocation", str(run_id))
    return run


def split_pairs(values: list[str]) -> list[tuple[str, str]]:
    """Stored "person|need" strings back to pairs."""
    return [(person, need) for person, _, need in (v.partition("|") for v in values)]


def rerun_request(
    previous: AllocationRun,
    pinned: list[tuple[str, str]],
    forbidden: list[tuple[str, str]],
    *,
    dropped: frozenset[tuple[str, str]] = frozenset(),
) -> AllocationRequest:
    """The settings of ``previous`` with its pins and bans kept, new ones added, ``dropped`` removed."""

    def merge(kept: list[str], added: list[tuple[str, str]]) -> list[tuple[str, str]]:
        pairs = split_pairs(kept) + [(person, need) for person, need in added]
        return [p for p in dict.fromkeys(pairs) if p not in dropped]

    return AllocationRequest(
        kinds=previous.settings.get("kinds", ["internship"]),
        candidates_per_person=previous.settings.get("candidates_per_person", 20),
        pinned=merge(previous.pinned, pinned),
        forbidden=merge(previous.forbidden, forbidden),
    )


def rerun(
    session: Session,
    matching: MatchingService,
    previous: AllocationRun,
    actor: Any,
    *,
    pinned: list[tuple[str, str]],
    forbidden: list[tuple[str, str]],
    dropped: frozenset[tuple[str, str]] = frozenset(),
) -> AllocationRun:
    """A new run with the settings, pins and bans of ``previous``, changed as asked."""
    body = rerun_request(previous, pinned, forbidden, dropped=dropped)
    return run_allocation(session, matching, body, actor)


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str


def export_run(run: AllocationRun, fmt: Literal["csv", "xlsx"]) -> ExportFile:
    """The run's pairs as a CSV or XLSX file with a French header."""
    frame = pd.DataFrame(
        [
            {"methode": p.method, "personne": p.person_ref, "besoin": p.need_ref, "score": p.score}
            for p in run.pairs
        ],
        columns=["methode", "personne", "besoin", "score"],
    )
    name = f"allocation-{run.id}.{fmt}"
    if fmt == "csv":
        return ExportFile(frame_csv(frame).encode("utf-8"), "text/csv; charset=utf-8", name)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return ExportFile(frame_xlsx(frame), media, name)


# -- what the run's page shows -------------------------------------------------------------------


def person_label(person: Person | None, ref: str) -> str:
    return f"{person.first_name} {person.last_name}" if person else ref


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
        return person_label(self.person, self.person_ref)

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


def pair_rows(session: Session, run: AllocationRun) -> list[PairRow]:
    """The run's pairs, one row per pair (with the methods that chose it), by person name."""
    by_pair: dict[tuple[str, str], PairRow] = {}
    for pair in run.pairs:
        key = (pair.person_ref, pair.need_ref)
        row = by_pair.setdefault(key, PairRow(pair.person_ref, pair.need_ref, pair.score))
        row.methods.append(pair.method)
    pinned = set(split_pairs(run.pinned))
    constrained = pinned | set(split_pairs(run.forbidden))
    people = repository.people_by_ref(
        session, {p for p, _ in by_pair} | {p for p, _ in constrained}
    )
    needs = repository.needs_by_ref(session, {n for _, n in by_pair} | {n for _, n in constrained})
    for (person_ref, need_ref), row in by_pair.items():
        row.person = people.get(person_ref)
        row.need = needs.get(need_ref)
        row.pinned = (person_ref, need_ref) in pinned
        row.methods.sort(key=METHODS.index)

    def order(row: PairRow) -> tuple[str, str, str, int]:
        last, first = (row.person.last_name, row.person.first_name) if row.person else ("", "")
        return (last.lower(), first.lower(), row.person_ref, METHODS.index(row.methods[0]))

    return sorted(by_pair.values(), key=order)


def constraints(session: Session, values: list[str]) -> list[dict[str, Any]]:
    """Stored pins or bans with the names a coordinator reads (the ref when a row is gone)."""
    pairs = split_pairs(values)
    people = repository.people_by_ref(session, {p for p, _ in pairs})
    needs = repository.needs_by_ref(session, {n for _, n in pairs})
    return [
        {
            "person_ref": p,
            "need_ref": n,
            "person_label": person_label(people.get(p), p),
            "need_label": needs[n].title if n in needs else n,
        }
        for p, n in pairs
    ]


def pair_labels(session: Session, person_ref: str, need_ref: str) -> tuple[str, str]:
    """(person's name, need's title) for a typed pair; the ref where nothing matches."""
    person = repository.people_by_ref(session, {person_ref}).get(person_ref) if person_ref else None
    need = repository.needs_by_ref(session, {need_ref}).get(need_ref) if need_ref else None
    return person_label(person, person_ref), need.title if need else need_ref
