"""Hackathon teams: constraints, local optimality, determinism and bad input."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.teams import (
    Participant,
    Teams,
    form_teams,
    team_count,
    team_score,
    team_violations,
)

PROPERTIES = settings(deadline=None, max_examples=100)
SKILLS = ("python", "sql", "react", "docker", "ux", "pitch", "ml", "cad")
FAMILIES = {
    "python": "dev",
    "sql": "data",
    "react": "dev",
    "docker": "ops",
    "ux": "design",
    "pitch": "business",
    "ml": "data",
    "cad": "engineering",
}


@st.composite
def crowds(draw: st.DrawFn, max_size: int = 14) -> list[Participant]:
    count = draw(st.integers(0, max_size))
    return [
        Participant(
            f"p{i:02d}",
            tuple(draw(st.lists(st.sampled_from(SKILLS), unique=True, max_size=3))),
            draw(st.none() | st.sampled_from(("ULCO", "IMT", "ISCID"))),
            draw(st.none() | st.sampled_from(("bac+2", "bac+3", "bac+5"))),
        )
        for i in range(count)
    ]


def score_of(people: list[Participant], teams: Teams) -> float:
    by_id = {p.id: p for p in people}
    return sum(team_score([by_id[x] for x in team], families=FAMILIES) for team in teams.teams)


@PROPERTIES
@given(crowds(), st.integers(1, 5), st.integers(0, 3))
def test_every_participant_is_in_exactly_one_team_of_balanced_size(
    people: list[Participant], size: int, seed: int
) -> None:
    teams = form_teams(people, size, seed=seed, families=FAMILIES)
    assert team_violations(people, teams, size) == []
    assert teams.score == pytest.approx(score_of(people, teams))


@PROPERTIES
@given(crowds(max_size=10), st.integers(2, 4))
def test_no_single_swap_improves_the_teams(people: list[Participant], size: int) -> None:
    teams = form_teams(people, size, families=FAMILIES)
    by_id = {p.id: p for p in people}
    groups = [list(team) for team in teams.teams]
    for a in range(len(groups)):
        for b in range(a + 1, len(groups)):
            for i in range(len(groups[a])):
                for j in range(len(groups[b])):
                    first, second = list(groups[a]), list(groups[b])
                    first[i], second[j] = second[j], first[i]
                    before = team_score(
                        [by_id[x] for x in groups[a]], families=FAMILIES
                    ) + team_score([by_id[x] for x in groups[b]], families=FAMILIES)
                    after = team_score([by_id[x] for x in first], families=FAMILIES) + team_score(
                        [by_id[x] for x in second], families=FAMILIES
                    )
                    assert after <= before + 1e-9


@PROPERTIES
@given(crowds(), st.integers(1, 5), st.integers(0, 3), st.randoms(use_true_random=False))
def test_same_seed_same_teams_whatever_the_input_order(
    people: list[Participant], size: int, seed: int, rnd: random.Random
) -> None:
    shuffled = list(people)
    rnd.shuffle(shuffled)
    assert form_teams(shuffled, size, seed=seed, families=FAMILIES) == form_teams(
        people, size, seed=seed, families=FAMILIES
    )


def test_teams_mix_schools_and_spread_skills() -> None:
    # Four developers and four designers from two schools: each team should get both.
    people = [
        Participant(f"dev{i}", ("python",), school="ULCO" if i % 2 else "IMT") for i in range(4)
    ] + [Participant(f"ux{i}", ("ux",), school="ULCO" if i % 2 else "IMT") for i in range(4)]
    teams = form_teams(people, 2, families=FAMILIES)
    by_id = {p.id: p for p in people}
    for team in teams.teams:
        members = [by_id[x] for x in team]
        assert {m.skills[0] for m in members} == {"python", "ux"}
        assert {m.school for m in members} == {"ULCO", "IMT"}


def test_sizes_when_not_divisible() -> None:
    people = [Participant(f"p{i}") for i in range(10)]
    teams = form_teams(people, 4)
    assert sorted(len(t) for t in teams.teams) == [3, 3, 4]
    assert team_count(10, 4) == 3


def test_empty_and_bad_input() -> None:
    assert form_teams([], 3) == Teams((), 0.0)
    with pytest.raises(ValueError, match="at least 1"):
        form_teams([Participant("a")], 0)
    with pytest.raises(ValueError, match="duplicate participant id 'a'"):
        form_teams([Participant("a"), Participant("a")], 2)


def test_checker_finds_broken_teams() -> None:
    people = [Participant(x) for x in "abcde"]
    broken = Teams((("a", "b", "c", "d"), ("a", "z")), 0.0)
    codes = {v.code for v in team_violations(people, broken, 3)}
    assert codes == {
        "in_several_teams",
        "unknown_participant",
        "without_team",
        "uneven_sizes",
        "team_too_large",
    }
