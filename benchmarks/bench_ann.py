"""Approximate search against exact: recall@100 and time per query of faiss's HNSW graph over a
region's stored embeddings (the path past exact search, README "Au-delà d'une machine").

    passerelle load-demo --students 100000      # a region (DATABASE_URL), indexed
    python benchmarks/bench_ann.py --database sqlite:///passerelle.db
    python benchmarks/bench_ann.py --synthetic 100000   # no region: clustered unit vectors

The documents are the people's vectors as the index stores them (USE, 512 dimensions); the
queries are the open needs' vectors, as "candidates for a need" asks. Exact search is
`matching.retrieval.ExactIndex`, the reference; the graph is `HnswIndex`. Searches run one at a
time on one thread, as a request would; the graph is built on every core. Printed: recall@10
and @100 against exact, p50 / p99 time per query, for several search beams, with and without a
mask keeping a quarter of the documents (a territory filter).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.index import Features  # noqa: E402
from matching.retrieval import ExactIndex, HnswIndex  # noqa: E402

BEAMS = (64, 128, 256, 512)


def region_vectors(url: str) -> tuple[np.ndarray, np.ndarray]:
    """(people's vectors, needs' vectors) stored in a Passerelle database's index."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    people: list[np.ndarray] = []
    needs: list[np.ndarray] = []
    with engine.connect() as connection:
        total = connection.execute(
            text("select count(*) from index_entries where features is not null")
        ).scalar_one()
        rows = connection.execution_options(stream_results=True).execute(
            text("select side, features from index_entries where features is not null")
        )
        for i, (side, blob) in enumerate(rows, 1):
            try:
                dense = Features.from_bytes(bytes(blob)).dense
            except ValueError:  # an outdated row: the service re-indexes it at its start
                continue
            (needs if side == "need" else people).append(dense)
            if i % 20_000 == 0 or i == total:
                print(f"  lecture / reading {i}/{total}", flush=True)
    engine.dispose()
    if not people or not needs:
        raise SystemExit("aucun vecteur indexé / no indexed vectors: run load-demo first")
    return np.vstack(people).astype(np.float32), np.vstack(needs).astype(np.float32)


def synthetic(n: int, queries: int, dim: int = 512) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((500, dim))

    def draw(count: int) -> np.ndarray:
        x = centres[rng.integers(0, 500, count)] + 0.8 * rng.standard_normal((count, dim))
        out: np.ndarray = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
        return out

    return draw(n), draw(queries)


def timed_searches(
    index: ExactIndex | HnswIndex, queries: np.ndarray, k: int, mask: np.ndarray | None
) -> tuple[np.ndarray, list[float]]:
    found, times = [], []
    for q in queries:
        started = time.perf_counter()
        ids, _ = index.search(q[None, :], k, mask=mask)
        times.append((time.perf_counter() - started) * 1000)
        found.append(ids[0])
    return np.vstack(found), times


def recall(found: np.ndarray, truth: np.ndarray, k: int) -> float:
    return float(
        np.mean([len(set(a[:k]) & set(b[:k])) / k for a, b in zip(found, truth, strict=True)])
    )


def quantiles(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return f"p50 {statistics.median(ordered):6.2f} ms  p99 {p99:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--synthetic", type=int, help="N clustered unit vectors, no database")
    parser.add_argument("--queries", type=int, default=300, help="queries at most")
    parser.add_argument("--m", type=int, default=32, help="graph degree (HNSW M)")
    args = parser.parse_args()

    import faiss  # the graph's threads: every core to build, one to search
    from threadpoolctl import threadpool_limits

    if args.synthetic:
        docs, queries = synthetic(args.synthetic, args.queries)
        source = f"synthétique / synthetic, {args.synthetic} vecteurs en 500 grappes"
    elif args.database:
        docs, queries = region_vectors(args.database)
        source = f"région / region {args.database}"
    else:
        raise SystemExit("--database URL or --synthetic N (DATABASE_URL is not set)")
    queries = queries[: args.queries]
    print(
        f"Passerelle — ANN : {source}; {len(docs)} documents, {len(queries)} requêtes, "
        f"dimension {docs.shape[1]}, {os.cpu_count()} CPU",
        flush=True,
    )

    exact = ExactIndex(docs.shape[1])
    exact.add(docs)
    mask = np.random.default_rng(1).random(len(docs)) < 0.25
    with threadpool_limits(limits=1, user_api="blas"):
        truth, exact_times = timed_searches(exact, queries, 100, None)
        truth_masked, masked_times = timed_searches(exact, queries, 100, mask)
    print(
        f"exacte / exact             {quantiles(exact_times)}  (masque / mask: "
        f"{quantiles(masked_times)})",
        flush=True,
    )

    graph = HnswIndex(docs.shape[1], m=args.m)
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    started = time.perf_counter()
    for begin in range(0, len(docs), 20_000):
        graph.add(docs[begin : begin + 20_000])
        print(f"  graphe / graph {min(begin + 20_000, len(docs))}/{len(docs)}", flush=True)
    built = time.perf_counter() - started
    size_mb = faiss.serialize_index(graph._index).nbytes / 1e6
    print(
        f"graphe HNSW M={args.m} : construit en {built:.1f} s, {size_mb:.0f} Mo "
        f"(vecteurs seuls : {docs.nbytes / 1e6:.0f} Mo)",
        flush=True,
    )
    faiss.omp_set_num_threads(1)
    print(
        f"{'beam':>6} {'recall@10':>10} {'recall@100':>11}  temps / time per query"
        f"            masque 25 % : recall@100, temps",
        flush=True,
    )
    for beam in BEAMS:
        graph.ef_search = beam
        found, times = timed_searches(graph, queries, 100, None)
        found_masked, times_masked = timed_searches(graph, queries, 100, mask)
        print(
            f"{beam:>6} {recall(found, truth, 10):>10.3f} {recall(found, truth, 100):>11.3f}  "
            f"{quantiles(times)}   {recall(found_masked, truth_masked, 100):.3f}, "
            f"{quantiles(times_masked)}",
            flush=True,
        )


if __name__ == "__main__":
    main()
