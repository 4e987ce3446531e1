"""One configuration for every set: fusion weights tuned leave-one-set-out on the public sets.

    python benchmarks/loso.py --taxonomy ../shared/data/esco-fr --output benchmarks/results/loso.json

For each public set (esco-occupations and the four dev halves), the engine's component matrices
are computed once (cached under the user's cache folder, keyed by the featurizer's signature).
Then, for each set in turn, the weights are tuned by coordinate ascent on the mean nDCG@10 of
the *other* sets and the held-out set is scored with them: a configuration that only fits one
set's grading shows there. Last, the weights tuned on all five sets, and the engine's defaults,
are scored on each set. TF-IDF (character 3-5-grams, the lexical component alone) is the floor.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from matching.encoders import CachedEncoder, SqliteStore, default_cache_path, load_encoder
from matching.evaluation import (
    Benchmark,
    ComponentCache,
    load_benchmark,
    print_progress,
    score_run,
)
from matching.index import fused, fusion_term
from matching.ranker import HybridRanker, Weights
from matching.retrieval import top_k
from matching.skills import SkillVocabulary
from matching.taxonomy import EscoTaxonomy

STEPS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
TUNED = ("semantic", "lexical", "skills", "reciprocal", "occupation", "occupation_group")
# Reference TF-IDF char 3-5-gram figures published with the sets (FORMAT.md, issue 14).
REFERENCE_TFIDF = {
    "esco-occupations": 0.481,
    "rome-to-esco": 0.274,
    "esco-to-rome": 0.280,
    "rncp-to-rome": 0.316,
    "rome-to-rncp": 0.366,
}


@dataclass
class SetComponents:
    name: str
    qrels: dict[str, dict[str, int]]
    query_ids: list[str]
    doc_ids: list[str]
    terms: dict[str, np.ndarray]  # each component's fusion term (standardised, then emphasised)
    codes: np.ndarray

    def ndcg(self, weights: Weights, k: int = 10) -> float:
        ids, _ = top_k(fused(self.terms, self.codes, weights), max(k, 10))
        run = {
            q: [self.doc_ids[j] for j in row] for q, row in zip(self.query_ids, ids, strict=True)
        }
        return score_run(self.qrels, run)["ndcg@10"]


def _sets(root: Path) -> list[Path]:
    return [root / "esco-occupations", *sorted((root / "dev").iterdir())]


def _short(name: str) -> str:
    return name.removesuffix("-dev")


def components(
    bench: Benchmark, ranker: HybridRanker, cache_dir: Path, signature: str
) -> SetComponents:
    key = hashlib.sha256(f"{bench.name}:{signature}".encode()).hexdigest()[:16]
    path = cache_dir / f"{_short(bench.name)}-{key}.npz"
    query_ids = [q.id for q in bench.queries]
    doc_ids = [d.id for d in bench.documents]
    if path.exists():
        data = np.load(path)
        terms = {n[2:]: fusion_term(data[n]) for n in data.files if n.startswith("c_")}
        return SetComponents(bench.name, bench.qrels, query_ids, doc_ids, terms, data["codes"])
    started = time.perf_counter()
    ranker.fit(bench.documents, progress=print_progress)
    cache = ComponentCache(ranker, bench.queries, progress=print_progress)
    doc_ids = [d.id for d in ranker.documents_]
    cache_dir.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {"codes": cache.codes}
    arrays.update({f"c_{n}": m.astype(np.float32) for n, m in cache.standardised.items()})
    np.savez(path, **arrays)
    print(f"  {bench.name}: components in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    terms = {n: fusion_term(m) for n, m in cache.standardised.items()}
    return SetComponents(bench.name, bench.qrels, query_ids, doc_ids, terms, cache.codes)


def tune(sets: list[SetComponents], start: Weights, rounds: int = 2) -> Weights:
    """Coordinate ascent on the mean nDCG@10 of `sets` (each set weighs the same)."""

    def score(w: Weights) -> float:
        return float(np.mean([s.ndcg(w) for s in sets]))

    available = [n for n in TUNED if all(n in s.terms for s in sets)]
    weights, best = start, score(start)
    for _ in range(rounds):
        improved = False
        for name in available:
            for step in STEPS:
                trial = replace(weights, **{name: step})
                if trial == weights:
                    continue
                value = score(trial)
                if value > best + 1e-4:
                    best, weights, improved = value, trial, True
        if not improved:
            break
    return weights


def table(sets: list[SetComponents], rounds: int) -> dict[str, dict[str, object]]:
    """Per set: TF-IDF, the defaults, weights tuned on all five, and leave-one-set-out."""
    defaults = Weights()
    tfidf = Weights(0, 1, 0, 0, 0, 0)
    all_five = tune(sets, defaults, rounds)
    out: dict[str, dict[str, object]] = {}
    for i, held in enumerate(sets):
        fitted = tune(sets[:i] + sets[i + 1 :], defaults, rounds)
        out[_short(held.name)] = {
            "tfidf": held.ndcg(tfidf),
            "reference_tfidf": REFERENCE_TFIDF.get(_short(held.name)),
            "defaults": held.ndcg(defaults),
            "all_five": held.ndcg(all_five),
            "loso": held.ndcg(fitted),
            "loso_weights": {k: v for k, v in asdict(fitted).items() if k in TUNED},
        }
    out["_all_five_weights"] = {k: v for k, v in asdict(all_five).items() if k in TUNED}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", default="../shared/benchmarks")
    parser.add_argument("--taxonomy", default=os.environ.get("ESCO_DIR") or None)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--output", help="write the tables as JSON (the notebook reads it)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    encoder = CachedEncoder(load_encoder(), SqliteStore(default_cache_path()))
    cache_dir = default_cache_path().parent / "components"
    engines: dict[str, EscoTaxonomy | None] = {"sans ESCO / without ESCO": None}
    if args.taxonomy:
        engines = {"ESCO": EscoTaxonomy.load(args.taxonomy, cache=True), **engines}
    results: dict[str, object] = {
        "weights": {k: v for k, v in asdict(Weights()).items() if k in TUNED}
    }
    for label, taxonomy in engines.items():
        vocabulary = SkillVocabulary.builtin()
        if taxonomy is not None:
            vocabulary = taxonomy.extend_vocabulary(vocabulary)
        ranker = HybridRanker(encoder, vocabulary=vocabulary, taxonomy=taxonomy)
        signature = ranker.featurizer().signature
        sets = [
            components(load_benchmark(p), ranker, cache_dir, signature)
            for p in _sets(Path(args.benchmarks))
        ]
        rows = table(sets, args.rounds)
        results[label] = {"signature": signature, "sets": rows}
        print(f"\n{label} ({signature})")
        print(
            f"{'set':<18}{'tf-idf':>8}{'ref':>7}{'defaults':>10}{'all five':>10}{'LOSO':>8}  LOSO weights"
        )
        for name, row in rows.items():
            if name.startswith("_"):
                continue
            print(
                f"{name:<18}{row['tfidf']:>8.4f}{row['reference_tfidf'] or float('nan'):>7.3f}"
                f"{row['defaults']:>10.4f}{row['all_five']:>10.4f}{row['loso']:>8.4f}"
                f"  {row['loso_weights']}",
                flush=True,
            )
        print("weights tuned on all five:", rows["_all_five_weights"])
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
