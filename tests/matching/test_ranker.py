"""The hybrid ranker on the demo region: relevant, constrained, explained, robust."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from matching.encoders import CachedEncoder
from matching.geo import find_place
from matching.ranker import HybridRanker, Weights
from matching.skills import SkillVocabulary
from matching.types import Need, Profile


def test_candidates_come_best_first_with_explanations(
    profiles_ranker: HybridRanker, demo_needs: list[Need]
) -> None:
    need = demo_needs[0]
    ranked = profiles_ranker.rank(need, k=30, explain=20)
    assert 0 < len(ranked) <= 30
    scores = [s.score for s in ranked]
    assert scores == sorted(scores, reverse=True)
    assert len({s.doc_id for s in ranked}) == len(ranked)
    assert [s.rank for s in ranked] == list(range(1, len(ranked) + 1))
    assert all(s.explanation is not None for s in ranked[:20])
    assert all(s.explanation is None for s in ranked[20:])
    first = ranked[0].explanation
    assert first is not None and first.reasons[0].id.startswith("explain.covered")
    assert set(first.matched_skills) | set(first.missing_skills) <= set(need.skills)


def test_people_are_matched_to_offers_of_their_field(
    needs_ranker: HybridRanker, demo_profiles: list[Profile], demo_needs: list[Need]
) -> None:
    """For most students, the best offer shares at least one of their skills."""
    students = [p for p in demo_profiles if p.kind == "student"][:60]
    by_id = {n.id: n for n in demo_needs}
    shared = 0
    ranked_any = 0
    for person in students:
        ranked = needs_ranker.rank(person, k=1, explain=0)
        if not ranked:
            continue
        ranked_any += 1
        need = by_id[ranked[0].doc_id]
        keys = {s.lower() for s in person.skills}
        if keys & {s.lower() for s in (*need.skills, *need.nice_to_have)}:
            shared += 1
    assert ranked_any >= 40
    assert shared / ranked_any >= 0.8


def test_ranking_beats_chance_on_skill_overlap(
    profiles_ranker: HybridRanker, demo_needs: list[Need], demo_profiles: list[Profile]
) -> None:
    """Top-10 candidates hold far more of the need's skills than people drawn at random."""
    by_id = {p.id: p for p in demo_profiles}

    def overlap(need: Need, person: Profile) -> float:
        return len({s.lower() for s in need.skills} & {s.lower() for s in person.skills}) / max(
            len(need.skills), 1
        )

    top, rand = [], []
    rng = np.random.default_rng(0)
    for need in demo_needs[:40]:
        ranked = profiles_ranker.with_weights().rank(need, k=10, explain=0)
        top += [overlap(need, by_id[s.doc_id]) for s in ranked]
        rand += [
            overlap(need, demo_profiles[int(i)]) for i in rng.integers(0, len(demo_profiles), 10)
        ]
    assert np.mean(top) > 3 * np.mean(rand)


def _person(**changes: object) -> Profile:
    base = Profile(
        id="X1",
        headline="Étudiante en logistique portuaire",
        skills=("logistique portuaire", "gestion des stocks", "anglais"),
        level="bac+3",
        languages=("fr", "en"),
        seeks=("internship",),
        place=find_place("Calais"),
        mobility_km=15,
        available_from=date(2027, 3, 1),
        available_until=date(2027, 9, 30),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _need(**changes: object) -> Need:
    base = Need(
        id="Y1",
        kind="internship",
        title="Stage logistique portuaire",
        description="Organisation des flux de conteneurs sur le terminal.",
        skills=("logistique portuaire", "gestion des stocks"),
        place=find_place("Calais"),
        start_date=date(2027, 4, 1),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def small_ranker(use_encoder: CachedEncoder) -> HybridRanker:
    needs = [
        _need(),
        _need(id="FAR", place=find_place("Dunkerque")),
        _need(id="REMOTE", place=find_place("Dunkerque"), remote="full"),
        _need(id="JOB", kind="job"),
        _need(id="LATE", start_date=date(2028, 1, 10)),
        _need(id="PHD", level_min="doctorat"),
        _need(id="NL", languages=("nl",)),
    ]
    return HybridRanker(use_encoder, vocabulary=SkillVocabulary.builtin()).fit(needs)


def test_hard_constraints_rule_out_and_say_why(small_ranker: HybridRanker) -> None:
    person = _person()
    ranked = {s.doc_id for s in small_ranker.rank(person, k=10)}
    assert ranked == {"Y1", "REMOTE"}
    reasons = {
        "FAR": "explain.violation.distance",
        "JOB": "explain.violation.kind",
        "LATE": "explain.violation.dates",
        "PHD": "explain.violation.level",
        "NL": "explain.violation.languages",
    }
    needs = {n.id: n for n in small_ranker.documents_}
    for need_id, message_id in reasons.items():
        explanation = small_ranker.explain(needs[need_id], person)  # type: ignore[arg-type]
        assert any(v.id == message_id for v in explanation.ruled_out), (need_id, explanation)
        assert explanation.reasons[-1].id == "explain.ruled_out"


def test_unknown_values_never_rule_out(small_ranker: HybridRanker) -> None:
    vague = Profile(id="V", headline="Logistique", skills=("logistique portuaire",))
    assert len(small_ranker.rank(vague, k=10)) == 7


def test_mask_limits_what_a_caller_sees(small_ranker: HybridRanker) -> None:
    mask = np.zeros(len(small_ranker.documents_), dtype=bool)
    mask[0] = True
    assert [s.doc_id for s in small_ranker.rank(_person(), k=10, mask=mask)] == ["Y1"]


def test_empty_query_is_a_clear_error(profiles_ranker: HybridRanker) -> None:
    with pytest.raises(ValueError, match="nothing to match"):
        profiles_ranker.rank(Need(id="EMPTY"), k=5)


def test_wrong_side_is_a_clear_error(profiles_ranker: HybridRanker) -> None:
    with pytest.raises(ValueError, match="other side"):
        profiles_ranker.rank(Profile(id="P", headline="x"), k=5)


@pytest.mark.parametrize(
    "need",
    [
        Need(id="HUGE", title="Technicien", description="maintenance industrielle " * 50_000),
        Need(id="UNKNOWN", title="Zorglub", skills=("xylophonie quantique", "🦀")),
        Need(id="EN", title="Data engineer", description="Build ETL pipelines in Python and SQL."),
        Need(id="PUNCT", title="!!!", description="?"),
    ],
    ids=lambda n: n.id,
)
def test_odd_input_still_ranks(profiles_ranker: HybridRanker, need: Need) -> None:
    ranked = profiles_ranker.rank(need, k=5)
    assert len(ranked) == 5
    assert all(np.isfinite(s.score) for s in ranked)


def test_english_offer_finds_data_people(profiles_ranker: HybridRanker) -> None:
    need = Need(id="EN", title="Data engineer", description="ETL pipelines, Python, SQL databases.")
    ranked = profiles_ranker.rank(need, k=5)
    people = {p.id: p for p in profiles_ranker.documents_}
    skills = [{s.lower() for s in people[s.doc_id].skills} for s in ranked]  # type: ignore[union-attr]
    assert sum(bool(k & {"python", "sql"}) for k in skills) >= 4


def test_weights_change_the_order(profiles_ranker: HybridRanker, demo_needs: list[Need]) -> None:
    need = demo_needs[3]
    lexical = profiles_ranker.with_weights(**{n: 0.0 for n in ("semantic", "skills")})
    semantic = profiles_ranker.with_weights(**{n: 0.0 for n in ("lexical", "skills")})
    a = [s.doc_id for s in lexical.rank(need, k=10, explain=0)]
    b = [s.doc_id for s in semantic.rank(need, k=10, explain=0)]
    assert a != b
    assert profiles_ranker.weights == Weights()


def test_unfitted_ranker_says_so(use_encoder: CachedEncoder) -> None:
    with pytest.raises(NotFittedError, match="not fitted"):
        HybridRanker(use_encoder).rank(Need(id="N", title="x"))
    with pytest.raises(ValueError, match="empty"):
        HybridRanker(use_encoder).fit([])
