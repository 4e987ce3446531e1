"""HybridRanker keeps scikit-learn's estimator contract: parameters, fitting, cloning.

`sklearn.utils.estimator_checks.check_estimator` is not run: its checks feed numpy arrays
`fit(X, y)` and call `predict`/`transform`, where this ranker fits sequences of needs or
profiles and ranks one query at a time; its pickling checks do not apply either (a fitted
ranker is a live index holding locks, rebuilt from the database, never pickled). The checks
that only look at parameters are run as they are; the others are restated for documents.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import (
    check_do_not_raise_errors_in_init_or_set_params,
    check_estimator_cloneable,
    check_estimator_repr,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_set_params,
)
from sklearn.utils.validation import check_is_fitted

from matching.encoders import HashingEncoder
from matching.ranker import HybridRanker, Weights
from matching.skills import SkillVocabulary
from matching.types import Need, Profile

QUIET = {name: 0.0 for name in ("semantic", "lexical", "skills", "reciprocal", "occupation")}
LEXICAL = Weights(**{**QUIET, "lexical": 1.0, "occupation_group": 0.0})
SKILLS = Weights(**{**QUIET, "skills": 1.0, "occupation_group": 0.0})

QUERY = Need(id="Q", title="Chaudronnier tuyauteur naval", skills=("TIG",))
PEOPLE = [
    Profile(id="WORDS", headline="Chaudronnier tuyauteur naval", skills=("comptabilité",)),
    Profile(id="SKILL", headline="Mécanicien", skills=("TIG",)),
    Profile(id="OTHER", headline="Boulanger", skills=("pâtisserie",)),
]


@pytest.fixture(scope="module")
def encoder() -> HashingEncoder:
    """Small on purpose: some checks deep-copy parameters."""
    return HashingEncoder(dim=32)


def _top(ranker: HybridRanker) -> str:
    return ranker.rank(QUERY, k=1, explain=0)[0].doc_id


def test_get_params_returns_the_constructor_arguments(encoder: HashingEncoder) -> None:
    vocabulary = SkillVocabulary.builtin()
    given: dict[str, Any] = {
        "encoder": encoder,
        "vocabulary": vocabulary,
        "taxonomy": None,
        "weights": SKILLS,
        "exclude_violations": False,
        "occupation_k": 7,
    }
    params = HybridRanker(**given).get_params(deep=False)
    assert params.keys() == given.keys()
    assert all(params[name] is value for name, value in given.items())


def test_init_stores_parameters_only(encoder: HashingEncoder) -> None:
    ranker = HybridRanker(encoder, occupation_k=-3)  # no validation in __init__
    assert vars(ranker) == ranker.get_params(deep=False)
    check_no_attributes_set_in_init("HybridRanker", ranker)
    check_do_not_raise_errors_in_init_or_set_params("HybridRanker", ranker)


def test_defaults_are_immutable() -> None:
    """A default is shared by every ranker built without it: it must not be changeable."""
    for parameter in inspect.signature(HybridRanker).parameters.values():
        if parameter.default is not inspect.Parameter.empty:
            hash(parameter.default)  # None, bool, int, or the frozen Weights
    assert HybridRanker(HashingEncoder(dim=8)).weights == Weights()


def test_parameter_checks_of_scikit_learn(encoder: HashingEncoder) -> None:
    ranker = HybridRanker(encoder, vocabulary=SkillVocabulary.builtin(), weights=LEXICAL)
    check_get_params_invariance("HybridRanker", ranker)
    check_set_params("HybridRanker", ranker)
    check_estimator_cloneable("HybridRanker", ranker)
    check_estimator_repr("HybridRanker", ranker)
    assert repr(ranker).startswith("HybridRanker(")


def test_set_params_changes_the_ranking(encoder: HashingEncoder) -> None:
    ranker = HybridRanker(encoder, weights=LEXICAL).fit(PEOPLE)
    assert _top(ranker) == "WORDS"
    assert ranker.set_params(weights=SKILLS) is ranker
    assert ranker.get_params()["weights"] is SKILLS
    assert _top(ranker) == "SKILL"
    # The same as a ranker built with those weights.
    fresh = HybridRanker(encoder, weights=SKILLS).fit(PEOPLE)
    assert ranker.rank(QUERY, k=3, explain=0) == fresh.rank(QUERY, k=3, explain=0)


def test_set_params_switches_hard_constraints(encoder: HashingEncoder) -> None:
    needs = [
        Need(id="JOB", kind="job", title="Soudeur"),
        Need(id="STAGE", kind="internship", title="Soudeur"),
    ]
    ranker = HybridRanker(encoder).fit(needs)
    student = Profile(id="S", headline="Soudeur", seeks=("internship",))
    assert [s.doc_id for s in ranker.rank(student, k=5)] == ["STAGE"]
    ranker.set_params(exclude_violations=False)
    assert {s.doc_id for s in ranker.rank(student, k=5)} == {"JOB", "STAGE"}


def test_unfitted_ranker_is_refused(encoder: HashingEncoder) -> None:
    ranker = HybridRanker(encoder)
    with pytest.raises(NotFittedError):
        check_is_fitted(ranker)
    for use in (
        lambda: ranker.rank(QUERY),
        lambda: ranker.rank_many([QUERY]),
        lambda: ranker.components_for([QUERY]),
        lambda: ranker.explain(QUERY, PEOPLE[0]),
    ):
        with pytest.raises(NotFittedError, match="not fitted"):
            use()


def test_fit_returns_self_adds_only_learned_state_and_keeps_parameters(
    encoder: HashingEncoder,
) -> None:
    ranker = HybridRanker(encoder, weights=LEXICAL)
    before = ranker.get_params(deep=False)
    assert ranker.fit(PEOPLE) is ranker
    check_is_fitted(ranker)
    after = ranker.get_params(deep=False)
    assert all(after[name] is value for name, value in before.items())
    added = set(vars(ranker)) - set(before)
    assert added and all(name.endswith("_") for name in added), added


def test_refit_forgets_the_earlier_documents(encoder: HashingEncoder) -> None:
    ranker = HybridRanker(encoder).fit(PEOPLE)
    first = ranker.rank(QUERY, k=3, explain=0)
    assert ranker.fit(PEOPLE).rank(QUERY, k=3, explain=0) == first  # idempotent
    ranker.fit([QUERY])
    assert ranker.docs_are_needs_ and [d.id for d in ranker.documents_] == ["Q"]
    assert ranker.rank(PEOPLE[1], k=3)[0].doc_id == "Q"


def test_clone_is_unfitted_with_equal_parameters(encoder: HashingEncoder) -> None:
    fitted = HybridRanker(encoder, vocabulary=SkillVocabulary.builtin(), weights=SKILLS)
    fitted.fit(PEOPLE)
    copy = clone(fitted)
    assert type(copy) is HybridRanker and copy is not fitted
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)
    assert copy.get_params(deep=False) == fitted.get_params(deep=False)
    # The model and tables are shared, not copied: a loaded model is large and holds locks.
    assert copy.encoder is fitted.encoder and copy.vocabulary is fitted.vocabulary
    assert _top(copy.fit(PEOPLE)) == _top(fitted) == "SKILL"


def test_with_weights_is_a_fitted_copy_leaving_the_original_alone(
    encoder: HashingEncoder,
) -> None:
    ranker = HybridRanker(encoder, weights=LEXICAL).fit(PEOPLE)
    skills = ranker.with_weights(lexical=0.0, skills=1.0)
    assert type(skills) is HybridRanker and skills is not ranker
    assert skills.weights == SKILLS and ranker.weights is LEXICAL
    assert (_top(skills), _top(ranker)) == ("SKILL", "WORDS")
