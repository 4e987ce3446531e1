"""Explanations agree with the score: strong points, skills covered, skills to acquire.

Seen by a new user before: "Compétences demandées couvertes : 0/5 … Points forts : …
compétences demandées couvertes", and "À acquérir : Python" for a person whose headline reads
"Développeuse Python". These tests read the explanation as the service writes it out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest
from numpy.typing import NDArray

from api.engine.explanations import written
from matching.explain import component_scores, explain_pair, strong_points
from matching.features import view
from matching.messages import Term
from matching.ranker import HybridRanker
from matching.types import ComponentScore, Explanation, Need, Profile


def _far(a: Sequence[str], b: Sequence[str]) -> NDArray[np.float32]:
    """An encoder that finds no two different labels alike."""
    return np.array([[1.0 if x == y else 0.1 for y in b] for x in a], dtype=np.float32)


def _explain(
    need: Need,
    person: Profile,
    components: Sequence[ComponentScore] = (),
    occupations: Callable[[str], str | None] | None = None,
    fit: float | None = None,
) -> Explanation:
    return written(
        explain_pair(
            need,
            person,
            need_view=view(need),
            person_view=view(person),
            similarity=_far,
            components=components,
            code=0,
            occupations=occupations,
            fit=fit,
        )
    )


def _strong(explanation: Explanation) -> list[str]:
    for reason in explanation.reasons:
        if reason.id == "explain.strongest":
            return [t.code for t in reason.value("components").items]  # type: ignore[union-attr]
    return []


NEED = Need(id="N", title="Alternance data", skills=("Python", "SQL", "Docker", "Git", "Linux"))


def test_strong_points_are_what_lifted_this_pair_above_the_others_in_order() -> None:
    # High raw similarity that every document shares lifts nothing; a rare lexical match does.
    components = (
        ComponentScore("semantic", 0.92, 0.5, standing=-0.4),
        ComponentScore("lexical", 0.08, 0.5, standing=2.5),
        ComponentScore("occupation_group", 0.30, 3.0, standing=0.6),
        ComponentScore("occupation", 0.70, 0.5, standing=0.2),
    )
    person = Profile(id="P", headline="Étudiant", skills=("Python",))
    explanation = _explain(NEED, person, components)
    assert _strong(explanation) == ["occupation_group", "lexical"]  # 3.0 x 0.6 > 0.5 x 2.5
    assert "Points forts : famille de métiers proche (ISCO), mots en commun" in (
        explanation.text_fr
    )


def test_nothing_below_the_others_is_a_strong_point() -> None:
    components = (
        ComponentScore("semantic", 0.5, 0.5, standing=-0.1),
        ComponentScore("lexical", 0.1, 0.5, standing=-1.0),
    )
    explanation = _explain(NEED, Profile(id="P", skills=("Python",)), components)
    assert _strong(explanation) == []
    assert "Points forts" not in explanation.text_fr


def test_skills_covered_is_never_a_strong_point_at_zero_covered() -> None:
    components = (
        ComponentScore("skills", 0.45, 0.5, standing=3.0),
        ComponentScore("reciprocal", 0.45, 0.5, standing=3.0),
        ComponentScore("semantic", 0.5, 0.5, standing=0.5),
    )
    person = Profile(id="P", headline="Étudiante", skills=("Excel",))
    explanation = _explain(NEED, person, components)
    assert "Compétences demandées couvertes : 0/5" in explanation.text_fr
    assert _strong(explanation) == ["semantic"]
    assert "compétences demandées couvertes" not in explanation.text_fr.split("Points forts")[1]
    # One skill covered: the same evidence may now be named.
    covered = _explain(NEED, Profile(id="P", skills=("Python",)), components)
    assert _strong(covered)[0] == "skills"


def test_without_standings_the_guard_still_holds() -> None:
    """A caller that gives raw values only (no standing) never gets the 0/N contradiction."""
    components = (
        ComponentScore("skills", 0.9, 0.5),
        ComponentScore("lexical", 0.2, 0.5),
    )
    explanation = _explain(NEED, Profile(id="P", skills=("Excel",)), components)
    assert _strong(explanation) == ["lexical"]


def test_skills_in_the_headline_or_summary_are_never_to_acquire() -> None:
    person = Profile(
        id="P",
        headline="Développeuse Python",
        summary="Deux ans de requêtes SQL sous Linux ; je découvre les conteneurs.",
        skills=("Excel",),
    )
    explanation = _explain(NEED, person)
    assert explanation.missing_skills == ("Docker", "Git")
    assert set(explanation.matched_skills) == {"Python", "SQL", "Linux"}
    assert "À acquérir : Docker, Git" in explanation.text_fr
    assert "Compétences demandées couvertes : 3/5" in explanation.text_fr


def test_a_stated_skill_is_matched_by_the_vocabulary_keys_and_aliases() -> None:
    need = Need(id="N", title="Stage", skills=("gestion des stocks", "langage Go", "C++"))
    person = Profile(
        id="P",
        headline="Étudiant en logistique : Gestion de stock, programmation en golang",
        summary="",
    )
    explanation = _explain(need, person)
    assert explanation.missing_skills == ("C++",)  # "C" alone is not C++


def test_component_scores_give_each_component_its_standing() -> None:
    rows = {
        "semantic": np.array([0.90, 0.91, 0.92], dtype=np.float32),
        "lexical": np.array([0.00, 0.00, 0.30], dtype=np.float32),
        "skills": np.array([0.5, 0.5, 0.5], dtype=np.float32),
    }
    scores = component_scores(rows, {"semantic": 0.5, "lexical": 0.5, "skills": 0.5}.get, 2)
    by_name = {c.name: c for c in scores}
    assert by_name["lexical"].standing == pytest.approx(np.sqrt(2), rel=1e-5)
    assert by_name["semantic"].value == pytest.approx(0.92)
    assert by_name["skills"].standing == 0.0  # the same for everyone: lifts nothing
    named = strong_points(scores, covered=1, shared=True)
    assert [c.name for c in named] == ["lexical", "semantic"]


def test_demo_rankings_never_praise_skills_at_zero_covered(
    profiles_ranker: HybridRanker, demo_needs: list[Need]
) -> None:
    seen_zero = 0
    for need in demo_needs[:25]:
        for suggestion in profiles_ranker.rank(need, k=20, explain=20):
            assert suggestion.explanation is not None
            explanation = written(suggestion.explanation)
            strong = _strong(explanation)
            if not explanation.matched_skills:
                seen_zero += 1
                assert "skills" not in strong, explanation.text_fr
            if not (explanation.matched_skills or explanation.inferred_skills):
                assert "reciprocal" not in strong, explanation.text_fr
    assert seen_zero > 0  # the case the guard is for does occur


def test_demo_missing_skills_are_never_in_the_persons_own_words(
    needs_ranker: HybridRanker, demo_profiles: list[Profile]
) -> None:
    from matching.explain import states
    from matching.skills import SkillVocabulary

    vocabulary = SkillVocabulary.builtin()
    for person in demo_profiles[:40]:
        for suggestion in needs_ranker.rank(person, k=10, explain=10):
            assert suggestion.explanation is not None
            for skill in suggestion.explanation.missing_skills:
                assert not states(person, skill, vocabulary), (person.headline, skill)


def test_demo_missing_skills_are_never_implied_by_the_persons_skills(
    needs_ranker: HybridRanker, demo_profiles: list[Profile]
) -> None:
    """A demo student who lists React is never told to acquire JavaScript."""
    from matching.related import implied_by

    implied = 0
    for person in demo_profiles[:60]:
        for suggestion in needs_ranker.rank(person, k=10, explain=10):
            assert suggestion.explanation is not None
            for skill in suggestion.explanation.missing_skills:
                assert not any(implied_by(skill, held) for held in person.skills), (
                    person.skills,
                    skill,
                )
            implied += sum(
                any(implied_by(wanted, held) for held in person.skills)
                for wanted in suggestion.explanation.inferred_skills
            )
    assert implied > 0  # the demo has such pairs, now called related


def test_component_terms_are_named_in_both_catalogues() -> None:
    from api.core.i18n import gettext
    from matching.ranker import COMPONENTS

    for name in COMPONENTS:
        term = Term("component", name)
        assert gettext("fr", term.id) != term.id and gettext("en", term.id) != term.id


def _with_occupations(
    person: Profile,
    fit: float | None,
    need_reads: str,
    person_reads: str,
    unclear: tuple[str, ...] = (),
) -> Explanation:
    names = {"need": need_reads, "person": person_reads}
    names |= {f"{side}_unclear": names[side] for side in unclear}
    return _explain(NEED, person, occupations=names.get, fit=fit)


HELD = "Niveau d'adéquation retenu par le métier"


def test_a_low_fit_with_the_skills_covered_says_the_occupation_holds_it_down() -> None:
    """Seen in the demo: a student covering every asked skill shown « Faible 14 % » with no
    word why. The fit weighs the occupation most: the explanation names both readings."""
    able = Profile(id="P", headline="Étudiante", skills=("Python", "SQL", "Docker", "Git"))
    shown = _with_occupations(able, 0.14, "ingénieur/ingénieure de données", "statisticien")
    assert (
        f"{HELD} : le besoin se lit comme « ingénieur/ingénieure de données », "
        "le profil comme « statisticien » (ESCO)" in shown.text_fr
    )
    assert "the need reads as “ingénieur/ingénieure de données”" in shown.text_en
    # not when the fit is good, nor when few skills are covered, nor when both read the same
    assert HELD not in _with_occupations(able, 0.40, "a", "b").text_fr
    assert HELD not in _with_occupations(able, None, "a", "b").text_fr
    few = Profile(id="P", headline="Étudiante", skills=("Python", "Excel"))
    assert HELD not in _with_occupations(few, 0.14, "a", "b").text_fr
    assert HELD not in _with_occupations(able, 0.14, "a", "a").text_fr


def test_a_side_whose_reading_is_unclear_is_not_said_to_read_as_its_closest_occupation() -> None:
    """The demo's "BUT Informatique" student hesitates between tester, test technician and
    computer-vision engineer: the explanation says so rather than "reads as tester"."""
    able = Profile(id="P", headline="Étudiant", skills=("Python", "SQL", "Docker", "Git"))
    dev, tester = "développeur/développeuse web", "testeur/testeuse de logiciels"
    person = _with_occupations(able, 0.13, dev, tester, unclear=("person",))
    assert (
        f"{HELD} : le besoin se lit comme « {dev} », le profil ne désigne pas clairement un "
        f"métier (au plus près : « {tester} ») (ESCO)" in person.text_fr
    )
    assert f"the profile does not clearly name an occupation (closest: “{tester}”)" in (
        person.text_en
    )
    assert "le profil comme" not in person.text_fr
    need = _with_occupations(able, 0.13, dev, tester, unclear=("need",)).text_fr
    assert f"le besoin ne désigne pas clairement un métier (au plus près : « {dev} »)" in need
    assert f"le profil se lit comme « {tester} »" in need
    both = _with_occupations(able, 0.13, dev, tester, unclear=("need", "person")).text_fr
    assert f"ni le besoin (au plus près : « {dev} ») ni le profil" in both


def test_the_api_gives_the_named_occupation_and_group() -> None:
    from api.recommendations.service import explanation_json

    named = explanation_json(Explanation(occupation="soudeur/soudeuse", occupation_group=None))
    assert named["occupation"] == "soudeur/soudeuse" and named["occupation_group"] is None
    family = explanation_json(Explanation(occupation_group="Boulangers"))
    assert family["occupation"] is None and family["occupation_group"] == "Boulangers"
