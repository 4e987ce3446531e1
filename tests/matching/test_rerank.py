"""The re-ranker learnt from decisions: it learns what the base ranker misses, and stays out
of the way when it does not beat the base on the newest decisions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from matching.geo import TERRITORIES, find_place, territory_of, towns_in
from matching.index import RERANK_POOL, Document, Snapshot, Weights
from matching.rerank import (
    FEATURES,
    DecisionReranker,
    Pair,
    evaluate_holdout,
    feature_matrix,
    learnt_order,
    load_reranker,
    ndcg_by_group,
    rerank_scores,
    save_reranker,
)
from matching.types import LEVELS, Need, Profile, Suggestion

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
WEIGHTS = Weights()


def _place(territory: str):  # type: ignore[no-untyped-def]
    return find_place(towns_in(territory)[0])


def _decisions(
    rule: str, seed: int = 0, needs: int = 60, per_need: int = 8
) -> tuple[list[Pair], np.ndarray, list[str], list[datetime]]:
    """Simulated decisions of a season: candidates of each need with their base score.

    rule "territory": coordinators keep candidates of the need's own territory, whatever the
    base score says (a preference the base ranker lacks); "level": they keep candidates of
    bac+5 or more though the need asks for no level; "base": they keep what the base ranker
    ranks high, nothing else.
    """
    rng = np.random.default_rng(seed)
    pairs: list[Pair] = []
    labels: list[int] = []
    groups: list[str] = []
    times: list[datetime] = []
    for n in range(needs):
        territory = TERRITORIES[n % len(TERRITORIES)]
        need = Need(id=f"N{n}", title="Offre", skills=("logistique",), place=_place(territory))
        for c in range(per_need):
            home = TERRITORIES[int(rng.integers(len(TERRITORIES)))]
            level = LEVELS[int(rng.integers(2, len(LEVELS)))]
            person = Profile(
                id=f"P{n}-{c}", skills=("logistique",), place=_place(home), level=level
            )
            base = float(rng.normal())
            components = {name: float(rng.normal()) for name in ("semantic", "lexical")}
            if rule == "territory":
                logit = 3.0 * (home == territory) - 1.5 + 0.2 * base
            elif rule == "level":
                logit = 3.0 * (LEVELS.index(level) >= LEVELS.index("bac+5")) - 1.5 + 0.2 * base
            else:
                logit = 3.0 * base
            kept = int(rng.random() < 1 / (1 + np.exp(-logit)))
            pairs.append(Pair(need, person, base, components))
            labels.append(kept)
            groups.append(need.id)
            times.append(START + timedelta(hours=len(times)))
    return pairs, np.array(labels), groups, times


def test_it_learns_a_preference_the_base_ranker_lacks(tmp_path: Path) -> None:
    pairs, y, groups, times = _decisions("territory")
    model, report = evaluate_holdout(feature_matrix(pairs), y, groups, times)
    assert report.beats_base and model is not None
    assert report.ndcg_model >= report.ndcg_base + 0.05
    assert report.auc_model > report.auc_base
    assert report.train + report.test == len(pairs) and report.test_groups >= 10
    weights = model.weights()
    assert max(weights, key=lambda k: weights[k]) == "same_territory"
    # Saved, it is what a ranking uses: a candidate of the need's territory comes first.
    path = save_reranker(tmp_path / "reranker.json", model, report)
    loaded = load_reranker(path)
    assert loaded is not None
    need = pairs[0].need
    here = Profile(id="HERE", skills=("logistique",), place=need.place, level="bac+3")
    away = Profile(id="AWAY", skills=("logistique",), place=_place(TERRITORIES[2]))
    candidates = [Pair(need, away, 0.5), Pair(need, here, 0.4)]  # base: away first
    assert np.argmax(rerank_scores(None, candidates)) == 0
    assert np.argmax(rerank_scores(loaded, candidates)) == 1
    np.testing.assert_allclose(
        loaded.predict(feature_matrix(pairs)), model.predict(feature_matrix(pairs))
    )


def test_it_learns_a_taste_for_a_study_level_the_need_does_not_ask() -> None:
    pairs, y, groups, times = _decisions("level", seed=2)
    model, report = evaluate_holdout(feature_matrix(pairs), y, groups, times)
    assert report.beats_base and model is not None, report
    assert report.ndcg_model >= report.ndcg_base + 0.05
    weights = model.weights()
    assert max(weights, key=lambda k: weights[k]) == "level"


def test_it_is_not_used_when_it_does_not_beat_the_base(tmp_path: Path) -> None:
    pairs, y, groups, times = _decisions("base", seed=1)
    model, report = evaluate_holdout(feature_matrix(pairs), y, groups, times)
    assert model is None and not report.beats_base
    assert report.reason == "not_better"
    assert report.ndcg_model < report.ndcg_base + 0.01
    path = save_reranker(tmp_path / "reranker.json", model, report)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["in_use"] is False and saved["report"]["test"] == report.test
    assert load_reranker(path) is None
    candidates = [Pair(p.need, p.person, p.base) for p in pairs[:8]]
    np.testing.assert_array_equal(
        rerank_scores(load_reranker(path), candidates), [p.base for p in candidates]
    )


def test_the_hold_out_is_the_newest_decisions() -> None:
    pairs, y, groups, times = _decisions("territory", needs=20)
    shuffled = list(reversed(range(len(pairs))))
    _, report = evaluate_holdout(
        feature_matrix([pairs[i] for i in shuffled]),
        y[shuffled],
        [groups[i] for i in shuffled],
        [times[i] for i in shuffled],
    )
    newest_share = sorted(times)[-report.test]
    assert report.split_at == newest_share.isoformat()


def test_too_few_decisions_leave_the_base_ranker_alone() -> None:
    pairs, y, groups, times = _decisions("territory", needs=2)
    model, report = evaluate_holdout(feature_matrix(pairs), y, groups, times)
    assert model is None and report.reason == "too_few_decisions"


def test_a_missing_or_foreign_file_means_no_model(tmp_path: Path) -> None:
    assert load_reranker(tmp_path / "absent.json") is None
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert load_reranker(bad) is None
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "x", "in_use": True}), encoding="utf-8")
    assert load_reranker(other) is None


def test_ndcg_by_group_counts_only_groups_that_can_rank() -> None:
    value, groups = ndcg_by_group([0.9, 0.1, 0.5, 0.4], [1, 0, 1, 1], ["a", "a", "b", "b"])
    assert (value, groups) == (1.0, 1)
    worst, _ = ndcg_by_group([0.1, 0.9], [1, 0], ["a", "a"])
    assert worst == pytest.approx(1 / np.log2(3))
    tied, _ = ndcg_by_group([0.5, 0.5], [1, 0], ["a", "a"])  # ties count against the ranking
    assert tied == pytest.approx(worst)


def test_the_estimator_follows_scikit_learn_conventions() -> None:
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError

    estimator = DecisionReranker(C=0.5)
    assert clone(estimator).get_params() == {"C": 0.5, "class_weight": "balanced"}
    with pytest.raises(NotFittedError):
        estimator.predict(np.zeros((1, len(FEATURES))))
    with pytest.raises(ValueError, match="both kinds"):
        estimator.fit(np.zeros((3, len(FEATURES))), np.ones(3))


# ------------------------------------------------------------------ rankings that use it
@pytest.fixture(scope="module")
def people_index(demo_profiles: list[Profile]) -> Snapshot:
    from matching.encoders import CachedEncoder, HashingEncoder
    from matching.index import Featurizer, LiveIndex
    from matching.skills import SkillVocabulary

    featurizer = Featurizer(CachedEncoder(HashingEncoder()), vocabulary=SkillVocabulary.builtin())
    live = LiveIndex(featurizer, needs=False)
    features = featurizer.features(demo_profiles)
    return live.build([Document(p, f) for p, f in zip(demo_profiles, features, strict=True)])


def _territory_model() -> DecisionReranker:
    pairs, y, groups, times = _decisions("territory")
    model, report = evaluate_holdout(feature_matrix(pairs), y, groups, times)
    assert model is not None and report.beats_base
    return model


def _same_territory(need: Need, people: dict[str, Profile], ranked: list[Suggestion]) -> int:
    here = territory_of(need.place.town) if need.place else None
    return sum(
        1
        for s in ranked
        if (place := people[s.doc_id].place) is not None and territory_of(place.town) == here
    )


def test_a_ranking_follows_the_learnt_preference_and_says_so(
    people_index: Snapshot, demo_needs: list[Need], demo_profiles: list[Profile]
) -> None:
    model = _territory_model()
    people = {p.id: p for p in demo_profiles}
    needs = [n for n in demo_needs if n.place is not None and territory_of(n.place.town)][:12]
    base_here = learnt_here = 0
    for need in needs:
        base = people_index.rank(need, WEIGHTS, 10, explain=10)
        learnt = people_index.rank(need, WEIGHTS, 10, explain=10, reranker=model)
        base_here += _same_territory(need, people, base)
        learnt_here += _same_territory(need, people, learnt)
        head = people_index.rank(need, WEIGHTS, RERANK_POOL, explain=0)
        scores = {s.doc_id: s.score for s in head}
        for s in learnt:
            assert s.doc_id in scores  # drawn from the base ranking's head
            assert s.score == pytest.approx(scores[s.doc_id])  # with its base score
        moved = {s.doc_id for s in learnt} - {
            b.doc_id for b, s in zip(base, learnt, strict=False) if b.doc_id == s.doc_id
        }
        for s in learnt:
            assert s.explanation is not None
            says = [r.id for r in s.explanation.reasons].count("explain.learnt")
            assert says == (s.doc_id in moved), (s.doc_id, says)
    assert learnt_here >= base_here + 20, (base_here, learnt_here)


def test_without_an_accepted_model_the_order_is_the_base_one(
    people_index: Snapshot, demo_needs: list[Need], tmp_path: Path
) -> None:
    pairs, y, groups, times = _decisions("base", seed=1)
    rejected, report = evaluate_holdout(feature_matrix(pairs), y, groups, times)
    path = save_reranker(tmp_path / "reranker.json", rejected, report)
    assert load_reranker(path) is None
    for need in demo_needs[:5]:
        today = people_index.rank(need, WEIGHTS, 20, explain=20)
        assert people_index.rank(need, WEIGHTS, 20, explain=20, reranker=load_reranker(path)) == (
            today
        )


def test_learnt_order_keeps_the_base_order_on_ties_and_without_a_model() -> None:
    pairs, *_ = _decisions("territory", needs=1)
    assert learnt_order(None, pairs) == list(range(len(pairs)))
    model = _territory_model()
    twins = [pairs[0], pairs[0], pairs[0]]
    assert learnt_order(model, twins) == [0, 1, 2]
    assert sorted(learnt_order(model, pairs)) == list(range(len(pairs)))
