"""Hackathon teams: partition participants into teams that cover many skills, schools and levels.

A team's score is the weighted number of distinct things its members bring: skills, skill
families, schools and study levels. Duplicates inside a team add nothing, so maximising the sum
over teams spreads rare skills and mixes schools and levels. The solver builds teams greedily,
then swaps members between teams while a swap raises the total (a local optimum for swaps).
Everything is deterministic for a given seed, whatever the input order.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matching.allocation import Violation
from matching.errors import TeamsError

EPSILON = 1e-9  # swaps must gain more than float noise, or the search could cycle


@dataclass(frozen=True, slots=True)
class Participant:
    """Someone taking part: skills, school and study level (unknown values count for nothing)."""

    id: str
    skills: tuple[str, ...] = ()
    school: str | None = None
    level: str | None = None


@dataclass(frozen=True, slots=True)
class TeamWeights:
    """Value of each distinct skill, skill family, school and level in a team."""

    skills: float = 1.0
    families: float = 2.0
    schools: float = 1.5
    levels: float = 1.0


@dataclass(frozen=True, slots=True)
class Teams:
    """Teams of participant ids (each sorted; teams in order of their first member) and the
    total score."""

    teams: tuple[tuple[str, ...], ...]
    score: float


def team_count(participants: int, team_size: int) -> int:
    """Number of teams: the fewest that keep every team at or under ``team_size``."""
    return -(-participants // team_size)


def _features(
    participant: Participant, families: Mapping[str, str], weights: TeamWeights
) -> dict[tuple[str, str], float]:
    """What one participant brings, as weighted features; teams score their union."""
    found: dict[tuple[str, str], float] = {}
    for skill in participant.skills:
        found[("skill", skill)] = weights.skills
        family = families.get(skill)
        if family is not None:
            found[("family", family)] = weights.families
    if participant.school is not None:
        found[("school", participant.school)] = weights.schools
    if participant.level is not None:
        found[("level", participant.level)] = weights.levels
    return found


def team_score(
    members: Sequence[Participant],
    *,
    families: Mapping[str, str] | None = None,
    weights: TeamWeights | None = None,
) -> float:
    """Weighted count of the distinct skills, families, schools and levels of a team."""
    union: dict[tuple[str, str], float] = {}
    for member in members:
        union.update(_features(member, families or {}, weights or TeamWeights()))
    return math.fsum(union.values())


def form_teams(
    participants: Sequence[Participant],
    team_size: int,
    *,
    seed: int = 0,
    families: Mapping[str, str] | None = None,
    weights: TeamWeights | None = None,
    max_passes: int = 30,
    exhaustive_up_to: int = 300,
) -> Teams:
    """Teams of at most ``team_size`` whose sizes differ by at most one, maximising the score.

    ``families`` maps a skill to its family (e.g. from the skill vocabulary). Above
    ``exhaustive_up_to`` participants each pass tries a seeded sample of swap partners instead
    of all of them. Raises TeamsError (a ValueError) for a team size below 1 or duplicate ids.
    """
    if team_size < 1:
        raise TeamsError("team_size", f"team size must be at least 1, not {team_size}")
    seen: set[str] = set()
    for p in participants:
        if p.id in seen:
            raise TeamsError(
                "duplicate_participant", f"duplicate participant id {p.id!r}", participant=p.id
            )
        seen.add(p.id)
    weights = weights or TeamWeights()
    families = families or {}
    if not participants:
        return Teams((), 0.0)

    rng = random.Random(seed)
    people = sorted(participants, key=lambda p: p.id)
    rng.shuffle(people)
    n = len(people)
    m = team_count(n, team_size)
    sizes = [n // m + (1 if t < n % m else 0) for t in range(m)]

    # Features as small integers with a weight each; a team keeps a count per feature.
    ids: dict[tuple[str, str], int] = {}
    value: list[float] = []
    feats: list[tuple[int, ...]] = []
    for p in people:
        mine = []
        for feature, w in _features(p, families, weights).items():
            if feature not in ids:
                ids[feature] = len(value)
                value.append(w)
            mine.append(ids[feature])
        feats.append(tuple(mine))
    counts: list[Counter[int]] = [Counter() for _ in range(m)]
    members: list[list[int]] = [[] for _ in range(m)]
    team_of = [0] * n

    def join(i: int, t: int) -> None:
        members[t].append(i)
        team_of[i] = t
        counts[t].update(feats[i])

    def leave(i: int, t: int) -> None:
        members[t].remove(i)
        counts[t].subtract(feats[i])

    # Greedy start: people bringing the most go first, each to the open team gaining most.
    for i in sorted(range(n), key=lambda i: -sum(value[f] for f in feats[i])):
        best_t, best_gain = -1, -math.inf
        for t in range(m):
            if len(members[t]) < sizes[t]:
                gain = sum(value[f] for f in feats[i] if counts[t][f] == 0)
                if gain > best_gain + EPSILON:
                    best_t, best_gain = t, gain
        join(i, best_t)

    def change(t: int, out: int, into: int) -> float:
        """Score change of team t when ``out`` leaves and ``into`` joins."""
        c = counts[t]
        incoming = set(feats[into])
        gained = sum(value[f] for f in incoming if c[f] == 0)
        lost = sum(value[f] for f in feats[out] if c[f] == 1 and f not in incoming)
        return gained - lost

    for _ in range(max_passes):
        improved = False
        order = list(range(n))
        rng.shuffle(order)
        for i in order:
            partners = range(n) if n <= exhaustive_up_to else rng.sample(range(n), 64)
            best_j, best_gain = -1, EPSILON
            a = team_of[i]
            for j in partners:
                b = team_of[j]
                if b == a:
                    continue
                gain = change(a, i, j) + change(b, j, i)
                if gain > best_gain:
                    best_j, best_gain = j, gain
            if best_j >= 0:
                b = team_of[best_j]
                leave(i, a)
                leave(best_j, b)
                join(i, b)
                join(best_j, a)
                improved = True
        if not improved:
            break

    teams = sorted(tuple(sorted(people[i].id for i in team)) for team in members)
    by_id = {p.id: p for p in people}
    total = math.fsum(
        team_score([by_id[x] for x in team], families=families, weights=weights) for team in teams
    )
    return Teams(tuple(teams), total)


def team_violations(
    participants: Sequence[Participant], teams: Teams, team_size: int
) -> list[Violation]:
    """Every rule the teams break: each participant exactly once, team count and sizes."""
    ids = Counter(p.id for p in participants)
    placed: Counter[str] = Counter(x for team in teams.teams for x in team)
    found: list[Violation] = []
    for x, count in placed.items():
        if x not in ids:
            found.append(Violation("unknown_participant", (x,)))
        elif count > 1:
            found.append(Violation("in_several_teams", (x,), f"{count} teams"))
    for x in ids:
        if x not in placed:
            found.append(Violation("without_team", (x,)))
    sizes = [len(team) for team in teams.teams]
    expected = team_count(len(ids), team_size) if team_size >= 1 else 0
    if len(sizes) != expected:
        found.append(Violation("team_count", (), f"{len(sizes)} teams, expected {expected}"))
    if sizes and max(sizes) - min(sizes) > 1:
        found.append(Violation("uneven_sizes", (), f"sizes from {min(sizes)} to {max(sizes)}"))
    for index, size in enumerate(sizes):
        if size > team_size:
            found.append(Violation("team_too_large", (str(index),), f"{size} > {team_size}"))
        if size == 0:
            found.append(Violation("empty_team", (str(index),)))
    return found
