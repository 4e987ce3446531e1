"""Calibrated fit: a pair's raw components turned into the probability that it is relevant.

The fused score (a weighted sum of per-query z-scores, `matching.index.Weights`) ranks well but
says nothing absolute: its scale moves with the weights and the corpus. The fit reads instead
the pair's raw components (`Snapshot.components`: semantic and lexical cosines, skills covered
each way, the chance both sides are the same ESCO occupation and the same ISCO group), which
are the pair's own, whatever else is indexed. `benchmarks/calibrate.py` pairs the components of
each benchmark query's top 100 with the graded judgements (relevant = grade >= 1), fits a
logistic regression on them (each public set weighing the same), then an increasing isotonic
regression of relevance on its decision value, and writes both, with how well they hold on
data they did not see, to `matching/calibration.json`. Serving is a dot product and one
interpolation per ranked pair (numpy), for the pairs shown only.

One model per engine kind: with ESCO occupations and without (the components differ). A model
holds for the components it was fitted on: the file records `matching.index.FEATURES_VERSION`
and the encoder's name; a file fitted on another features version warns when loaded (and a test
fails) and gives no fit, so whoever changes how components are computed fits again. The fusion
weights only choose which pairs are ranked first: changing them needs no refit.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from matching.types import COMPONENTS  # the raw components a fit reads, in its input order

FloatArray = NDArray[np.float64]

DEFAULT_PATH = Path(__file__).with_name("calibration.json")
FORMAT = 2

# Levels shown to users, from the estimated probability that the pair is relevant.
# - "excellente" (p >= 0.6): more likely relevant than not, clearly; most such pairs are right.
# - "bonne" (p >= 0.35): about one in three or better: well worth a look. For scale, a query's
#   first result is relevant in roughly half of the benchmark queries, its 10th far less often.
# - "possible" (p >= 0.15): a real chance, several times the base rate of a top-100 pair.
# - "faible" (below): mostly not relevant; shown because nothing better passed the filters.
# The cut points sit where a coordinator's decision changes (propose / check / skip), not at
# quantiles of one corpus, so they mean the same on every query.
LEVEL_THRESHOLDS: tuple[tuple[float, str], ...] = (
    (0.6, "excellente"),
    (0.35, "bonne"),
    (0.15, "possible"),
)
FIT_LEVELS: tuple[str, ...] = ("excellente", "bonne", "possible", "faible")


def fit_level(probability: float | None) -> str | None:
    """The level of a calibrated probability (None when there is no probability)."""
    if probability is None or not np.isfinite(probability):
        return None
    return next((name for limit, name in LEVEL_THRESHOLDS if probability >= limit), "faible")


def along_ranking(fits: ArrayLike, window: int) -> FloatArray:
    """Pairs' fits in ranking order, made to never rise down the ranking: what a list shows.

    A pair's own fit reads its raw components only, while the ranking reads them relative to
    the query's other documents (z-scores), so a third of neighbouring pairs have their fits
    the wrong way round (measured on the five sets' top 20), and "Faible 15 %" could sit
    above "Excellente 71 %". Over the first ``window`` positions, each run that rises is
    replaced by its mean (the closest non-increasing sequence in least squares: pool adjacent
    violators), which keeps the expected number of relevant pairs of the run; beyond it, a
    fit is capped by the one shown above it. A position's value thus depends on the first
    ``max(window, position)`` pairs only: the same on every page, whatever its size.
    """
    values = np.asarray(fits, dtype=np.float64).ravel()
    means: list[float] = []
    sizes: list[int] = []
    for value in values[:window]:
        mean, size = float(value), 1
        while means and means[-1] < mean:  # the run rises: pool it with the block above
            above, count = means.pop(), sizes.pop()
            mean = (above * count + mean * size) / (count + size)
            size += count
        means.append(mean)
        sizes.append(size)
    head = np.repeat(np.asarray(means, dtype=np.float64), sizes)
    # `head` never rises, so the running minimum leaves it as it is and caps what follows
    out: FloatArray = np.minimum.accumulate(np.concatenate([head, values[len(head) :]]))
    return out


def level_threshold(name: str) -> float:
    """The smallest probability of a level ("faible" starts at 0)."""
    if name == "faible":
        return 0.0
    for limit, level_name in LEVEL_THRESHOLDS:
        if level_name == name:
            return limit
    raise ValueError(f"unknown level {name!r}: one of {', '.join(FIT_LEVELS)}")


@dataclass(frozen=True, slots=True)
class Bin:
    """One bin of a reliability diagram: predicted vs observed share of relevant pairs."""

    lower: float
    upper: float
    predicted: float  # mean predicted probability in the bin
    observed: float  # share of relevant pairs in the bin
    weight: float  # total sample weight (the number of pairs when unweighted)
    count: int  # number of pairs


def _weights(n: int, sample_weight: ArrayLike | None) -> FloatArray:
    if sample_weight is None:
        return np.ones(n, dtype=np.float64)
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.shape != (n,):
        raise ValueError("sample_weight must have one weight per pair")
    return w


def reliability(
    probabilities: ArrayLike,
    relevant: ArrayLike,
    bins: int = 10,
    sample_weight: ArrayLike | None = None,
) -> list[Bin]:
    """Equal-width bins over [0, 1] (empty bins left out), as in a reliability diagram."""
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 0.0, 1.0)
    y = np.asarray(relevant, dtype=np.float64)
    if p.shape != y.shape:
        raise ValueError("one relevance label per probability")
    w = _weights(len(p), sample_weight)
    which = np.minimum((p * bins).astype(np.int64), bins - 1)
    out: list[Bin] = []
    for b in range(bins):
        inside = which == b
        total = float(w[inside].sum())
        if not inside.any() or total <= 0:
            continue
        out.append(
            Bin(
                lower=b / bins,
                upper=(b + 1) / bins,
                predicted=float((w[inside] * p[inside]).sum() / total),
                observed=float((w[inside] * y[inside]).sum() / total),
                weight=total,
                count=int(inside.sum()),
            )
        )
    return out


def expected_calibration_error(
    probabilities: ArrayLike,
    relevant: ArrayLike,
    bins: int = 10,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Expected calibration error: the weighted mean gap between predicted and observed
    relevance over equal-width probability bins (0 = perfectly calibrated)."""
    table = reliability(probabilities, relevant, bins, sample_weight)
    total = sum(b.weight for b in table)
    if total <= 0:
        return 0.0
    return float(sum(b.weight * abs(b.predicted - b.observed) for b in table) / total)


@dataclass(frozen=True)
class Calibrator:
    """An increasing step function from fused score to probability of relevance.

    `x` and `y` are the isotonic regression's thresholds (scikit-learn's `X_thresholds_`,
    `y_thresholds_`); between them the probability is interpolated linearly and outside them
    it is clipped, as `IsotonicRegression(out_of_bounds="clip")` predicts.
    """

    x: tuple[float, ...]
    y: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.x or len(self.x) != len(self.y):
            raise ValueError("a calibrator needs as many thresholds x as y, at least one")
        if any(b < a for a, b in zip(self.x, self.x[1:], strict=False)):
            raise ValueError("calibrator thresholds x must be sorted")
        if any(b < a for a, b in zip(self.y, self.y[1:], strict=False)):
            raise ValueError("calibrator probabilities y must not decrease")
        if min(self.y) < 0 or max(self.y) > 1:
            raise ValueError("calibrator probabilities y must lie in [0, 1]")

    @classmethod
    def fit(
        cls,
        scores: ArrayLike,
        relevant: ArrayLike,
        sample_weight: ArrayLike | None = None,
    ) -> Calibrator:
        """Isotonic regression (increasing, clipped) of relevance on the fused score."""
        from sklearn.isotonic import IsotonicRegression  # fitting only; serving uses numpy

        s = np.asarray(scores, dtype=np.float64)
        y = np.asarray(relevant, dtype=np.float64)
        if s.shape != y.shape or s.ndim != 1 or len(s) == 0:
            raise ValueError("one relevance label per score, at least one pair")
        w = _weights(len(s), sample_weight)
        model = IsotonicRegression(increasing=True, out_of_bounds="clip", y_min=0.0, y_max=1.0)
        model.fit(s, y, sample_weight=w)
        x_ = np.asarray(model.X_thresholds_, dtype=np.float64)
        y_ = np.clip(np.asarray(model.y_thresholds_, dtype=np.float64), 0.0, 1.0)
        return cls(tuple(round(float(v), 6) for v in x_), tuple(round(float(v), 6) for v in y_))

    def predict(self, scores: ArrayLike) -> FloatArray:
        """Probabilities for an array of fused scores (-inf, a pair ruled out, gives the least)."""
        s = np.asarray(scores, dtype=np.float64)
        out: FloatArray = np.interp(s, self.x, self.y, left=self.y[0], right=self.y[-1])
        return out

    def probability(self, score: float) -> float:
        return float(self.predict(np.array([score]))[0])

    def score_for(self, probability: float) -> float:
        """The smallest fused score whose probability reaches `probability` (+inf if none)."""
        xs, ys = np.asarray(self.x), np.asarray(self.y)
        if probability <= ys[0]:
            return float("-inf")
        above = np.nonzero(ys >= probability)[0]
        if len(above) == 0:
            return float("inf")
        i = int(above[0])
        # Linear between thresholds i-1 and i, as `predict` interpolates.
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        if y1 <= y0:
            return float(x1)
        return float(x0 + (probability - y0) * (x1 - x0) / (y1 - y0))

    def to_dict(self) -> dict[str, list[float]]:
        return {"x": list(self.x), "y": list(self.y)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Sequence[float]]) -> Calibrator:
        return cls(tuple(float(v) for v in data["x"]), tuple(float(v) for v in data["y"]))


def design(components: Mapping[str, ArrayLike], names: Sequence[str]) -> FloatArray:
    """The model's inputs for pairs: the named raw components, one column each.

    Values are the engine's own (cosines, coverages, probabilities), not z-scores over a
    corpus, so one pair gets the same inputs whatever else is indexed. Square-root or log
    transforms were tried beside them: no better cross-fitted calibration, and they made a
    component's effect non-monotone (more skills covered could lower the fit).
    """
    columns = [np.asarray(components[name], dtype=np.float64).ravel() for name in names]
    if not columns:
        raise ValueError("a fit reads at least one component")
    out: FloatArray = np.column_stack(columns)
    return out


@dataclass(frozen=True)
class FitModel:
    """Raw components -> probability of relevance: a logistic model's decision value, made a
    probability by an isotonic step function (the logistic curve alone is over-confident on
    some sets; the isotonic fit corrects its shape, never the order)."""

    components: tuple[str, ...]  # the raw components read, in order
    coef: tuple[float, ...]  # one per component: its weight in the logistic model
    intercept: float
    calibrator: Calibrator  # decision value -> probability

    def __post_init__(self) -> None:
        if len(self.coef) != len(self.components):
            raise ValueError("a fit model needs one coefficient per component")
        unknown = set(self.components) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"unknown components {sorted(unknown)}")

    @classmethod
    def fit(
        cls,
        components: Mapping[str, ArrayLike],
        relevant: ArrayLike,
        sample_weight: ArrayLike | None = None,
        names: Sequence[str] | None = None,
    ) -> FitModel:
        """Logistic regression on the raw components, then isotonic regression of relevance
        on its decision value (scikit-learn; serving uses numpy only)."""
        from sklearn.linear_model import LogisticRegression

        names = tuple(names or [n for n in COMPONENTS if n in components])
        x = design(components, names)
        y = np.asarray(relevant, dtype=np.float64)
        if x.shape[0] != len(y) or len(y) == 0:
            raise ValueError("one relevance label per pair, at least one pair")
        w = _weights(len(y), sample_weight)
        w = w * len(w) / float(w.sum())  # mean weight 1: the penalty means the same at any size
        model = LogisticRegression(C=1.0, max_iter=1000)
        model.fit(x, y, sample_weight=w)
        coef = tuple(round(float(c), 6) for c in model.coef_[0])
        intercept = round(float(model.intercept_[0]), 6)
        decision = x @ np.asarray(coef) + intercept
        return cls(names, coef, intercept, Calibrator.fit(decision, y, w))

    def decision(self, components: Mapping[str, ArrayLike]) -> FloatArray:
        out: FloatArray = design(components, self.components) @ np.asarray(self.coef)
        return out + self.intercept

    def predict(self, components: Mapping[str, ArrayLike]) -> FloatArray:
        """Probabilities for pairs given their raw components (arrays of one value per pair)."""
        return self.calibrator.predict(self.decision(components))

    def probability(self, components: Mapping[str, float]) -> float:
        return float(self.predict({k: [v] for k, v in components.items()})[0])

    def to_dict(self) -> dict[str, Any]:
        return {
            "components": list(self.components),
            "coef": list(self.coef),
            "intercept": self.intercept,
            **self.calibrator.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FitModel:
        return cls(
            tuple(str(c) for c in data["components"]),
            tuple(float(c) for c in data["coef"]),
            float(data["intercept"]),
            Calibrator.from_dict(data),
        )


def engine_kind(with_taxonomy: bool) -> str:
    """The calibration an engine uses: with ESCO occupations ("esco") or without ("noesco")."""
    return "esco" if with_taxonomy else "noesco"


@dataclass(frozen=True)
class EngineCalibration:
    """The fit model of one engine kind, with what it was fitted on and how well it holds."""

    signature: str  # the featurizer signature (features version, model, taxonomy, settings)
    model: FitModel
    figures: dict[str, Any] = field(default_factory=dict)  # ECE, pairs, cross-fits, bins

    def to_dict(self) -> dict[str, Any]:
        return {"signature": self.signature, **self.model.to_dict(), "figures": self.figures}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EngineCalibration:
        return cls(
            signature=str(data["signature"]),
            model=FitModel.from_dict(data),
            figures=dict(data.get("figures", {})),
        )


@dataclass(frozen=True)
class Calibration:
    """Everything `matching/calibration.json` holds: one fit model per engine kind."""

    features_version: int  # `matching.index.FEATURES_VERSION` of the components it was fitted on
    encoder: str  # the encoder's name: the semantic cosine's scale is the model's own
    fitted: str  # ISO date
    command: str
    engines: dict[str, EngineCalibration]
    levels: dict[str, float] = field(
        default_factory=lambda: {name: limit for limit, name in LEVEL_THRESHOLDS}
    )
    format: int = FORMAT

    def current(self) -> bool:
        """Whether it was fitted on the components today's code computes."""
        from matching.index import FEATURES_VERSION

        return self.features_version == FEATURES_VERSION

    def for_engine(self, with_taxonomy: bool, encoder: str | None = None) -> FitModel | None:
        """The fit model of an engine kind (None for another encoder than the one fitted)."""
        if encoder is not None and encoder != self.encoder:
            return None
        engine = self.engines.get(engine_kind(with_taxonomy))
        return engine.model if engine is not None else None

    def to_json(self) -> str:
        data = {
            "format": self.format,
            "fitted": self.fitted,
            "command": self.command,
            "features_version": self.features_version,
            "encoder": self.encoder,
            "levels": self.levels,
            "engines": {kind: e.to_dict() for kind, e in sorted(self.engines.items())},
        }
        text = json.dumps(data, ensure_ascii=False, indent=1)
        # Lists of numbers on one line each: a short file, and a refit reads as a short diff.
        text = re.sub(r"\[\s*([-0-9.eE,\s]+?)\s*\]", lambda m: f"[{' '.join(m[1].split())}]", text)
        text = re.sub(
            r'\[\s*("\w+",?\s*)+\]',
            lambda m: " ".join(m[0].split()).replace("[ ", "[").replace(" ]", "]"),
            text,
        )
        flat = r'\{(\s*"\w+": [-0-9.eE]+,?)+\s*\}'  # a reliability bin: numbers only
        text = re.sub(
            flat, lambda m: " ".join(m[0].split()).replace("{ ", "{").replace(" }", "}"), text
        )
        return text + "\n"

    @classmethod
    def from_json(cls, text: str) -> Calibration:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"calibration format {data.get('format')!r}, expected {FORMAT}")
        return cls(
            features_version=int(data["features_version"]),
            encoder=str(data["encoder"]),
            fitted=str(data["fitted"]),
            command=str(data.get("command", "")),
            engines={k: EngineCalibration.from_dict(v) for k, v in data["engines"].items()},
            levels={k: float(v) for k, v in data.get("levels", {}).items()},
        )

    def save(self, path: str | Path = DEFAULT_PATH) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path = DEFAULT_PATH) -> Calibration:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


class StaleCalibration(UserWarning):
    """The calibration was fitted on components computed otherwise than today's."""


def checked(calibration: Calibration, path: str | Path = DEFAULT_PATH) -> Calibration:
    """The calibration, after warning (`StaleCalibration`) if its features are not today's."""
    from matching.index import FEATURES_VERSION

    if not calibration.current():
        warnings.warn(
            f"{Path(path).name} was fitted on features version {calibration.features_version}, "
            f"not today's {FEATURES_VERSION}: run `python benchmarks/calibrate.py --taxonomy "
            "../shared/data/esco-fr` again (scores are shown without a fit level until then)",
            StaleCalibration,
            stacklevel=3,
        )
    return calibration


@cache
def default_calibration() -> Calibration | None:
    """`matching/calibration.json`, read once per process; None when absent or unreadable."""
    try:
        calibration = Calibration.load(DEFAULT_PATH)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        warnings.warn(f"no usable calibration ({DEFAULT_PATH}): {exc}", stacklevel=2)
        return None
    return checked(calibration)


def calibration_for(with_taxonomy: bool, encoder: str) -> FitModel | None:
    """The fit model of an engine (with or without ESCO, this encoder), or None when none was
    fitted for it or the file was fitted on other features: no level is made up then."""
    calibration = default_calibration()
    if calibration is None or not calibration.current():
        return None
    return calibration.for_engine(with_taxonomy, encoder)


def as_dict(bins: Sequence[Bin]) -> list[dict[str, float]]:
    """Bins as plain numbers, for the JSON file."""
    return [
        {k: round(v, 6) if isinstance(v, float) else v for k, v in asdict(b).items()} for b in bins
    ]
