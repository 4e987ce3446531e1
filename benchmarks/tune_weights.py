"""How the ranker's default weights were chosen: coordinate ascent on a public benchmark.

    python benchmarks/tune_weights.py ../shared/benchmarks/esco-occupations --taxonomy ../shared/data/esco-fr

Components are computed once; each trial only re-fuses them. Half the queries tune, the other
half checks that the gain holds on queries the search did not see.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import asdict, replace

from matching.encoders import CachedEncoder, SqliteStore, default_cache_path, load_encoder
from matching.evaluation import ComponentCache, load_benchmark, score_run
from matching.ranker import COMPONENTS, HybridRanker, Weights
from matching.skills import SkillVocabulary
from matching.taxonomy import EscoTaxonomy

STEPS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("bench_dir")
    parser.add_argument("--taxonomy")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    bench = load_benchmark(args.bench_dir)
    taxonomy = EscoTaxonomy.load(args.taxonomy, cache=True) if args.taxonomy else None
    vocabulary = SkillVocabulary.builtin()
    if taxonomy:
        vocabulary = taxonomy.extend_vocabulary(vocabulary)
    encoder = CachedEncoder(load_encoder(), SqliteStore(default_cache_path()))
    ranker = HybridRanker(encoder, vocabulary=vocabulary, taxonomy=taxonomy)
    ranker.fit(bench.documents)
    cache = ComponentCache(ranker, bench.queries)
    ids = sorted(bench.qrels)
    random.Random(0).shuffle(ids)
    tune, check = set(ids[: len(ids) // 2]), set(ids[len(ids) // 2 :])

    def ndcg(weights: Weights, subset: set[str]) -> float:
        run = cache.run(weights, k=100)
        qrels = {q: r for q, r in bench.qrels.items() if q in subset}
        return score_run(qrels, {q: [d for d, _ in run[q]] for q in subset})["ndcg@10"]

    weights = ranker.weights
    best = ndcg(weights, tune)
    print(f"start {best:.4f} {asdict(weights)}")
    available = [c for c in COMPONENTS if c in cache.standardised]
    for round_ in range(args.rounds):
        for name in available:
            for step in STEPS:
                trial = replace(weights, **{name: step})
                value = ndcg(trial, tune)
                if value > best + 1e-4:
                    best, weights = value, trial
            print(f"round {round_ + 1} {name}: {best:.4f}")
    print("tuned:", {k: v for k, v in asdict(weights).items() if k in available})
    print(f"nDCG@10 tuning half {best:.4f}; held-back half {ndcg(weights, check):.4f}")
    print(f"held-back half with the start weights {ndcg(ranker.weights, check):.4f}")


if __name__ == "__main__":
    main()
