"""The hybrid ranker: semantic, lexical, skill and occupation evidence fused, constrained, explained.

A scikit-learn estimator over the live index (`matching.index`): `fit` indexes a fixed corpus
(evaluation, notebooks, tests); the service keeps a `LiveIndex` and changes it per document.
Both rank with the same code.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from matching.encoders import Encoder
from matching.index import (
    COMPONENTS,
    LARGE_CORPUS,
    Document,
    Featurizer,
    LiveIndex,
    QuerySide,
    Snapshot,
    Weights,
    standardise,
)
from matching.skills import SkillVocabulary
from matching.taxonomy import EscoTaxonomy
from matching.types import Explanation, Need, Profile, Suggestion

__all__ = ["COMPONENTS", "LARGE_CORPUS", "HybridRanker", "Weights"]

FloatArray = NDArray[np.float32]
Item = Need | Profile
Progress = Callable[[str, int, int], None]
_standardise = standardise  # the name evaluation code imports

_NOT_FITTED = "This %(name)s is not fitted yet: call fit(documents) first."


class HybridRanker(BaseEstimator):  # type: ignore[misc]  # scikit-learn ships no types
    """Ranks documents (profiles or needs) for queries of the other side.

    A scikit-learn estimator: ``__init__`` stores its parameters untouched, ``fit`` learns
    from the documents and returns ``self``, learned state ends in ``_``, and
    ``get_params``/``set_params``/``sklearn.base.clone`` work. The fusion weights and
    ``exclude_violations`` are read when ranking, so ``set_params`` changes the next ranking;
    the other parameters (encoder, vocabulary, taxonomy, ``occupation_k`` and the weights'
    ``title_share``) shape what ``fit`` computes: after changing them, fit again.
    """

    def __init__(
        self,
        encoder: Encoder,
        *,
        vocabulary: SkillVocabulary | None = None,
        taxonomy: EscoTaxonomy | None = None,
        weights: Weights = Weights(),  # frozen: one shared default is safe
        exclude_violations: bool = True,
        occupation_k: int = 20,
    ) -> None:
        self.encoder = encoder
        self.vocabulary = vocabulary
        self.taxonomy = taxonomy
        self.weights = weights
        self.exclude_violations = exclude_violations
        self.occupation_k = occupation_k

    def __sklearn_clone__(self) -> HybridRanker:
        """An unfitted ranker with the same parameters, sharing the encoder, vocabulary and
        taxonomy.

        scikit-learn's clone deep-copies parameters that are not estimators: that would copy a
        loaded model, and it fails on the locks encoders hold. These are read-only resources,
        so sharing them is what a copy of the settings means.
        """
        return type(self)(**self.get_params(deep=False))

    def featurizer(self) -> Featurizer:
        return Featurizer(
            self.encoder,
            vocabulary=self.vocabulary,
            taxonomy=self.taxonomy,
            title_share=self.weights.title_share,
            occupation_k=self.occupation_k,
        )

    # ----------------------------------------------------------------- fitting
    def fit(self, documents: Sequence[Item], progress: Progress | None = None) -> HybridRanker:
        if not documents:
            raise ValueError("no document to rank: the corpus is empty")
        kinds = {isinstance(d, Need) for d in documents}
        if len(kinds) != 1:
            raise ValueError("documents must be all needs or all profiles")
        # A refit starts afresh: nothing learned from earlier documents may survive it.
        for name in [n for n in vars(self) if n.endswith("_") and not n.startswith("__")]:
            delattr(self, name)
        unique = list({d.id: d for d in documents}.values())
        featurizer = self.featurizer()
        # Documents and queries must mix title and skills alike: the share is fixed by fit.
        self.title_share_ = self.weights.title_share
        self.docs_are_needs_ = kinds.pop()
        features = featurizer.features(unique, progress=progress)
        index = LiveIndex(featurizer, needs=self.docs_are_needs_)
        self.snapshot_: Snapshot = index.build(
            [Document(item, f) for item, f in zip(unique, features, strict=True)]
        )
        self.documents_ = unique
        self.index_ = {d.id: i for i, d in enumerate(self.documents_)}
        arrays = self.snapshot_._arrays
        self.need_arrays_ = arrays if self.docs_are_needs_ else None
        self.person_arrays_ = None if self.docs_are_needs_ else arrays
        return self

    def _check_fitted(self) -> None:
        check_is_fitted(self, "documents_", msg=_NOT_FITTED)

    # ----------------------------------------------------------------- scoring
    def embed_queries(self, queries: Sequence[Item]) -> QuerySide:
        """Everything about the queries that does not depend on the documents."""
        self._check_fitted()
        return self.snapshot_.query_side(queries)

    def _constraint_codes(self, queries: Sequence[Item]) -> NDArray[np.int64]:
        self._check_fitted()
        return self.snapshot_.constraint_codes(queries)

    def score_matrix(
        self, queries: Sequence[Item], embedded: QuerySide | None = None
    ) -> tuple[FloatArray, dict[str, FloatArray], NDArray[np.int64]]:
        """Fused scores, raw components and violation codes: each (queries x documents)."""
        self._check_fitted()
        return self.snapshot_.score_matrix(queries, self.weights, embedded)

    def components_for(self, queries: Sequence[Item]) -> dict[str, FloatArray]:
        """Raw component matrices, for tuning weights without recomputing them."""
        side = self.embed_queries(queries)
        return self.snapshot_.components(side)

    # ----------------------------------------------------------------- ranking
    def rank(
        self,
        query: Item,
        k: int = 20,
        *,
        explain: int = 20,
        mask: NDArray[np.bool_] | None = None,
        embedded: QuerySide | None = None,
    ) -> list[Suggestion]:
        """The k best documents for one query, the first `explain` with an explanation.

        `mask` (one boolean per document) keeps only the documents a caller may show.
        """
        self._check_fitted()
        return self.snapshot_.rank(
            query,
            self.weights,
            k,
            explain=explain,
            mask=mask,
            exclude_violations=self.exclude_violations,
            side=embedded,
        )

    def rank_many(
        self,
        queries: Sequence[Item],
        k: int = 100,
        *,
        batch_size: int = 128,
        weights: Weights | None = None,
        progress: Progress | None = None,
    ) -> list[list[tuple[str, float]]]:
        """Top k (document id, score) for many queries, without explanations (evaluation)."""
        self._check_fitted()
        return self.snapshot_.rank_many(
            queries,
            weights or self.weights,
            k,
            batch_size=batch_size,
            exclude_violations=self.exclude_violations,
            progress=progress,
        )

    def explain(self, need: Need, person: Profile) -> Explanation:
        """Explanation of one (need, person) pair, whether or not it was ranked."""
        self._check_fitted()
        try:
            return self.snapshot_.explain(need, person, self.weights)
        except KeyError:
            doc = need if self.docs_are_needs_ else person
            raise KeyError(f"{doc.id} is not among the fitted documents") from None

    def with_weights(self, **changes: float) -> HybridRanker:
        """The same fitted ranker with other fusion weights (cheap: nothing is recomputed).

        A shallow copy: it shares this ranker's learned state, which ranking only reads.
        """
        shallow = copy.copy(self)
        shallow.set_params(weights=replace(self.weights, **changes))
        return shallow
