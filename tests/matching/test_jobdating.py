"""Job-dating scheduler against its independent checker, brute force, and bad input."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.jobdating import (
    Attendee,
    Company,
    Fit,
    JobDating,
    Meeting,
    Pin,
    Schedule,
    ScheduleError,
    company_agenda,
    report,
    schedule_interviews,
    schedule_violations,
    student_agenda,
    swap,
    to_csv,
)

PROPERTIES = settings(deadline=None, max_examples=150)


@st.composite
def events(
    draw: st.DrawFn,
    slot_pins: bool = True,
    max_students: int = 5,
    max_companies: int = 3,
    max_slots: int = 3,
) -> JobDating:
    """Small events with partial fits, closed tables, load caps, pins (valid ones) and bans."""
    n_slots = draw(st.integers(0, max_slots))
    students = [
        Attendee(f"s{i}", draw(st.none() | st.integers(0, 3)))
        for i in range(draw(st.integers(0, max_students)))
    ]
    companies = [
        Company(f"c{j}", draw(st.integers(0, 3)), draw(st.none() | st.integers(0, 3 * max_slots)))
        for j in range(draw(st.integers(0, max_companies)))
    ]
    every_pair = [(a.id, c.id) for a in students for c in companies]
    listed = (
        draw(st.lists(st.sampled_from(every_pair), unique=True, min_size=len(every_pair) // 2))
        if every_pair
        else []
    )
    fits = [Fit(s, c, float(draw(st.integers(-1, 5)))) for s, c in listed]
    forbidden = (
        draw(st.lists(st.sampled_from(every_pair), unique=True, max_size=2)) if every_pair else []
    )
    event = JobDating(
        n_slots,
        tuple(companies),
        tuple(students),
        tuple(fits),
        draw(st.integers(0, max_slots)),
        forbidden=tuple(forbidden),
    )
    wanted = draw(st.lists(st.sampled_from(listed), unique=True, max_size=3)) if listed else []
    for s, c in wanted:
        slot = draw(st.none() | st.integers(0, max(n_slots - 1, 0))) if slot_pins else None
        try:
            event = replace(event, pinned=(*event.pinned, Pin(s, c, slot)))
        except ValueError:
            continue  # that pin clashes with the rules or earlier pins: leave it out
    return event


def best_fit_by_brute_force(event: JobDating) -> float:
    """Best total fit over every set of meetings within the limits, slots aside (tiny events)."""
    forbidden = set(event.forbidden)
    pinned = {(p.student, p.company) for p in event.pinned}
    candidates = [
        f for f in event.fits if (f.student, f.company) not in forbidden and f.score > 0
    ] + [f for f in event.fits if (f.student, f.company) in pinned and f.score <= 0]
    s_limit = {a.id: event.student_limit(a) for a in event.attendees}
    c_limit = {c.id: event.company_limit(c) for c in event.companies}
    best = -math.inf
    for size in range(len(candidates) + 1):
        for chosen in itertools.combinations(candidates, size):
            pairs = {(f.student, f.company) for f in chosen}
            if not pinned <= pairs:
                continue
            per_student = Counter(f.student for f in chosen)
            per_company = Counter(f.company for f in chosen)
            if any(per_student[s] > s_limit[s] for s in per_student):
                continue
            if any(per_company[c] > c_limit[c] for c in per_company):
                continue
            best = max(best, math.fsum(f.score for f in chosen))
    return best


# -- properties ----------------------------------------------------------------------------------


@PROPERTIES
@given(events())
def test_every_schedule_passes_the_checker_and_stays_under_the_bound(event: JobDating) -> None:
    schedule = schedule_interviews(event)
    assert schedule_violations(event, schedule) == []
    assert schedule.total_fit <= schedule.upper_bound + 1e-9
    met = {(m.student, m.company, m.slot) for m in schedule.meetings}
    for pin in event.pinned:
        assert any(
            (pin.student, pin.company) == (s, c) and pin.slot in (None, t) for s, c, t in met
        )


@PROPERTIES
@given(events(slot_pins=False, max_students=4))
def test_without_slot_pins_the_schedule_is_optimal_and_evenly_spread(event: JobDating) -> None:
    schedule = schedule_interviews(event)
    assert math.isclose(schedule.total_fit, schedule.upper_bound, abs_tol=1e-9)
    assert math.isclose(schedule.total_fit, best_fit_by_brute_force(event), abs_tol=1e-9)
    load = Counter(m.company for m in schedule.meetings)
    per_slot = Counter((m.company, m.slot) for m in schedule.meetings)
    for (company, _), count in per_slot.items():
        assert count <= -(-load[company] // event.slots)


@settings(deadline=None, max_examples=60)
@given(events(slot_pins=False, max_students=30, max_companies=6, max_slots=5))
def test_larger_events_without_slot_pins_reach_the_bound_evenly_spread(event: JobDating) -> None:
    """Here the recolouring is needed: a greedy slot choice alone often falls short."""
    schedule = schedule_interviews(event)
    assert schedule_violations(event, schedule) == []
    assert math.isclose(schedule.total_fit, schedule.upper_bound, abs_tol=1e-9)
    load = Counter(m.company for m in schedule.meetings)
    per_slot = Counter((m.company, m.slot) for m in schedule.meetings)
    for (company, _), count in per_slot.items():
        assert count <= -(-load[company] // event.slots)


@PROPERTIES
@given(events())
def test_the_bound_is_the_brute_force_optimum(event: JobDating) -> None:
    schedule = schedule_interviews(event)
    assert math.isclose(schedule.upper_bound, best_fit_by_brute_force(event), abs_tol=1e-9)


@PROPERTIES
@given(events(), st.data())
def test_swaps_are_checked(event: JobDating, data: st.DataObject) -> None:
    schedule = schedule_interviews(event)
    if len(schedule.meetings) < 2:
        return
    a, b = data.draw(st.permutations(schedule.meetings))[:2]
    for exchange in ("slots", "students"):
        try:
            changed = swap(schedule, a, b, exchange=exchange)
        except ScheduleError as error:
            assert error.violations
        else:
            assert schedule_violations(event, changed) == []
            assert len(changed.meetings) == len(schedule.meetings)


@PROPERTIES
@given(events())
def test_coverage_bonus_gives_more_students_an_interview(event: JobDating) -> None:
    plain = schedule_interviews(event)
    covering = schedule_interviews(event, coverage_bonus=100.0)
    assert schedule_violations(event, covering) == []
    assert report(covering).students_met >= report(plain).students_met
    assert covering.total_fit <= plain.upper_bound + 1e-9


@PROPERTIES
@given(events(), st.randoms(use_true_random=False))
def test_schedule_does_not_depend_on_input_order(event: JobDating, rnd: random.Random) -> None:
    parts = [list(event.companies), list(event.attendees), list(event.fits)]
    for part in parts:
        rnd.shuffle(part)
    shuffled = replace(
        event, companies=tuple(parts[0]), attendees=tuple(parts[1]), fits=tuple(parts[2])
    )
    assert schedule_interviews(shuffled).meetings == schedule_interviews(event).meetings


# -- examples ------------------------------------------------------------------------------------


def forum() -> JobDating:
    return JobDating(
        slots=2,
        companies=(Company("acme", parallel=1), Company("port", parallel=2, max_interviews=2)),
        attendees=(Attendee("ana"), Attendee("ben"), Attendee("chloe", max_interviews=1)),
        fits=(
            Fit("ana", "acme", 0.9),
            Fit("ana", "port", 0.5),
            Fit("ben", "acme", 0.8),
            Fit("ben", "port", 0.7),
            Fit("chloe", "acme", 0.6),
            Fit("chloe", "port", 0.2),
        ),
        max_per_student=2,
        slot_labels=("14:00", "14:30"),
    )


def test_known_event_is_scheduled_optimally() -> None:
    event = forum()
    schedule = schedule_interviews(event)
    assert schedule_violations(event, schedule) == []
    # acme can see two students (one per slot): ana and ben; port takes two of the rest.
    pairs = {(m.student, m.company) for m in schedule.meetings}
    assert pairs == {("ana", "acme"), ("ben", "acme"), ("ben", "port"), ("ana", "port")}
    assert schedule.total_fit == pytest.approx(2.9) == schedule.upper_bound
    summary = report(schedule)
    assert summary.interviews == 4 and summary.students_met == 2
    assert summary.share_students_met == pytest.approx(2 / 3)
    assert summary.fit_ratio == pytest.approx(1.0)


def test_coverage_bonus_reaches_everyone_on_the_known_event() -> None:
    schedule = schedule_interviews(forum(), coverage_bonus=1.0)
    assert report(schedule).students_met == 3
    assert schedule.total_fit < schedule.upper_bound


def test_pins_at_a_slot_and_anywhere_are_kept() -> None:
    with pytest.raises(ValueError, match="over their limit"):
        replace(forum(), pinned=(Pin("chloe", "acme", 1), Pin("chloe", "port")))
    event = replace(forum(), pinned=(Pin("chloe", "acme", 1), Pin("ana", "port")))
    schedule = schedule_interviews(event)
    assert Meeting("chloe", "acme", 1) in schedule.meetings
    assert any((m.student, m.company) == ("ana", "port") for m in schedule.meetings)
    assert schedule_violations(event, schedule) == []


def test_agendas_and_csv() -> None:
    event = replace(forum(), pinned=(Pin("ana", "acme", 0),))
    schedule = schedule_interviews(event)
    students = student_agenda(schedule)
    assert set(students) == {"ana", "ben", "chloe"}
    assert students["ana"][0] == (0, "acme") and students["chloe"] == []
    companies = company_agenda(schedule)
    assert companies["acme"][0] == (0, "ana")
    assert all(slot in (0, 1) for items in companies.values() for slot, _ in items)
    lines = to_csv(schedule).splitlines()
    assert lines[0] == "creneau,etudiant,entreprise,score"
    assert "14:00,ana,acme,0.9" in lines
    assert len(lines) == 1 + len(schedule.meetings)


def test_swap_refuses_changes_that_break_rules_and_says_why() -> None:
    event = replace(forum(), pinned=(Pin("ana", "acme", 0),))
    schedule = schedule_interviews(event)
    at = {(m.student, m.company): m for m in schedule.meetings}
    # Every slot is full, so moving the pinned meeting also double-books both students.
    with pytest.raises(ScheduleError) as refused:
        swap(schedule, at[("ana", "acme")], at[("ben", "acme")])
    assert {v.code for v in refused.value.violations} == {"pin_moved", "student_double_booked"}
    with pytest.raises(ScheduleError, match="not_in_schedule"):
        swap(schedule, Meeting("chloe", "acme", 0), at[("ben", "acme")])
    with pytest.raises(ValueError, match="exchange"):
        swap(schedule, at[("ana", "acme")], at[("ben", "acme")], exchange="tables")


def test_swap_exchanges_slots_or_students() -> None:
    event = JobDating(
        slots=2,
        companies=(Company("acme"), Company("port")),
        attendees=(Attendee("ana"), Attendee("ben")),
        fits=(
            Fit("ana", "acme", 0.9),
            Fit("ana", "port", 0.1),
            Fit("ben", "acme", 0.2),
            Fit("ben", "port", 0.8),
        ),
        max_per_student=1,
    )
    schedule = schedule_interviews(event)
    at = {(m.student, m.company): m for m in schedule.meetings}
    assert set(at) == {("ana", "acme"), ("ben", "port")}
    traded = swap(schedule, at[("ana", "acme")], at[("ben", "port")], exchange="students")
    assert {(m.student, m.company) for m in traded.meetings} == {("ben", "acme"), ("ana", "port")}
    assert traded.total_fit == pytest.approx(0.3)
    if at[("ana", "acme")].slot != at[("ben", "port")].slot:
        moved = swap(schedule, at[("ana", "acme")], at[("ben", "port")])
        assert Meeting("ana", "acme", at[("ben", "port")].slot) in moved.meetings
    assert schedule_violations(event, traded) == []


def test_checker_finds_broken_schedules() -> None:
    event = replace(forum(), forbidden=(("chloe", "port"),), pinned=(Pin("ana", "acme", 0),))
    bad = Schedule(
        event,
        (
            Meeting("ana", "acme", 1),
            Meeting("ben", "acme", 1),
            Meeting("chloe", "port", 0),
            Meeting("chloe", "acme", 0),
            Meeting("ana", "port", 1),
            Meeting("ben", "port", 5),
        ),
        upper_bound=0.0,
    )
    codes = Counter(v.code for v in schedule_violations(event, bad))
    assert codes == Counter(
        {
            "company_over_parallel": 1,  # acme twice at slot 1
            "student_double_booked": 2,  # ana at slot 1, chloe at slot 0
            "forbidden": 1,
            "student_over_limit": 1,  # chloe: 2 > 1
            "company_over_limit": 1,  # port: 3 > 2
            "slot_out_of_range": 1,
            "pin_moved": 1,
        }
    )


def test_empty_event_gives_an_empty_schedule() -> None:
    event = JobDating(0, (), (), ())
    schedule = schedule_interviews(event)
    assert schedule.meetings == () and schedule.upper_bound == 0.0
    assert report(schedule).share_students_met == 0.0
    assert to_csv(schedule) == "creneau,etudiant,entreprise,score\n"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slots": -1}, "slots is negative"),
        ({"max_per_student": -1}, "max_per_student is negative"),
        ({"attendees": (Attendee("ana"), Attendee("ana"))}, "duplicate student id 'ana'"),
        ({"companies": (Company("acme"), Company("acme"))}, "duplicate company id 'acme'"),
        ({"companies": (Company("acme", -1), Company("port"))}, "negative number of parallel"),
        ({"fits": (Fit("ana", "acme", 1), Fit("ana", "acme", 2))}, "duplicate fit"),
        ({"fits": (Fit("zoe", "acme", 1),)}, "unknown student 'zoe'"),
        ({"forbidden": (("ana", "moon"),)}, "unknown company 'moon'"),
        ({"pinned": (Pin("ana", "acme", 2),)}, "outside the event"),
        ({"pinned": (Pin("ana", "acme"), Pin("ana", "acme"))}, "pinned twice"),
        ({"pinned": (Pin("ana", "acme", 0), Pin("ben", "acme", 0))}, "more pinned meetings at"),
        ({"pinned": (Pin("ana", "acme", 0), Pin("ana", "port", 0))}, "two pinned meetings"),
        ({"pinned": (Pin("ana", "acme"),), "forbidden": (("ana", "acme"),)}, "also forbidden"),
        ({"pinned": (Pin("ana", "acme"),), "fits": ()}, "has no fit"),
        ({"slot_labels": ("14:00",)}, "1 slot labels for 2 slots"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        replace(forum(), **change)  # type: ignore[arg-type]


def test_crowded_pins_on_random_events() -> None:
    """Many pins, some at fixed slots: recolouring, eviction and the pin search all kick in."""
    rng = random.Random(5)
    for _ in range(300):
        n = rng.randint(1, 4)
        companies = tuple(
            Company(f"c{j}", rng.randint(1, 2), rng.choice([None, rng.randint(1, 6)]))
            for j in range(rng.randint(1, 5))
        )
        attendees = tuple(Attendee(f"s{i}") for i in range(rng.randint(1, 12)))
        fits = [
            Fit(a.id, c.id, rng.randint(1, 9) / 10)
            for a in attendees
            for c in companies
            if rng.random() < 0.7
        ]
        event = JobDating(n, companies, attendees, tuple(fits), rng.randint(1, 4))
        for f in rng.sample(fits, min(len(fits), 8)):
            slot = rng.choice([None, rng.randrange(n)])
            try:
                event = replace(event, pinned=(*event.pinned, Pin(f.student, f.company, slot)))
            except ValueError:
                continue
        schedule = schedule_interviews(event)
        assert schedule_violations(event, schedule) == []
        assert schedule.total_fit <= schedule.upper_bound + 1e-9


def test_pins_that_cannot_share_the_slots_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot all be given a slot"):
        JobDating(
            slots=2,
            companies=(Company("acme"), Company("port")),
            attendees=(Attendee("ana"), Attendee("ben")),
            fits=(Fit("ana", "acme", 1), Fit("ana", "port", 1), Fit("ben", "acme", 1)),
            max_per_student=2,
            # ana is at port in slot 0, so her acme meeting needs slot 1, where ben holds acme.
            pinned=(Pin("ana", "port", 0), Pin("ben", "acme", 1), Pin("ana", "acme")),
        )
