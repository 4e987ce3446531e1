"""Speed and quality of the allocation solvers on a region-sized instance.

    python benchmarks/bench_allocation.py [--people 14000] [--needs 3000] [--places 6000]
                                          [--per-person 30] [--seed 0]

The instance is random but structured like the region: people have a territory, a school and
a field; needs have a territory, a field and a popularity. A person lists ~30 needs, mostly in
their field and near home; their score for a need mixes its popularity, the field match and
the distance; a need's score for a person mixes the person's record and the field match. Scores
are rounded to 3 decimals, so ties occur as they do with real scores. A few coordinator pins
and bans are added. Timings cover the solvers only; building and validating the instance is
timed separately. The machine has 2 cores; nothing here is multi-threaded.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from matching.allocation import (
    AllocationInstance,
    Candidacy,
    Opening,
    compare,
    stable_allocation,
    welfare_allocation,
)

TERRITORIES = ("Calaisis", "Boulonnais", "Dunkerquois", "Audomarois", "Montreuillois")
FIELDS = 12
SCHOOLS = 10


def build(
    n_people: int, n_needs: int, n_places: int, per_person: int, seed: int
) -> tuple[AllocationInstance, dict[str, dict[str, str]]]:
    rng = np.random.default_rng(seed)
    n_terr = len(TERRITORIES)
    need_field = rng.integers(0, FIELDS, n_needs)
    need_terr = rng.integers(0, n_terr, n_needs)
    popularity = rng.gamma(2.0, 0.5, n_needs)
    # Places: every need at least one (a few closed ones with 0), the rest spread by a skewed draw.
    capacity = np.ones(n_needs, dtype=np.int64)
    capacity[rng.random(n_needs) < 0.02] = 0
    extra = n_places - int(capacity.sum())
    capacity += rng.multinomial(extra, rng.dirichlet(np.full(n_needs, 0.7)))

    person_field = rng.integers(0, FIELDS, n_people)
    person_terr = rng.integers(0, n_terr, n_people)
    person_school = rng.integers(0, SCHOOLS, n_people)
    record = rng.normal(0.0, 1.0, n_people) + 0.15 * (person_school % 3)

    by_field = [np.flatnonzero(need_field == f) for f in range(FIELDS)]
    people_col: list[np.ndarray] = []
    needs_col: list[np.ndarray] = []
    for i in range(n_people):
        own = by_field[person_field[i]]
        k_own = min(len(own), int(per_person * 0.7))
        chosen = rng.choice(own, k_own, replace=False, p=popularity[own] / popularity[own].sum())
        others = rng.choice(n_needs, per_person - k_own + 5, replace=False)
        listed = np.unique(np.concatenate((chosen, others)))
        listed = rng.choice(listed, min(len(listed), per_person), replace=False)
        people_col.append(np.full(len(listed), i))
        needs_col.append(listed)
    person = np.concatenate(people_col)
    need = np.concatenate(needs_col)
    same_field = (need_field[need] == person_field[person]).astype(float)
    same_terr = (need_terr[need] == person_terr[person]).astype(float)
    person_score = np.round(
        0.4 * popularity[need] + 0.3 * same_field + 0.2 * same_terr + 0.1 * rng.random(len(need)), 3
    )
    need_score = np.round(
        0.5 * (1 / (1 + np.exp(-record[person]))) + 0.4 * same_field + 0.1 * rng.random(len(need)),
        3,
    )

    people = tuple(f"p{i:05d}" for i in range(n_people))
    needs = tuple(f"n{j:04d}" for j in range(n_needs))
    candidacies = tuple(
        Candidacy(people[i], needs[j], s, t)
        for i, j, s, t in zip(
            person.tolist(), need.tolist(), person_score.tolist(), need_score.tolist(), strict=True
        )
    )
    # A handful of coordinator decisions: pins on needs with room, and bans.
    pins: list[tuple[str, str]] = []
    room = capacity.copy()
    for k in rng.choice(len(person), 60, replace=False).tolist():
        i, j = int(person[k]), int(need[k])
        if room[j] > 0 and all(p != people[i] for p, _ in pins):
            room[j] -= 1
            pins.append((people[i], needs[j]))
    pinned_set = set(pins)
    bans = [
        (people[int(person[k])], needs[int(need[k])])
        for k in rng.choice(len(person), 200, replace=False).tolist()
        if (people[int(person[k])], needs[int(need[k])]) not in pinned_set
    ]
    openings = tuple(Opening(needs[j], int(capacity[j])) for j in range(n_needs))
    start = time.perf_counter()
    instance = AllocationInstance(people, openings, candidacies, tuple(pins), tuple(bans))
    print(f"AllocationInstance validation and indexing: {time.perf_counter() - start:.2f} s")
    groups = {
        "territory": {people[i]: TERRITORIES[person_terr[i]] for i in range(n_people)},
        "school": {people[i]: f"school-{person_school[i]}" for i in range(n_people)},
    }
    return instance, groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=14_000)
    parser.add_argument("--needs", type=int, default=3_000)
    parser.add_argument("--places", type=int, default=6_000)
    parser.add_argument("--per-person", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    t0 = time.perf_counter()
    instance, groups = build(args.people, args.needs, args.places, args.per_person, args.seed)
    t1 = time.perf_counter()
    places = sum(o.capacity for o in instance.openings)
    print(
        f"instance: {len(instance.people)} people, {len(instance.openings)} needs, "
        f"{places} places, {len(instance.candidacies)} candidacies, "
        f"{len(instance.pinned)} pins, {len(instance.forbidden)} bans "
        f"(generated in {t1 - t0:.2f} s)"
    )

    t = time.perf_counter()
    stable = stable_allocation(instance)
    stable_s = time.perf_counter() - t
    t = time.perf_counter()
    welfare = welfare_allocation(instance)
    welfare_s = time.perf_counter() - t
    t = time.perf_counter()
    welfare_lp = welfare_allocation(instance, solver="lp")
    welfare_lp_s = time.perf_counter() - t
    print(f"stable_allocation:                 {stable_s:.2f} s")
    print(f"welfare_allocation (matching):     {welfare_s:.2f} s")
    print(f"welfare_allocation (lp, fallback): {welfare_lp_s:.2f} s")

    t = time.perf_counter()
    allocations = {"stable": stable, "welfare": welfare, "welfare-lp": welfare_lp}
    report = compare(instance, allocations, groups=groups)
    print(f"checker and comparison: {time.perf_counter() - t:.2f} s\n")
    print(report.to_text())


if __name__ == "__main__":
    main()
