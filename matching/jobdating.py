"""Job-dating schedules: which student meets which company in which time slot, and a checker.

The scheduler works in two exact-or-nearly-exact steps:

1. Choose the meetings: a linear programme over the candidate (student, company) pairs with
   at most k meetings per student, at most the company's load per company and at most one
   meeting per pair. Its constraint matrix is a bipartite incidence (or network) matrix, hence
   totally unimodular, so the simplex vertex HiGHS returns is integral: the choice is optimal.
   The same programme without the coverage bonus gives the upper bound that is reported.
2. Give each meeting a slot: split each company into ``ceil(load / slots)`` virtual tables and
   edge-colour the bipartite graph (students, tables) with ``slots`` colours by alternating-path
   recolouring. By König's theorem this always succeeds without slot pins, and each company then
   has at most ``ceil(load / slots)`` interviews per slot: its load is spread evenly. Slot pins
   are fixed colours; the rare meeting that cannot be placed around them is dropped and a greedy
   pass refills whatever room is left.

``schedule_violations`` re-checks every hard rule from the event's public fields only.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from matching.allocation import Violation
from matching.errors import JobDatingError

# -- domain values -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Company:
    """A company table: interviews it runs in parallel per slot, and its total load cap."""

    id: str
    parallel: int = 1
    max_interviews: int | None = None  # None: only the tables and slots limit it


@dataclass(frozen=True, slots=True)
class Attendee:
    """A student coming to the event; ``max_interviews`` overrides the event's default."""

    id: str
    max_interviews: int | None = None


@dataclass(frozen=True, slots=True)
class Fit:
    """Mutual fit of a student and a company (higher is better); absent pairs never meet."""

    student: str
    company: str
    score: float


@dataclass(frozen=True, slots=True)
class Pin:
    """A meeting a coordinator requires, at a given slot or (slot None) at any slot."""

    student: str
    company: str
    slot: int | None = None


@dataclass(frozen=True, slots=True)
class Meeting:
    """One interview: a student, a company and a slot (0-based)."""

    student: str
    company: str
    slot: int


@dataclass(frozen=True, slots=True)
class JobDating:
    """An event: slots, company tables, attendees, fits, and the coordinators' pins and bans.

    Raises JobDatingError (a ValueError with a code) on construction for duplicate or unknown
    ids, negative limits, and pins that are forbidden, lack a fit, fall outside the slots or
    exceed a limit on their own.
    """

    slots: int
    companies: tuple[Company, ...]
    attendees: tuple[Attendee, ...]
    fits: tuple[Fit, ...]
    max_per_student: int = 3
    pinned: tuple[Pin, ...] = ()
    forbidden: tuple[tuple[str, str], ...] = ()  # (student, company)
    slot_labels: tuple[str, ...] = ()  # e.g. "14:00"; empty: slots are numbered from 1

    def __post_init__(self) -> None:
        for name in ("companies", "attendees", "fits", "pinned", "forbidden", "slot_labels"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        _validate(self)

    def student_limit(self, attendee: Attendee) -> int:
        """Most interviews this student can have (never more than one per slot)."""
        k = self.max_per_student if attendee.max_interviews is None else attendee.max_interviews
        return min(k, self.slots)

    def company_limit(self, company: Company) -> int:
        """Most interviews this company can hold (its cap, and its tables times the slots)."""
        tables = company.parallel * self.slots
        return tables if company.max_interviews is None else min(company.max_interviews, tables)

    def label(self, slot: int) -> str:
        return self.slot_labels[slot] if self.slot_labels else str(slot + 1)


@dataclass(frozen=True, slots=True)
class Schedule:
    """Meetings of an event (sorted by slot, company, student) and the bound on total fit."""

    event: JobDating = field(repr=False, compare=False)
    meetings: tuple[Meeting, ...]
    upper_bound: float  # no schedule of this event can reach a higher total fit

    @property
    def total_fit(self) -> float:
        score = {(f.student, f.company): f.score for f in self.event.fits}
        return math.fsum(score.get((m.student, m.company), 0.0) for m in self.meetings)


class ScheduleError(JobDatingError):
    """A schedule change that would break the event's rules; ``violations`` says which."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        super().__init__("schedule_rules", "; ".join(str(v) for v in violations))
        self.violations = tuple(violations)


# -- validation ----------------------------------------------------------------------------------


def _validate(event: JobDating) -> None:
    if event.slots < 0:
        raise JobDatingError("negative_slots", f"the number of slots is negative ({event.slots})")
    if event.max_per_student < 0:
        raise JobDatingError(
            "negative_max_per_student", f"max_per_student is negative ({event.max_per_student})"
        )
    if event.slot_labels and len(event.slot_labels) != event.slots:
        raise JobDatingError(
            "slot_labels_mismatch", f"{len(event.slot_labels)} slot labels for {event.slots} slots"
        )
    students: dict[str, Attendee] = {}
    for a in event.attendees:
        if a.id in students:
            raise JobDatingError(
                "duplicate_student", f"duplicate student id {a.id!r}", student=a.id
            )
        if a.max_interviews is not None and a.max_interviews < 0:
            raise JobDatingError(
                "negative_student_limit",
                f"student {a.id!r} has a negative interview limit",
                student=a.id,
            )
        students[a.id] = a
    companies: dict[str, Company] = {}
    for table in event.companies:
        if table.id in companies:
            raise JobDatingError(
                "duplicate_company", f"duplicate company id {table.id!r}", company=table.id
            )
        if table.parallel < 0:
            raise JobDatingError(
                "negative_parallel",
                f"company {table.id!r} has a negative number of parallel interviews",
                company=table.id,
            )
        if table.max_interviews is not None and table.max_interviews < 0:
            raise JobDatingError(
                "negative_company_limit",
                f"company {table.id!r} has a negative interview limit",
                company=table.id,
            )
        companies[table.id] = table

    def known(student: str, company: str, what: str) -> None:
        if student not in students:
            raise JobDatingError(
                "unknown_student",
                f"{what} names unknown student {student!r}",
                student=student,
                company=company,
            )
        if company not in companies:
            raise JobDatingError(
                "unknown_company",
                f"{what} names unknown company {company!r}",
                student=student,
                company=company,
            )

    fits: set[tuple[str, str]] = set()
    for f in event.fits:
        known(f.student, f.company, "a fit")
        if (f.student, f.company) in fits:
            raise JobDatingError(
                "duplicate_fit",
                f"duplicate fit ({f.student!r}, {f.company!r})",
                student=f.student,
                company=f.company,
            )
        if not math.isfinite(f.score):
            raise JobDatingError(
                "non_finite_score",
                f"fit ({f.student!r}, {f.company!r}) has a non-finite score",
                student=f.student,
                company=f.company,
            )
        fits.add((f.student, f.company))
    forbidden = set(event.forbidden)
    for s, c in forbidden:
        known(s, c, "a forbidden pair")

    pinned_pairs: set[tuple[str, str]] = set()
    student_pins: Counter[str] = Counter()
    company_pins: Counter[str] = Counter()
    student_slots: set[tuple[str, int]] = set()
    company_slots: Counter[tuple[str, int]] = Counter()
    for pin in event.pinned:
        s, c, t = pin.student, pin.company, pin.slot
        known(s, c, f"pin ({s!r}, {c!r})")
        if (s, c) in forbidden:
            raise JobDatingError(
                "also_forbidden",
                f"pinned meeting ({s!r}, {c!r}) is also forbidden",
                student=s,
                company=c,
            )
        if (s, c) not in fits:
            raise JobDatingError(
                "pin_without_fit",
                f"pinned meeting ({s!r}, {c!r}) has no fit: the pair is not eligible",
                student=s,
                company=c,
            )
        if (s, c) in pinned_pairs:
            raise JobDatingError(
                "pinned_twice",
                f"meeting ({s!r}, {c!r}) is pinned twice",
                student=s,
                company=c,
            )
        pinned_pairs.add((s, c))
        student_pins[s] += 1
        company_pins[c] += 1
        if t is None:
            continue
        if not 0 <= t < event.slots:
            raise JobDatingError(
                "pin_out_of_range",
                f"pinned meeting ({s!r}, {c!r}) is at slot {t}, outside the event",
                student=s,
                company=c,
                slot=t,
            )
        if (s, t) in student_slots:
            raise JobDatingError(
                "student_pins_clash",
                f"student {s!r} has two pinned meetings at slot {t}",
                student=s,
                slot=t,
            )
        student_slots.add((s, t))
        company_slots[(c, t)] += 1
        if company_slots[(c, t)] > companies[c].parallel:
            raise JobDatingError(
                "company_pins_over_parallel",
                f"company {c!r} has more pinned meetings at slot {t} than parallel interviews",
                company=c,
                slot=t,
            )
    for s, count in student_pins.items():
        if count > event.student_limit(students[s]):
            raise JobDatingError(
                "student_pins_over_limit",
                f"student {s!r} has {count} pinned meetings, over their limit",
                student=s,
            )
    for c, count in company_pins.items():
        if count > event.company_limit(companies[c]):
            raise JobDatingError(
                "company_pins_over_limit",
                f"company {c!r} has {count} pinned meetings, over its limit",
                company=c,
            )
    # Each pin fits on its own, but together they may still leave some pin no slot.
    clash = _pin_slots(
        event.slots,
        {c: table.parallel for c, table in companies.items()},
        [(p.student, p.company, -1 if p.slot is None else p.slot) for p in event.pinned],
    )
    if event.pinned and clash is None:
        raise JobDatingError(
            "pin_clash", "the pinned meetings cannot all be given a slot without a clash"
        )


# -- solver --------------------------------------------------------------------------------------


def _choose(
    student: np.ndarray,
    company: np.ndarray,
    score: np.ndarray,
    pinned: np.ndarray,
    student_cap: np.ndarray,
    company_cap: np.ndarray,
    coverage_bonus: float,
) -> tuple[np.ndarray | None, float]:
    """Meetings chosen by the linear programme (None if it is not integral) and its fit."""
    m, n_students, n_companies = len(score), len(student_cap), len(company_cap)
    cols = np.arange(m)
    ones = np.ones(m)
    by_student = sp.csr_matrix((ones, (student, cols)), shape=(n_students, m))
    by_company = sp.csr_matrix((ones, (company, cols)), shape=(n_companies, m))
    lower = pinned.astype(float)
    if coverage_bonus <= 0:
        result = linprog(
            -score,
            A_ub=sp.vstack((by_student, by_company)).tocsr(),
            b_ub=np.concatenate((student_cap, company_cap)).astype(float),
            bounds=np.column_stack((lower, ones)),
            method="highs-ds",
        )
    else:
        # Network form: the first interview of each student flows through its own arc, which
        # carries the bonus; the others through a second arc. Still totally unimodular.
        eye = sp.identity(n_students, format="csr")
        zeros = sp.csr_matrix((n_companies, 2 * n_students))
        first = np.minimum(student_cap, 1).astype(float)
        rest = np.maximum(student_cap - 1, 0).astype(float)
        result = linprog(
            np.concatenate((-score, np.full(n_students, -coverage_bonus), np.zeros(n_students))),
            A_ub=sp.hstack((by_company, zeros)).tocsr(),
            b_ub=company_cap.astype(float),
            A_eq=sp.hstack((by_student, -eye, -eye)).tocsr(),
            b_eq=np.zeros(n_students),
            bounds=np.column_stack(
                (
                    np.concatenate((lower, np.zeros(2 * n_students))),
                    np.concatenate((ones, first, rest)),
                )
            ),
            method="highs-ds",
        )
    if result.status != 0:
        return None, math.inf
    x = np.asarray(result.x, dtype=float)[:m]
    if np.abs(x - np.round(x)).max(initial=0.0) > 1e-6:
        return None, math.inf
    chosen = x > 0.5
    return chosen, float(score[chosen].sum())


class _PinClash(Exception):
    """A pinned meeting found no slot during recolouring (handled by an exhaustive search)."""


class _Colouring:
    """Slots of meetings as an edge colouring of (students, virtual company tables)."""

    def __init__(self, n_slots: int, n_students: int, n_tables: int) -> None:
        self.n = n_slots
        self.at_student = [[-1] * n_slots for _ in range(n_students)]
        self.at_table = [[-1] * n_slots for _ in range(n_tables)]
        self.student: list[int] = []
        self.table: list[int] = []
        self.slot: list[int] = []
        self.fixed: list[bool] = []  # pinned at a slot: never moves
        self.pinned: list[bool] = []  # pinned at any slot: may move, never dropped

    def add(self, student: int, fixed: bool, pinned: bool) -> int:
        self.student.append(student)
        self.table.append(-1)
        self.slot.append(-1)
        self.fixed.append(fixed)
        self.pinned.append(pinned)
        return len(self.slot) - 1

    def put(self, e: int, table: int, t: int) -> None:
        self.table[e] = table
        self.slot[e] = t
        self.at_student[self.student[e]][t] = e
        self.at_table[table][t] = e

    def take(self, e: int) -> None:
        t = self.slot[e]
        self.at_student[self.student[e]][t] = -1
        self.at_table[self.table[e]][t] = -1
        self.slot[e] = -1

    def free(self, row: list[int]) -> list[int]:
        return [t for t in range(self.n) if row[t] < 0]

    def path(self, table: int, a: int, b: int) -> list[int] | None:
        """The a/b alternating path from ``table`` starting with colour a; None if it crosses
        a meeting pinned at its slot."""
        edges: list[int] = []
        on_table, node, colour = True, table, a
        while True:
            e = (self.at_table if on_table else self.at_student)[node][colour]
            if e < 0:
                return edges
            if self.fixed[e]:
                return None
            edges.append(e)
            node = self.student[e] if on_table else self.table[e]
            on_table = not on_table
            colour = b if colour == a else a

    def colour(self, e: int, tables: Sequence[int]) -> bool:
        """Give meeting ``e`` a slot on one of its company's ``tables``; False if impossible."""
        u = self.student[e]
        free_u = self.free(self.at_student[u])
        if not free_u or not tables:
            return False
        # A slot free at both ends needs no recolouring; among those, the company's quietest
        # slot keeps its interviews spread.
        best: tuple[int, int, int] | None = None
        for t in free_u:
            busy = sum(self.at_table[v][t] >= 0 for v in tables)
            table = next((v for v in tables if self.at_table[v][t] < 0), -1)
            if table >= 0 and (best is None or busy < best[0]):
                best = (busy, t, table)
        if best is not None:
            self.put(e, best[2], best[1])
            return True
        for v in tables:
            for b in self.free(self.at_table[v]):
                for a in free_u:
                    path = self.path(v, a, b)
                    if path is None:
                        continue
                    # Swap a and b along the path: a becomes free at v and stays free at u,
                    # which the path cannot reach (bipartite graph, u has no a-meeting).
                    moved = [(p, self.table[p], b if self.slot[p] == a else a) for p in path]
                    for p in path:
                        self.take(p)
                    for p, table, t in moved:
                        self.put(p, table, t)
                    self.put(e, v, a)
                    return True
        return False

    def force(self, e: int, tables: Sequence[int]) -> list[int]:
        """Place pinned meeting ``e`` by dropping unpinned meetings in its way; the dropped."""
        u = self.student[e]
        for t in range(self.n):
            mine = self.at_student[u][t]
            if mine >= 0 and (self.fixed[mine] or self.pinned[mine]):
                continue
            for v in tables:
                theirs = self.at_table[v][t]
                if theirs >= 0 and (self.fixed[theirs] or self.pinned[theirs]):
                    continue
                dropped = [d for d in {mine, theirs} if d >= 0]
                for d in dropped:
                    self.take(d)
                self.put(e, v, t)
                return dropped
        raise _PinClash


def schedule_interviews(event: JobDating, *, coverage_bonus: float = 0.0) -> Schedule:
    """A schedule maximising total fit under the event's rules; pins honoured.

    Pairs with a fit of zero or less are only scheduled when pinned. ``coverage_bonus`` is
    added once per student who gets at least one interview: a value above the largest fit
    makes the scheduler first give as many students as possible an interview, then maximise
    fit. Raises JobDatingError (pin_clash) if a pinned meeting cannot be placed around the slot pins.
    """
    students = sorted(a.id for a in event.attendees)
    companies = sorted(c.id for c in event.companies)
    s_index = {s: i for i, s in enumerate(students)}
    c_index = {c: j for j, c in enumerate(companies)}
    by_student = {a.id: a for a in event.attendees}
    by_company = {c.id: c for c in event.companies}
    student_cap = np.array([event.student_limit(by_student[s]) for s in students], dtype=np.int64)
    company_cap = np.array([event.company_limit(by_company[c]) for c in companies], dtype=np.int64)
    pin_slot = {(p.student, p.company): p.slot for p in event.pinned}
    forbidden = set(event.forbidden)

    # Best fit first (ties by ids), so every later "in order" pass is greedy by score.
    fits = sorted(
        (
            f
            for f in event.fits
            if (f.student, f.company) not in forbidden
            and (f.score > 0 or (f.student, f.company) in pin_slot)
        ),
        key=lambda f: (-f.score, f.student, f.company),
    )
    student = np.array([s_index[f.student] for f in fits], dtype=np.int64)
    company = np.array([c_index[f.company] for f in fits], dtype=np.int64)
    score = np.array([f.score for f in fits], dtype=np.float64)
    pinned = np.array([(f.student, f.company) in pin_slot for f in fits], dtype=bool)
    fixed_slot = [
        -1 if (slot := pin_slot.get((f.student, f.company))) is None else slot for f in fits
    ]

    chosen: np.ndarray | None = None
    bound = 0.0
    if fits:
        chosen, bound = _choose(
            student, company, score, pinned, student_cap, company_cap, coverage_bonus
        )
        if coverage_bonus > 0:
            _, bound = _choose(student, company, score, pinned, student_cap, company_cap, 0.0)
    if chosen is None:
        # Not expected (the programme is integral); pins plus the greedy pass below stand in.
        chosen = pinned.copy()
        bound = _greedy_bound(score, student, company, student_cap, company_cap)

    n = event.slots
    parallel = [by_company[c].parallel for c in companies]
    picked: list[int] = np.flatnonzero(chosen).tolist()
    try:
        meetings = _give_slots(n, picked, student, company, pinned, fixed_slot, len(students))
    except _PinClash:
        # Recolouring could not fit a pin around the slot pins: settle every pin's slot by an
        # exhaustive search, then colour the rest around all of them.
        pins = [k for k in picked if pinned[k]]
        slots = _pin_slots(
            n,
            dict(enumerate(parallel)),
            [(int(student[k]), int(company[k]), fixed_slot[k]) for k in pins],
        )
        if slots is None:
            raise JobDatingError(
                "pin_clash", "the pinned meetings cannot all be given a slot without a clash"
            ) from None
        for k, t in zip(pins, slots, strict=True):
            fixed_slot[k] = t
        meetings = _give_slots(n, picked, student, company, pinned, fixed_slot, len(students))
    _refill(meetings, student, company, student_cap, company_cap, parallel, n)
    result = sorted(
        (Meeting(students[s], companies[c], t) for (s, c), t in meetings.items()),
        key=lambda m: (m.slot, m.company, m.student),
    )
    return Schedule(event, tuple(result), bound)


def _give_slots(
    n: int,
    picked: list[int],
    student: np.ndarray,
    company: np.ndarray,
    pinned: np.ndarray,
    fixed_slot: list[int],
    n_students: int,
) -> dict[tuple[int, int], int]:
    """Slots for the picked meetings, (student, company) -> slot; some unpinned may be left out."""
    # Virtual tables: enough per company to hold its meetings at an even spread and its pins.
    per_company = Counter(int(company[k]) for k in picked)
    pins_at = Counter((int(company[k]), fixed_slot[k]) for k in picked if fixed_slot[k] >= 0)
    most_pins = Counter[int]()
    for (j, _), count in pins_at.items():
        most_pins[j] = max(most_pins[j], count)
    tables: dict[int, list[int]] = {}
    n_tables = 0
    for j in sorted(per_company):
        count = max(-(-per_company[j] // n) if n else 0, most_pins[j])
        tables[j] = list(range(n_tables, n_tables + count))
        n_tables += count

    colouring = _Colouring(n, n_students, n_tables)
    edge_of: dict[int, int] = {}
    for k in picked:
        t = fixed_slot[k]
        if t >= 0:
            table = next(v for v in tables[int(company[k])] if colouring.at_table[v][t] < 0)
            edge_of[k] = colouring.add(int(student[k]), fixed=True, pinned=True)
            colouring.put(edge_of[k], table, t)
    anywhere = [k for k in picked if pinned[k] and fixed_slot[k] < 0]
    others = [k for k in picked if not pinned[k]]
    for k in anywhere + others:
        e = edge_of[k] = colouring.add(int(student[k]), fixed=False, pinned=bool(pinned[k]))
        mine = tables[int(company[k])]
        if not colouring.colour(e, mine) and pinned[k]:
            colouring.force(e, mine)
    return {
        (int(student[k]), int(company[k])): colouring.slot[e]
        for k, e in edge_of.items()
        if colouring.slot[e] >= 0
    }


SEARCH_BUDGET = 200_000  # slot trials before giving up on placing the pins


def _pin_slots(
    n: int, parallel: Mapping[Hashable, int], pins: Sequence[tuple[Hashable, Hashable, int]]
) -> list[int] | None:
    """A slot for every pin (student, company, slot or -1 for any) without a clash, by
    backtracking; None when there is none (or the search gives up)."""
    busy: dict[Hashable, set[int]] = defaultdict(set)
    used: Counter[tuple[Hashable, int]] = Counter()
    for s, c, t in pins:
        if t >= 0:
            busy[s].add(t)
            used[(c, t)] += 1
    todo = [i for i, (_, _, t) in enumerate(pins) if t < 0]
    # Most constrained first: students and companies carrying the most pins.
    load = Counter(("s", pins[i][0]) for i in todo) + Counter(("c", pins[i][1]) for i in todo)
    todo.sort(key=lambda i: (-load[("s", pins[i][0])] - load[("c", pins[i][1])], i))
    choice = [-1] * len(todo)
    budget = SEARCH_BUDGET
    depth = 0
    while 0 <= depth < len(todo) and budget > 0:
        s, c, _ = pins[todo[depth]]
        if choice[depth] >= 0:
            busy[s].discard(choice[depth])
            used[(c, choice[depth])] -= 1
        t = choice[depth] + 1
        while t < n and (t in busy[s] or used[(c, t)] >= parallel[c]):
            t += 1
        budget -= 1
        if t < n:
            busy[s].add(t)
            used[(c, t)] += 1
            choice[depth] = t
            depth += 1
        else:
            choice[depth] = -1
            depth -= 1
    if depth != len(todo):
        return None
    slots = [t for _, _, t in pins]
    for i, t in zip(todo, choice, strict=True):
        slots[i] = t
    return slots


def _greedy_bound(
    score: np.ndarray,
    student: np.ndarray,
    company: np.ndarray,
    student_cap: np.ndarray,
    company_cap: np.ndarray,
) -> float:
    """A looser bound than the programme's: each student's best fits up to their limit."""
    taken = Counter[int]()
    total = 0.0
    for k in range(len(score)):
        s = int(student[k])
        if taken[s] < student_cap[s] and company_cap[company[k]] > 0 and score[k] > 0:
            taken[s] += 1
            total += float(score[k])
    return total


def _refill(
    meetings: dict[tuple[int, int], int],
    student: np.ndarray,
    company: np.ndarray,
    student_cap: np.ndarray,
    company_cap: np.ndarray,
    parallel: list[int],
    n_slots: int,
) -> None:
    """Add the best remaining pairs that still fit somewhere, greedily (in place).

    After an integral programme and a clean colouring there is nothing to add; this only
    recovers room left by meetings dropped around slot pins.
    """
    busy: dict[int, set[int]] = defaultdict(set)
    per_slot: dict[int, list[int]] = defaultdict(lambda: [0] * n_slots)
    student_total: Counter[int] = Counter()
    company_total: Counter[int] = Counter()
    for (s, c), t in meetings.items():
        busy[s].add(t)
        per_slot[c][t] += 1
        student_total[s] += 1
        company_total[c] += 1
    for k in range(len(student)):
        s, c = int(student[k]), int(company[k])
        if (s, c) in meetings or student_total[s] >= student_cap[s]:
            continue
        if company_total[c] >= company_cap[c]:
            continue
        open_slots = [
            t for t in range(n_slots) if t not in busy[s] and per_slot[c][t] < parallel[c]
        ]
        if not open_slots:
            continue
        t = min(open_slots, key=lambda t: per_slot[c][t])
        meetings[(s, c)] = t
        busy[s].add(t)
        per_slot[c][t] += 1
        student_total[s] += 1
        company_total[c] += 1


# -- independent checker -------------------------------------------------------------------------
# Reads only the event's public fields and the meetings, with dictionaries: shares no code with
# the scheduler above.


def schedule_violations(event: JobDating, schedule: Schedule) -> list[Violation]:
    """Every hard rule the schedule breaks (an empty list means it is valid for ``event``)."""
    students = {a.id: a for a in event.attendees}
    companies = {c.id: c for c in event.companies}
    fits = {(f.student, f.company) for f in event.fits}
    forbidden = set(event.forbidden)
    found: list[Violation] = []

    pairs: Counter[tuple[str, str]] = Counter()
    student_slot: Counter[tuple[str, int]] = Counter()
    company_slot: Counter[tuple[str, int]] = Counter()
    student_total: Counter[str] = Counter()
    company_total: Counter[str] = Counter()
    where: dict[tuple[str, str], set[int]] = defaultdict(set)
    for m in schedule.meetings:
        s, c, t = m.student, m.company, m.slot
        subject = (s, c, str(t))
        if s not in students:
            found.append(Violation("unknown_student", subject))
        if c not in companies:
            found.append(Violation("unknown_company", subject))
        if not 0 <= t < event.slots:
            found.append(Violation("slot_out_of_range", subject))
        if (s, c) not in fits:
            found.append(Violation("no_fit", subject))
        if (s, c) in forbidden:
            found.append(Violation("forbidden", subject))
        pairs[(s, c)] += 1
        student_slot[(s, t)] += 1
        company_slot[(c, t)] += 1
        student_total[s] += 1
        company_total[c] += 1
        where[(s, c)].add(t)

    for (s, c), count in pairs.items():
        if count > 1:
            found.append(Violation("met_twice", (s, c), f"{count} meetings"))
    for (s, t), count in student_slot.items():
        if count > 1:
            found.append(Violation("student_double_booked", (s, str(t)), f"{count} meetings"))
    for (c, t), count in company_slot.items():
        if c in companies and count > companies[c].parallel:
            found.append(
                Violation(
                    "company_over_parallel",
                    (c, str(t)),
                    f"{count} > {companies[c].parallel}",
                )
            )
    for s, count in student_total.items():
        if s in students:
            a = students[s]
            limit = event.max_per_student if a.max_interviews is None else a.max_interviews
            if count > limit:
                found.append(Violation("student_over_limit", (s,), f"{count} > {limit}"))
    for c, count in company_total.items():
        cap = companies[c].max_interviews if c in companies else None
        if cap is not None and count > cap:
            found.append(Violation("company_over_limit", (c,), f"{count} > {cap}"))
    for pin in event.pinned:
        slots = where.get((pin.student, pin.company), set())
        if not slots:
            found.append(Violation("pin_missing", (pin.student, pin.company)))
        elif pin.slot is not None and pin.slot not in slots:
            found.append(
                Violation("pin_moved", (pin.student, pin.company, str(pin.slot)), f"at {slots}")
            )
    return found


def swap(schedule: Schedule, a: Meeting, b: Meeting, *, exchange: str = "slots") -> Schedule:
    """The schedule with two meetings exchanged, checked; raises ScheduleError if it breaks a rule.

    ``exchange="slots"``: each meeting moves to the other's slot (same people).
    ``exchange="students"``: the two students trade companies, each keeping their own slot.
    """
    if exchange not in ("slots", "students"):
        raise JobDatingError(
            "unknown_exchange", f"exchange must be 'slots' or 'students', not {exchange!r}"
        )
    present = set(schedule.meetings)
    missing = [m for m in (a, b) if m not in present]
    if missing:
        raise ScheduleError(
            [Violation("not_in_schedule", (m.student, m.company, str(m.slot))) for m in missing]
        )
    if a == b:
        raise ScheduleError([Violation("same_meeting", (a.student, a.company, str(a.slot)))])
    if exchange == "slots":
        new_a = Meeting(a.student, a.company, b.slot)
        new_b = Meeting(b.student, b.company, a.slot)
    else:
        new_a = Meeting(b.student, a.company, a.slot)
        new_b = Meeting(a.student, b.company, b.slot)
    kept = [m for m in schedule.meetings if m != a and m != b]
    meetings = sorted([*kept, new_a, new_b], key=lambda m: (m.slot, m.company, m.student))
    changed = Schedule(schedule.event, tuple(meetings), schedule.upper_bound)
    found = schedule_violations(schedule.event, changed)
    if found:
        raise ScheduleError(found)
    return changed


# -- output --------------------------------------------------------------------------------------


def student_agenda(schedule: Schedule) -> dict[str, list[tuple[int, str]]]:
    """Each attendee's (slot, company) list in slot order; attendees without interviews too."""
    agenda: dict[str, list[tuple[int, str]]] = {a.id: [] for a in schedule.event.attendees}
    for m in schedule.meetings:
        agenda.setdefault(m.student, []).append((m.slot, m.company))
    return {s: sorted(items) for s, items in agenda.items()}


def company_agenda(schedule: Schedule) -> dict[str, list[tuple[int, str]]]:
    """Each company's (slot, student) list in slot order; companies without interviews too."""
    agenda: dict[str, list[tuple[int, str]]] = {c.id: [] for c in schedule.event.companies}
    for m in schedule.meetings:
        agenda.setdefault(m.company, []).append((m.slot, m.student))
    return {c: sorted(items) for c, items in agenda.items()}


CSV_HEADER = ("creneau", "etudiant", "entreprise", "score")


def to_csv(schedule: Schedule, header: Sequence[str] = CSV_HEADER) -> str:
    """The schedule as CSV text, one meeting per row, slots by label (or number from 1)."""
    score = {(f.student, f.company): f.score for f in schedule.event.fits}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for m in schedule.meetings:
        fit = score.get((m.student, m.company))
        writer.writerow(
            (schedule.event.label(m.slot), m.student, m.company, "" if fit is None else f"{fit:g}")
        )
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class ScheduleReport:
    """Quality figures of a schedule."""

    interviews: int
    students: int
    students_met: int  # with at least one interview
    share_students_met: float
    total_fit: float
    upper_bound: float
    fit_ratio: float  # total_fit / upper_bound (1.0 when the bound is 0)
    max_slot_spread: int  # over companies: busiest slot minus quietest slot


def report(schedule: Schedule) -> ScheduleReport:
    """Counts, coverage of students, total fit against the bound, and spread of company loads."""
    event = schedule.event
    met = {m.student for m in schedule.meetings}
    per_slot: dict[str, list[int]] = {c.id: [0] * event.slots for c in event.companies}
    for m in schedule.meetings:
        per_slot[m.company][m.slot] += 1
    spread = max((max(row) - min(row) for row in per_slot.values() if row and sum(row)), default=0)
    total = schedule.total_fit
    n = len(event.attendees)
    return ScheduleReport(
        interviews=len(schedule.meetings),
        students=n,
        students_met=len(met),
        share_students_met=len(met) / n if n else 0.0,
        total_fit=total,
        upper_bound=schedule.upper_bound,
        fit_ratio=total / schedule.upper_bound if schedule.upper_bound > 0 else 1.0,
        max_slot_spread=spread,
    )
