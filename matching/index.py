"""The live matching index: per-document features in immutable snapshots, changed one document
at a time.

A document's features (dense vector, hashed character n-grams, skill labels, inferred
occupations) are computed once by a `Featurizer` and never depend on the rest of the corpus, so
a write recomputes one document and nothing else. Lexical weights use document frequencies kept
up to date in the snapshot: no corpus-wide refit. A `Snapshot` is never changed once published:
`LiveIndex.apply` builds the next one beside it (a small tail segment plus tombstones) and swaps
one reference, so readers keep the version they started with and never wait on a writer.
"""

from __future__ import annotations

import hashlib
import json
import threading
import zlib
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import cached_property, lru_cache, partial
from typing import Any, cast

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.feature_extraction.text import HashingVectorizer
from threadpoolctl import ThreadpoolController

from matching.calibration import FitModel, along_ranking, calibration_for, fit_level
from matching.constraints import CONSTRAINTS, NeedArrays, PersonArrays, violations
from matching.encoders import Encoder, Vectors, l2_normalise
from matching.explain import LabelSimilarity, SkillOutcome, explain_pair, skill_outcome
from matching.features import MatchView, clean, view
from matching.memo import Memo
from matching.messages import phrase
from matching.rerank import DecisionReranker, Pair, learnt_order
from matching.retrieval import top_k
from matching.skills import SkillVocabulary, normalise, skill_key
from matching.taxonomy import EscoTaxonomy, Reading, clear_rows, row_entries
from matching.types import COMPONENTS as COMPONENTS  # re-exported: ranker and callers read it here
from matching.types import ComponentScore, Explanation, Need, Profile, Suggestion

FloatArray = NDArray[np.float32]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]
Item = Need | Profile
Progress = Callable[[str, int, int], None]

_BLAS = ThreadpoolController()  # inspecting the BLAS libraries once (~1.5 ms), not per request

# Fixed hashed space for character n-grams: a new document never changes anyone else's vector.
# 2^20 buckets keep collisions rare for the region's texts (a few hundred thousand n-grams).
HASH_FEATURES = 1 << 20
# On large corpora, n-grams found in over a tenth of the documents weigh little and cost the
# most to score: queries skip them (per-query time halves at 10,000 profiles).
LARGE_CORPUS = 5000
COMMON_SHARE = 0.1
# A tail segment past this size is merged into the main one (rebuilding the tail costs its size).
TAIL_LIMIT = 512
# The service's tail (`LiveIndex(compact_later=...)`): each write rebuilds it, so it stays small
# (22 ms a write at 500 documents, ~3 ms at 64); full tails are merged off the request path, in
# levels: a segment is merged with those after it once they hold 1/LEVEL_RATIO of it.
SERVICE_TAIL = 64
LEVEL_RATIO = 8
# Segments up to this size score n-grams from their own rows (no postings kept).
SMALL_SEGMENT = 128
# Candidates a learnt re-ranker may re-order: the head of the base ranking, where decisions are
# taken (the rest keeps the base order).
RERANK_POOL = 50
# The fits shown never rise down a query's ranking of every live document, smoothed over its
# first FIT_WINDOW (`Snapshot.shown_fits`, `matching.calibration.along_ranking`).
FIT_WINDOW = 100
FEATURES_VERSION = 9  # bump when what a Features holds, or how it is computed, changes


@dataclass(frozen=True, slots=True)
class Weights:
    """Weight of each component in the fused score (components are standardised per query).

    One configuration for every kind of data: coordinate ascent on the mean nDCG@10 of the five
    public sets (`benchmarks/loso.py`, which also scores each set with weights tuned on the
    other four). The search gave skills 0: those sets judge pairs by occupation only. Skills
    keep 0.5 here (-0.002 mean nDCG@10) because a company's required skills must weigh in a
    ranking it reads; the reciprocal skill fit stays an explanation, not a score. Since the
    fusion term |z|^1.25 (`fusion_term`), weights tuned again on the five sets (semantic 0.75,
    skills 0) beat these by at most 0.005 on any set: these stay.
    """

    semantic: float = 1.5
    lexical: float = 2.0
    skills: float = 0.5
    reciprocal: float = 0.0
    occupation: float = 1.5  # chance both are the same ESCO occupation
    occupation_group: float = 2.0  # same ISCO-08 unit group: related jobs
    title_share: float = 0.5  # title vs skills in an item's dense vector; fixed by fit

    def of(self, name: str) -> float:
        return float(getattr(self, name))


QUERY_CACHE = 4096  # queries whose occupations are remembered (a few kB each)
QUERY_SIDES = 2048  # single queries' sides remembered (a few kB each)
SEGMENT_VIEWS = 2048  # explained documents' views remembered per segment
SKILL_OUTCOMES = 16384  # explained pairs' skill outcomes remembered per featurizer (~1 kB each)
RANKING_CACHE = 128  # rankings remembered per snapshot (tens of kB each, explanations included)
# A segment of at least CACHED_SEGMENT documents keeps, for the single queries ranked against it
# lately, their scores that the rest of the corpus does not change (`_KEPT_BYTES` a document),
# within SEGMENT_SCORES_BYTES: 14,000 people keep 340 needs' (a region's 300 open needs: 87 MB),
# 100,000 people keep 47.
CACHED_SEGMENT = 1024
SEGMENT_SCORES_BYTES = 96 << 20
TEXT_SHARE = 0.7  # text vs skill evidence of occupations, when an item has both
OCCUPATION_TEXT = 2000  # characters of a text read for occupation inference (bounded cost)


# A standardised component enters the fused score as sign(z)·|z|^FUSION_POWER: one component
# far above the others' documents (the same occupation, a rare shared term) outweighs several
# middling ones. Chosen leave-one-set-out on the five public sets: 1.25 raised every set's
# nDCG@10 (mean 0.565 → 0.580), 1.5 and 2 lost on one set (benchmarks/loso.py, README).
FUSION_POWER = 1.25


def fusion_term(z: FloatArray) -> FloatArray:
    """A standardised component's term in the fused score (before its weight)."""
    out: FloatArray = (np.sign(z) * np.abs(z) ** FUSION_POWER).astype(np.float32)
    return out


def fused(
    components: Mapping[str, FloatArray],
    codes: IntArray | None,
    weights: Weights,
    exclude_violations: bool = True,
    term: Callable[[FloatArray], FloatArray] | None = None,
) -> FloatArray:
    """The fused score of every (query, document): each component's fusion term, weighted
    (`term` makes it from a component as it is added, one at a time; None: the matrices
    already are terms); with `codes`, a pair that breaks a hard constraint scores -inf when
    excluded. The engine's rankings and the evaluation both fuse here."""
    total = np.zeros_like(next(iter(components.values())))
    for name, matrix in components.items():
        weight = weights.of(name)
        if weight:
            total += weight * (term(matrix) if term is not None else matrix)
    if exclude_violations and codes is not None:
        total = np.where(codes == 0, total, -np.inf)
    out: FloatArray = total.astype(np.float32, copy=False)
    return out


def idf_of(df: NDArray[np.int32], n_alive: int) -> NDArray[np.float64]:
    """Smoothed idf of n-grams found in `df` documents out of `n_alive`, as scikit-learn's."""
    n = max(n_alive, 1)
    out: NDArray[np.float64] = np.log((1.0 + n) / (1.0 + df)) + 1.0
    return out


def standardise(scores: FloatArray, valid: BoolArray | None = None) -> FloatArray:
    """Per-row z-scores over the `valid` columns, so components of different scales can be added."""
    if valid is None or bool(valid.all()):
        mean = scores.mean(axis=1, keepdims=True)
        std = scores.std(axis=1, keepdims=True)
    else:
        live = scores[:, valid] if valid.any() else scores
        mean = live.mean(axis=1, keepdims=True)
        std = live.std(axis=1, keepdims=True)
    std[std < 1e-9] = 1.0
    out: FloatArray = ((scores - mean) / std).astype(np.float32)
    return out


# --------------------------------------------------------------------------------- features
@dataclass(frozen=True, slots=True)
class Features:
    """What the index keeps of one document; depends on that document alone."""

    id: str
    dense: Vectors  # (dim,), L2-normalised
    lexical_indices: NDArray[np.int32]  # hashed character n-grams
    lexical_values: FloatArray  # their sublinear term frequencies
    skills: tuple[str, ...]  # the labels matched on (given, or read from the text)
    nice: tuple[str, ...]
    extracted: bool
    occupation_indices: NDArray[np.int32] | None = None  # ESCO occupations, top k
    occupation_values: FloatArray | None = None

    def to_bytes(self) -> bytes:
        """A compact self-describing record: a JSON header, then the raw arrays."""
        arrays = [self.dense.astype(np.float32), self.lexical_indices, self.lexical_values]
        if self.occupation_indices is not None and self.occupation_values is not None:
            arrays += [self.occupation_indices, self.occupation_values]
        header = json.dumps(
            {
                "v": FEATURES_VERSION,
                "id": self.id,
                "skills": self.skills,
                "nice": self.nice,
                "extracted": self.extracted,
                "sizes": [int(a.shape[0]) for a in arrays],
            },
            ensure_ascii=False,
        ).encode()
        body = b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)
        return len(header).to_bytes(4, "little") + header + body

    @classmethod
    def from_bytes(cls, blob: bytes) -> Features:
        """Inverse of `to_bytes`; raises ValueError on a record that is corrupt or outdated."""
        try:
            size = int.from_bytes(blob[:4], "little")
            header = json.loads(blob[4 : 4 + size])
            if header.get("v") != FEATURES_VERSION:
                raise ValueError(f"features version {header.get('v')} != {FEATURES_VERSION}")
            sizes = [int(s) for s in header["sizes"]]
            offset = 4 + size
            kinds = [np.float32, np.int32, np.float32, np.int32, np.float32]
            arrays: list[NDArray[Any]] = []
            for n, kind in zip(sizes, kinds, strict=False):
                width = np.dtype(kind).itemsize * n
                arrays.append(np.frombuffer(blob, dtype=kind, count=n, offset=offset).copy())
                offset += width
            if offset != len(blob) or len(arrays) not in (3, 5):
                raise ValueError("features record has the wrong length")
            if len(arrays[1]) != len(arrays[2]) or (
                len(arrays) == 5 and len(arrays[3]) != len(arrays[4])
            ):
                raise ValueError("features record has mismatched arrays")
            return cls(
                id=str(header["id"]),
                dense=arrays[0],
                lexical_indices=arrays[1],
                lexical_values=arrays[2],
                skills=tuple(header["skills"]),
                nice=tuple(header["nice"]),
                extracted=bool(header["extracted"]),
                occupation_indices=arrays[3] if len(arrays) == 5 else None,
                occupation_values=arrays[4] if len(arrays) == 5 else None,
            )
        except (KeyError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"corrupt features record: {exc}") from None


def _lexical_vectorizer() -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        preprocessor=normalise,
        n_features=HASH_FEATURES,
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )


_ANALYSE = _lexical_vectorizer().build_analyzer()


def hashed_ngrams(texts: Sequence[str]) -> sp.csr_matrix:
    """Sublinear counts of each text's character n-grams in the fixed hashed space.

    CRC-32 of the n-gram: stable across processes and versions (features are stored), and
    without the per-call overhead of scikit-learn's hasher (milliseconds per query).
    """
    indptr = [0]
    indices: list[NDArray[np.int64]] = []
    values: list[NDArray[np.float32]] = []
    mask = HASH_FEATURES - 1
    for text in texts:
        grams = _ANALYSE(text)
        ids = np.fromiter((zlib.crc32(g.encode()) & mask for g in grams), np.int64, len(grams))
        unique, counts = np.unique(ids, return_counts=True)
        indices.append(unique)
        values.append((1.0 + np.log(counts)).astype(np.float32))
        indptr.append(indptr[-1] + len(unique))
    return sp.csr_matrix(
        (
            np.concatenate(values) if values else np.zeros(0, np.float32),
            np.concatenate(indices) if indices else np.zeros(0, np.int64),
            np.array(indptr, dtype=np.int64),
        ),
        shape=(len(texts), HASH_FEATURES),
        dtype=np.float32,
    )


def document_view(item: Item, features: Features) -> MatchView:
    """The view the features were computed from, without reading the vocabulary again.

    A need's body here is its whole description: explanations read a document's skills, never
    its body, so the sentences `offer_body` left out of the features (~0.1 ms a need) are not
    looked for again on this path, which explains 20 needs per page.
    """
    if isinstance(item, Need):
        title, body = clean(item.title), clean(item.description)
    else:
        title, body = clean(item.headline), clean(item.summary)
    return MatchView(
        item.id,
        isinstance(item, Need),
        title,
        body,
        features.skills,
        features.nice,
        features.extracted,
    )


@lru_cache(maxsize=1 << 16)
def _label_key(label: str) -> str:
    """A skill label's comparison key (cached: explanations compare the same labels often)."""
    return skill_key(label) or normalise(label) or label.strip().lower()


@dataclass(frozen=True)
class SkillTable:
    """Every skill label the index has seen, with its vector; append-only, replaced whole."""

    labels: tuple[str, ...]
    keys: Mapping[str, int]
    vectors: FloatArray

    @staticmethod
    def key(label: str) -> str:
        return _label_key(label)

    @classmethod
    def empty(cls, dim: int) -> SkillTable:
        return cls((), {}, np.zeros((0, dim), dtype=np.float32))

    def row(self, label: str) -> int | None:
        return self.keys.get(self.key(label))

    def missing(self, labels: Iterable[str]) -> list[str]:
        out: dict[str, str] = {}
        for label in labels:
            key = self.key(label)
            if key not in self.keys and key not in out:
                out[key] = label
        return list(out.values())

    def extended(self, labels: Sequence[str], vectors: FloatArray) -> SkillTable:
        if not labels:
            return self
        keys = dict(self.keys)
        for i, label in enumerate(labels):
            keys[self.key(label)] = len(self.labels) + i
        return SkillTable(
            self.labels + tuple(labels), keys, np.vstack([self.vectors, vectors]).astype(np.float32)
        )


@dataclass(frozen=True)
class QuerySide:
    """Everything about a batch of queries that does not depend on the documents."""

    items: list[Item]
    views: list[MatchView]
    dense: FloatArray
    lexical: sp.csr_matrix  # sublinear hashed tf, queries x HASH_FEATURES
    skill_vectors: list[FloatArray]  # per query: its required then nice skills' vectors
    skill_rows: list[IntArray]  # per query: row in the snapshot's table, -1 when unknown
    n_required: list[int]
    occupations: sp.csr_matrix | None

    def occupation_columns(self, taxonomy: EscoTaxonomy) -> tuple[FloatArray, FloatArray]:
        """The queries' occupations and ISCO-08 groups as dense columns, made once per side (a
        side is remembered per query: a page ranked again does not rebuild them)."""
        assert self.occupations is not None
        found: tuple[EscoTaxonomy, FloatArray, FloatArray] | None
        found = self.__dict__.get("_occupation_columns")
        if found is None or found[0] is not taxonomy:
            occupations: FloatArray = self.occupations.T.toarray()
            found = (taxonomy, occupations, taxonomy.isco_columns(self.occupations))
            self.__dict__["_occupation_columns"] = found  # whole, once: a race builds it twice
        return found[1], found[2]


@dataclass(frozen=True)
class StoredRow:
    """An indexed document's stored features, lent when it is the query (same content)."""

    dense: FloatArray
    lexical: sp.csr_matrix  # 1 x HASH_FEATURES
    occupations: sp.csr_matrix | None  # 1 x occupations


class Featurizer:
    """Computes a document's features, or a query's side, from its texts alone."""

    def __init__(
        self,
        encoder: Encoder,
        *,
        vocabulary: SkillVocabulary | None = None,
        taxonomy: EscoTaxonomy | None = None,
        title_share: float = 0.5,
        occupation_k: int = 20,
    ) -> None:
        self.encoder = encoder
        self.vocabulary = vocabulary
        self.taxonomy = taxonomy
        # What each explained pair's skills say (`explain.skill_outcome`), by the two sides'
        # skills and the person's own words: the same for every snapshot of this featurizer.
        self.skill_outcomes: Memo[Hashable, SkillOutcome] = Memo(SKILL_OUTCOMES)
        self.title_share = title_share
        self.occupation_k = occupation_k
        # Occupation inference is most of a query's cost (tens of ms with ESCO) and the same
        # people and needs ask again and again: rows kept by content, bounded, under a lock.
        self._occupation_rows: Memo[bytes, sp.csr_matrix] = Memo(QUERY_CACHE)
        # Single queries' sides by query, with the skill table they were computed against
        # (a side is reused only with that very table: its skill rows index it).
        self.query_sides: Memo[Item, tuple[SkillTable, QuerySide]] = Memo(QUERY_SIDES)

    @property
    def signature(self) -> str:
        """What must match for stored features to be reused: model, taxonomy, settings."""
        esco = f"esco{len(self.taxonomy.occupations)}" if self.taxonomy is not None else "noesco"
        return (
            f"v{FEATURES_VERSION}:{self.encoder.name}:{esco}:"
            f"t{self.title_share}:k{self.occupation_k}"
        )

    def _encode_documents(self, texts: list[str], stage: str, progress: Progress | None) -> Vectors:
        if progress is None:
            return self.encoder.encode_documents(texts)
        try:
            return self.encoder.encode_documents(  # type: ignore[call-arg]
                texts, progress=lambda done, total: progress(stage, done, total)
            )
        except TypeError:
            return self.encoder.encode_documents(texts)

    def skill_vectors(
        self, labels: Sequence[str], table: SkillTable | None = None
    ) -> dict[str, FloatArray]:
        """Vector of each label by its key: from `table` when known, else encoded (cached)."""
        out: dict[str, FloatArray] = {}
        fresh: dict[str, str] = {}
        for label in labels:
            key = SkillTable.key(label)
            if key in out or key in fresh:
                continue
            row = table.keys.get(key) if table is not None else None
            if row is not None and table is not None:
                out[key] = table.vectors[row]
            else:
                fresh[key] = label
        if fresh:
            vectors = self._encode_documents(list(fresh.values()), "compétences / skills", None)
            for key, vector in zip(fresh, vectors, strict=True):
                out[key] = vector.astype(np.float32)
        return out

    def _dense(
        self,
        views: list[MatchView],
        title_vectors: Vectors,
        skill_vectors: Mapping[str, FloatArray],
    ) -> FloatArray:
        share = self.title_share
        dense = np.zeros((len(views), self.encoder.dim), dtype=np.float32)
        for i, v in enumerate(views):
            has_title = bool(v.title or v.core)
            vectors = [skill_vectors[SkillTable.key(s)] for s in v.skills]
            if vectors and has_title:
                skills_mean = np.mean(vectors, axis=0)
                skills_mean /= max(float(np.linalg.norm(skills_mean)), 1e-9)
                dense[i] = share * title_vectors[i] + (1 - share) * skills_mean
            elif vectors:
                dense[i] = np.mean(vectors, axis=0)
            else:
                dense[i] = title_vectors[i]
        return l2_normalise(dense)

    def warm(self, progress: Progress | None = None) -> None:
        """Compute what every batch shares before the first one: the ESCO occupations'
        embeddings (3,007 descriptions, ~12 s on two cores the first time, then cached) and
        the whitened space they are compared in."""
        if self.taxonomy is not None:
            self.taxonomy.occupation_embeddings(
                self.encoder,
                None
                if progress is None
                else lambda done, total: progress("métiers ESCO / ESCO occupations", done, total),
            )
            self.taxonomy.occupation_space(self.encoder)

    def _occupations(self, views: list[MatchView], dense: FloatArray) -> sp.csr_matrix | None:
        """Each item's likeliest ESCO occupations, a distribution over the k best.

        A need's whole text is embedded (job sheets say what the job is in their description);
        a person's embedding is their dense vector (headline and skills), already computed:
        embedding every student's long text again cost 13 texts/s on two cores.
        """
        if self.taxonomy is None or not views:
            return None
        taxonomy = self.taxonomy
        texts = [_occupation_text(v) for v in views]
        has_text = np.array([bool(t) for t in texts], dtype=np.float64)
        # Skills read from the text itself (a need that lists none) are that text again, read
        # less faithfully: such an item's occupations come from its text alone (occupation
        # component, default weights: rome-to-esco 0.582 -> 0.593, esco-to-rome 0.596 ->
        # 0.601, rncp-to-rome 0.408 -> 0.409, rome-to-rncp 0.454 -> 0.460).
        has_skills = np.array([bool(v.skills) and not v.extracted for v in views], dtype=float)
        text_scores = skill_scores = None
        if has_text.any():
            vectors = np.array(dense, dtype=np.float32, copy=True)
            needs = [i for i, v in enumerate(views) if v.is_need and texts[i]]
            if needs:
                vectors[needs] = self.encoder.encode_documents([texts[i] for i in needs])
            text_scores = taxonomy.occupation_scores_from_texts(
                texts,
                titles=[_occupation_title(v) for v in views],
                vectors=vectors,
                encoder=self.encoder,
            )
        if has_skills.any():
            skill_scores = taxonomy.occupation_scores_from_skills(
                [list(v.skills) + list(v.nice) for v in views]
            )
        # Text evidence leads on both sides (a person's text includes their skills, read as
        # words: training subjects such as "Boucherie" name a trade better than they map to
        # ESCO skills); the skill evidence sharpens it where labels are ESCO's own.
        text_share = np.where(has_skills > 0, TEXT_SHARE, 1.0) * has_text
        text_share = np.where((has_text == 0) & (has_skills == 0), 0.0, text_share)
        mixed = taxonomy.occupation_distributions(
            text_scores, skill_scores, text_share, self.occupation_k
        )
        empty = (has_text == 0) & (has_skills == 0)
        if empty.any():
            mixed = sp.csr_matrix(sp.diags((~empty).astype(np.float64)) @ mixed)
            mixed.eliminate_zeros()
        return mixed

    def reading(self, item: Item) -> Reading | None:
        """How this item's text reads in ESCO (its likeliest occupations, the evidence that
        weighs most in rankings and fit levels), as `features` compute it for the index: the
        same for a saved item as its indexed features (None without ESCO or without text).
        ~7 ms with the encoder's cache warm."""
        if self.taxonomy is None:
            return None
        features = self._features([item], None)[0]
        if features.occupation_indices is None or features.occupation_values is None:
            return None
        return self.taxonomy.reading((features.occupation_indices, features.occupation_values))

    def views(self, items: Sequence[Item]) -> list[MatchView]:
        return [view(item, self.vocabulary) for item in items]

    def features(
        self, items: Sequence[Item], progress: Progress | None = None, batch: int = 256
    ) -> list[Features]:
        """Features of documents, computed in batches (progress: stage, done, total)."""
        out: list[Features] = []
        for start in range(0, len(items), batch):
            out.extend(self._features(items[start : start + batch], progress))
            if progress is not None:
                progress("index / indexing", min(start + batch, len(items)), len(items))
        return out

    def _features(self, items: Sequence[Item], progress: Progress | None) -> list[Features]:
        views = self.views(items)
        labels = list(dict.fromkeys(s for v in views for s in (*v.skills, *v.nice)))
        vectors = self.skill_vectors(labels)
        titles = [v.title or v.core or " ".join(v.skills)[:300] for v in views]
        title_vectors = self._encode_documents(titles, "titres / titles", progress)
        dense = self._dense(views, title_vectors, vectors)
        lexical = hashed_ngrams([v.lexical_text for v in views])
        occupations = self._occupations(views, dense)
        out: list[Features] = []
        for i, v in enumerate(views):
            lex = lexical[i]
            occ_idx = occ_val = None
            if occupations is not None:
                row = occupations[i]
                occ_idx = row.indices.astype(np.int32)
                occ_val = row.data.astype(np.float32)
            out.append(
                Features(
                    id=v.id,
                    dense=dense[i].copy(),
                    lexical_indices=lex.indices.astype(np.int32),
                    lexical_values=lex.data.astype(np.float32),
                    skills=v.skills,
                    nice=v.nice,
                    extracted=v.extracted,
                    occupation_indices=occ_idx,
                    occupation_values=occ_val,
                )
            )
        return out

    def queries(
        self,
        items: Sequence[Item],
        table: SkillTable,
        known: Mapping[int, StoredRow] | None = None,
    ) -> QuerySide:
        """The query side of a ranking; refuses a query with nothing to match on.

        `known` (by position) holds rows an index stored for queries it holds unchanged:
        their n-grams and occupations are taken as stored, their vector too when queries and
        documents are encoded alike.
        """
        known = known or {}
        views = self.views(items)
        for v in views:
            if not (v.title or v.body or v.skills):
                raise ValueError(f"{v.id}: nothing to match on (empty title, text and skills)")
        labels = list(dict.fromkeys(s for v in views for s in (*v.skills, *v.nice)))
        vectors = self.skill_vectors(labels, table)
        lent = known if getattr(self.encoder, "symmetric", False) else {}
        fresh = [i for i in range(len(views)) if i not in lent]
        dense = np.zeros((len(views), self.encoder.dim), dtype=np.float32)
        for i, row in lent.items():
            dense[i] = row.dense
        if fresh:
            subset = [views[i] for i in fresh]
            titles = [v.title or v.core or " ".join(v.skills)[:300] for v in subset]
            dense[fresh] = self._dense(subset, self.encoder.encode_queries(titles), vectors)
        computed = [i for i in range(len(views)) if i not in known]
        lexical_rows = dict(
            zip(computed, hashed_ngrams([views[i].lexical_text for i in computed]), strict=True)
        )
        lexical = sp.csr_matrix(
            sp.vstack(
                [known[i].lexical if i in known else lexical_rows[i] for i in range(len(views))],
                format="csr",
            )
            if views
            else hashed_ngrams([])
        )
        skill_vectors: list[FloatArray] = []
        skill_rows: list[IntArray] = []
        for v in views:
            mine = (*v.skills, *v.nice)
            if mine:
                skill_vectors.append(np.vstack([vectors[SkillTable.key(s)] for s in mine]))
            else:
                skill_vectors.append(np.zeros((0, self.encoder.dim), dtype=np.float32))
            rows = [table.row(s) for s in mine]
            skill_rows.append(np.array([-1 if r is None else r for r in rows], dtype=np.int64))
        return QuerySide(
            list(items),
            views,
            dense,
            lexical,
            skill_vectors,
            skill_rows,
            [len(v.skills) for v in views],
            self._query_occupations(
                views,
                dense,
                {i: row.occupations for i, row in known.items() if row.occupations is not None},
            ),
        )

    def _query_occupations(
        self, views: list[MatchView], dense: FloatArray, known: Mapping[int, sp.csr_matrix]
    ) -> sp.csr_matrix | None:
        """`_occupations` of queries: `known` rows first, then those remembered by content (a
        bounded LRU shared by threads), then inferred."""
        if self.taxonomy is None or not views:
            return None
        keys = [_content_key(v) for v in views]
        rows: list[sp.csr_matrix | None] = [
            known[i] if i in known else self._occupation_rows.get(key) for i, key in enumerate(keys)
        ]
        missing = [i for i, row in enumerate(rows) if row is None]
        if missing:
            fresh = self._occupations([views[i] for i in missing], dense[missing])
            assert fresh is not None
            for n, i in enumerate(missing):
                rows[i] = fresh[n]
                self._occupation_rows.put(keys[i], fresh[n])
        return sp.csr_matrix(sp.vstack(rows, format="csr"))


def _occupation_text(v: MatchView) -> str:
    """What occupation inference reads of an item: its title and text, a person's skills too."""
    parts = [v.title] if v.is_need else [v.title, ", ".join(v.skills)]
    text = ". ".join(p for p in (*parts, v.body) if p)
    return text[:OCCUPATION_TEXT]


def _occupation_title(v: MatchView) -> str:
    """What occupation names are compared with: a need's title, a person's headline and skills."""
    return v.title if v.is_need else " ; ".join(p for p in (v.title, *v.skills) if p)


def _content_key(v: MatchView) -> bytes:
    parts = (str(v.is_need), v.title, v.body, "\x1f".join(v.skills), "\x1f".join(v.nice))
    return hashlib.blake2b("\x1e".join(parts).encode("utf-8", "replace"), digest_size=16).digest()


# --------------------------------------------------------------------------------- segments
@dataclass(frozen=True)
class Document:
    """One document to index: the engine value, its features, and tags callers filter on."""

    item: Item
    features: Features
    tags: Mapping[str, str] | None = None


def _arrays_of(items: Sequence[Item], needs: bool) -> NeedArrays | PersonArrays:
    if needs:
        return NeedArrays.of(items)  # type: ignore[arg-type]
    return PersonArrays.of(items)  # type: ignore[arg-type]


def _concat_arrays(parts: Sequence[NeedArrays | PersonArrays]) -> NeedArrays | PersonArrays:
    kind = type(parts[0])
    return kind(
        **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(kind)}
    )


def _take_arrays(arrays: NeedArrays | PersonArrays, rows: IntArray) -> NeedArrays | PersonArrays:
    kind = type(arrays)
    return kind(**{f.name: getattr(arrays, f.name)[rows] for f in fields(kind)})


@dataclass(frozen=True)
class _SkillQuery:
    """One query's skills as coverage reads them against any segment."""

    sims: FloatArray  # query skills x skill table (1 where the label is the same)
    padded: FloatArray  # skill table rows (+ a last row at -inf) x query skills
    weights: NDArray[np.float64]  # required skills 1, nice-to-have 0.5
    closest: FloatArray  # each table skill's best cosine with the query's


@dataclass(frozen=True)
class _Fixed:
    """What `Snapshot._fixed_scores` gives for one segment: components and violation codes."""

    scores: dict[str, FloatArray]  # queries x the segment's documents
    codes: NDArray[np.uint8]


_KEPT_BYTES = 5 * 4 + 1  # a document's kept scores: five float32 components and its codes


class SegmentScores:
    """A large segment's fixed scores (`Snapshot._fixed_scores`) for the single queries ranked
    against it lately, by query: its content, so an edited need is another query. They hold
    while the skill table grows: it is append-only, and the segment's documents read only the
    labels it was built with, whose columns a grown table keeps (a person adding a label
    never seen no longer makes every need start over). Bounded to `SEGMENT_SCORES_BYTES`;
    they go with the segment when a compaction replaces it."""

    def __init__(self, rows: int) -> None:
        self._memo: Memo[Item, _Fixed] = Memo(
            max(1, SEGMENT_SCORES_BYTES // max(1, _KEPT_BYTES * rows))
        )

    def get(self, query: Item) -> _Fixed | None:
        return self._memo.get(query)

    def put(self, query: Item, block: _Fixed) -> None:
        self._memo.put(query, block)

    def __len__(self) -> int:
        return len(self._memo)

    @property
    def capacity(self) -> int:
        """How many queries' scores it keeps at most."""
        return self._memo.capacity


class Segment:
    """An immutable block of documents with everything scoring reads, stacked."""

    def __init__(
        self,
        *,
        needs: bool,
        items: list[Item],
        features: list[Features] | None,
        dense: FloatArray,
        lexical: sp.csr_matrix,
        occupations: sp.csr_matrix | None,
        skill_ids: list[IntArray],
        nice_ids: list[IntArray],
        extracted: NDArray[np.bool_],
        tags: dict[str, NDArray[np.str_]],
        arrays: NeedArrays | PersonArrays,
        table_size: int,
        df: NDArray[np.int32],
        n_alive: int,
        taxonomy: EscoTaxonomy | None,
    ) -> None:
        self.needs = needs
        self.items = items
        self.ids = [item.id for item in items]
        self.rows = {doc_id: i for i, doc_id in enumerate(self.ids)}
        self.features = features  # kept for small (tail) segments only: they are rebuilt often
        self.dense = dense
        self.lexical = lexical
        self.occupations = occupations
        self.skill_ids = skill_ids
        self.nice_ids = nice_ids
        self.extracted = extracted
        self.tags = tags
        self.arrays = arrays
        # Views of the rows explained (texts cleaned): a segment never changes, and the
        # documents at the head of rankings are explained again and again.
        self.views: Memo[int, MatchView] = Memo(SEGMENT_VIEWS)
        self.scores = SegmentScores(len(items))
        # Rows of n-grams (postings): a query reads only its own n-grams' rows. A small segment
        # (a tail, rebuilt at each write) is scored from its own rows instead: transposing it
        # costs the 2^20 rows of the hashed space whatever its size (1.7 ms a write).
        self.lexical_t = lexical.T.tocsr() if len(items) > SMALL_SEGMENT else None
        if lexical.nnz > len(df):  # a large segment: one log per bucket, then gathered
            idf = idf_of(df, n_alive).astype(np.float32)[lexical.indices]  # (0.3 s less at 14k)
        else:  # a tail: a log per n-gram it holds, not per bucket of the hashed space
            idf = idf_of(df[lexical.indices], n_alive).astype(np.float32)
        squares = (lexical.data * idf) ** 2
        weighted = sp.csr_matrix((squares, lexical.indices, lexical.indptr), shape=lexical.shape)
        norms = np.sqrt(np.asarray(weighted.sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        self.lexical_inv_norms = (1.0 / norms).astype(np.float32)
        self.isco = (
            row_normalise(taxonomy.isco_vectors(occupations))
            if taxonomy is not None and occupations is not None
            else None
        )
        self._skill_incidence(table_size)

    @cached_property
    def clear(self) -> NDArray[np.int8] | None:
        """Per row, whether its text reads as one clear occupation (1), not (0), or has no
        reading (-1), as `EscoTaxonomy.reading` says; None without ESCO. On first use."""
        return None if self.occupations is None else clear_rows(self.occupations)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def keeps_scores(self) -> bool:
        """Whether it keeps single queries' fixed scores (`SegmentScores`): large enough."""
        return len(self.items) >= CACHED_SEGMENT

    def lexical_scores(
        self, idx: IntArray, weights: FloatArray, spread: FloatArray | None
    ) -> FloatArray:
        """Each document's n-gram counts dotted with a query's `weights` at its n-grams `idx`
        (`spread`: the same weights over the whole hashed space, given whenever a segment has
        no postings): from the postings, or, for a small segment, from its own rows."""
        if self.lexical_t is not None:
            return np.asarray(self.lexical_t[idx].T @ weights, dtype=np.float32).ravel()
        assert spread is not None, "a small segment reads the query over the hashed space"
        return np.asarray(self.lexical @ spread, dtype=np.float32).ravel()

    def _skill_incidence(self, table_size: int) -> None:
        """Documents x skills, required 1 and nice-to-have 0.5, rows summing to one."""
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for i, (ids, nice) in enumerate(zip(self.skill_ids, self.nice_ids, strict=True)):
            for j in ids:
                rows.append(i)
                cols.append(int(j))
                vals.append(1.0)
            for j in nice:
                if j not in ids:
                    rows.append(i)
                    cols.append(int(j))
                    vals.append(0.5)
        shape = (len(self.items), table_size)
        matrix = sp.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float32)
        sums = np.asarray(matrix.sum(axis=1)).ravel()
        sums[sums == 0] = 1.0
        self.skill_weights = sp.csr_matrix(sp.diags(1 / sums) @ matrix)
        lengths = np.array([len(ids) for ids in self.skill_ids], dtype=np.int64)
        flat = (np.concatenate(self.skill_ids) if lengths.sum() else np.zeros(0, np.int64)).astype(
            np.int64
        )
        offsets = np.concatenate([[0], np.cumsum(lengths)])[:-1].astype(np.int64)
        # Each document's required skills as a column of a padded (width x documents) table
        # of skill-table rows; the padding is -1, the last row, which the query sets to -inf.
        # The best cosine per document is then a running maximum over `width` gathers (the
        # coverage of 14,000 students: 1.2 ms, against 4.1 ms with a reduction per document).
        # Documents with more skills than the width (the longest 1 %) keep the rest apart.
        width = int(np.percentile(lengths, 99)) if len(lengths) else 0
        width = max(width, int(bool(len(flat))))  # one column as soon as a document has a skill
        self.skill_columns = np.full((width, len(lengths)), -1, dtype=np.int32)
        for j in range(width):
            has = lengths > j
            self.skill_columns[j, has] = flat[offsets[has] + j]
        long = np.flatnonzero(lengths > width)
        rest = [self.skill_ids[i][width:] for i in long]
        self.skill_overflow = (
            long,
            np.concatenate(rest).astype(np.int64) if rest else np.zeros(0, np.int64),
            np.concatenate([[0], np.cumsum([len(r) for r in rest])])[:-1].astype(np.int64),
        )
        self.skill_empty = np.flatnonzero(lengths == 0)


_EMPTY = Features(
    "", np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(0, np.float32), (), (), False
)


def _segment(
    docs: Sequence[Document],
    *,
    needs: bool,
    table: SkillTable,
    df: NDArray[np.int32],
    n_alive: int,
    taxonomy: EscoTaxonomy | None,
    dim: int,
    keep_features: bool,
    tag_names: Sequence[str],
) -> Segment:
    n = len(docs)
    feats = [d.features for d in docs]
    dense = (
        np.vstack([f.dense for f in feats]).astype(np.float32)
        if n
        else np.zeros((0, dim), dtype=np.float32)
    )
    indptr = np.concatenate([[0], np.cumsum([len(f.lexical_indices) for f in feats])])
    lexical = sp.csr_matrix(
        (
            np.concatenate([f.lexical_values for f in feats]) if n else np.zeros(0, np.float32),
            np.concatenate([f.lexical_indices for f in feats]) if n else np.zeros(0, np.int32),
            indptr,
        ),
        shape=(n, HASH_FEATURES),
        dtype=np.float32,
    )
    occupations = None
    if taxonomy is not None:
        width = len(taxonomy.occupations)
        occ_rows = [
            (f.occupation_indices, f.occupation_values)
            if f.occupation_indices is not None and f.occupation_values is not None
            else (np.zeros(0, np.int32), np.zeros(0, np.float32))
            for f in feats
        ]
        occ_ptr = np.concatenate([[0], np.cumsum([len(i) for i, _ in occ_rows])])
        occupations = sp.csr_matrix(
            (
                np.concatenate([v for _, v in occ_rows]) if n else np.zeros(0, np.float32),
                np.concatenate([i for i, _ in occ_rows]) if n else np.zeros(0, np.int32),
                occ_ptr,
            ),
            shape=(n, width),
            dtype=np.float32,
        )

    def rows(labels: Sequence[str]) -> IntArray:
        return np.array([table.keys[SkillTable.key(s)] for s in labels], dtype=np.int64)

    items = [d.item for d in docs]
    return Segment(
        needs=needs,
        items=items,
        features=feats if keep_features else None,
        dense=dense,
        lexical=lexical,
        occupations=occupations,
        skill_ids=[rows(f.skills) for f in feats],
        nice_ids=[rows(f.nice) for f in feats],
        extracted=np.array([f.extracted for f in feats], dtype=bool),
        tags={
            name: np.array([(d.tags or {}).get(name, "") for d in docs], dtype=np.str_)
            for name in tag_names
        },
        arrays=_arrays_of(items, needs),
        table_size=len(table.labels),
        df=df,
        n_alive=n_alive,
        taxonomy=taxonomy,
    )


def _merge(
    parts: Sequence[tuple[Segment, IntArray]],
    *,
    needs: bool,
    table: SkillTable,
    df: NDArray[np.int32],
    n_alive: int,
    taxonomy: EscoTaxonomy | None,
    dim: int,
    tag_names: Sequence[str],
) -> Segment:
    """One segment holding the given rows of several segments (compaction), stacked as is."""
    items = [s.items[int(r)] for s, rows in parts for r in rows]
    dense = (
        np.vstack([s.dense[rows] for s, rows in parts]).astype(np.float32)
        if items
        else np.zeros((0, dim), np.float32)
    )
    lexical = sp.csr_matrix(sp.vstack([s.lexical[rows] for s, rows in parts], format="csr"))
    occupations = None
    if taxonomy is not None and all(s.occupations is not None for s, _ in parts):
        occupations = sp.csr_matrix(
            sp.vstack([s.occupations[rows] for s, rows in parts], format="csr")  # type: ignore[index]
        )
    arrays = _concat_arrays([_take_arrays(s.arrays, rows) for s, rows in parts])
    return Segment(
        needs=needs,
        items=items,
        features=None,
        dense=dense,
        lexical=lexical,
        occupations=occupations,
        skill_ids=[s.skill_ids[int(r)] for s, rows in parts for r in rows],
        nice_ids=[s.nice_ids[int(r)] for s, rows in parts for r in rows],
        extracted=np.concatenate([s.extracted[rows] for s, rows in parts]).astype(bool),
        tags={
            name: np.concatenate([s.tags[name][rows] for s, rows in parts]).astype(np.str_)
            for name in tag_names
        },
        arrays=arrays,
        table_size=len(table.labels),
        df=df,
        n_alive=n_alive,
        taxonomy=taxonomy,
    )


# --------------------------------------------------------------------------------- snapshots
@dataclass(frozen=True)
class Exclusions:
    """Why a ranking may be empty: documents ruled out by each hard constraint."""

    considered: int  # documents left after the caller's mask
    passing: int  # ...that no hard constraint rules out
    by_constraint: dict[str, int]  # constraint name -> documents it rules out


@dataclass(frozen=True)
class Snapshot:
    """One published state of the index; never changed, only replaced."""

    needs: bool  # the documents are needs (queries are profiles), or profiles
    featurizer: Featurizer
    segments: tuple[Segment, ...]
    alive: tuple[BoolArray, ...]
    table: SkillTable
    df: NDArray[np.int32]
    n_alive: int
    tag_names: tuple[str, ...] = ()
    version: int = 0  # the caller's version of the data this snapshot reflects

    # ----------------------------------------------------------------- layout
    @property
    def size(self) -> int:
        """Positions in the snapshot, dead ones included (scores are per position)."""
        return sum(len(s) for s in self.segments)

    def __len__(self) -> int:
        return self.n_alive

    @cached_property
    def rankings(self) -> Memo[Hashable, tuple[Any, ...]]:
        """Rankings served from this snapshot, by query and options, for whoever keeps them
        (the service): the snapshot never changes, so neither do they, and a write publishes
        a new snapshot with an empty memo."""
        return Memo(RANKING_CACHE)

    @cached_property
    def valid(self) -> BoolArray:
        return np.concatenate(self.alive) if self.alive else np.zeros(0, dtype=bool)

    @cached_property
    def _arrays(self) -> NeedArrays | PersonArrays:
        return _concat_arrays([seg.arrays for seg in self.segments])

    @cached_property
    def _offsets(self) -> list[int]:
        return [0, *np.cumsum([len(seg) for seg in self.segments]).tolist()]

    def locate(self, doc_id: str) -> tuple[int, int] | None:
        """(segment, row) of the live copy of a document; newest segments first."""
        for s in range(len(self.segments) - 1, -1, -1):
            row = self.segments[s].rows.get(doc_id)
            if row is not None and self.alive[s][row]:
                return s, row
        return None

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self.locate(doc_id) is not None

    def position(self, doc_id: str) -> int | None:
        found = self.locate(doc_id)
        if found is None:
            return None
        s, row = found
        return int(self._offsets[s]) + row

    def item_at(self, position: int) -> Item:
        for seg in self.segments:
            if position < len(seg):
                return seg.items[position]
            position -= len(seg)
        raise IndexError(position)

    def _at(self, position: int) -> tuple[Segment, int]:
        for seg in self.segments:
            if position < len(seg):
                return seg, position
            position -= len(seg)
        raise IndexError(position)

    def ids(self) -> list[str]:
        """Ids of the live documents, in position order."""
        return [
            doc_id
            for seg, alive in zip(self.segments, self.alive, strict=True)
            for doc_id, ok in zip(seg.ids, alive, strict=True)
            if ok
        ]

    def items(self) -> list[Item]:
        return [
            item
            for seg, alive in zip(self.segments, self.alive, strict=True)
            for item, ok in zip(seg.items, alive, strict=True)
            if ok
        ]

    def clear_readings(self) -> list[tuple[Item, bool]]:
        """The live documents whose text has a reading, each with whether it names one clear
        occupation (`Reading.clear`), from the occupations stored per segment (~30 ms for
        14,000 the first time, then kept with the segment)."""
        out: list[tuple[Item, bool]] = []
        for seg, alive in zip(self.segments, self.alive, strict=True):
            clear = seg.clear
            if clear is None:
                continue
            for item, ok, flag in zip(seg.items, alive, clear.tolist(), strict=True):
                if ok and flag >= 0:
                    out.append((item, flag == 1))
        return out

    def mask_ids(self, ids: Iterable[str]) -> BoolArray:
        """Positions of the given documents (those indexed); the rest False.

        Each segment looks the ids up at once (a document has one live copy): asked for a
        region's 300 open needs, 0.4 ms one by one, ~0.05 ms so.
        """
        wanted = ids if isinstance(ids, (list, tuple)) else list(ids)
        mask = np.zeros(self.size, dtype=bool)
        for seg, alive, start in zip(self.segments, self.alive, self._offsets[:-1], strict=True):
            rows = np.fromiter(
                (row for row in map(seg.rows.get, wanted) if row is not None), dtype=np.int64
            )
            if len(rows):
                mask[start + rows[alive[rows]]] = True
        return mask

    def mask_tags(self, **equal: str) -> BoolArray:
        """Live positions whose tags equal the given values (vectorised: no loop per document)."""
        mask = self.valid.copy()
        for name, value in equal.items():
            mask &= np.concatenate([seg.tags[name] == value for seg in self.segments])
        return mask

    # ----------------------------------------------------------------- scoring
    @cached_property
    def _common(self) -> BoolArray | None:
        """The n-grams queries skip on a large corpus (once per snapshot: 2^20 comparisons)."""
        if self.n_alive < LARGE_CORPUS:
            return None
        common: BoolArray = self.df > COMMON_SHARE * self.n_alive
        return common

    def _lexical(self, lexical: sp.csr_matrix) -> FloatArray:
        out = np.zeros((lexical.shape[0], self.size), dtype=np.float32)
        common = self._common
        small = any(seg.lexical_t is None for seg in self.segments if len(seg))
        for q in range(lexical.shape[0]):
            row = lexical[q]
            idx, tf = row.indices, row.data
            if common is not None:
                keep = ~common[idx]
                idx, tf = idx[keep], tf[keep]
            if not len(idx):
                continue
            idf = idf_of(self.df[idx], self.n_alive)  # this query's n-grams only
            weights = tf * idf
            norm = float(np.linalg.norm(weights))
            if norm == 0:
                continue
            weights = (weights * idf / norm).astype(np.float32)
            # Small segments read the query as a vector of the hashed space (zero pages but
            # for its n-grams: allocated lazily), the others their postings of its n-grams;
            # built only when a segment has no postings (not for a base alone).
            spread = None
            if small:
                spread = np.zeros(HASH_FEATURES, dtype=np.float32)
                spread[idx] = weights
            start = 0
            for seg in self.segments:
                if len(seg):
                    scores = seg.lexical_scores(idx, weights, spread)
                    out[q, start : start + len(seg)] = scores * seg.lexical_inv_norms
                start += len(seg)
        return out

    def _skill_query(self, side: QuerySide) -> list[_SkillQuery | None]:
        """What each query's skills need for coverage against any segment (None: no skill)."""
        out: list[_SkillQuery | None] = []
        table = self.table.vectors
        for i, (vectors, rows) in enumerate(zip(side.skill_vectors, side.skill_rows, strict=True)):
            if not len(rows):
                out.append(None)
                continue
            sims = vectors @ table.T  # query skills x skill table
            known = rows >= 0
            sims[np.arange(len(rows))[known], rows[known]] = 1.0
            # Skill-table rows x query skills; the padding of the segments' skill columns (-1)
            # reads the last row, -inf. Gathering whole rows is twice as fast as columns.
            padded = np.concatenate([sims, np.full((len(rows), 1), -np.inf, np.float32)], axis=1)
            n_req = side.n_required[i]
            weights = np.concatenate([np.ones(n_req), np.full(len(rows) - n_req, 0.5)])
            closest = sims.max(axis=0)  # each table skill's best cosine with the query's
            out.append(_SkillQuery(sims, np.ascontiguousarray(padded.T), weights, closest))
        return out

    @staticmethod
    def _segment_skill_fits(
        seg: Segment, queries: Sequence[_SkillQuery | None]
    ) -> tuple[FloatArray, FloatArray]:
        """(query skills covered by each document, document skills covered by the query).

        Coverage of a skill is its best cosine with the other side's skills (1 when identical).
        """
        n = len(seg)
        q_fit = np.zeros((len(queries), n), dtype=np.float32)
        d_fit = np.zeros((len(queries), n), dtype=np.float32)
        for i, query in enumerate(queries):
            if query is None:
                continue
            width = seg.skill_weights.shape[1]
            d_fit[i] = seg.skill_weights @ query.closest[:width]
            columns = seg.skill_columns
            if len(columns):
                best = np.take(query.padded, columns[0], axis=0)  # documents x query skills
                gathered = np.empty_like(best)
                for column in columns[1:]:
                    np.take(query.padded, column, axis=0, out=gathered)
                    np.maximum(best, gathered, out=best)
                long, flat, offsets = seg.skill_overflow
                if len(long):
                    more = np.maximum.reduceat(query.sims[:, flat], offsets, axis=1)
                    best[long] = np.maximum(best[long], more.T)
                best[seg.skill_empty] = 0.0
                q_fit[i] = best @ query.weights / query.weights.sum()
        return q_fit, d_fit

    def _fixed_scores(
        self,
        side: QuerySide,
        seg: Segment,
        skills: Callable[[], list[_SkillQuery | None]],
        keep: bool = True,
    ) -> _Fixed:
        """The components of the queries against one segment that the rest of the corpus does
        not change (all but the lexical one, whose weights follow the live document
        frequencies), and the segment's violation codes.

        Kept with a large segment for a single query (`SegmentScores`): a write rebuilds only
        the tail, so a need ranked again after other people's edits rescores the few
        documents written since, not the 14,000 of the base.
        """
        kept = seg.scores if keep and len(side.views) == 1 and seg.keeps_scores else None
        if kept is not None:
            found = kept.get(side.items[0])
            if found is not None:
                return found
        block: dict[str, FloatArray] = {}
        block["semantic"] = np.asarray(side.dense @ seg.dense.T, dtype=np.float32)
        q_fit, d_fit = self._segment_skill_fits(seg, skills())
        # "skills": the need's skills covered by the person; "reciprocal": the other way.
        block["skills"], block["reciprocal"] = (d_fit, q_fit) if self.needs else (q_fit, d_fit)
        taxonomy = self.featurizer.taxonomy
        if side.occupations is not None and taxonomy is not None and seg.occupations is not None:
            # Documents' sparse rows times the queries as dense columns: `q @ seg.x.T` would
            # convert the documents' whole matrix (CSC to CSR) on every ranking (8 ms at 14,000).
            q_occ, q_isco = side.occupation_columns(taxonomy)
            occupations = cast(sp.csr_matrix, seg.occupations) @ q_occ
            block["occupation"] = np.asarray(occupations.T, dtype=np.float32)
            isco = cast(sp.csr_matrix, seg.isco) @ q_isco
            block["occupation_group"] = np.asarray(isco.T, dtype=np.float32)
        fixed = _Fixed(block, self._codes(seg.arrays, side.items).astype(np.uint8))
        if kept is not None:
            kept.put(side.items[0], fixed)
        return fixed

    def _blocks(self, side: QuerySide, keep: bool = True) -> list[_Fixed]:
        """`_fixed_scores` of every non-empty segment; `keep=False` computes them all afresh."""
        prepared: list[list[_SkillQuery | None]] = []

        def skills() -> list[_SkillQuery | None]:  # once, and only if a segment needs it
            if not prepared:
                prepared.append(self._skill_query(side))
            return prepared[0]

        return [self._fixed_scores(side, seg, skills, keep) for seg in self.segments if len(seg)]

    def components(self, side: QuerySide) -> dict[str, FloatArray]:
        return self._components(side, self._blocks(side))

    def kept_room(self) -> int:
        """How many single queries' scores every large segment here can keep at once (0 when
        none is large enough to keep any)."""
        rooms = [seg.scores.capacity for seg in self.segments if seg.keeps_scores]
        return min(rooms, default=0)

    def keeps(self, side: QuerySide) -> bool:
        """Whether every large segment here holds a single query's kept scores."""
        return not self._unkept(side)

    def keep_scores(self, side: QuerySide) -> int:
        """Compute now what the large segments keep for a single query's side, where they do
        not hold it yet (what its next ranking would compute first); how many did not."""
        missing = self._unkept(side)
        if missing:
            prepared = self._skill_query(side)
            with _BLAS.limit(limits=1, user_api="blas"):
                for seg in missing:
                    self._fixed_scores(side, seg, lambda: prepared)
        return len(missing)

    def _unkept(self, side: QuerySide) -> list[Segment]:
        if len(side.views) != 1:
            raise ValueError("only a single query's scores are kept")
        query = side.items[0]
        return [seg for seg in self.segments if seg.keeps_scores and seg.scores.get(query) is None]

    def _components(self, side: QuerySide, blocks: Sequence[_Fixed]) -> dict[str, FloatArray]:
        n_queries = len(side.views)

        def gathered(name: str) -> FloatArray:
            if not blocks:
                return np.zeros((n_queries, self.size), dtype=np.float32)
            return np.concatenate([block.scores[name] for block in blocks], axis=1)

        out: dict[str, FloatArray] = {}
        out["semantic"] = gathered("semantic")
        out["lexical"] = self._lexical(side.lexical)
        out["skills"] = gathered("skills")
        out["reciprocal"] = gathered("reciprocal")
        if blocks and all("occupation" in block.scores for block in blocks):
            out["occupation"] = gathered("occupation")
            out["occupation_group"] = gathered("occupation_group")
        return out

    def constraint_codes(self, queries: Sequence[Item]) -> IntArray:
        """Violation codes, queries x positions."""
        if not self.segments:
            return np.zeros((len(queries), 0), dtype=np.int64)
        return self._codes(self._arrays, queries)

    def _codes(self, arrays: NeedArrays | PersonArrays, queries: Sequence[Item]) -> IntArray:
        """Violation codes of the queries against these documents' arrays."""
        if self.needs:
            return violations(arrays, PersonArrays.of(queries)).T  # type: ignore[arg-type]
        return violations(NeedArrays.of(queries), arrays)  # type: ignore[arg-type]

    def fuse(self, components: Mapping[str, FloatArray], weights: Weights) -> FloatArray:
        valid = self.valid
        return fused(
            components, None, weights, term=lambda scores: fusion_term(standardise(scores, valid))
        )

    def calibrator(self) -> FitModel | None:
        """The fit model of this engine (with or without ESCO, its encoder), if one was fitted.

        It reads raw components, not the fused score: the fit does not depend on the fusion
        weights nor on the rest of the corpus."""
        return calibration_for(self.featurizer.taxonomy is not None, self.featurizer.encoder.name)

    def fits(
        self, components: Mapping[str, FloatArray], row: int, positions: Sequence[int]
    ) -> NDArray[np.float64] | None:
        """Calibrated fits of query `row` with the documents at `positions` (a dot product and
        an interpolation each), or None without a fit model for this engine."""
        model = self.calibrator()
        if model is None or not all(c in components for c in model.components):
            return None
        cols = np.asarray(positions, dtype=np.int64)
        return model.predict({c: components[c][row, cols] for c in model.components})

    def shown_fits(
        self,
        components: Mapping[str, FloatArray],
        fused: FloatArray,
        row: int,
        positions: Sequence[int],
    ) -> NDArray[np.float64] | None:
        """The fits shown for query `row` with the documents at `positions`, or None without a
        fit model: each pair's own fit (`fits`) made never to rise down the query's ranking of
        every live document (`matching.calibration.along_ranking`: smoothed over its first
        FIT_WINDOW, capped by the fits above further down).

        A pair thus shows one value in every list of this query, whatever its mask, hard
        constraints, page or size, and any such list (a part of that ranking, in its order)
        never shows a better fit below a worse one.
        """
        cols = np.asarray(positions, dtype=np.int64)
        everyone = np.where(self.valid, fused[row], -np.inf).astype(np.float32)
        wanted = everyone[cols]
        wanted = wanted[np.isfinite(wanted)]
        depth = int((everyone >= wanted.min()).sum()) if wanted.size else 0
        ids, values = top_k(everyone[None, :], max(FIT_WINDOW, depth))
        order = ids[0][np.isfinite(values[0])]
        own = self.fits(components, row, order.tolist())
        if own is None:
            return None
        place = {j: i for i, j in enumerate(order.tolist())}
        smoothed = along_ranking(own, FIT_WINDOW)
        out = np.array([smoothed[place[j]] if j in place else np.nan for j in cols.tolist()])
        rest = np.isnan(out)
        if rest.any():  # a document no ranking shows (not live): its own fit
            out[rest] = self.fits(components, row, cols[rest].tolist())
        return out

    def query_side(self, queries: Sequence[Item], mirror: Snapshot | None = None) -> QuerySide:
        """The queries' side; `mirror` (the index of the queries' own kind) lends the stored
        occupations of a query it holds unchanged, so an indexed person or need is not
        inferred again."""
        for q in queries:
            if isinstance(q, Need) == self.needs:
                raise ValueError("queries must be of the other side than the documents")
        if len(queries) == 1:  # a person or a need asking again: its side is remembered
            found = self.featurizer.query_sides.get(queries[0])
            if found is not None and found[0] is self.table:
                return found[1]
        known = mirror.stored_rows(queries) if mirror is not None else None
        side = self.featurizer.queries(queries, self.table, known)
        if len(queries) == 1:
            self.featurizer.query_sides.put(queries[0], (self.table, side))
        return side

    def reading(self, item: Item) -> Reading | None:
        """How the engine reads an item (`Featurizer.reading`): from its stored occupations
        when this snapshot holds it with the very same content (a few µs), else computed."""
        taxonomy = self.featurizer.taxonomy
        found = self.locate(item.id)
        if taxonomy is not None and found is not None:
            seg, row = self.segments[found[0]], found[1]
            if seg.items[row] == item and seg.occupations is not None:
                return taxonomy.reading(row_entries(seg.occupations, row))
        return self.featurizer.reading(item)

    def stored_rows(self, items: Sequence[Item]) -> dict[int, StoredRow]:
        """What is stored here of the given items (by position) held with the very same
        content: their vector, n-grams and occupations."""
        out: dict[int, StoredRow] = {}
        for i, item in enumerate(items):
            found = self.locate(item.id)
            if found is None:
                continue
            seg, row = self.segments[found[0]], found[1]
            if seg.items[row] == item:
                occupations = seg.occupations[row] if seg.occupations is not None else None
                out[i] = StoredRow(seg.dense[row], seg.lexical[row], occupations)
        return out

    def score_matrix(
        self, queries: Sequence[Item], weights: Weights, side: QuerySide | None = None
    ) -> tuple[FloatArray, dict[str, FloatArray], IntArray]:
        """Fused scores, raw components and violation codes: each (queries x positions)."""
        side = side or self.query_side(queries)
        blocks = self._blocks(side)
        components = self._components(side, blocks)
        if blocks:
            codes = np.concatenate([b.codes for b in blocks], axis=1).astype(np.int64)
        else:
            codes = np.zeros((len(queries), 0), dtype=np.int64)
        return self.fuse(components, weights), components, codes

    def rank(
        self,
        query: Item,
        weights: Weights,
        k: int = 20,
        *,
        explain: int = 20,
        mask: BoolArray | None = None,
        exclude_violations: bool = True,
        side: QuerySide | None = None,
        reranker: DecisionReranker | None = None,
        constraints: bool = True,
    ) -> list[Suggestion]:
        """The k best live documents for one query, the first `explain` with an explanation.

        `constraints=False` ranks as if the query set no hard constraint (a free-text search:
        no document is ruled out, no explanation says one would be).
        With a `reranker` (learnt from the region's decisions), the first `RERANK_POOL` of the
        base ranking are shown in its order; each keeps its base score and fit (`shown_fits`,
        along the base ranking: a moved one may show a higher fit below a lower one), and the
        explanation of one it moved says so.
        """
        side = side or self.query_side([query])
        with _BLAS.limit(limits=1, user_api="blas"):
            fused, components, codes = self.score_matrix([query], weights, side)
            if not constraints:
                codes = np.zeros_like(codes)
            keep = self.valid if mask is None else (mask & self.valid)
            if exclude_violations:
                keep = keep & (codes[0] == 0)
            scores = np.where(keep, fused[0], -np.inf).astype(np.float32)
            pool = max(k, RERANK_POOL) if reranker is not None else k
            ids, values = top_k(scores[None, :], pool)
            found = [
                (int(j), float(v)) for j, v in zip(ids[0], values[0], strict=True) if np.isfinite(v)
            ]
            moved: set[int] = set()
            if reranker is not None and len(found) > 1:
                head = found[:RERANK_POOL]
                order = learnt_order(
                    reranker, [self._pair(query, j, v, components) for j, v in head]
                )
                moved = {head[i][0] for place, i in enumerate(order) if i != place}
                found = [head[i] for i in order] + found[RERANK_POOL:]
            out: list[Suggestion] = []
            stats = self.standings(components) if explain else None
            similarity = self._label_similarity(side) if explain else None
            shown = [j for j, _ in found[:k]]
            fits = self.shown_fits(components, fused, 0, shown) if found else None
            for rank, (j, value) in enumerate(found[:k], start=1):
                fit = float(fits[rank - 1]) if fits is not None else None
                explanation = None
                if rank <= explain:
                    explanation = self.explain_at(
                        query,
                        j,
                        components,
                        codes,
                        side,
                        weights,
                        stats=stats,
                        similarity=similarity,
                        fit=fit,
                    )
                    if j in moved:
                        learnt = phrase("explain.learnt")
                        explanation = replace(explanation, reasons=(*explanation.reasons, learnt))
                doc_id = self.item_at(j).id
                out.append(
                    Suggestion(query.id, doc_id, value, rank, explanation, fit, fit_level(fit))
                )
        return out

    def _pair(self, query: Item, j: int, base: float, components: Mapping[str, FloatArray]) -> Pair:
        """The (need, person) pair of the query and position `j`, as a re-ranker reads it."""
        doc = self.item_at(j)
        need, person = (doc, query) if self.needs else (query, doc)
        raw = {name: float(scores[0, j]) for name, scores in components.items()}
        return Pair(need, person, base, raw)  # type: ignore[arg-type]

    def rank_many(
        self,
        queries: Sequence[Item],
        weights: Weights,
        k: int = 100,
        *,
        batch_size: int = 128,
        exclude_violations: bool = True,
        progress: Progress | None = None,
    ) -> list[list[tuple[str, float]]]:
        """Top k (document id, score) for many queries, without explanations."""
        out: list[list[tuple[str, float]]] = []
        valid = self.valid
        for start in range(0, len(queries), batch_size):
            batch = list(queries[start : start + batch_size])
            fused, _, codes = self.score_matrix(batch, weights)
            keep = np.broadcast_to(valid, fused.shape)
            if exclude_violations:
                keep = keep & (codes == 0)
            fused = np.where(keep, fused, -np.inf).astype(np.float32)
            ids, values = top_k(fused, k)
            for row_ids, row_values in zip(ids, values, strict=True):
                out.append(
                    [
                        (self.item_at(int(j)).id, float(v))
                        for j, v in zip(row_ids, row_values, strict=True)
                        if np.isfinite(v)
                    ]
                )
            if progress:
                progress(
                    "classement / ranking", min(start + batch_size, len(queries)), len(queries)
                )
        return out

    def explain_at(
        self,
        query: Item,
        j: int,
        components: Mapping[str, FloatArray],
        codes: IntArray,
        side: QuerySide,
        weights: Weights,
        q: int = 0,
        stats: Mapping[str, tuple[float, float]] | None = None,
        similarity: LabelSimilarity | None = None,
        fit: float | None = None,
    ) -> Explanation:
        """The explanation of document `j` for query `q`; `stats` (`standings`) and
        `similarity` (`_label_similarity` of this query) are the ranking's, made once for all
        the documents it explains; `fit` the fit the ranking shows for the pair."""
        seg, row = self._at(j)
        doc = seg.items[row]
        need, person = (doc, query) if self.needs else (query, doc)
        # Each component's standing among the live documents: strong points are what ranked
        # this one where it is, not the largest raw value.
        stats = stats if stats is not None else self.standings(components, q)
        parts = tuple(
            ComponentScore(
                name,
                float(scores[q, j]),
                weights.of(name),
                (float(scores[q, j]) - stats[name][0]) / stats[name][1],
            )
            for name, scores in components.items()
        )
        doc_view = self._view(seg, row)
        query_view = side.views[q]
        need_view, person_view = (doc_view, query_view) if self.needs else (query_view, doc_view)
        # What the skills say does not depend on the ranking: kept across rankings and
        # snapshots (a page ranked again after a write explains the same pairs).
        outcome_key = (
            need_view.skills,
            need_view.nice,
            person_view.skills,
            person.headline,  # type: ignore[union-attr]
            person.summary,  # type: ignore[union-attr]
        )
        similarity = similarity or self._label_similarity(side, q)
        outcome = self.featurizer.skill_outcomes.get(outcome_key)
        if outcome is None:
            outcome = skill_outcome(
                need_view,
                person_view,
                person,  # type: ignore[arg-type]
                similarity,
                self.featurizer.vocabulary,
            )
            self.featurizer.skill_outcomes.put(outcome_key, outcome)
        return explain_pair(
            need,  # type: ignore[arg-type]
            person,  # type: ignore[arg-type]
            need_view=need_view,
            person_view=person_view,
            similarity=similarity,
            components=parts,
            code=int(codes[q, j]),
            vocabulary=self.featurizer.vocabulary,
            outcome=outcome,
            occupations=lambda asked: self._occupation_name(side, q, seg, row, asked),
            fit=fit,
        )

    def _occupation_name(
        self, side: QuerySide, q: int, seg: Segment, row: int, asked: str
    ) -> str | None:
        """What ESCO reads of query `q` and a document, by label (None without ESCO): the
        occupation ("occupation") or ISCO-08 group ("occupation_group") they most likely
        share, or the need's ("need") or the person's ("person") likeliest occupation, or
        that one only if its side's reading is not clear ("need_unclear", "person_unclear")."""
        taxonomy = self.featurizer.taxonomy
        if taxonomy is None or side.occupations is None or seg.occupations is None:
            return None
        mine, theirs = row_entries(side.occupations, q), row_entries(seg.occupations, row)
        if asked == "occupation":
            return taxonomy.shared_occupation(mine, theirs)
        if asked == "occupation_group":
            return taxonomy.shared_group(mine, theirs)
        need_side = asked.startswith("need")
        # documents are needs (`self.needs`): the query is the person
        reading = taxonomy.reading(theirs if need_side == self.needs else mine, k=1)
        if reading is None or (asked.endswith("_unclear") and reading.clear):
            return None
        return reading.occupations[0]

    def _label_similarity(self, side: QuerySide, q: int = 0) -> LabelSimilarity:
        """Cosines between skill labels of query `q` and of a document (1 for the same label):
        vectors from the query's side, else the snapshot's table, else the encoder.

        Made once per ranked query and used for each document it explains: the query's labels
        are keyed once, not once per pair (that was 1.2 of a 10 ms recommendations read).
        """
        view = side.views[q]
        mine: dict[str, FloatArray] = {}
        for label, vector in zip((*view.skills, *view.nice), side.skill_vectors[q], strict=True):
            mine[SkillTable.key(label)] = vector
        table = self.table
        stacked: dict[tuple[str, ...], FloatArray] = {}  # each list of labels, stacked once

        def vectors(keys: tuple[str, ...], labels: Sequence[str]) -> FloatArray:
            found = stacked.get(keys)
            if found is not None:
                return found
            out = np.zeros((len(keys), table.vectors.shape[1]), dtype=np.float32)
            at: list[int] = []
            rows: list[int] = []
            unknown: list[int] = []
            for i, key in enumerate(keys):
                vector = mine.get(key)
                row = table.keys.get(key) if vector is None else None
                if vector is not None:
                    out[i] = vector
                elif row is not None:
                    at.append(i)
                    rows.append(row)
                else:
                    unknown.append(i)
            if rows:
                out[at] = table.vectors[rows]
            if unknown:
                fresh = self.featurizer.skill_vectors([labels[i] for i in unknown], table)
                for i in unknown:
                    out[i] = fresh[keys[i]]
            stacked[keys] = out
            return out

        def similarity(a: Sequence[str], b: Sequence[str]) -> FloatArray:
            keys_a = tuple(SkillTable.key(x) for x in a)
            keys_b = tuple(SkillTable.key(y) for y in b)
            sims = vectors(keys_a, a) @ vectors(keys_b, b).T
            same = np.array([[x == y for y in keys_b] for x in keys_a], dtype=bool)
            return np.where(same.reshape(len(a), len(b)), 1.0, sims).astype(np.float32)

        return similarity

    def standings(
        self, components: Mapping[str, FloatArray], q: int = 0
    ) -> dict[str, tuple[float, float]]:
        """Mean and spread of each component over the live documents, for one query."""
        valid = self.valid
        out: dict[str, tuple[float, float]] = {}
        for name, scores in components.items():
            row = scores[q][valid].astype(np.float64)
            std = float(row.std()) if len(row) else 1.0
            out[name] = (float(row.mean()) if len(row) else 0.0, std if std >= 1e-9 else 1.0)
        return out

    def _view(self, seg: Segment, row: int) -> MatchView:
        found = seg.views.get(row)
        if found is None:
            found = self._view_built(seg, row)
            seg.views.put(row, found)
        return found

    def _view_built(self, seg: Segment, row: int) -> MatchView:
        item = seg.items[row]
        skills = tuple(self.table.labels[int(r)] for r in seg.skill_ids[row])
        nice = tuple(self.table.labels[int(r)] for r in seg.nice_ids[row])
        if seg.features is not None:  # the labels as written, not the table's first spelling
            skills, nice = seg.features[row].skills, seg.features[row].nice
        feats = replace(_EMPTY, skills=skills, nice=nice, extracted=bool(seg.extracted[row]))
        return document_view(item, feats)

    def explain(
        self, need: Need, person: Profile, weights: Weights, fit: float | None = None
    ) -> Explanation:
        """Explanation of one (need, person) pair, whether or not it would be ranked; `fit`
        is the fit shown beside it, if any."""
        query: Item = person if self.needs else need
        doc = need if self.needs else person
        j = self.position(doc.id)
        if j is None:
            raise KeyError(f"{doc.id} is not in the index")
        side = self.query_side([query])
        _, components, codes = self.score_matrix([query], weights, side)
        return self.explain_at(query, j, components, codes, side, weights, fit=fit)

    def exclusions(self, query: Item, mask: BoolArray) -> Exclusions:
        """Among the masked live documents, how many each hard constraint rules out."""
        codes = self.constraint_codes([query])[0]
        keep = mask & self.valid
        codes = codes[keep]
        return Exclusions(
            considered=int(keep.sum()),
            passing=int((codes == 0).sum()),
            by_constraint={
                name: int(((codes & bit) != 0).sum()) for bit, name in CONSTRAINTS.items()
            },
        )


# --------------------------------------------------------------------------------- live index
class LiveIndex:
    """Holds the current snapshot; `apply` publishes the next one (one writer at a time).

    Readers take `snapshot` (one attribute read) and keep it for their whole ranking.
    """

    def __init__(
        self,
        featurizer: Featurizer,
        *,
        needs: bool,
        tag_names: Sequence[str] = (),
        tail_limit: int = TAIL_LIMIT,
        compact_later: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        """`compact_later`, when given, runs a job off the caller's thread (the service's
        index worker): a full tail is then frozen and merged into the base there, instead of
        inside the `apply` that filled it (835 ms at 14,000 students, which a reader waited
        for, and every reader of the process behind it)."""
        self.featurizer = featurizer
        self.needs = needs
        self.tag_names = tuple(tag_names)
        self.tail_limit = tail_limit
        self._compact_later = compact_later
        self._compaction_queued = False
        self._write = threading.Lock()
        dim = featurizer.encoder.dim
        self.snapshot = Snapshot(
            needs=needs,
            featurizer=featurizer,
            segments=(),
            alive=(),
            table=SkillTable.empty(dim),
            df=np.zeros(HASH_FEATURES, dtype=np.int32),
            n_alive=0,
            tag_names=self.tag_names,
        )

    def _check(self, docs: Sequence[Document]) -> None:
        for d in docs:
            if isinstance(d.item, Need) != self.needs:
                raise ValueError("documents must be all needs or all profiles, as the index")
            if d.item.id != d.features.id:
                raise ValueError(f"features of {d.features.id} given for {d.item.id}")

    def _table_for(self, table: SkillTable, docs: Sequence[Document]) -> SkillTable:
        labels = table.missing(s for d in docs for s in (*d.features.skills, *d.features.nice))
        if not labels:
            return table
        vectors = self.featurizer.skill_vectors(labels)
        return table.extended(labels, np.vstack([vectors[SkillTable.key(s)] for s in labels]))

    def build(self, docs: Sequence[Document], version: int = 0) -> Snapshot:
        """Replace everything with these documents (start-up load, or fit)."""
        self._check(docs)
        with self._write:
            unique = list({d.item.id: d for d in docs}.values())
            dim = self.featurizer.encoder.dim
            table = self._table_for(SkillTable.empty(dim), unique)
            df = np.zeros(HASH_FEATURES, dtype=np.int32)
            for d in unique:
                df[d.features.lexical_indices] += 1
            n = len(unique)
            segment = _segment(
                unique,
                needs=self.needs,
                table=table,
                df=df,
                n_alive=n,
                taxonomy=self.featurizer.taxonomy,
                dim=dim,
                keep_features=n < self.tail_limit,
                tag_names=self.tag_names,
            )
            self.snapshot = Snapshot(
                needs=self.needs,
                featurizer=self.featurizer,
                segments=(segment,) if n else (),
                alive=(np.ones(n, dtype=bool),) if n else (),
                table=table,
                df=df,
                n_alive=n,
                tag_names=self.tag_names,
                version=version,
            )
            return self.snapshot

    def apply(
        self,
        upserts: Sequence[Document] = (),
        removed: Iterable[str] = (),
        version: int | None = None,
    ) -> Snapshot:
        """Publish a snapshot where `upserts` replace or add documents and `removed` are gone.

        Costs the size of the tail segment, not of the corpus: documents replaced or removed
        are marked dead where they were, new versions go to the tail.
        """
        self._check(upserts)
        schedule = False
        with self._write:
            old = self.snapshot
            latest = {d.item.id: d for d in upserts}
            gone = set(removed) - latest.keys()
            alive = list(old.alive)
            copied: set[int] = set()
            df = old.df.copy()
            n_alive = old.n_alive
            for doc_id in [*latest, *gone]:
                found = old.locate(doc_id)
                if found is None:
                    continue
                s, row = found
                if s not in copied:
                    alive[s] = alive[s].copy()
                    copied.add(s)
                alive[s][row] = False
                n_alive -= 1
                np.subtract.at(df, old.segments[s].lexical[row].indices, 1)
            new_docs = list(latest.values())
            for d in new_docs:
                np.add.at(df, d.features.lexical_indices, 1)
            n_alive += len(new_docs)
            table = self._table_for(old.table, new_docs)
            segments = list(old.segments)
            dim = self.featurizer.encoder.dim
            build = partial(
                _segment,
                needs=self.needs,
                table=table,
                df=df,
                n_alive=n_alive,
                taxonomy=self.featurizer.taxonomy,
                dim=dim,
                keep_features=True,
                tag_names=self.tag_names,
            )
            if new_docs:
                tail = segments[-1] if segments else None
                if tail is not None and tail.features is not None and self._open_tail(segments):
                    # The tail keeps its features: rebuild it with the new documents added.
                    keep = alive[-1]
                    carried = [
                        Document(tail.items[r], tail.features[r], _tags_of(tail, int(r)))
                        for r in np.flatnonzero(keep)
                    ]
                    merged = carried + new_docs
                    segments[-1] = build(merged)
                    alive[-1] = np.ones(len(merged), dtype=bool)
                else:
                    segments.append(build(new_docs))
                    alive.append(np.ones(len(new_docs), dtype=bool))
            snapshot = Snapshot(
                needs=self.needs,
                featurizer=self.featurizer,
                segments=tuple(segments),
                alive=tuple(alive),
                table=table,
                df=df,
                n_alive=n_alive,
                tag_names=self.tag_names,
                version=old.version if version is None else version,
            )
            if self._compact_later is None:
                if (
                    segments
                    and segments[-1].features is not None
                    and len(segments[-1]) > self.tail_limit
                ):
                    snapshot = self._compacted(snapshot)
            elif not self._compaction_queued and (
                _merge_from(snapshot.alive[: len(self._frozen(snapshot))]) is not None
            ):
                self._compaction_queued = schedule = True
            self.snapshot = snapshot
        if schedule and self._compact_later is not None:  # outside the lock: the job takes it
            self._compact_later(self.compact_frozen)
        return snapshot

    def _open_tail(self, segments: Sequence[Segment]) -> bool:
        """Whether the last segment still takes documents (the next write rebuilds it). With
        `compact_later`, a full one is frozen instead; without, `apply` merges it past the limit."""
        if not segments or segments[-1].features is None:
            return False
        return self._compact_later is None or len(segments[-1]) < self.tail_limit

    def _frozen(self, snap: Snapshot) -> tuple[Segment, ...]:
        """The segments no write rebuilds any more: all but a tail that still takes documents."""
        return snap.segments[:-1] if self._open_tail(snap.segments) else snap.segments

    def compact_frozen(self) -> None:
        """Merge frozen segments' live rows into one, off the writers' and readers' way.

        Which ones (`_merge_from`): a segment with those after it, once they hold
        1/LEVEL_RATIO of it. Segments so form levels (at 14,000 documents and tails of 64: the
        base and two or three more), a merge costs its level's size, not the corpus's, and the
        base is rewritten once in LEVEL_RATIO of its size in writes.

        The merge works on the snapshot of the moment, without the lock; then, under the lock,
        it is swapped into the snapshot published meanwhile: the rows that died since are
        marked dead in the merged segment, the other segments are kept as they are now.
        The documents and their order are unchanged; lexical norms take the idf of the
        moment, as `compact` does.
        """
        with self._write:
            self._compaction_queued = False
            snap = self.snapshot
        frozen = self._frozen(snap)
        start = _merge_from(snap.alive[: len(frozen)])
        if start is None:
            return
        k = len(frozen)
        parts = _live_rows(frozen[start:], snap.alive[start:k])
        merged = self._merged(snap, parts)
        with self._write:
            now = self.snapshot
            if len(now.segments) < k or any(
                a is not b for a, b in zip(now.segments[:k], frozen, strict=False)
            ):
                return  # rebuilt meanwhile (a new load): nothing to swap into
            segments, alive = list(now.segments[:start]), list(now.alive[:start])
            if merged is not None:  # else every merged row is dead: the segments just go
                segments.append(merged)
                alive.append(
                    np.concatenate(
                        [now.alive[start + i][rows] for i, (_, rows) in enumerate(parts)]
                    ).astype(bool)
                )
            self.snapshot = replace(
                now,
                segments=(*segments, *now.segments[k:]),
                alive=(*alive, *now.alive[k:]),
            )

    def compact(self) -> Snapshot:
        """Merge every segment's live rows into one (lexical norms refreshed with today's idf)."""
        with self._write:
            self.snapshot = self._compacted(self.snapshot)
            return self.snapshot

    def _compacted(self, snap: Snapshot) -> Snapshot:
        merged = self._merged(snap, _live_rows(snap.segments, snap.alive))
        if merged is None:
            return replace(snap, segments=(), alive=())
        return replace(snap, segments=(merged,), alive=(np.ones(len(merged), dtype=bool),))

    def _merged(self, snap: Snapshot, parts: list[tuple[Segment, IntArray]]) -> Segment | None:
        """One segment of these rows (None when there are none), with `snap`'s table and idf."""
        kept = [(seg, rows) for seg, rows in parts if len(rows)]
        if not kept:
            return None
        return _merge(
            kept,
            needs=self.needs,
            table=snap.table,
            df=snap.df,
            n_alive=snap.n_alive,
            taxonomy=self.featurizer.taxonomy,
            dim=self.featurizer.encoder.dim,
            tag_names=self.tag_names,
        )


def _merge_from(alive: Sequence[BoolArray]) -> int | None:
    """Where a merge of these frozen segments (their alive masks, oldest first) starts: the
    oldest segment whose successors together hold 1/LEVEL_RATIO of its live documents is merged
    with them; None while no segment has such successors.

    Segments so form levels about LEVEL_RATIO times larger each (a merge rewrites one level:
    its cost grows with that level, not with the corpus), and the base is rewritten only once
    what came after it holds 1/LEVEL_RATIO of it."""
    live = [int(a.sum()) for a in alive]
    start, after = None, 0
    for i in range(len(live) - 1, -1, -1):  # from the newest; the oldest that qualifies wins
        if i < len(live) - 1 and after * LEVEL_RATIO >= live[i]:
            start = i
        after += live[i]
    return start


def _live_rows(
    segments: Sequence[Segment], alive: Sequence[BoolArray]
) -> list[tuple[Segment, IntArray]]:
    """Each segment with the rows of its live documents."""
    return [
        (seg, np.flatnonzero(mask).astype(np.int64))
        for seg, mask in zip(segments, alive, strict=True)
    ]


def _tags_of(seg: Segment, row: int) -> dict[str, str]:
    return {name: str(values[row]) for name, values in seg.tags.items()}


def row_normalise(matrix: sp.spmatrix) -> sp.csr_matrix:
    matrix = sp.csr_matrix(matrix, dtype=np.float32)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1 / norms) @ matrix)
