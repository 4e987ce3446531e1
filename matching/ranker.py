"""The hybrid ranker: semantic, lexical, skill and occupation evidence fused, constrained, explained."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import ThreadpoolController

from matching.constraints import NeedArrays, PersonArrays, violations
from matching.encoders import Encoder, Vectors, l2_normalise
from matching.explain import explain_pair
from matching.features import MatchView, view
from matching.retrieval import top_k
from matching.skills import SkillVocabulary, normalise, skill_key
from matching.taxonomy import EscoTaxonomy
from matching.types import ComponentScore, Need, Profile, Suggestion

FloatArray = NDArray[np.float32]
Item = Need | Profile
Progress = Callable[[str, int, int], None]

# Inspecting the loaded BLAS libraries costs ~1.5 ms: done once, reused by every request.
_BLAS = ThreadpoolController()
LARGE_CORPUS = 5000

_NOT_FITTED = "This %(name)s is not fitted yet: call fit(documents) first."

COMPONENTS = ("semantic", "lexical", "skills", "reciprocal", "occupation", "occupation_group")


@dataclass(frozen=True, slots=True)
class Weights:
    """Weight of each component in the fused score (components are standardised per query).

    Defaults come from benchmarks/tune_weights.py and a grid on the public esco-occupations
    set. The search alone would keep only the ISCO group evidence (that set's grades are
    ISCO groups); every text component keeps a share so the ranker still reads texts and
    skills on data graded otherwise, and works without a taxonomy.
    """

    semantic: float = 0.5
    lexical: float = 0.5
    skills: float = 0.5
    reciprocal: float = 0.0
    occupation: float = 0.5
    occupation_group: float = 3.0  # same ISCO-08 unit group: related jobs
    title_share: float = 0.5  # title vs skills in an item's dense vector; fixed by fit

    def of(self, name: str) -> float:
        return float(getattr(self, name))


def _standardise(scores: FloatArray) -> FloatArray:
    """Per-row z-scores, so components of different scales can be added."""
    mean = scores.mean(axis=1, keepdims=True)
    std = scores.std(axis=1, keepdims=True)
    std[std < 1e-9] = 1.0
    out: FloatArray = ((scores - mean) / std).astype(np.float32)
    return out


class _SkillTable:
    """Every skill label seen, with its vector; shared by a ranker and its re-weighted copies."""

    def __init__(self, ranker: HybridRanker) -> None:
        self.ranker = ranker
        self.labels: list[str] = []
        self.keys: dict[str, int] = {}
        self.vectors = np.zeros((0, ranker.encoder.dim), dtype=np.float32)
        self.lock = threading.Lock()

    def rows(self, labels: Sequence[str], progress: Progress | None = None) -> list[int]:
        with self.lock:
            rows: list[int] = []
            fresh: list[str] = []
            for label in labels:
                key = skill_key(label) or normalise(label) or label.strip().lower()
                if key not in self.keys:
                    self.keys[key] = len(self.labels)
                    self.labels.append(label)
                    fresh.append(label)
                rows.append(self.keys[key])
            if fresh:
                vectors = self.ranker._encode_documents(fresh, "compétences / skills", progress)
                self.vectors = np.vstack([self.vectors, vectors])
            return rows


@dataclass
class _Side:
    """Everything precomputed for a set of items (documents, or a batch of queries)."""

    views: list[MatchView]
    dense: Vectors
    skill_ids: list[NDArray[np.int64]]  # rows into the ranker's skill table
    nice_ids: list[NDArray[np.int64]]
    occupations: sp.csr_matrix | None


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
        # Documents and queries must mix title and skills alike: the share is fixed by fit.
        self.title_share_ = self.weights.title_share
        self.documents_ = list(documents)
        self.docs_are_needs_ = kinds.pop()
        self.index_ = {d.id: i for i, d in enumerate(self.documents_)}
        self.skills_ = _SkillTable(self)
        views = [view(d, self.vocabulary) for d in self.documents_]
        self.docs_ = self._side(views, role="document", progress=progress)
        self.lexical_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            preprocessor=normalise,
            sublinear_tf=True,
            # On large corpora, n-grams in over a tenth of the documents weigh little and cost
            # the most to score (per-query time halves at 10,000 profiles).
            max_df=0.1 if len(views) >= LARGE_CORPUS else 1.0,
            dtype=np.float32,
        )
        # Documents keep their core: whole pages would cost time per query and add boilerplate.
        self.doc_lexical_ = self.lexical_.fit_transform([v.lexical_text for v in views])
        self.doc_lexical_t_ = self.doc_lexical_.T.tocsr()
        self._fit_skill_incidence()
        if self.taxonomy is not None and self.docs_.occupations is not None:
            self.doc_isco_ = _row_normalise(self.taxonomy.isco_vectors(self.docs_.occupations))
        if self.docs_are_needs_:
            self.need_arrays_: NeedArrays | None = NeedArrays.of(self.documents_)  # type: ignore[arg-type]
            self.person_arrays_: PersonArrays | None = None
        else:
            self.need_arrays_ = None
            self.person_arrays_ = PersonArrays.of(self.documents_)  # type: ignore[arg-type]
        return self

    def _check_fitted(self) -> None:
        check_is_fitted(self, "documents_", msg=_NOT_FITTED)

    def _skill_rows(self, labels: Sequence[str], progress: Progress | None = None) -> list[int]:
        """Rows of the skill table for these labels, embedding the new ones."""
        return self.skills_.rows(labels, progress)

    def _encode_documents(self, texts: list[str], stage: str, progress: Progress | None) -> Vectors:
        if progress is None:
            return self.encoder.encode_documents(texts)
        try:
            return self.encoder.encode_documents(  # type: ignore[call-arg]
                texts, progress=lambda done, total: progress(stage, done, total)
            )
        except TypeError:
            return self.encoder.encode_documents(texts)

    def _side(self, views: list[MatchView], role: str, progress: Progress | None = None) -> _Side:
        all_labels = [s for v in views for s in (*v.skills, *v.nice)]
        self._skill_rows(list(dict.fromkeys(all_labels)), progress)
        skill_ids = [np.array(self._skill_rows(v.skills), dtype=np.int64) for v in views]
        nice_ids = [np.array(self._skill_rows(v.nice), dtype=np.int64) for v in views]
        titles = [v.title or v.core or " ".join(v.skills)[:300] for v in views]
        encode = (
            self.encoder.encode_queries
            if role == "query"
            else (lambda t: self._encode_documents(t, "titres / titles", progress))
        )
        title_vectors = encode(titles)
        share = self.title_share_
        dense = np.zeros((len(views), self.encoder.dim), dtype=np.float32)
        for i, (v, ids) in enumerate(zip(views, skill_ids, strict=True)):
            has_title = bool(v.title or v.core)
            if len(ids) and has_title:
                skills_mean = self.skills_.vectors[ids].mean(axis=0)
                skills_mean /= max(float(np.linalg.norm(skills_mean)), 1e-9)
                dense[i] = share * title_vectors[i] + (1 - share) * skills_mean
            elif len(ids):
                dense[i] = self.skills_.vectors[ids].mean(axis=0)
            else:
                dense[i] = title_vectors[i]
        occupations = None
        if self.taxonomy is not None:
            occupations = self._occupations(views)
        return _Side(views, l2_normalise(dense), skill_ids, nice_ids, occupations)

    def _occupations(self, views: list[MatchView]) -> sp.csr_matrix:
        assert self.taxonomy is not None
        k = self.occupation_k
        texts = [f"{v.title}. {v.body}" if (v.title or v.body) else "" for v in views]
        by_text = self.taxonomy.occupation_vectors_from_texts(texts, k=k)
        by_skills = self.taxonomy.occupation_vectors_from_skills(
            [list(v.skills) + list(v.nice) for v in views], k=k
        )
        # A need says what job it is in its title; a person says it through their skills.
        has_text = np.array([bool(v.title or v.body) for v in views], dtype=np.float32)
        has_skills = np.array([bool(v.skills) for v in views], dtype=np.float32)
        text_w = np.where(has_skills > 0, np.where([v.is_need for v in views], 0.7, 0.3), 1.0)
        text_w = text_w * has_text
        skill_w = (1 - text_w) * has_skills
        mixed = sp.diags(text_w) @ by_text + sp.diags(skill_w) @ by_skills
        return _row_normalise(sp.csr_matrix(mixed))

    def _fit_skill_incidence(self) -> None:
        """Documents x skills, required 1 and nice-to-have 0.5, rows summing to one."""
        rows, cols, vals = [], [], []
        for i, (ids, nice) in enumerate(
            zip(self.docs_.skill_ids, self.docs_.nice_ids, strict=True)
        ):
            for j in ids:
                rows.append(i)
                cols.append(int(j))
                vals.append(1.0)
            for j in nice:
                if j not in ids:
                    rows.append(i)
                    cols.append(int(j))
                    vals.append(0.5)
        shape = (len(self.documents_), len(self.skills_.labels))
        matrix = sp.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float32)
        sums = np.asarray(matrix.sum(axis=1)).ravel()
        sums[sums == 0] = 1.0
        self.doc_skill_weights_ = sp.csr_matrix(sp.diags(1 / sums) @ matrix)
        # Flat list of every document's skill rows, for per-document maxima with reduceat.
        lengths = np.array([len(ids) for ids in self.docs_.skill_ids])
        self.doc_skill_flat_ = (
            np.concatenate(self.docs_.skill_ids) if lengths.sum() else np.zeros(0, np.int64)
        )
        self.doc_skill_offsets_ = np.concatenate([[0], np.cumsum(lengths)])[:-1]
        self.doc_skill_counts_ = lengths

    # ----------------------------------------------------------------- scoring
    def _components(self, queries: _Side) -> dict[str, FloatArray]:
        docs = self.docs_
        out: dict[str, FloatArray] = {}
        out["semantic"] = (queries.dense @ docs.dense.T).astype(np.float32)
        q_lex = self.lexical_.transform([v.lexical_text for v in queries.views])
        out["lexical"] = self._lexical_scores(q_lex)
        q_skill_fit, d_skill_fit = self._skill_fits(queries)
        # "skills": the need's skills covered by the person; "reciprocal": the other way.
        if self.docs_are_needs_:
            out["skills"], out["reciprocal"] = d_skill_fit, q_skill_fit
        else:
            out["skills"], out["reciprocal"] = q_skill_fit, d_skill_fit
        if queries.occupations is not None and docs.occupations is not None:
            occ = np.asarray((queries.occupations @ docs.occupations.T).toarray(), np.float32)
            out["occupation"] = occ
            assert self.taxonomy is not None
            q_isco = _row_normalise(self.taxonomy.isco_vectors(queries.occupations))
            out["occupation_group"] = np.asarray((q_isco @ self.doc_isco_.T).toarray(), np.float32)
        return out

    def _lexical_scores(self, q_lex: sp.csr_matrix) -> FloatArray:
        if q_lex.shape[0] == 1:
            # One query: read only the postings of its n-grams (CSC times a dense vector).
            postings = self.doc_lexical_t_[q_lex.indices]
            return np.asarray(postings.T @ q_lex.data, dtype=np.float32)[None, :]
        return np.asarray((q_lex @ self.doc_lexical_t_).toarray(), dtype=np.float32)

    def _skill_fits(self, queries: _Side) -> tuple[FloatArray, FloatArray]:
        """(query skills covered by each document, document skills covered by the query).

        Coverage of a skill is its best cosine with the other side's skills (1 when identical).
        """
        n_docs = len(self.documents_)
        q_fit = np.zeros((len(queries.views), n_docs), dtype=np.float32)
        d_fit = np.zeros((len(queries.views), n_docs), dtype=np.float32)
        table = self.skills_.vectors
        has_skills = self.doc_skill_counts_ > 0
        for i, (ids, nice) in enumerate(zip(queries.skill_ids, queries.nice_ids, strict=True)):
            q_rows = np.concatenate([ids, nice]) if len(nice) else ids
            if not len(q_rows):
                continue
            sims = table[q_rows] @ table.T  # query skills x skill table
            sims[np.arange(len(q_rows)), q_rows] = 1.0
            # Documents' skills covered by the query: best match of each table skill, averaged.
            d_fit[i] = self.doc_skill_weights_ @ sims[:, : self.doc_skill_weights_.shape[1]].max(
                axis=0
            )
            if len(self.doc_skill_flat_):
                gathered = sims[:, self.doc_skill_flat_]
                best = np.zeros((len(q_rows), n_docs), dtype=np.float32)
                starts = self.doc_skill_offsets_[has_skills]
                best[:, has_skills] = np.maximum.reduceat(gathered, starts, axis=1)
                weights = np.concatenate([np.ones(len(ids)), np.full(len(nice), 0.5)])
                q_fit[i] = weights @ best / weights.sum()
        return q_fit, d_fit

    def _constraint_codes(self, queries: Sequence[Item]) -> NDArray[np.int64]:
        if self.docs_are_needs_:
            assert self.need_arrays_ is not None
            people = PersonArrays.of(queries)  # type: ignore[arg-type]
            return violations(self.need_arrays_, people).T
        assert self.person_arrays_ is not None
        return violations(NeedArrays.of(queries), self.person_arrays_)  # type: ignore[arg-type]

    def _fuse(self, components: dict[str, FloatArray], weights: Weights) -> FloatArray:
        total = np.zeros_like(components["semantic"])
        for name, scores in components.items():
            weight = weights.of(name)
            if weight:
                total += weight * _standardise(scores)
        return total

    def embed_queries(self, queries: Sequence[Item]) -> _Side:
        """Everything about the queries that does not depend on the documents."""
        self._check_fitted()
        for q in queries:
            if isinstance(q, Need) == self.docs_are_needs_:
                raise ValueError("queries must be of the other side than the documents")
        views = [view(q, self.vocabulary) for q in queries]
        for v in views:
            if not (v.title or v.body or v.skills):
                raise ValueError(f"{v.id}: nothing to match on (empty title, text and skills)")
        return self._side(views, role="query")

    def score_matrix(
        self, queries: Sequence[Item], embedded: _Side | None = None
    ) -> tuple[FloatArray, dict[str, FloatArray], NDArray[np.int64]]:
        """Fused scores, raw components and violation codes: each (queries x documents)."""
        side = embedded or self.embed_queries(queries)
        components = self._components(side)
        codes = self._constraint_codes(queries)
        return self._fuse(components, self.weights), components, codes

    # ----------------------------------------------------------------- ranking
    def rank(
        self,
        query: Item,
        k: int = 20,
        *,
        explain: int = 20,
        mask: NDArray[np.bool_] | None = None,
        embedded: _Side | None = None,
    ) -> list[Suggestion]:
        """The k best documents for one query, the first `explain` with an explanation.

        `mask` (one boolean per document) keeps only the documents a caller may show.
        """
        side = embedded or self.embed_queries([query])
        with _BLAS.limit(limits=1, user_api="blas"):
            fused, components, codes = self.score_matrix([query], side)
            scores = fused[0]
            keep = np.ones(len(self.documents_), dtype=bool) if mask is None else mask.copy()
            if self.exclude_violations:
                keep &= codes[0] == 0
            scores = np.where(keep, scores, -np.inf).astype(np.float32)
            ids, values = top_k(scores[None, :], k)
            out: list[Suggestion] = []
            for rank, (j, value) in enumerate(zip(ids[0], values[0], strict=True), start=1):
                if not np.isfinite(value):
                    break
                explanation = None
                if rank <= explain:
                    explanation = self._explain(query, int(j), components, codes, side)
                out.append(
                    Suggestion(query.id, self.documents_[j].id, float(value), rank, explanation)
                )
        return out

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
        weights = weights or self.weights
        out: list[list[tuple[str, float]]] = []
        for start in range(0, len(queries), batch_size):
            batch = list(queries[start : start + batch_size])
            side = self.embed_queries(batch)
            components = self._components(side)
            fused = self._fuse(components, weights)
            if self.exclude_violations:
                fused = np.where(self._constraint_codes(batch) == 0, fused, -np.inf)
            ids, values = top_k(fused.astype(np.float32), k)
            for row_ids, row_values in zip(ids, values, strict=True):
                out.append(
                    [
                        (self.documents_[j].id, float(v))
                        for j, v in zip(row_ids, row_values, strict=True)
                        if np.isfinite(v)
                    ]
                )
            if progress:
                progress(
                    "classement / ranking", min(start + batch_size, len(queries)), len(queries)
                )
        return out

    def components_for(self, queries: Sequence[Item]) -> dict[str, FloatArray]:
        """Raw component matrices, for tuning weights without recomputing them."""
        return self._components(self.embed_queries(queries))

    # ----------------------------------------------------------- explanations
    def _explain(
        self,
        query: Item,
        j: int,
        components: dict[str, FloatArray],
        codes: NDArray[np.int64],
        side: _Side,
    ) -> Any:
        doc = self.documents_[j]
        need, person = (doc, query) if self.docs_are_needs_ else (query, doc)
        parts = tuple(
            ComponentScore(name, float(scores[0, j]), self.weights.of(name))
            for name, scores in components.items()
        )
        # Rows of the skill table are known for both sides: no label is normalised again.
        known: dict[str, int] = {}
        for views, ids, nice in (
            (side.views[0], side.skill_ids[0], side.nice_ids[0]),
            (self.docs_.views[j], self.docs_.skill_ids[j], self.docs_.nice_ids[j]),
        ):
            known.update(zip(views.skills, (int(r) for r in ids), strict=True))
            known.update(zip(views.nice, (int(r) for r in nice), strict=True))

        def similarity(a: Sequence[str], b: Sequence[str]) -> FloatArray:
            rows_a = [known[x] if x in known else self._skill_rows([x])[0] for x in a]
            rows_b = [known[x] if x in known else self._skill_rows([x])[0] for x in b]
            return self._row_similarity(rows_a, rows_b)

        query_view, doc_view = side.views[0], self.docs_.views[j]
        return explain_pair(
            need,  # type: ignore[arg-type]
            person,  # type: ignore[arg-type]
            need_view=doc_view if self.docs_are_needs_ else query_view,
            person_view=query_view if self.docs_are_needs_ else doc_view,
            similarity=similarity,
            components=parts,
            code=int(codes[0, j]),
        )

    def _row_similarity(self, rows_a: Sequence[int], rows_b: Sequence[int]) -> FloatArray:
        vectors = self.skills_.vectors
        sims = vectors[list(rows_a)] @ vectors[list(rows_b)].T
        same = np.array(rows_a)[:, None] == np.array(rows_b)[None, :]
        return np.where(same, 1.0, sims).astype(np.float32)

    def explain(self, need: Need, person: Profile) -> Any:
        """Explanation of one (need, person) pair, whether or not it was ranked."""
        self._check_fitted()
        query: Item = person if self.docs_are_needs_ else need
        doc = need if self.docs_are_needs_ else person
        j = self.index_.get(doc.id)
        if j is None:
            raise KeyError(f"{doc.id} is not among the fitted documents")
        side = self.embed_queries([query])
        _, components, codes = self.score_matrix([query], side)
        return self._explain(query, j, components, codes, side)

    def with_weights(self, **changes: float) -> HybridRanker:
        """The same fitted ranker with other fusion weights (cheap: nothing is recomputed).

        A shallow copy: it shares this ranker's learned state, which ranking only reads.
        """
        shallow = copy.copy(self)
        shallow.set_params(weights=replace(self.weights, **changes))
        return shallow


def _row_normalise(matrix: sp.spmatrix) -> sp.csr_matrix:
    matrix = sp.csr_matrix(matrix, dtype=np.float32)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1 / norms) @ matrix)
