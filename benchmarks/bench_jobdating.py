"""Speed and quality of the job-dating scheduler on a forum-sized event.

    python benchmarks/bench_jobdating.py [--students 300] [--companies 40] [--slots 8]
                                         [--per-student 4] [--seed 0]

Students and companies have a field; a student's fit with a company mixes the field match, the
company's appeal and noise (rounded to 2 decimals). Each student has a fit with about half the
companies. Companies hold 1 to 3 interviews in parallel, some with a total cap below what their
tables allow. Coordinators pin a few meetings (some at a fixed slot) and forbid a few pairs.
The run is timed twice: maximum total fit, then with a coverage bonus that first gives as many
students as possible at least one interview. The machine has 2 cores; HiGHS runs on one.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from matching.jobdating import (
    Attendee,
    Company,
    Fit,
    JobDating,
    Pin,
    report,
    schedule_interviews,
    schedule_violations,
)

FIELDS = 8


def build(
    n_students: int, n_companies: int, n_slots: int, per_student: int, seed: int
) -> JobDating:
    rng = np.random.default_rng(seed)
    student_field = rng.integers(0, FIELDS, n_students)
    company_field = rng.integers(0, FIELDS, n_companies)
    appeal = rng.random(n_companies)
    parallel = rng.integers(1, 4, n_companies)
    companies = tuple(
        Company(
            f"c{j:02d}",
            int(parallel[j]),
            int(rng.integers(n_slots, parallel[j] * n_slots + 1)) if rng.random() < 0.4 else None,
        )
        for j in range(n_companies)
    )
    attendees = tuple(Attendee(f"s{i:03d}") for i in range(n_students))
    fits: list[Fit] = []
    for i in range(n_students):
        for j in range(n_companies):
            same = student_field[i] == company_field[j]
            if same or rng.random() < 0.45:
                score = 0.5 * same + 0.3 * appeal[j] + 0.2 * rng.random()
                fits.append(Fit(attendees[i].id, companies[j].id, round(float(score), 2)))
    picks = rng.choice(len(fits), 40, replace=False).tolist()
    forbidden = tuple((fits[k].student, fits[k].company) for k in picks[30:])
    event = JobDating(n_slots, companies, attendees, tuple(fits), per_student, (), forbidden)
    pinned: list[Pin] = []
    for k in picks[:30]:
        slot = int(rng.integers(0, n_slots)) if k % 2 else None
        candidate = (*pinned, Pin(fits[k].student, fits[k].company, slot))
        try:
            event = JobDating(
                n_slots, companies, attendees, tuple(fits), per_student, candidate, forbidden
            )
        except ValueError:
            continue  # a pin clashing with earlier ones: a coordinator would not enter it
        pinned = list(candidate)
    return event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--companies", type=int, default=40)
    parser.add_argument("--slots", type=int, default=8)
    parser.add_argument("--per-student", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    event = build(args.students, args.companies, args.slots, args.per_student, args.seed)
    tables = sum(event.company_limit(c) for c in event.companies)
    print(
        f"event: {len(event.attendees)} students (up to {event.max_per_student} interviews), "
        f"{len(event.companies)} companies ({tables} interviews possible), {event.slots} slots, "
        f"{len(event.fits)} fits, {len(event.pinned)} pins, {len(event.forbidden)} bans"
    )
    for label, bonus in (("max fit", 0.0), ("max fit + coverage bonus 1.0", 1.0)):
        start = time.perf_counter()
        schedule = schedule_interviews(event, coverage_bonus=bonus)
        elapsed = time.perf_counter() - start
        figures = report(schedule)
        problems = schedule_violations(event, schedule)
        print(
            f"\n{label}: {elapsed:.2f} s\n"
            f"  interviews scheduled        {figures.interviews}\n"
            f"  students with >= 1          {figures.students_met}/{figures.students} "
            f"({figures.share_students_met:.1%})\n"
            f"  total fit / upper bound     {figures.total_fit:.2f} / {figures.upper_bound:.2f} "
            f"({figures.fit_ratio:.2%})\n"
            f"  busiest - quietest slot     {figures.max_slot_spread} (worst company)\n"
            f"  checker violations          {len(problems)}"
        )


if __name__ == "__main__":
    main()
