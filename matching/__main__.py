"""Command line of the engine: `python -m matching evaluate BENCH_DIR [--taxonomy DIR] [--run OUT]`."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from matching.encoders import (
    DEFAULT_MODEL,
    CachedEncoder,
    SqliteStore,
    default_cache_path,
    load_encoder,
)
from matching.evaluation import evaluate, load_benchmark, print_progress, write_run
from matching.ranker import HybridRanker
from matching.skills import SkillVocabulary
from matching.taxonomy import EscoFormatError, EscoTaxonomy


def cmd_evaluate(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    benchmark = load_benchmark(args.bench_dir)
    taxonomy = None
    vocabulary = SkillVocabulary.builtin()
    if args.taxonomy:
        taxonomy = EscoTaxonomy.load(args.taxonomy, cache=True)
        vocabulary = taxonomy.extend_vocabulary(vocabulary)
    store = None if args.no_cache else SqliteStore(default_cache_path())
    encoder = CachedEncoder(load_encoder(args.model), store)
    ranker = HybridRanker(encoder, vocabulary=vocabulary, taxonomy=taxonomy)
    result = evaluate(
        benchmark, ranker, k=args.k, baselines=not args.no_baselines, progress=print_progress
    )
    if args.run:
        write_run(result.runs["hybrid"], args.run, tag=f"passerelle-{encoder.name}")
    print(f"{benchmark.name} ({benchmark.direction}, {len(benchmark.qrels)} requêtes / queries)")
    header = f"{'méthode / method':<18}" + "".join(
        f"{m:>11}" for m in ("ndcg@10", "map", "mrr", "recall@10", "recall@50", "coverage")
    )
    print(header)
    for name, metrics in result.metrics.items():
        row = "".join(
            f"{metrics[m]:>11.4f}"
            for m in ("ndcg@10", "map", "mrr", "recall@10", "recall@50", "coverage")
        )
        print(f"{name:<18}{row}")
    if args.json:
        print(json.dumps(result.metrics["hybrid"]))
    print(
        f"({time.perf_counter() - started:.0f} s, {encoder.encoded} textes encodés / texts encoded)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(prog="python -m matching", description="Moteur de Passerelle")
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="évaluer sur un benchmark / evaluate on a benchmark")
    ev.add_argument("bench_dir")
    ev.add_argument(
        "--taxonomy",
        default=os.environ.get("ESCO_DIR") or None,
        help="dossier ESCO (CSV officiels), par défaut $ESCO_DIR / ESCO CSV folder ($ESCO_DIR)",
    )
    ev.add_argument("--run", help="fichier run TREC à écrire / TREC run file to write")
    ev.add_argument("--model", default=DEFAULT_MODEL, help="encodeur / encoder")
    ev.add_argument("-k", type=int, default=100)
    ev.add_argument("--no-baselines", action="store_true")
    ev.add_argument("--no-cache", action="store_true", help="ne pas garder les vecteurs sur disque")
    ev.add_argument("--json", action="store_true", help="ligne JSON des métriques hybrides")
    args = parser.parse_args(argv)
    try:
        return cmd_evaluate(args)
    except (FileNotFoundError, ValueError, EscoFormatError) as exc:
        print(f"python -m matching: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
