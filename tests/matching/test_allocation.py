"""Allocation solvers against their independent checker, brute force, and bad input."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.allocation import (
    Allocation,
    AllocationInstance,
    Candidacy,
    Opening,
    blocking_pairs,
    compare,
    is_feasible,
    is_stable,
    stable_allocation,
    total_score,
    violations,
    welfare_allocation,
)

PROPERTIES = settings(deadline=None, max_examples=150)
BRUTE = settings(deadline=None, max_examples=80)


@st.composite
def instances(
    draw: st.DrawFn, max_people: int = 7, max_needs: int = 4, strict: bool = False
) -> AllocationInstance:
    """Small instances with partial lists, closed needs, ties (unless strict), pins and bans."""
    people = [f"p{i}" for i in range(draw(st.integers(0, max_people)))]
    needs = [f"n{j}" for j in range(draw(st.integers(0, max_needs)))]
    capacity = {n: draw(st.integers(0, 3)) for n in needs}
    every_pair = [(p, n) for p in people for n in needs]
    listed = (
        draw(st.lists(st.sampled_from(every_pair), unique=True, min_size=len(every_pair) // 3))
        if every_pair
        else []
    )
    if strict:
        # Globally distinct scores give both sides strict preferences.
        person_scores = draw(st.permutations(range(len(listed))))
        need_scores = draw(st.permutations(range(len(listed))))
    else:
        person_scores = draw(
            st.lists(st.integers(0, 3), min_size=len(listed), max_size=len(listed))
        )
        need_scores = draw(st.lists(st.integers(0, 3), min_size=len(listed), max_size=len(listed)))
    candidacies = [
        Candidacy(p, n, float(s), float(t))
        for (p, n), s, t in zip(listed, person_scores, need_scores, strict=True)
    ]
    forbidden = (
        draw(st.lists(st.sampled_from(every_pair), unique=True, max_size=3)) if every_pair else []
    )
    pins: list[tuple[str, str]] = []
    wanted = (
        draw(st.lists(st.sampled_from(listed), unique=True, min_size=1, max_size=3))
        if listed
        else []
    )
    room = dict(capacity)
    for p, n in wanted:
        if (p, n) not in forbidden and room[n] > 0 and all(q != p for q, _ in pins):
            room[n] -= 1
            pins.append((p, n))
    shuffled_people = draw(st.permutations(people))
    shuffled_candidacies = draw(st.permutations(candidacies))
    return AllocationInstance(
        tuple(shuffled_people),
        tuple(Opening(n, capacity[n]) for n in needs),
        tuple(shuffled_candidacies),
        tuple(pins),
        tuple(forbidden),
    )


def feasible_allocations(instance: AllocationInstance) -> list[Allocation]:
    """Every allocation honouring capacities, acceptability, bans and pins (tiny instances)."""
    forbidden = set(instance.forbidden)
    pinned = dict(instance.pinned)
    capacity = {o.id: o.capacity for o in instance.openings}
    options: dict[str, list[str | None]] = {p: [None] for p in instance.people}
    for c in instance.candidacies:
        if (c.person, c.need) not in forbidden:
            options[c.person].append(c.need)
    people = sorted(instance.people)
    choices = [[pinned[p]] if p in pinned else options[p] for p in people]
    found = []
    for pick in itertools.product(*choices):
        taken = Counter(n for n in pick if n is not None)
        if any(taken[n] > capacity[n] for n in taken):
            continue
        pairs = tuple((p, n) for p, n in zip(people, pick, strict=True) if n is not None)
        unplaced = tuple(p for p, n in zip(people, pick, strict=True) if n is None)
        fill = tuple((n, taken.get(n, 0)) for n in sorted(capacity))
        found.append(Allocation(pairs, unplaced, fill, "brute"))
    return found


# -- properties ----------------------------------------------------------------------------------


@PROPERTIES
@given(instances())
def test_stable_allocation_is_feasible_stable_and_honours_pins(
    instance: AllocationInstance,
) -> None:
    allocation = stable_allocation(instance)
    assert violations(instance, allocation) == []
    assert set(instance.pinned) <= set(allocation.pairs)
    # Stable for the tie-broken strict preferences, hence for the raw scores too.
    assert blocking_pairs(instance, allocation, break_ties=True) == []
    assert is_stable(instance, allocation)


@PROPERTIES
@given(instances(strict=True))
def test_stable_allocation_has_no_blocking_pair_on_strict_preferences(
    instance: AllocationInstance,
) -> None:
    assert blocking_pairs(instance, stable_allocation(instance)) == []


@PROPERTIES
@given(instances())
def test_welfare_is_feasible_and_scores_at_least_the_stable_allocation(
    instance: AllocationInstance,
) -> None:
    welfare = welfare_allocation(instance)
    assert violations(instance, welfare) == []
    assert set(instance.pinned) <= set(welfare.pairs)
    stable_total = total_score(instance, stable_allocation(instance))
    assert total_score(instance, welfare) >= stable_total - 1e-9


@PROPERTIES
@given(instances())
def test_both_welfare_solvers_reach_the_same_total(instance: AllocationInstance) -> None:
    by_lp = welfare_allocation(instance, solver="lp")
    assert violations(instance, by_lp) == []
    assert math.isclose(
        total_score(instance, by_lp),
        total_score(instance, welfare_allocation(instance, solver="matching")),
        abs_tol=1e-9,
    )


@BRUTE
@given(instances(max_people=5, max_needs=3))
def test_welfare_matches_brute_force(instance: AllocationInstance) -> None:
    best = max(total_score(instance, a) for a in feasible_allocations(instance))
    assert math.isclose(total_score(instance, welfare_allocation(instance)), best, abs_tol=1e-9)


@BRUTE
@given(instances(max_people=5, max_needs=3))
def test_stable_is_the_people_optimal_stable_allocation(instance: AllocationInstance) -> None:
    """Among all stable allocations (brute force, tie-broken), nobody does better than in ours."""
    ours = stable_allocation(instance).need_of()
    score = {(c.person, c.need): c.person_score for c in instance.candidacies}

    def at_least_as_good(person: str, mine: str | None, other: str | None) -> bool:
        # Equal scores go to the smaller need id, as in the solver.
        if other is None:
            return True
        if mine is None:
            return False
        a, b = score[(person, mine)], score[(person, other)]
        return a > b or (a == b and mine <= other)

    stable = [
        a
        for a in feasible_allocations(instance)
        if blocking_pairs(instance, a, break_ties=True) == []
    ]
    assert stable, "a stable allocation always exists"
    assert any(a.need_of() == ours for a in stable)
    for other in stable:
        theirs = other.need_of()
        for person in instance.people:
            assert at_least_as_good(person, ours.get(person), theirs.get(person))


@PROPERTIES
@given(instances(), st.data())
def test_removing_a_place_never_increases_the_number_placed(
    instance: AllocationInstance, data: st.DataObject
) -> None:
    pins = Counter(n for _, n in instance.pinned)
    closable = [o for o in instance.openings if o.capacity > pins[o.id]]
    if not closable:
        return
    target = data.draw(st.sampled_from(closable))
    smaller = replace(
        instance,
        openings=tuple(
            replace(o, capacity=o.capacity - 1) if o.id == target.id else o
            for o in instance.openings
        ),
    )
    assert stable_allocation(smaller).placed <= stable_allocation(instance).placed
    assert (
        total_score(smaller, welfare_allocation(smaller))
        <= total_score(instance, welfare_allocation(instance)) + 1e-9
    )
    # With a bonus large enough to put the number placed first, welfare is monotone too.
    assert (
        welfare_allocation(smaller, placement_bonus=100.0).placed
        <= welfare_allocation(instance, placement_bonus=100.0).placed
    )


@PROPERTIES
@given(instances(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_order(
    instance: AllocationInstance, rnd: random.Random
) -> None:
    people, openings, candidacies = (
        list(instance.people),
        list(instance.openings),
        list(instance.candidacies),
    )
    for items in (people, openings, candidacies):
        rnd.shuffle(items)
    shuffled = AllocationInstance(
        tuple(people), tuple(openings), tuple(candidacies), instance.pinned, instance.forbidden
    )
    assert stable_allocation(shuffled) == stable_allocation(instance)
    assert welfare_allocation(shuffled) == welfare_allocation(instance)


# -- examples ------------------------------------------------------------------------------------


def small() -> AllocationInstance:
    return AllocationInstance(
        ("ana", "ben", "chloe"),
        (Opening("lab", 1), Opening("port", 1)),
        (
            Candidacy("ana", "lab", 0.9, 0.5),
            Candidacy("ana", "port", 0.4, 0.9),
            Candidacy("ben", "lab", 0.8, 0.7),
            Candidacy("chloe", "port", 0.7, 0.6),
        ),
    )


def test_stable_allocation_on_a_known_case() -> None:
    # lab prefers ben to ana; ana falls back on port, which prefers her to chloe.
    allocation = stable_allocation(small())
    assert allocation.pairs == (("ana", "port"), ("ben", "lab"))
    assert allocation.unplaced == ("chloe",)
    assert allocation.fill == (("lab", 1), ("port", 1))


def test_ties_are_broken_by_id() -> None:
    instance = AllocationInstance(
        ("b", "a"),
        (Opening("y", 1), Opening("x", 1)),
        (
            Candidacy("a", "x", 1.0, 1.0),
            Candidacy("a", "y", 1.0, 1.0),
            Candidacy("b", "x", 1.0, 1.0),
        ),
    )
    # a prefers x (smaller id) and x prefers a (smaller id): b is left out.
    assert stable_allocation(instance).pairs == (("a", "x"),)


def test_auto_switches_to_the_lp_for_large_graphs(monkeypatch: pytest.MonkeyPatch) -> None:
    instance = replace(small(), pinned=(("chloe", "port"),))
    expected = welfare_allocation(instance)
    monkeypatch.setattr("matching.allocation.MAX_EXPANDED_EDGES", 0)
    assert welfare_allocation(instance) == expected
    with pytest.raises(ValueError, match="solver must be"):
        welfare_allocation(instance, solver="simplex")


def test_empty_instance_gives_an_empty_valid_allocation() -> None:
    instance = AllocationInstance((), (), ())
    for solve in (stable_allocation, welfare_allocation):
        allocation = solve(instance)
        assert allocation.pairs == () and allocation.unplaced == () and allocation.fill == ()
        assert is_feasible(instance, allocation)


def test_people_without_needs_stay_unplaced() -> None:
    instance = AllocationInstance(("a", "b"), (), ())
    assert stable_allocation(instance).unplaced == ("a", "b")
    assert welfare_allocation(instance).unplaced == ("a", "b")


def test_closed_need_takes_nobody() -> None:
    instance = AllocationInstance(("a",), (Opening("x", 0),), (Candidacy("a", "x", 1.0, 1.0),))
    for solve in (stable_allocation, welfare_allocation):
        allocation = solve(instance)
        assert allocation.pairs == () and allocation.fill == (("x", 0),)


def test_pins_and_bans_are_honoured() -> None:
    base = small()
    instance = replace(base, pinned=(("chloe", "port"),), forbidden=(("ben", "lab"),))
    for solve in (stable_allocation, welfare_allocation):
        allocation = solve(instance)
        assert ("chloe", "port") in allocation.pairs
        assert ("ben", "lab") not in allocation.pairs
        assert is_feasible(instance, allocation)
    assert stable_allocation(instance).pairs == (("ana", "lab"), ("chloe", "port"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"people": ("ana", "ben", "ana")}, "duplicate person id 'ana'"),
        ({"openings": (Opening("lab"), Opening("lab"))}, "duplicate need id 'lab'"),
        ({"openings": (Opening("lab", -1), Opening("port"))}, "negative capacity"),
        ({"pinned": (("ana", "lab"), ("ana", "port"))}, "pinned twice"),
        ({"pinned": (("ben", "port"),)}, "unacceptable"),
        ({"pinned": (("ana", "lab"),), "forbidden": (("ana", "lab"),)}, "also forbidden"),
        ({"pinned": (("ana", "lab"), ("ben", "lab"))}, "2 pinned people but only 1 places"),
        ({"pinned": (("zoe", "lab"),)}, "unknown person 'zoe'"),
        ({"forbidden": (("ana", "moon"),)}, "unknown need 'moon'"),
        (
            {"candidacies": (Candidacy("ana", "lab", 1, 1), Candidacy("ana", "lab", 2, 2))},
            "duplicate candidacy ('ana', 'lab')",
        ),
        ({"candidacies": (Candidacy("zoe", "lab", 1, 1),)}, "unknown person 'zoe'"),
        ({"candidacies": (Candidacy("ana", "lab", math.nan, 1),)}, "non-finite"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        replace(small(), **change)  # type: ignore[arg-type]


def test_checker_finds_broken_allocations() -> None:
    instance = replace(small(), pinned=(("ben", "lab"),), forbidden=(("chloe", "port"),))
    bad = Allocation(
        pairs=(("ana", "lab"), ("ben", "port"), ("chloe", "port")),
        unplaced=(),
        fill=(("lab", 1), ("port", 2)),
    )
    codes = {v.code for v in violations(instance, bad)}
    assert codes == {"unacceptable", "forbidden", "over_capacity", "pin_missing"}
    assert not is_feasible(instance, bad)


def test_blocking_pairs_follow_the_definition() -> None:
    instance = small()
    # Everyone unplaced: every acceptable pair blocks.
    empty = Allocation((), ("ana", "ben", "chloe"), (("lab", 0), ("port", 0)))
    assert len(blocking_pairs(instance, empty)) == 4
    # ana at lab, ben out: lab prefers ben, who is unplaced -> (ben, lab) blocks.
    allocation = Allocation(
        (("ana", "lab"), ("chloe", "port")), ("ben",), (("lab", 1), ("port", 1))
    )
    assert blocking_pairs(instance, allocation) == [("ben", "lab")]


def test_compare_reports_quality_and_balance() -> None:
    instance = small()
    report = compare(
        instance,
        {"stable": stable_allocation(instance), "welfare": welfare_allocation(instance)},
        groups={"territory": {"ana": "Calaisis", "ben": "Calaisis", "chloe": "Boulonnais"}},
    )
    stable, welfare = report.rows
    assert stable.placed == 2 and stable.share_placed == pytest.approx(2 / 3)
    assert stable.blocking_pairs == 0 and stable.unplaced == ("chloe",)
    assert welfare.total_score >= stable.total_score
    (balance,) = stable.balance
    assert dict(balance.rates) == {"Boulonnais": 0.0, "Calaisis": 1.0}
    assert balance.gap == 1.0
    assert "stable" in report.to_text()


def test_a_mid_sized_random_instance_is_consistent() -> None:
    rng = random.Random(7)
    people = tuple(f"p{i:03d}" for i in range(300))
    needs = tuple(Opening(f"n{j:02d}", rng.randint(0, 6)) for j in range(60))
    candidacies = tuple(
        Candidacy(p, n.id, round(rng.random(), 2), round(rng.random(), 2))
        for p in people
        for n in rng.sample(needs, 8)
    )
    instance = AllocationInstance(people, needs, candidacies)
    stable, welfare = stable_allocation(instance), welfare_allocation(instance)
    assert is_feasible(instance, stable) and is_feasible(instance, welfare)
    assert is_stable(instance, stable, break_ties=True)
    assert total_score(instance, welfare) >= total_score(instance, stable)
