"""A re-ranker learnt from the region's decisions, used only where it beats the base ranker.

Coordinators approve, reject and introduce suggestions, companies shortlist candidates,
students mark interest: each decision is a labelled (need, person) pair. `DecisionReranker`
(a scikit-learn estimator) learns from them which pairs the region keeps, over the engine's
component scores for the pair, its base score and simple pair features the base ranker does
not read (same territory, study level, distance...). `evaluate_holdout` fits it on the older
decisions and compares its order with the base ranker's on the newest ones (nDCG per need,
AUC); `rerank_scores` is what a ranking calls on its top candidates, and it falls back to the
base scores whenever the model is absent or did not beat the base on its hold-out.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.utils.validation import check_is_fitted

from matching.geo import haversine_km, territory_of
from matching.types import COMPONENTS, Need, Profile, level_rank

__all__ = [
    "COMPONENT_FEATURES",
    "PAIR_FEATURES",
    "DecisionReranker",
    "HoldoutReport",
    "Pair",
    "REASONS",
    "evaluate_holdout",
    "feature_matrix",
    "learnt_order",
    "load_reranker",
    "ndcg_by_group",
    "pair_features",
    "rerank_scores",
    "save_reranker",
]

FloatArray = NDArray[np.float64]

# The engine's components, in a fixed order (a component the engine does not give reads 0).
COMPONENT_FEATURES: tuple[str, ...] = COMPONENTS
PAIR_FEATURES: tuple[str, ...] = (
    "same_territory",  # need and person in the same territory of the region
    "log_distance_km",  # log(1 + km), 0 when a place is unknown
    "place_known",
    "level",  # the person's study level rank (0 = bac ... 6 = doctorat), -1 unknown
    "level_above_min",  # levels above the need's minimum, 0 when either is unknown
    "languages_met",  # share of the need's languages the person speaks (1 when none asked)
    "seeks_kind",  # the person looks for this kind of need (or for any kind)
    "researcher",
)
FEATURES: tuple[str, ...] = ("base_score", *COMPONENT_FEATURES, *PAIR_FEATURES)


@dataclass(frozen=True, slots=True)
class Pair:
    """A (need, person) pair as a ranking sees it: its base score and raw component scores."""

    need: Need
    person: Profile
    base: float
    components: Mapping[str, float] = field(default_factory=dict)


@lru_cache(maxsize=4096)
def _territory(town: str | None) -> str | None:
    # Cached: a ranking asks it for its 50 best candidates (unicode folding, 25 µs a town).
    return territory_of(town) if town else None


def pair_features(need: Need, person: Profile) -> dict[str, float]:
    """What the base ranker does not weigh but a coordinator may: place, level, languages."""
    need_territory = _territory(need.place.town if need.place else None)
    person_territory = _territory(person.place.town if person.place else None)
    # The same great-circle distance as the constraints', one pair without numpy's overhead.
    distance = haversine_km(need.place, person.place) if need.place and person.place else None
    level = level_rank(person.level)
    minimum = level_rank(need.level_min)
    asked = set(need.languages)
    return {
        "same_territory": float(need_territory is not None and need_territory == person_territory),
        "log_distance_km": math.log1p(float(distance)) if distance is not None else 0.0,
        "place_known": float(distance is not None),
        "level": float(level) if level is not None else -1.0,
        "level_above_min": float(level - minimum)
        if level is not None and minimum is not None
        else 0.0,
        "languages_met": len(asked & set(person.languages)) / len(asked) if asked else 1.0,
        "seeks_kind": float(not person.seeks or need.kind in person.seeks),
        "researcher": float(person.kind == "researcher"),
    }


def feature_matrix(pairs: Sequence[Pair]) -> FloatArray:
    """One row per pair, columns in the order of `FEATURES`."""
    out = np.zeros((len(pairs), len(FEATURES)), dtype=np.float64)
    for i, pair in enumerate(pairs):
        extra = pair_features(pair.need, pair.person)
        out[i, 0] = pair.base if np.isfinite(pair.base) else 0.0
        for k, name in enumerate(COMPONENT_FEATURES, start=1):
            out[i, k] = float(pair.components.get(name, 0.0))
        for k, name in enumerate(PAIR_FEATURES, start=1 + len(COMPONENT_FEATURES)):
            out[i, k] = extra[name]
    return out


class DecisionReranker(BaseEstimator):  # type: ignore[misc]  # scikit-learn ships no types
    """Logistic regression on standardised pair features: the chance the region keeps a pair.

    A scikit-learn estimator: `fit(X, y)` learns from decided pairs (1 kept: approved,
    introduced, hired, shortlisted, interest marked; 0 rejected) and `predict(X)` gives the
    scores to order pairs by (the probability of being kept). The model is a handful of
    numbers, saved as JSON (`save_reranker`) rather than pickled.
    """

    def __init__(self, C: float = 1.0, class_weight: str | None = "balanced") -> None:
        self.C = C
        self.class_weight = class_weight

    def fit(self, X: FloatArray, y: NDArray[Any]) -> DecisionReranker:
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.int64)
        if X.ndim != 2 or len(X) != len(y):
            raise ValueError("X must be (pairs x features) with one label per pair")
        if len(set(y.tolist())) < 2:
            raise ValueError("decisions of both kinds (kept and rejected) are needed to learn")
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        scale[scale < 1e-9] = 1.0
        self.scale_ = scale
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=1000)
        model.fit((X - self.mean_) / self.scale_, y)
        self.coef_ = np.asarray(model.coef_[0], dtype=np.float64)
        self.intercept_ = float(model.intercept_[0])
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X: FloatArray) -> FloatArray:
        check_is_fitted(self, "coef_")
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have {self.n_features_in_} features per pair")
        out: FloatArray = ((X - self.mean_) / self.scale_) @ self.coef_ + self.intercept_
        return out

    def predict(self, X: FloatArray) -> FloatArray:
        """The probability that the region keeps each pair: higher first."""
        out: FloatArray = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return out

    def weights(self) -> dict[str, float]:
        """Each feature's weight on the standardised scale (what the model learnt)."""
        check_is_fitted(self, "coef_")
        return dict(zip(FEATURES, (float(c) for c in self.coef_), strict=True))


def ndcg_by_group(
    scores: Sequence[float] | FloatArray,
    labels: Sequence[int] | NDArray[Any],
    groups: Sequence[str],
) -> tuple[float, int]:
    """Mean nDCG over the groups (needs) holding both kept and rejected pairs, and their count.

    A group of one kind only says nothing about an order; ties are broken against the
    ranking (a kept pair tied with a rejected one counts after it).
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    by_group: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    values: list[float] = []
    for rows in by_group.values():
        gains = y[rows]
        if gains.min() == gains.max():
            continue
        order = np.lexsort((gains, -s[rows]))  # by score, then rejected first among ties
        discounts = 1.0 / np.log2(np.arange(2, len(rows) + 2))
        dcg = float((gains[order] * discounts).sum())
        ideal = float((np.sort(gains)[::-1] * discounts).sum())
        values.append(dcg / ideal)
    return (float(np.mean(values)) if values else float("nan")), len(values)


def _auc(labels: NDArray[Any], scores: FloatArray) -> float:
    if len(set(labels.tolist())) < 2:
        return float("nan")
    return float(roc_auc_score(labels, scores))


# Why a re-ranker is used or not (codes: the service words them).
REASONS = ("too_few_decisions", "one_kind_only", "nothing_to_rank", "not_better", "better")


@dataclass(frozen=True)
class HoldoutReport:
    """The re-ranker against the base ranker on the newest decisions."""

    train: int  # decisions learnt from
    test: int  # decisions held out (the newest)
    test_groups: int  # held-out needs holding both kinds of decision
    ndcg_base: float
    ndcg_model: float
    auc_base: float
    auc_model: float
    split_at: str  # time of the first held-out decision (ISO 8601)
    beats_base: bool
    reason: str  # why it is or is not used: one of `REASONS`

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate_holdout(
    X: FloatArray,
    y: NDArray[Any],
    groups: Sequence[str],
    times: Sequence[datetime],
    *,
    holdout: float = 0.3,
    min_gain: float = 0.01,
    min_decisions: int = 30,
    estimator: DecisionReranker | None = None,
) -> tuple[DecisionReranker | None, HoldoutReport]:
    """Fit on the older decisions, compare orders on the newest `holdout` share.

    The model beats the base when its mean nDCG per need on the hold-out is higher by
    `min_gain` and its AUC is no lower. It is then refitted on every decision and returned;
    otherwise None is returned with the report saying why.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    n = len(y)
    order = sorted(range(n), key=lambda i: times[i])
    cut = n - max(1, round(n * holdout)) if n else 0
    train, test = order[:cut], order[cut:]
    split_at = times[test[0]].isoformat() if test else ""

    def report(**values: Any) -> HoldoutReport:
        base: dict[str, Any] = {
            "train": len(train),
            "test": len(test),
            "test_groups": 0,
            "ndcg_base": float("nan"),
            "ndcg_model": float("nan"),
            "auc_base": float("nan"),
            "auc_model": float("nan"),
            "split_at": split_at,
            "beats_base": False,
        }
        base.update(values)
        return HoldoutReport(**base)

    if n < min_decisions:
        return None, report(reason="too_few_decisions")
    if len(set(y[train].tolist())) < 2:
        return None, report(reason="one_kind_only")
    model = estimator if estimator is not None else DecisionReranker()
    model.fit(X[train], y[train])
    test_groups = [groups[i] for i in test]
    base_scores = X[test, 0]
    model_scores = model.predict(X[test])
    ndcg_base, counted = ndcg_by_group(base_scores, y[test], test_groups)
    ndcg_model, _ = ndcg_by_group(model_scores, y[test], test_groups)
    auc_base, auc_model = _auc(y[test], base_scores), _auc(y[test], model_scores)
    figures = {
        "test_groups": counted,
        "ndcg_base": ndcg_base,
        "ndcg_model": ndcg_model,
        "auc_base": auc_base,
        "auc_model": auc_model,
    }
    if counted == 0 or not np.isfinite(auc_model):
        return None, report(**figures, reason="nothing_to_rank")
    better = ndcg_model >= ndcg_base + min_gain and not (auc_model < auc_base)
    if not better:
        return None, report(**figures, reason="not_better")
    final = DecisionReranker(**model.get_params()).fit(X, y)
    return final, report(**figures, beats_base=True, reason="better")


def rerank_scores(model: DecisionReranker | None, pairs: Sequence[Pair]) -> FloatArray:
    """Scores to order a ranking's candidates by: the model's, or the base scores without one.

    A ranking calls it on its top candidates (the same need or the same person), each with its
    base score and raw component scores; only a model that beat the base should be passed
    (`load_reranker` returns None otherwise).
    """
    if not pairs:
        return np.zeros(0, dtype=np.float64)
    if model is None:
        return np.array([p.base for p in pairs], dtype=np.float64)
    return model.predict(feature_matrix(pairs))


def learnt_order(model: DecisionReranker | None, pairs: Sequence[Pair]) -> list[int]:
    """The candidates' positions in the order a ranking shows them: by the model's scores
    (ties keep the base order), or the base order itself without a model."""
    if model is None or len(pairs) < 2:
        return list(range(len(pairs)))
    scores = rerank_scores(model, pairs)
    return [int(i) for i in np.argsort(-scores, kind="stable")]


FORMAT = "passerelle-reranker/1"


def save_reranker(path: str | Path, model: DecisionReranker | None, report: HoldoutReport) -> Path:
    """Write the model (when one beat the base) and its hold-out figures as JSON."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {
        "format": FORMAT,
        "features": list(FEATURES),
        "report": report.as_dict(),
        "in_use": model is not None and report.beats_base,
    }
    if model is not None:
        data["model"] = {
            "C": model.C,
            "class_weight": model.class_weight,
            "mean": model.mean_.tolist(),
            "scale": model.scale_.tolist(),
            "coef": model.coef_.tolist(),
            "intercept": model.intercept_,
        }
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=True)
    temporary = target.with_suffix(target.suffix + ".tmp")
    temporary.write_text(text + "\n", encoding="utf-8")
    temporary.replace(target)  # readers see the old file or the new one, never half of one
    return target


def load_reranker(path: str | Path) -> DecisionReranker | None:
    """The saved model when it beat the base ranker on its hold-out; None otherwise.

    A missing, unreadable or foreign file, or one made for other features, means no model:
    the base ranker's order is kept.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    if not data.get("in_use") or data.get("features") != list(FEATURES):
        return None
    try:
        params = data["model"]
        model = DecisionReranker(C=float(params["C"]), class_weight=params["class_weight"])
        model.mean_ = np.asarray(params["mean"], dtype=np.float64)
        model.scale_ = np.asarray(params["scale"], dtype=np.float64)
        model.coef_ = np.asarray(params["coef"], dtype=np.float64)
        model.intercept_ = float(params["intercept"])
        model.n_features_in_ = len(FEATURES)
        if not model.mean_.shape == model.scale_.shape == model.coef_.shape == (len(FEATURES),):
            return None
    except (KeyError, TypeError, ValueError):
        return None
    return model
