"""Allocation of places (internships, CIFRE, project places) to people, and its independent checker.

Two solvers share one instance type and one result type:

- ``stable_allocation``: deferred acceptance with people proposing (hospitals/residents with
  capacities). The result is the people-optimal stable allocation for the tie-broken
  preferences described below.
- ``welfare_allocation``: the allocation with the largest total score (person's score plus
  need's score), solved exactly as a sparse assignment problem.

The checker half (``violations``, ``is_feasible``, ``blocking_pairs``, ``is_stable``,
``total_score``, ``compare``) is written from the definitions with plain dictionaries and shares
nothing with the solvers, so that it can verify them.

Conventions
-----------
- A person may only be placed on a need listed in one of their candidacies; a pair absent from
  the list is unacceptable (people who ranked only some needs simply list fewer).
- Higher scores are better on both sides. Ties are broken by id: a person prefers the need with
  the smaller id, a need prefers the person with the smaller id (string order). The stable
  solver is stable for these strict preferences, hence also weakly stable for the raw scores.
- Pinned pairs are placed before anything else and use up a place; pinned people are fixed, so
  they never take part in blocking pairs. Forbidden pairs are removed from every solver and can
  never block.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import linprog
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from matching.errors import AllocationError

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


# -- domain values -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Opening:
    """A need offering a number of places (0 allowed: nobody can be placed there)."""

    id: str
    capacity: int = 1


@dataclass(frozen=True, slots=True)
class Candidacy:
    """An acceptable (person, need) pair, scored from both sides (higher is better)."""

    person: str
    need: str
    person_score: float  # how much the person wants the need
    need_score: float  # how much the need wants the person


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule found by a checker: a stable code, the ids involved and a detail."""

    code: str
    subject: tuple[str, ...] = ()
    detail: str = ""

    def __str__(self) -> str:
        who = ", ".join(self.subject)
        return f"{self.code}({who}): {self.detail}" if self.detail else f"{self.code}({who})"


class _Compiled:
    """Array view of a validated instance, in sorted-id order so results do not depend on input
    order. Forbidden candidacies are already removed."""

    __slots__ = (
        "people",
        "needs",
        "capacity",
        "person",
        "need",
        "person_score",
        "need_score",
        "pinned_person",
        "pinned_need",
    )

    def __init__(
        self,
        people: tuple[str, ...],
        needs: tuple[str, ...],
        capacity: IntArray,
        person: IntArray,
        need: IntArray,
        person_score: FloatArray,
        need_score: FloatArray,
        pinned_person: IntArray,
        pinned_need: IntArray,
    ) -> None:
        self.people = people
        self.needs = needs
        self.capacity = capacity
        self.person = person
        self.need = need
        self.person_score = person_score
        self.need_score = need_score
        self.pinned_person = pinned_person
        self.pinned_need = pinned_need


@dataclass(frozen=True, slots=True)
class AllocationInstance:
    """People, needs with places, scored candidacies, and the coordinator's pins and bans.

    Raises AllocationError (a ValueError with a code) on construction for duplicate ids, unknown
    ids, negative capacities, non-finite scores and pins that are forbidden, unacceptable or over
    capacity.
    """

    people: tuple[str, ...]
    openings: tuple[Opening, ...]
    candidacies: tuple[Candidacy, ...]
    pinned: tuple[tuple[str, str], ...] = ()  # (person, need) that must be in the result
    forbidden: tuple[tuple[str, str], ...] = ()  # (person, need) that must never be
    _compiled: _Compiled = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Callers often hold lists; tuples keep the value immutable and hashable.
        for name in ("people", "openings", "candidacies", "pinned", "forbidden"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        object.__setattr__(self, "pinned", tuple((str(p), str(n)) for p, n in self.pinned))
        object.__setattr__(self, "forbidden", tuple((str(p), str(n)) for p, n in self.forbidden))
        object.__setattr__(self, "_compiled", _compile(self))


@dataclass(frozen=True, slots=True)
class Allocation:
    """Who got which place: (person, need) pairs, people left unplaced and each need's fill."""

    pairs: tuple[tuple[str, str], ...]  # sorted by person id
    unplaced: tuple[str, ...]  # sorted
    fill: tuple[tuple[str, int], ...]  # (need, places taken) for every need, sorted by need id
    method: str = ""

    @property
    def placed(self) -> int:
        return len(self.pairs)

    def need_of(self) -> dict[str, str]:
        """Person id -> need id, for placed people."""
        return dict(self.pairs)


# -- validation and compilation ------------------------------------------------------------------


def _first_duplicate(values: Sequence[str]) -> str | None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None


def _compile(instance: AllocationInstance) -> _Compiled:
    people_ids = [str(p) for p in instance.people]
    duplicate = _first_duplicate(people_ids)
    if duplicate is not None:
        raise AllocationError(
            "duplicate_person", f"duplicate person id {duplicate!r}", person=duplicate
        )
    need_ids = [o.id for o in instance.openings]
    duplicate = _first_duplicate(need_ids)
    if duplicate is not None:
        raise AllocationError("duplicate_need", f"duplicate need id {duplicate!r}", need=duplicate)
    for opening in instance.openings:
        if opening.capacity < 0:
            raise AllocationError(
                "negative_capacity",
                f"need {opening.id!r} has a negative capacity ({opening.capacity}); "
                "use 0 to close it",
                need=opening.id,
            )

    people = tuple(sorted(people_ids))
    needs = tuple(sorted(need_ids))
    person_index = {p: i for i, p in enumerate(people)}
    need_index = {n: j for j, n in enumerate(needs)}
    by_id = {o.id: o.capacity for o in instance.openings}
    capacity = np.array([by_id[n] for n in needs], dtype=np.int64)

    candidacies = instance.candidacies
    try:
        person = np.fromiter((person_index[c.person] for c in candidacies), np.int64)
        need = np.fromiter((need_index[c.need] for c in candidacies), np.int64)
    except KeyError:
        for c in candidacies:
            if c.person not in person_index:
                raise AllocationError(
                    "unknown_person",
                    f"candidacy names unknown person {c.person!r}",
                    person=c.person,
                    need=c.need,
                ) from None
            if c.need not in need_index:
                raise AllocationError(
                    "unknown_need",
                    f"candidacy names unknown need {c.need!r}",
                    person=c.person,
                    need=c.need,
                ) from None
        raise
    person_score = np.fromiter((c.person_score for c in candidacies), np.float64)
    need_score = np.fromiter((c.need_score for c in candidacies), np.float64)
    bad = ~(np.isfinite(person_score) & np.isfinite(need_score))
    if bad.any():
        c = candidacies[int(np.flatnonzero(bad)[0])]
        raise AllocationError(
            "non_finite_score",
            f"candidacy ({c.person!r}, {c.need!r}) has a non-finite score",
            person=c.person,
            need=c.need,
        )

    n_needs = max(len(needs), 1)
    key = person * n_needs + need
    order = np.argsort(key, kind="stable")
    repeated = np.flatnonzero(np.diff(key[order]) == 0)
    if repeated.size:
        c = candidacies[int(order[repeated[0] + 1])]
        raise AllocationError(
            "duplicate_candidacy",
            f"duplicate candidacy ({c.person!r}, {c.need!r})",
            person=c.person,
            need=c.need,
        )

    def indices(pair: tuple[str, str], what: str) -> tuple[int, int]:
        p, n = pair
        if p not in person_index:
            raise AllocationError(
                "unknown_person",
                f"{what} pair ({p!r}, {n!r}) names unknown person {p!r}",
                person=p,
                need=n,
            )
        if n not in need_index:
            raise AllocationError(
                "unknown_need",
                f"{what} pair ({p!r}, {n!r}) names unknown need {n!r}",
                person=p,
                need=n,
            )
        return person_index[p], need_index[n]

    forbidden_keys = {
        i * n_needs + j for i, j in (indices(f, "forbidden") for f in instance.forbidden)
    }
    known_keys = set(key.tolist()) if instance.pinned else set()
    pinned_person: list[int] = []
    pinned_need: list[int] = []
    pinned_by: dict[int, str] = {}
    for p, n in instance.pinned:
        i, j = indices((p, n), "pinned")
        if i * n_needs + j in forbidden_keys:
            raise AllocationError(
                "also_forbidden",
                f"pinned pair ({p!r}, {n!r}) is also forbidden",
                person=p,
                need=n,
            )
        if i * n_needs + j not in known_keys:
            raise AllocationError(
                "unacceptable",
                f"pinned pair ({p!r}, {n!r}) is unacceptable: {n!r} is not in {p!r}'s candidacies",
                person=p,
                need=n,
            )
        if i in pinned_by:
            raise AllocationError(
                "pinned_twice",
                f"person {p!r} is pinned twice ({pinned_by[i]!r} and {n!r})",
                person=p,
                need=n,
            )
        pinned_by[i] = n
        pinned_person.append(i)
        pinned_need.append(j)
    for j, count in Counter(pinned_need).items():
        if count > capacity[j]:
            raise AllocationError(
                "too_many_pins",
                f"need {needs[j]!r} has {count} pinned people but only {capacity[j]} places",
                need=needs[j],
            )

    if forbidden_keys:
        keep = ~np.isin(key, np.fromiter(forbidden_keys, np.int64))
        person, need = person[keep], need[keep]
        person_score, need_score = person_score[keep], need_score[keep]
    return _Compiled(
        people,
        needs,
        capacity,
        person,
        need,
        person_score,
        need_score,
        np.array(pinned_person, dtype=np.int64),
        np.array(pinned_need, dtype=np.int64),
    )


def _result(compiled: _Compiled, assigned: IntArray, method: str) -> Allocation:
    """The allocation for ``assigned`` (need index per person, -1 when unplaced)."""
    people, needs = compiled.people, compiled.needs
    placed = np.flatnonzero(assigned >= 0)
    pairs = tuple((people[i], needs[assigned[i]]) for i in placed.tolist())
    unplaced = tuple(people[i] for i in np.flatnonzero(assigned < 0).tolist())
    counts = np.bincount(assigned[placed], minlength=len(needs)).tolist()
    fill = tuple(zip(needs, counts, strict=True))
    return Allocation(pairs, unplaced, fill, method)


def _pinned_start(compiled: _Compiled) -> tuple[IntArray, IntArray, NDArray[np.bool_]]:
    """Assignment with only the pins, residual capacities, and which candidacies stay free."""
    assigned = np.full(len(compiled.people), -1, dtype=np.int64)
    assigned[compiled.pinned_person] = compiled.pinned_need
    residual = compiled.capacity - np.bincount(compiled.pinned_need, minlength=len(compiled.needs))
    free = assigned[compiled.person] < 0
    return assigned, residual, free


# -- solvers -------------------------------------------------------------------------------------


def stable_allocation(instance: AllocationInstance) -> Allocation:
    """People-proposing deferred acceptance with capacities; pins first, forbidden pairs removed.

    Ties: a person prefers the smaller need id, a need the smaller person id. Runs in
    O(candidacies · log capacity) with flat arrays and one heap per need.
    """
    compiled = instance._compiled
    assigned, residual, free = _pinned_start(compiled)
    person = compiled.person[free]
    need = compiled.need[free]
    person_score = compiled.person_score[free]
    need_score = compiled.need_score[free]
    n_people = len(compiled.people)

    # Each person's list, best first; index order is id order, which breaks ties.
    by_person = np.lexsort((need, -person_score, person))
    # A need's rank of each candidacy (0 = favourite). Ranks are global positions, so they are
    # comparable within one need, which is the only comparison deferred acceptance makes.
    by_need = np.lexsort((person, -need_score, need))
    rank = np.empty(len(by_need), dtype=np.int64)
    rank[by_need] = np.arange(len(by_need), dtype=np.int64)
    person_of_rank: list[int] = person[by_need].tolist()

    pref_need: list[int] = need[by_person].tolist()
    pref_rank: list[int] = rank[by_person].tolist()
    bounds = np.searchsorted(person[by_person], np.arange(n_people + 1)).tolist()
    next_choice: list[int] = bounds[:-1]
    capacity: list[int] = residual.tolist()
    # Max-heaps of held ranks (stored negated), so the worst held candidate is at the top.
    held: list[list[int]] = [[] for _ in compiled.needs]

    waiting = [i for i in range(n_people) if assigned[i] < 0]
    waiting.reverse()  # proposals in id order; the outcome does not depend on it
    heappush, heapreplace = heapq.heappush, heapq.heapreplace
    while waiting:
        p = waiting.pop()
        k, end = next_choice[p], bounds[p + 1]
        while k < end:
            n, r = pref_need[k], pref_rank[k]
            k += 1
            heap = held[n]
            if len(heap) < capacity[n]:
                heappush(heap, -r)
                break
            if heap and -heap[0] > r:
                rejected = -heapreplace(heap, -r)
                waiting.append(person_of_rank[rejected])
                break
        next_choice[p] = k

    for n, heap in enumerate(held):
        for r in heap:
            assigned[person_of_rank[-r]] = n
    return _result(compiled, assigned, "stable")


MAX_EXPANDED_EDGES = 4_000_000  # beyond this the place-by-place graph costs more than the LP


def welfare_allocation(
    instance: AllocationInstance, *, placement_bonus: float = 0.0, solver: str = "auto"
) -> Allocation:
    """The allocation with the largest total of person_score + need_score; pins honoured.

    ``placement_bonus`` is added to every pair's weight: a large value first maximises the
    number of people placed, then the score. Pairs whose weight is not positive are never
    chosen (leaving the person unplaced is at least as good).

    ``solver="matching"``: one row per usable place of each need (a need never needs more rows
    than it has candidates), one column per person plus one "empty" column per place, and a
    minimum weight full matching of the rows (scipy's LAPJVsp). Costs are shifted to stay
    positive; since every row is matched exactly once, the shift does not move the optimum.
    The graph has sum over needs of candidates × min(places, candidates) edges, small for
    ordinary capacities but not for a need with thousands of places and candidates.
    ``solver="lp"``: the linear programme with one variable per candidacy (HiGHS dual simplex).
    Its matrix is a bipartite incidence matrix, so the vertex found is integral. Slower on
    ordinary instances (~5 s against ~0.5 s at 14,000 people), but its size does not grow
    with capacities. ``"auto"`` picks the LP when the graph would exceed MAX_EXPANDED_EDGES.
    """
    if solver not in ("auto", "matching", "lp"):
        raise AllocationError(
            "unknown_solver", f"solver must be 'auto', 'matching' or 'lp', not {solver!r}"
        )
    compiled = instance._compiled
    assigned, residual, free = _pinned_start(compiled)
    weight = compiled.person_score + compiled.need_score + placement_bonus
    usable = free & (weight > 0) & (residual[compiled.need] > 0)
    person = compiled.person[usable]
    need = compiled.need[usable]
    weight = weight[usable]
    n_needs = len(compiled.needs)

    rows_of = np.minimum(residual, np.bincount(need, minlength=n_needs))
    if int(rows_of.sum()) == 0:
        return _result(compiled, assigned, "welfare")
    edges = int(rows_of[need].sum())
    if solver == "lp" or (solver == "auto" and edges > MAX_EXPANDED_EDGES):
        chosen = _welfare_lp(len(compiled.people), n_needs, person, need, weight, residual)
        if chosen is not None:
            assigned[person[chosen]] = need[chosen]
            return _result(compiled, assigned, "welfare")
    placed_person, placed_need = _welfare_matching(
        len(compiled.people), n_needs, person, need, weight, rows_of
    )
    assigned[placed_person] = placed_need
    return _result(compiled, assigned, "welfare")


def _welfare_matching(
    n_people: int,
    n_needs: int,
    person: IntArray,
    need: IntArray,
    weight: FloatArray,
    rows_of: IntArray,
) -> tuple[IntArray, IntArray]:
    """Placed people and their needs, by a minimum weight full matching of the places."""
    n_rows = int(rows_of.sum())
    first_row = np.concatenate(([0], np.cumsum(rows_of)[:-1]))
    copies = rows_of[need]
    edge = np.repeat(np.arange(len(need)), copies)
    offset = np.arange(len(edge)) - np.repeat(np.cumsum(copies) - copies, copies)
    shift = float(weight.max()) + 1.0
    rows = np.concatenate((first_row[need[edge]] + offset, np.arange(n_rows)))
    cols = np.concatenate((person[edge], n_people + np.arange(n_rows)))
    costs = np.concatenate((shift - weight[edge], np.full(n_rows, shift)))
    graph = sp.csr_matrix((costs, (rows, cols)), shape=(n_rows, n_people + n_rows))

    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    need_of_row = np.repeat(np.arange(n_needs), rows_of)
    row_ind = np.asarray(row_ind, dtype=np.int64)
    col_ind = np.asarray(col_ind, dtype=np.int64)
    real = col_ind < n_people
    return col_ind[real], need_of_row[row_ind[real]]


def _welfare_lp(
    n_people: int,
    n_needs: int,
    person: IntArray,
    need: IntArray,
    weight: FloatArray,
    residual: IntArray,
) -> NDArray[np.bool_] | None:
    """Chosen candidacies by the linear programme; None if HiGHS fails or is not integral."""
    m = len(weight)
    cols = np.arange(m)
    ones = np.ones(m)
    matrix = sp.vstack(
        (
            sp.csr_matrix((ones, (person, cols)), shape=(n_people, m)),
            sp.csr_matrix((ones, (need, cols)), shape=(n_needs, m)),
        )
    ).tocsr()
    bounds = np.concatenate((np.ones(n_people), residual.astype(float)))
    result = linprog(-weight, A_ub=matrix, b_ub=bounds, bounds=(0, 1), method="highs-ds")
    if result.status != 0:
        return None
    x = np.asarray(result.x, dtype=float)
    if np.abs(x - np.round(x)).max(initial=0.0) > 1e-6:
        return None
    chosen: NDArray[np.bool_] = x > 0.5
    return chosen


# -- independent checker -------------------------------------------------------------------------
# Everything below reads only the instance's public fields and the allocation, with dictionaries,
# so a bug in the solvers' array code cannot hide itself.


def violations(instance: AllocationInstance, allocation: Allocation) -> list[Violation]:
    """Every rule the allocation breaks: unknown ids, acceptability, bans, capacities, pins."""
    people = set(instance.people)
    capacity = {o.id: o.capacity for o in instance.openings}
    acceptable = {(c.person, c.need) for c in instance.candidacies}
    forbidden = set(instance.forbidden)
    found: list[Violation] = []

    need_of: dict[str, str] = {}
    for p, n in allocation.pairs:
        if p not in people:
            found.append(Violation("unknown_person", (p,)))
        if n not in capacity:
            found.append(Violation("unknown_need", (n,)))
        if p in need_of:
            found.append(Violation("placed_twice", (p, need_of[p], n)))
        need_of[p] = n
        if (p, n) not in acceptable:
            found.append(Violation("unacceptable", (p, n)))
        if (p, n) in forbidden:
            found.append(Violation("forbidden", (p, n)))
    taken = Counter(n for _, n in allocation.pairs)
    for n, count in taken.items():
        if n in capacity and count > capacity[n]:
            found.append(Violation("over_capacity", (n,), f"{count} > {capacity[n]}"))
    for p, n in instance.pinned:
        if need_of.get(p) != n:
            found.append(Violation("pin_missing", (p, n)))
    expected_unplaced = people - need_of.keys()
    if set(allocation.unplaced) != expected_unplaced or len(allocation.unplaced) != len(
        expected_unplaced
    ):
        found.append(Violation("unplaced_mismatch", (), "unplaced is not everyone else"))
    fill = dict(allocation.fill)
    if set(fill) != set(capacity) or any(fill[n] != taken.get(n, 0) for n in fill):
        found.append(Violation("fill_mismatch", (), "fill does not count the pairs"))
    return found


def is_feasible(instance: AllocationInstance, allocation: Allocation) -> bool:
    """True when the allocation breaks no rule (see ``violations``)."""
    return not violations(instance, allocation)


def blocking_pairs(
    instance: AllocationInstance, allocation: Allocation, *, break_ties: bool = False
) -> list[tuple[str, str]]:
    """Pairs (person, need) that would both rather be together than keep the allocation.

    A non-pinned, non-forbidden acceptable pair (p, n) blocks when p is unplaced or strictly
    prefers n to their need, and n has a place left (beyond its pins) or strictly prefers p to
    one of the non-pinned people it holds. With ``break_ties`` the solvers' id tie-break counts
    as a strict preference (smaller id preferred), otherwise equal scores never block.
    """
    scores = {(c.person, c.need): (c.person_score, c.need_score) for c in instance.candidacies}
    forbidden = set(instance.forbidden)
    pinned_people = {p for p, _ in instance.pinned}
    pins_per_need = Counter(n for _, n in instance.pinned)
    capacity = {o.id: o.capacity for o in instance.openings}
    need_of = dict(allocation.pairs)
    holds: dict[str, list[str]] = defaultdict(list)
    for p, n in allocation.pairs:
        if p not in pinned_people:
            holds[n].append(p)

    def person_prefers(p: str, n: str, current: str) -> bool:
        new = scores[(p, n)][0]
        old = scores.get((p, current), (-math.inf, -math.inf))[0]
        return new > old or (break_ties and new == old and n < current)

    def need_prefers(n: str, p: str, q: str) -> bool:
        new = scores[(p, n)][1]
        old = scores.get((q, n), (-math.inf, -math.inf))[1]
        return new > old or (break_ties and new == old and p < q)

    found: list[tuple[str, str]] = []
    for c in instance.candidacies:
        p, n = c.person, c.need
        if p in pinned_people or (p, n) in forbidden or n not in capacity:
            continue
        current = need_of.get(p)
        if current == n:
            continue
        if current is not None and not person_prefers(p, n, current):
            continue
        free_places = capacity[n] - pins_per_need[n] - len(holds[n])
        if free_places > 0 or any(need_prefers(n, p, q) for q in holds[n]):
            found.append((p, n))
    return found


def is_stable(
    instance: AllocationInstance, allocation: Allocation, *, break_ties: bool = False
) -> bool:
    """True when no pair blocks the allocation (see ``blocking_pairs``)."""
    return not blocking_pairs(instance, allocation, break_ties=break_ties)


def total_score(instance: AllocationInstance, allocation: Allocation) -> float:
    """Sum of person_score + need_score over the allocation's pairs."""
    scores = {(c.person, c.need): c.person_score + c.need_score for c in instance.candidacies}
    return math.fsum(scores.get(pair, 0.0) for pair in allocation.pairs)


# -- comparison ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupBalance:
    """Placement rate per group of one attribute (territory, school...) and the max–min gap."""

    attribute: str
    rates: tuple[tuple[str, float], ...]  # (group, share of its people placed), sorted by group
    gap: float


@dataclass(frozen=True, slots=True)
class AllocationSummary:
    """Quality figures of one allocation."""

    method: str
    people: int
    placed: int
    share_placed: float
    blocking_pairs: int
    total_score: float
    unplaced: tuple[str, ...]
    balance: tuple[GroupBalance, ...]
    feasible: bool


@dataclass(frozen=True, slots=True)
class ComparisonReport:
    """Side-by-side quality figures of several allocations of one instance."""

    rows: tuple[AllocationSummary, ...]

    def to_text(self) -> str:
        """A fixed-width table, one line per allocation."""
        attributes = [b.attribute for b in self.rows[0].balance] if self.rows else []
        header = ["method", "placed", "share", "blocking", "total score", "unplaced", "feasible"]
        header += [f"gap {a}" for a in attributes]
        lines = ["  ".join(f"{h:>12}" for h in header)]
        for row in self.rows:
            cells = [
                row.method,
                str(row.placed),
                f"{row.share_placed:.4f}",
                str(row.blocking_pairs),
                f"{row.total_score:.2f}",
                str(len(row.unplaced)),
                "yes" if row.feasible else "NO",
            ]
            cells += [f"{b.gap:.4f}" for b in row.balance]
            lines.append("  ".join(f"{c:>12}" for c in cells))
        return "\n".join(lines)


UNKNOWN_GROUP = "?"


def _balance(
    people: Sequence[str], placed: set[str], attribute: str, group_of: Mapping[str, str]
) -> GroupBalance:
    sizes: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for p in people:
        group = group_of.get(p, UNKNOWN_GROUP)
        sizes[group] += 1
        hits[group] += p in placed
    rates = tuple(sorted((g, hits[g] / sizes[g]) for g in sizes))
    values = [r for _, r in rates]
    return GroupBalance(attribute, rates, max(values) - min(values) if values else 0.0)


def compare(
    instance: AllocationInstance,
    allocations: Mapping[str, Allocation],
    *,
    groups: Mapping[str, Mapping[str, str]] | None = None,
    break_ties: bool = False,
) -> ComparisonReport:
    """Quality of each named allocation: placement, blocking pairs, score, unplaced, balance.

    ``groups`` maps an attribute name ("territory", "school") to person -> group; people
    missing from a mapping fall in the group "?".
    """
    rows: list[AllocationSummary] = []
    people = instance.people
    for name, allocation in allocations.items():
        placed = {p for p, _ in allocation.pairs}
        balance = tuple(
            _balance(people, placed, attribute, group_of)
            for attribute, group_of in (groups or {}).items()
        )
        rows.append(
            AllocationSummary(
                method=name,
                people=len(people),
                placed=len(allocation.pairs),
                share_placed=len(allocation.pairs) / len(people) if people else 0.0,
                blocking_pairs=len(blocking_pairs(instance, allocation, break_ties=break_ties)),
                total_score=total_score(instance, allocation),
                unplaced=tuple(sorted(set(people) - placed)),
                balance=balance,
                feasible=is_feasible(instance, allocation),
            )
        )
    return ComparisonReport(tuple(rows))
