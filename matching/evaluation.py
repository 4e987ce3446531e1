"""Evaluation on benchmark folders: TREC run files and the reference scorer's metrics."""

from __future__ import annotations

import json
import math
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.index import fused, fusion_term
from matching.ranker import HybridRanker, Weights, _standardise
from matching.records import need_from_record, profile_from_record
from matching.retrieval import top_k
from matching.types import Need, Profile

Qrels = dict[str, dict[str, int]]
Run = dict[str, list[tuple[str, float]]]
Progress = Callable[[str, int, int], None]

_last_printed: dict[str, float] = {}


def print_progress(stage: str, done: int, total: int) -> None:
    """A `Progress` for the command line: one line per stage on stderr, refreshed at most
    twice a second (and at the end)."""
    now = time.monotonic()
    if done < total and now - _last_printed.get(stage, 0.0) < 0.5:
        return
    _last_printed[stage] = now
    end = "\n" if done >= total else ""
    line = f"\r  {stage}: {done}/{total} ({100 * done // max(total, 1)} %)"
    print(line, end=end, file=sys.stderr, flush=True)


BASELINES: dict[str, Weights] = {
    "tfidf-char": Weights(0, 1, 0, 0, 0, 0),
    "dense": Weights(1, 0, 0, 0, 0, 0),
}


@dataclass(frozen=True)
class Benchmark:
    name: str
    direction: str
    needs: list[Need]
    profiles: list[Profile]
    qrels: Qrels

    @property
    def queries(self) -> Sequence[Need | Profile]:
        pool: Sequence[Need | Profile] = (
            self.needs if self.direction == "needs->profiles" else self.profiles
        )
        return [q for q in pool if q.id in self.qrels]

    @property
    def documents(self) -> Sequence[Need | Profile]:
        return self.profiles if self.direction == "needs->profiles" else self.needs


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_qrels(path: Path) -> Qrels:
    qrels: Qrels = defaultdict(dict)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                query, doc, grade = line.rstrip("\n").split("\t")
                qrels[query][doc] = int(grade)
    return dict(qrels)


def load_benchmark(folder: str | Path) -> Benchmark:
    root = Path(folder)
    for name in ("needs.jsonl", "profiles.jsonl", "qrels.tsv"):
        if not (root / name).exists():
            raise FileNotFoundError(f"{root / name}: missing benchmark file")
    meta = json.loads((root / "meta.json").read_text()) if (root / "meta.json").exists() else {}
    direction = meta.get("direction", "needs->profiles")
    if direction not in ("needs->profiles", "profiles->needs"):
        raise ValueError(f"{root / 'meta.json'}: unknown direction {direction!r}")
    return Benchmark(
        name=meta.get("name", root.name),
        direction=direction,
        needs=[need_from_record(r) for r in _jsonl(root / "needs.jsonl")],
        profiles=[profile_from_record(r) for r in _jsonl(root / "profiles.jsonl")],
        qrels=load_qrels(root / "qrels.tsv"),
    )


def score_run(qrels: Qrels, run: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """The reference scorer's metrics (shared/benchmarks/score.py), same definitions."""
    ndcg = mapv = mrr = r10 = r50 = 0.0
    for query, rel in qrels.items():
        ranked = list(run.get(query, []))
        gains = [rel.get(d, 0) for d in ranked[:10]]
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
        ideal = sorted(rel.values(), reverse=True)[:10]
        idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
        ndcg += dcg / idcg if idcg else 0
        top = max(rel.values())
        for i, d in enumerate(ranked):
            if rel.get(d, 0) == top:
                mrr += 1 / (i + 1)
                break
        hits, ap = 0, 0.0
        for i, d in enumerate(ranked):
            if rel.get(d, 0) > 0:
                hits += 1
                ap += hits / (i + 1)
        mapv += ap / len(rel)
        nrel = sum(1 for g in rel.values() if g > 0)
        r10 += sum(1 for d in ranked[:10] if rel.get(d, 0) > 0) / nrel
        r50 += sum(1 for d in ranked[:50] if rel.get(d, 0) > 0) / nrel
    n = len(qrels)
    return {
        "ndcg@10": round(ndcg / n, 4),
        "map": round(mapv / n, 4),
        "mrr": round(mrr / n, 4),
        "recall@10": round(r10 / n, 4),
        "recall@50": round(r50 / n, 4),
        "coverage": round(sum(1 for q in qrels if run.get(q)) / n, 4),
        "queries": n,
    }


def write_run(run: Run, path: str | Path, tag: str) -> None:
    with Path(path).open("w", encoding="utf-8") as out:
        for query, ranked in run.items():
            for rank, (doc, score) in enumerate(ranked, start=1):
                out.write(f"{query} Q0 {doc} {rank} {score:.6f} {tag}\n")


def read_run(path: str | Path) -> dict[str, list[str]]:
    """A run file ordered as the reference scorer orders it (score desc, then rank asc)."""
    rows: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 5:
                rows[parts[0]].append((float(parts[4]), -int(parts[3]), parts[2]))
    return {q: [d for _, _, d in sorted(v, reverse=True)] for q, v in rows.items()}


@dataclass(frozen=True)
class Evaluation:
    benchmark: str
    direction: str
    metrics: dict[str, dict[str, float]]  # method -> metrics
    runs: dict[str, Run]


class ComponentCache:
    """Component matrices for every query of a benchmark: weights can then be varied freely."""

    def __init__(
        self,
        ranker: HybridRanker,
        queries: Sequence[Need | Profile],
        batch_size: int = 256,
        progress: Progress | None = None,
    ) -> None:
        self.ranker = ranker
        self.query_ids = [q.id for q in queries]
        parts: dict[str, list[NDArray[np.float32]]] = defaultdict(list)
        codes: list[NDArray[np.int64]] = []
        for start in range(0, len(queries), batch_size):
            batch = list(queries[start : start + batch_size])
            for name, matrix in ranker.components_for(batch).items():
                parts[name].append(_standardise(matrix))
            codes.append(ranker._constraint_codes(batch))
            if progress:
                progress(
                    "évaluation / evaluating", min(start + batch_size, len(queries)), len(queries)
                )
        self.standardised = {name: np.vstack(mats) for name, mats in parts.items()}
        self.codes = np.vstack(codes)

    def run(self, weights: Weights, k: int = 100) -> Run:
        # Terms made per call, one at a time: keeping them would double the cache's memory
        # (217 MB more on esco-occupations) for `evaluate`, which fuses three weightings.
        exclude = self.ranker.exclude_violations
        total = fused(self.standardised, self.codes, weights, exclude, term=fusion_term)
        ids, values = top_k(total, k)
        docs = self.ranker.documents_
        return {
            q: [(docs[j].id, float(v)) for j, v in zip(row, vals, strict=True) if np.isfinite(v)]
            for q, row, vals in zip(self.query_ids, ids, values, strict=True)
        }


def evaluate(
    benchmark: Benchmark,
    ranker: HybridRanker,
    *,
    k: int = 100,
    baselines: bool = True,
    progress: Progress | None = None,
) -> Evaluation:
    """Fit the ranker on the benchmark's documents, rank its queries, score every method."""
    ranker.fit(benchmark.documents, progress=progress)
    cache = ComponentCache(ranker, benchmark.queries, progress=progress)
    methods = {"hybrid": ranker.weights}
    if baselines:
        methods.update(BASELINES)
    runs = {name: cache.run(weights, k) for name, weights in methods.items()}
    metrics = {
        name: score_run(benchmark.qrels, {q: [d for d, _ in r] for q, r in run.items()})
        for name, run in runs.items()
    }
    return Evaluation(benchmark.name, benchmark.direction, metrics, runs)
