"""Encoders are cached by (model, text) and search is exact, masked and ordered."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.encoders import (
    CachedEncoder,
    HashingEncoder,
    MemoryStore,
    SqliteStore,
    UniversalSentenceEncoder,
    transient_texts,
)
from matching.retrieval import ExactIndex, top_k


def test_nothing_is_embedded_twice(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "cache.sqlite")
    encoder = CachedEncoder(HashingEncoder(), store)
    first = encoder.encode_documents(["soudage TIG", "HACCP", "soudage TIG"])
    assert encoder.encoded == 2
    again = CachedEncoder(HashingEncoder(), SqliteStore(tmp_path / "cache.sqlite"))
    second = again.encode_documents(["HACCP", "soudage TIG"])
    assert again.encoded == 0
    np.testing.assert_allclose(second, first[[1, 0]], rtol=1e-6)


def test_transient_texts_are_never_stored_and_kept_only_in_bounded_memory() -> None:
    store = MemoryStore()
    encoder = CachedEncoder(HashingEncoder(), store)
    saved = encoder.encode_documents(["Soudeur naval, chantier de Dunkerque"])
    with transient_texts():
        again = encoder.encode_documents(["Soudeur naval, chantier de Dunkerque"])
        assert encoder.encoded == 1  # a saved text is read from the store
        typed = encoder.encode_queries(["sou", "soudeur", "soudeur nav"])
        assert encoder.encode_queries(["soudeur"]).tolist() == typed[1:2].tolist()
        assert encoder.encoded == 4  # the next page of a search does not encode its query again
        encoder.encode_queries([f"recherche {n}" for n in range(encoder.recent.capacity + 10)])
    assert np.allclose(saved, again)
    assert len(store) == 1 and len(encoder.recent) == encoder.recent.capacity
    threads = ThreadPoolExecutor(1)
    with transient_texts():  # the context's, not the process's: another thread stores
        threads.submit(encoder.encode_documents, ["Boulanger de nuit"]).result()
    threads.shutdown()
    encoder.encode_queries(["sou"])
    assert len(store) == 3 and encoder.encoded == 4 + encoder.recent.capacity + 10 + 2


def test_french_paraphrases_are_closer_than_unrelated_texts() -> None:
    encoder = UniversalSentenceEncoder()
    a, b, c = encoder.encode_documents(
        ["soudeur sur chantier naval", "soudage de coques de navires", "comptabilité fournisseurs"]
    )
    assert float(a @ b) > float(a @ c) + 0.1
    assert np.allclose(np.linalg.norm([a, b, c], axis=1), 1, atol=1e-4)


def test_the_encoder_never_asks_for_more_blas_threads_than_cores() -> None:
    # More threads than cores spin against each other: on two cores, the package's default of
    # four encoded 21 ESCO descriptions/s instead of 277 (first `make run`: 212 s of indexing).
    encoder = UniversalSentenceEncoder()
    encoder.encode_documents(["Technicien de maintenance portuaire"])
    assert encoder._model._model.threads <= len(os.sched_getaffinity(0))


def test_empty_and_blank_texts_encode() -> None:
    vectors = HashingEncoder().encode_documents(["", "   ", "x"])
    assert vectors.shape == (3, 256) and np.isfinite(vectors).all()


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 60),
    st.integers(1, 5),
    st.integers(1, 70),
    st.integers(0, 2**31 - 1),
)
def test_exact_search_matches_a_full_sort(n: int, q: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    docs = rng.standard_normal((n, 8)).astype(np.float32)
    queries = rng.standard_normal((q, 8)).astype(np.float32)
    mask = rng.random(n) > 0.3
    index = ExactIndex(8)
    index.add(docs)
    ids, scores = index.search(queries, k, mask=mask)
    full = queries @ docs.T
    for row in range(q):
        allowed = [j for j in np.argsort(-full[row], kind="stable") if mask[j]]
        got = [int(j) for j, s in zip(ids[row], scores[row], strict=True) if np.isfinite(s)]
        assert np.allclose(full[row, got], full[row, allowed[: len(got)]])
        assert len(got) == min(k, len(allowed))


def test_top_k_handles_k_larger_than_the_corpus() -> None:
    ids, scores = top_k(np.array([[0.1, 0.9, 0.5]], dtype=np.float32), 10)
    assert ids.tolist() == [[1, 2, 0]]
