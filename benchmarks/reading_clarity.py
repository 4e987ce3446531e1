"""Whether a clear reading ranks better: what the "reads first as / does not clearly name an
occupation" line of the profile page and need form stands on.

    python benchmarks/reading_clarity.py --taxonomy ../shared/data/esco-fr [--sets ...]

Each public set is ranked with the default weights (`python -m matching evaluate`'s engine).
Each query's reading (`Featurizer.reading`, as the pages show it) is clear when its likeliest
ESCO occupation is at least `--ratio` times as likely as the second (default
`matching.taxonomy.CLEAR_READING`). It prints, per set, the share of queries read clearly and
the mean nDCG@10 of the clear and of the other queries (~8 minutes for the five sets on two
cores, the encoder's vectors cached).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
from calibrate import SETS  # the five public sets, as the fit levels are calibrated on

from matching.encoders import CachedEncoder, SqliteStore, default_cache_path, load_encoder
from matching.evaluation import evaluate, load_benchmark, score_run
from matching.ranker import HybridRanker
from matching.skills import SkillVocabulary
from matching.taxonomy import CLEAR_READING, EscoTaxonomy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--taxonomy", default=os.environ.get("ESCO_DIR") or None)
    parser.add_argument("--benchmarks", default="../shared/benchmarks")
    parser.add_argument("--sets", nargs="*", default=list(SETS), help="folders under --benchmarks")
    parser.add_argument("--ratio", type=float, default=CLEAR_READING)
    args = parser.parse_args()
    if not args.taxonomy:
        print("ESCO requis / ESCO needed: --taxonomy DOSSIER (ou ESCO_DIR)", file=sys.stderr)
        return 2
    taxonomy = EscoTaxonomy.load(args.taxonomy, cache=True)
    vocabulary = taxonomy.extend_vocabulary(SkillVocabulary.builtin())
    encoder = CachedEncoder(load_encoder(), SqliteStore(default_cache_path()))
    print(f"lecture claire / clear reading: 1er métier >= {args.ratio} x le 2e / the second")
    print("jeu / set | lues clairement / read clearly | nDCG@10 claires / clear | autres / others")
    for name in args.sets:
        benchmark = load_benchmark(Path(args.benchmarks) / name)
        ranker = HybridRanker(encoder, vocabulary=vocabulary, taxonomy=taxonomy)
        run = evaluate(benchmark, ranker, baselines=False).runs["hybrid"]
        queries = [q for q in benchmark.queries if q.id in benchmark.qrels]
        features = ranker.featurizer().features(queries)
        clear, ndcg = [], []
        for query, feature in zip(queries, features, strict=True):
            # the rule of `EscoTaxonomy.reading` (what the pages show), at --ratio
            shares = np.sort(np.asarray(feature.occupation_values, dtype=np.float64))[::-1]
            first, second = np.concatenate([shares, np.zeros(2)])[:2]
            clear.append(bool(len(shares)) and first >= args.ratio * second)
            ranked = [doc for doc, _ in run[query.id]]
            one = score_run({query.id: benchmark.qrels[query.id]}, {query.id: ranked})
            ndcg.append(one["ndcg@10"])
        is_clear, scores = np.array(clear), np.array(ndcg)
        others = scores[~is_clear].mean() if (~is_clear).any() else float("nan")
        print(
            f"{name} | {is_clear.mean():.0%} de {len(scores)} | "
            f"{scores[is_clear].mean():.3f} | {others:.3f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
