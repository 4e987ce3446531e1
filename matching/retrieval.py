"""Nearest-neighbour search over normalised vectors: one narrow interface, exact by default."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import ThreadpoolController

Ids = NDArray[np.int64]
Scores = NDArray[np.float32]
Mask = NDArray[np.bool_]
_BLAS = ThreadpoolController()  # inspecting the BLAS libraries once, not per query


class VectorIndex(Protocol):
    def add(self, vectors: NDArray[np.float32]) -> None: ...

    def search(
        self, queries: NDArray[np.float32], k: int, mask: Mask | None = None
    ) -> tuple[Ids, Scores]: ...

    def __len__(self) -> int: ...


def _nothing(rows: int) -> tuple[Ids, Scores]:
    """No result for each of `rows` queries (k = 0, or an empty corpus)."""
    empty = np.zeros((rows, 0))
    return empty.astype(np.int64), empty.astype(np.float32)


def top_k(scores: NDArray[np.float32], k: int) -> tuple[Ids, Scores]:
    """Indices and values of the k largest entries of each row, best first."""
    n = scores.shape[1]
    k = min(k, n)
    if k <= 0:
        return _nothing(scores.shape[0])
    if k < n:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        part = np.tile(np.arange(n), (scores.shape[0], 1))
    values = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")
    ids = np.take_along_axis(part, order, axis=1).astype(np.int64)
    return ids, np.take_along_axis(values, order, axis=1).astype(np.float32)


class ExactIndex:
    """Brute-force inner product: the reference every approximate backend must agree with.

    A single query runs on one BLAS thread: on two busy cores, OpenBLAS's threaded
    matrix-vector product stalls for milliseconds (see DESIGN.md).
    """

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._vectors = np.zeros((0, dim), dtype=np.float32)

    def add(self, vectors: NDArray[np.float32]) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"vectors of dimension {self.dim} expected, got {vectors.shape}")
        self._vectors = np.ascontiguousarray(np.vstack([self._vectors, vectors]))

    @property
    def vectors(self) -> NDArray[np.float32]:
        return self._vectors

    def __len__(self) -> int:
        return int(self._vectors.shape[0])

    def scores(self, queries: NDArray[np.float32]) -> NDArray[np.float32]:
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        if queries.shape[0] == 1:
            with _BLAS.limit(limits=1, user_api="blas"):
                return queries @ self._vectors.T
        return queries @ self._vectors.T

    def search(
        self, queries: NDArray[np.float32], k: int, mask: Mask | None = None
    ) -> tuple[Ids, Scores]:
        scores = self.scores(queries)
        if mask is not None:
            scores = np.where(np.atleast_2d(mask), scores, -np.inf).astype(np.float32)
        return top_k(scores, k)


class HnswIndex:
    """Approximate inner-product search on a navigable small-world graph (faiss's HNSW).

    The path past exact search (README, "Au-delà d'une machine"): a query visits a few thousand
    vectors instead of all of them. It answers the same contract as `ExactIndex` (masked
    documents never returned, true scores, best first) with a recall below 1, measured against
    exact by `benchmarks/bench_ann.py`. Not used by the ranker: the fused score reads every
    document's components, and the region fits exact search.

    `ef_search` is the search's beam: larger is slower and closer to exact. Results past the
    documents found are padded with id -1 and score -inf, as `ExactIndex` pads masked ones.
    """

    def __init__(
        self, dim: int, m: int = 32, ef_construction: int = 80, ef_search: int = 256
    ) -> None:
        import faiss  # only where an approximate index is asked for

        self.dim = dim
        self.ef_search = ef_search
        self._faiss: Any = faiss  # its SWIG classes are not all in its type stubs
        self._index = self._faiss.IndexHNSWFlat(dim, m, self._faiss.METRIC_INNER_PRODUCT)
        self._index.hnsw.efConstruction = ef_construction

    def add(self, vectors: NDArray[np.float32]) -> None:
        vectors = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"vectors of dimension {self.dim} expected, got {vectors.shape}")
        self._index.add(vectors)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def search(
        self, queries: NDArray[np.float32], k: int, mask: Mask | None = None
    ) -> tuple[Ids, Scores]:
        queries = np.ascontiguousarray(np.atleast_2d(np.asarray(queries, dtype=np.float32)))
        n = len(self)
        k = min(k, n)
        if k <= 0:
            return _nothing(queries.shape[0])
        params = self._faiss.SearchParametersHNSW()
        params.efSearch = max(self.ef_search, k)
        if mask is not None:  # `bits` and the selector are read by the search: kept till it returns
            allowed = np.asarray(mask, dtype=bool).ravel()
            if allowed.shape[0] != n:
                raise ValueError(f"mask of {n} documents expected, got {allowed.shape[0]}")
            bits = np.packbits(allowed, bitorder="little")
            selector = self._faiss.IDSelectorBitmap(n, self._faiss.swig_ptr(bits))
            params.sel = selector
        scores, ids = self._index.search(queries, k, params=params)
        ids = ids.astype(np.int64)
        found = ids >= 0
        return np.where(found, ids, -1), np.where(found, scores, -np.inf).astype(np.float32)
