"""The fit: a pair's raw components as a probability in [0, 1], the same whatever the weights or corpus."""

from __future__ import annotations

import importlib.util
import json
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from matching.calibration import (
    COMPONENTS,
    DEFAULT_PATH,
    FIT_LEVELS,
    Calibration,
    Calibrator,
    EngineCalibration,
    FitModel,
    StaleCalibration,
    along_ranking,
    calibration_for,
    checked,
    default_calibration,
    expected_calibration_error,
    fit_level,
    level_threshold,
    reliability,
)
from matching.encoders import DEFAULT_MODEL, CachedEncoder
from matching.index import FEATURES_VERSION, FIT_WINDOW
from matching.ranker import HybridRanker
from matching.skills import SkillVocabulary
from matching.types import Need, Profile, Suggestion


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


def synthetic_pairs(n: int = 6000, seed: int = 0) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Components whose true chance of relevance rises with semantic and skills, not lexical."""
    rng = np.random.default_rng(seed)
    components = {
        "semantic": rng.uniform(0, 1, n),
        "lexical": rng.uniform(0, 1, n),
        "skills": rng.uniform(0, 1, n),
        "reciprocal": rng.uniform(0, 1, n),
    }
    truth = 1 / (1 + np.exp(-(6 * components["semantic"] + 3 * components["skills"] - 6)))
    return components, (rng.random(n) < truth).astype(float)


def test_a_fit_model_reads_the_components_that_matter_and_holds_on_fresh_pairs() -> None:
    components, relevant = synthetic_pairs(seed=1)
    model = FitModel.fit(components, relevant)
    assert model.components == ("semantic", "lexical", "skills", "reciprocal")
    weight = dict(zip(model.components, model.coef, strict=True))
    assert weight["semantic"] > weight["skills"] > abs(weight["lexical"])
    fresh, fresh_relevant = synthetic_pairs(seed=2)
    assert expected_calibration_error(model.predict(fresh), fresh_relevant) < 0.03
    strong = {"semantic": 0.95, "lexical": 0.1, "skills": 1.0, "reciprocal": 0.5}
    weak = {**strong, "semantic": 0.1, "skills": 0.0}
    assert model.probability(strong) > 0.6 > 0.15 > model.probability(weak)


def test_json_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    components, relevant = synthetic_pairs()
    model = FitModel.fit(components, relevant)
    engine = EngineCalibration("v4:test:noesco", model, {"pairs": 6000})
    calibration = Calibration(
        features_version=FEATURES_VERSION,
        encoder="use-multilingual",
        fitted="2026-12-05",
        command="python benchmarks/calibrate.py",
        engines={"noesco": engine},
    )
    path = tmp_path / "calibration.json"
    calibration.save(path)
    again = Calibration.load(path)
    assert again == calibration
    assert np.array_equal(
        again.engines["noesco"].model.predict(components), model.predict(components)
    )
    data = json.loads(path.read_text())
    assert data["levels"] == {"excellente": 0.6, "bonne": 0.35, "possible": 0.15}
    assert "weights" not in data and data["features_version"] == FEATURES_VERSION


def test_the_committed_calibration_was_fitted_on_todays_features() -> None:
    """Changing how components are computed (FEATURES_VERSION) changes what they mean: run
    `python benchmarks/calibrate.py --taxonomy ../shared/data/esco-fr` again and commit
    matching/calibration.json. Changing the fusion weights needs no refit."""
    calibration = Calibration.load(DEFAULT_PATH)
    assert calibration.features_version == FEATURES_VERSION, (
        "matching/calibration.json was fitted on other features: run benchmarks/calibrate.py"
    )
    assert calibration.encoder == DEFAULT_MODEL
    assert default_calibration() is not None and default_calibration().current()  # type: ignore[union-attr]
    assert set(calibration.engines) == {"esco", "noesco"}
    assert calibration.engines["esco"].model.components == COMPONENTS
    assert calibration.engines["noesco"].model.components == COMPONENTS[:4]
    for kind, engine in calibration.engines.items():
        version, model, esco, *_ = engine.signature.split(":")
        assert version == f"v{FEATURES_VERSION}" and model == DEFAULT_MODEL
        assert esco.startswith(kind)
        figures = engine.figures
        assert figures["pairs"] > 10_000 and len(figures["sets"]) == 5
        # The goal of issue 14, cross-fitted over queries: ECE <= 0.05 over all pairs.
        assert figures["ece_5fold_queries"]["all"] <= 0.05
        assert figures["ece_leave_one_set_out"]["all"] <= 0.05
        assert 0 <= figures["ece_leave_one_set_out"]["mean"] <= 1


def test_a_calibration_of_other_features_warns_and_gives_no_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calibration = Calibration.load(DEFAULT_PATH)
    stale = replace(calibration, features_version=FEATURES_VERSION - 1)
    with pytest.warns(StaleCalibration, match="calibrate.py"):
        checked(stale)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        checked(calibration)  # today's features: silent
    monkeypatch.setattr("matching.calibration.default_calibration", lambda: stale)
    assert calibration_for(False, DEFAULT_MODEL) is None
    monkeypatch.setattr("matching.calibration.default_calibration", lambda: calibration)
    assert calibration_for(False, DEFAULT_MODEL) is not None
    assert calibration_for(False, "hashing-64") is None  # another encoder: other cosines


def _smoothed_by_hand(ranker: HybridRanker, query: Need | Profile) -> dict[str, float]:
    """Every live document's own fit, made non-increasing down the whole fused order."""
    snapshot = ranker.snapshot_
    fused, components, _ = snapshot.score_matrix([query], ranker.weights)
    scores = np.where(snapshot.valid, fused[0], -np.inf)
    order = np.argsort(-scores, kind="stable")
    order = order[np.isfinite(scores[order])]
    own = snapshot.fits(components, 0, order.tolist())
    assert own is not None
    shown = along_ranking(own, FIT_WINDOW)
    return {snapshot.item_at(int(j)).id: float(f) for j, f in zip(order, shown, strict=True)}


def test_rankings_carry_a_fit_read_by_one_model_whatever_the_fusion_weights(
    needs_ranker: HybridRanker, demo_profiles: list[Profile]
) -> None:
    """Weights only choose the order: the fits come from the same pairs' own fits (no refit
    when they change), made never to rise down whichever order the weights give."""
    rankers = (needs_ranker, needs_ranker.with_weights(semantic=3.0, skills=0.0))

    def orders(person: Profile) -> list[list[str]]:
        return [[s.doc_id for s in r.rank(person, k=20, explain=0)] for r in rankers]

    # A person whose list the weights reorder (the demo's first few have short lists).
    person = next((p for p in demo_profiles[:50] if len(set(map(tuple, orders(p)))) > 1), None)
    assert person is not None
    for ranker in rankers:
        ranked = ranker.rank(person, k=20, explain=0)
        fits = [s.fit for s in ranked]
        assert all(f is not None and 0 <= f <= 1 for f in fits)
        assert [s.level for s in ranked] == [fit_level(s.fit) for s in ranked]
        assert all(b <= a for a, b in zip(fits, fits[1:], strict=False))  # type: ignore[operator]
        expected = _smoothed_by_hand(ranker, person)
        assert fits == pytest.approx([expected[s.doc_id] for s in ranked], abs=1e-9)


def test_a_list_never_shows_a_better_fit_below_a_worse_one_and_a_pair_shows_one_fit(
    needs_ranker: HybridRanker,
    profiles_ranker: HybridRanker,
    demo_profiles: list[Profile],
    demo_needs: list[Need],
) -> None:
    """A pair's own fit reads its raw components, the ranking reads them against the query's
    other documents: on the demo, own fits rise somewhere down most rankings. What is shown
    never does, and a pair shows the same fit on every page and in every filtered list."""
    rising = 0
    for ranker, queries in ((needs_ranker, demo_profiles[:15]), (profiles_ranker, demo_needs[:15])):
        snapshot = ranker.snapshot_
        for query in queries:
            ranked = ranker.rank(query, k=30, explain=0)
            _, components, _ = snapshot.score_matrix([query], ranker.weights)
            own = snapshot.fits(components, 0, [snapshot.position(s.doc_id) for s in ranked])  # type: ignore[misc]
            assert own is not None
            rising += bool(np.any(np.diff(own) > 0.01))
            fits = [s.fit for s in ranked]
            assert all(b <= a for a, b in zip(fits, fits[1:], strict=False))  # type: ignore[operator]
            order = {level: i for i, level in enumerate(FIT_LEVELS)}
            assert all(
                order[b.level] >= order[a.level] for a, b in zip(ranked, ranked[1:], strict=False)
            )  # type: ignore[index]
            # a page of 5 shows what the first 5 of a page of 30 show
            assert [s.fit for s in ranker.rank(query, k=5, explain=0)] == fits[:5]
            # a list keeping every other document shows each of them with the same fit
            mask = np.zeros(len(snapshot), dtype=bool)
            kept = [snapshot.position(s.doc_id) for s in ranked[1::2]]
            mask[kept] = True  # type: ignore[index]
            filtered = {s.doc_id: s.fit for s in ranker.rank(query, k=30, explain=0, mask=mask)}
            assert filtered == {s.doc_id: s.fit for s in ranked[1::2]}
    assert rising >= 10  # of 30 rankings: what the smoothing is for


def test_fits_along_a_ranking_are_the_closest_that_never_rise() -> None:
    from sklearn.isotonic import IsotonicRegression

    rng = np.random.default_rng(0)
    for n in (1, 2, 7, 60):
        raw = rng.random(n)
        shown = along_ranking(raw, 100)
        assert np.all(np.diff(shown) <= 1e-12)
        assert shown.sum() == pytest.approx(raw.sum())  # each pooled run keeps its mean
        expected = IsotonicRegression(increasing=False).fit_transform(np.arange(n), raw)
        assert shown == pytest.approx(expected)
    falling = [0.9, 0.5, 0.5, 0.1]
    assert along_ranking(falling, 100).tolist() == falling
    assert along_ranking([0.15, 0.71, 0.2], 100) == pytest.approx([0.43, 0.43, 0.2])
    assert along_ranking([], 100).size == 0


def test_beyond_the_window_a_fit_is_capped_by_those_above_and_every_page_agrees() -> None:
    raw = np.random.default_rng(1).random(250)
    whole = along_ranking(raw, 100)
    assert np.all(np.diff(whole) <= 1e-12)
    assert whole[:100] == pytest.approx(along_ranking(raw[:100], 100))
    assert np.all(whole[100:] <= raw[100:]) and np.all(whole[100:] <= whole[99])
    for n in (100, 101, 130, 250):
        assert along_ranking(raw[:n], 100) == pytest.approx(whole[:n])


def _pair(ranked: list[Suggestion], doc_id: str) -> Suggestion:
    return next(s for s in ranked if s.doc_id == doc_id)


def test_on_the_demo_a_pair_without_any_required_skill_is_not_excellent(
    needs_ranker: HybridRanker, demo_profiles: list[Profile]
) -> None:
    """Ryan Wiśniewski (P0260, BUT GEA) has none of the three skills N0007 requires."""
    ryan = next(p for p in demo_profiles if p.id == "P0260")
    offer = _pair(needs_ranker.rank(ryan, k=50, explain=50), "N0007")
    assert offer.explanation is not None and not offer.explanation.matched_skills
    assert offer.level not in ("excellente", "bonne")


def test_on_the_demo_the_first_candidate_of_a_strong_need_is_at_least_good(
    profiles_ranker: HybridRanker, demo_needs: list[Need]
) -> None:
    """N0052 (R&D on dielectric materials): a materials physicist covers 5 of its 6 skills."""
    need = next(n for n in demo_needs if n.id == "N0052")
    first = profiles_ranker.rank(need, k=1, explain=1)[0]
    assert first.doc_id == "P0554"
    assert first.level in ("excellente", "bonne")


UNRELATED = (
    ("Pâtissier", ("pâtisserie", "viennoiserie", "chocolaterie")),
    ("Guide de haute montagne", ("alpinisme", "secourisme", "cartographie")),
    ("Luthier", ("travail du bois", "vernissage", "acoustique")),
    ("Fleuriste", ("composition florale", "vente", "horticulture")),
)


def test_a_pairs_fit_stays_the_same_whatever_else_is_indexed(
    use_encoder: CachedEncoder, demo_profiles: list[Profile], demo_needs: list[Need]
) -> None:
    """200 unrelated profiles added to the index leave the fit of N0052's candidates alone
    (the fused score, a z-score over the corpus, moves)."""
    need = next(n for n in demo_needs if n.id == "N0052")
    alone = HybridRanker(use_encoder, vocabulary=SkillVocabulary.builtin()).fit(demo_profiles)
    extra = [
        Profile(
            id=f"X{i:04d}",
            headline=f"{title} ({i})",
            summary=f"{title} depuis {i % 20 + 2} ans, atelier à {['Lyon', 'Brest'][i % 2]}.",
            skills=skills,
        )
        for i in range(200)
        for title, skills in [UNRELATED[i % len(UNRELATED)]]
    ]
    crowded = HybridRanker(use_encoder, vocabulary=SkillVocabulary.builtin()).fit(
        [*demo_profiles, *extra]
    )
    before = alone.rank(need, k=10, explain=0)
    after = {s.doc_id: s for s in crowded.rank(need, k=10, explain=0)}
    assert not any(doc.startswith("X") for doc in after)
    for s in before:
        if s.doc_id in after:
            assert after[s.doc_id].level == s.level
            assert after[s.doc_id].fit == pytest.approx(s.fit, abs=0.02)
    assert any(after[s.doc_id].score != pytest.approx(s.score) for s in before if s.doc_id in after)


def _calibrate_module():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "calibrate.py"
    spec = importlib.util.spec_from_file_location("calibrate_script", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["calibrate_script"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_the_calibration_command_cross_fits_and_prints_the_ece_table() -> None:
    """benchmarks/calibrate.py's fitting on five synthetic sets of different base rates: the
    model is refitted for each held-out set and fold, the table names every set."""
    script = _calibrate_module()
    sets = []
    for i in range(5):
        components, relevant = synthetic_pairs(n=1500, seed=10 + i)
        sets.append(script.Pairs(f"set{i}", components, relevant, np.arange(1500) // 15, 100))
    engine = script.calibrate(sets, "v4:test:noesco")
    figures = engine.figures
    assert engine.model.components == COMPONENTS[:4]
    assert set(figures["ece_leave_one_set_out"]) == {*(p.name for p in sets), "mean", "all"}
    assert figures["ece_5fold_queries"]["all"] < 0.05
    assert figures["ece_leave_one_set_out"]["mean"] < 0.1
    assert figures["reliability_5fold"] and len(figures["reliability_5fold_by_set"]) == 5
    table = script.table("noesco", engine)
    assert "leave-set-out" in table and "5-fold" in table and "set4" in table
    json.loads(
        Calibration(FEATURES_VERSION, DEFAULT_MODEL, "2026-12-05", "", {"noesco": engine}).to_json()
    )
