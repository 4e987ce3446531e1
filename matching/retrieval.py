"""Nearest-neighbour search over normalised vectors: one narrow interface, exact by default."""

from __future__ import annotations

from typing import Protocol

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


def top_k(scores: NDArray[np.float32], k: int) -> tuple[Ids, Scores]:
    """Indices and values of the k largest entries of each row, best first."""
    n = scores.shape[1]
    k = min(k, n)
    if k <= 0:
        empty = np.zeros((scores.shape[0], 0))
        return empty.astype(np.int64), empty.astype(np.float32)
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
