"""Training pairs from the region's decisions, and `passerelle learn`: fit, hold out, save.

The latest decision on a pair is its label (a rejection after an approval drops it); a pair
is kept (1) when approved, introduced, hired, shortlisted by the company or marked by the
student, and dropped (0) when rejected. Each pair gets the engine's scores as a ranking of
candidates for its need would give them (base score, raw components), so the re-ranker learns
on what it will see when it re-orders a ranking.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from api.engine.service import MatchingService, to_need, to_profile
from api.learning import repository
from api.learning.repository import Decision, aware
from matching.rerank import (
    HoldoutReport,
    Pair,
    evaluate_holdout,
    feature_matrix,
    save_reranker,
)


@dataclass(frozen=True)
class TrainingPair:
    """A decided pair: its label, who decided last and when, and what the engine made of it."""

    need_ref: str
    person_ref: str
    kept: bool
    source: str
    decided_at: datetime
    pair: Pair


@dataclass(frozen=True)
class LearnReport:
    decisions: int  # decisions read
    pairs: int  # pairs labelled (the latest decision of each)
    by_source: dict[str, int] = field(default_factory=dict)
    kept: int = 0
    holdout: HoldoutReport | None = None
    path: Path | None = None


def latest_decisions(decisions: list[Decision]) -> list[Decision]:
    """The latest decision on each (need, person) pair, oldest first."""
    latest: dict[tuple[int, int], Decision] = {}
    for decision in sorted(decisions, key=lambda d: aware(d.decided_at)):
        latest[(decision.need_id, decision.person_id)] = decision
    return sorted(latest.values(), key=lambda d: aware(d.decided_at))


def training_pairs(session: Session, matching: MatchingService) -> list[TrainingPair]:
    """Every decided pair with the engine's scores for it (pairs it cannot score are left out)."""
    chosen = latest_decisions(repository.decisions(session))
    if not chosen:
        return []  # nothing to learn: no need to build the index
    needs = repository.needs_by_id(session, {d.need_id for d in chosen})
    people = repository.people_by_id(session, {d.person_id for d in chosen})
    indexes = matching.indexes(session)
    snapshot = indexes.people
    if len(snapshot) == 0:
        return []
    valid = snapshot.valid
    # One scoring per need gives every person's fused score and components at once.
    per_need: dict[int, tuple[Any, dict[str, Any], Any]] = {}
    out: list[TrainingPair] = []
    for decision in chosen:
        need_row, person_row = needs.get(decision.need_id), people.get(decision.person_id)
        if need_row is None or person_row is None:
            continue
        need, person = to_need(need_row), to_profile(person_row)
        position = snapshot.position(person.id)
        if position is None:
            continue
        if decision.need_id not in per_need:
            try:
                fused, components_of, codes = snapshot.score_matrix([need], indexes.weights)
            except ValueError:
                continue  # a need with nothing to compare
            per_need[decision.need_id] = (fused[0], components_of, codes[0])
        fused_row, components_of, codes_row = per_need[decision.need_id]
        ranked = valid & (codes_row == 0)
        # A pair the base ranker rules out (a hard constraint) comes after all it ranks.
        floor = float(fused_row[ranked].min()) - 1.0 if ranked.any() else -1.0
        base = float(fused_row[position]) if ranked[position] else floor
        components = {name: float(row[0, position]) for name, row in components_of.items()}
        out.append(
            TrainingPair(
                need_ref=need.id,
                person_ref=person.id,
                kept=decision.kept,
                source=decision.source,
                decided_at=aware(decision.decided_at),
                pair=Pair(need, person, base, components),
            )
        )
    return out


def learn(
    session: Session,
    matching: MatchingService,
    path: Path,
    *,
    holdout: float = 0.3,
    min_gain: float = 0.01,
) -> LearnReport:
    """Fit the re-ranker on the decisions, evaluate it on the newest ones, save it to `path`.

    The file always records the hold-out figures; it marks the model in use only when it beat
    the base ranker there, and rankings read it through `matching.rerank.load_reranker`.
    """
    decisions = repository.decisions(session)
    pairs = training_pairs(session, matching)
    if pairs:
        X = feature_matrix([p.pair for p in pairs])
        y = np.array([int(p.kept) for p in pairs])
        model, report = evaluate_holdout(
            X,
            y,
            [p.need_ref for p in pairs],
            [p.decided_at for p in pairs],
            holdout=holdout,
            min_gain=min_gain,
        )
    else:
        model, report = evaluate_holdout(np.zeros((0, 1)), np.zeros(0), [], [])
    saved = save_reranker(path, model, report)
    return LearnReport(
        decisions=len(decisions),
        pairs=len(pairs),
        by_source=dict(Counter(p.source for p in pairs)),
        kept=sum(p.kept for p in pairs),
        holdout=report,
        path=saved,
    )
