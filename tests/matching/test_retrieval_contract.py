"""The contract every nearest-neighbour backend passes (`matching.retrieval`): exact search is
the reference, an approximate one must agree with it where it can and say its true scores."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.retrieval import ExactIndex, HnswIndex, VectorIndex

BACKENDS: dict[str, Callable[[int], VectorIndex]] = {
    "exact": ExactIndex,
    "hnsw": HnswIndex,
}


@pytest.mark.parametrize("backend", sorted(BACKENDS))
@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 60),
    st.integers(1, 4),
    st.integers(1, 70),
    st.floats(0.0, 1.0),
    st.integers(0, 2**31 - 1),
)
def test_a_small_corpus_is_searched_exactly_within_the_mask(
    backend: str, n: int, q: int, k: int, share: float, seed: int
) -> None:
    # Smaller than an approximate backend's beam: it must find what exact search finds.
    rng = np.random.default_rng(seed)
    docs = rng.standard_normal((n, 8)).astype(np.float32)
    queries = rng.standard_normal((q, 8)).astype(np.float32)
    mask = rng.random(n) < share
    index = BACKENDS[backend](8)
    index.add(docs)
    assert len(index) == n
    ids, scores = index.search(queries, k, mask=mask)
    full = queries @ docs.T
    for row in range(q):
        got = [int(j) for j, s in zip(ids[row], scores[row], strict=True) if np.isfinite(s)]
        allowed = [j for j in np.argsort(-full[row], kind="stable") if mask[j]]
        assert all(mask[j] for j in got)  # a masked document is never returned
        assert len(set(got)) == len(got)
        assert len(got) == min(k, len(allowed))
        found = scores[row][: len(got)]
        assert np.allclose(found, full[row, got], atol=1e-4)  # true scores
        assert np.all(np.diff(found) <= 1e-5)  # best first
        assert np.allclose(found, full[row, allowed[: len(got)]], atol=1e-4)


def _clustered(n: int, dim: int, seed: int) -> np.ndarray:
    """Unit vectors in 200 clusters, as texts of a region are (many alike, some apart)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((200, dim))
    x = centres[rng.integers(0, 200, n)] + 0.6 * rng.standard_normal((n, dim))
    out: np.ndarray = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    return out


@pytest.mark.parametrize(("backend", "floor"), [("exact", 1.0), ("hnsw", 0.9)])
def test_recall_at_100_against_exact_search(backend: str, floor: float) -> None:
    docs = _clustered(20_000, 64, seed=1)
    queries = _clustered(50, 64, seed=2)
    reference = ExactIndex(64)
    reference.add(docs)
    index = BACKENDS[backend](64)
    index.add(docs)
    truth, _ = reference.search(queries, 100)
    ids, _ = index.search(queries, 100)
    recall = np.mean([len(set(a) & set(b)) / 100 for a, b in zip(ids, truth, strict=True)])
    assert recall >= floor


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_vectors_and_masks_of_the_wrong_size_are_refused(backend: str) -> None:
    index = BACKENDS[backend](8)
    with pytest.raises(ValueError, match="dimension 8"):
        index.add(np.zeros((3, 5), dtype=np.float32))
    index.add(np.eye(8, dtype=np.float32))
    if backend != "exact":  # exact search broadcasts the mask (numpy says what is wrong)
        with pytest.raises(ValueError, match="mask of 8"):
            index.search(np.ones((1, 8), dtype=np.float32), 3, mask=np.ones(5, dtype=bool))
