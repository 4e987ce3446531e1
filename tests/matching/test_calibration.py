"""The fused score's calibration: a probability in [0, 1], increasing, the same file everywhere."""

from __future__ import annotations

import json
import warnings
from dataclasses import replace

import numpy as np
import pytest

from matching.calibration import (
    DEFAULT_PATH,
    FIT_LEVELS,
    Calibration,
    Calibrator,
    EngineCalibration,
    StaleCalibration,
    checked,
    default_calibration,
    expected_calibration_error,
    fit_level,
    level_threshold,
    reliability,
    weights_dict,
)
from matching.index import FEATURES_VERSION, Weights
from matching.ranker import HybridRanker
from matching.types import Profile


def synthetic(n: int = 4000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Scores whose true probability of relevance is a logistic of the score."""
    rng = np.random.default_rng(seed)
    scores = rng.normal(0, 3, n)
    truth = 1 / (1 + np.exp(-(scores - 2)))
    return scores, (rng.random(n) < truth).astype(float)


def test_fitted_probabilities_increase_with_the_score_and_stay_in_0_1() -> None:
    scores, relevant = synthetic()
    calibrator = Calibrator.fit(scores, relevant)
    grid = np.linspace(-50, 50, 2001)
    p = calibrator.predict(grid)
    assert np.all(np.diff(p) >= 0)
    assert p.min() >= 0 and p.max() <= 1
    assert calibrator.predict(np.array([-np.inf]))[0] == calibrator.y[0]  # ruled out: the least
    assert calibrator.probability(-10) < 0.05 and calibrator.probability(10) > 0.95


def test_a_fit_on_fresh_data_is_well_calibrated() -> None:
    scores, relevant = synthetic(seed=1)
    test_scores, test_relevant = synthetic(seed=2)
    predicted = Calibrator.fit(scores, relevant).predict(test_scores)
    assert expected_calibration_error(predicted, test_relevant) < 0.03
    raw = 1 / (1 + np.exp(-test_scores))  # a sigmoid of the raw score: overconfident
    assert expected_calibration_error(raw, test_relevant) > 0.1


def test_expected_calibration_error_by_hand() -> None:
    # Half the pairs predicted 0.9 and relevant half the time: a gap of 0.4 on half the weight.
    p = np.array([0.9, 0.9, 0.1, 0.1])
    y = np.array([1.0, 0.0, 0.0, 0.0])
    assert expected_calibration_error(p, y) == pytest.approx(0.5 * 0.4 + 0.5 * 0.1)
    bins = reliability(p, y)
    assert [(b.count, round(b.observed, 2)) for b in bins] == [(2, 0.0), (2, 0.5)]
    assert expected_calibration_error(p, y, sample_weight=[0, 0, 1, 1]) == pytest.approx(0.1)


def test_levels_follow_the_documented_thresholds() -> None:
    assert FIT_LEVELS == ("excellente", "bonne", "possible", "faible")
    assert [fit_level(p) for p in (0.95, 0.6, 0.59, 0.35, 0.2, 0.15, 0.149, 0.0)] == [
        "excellente",
        "excellente",
        "bonne",
        "bonne",
        "possible",
        "possible",
        "faible",
        "faible",
    ]
    assert fit_level(None) is None
    assert [level_threshold(name) for name in FIT_LEVELS] == [0.6, 0.35, 0.15, 0.0]
    with pytest.raises(ValueError, match="unknown level"):
        level_threshold("great")


def test_score_for_inverts_the_probability() -> None:
    calibrator = Calibrator((-1.0, 0.0, 2.0, 4.0), (0.0, 0.1, 0.5, 0.9))
    assert calibrator.score_for(0.5) == pytest.approx(2.0)
    assert calibrator.score_for(0.3) == pytest.approx(1.0)
    assert calibrator.probability(calibrator.score_for(0.35)) == pytest.approx(0.35)
    assert calibrator.score_for(0.95) == float("inf")  # never reached
    assert calibrator.score_for(0.0) == float("-inf")  # every score reaches it


def test_a_calibrator_refuses_a_decreasing_or_out_of_range_step() -> None:
    with pytest.raises(ValueError):
        Calibrator((0.0, 1.0), (0.5, 0.2))
    with pytest.raises(ValueError):
        Calibrator((0.0, 1.0), (0.5, 1.2))
    with pytest.raises(ValueError):
        Calibrator((), ())


def test_json_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    scores, relevant = synthetic()
    engine = EngineCalibration("v2:test:noesco", Calibrator.fit(scores, relevant), {"pairs": 4000})
    calibration = Calibration(
        weights=weights_dict(Weights()),
        fitted="2026-12-05",
        command="python benchmarks/calibrate.py",
        engines={"noesco": engine},
    )
    path = tmp_path / "calibration.json"
    calibration.save(path)
    again = Calibration.load(path)
    assert again == calibration
    grid = np.linspace(-10, 10, 101)
    assert np.array_equal(
        again.engines["noesco"].calibrator.predict(grid), engine.calibrator.predict(grid)
    )
    assert json.loads(path.read_text())["levels"] == {
        "excellente": 0.6,
        "bonne": 0.35,
        "possible": 0.15,
    }


def test_the_committed_calibration_was_fitted_with_todays_weights() -> None:
    """Changing the default fusion weights changes what a fused score means: run
    `python benchmarks/calibrate.py --taxonomy ../shared/data/esco-fr` again and commit
    matching/calibration.json with them."""
    calibration = Calibration.load(DEFAULT_PATH)
    assert calibration.weights == weights_dict(Weights()), (
        "matching/calibration.json was fitted with other weights: run benchmarks/calibrate.py"
    )
    assert default_calibration() is not None and default_calibration().matches(Weights())  # type: ignore[union-attr]
    assert set(calibration.engines) == {"esco", "noesco"}
    for kind, engine in calibration.engines.items():
        # Fitted on today's features (FEATURES_VERSION) with the engine kind it serves.
        version, _model, esco, *_ = engine.signature.split(":")
        assert version == f"v{FEATURES_VERSION}" and esco.startswith(kind)
        figures = engine.figures
        assert figures["pairs"] > 10_000 and len(figures["sets"]) == 5
        assert 0 <= figures["ece_5fold_queries"]["all"] <= 1
        assert 0 <= figures["ece_leave_one_set_out"]["mean"] <= 1


def test_a_calibration_of_other_weights_warns_and_is_not_used() -> None:
    calibration = Calibration.load(DEFAULT_PATH)
    stale = replace(calibration, weights={**calibration.weights, "semantic": 9.0})
    with pytest.warns(StaleCalibration, match="calibrate.py"):
        checked(stale)
    assert not stale.matches(Weights())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        checked(calibration)  # today's weights: silent


def test_rankings_carry_the_fit_only_for_the_calibrated_weights(
    needs_ranker: HybridRanker, demo_profiles: list[Profile]
) -> None:
    ranked = needs_ranker.rank(demo_profiles[0], k=20, explain=0)
    fits = [s.fit for s in ranked]
    assert all(f is not None and 0 <= f <= 1 for f in fits)
    assert fits == sorted(fits, reverse=True)  # type: ignore[type-var]
    assert [s.level for s in ranked] == [fit_level(f) for f in fits]
    tuned = needs_ranker.with_weights(semantic=0.9).rank(demo_profiles[0], k=5, explain=0)
    assert tuned and all(s.fit is None and s.level is None for s in tuned)
