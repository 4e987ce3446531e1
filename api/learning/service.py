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
    ranker = matching.fitted(session).people
    if ranker is None:
        return []
    everyone = max(1, repository.people_count(session))
    base_by_need: dict[int, dict[str, float]] = {}
    out: list[TrainingPair] = []
    for decision in chosen:
        need_row, person_row = needs.get(decision.need_id), people.get(decision.person_id)
        if need_row is None or person_row is None:
            continue
        need, person = to_need(need_row), to_profile(person_row)
        try:
            if decision.need_id not in base_by_need:
                ranked = ranker.rank(need, k=everyone, explain=0)
                base_by_need[decision.need_id] = {s.doc_id: s.score for s in ranked}
            explanation = ranker.explain(need, person)
        except (KeyError, ValueError):
            continue  # a need or profile with nothing to compare
        scores = base_by_need[decision.need_id]
        # A pair the base ranker rules out (a hard constraint) comes after all it ranks.
        floor = min(scores.values(), default=0.0) - 1.0
        components = {c.name: c.value for c in explanation.components}
        out.append(
            TrainingPair(
                need_ref=need.id,
                person_ref=person.id,
                kept=decision.kept,
                source=decision.source,
                decided_at=aware(decision.decided_at),
                pair=Pair(need, person, scores.get(person.id, floor), components),
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
