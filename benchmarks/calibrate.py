"""Fit the fused score's calibration on the five public benchmarks and write matching/calibration.json.

    nice python benchmarks/calibrate.py --taxonomy ../shared/data/esco-fr

For each set (esco-occupations and the four dev halves), the engine in its default configuration
(as `python -m matching evaluate` builds it) ranks every query; the fused scores of each query's
top 100 are paired with the judgements (relevant = grade >= 1). An isotonic regression is fitted
on all pairs pooled, weighted so that each set counts alike and each query alike within its set
(the weights do what sub-sampling per query would, without the randomness). How well it holds
on data it did not see is measured by cross-fitting: leave one set out (fit on four, expected
calibration error on the fifth) and 5 folds of queries (each set's queries split in five).

Two calibrations are written: with ESCO occupations ("esco", when a taxonomy is given) and
without ("noesco"): without a taxonomy the fused score adds fewer components, so its scale
differs and the service would otherwise call every pair weak.

The dev halves asked from the profile side (esco-to-rome, rncp-to-rome) rank every job sheet,
but only the dev half of the sheets is judged: a held-out sheet may be relevant without saying
so. Their pairs are kept only where the sheet is known to belong to the dev half (judged in the
set, or asked in its reverse set), so that unknown labels are not counted as irrelevant.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.calibration import (  # noqa: E402
    DEFAULT_PATH,
    FIT_LEVELS,
    Calibration,
    Calibrator,
    EngineCalibration,
    as_dict,
    expected_calibration_error,
    fit_level,
    reliability,
    weights_dict,
)
from matching.encoders import (  # noqa: E402
    DEFAULT_MODEL,
    CachedEncoder,
    SqliteStore,
    default_cache_path,
    load_encoder,
)
from matching.evaluation import Benchmark, load_benchmark, load_qrels  # noqa: E402
from matching.index import Weights  # noqa: E402
from matching.ranker import HybridRanker  # noqa: E402
from matching.records import need_from_record, profile_from_record  # noqa: E402
from matching.skills import SkillVocabulary  # noqa: E402
from matching.taxonomy import EscoTaxonomy  # noqa: E402

SETS = (
    "esco-occupations",
    "dev/rome-to-esco",
    "dev/esco-to-rome",
    "dev/rncp-to-rome",
    "dev/rome-to-rncp",
)
# A set asked from the profile side judges only the dev half of its job sheets; the reverse set
# (asked from the sheets) names more of that half among its queries.
REVERSE = {"dev/esco-to-rome": "dev/rome-to-esco", "dev/rncp-to-rome": "dev/rome-to-rncp"}
FOLDS = 5
BINS = 10
GOAL = 0.05


@dataclass
class Pairs:
    """The judged pairs of one set: fused score, relevance, query index."""

    name: str
    scores: NDArray[np.float64]
    relevant: NDArray[np.float64]
    query: NDArray[np.int64]  # index of the pair's query within the set
    queries: int

    def weights(self) -> NDArray[np.float64]:
        """Each query weighs the same within the set; the set weighs 1 in all."""
        per_query = np.bincount(self.query, minlength=self.queries).astype(np.float64)
        w: NDArray[np.float64] = 1.0 / per_query[self.query]
        return w / float(w.sum())


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def known_documents(root: Path, name: str, bench: Benchmark) -> set[str] | None:
    """Documents whose judgements are known, or None when every document's are."""
    reverse = REVERSE.get(name)
    if reverse is None:
        return None
    judged = {doc for rel in bench.qrels.values() for doc in rel}
    asked = set(load_qrels(root / reverse / "qrels.tsv"))
    return judged | asked


def pairs_of(
    root: Path, name: str, ranker: HybridRanker, k: int, limit: int | None
) -> tuple[Pairs, float]:
    started = time.perf_counter()
    bench = load_benchmark(root / name)
    queries = list(bench.queries)[:limit] if limit else list(bench.queries)
    log(f"  {name}: {len(queries)} queries, {len(bench.documents)} documents")
    ranker.fit(bench.documents)
    ranked = ranker.rank_many(queries, k=k)
    known = known_documents(root, name, bench)
    scores: list[float] = []
    relevant: list[float] = []
    query: list[int] = []
    for q, (item, top) in enumerate(zip(queries, ranked, strict=True)):
        grades = bench.qrels.get(item.id, {})
        for doc, score in top:
            if known is not None and doc not in known:
                continue
            scores.append(score)
            relevant.append(1.0 if grades.get(doc, 0) >= 1 else 0.0)
            query.append(q)
    pairs = Pairs(
        name.removeprefix("dev/"),
        np.array(scores, dtype=np.float64),
        np.array(relevant, dtype=np.float64),
        np.array(query, dtype=np.int64),
        len(queries),
    )
    return pairs, time.perf_counter() - started


def save_pairs(folder: str, kind: str, key: str, sets: Sequence[Pairs]) -> None:
    Path(folder).mkdir(parents=True, exist_ok=True)
    arrays: dict[str, NDArray[Any]] = {"key": np.array(key)}
    for i, p in enumerate(sets):
        arrays[f"name{i}"] = np.array(p.name)
        arrays[f"queries{i}"] = np.array(p.queries)
        arrays[f"scores{i}"], arrays[f"relevant{i}"], arrays[f"query{i}"] = (
            p.scores,
            p.relevant,
            p.query,
        )
    np.savez_compressed(Path(folder) / f"pairs-{kind}.npz", **arrays)  # type: ignore[arg-type]


def load_pairs(folder: str, kind: str, key: str) -> list[Pairs] | None:
    path = Path(folder) / f"pairs-{kind}.npz"
    if not path.exists():
        return None
    data = np.load(path)
    if str(data["key"]) != key:
        return None
    return [
        Pairs(
            str(data[f"name{i}"]),
            data[f"scores{i}"],
            data[f"relevant{i}"],
            data[f"query{i}"],
            int(data[f"queries{i}"]),
        )
        for i in range(len(SETS))
    ]


def pooled(sets: Sequence[Pairs]) -> tuple[NDArray[np.float64], ...]:
    """Scores, relevance and weights of several sets, each set weighing the same."""
    scores = np.concatenate([p.scores for p in sets])
    relevant = np.concatenate([p.relevant for p in sets])
    weights = np.concatenate([p.weights() for p in sets]) * len(scores) / len(sets)
    return scores, relevant, weights


def leave_one_set_out(sets: Sequence[Pairs]) -> list[NDArray[np.float64]]:
    """Each set's probabilities from a calibrator fitted on the four others."""
    out: list[NDArray[np.float64]] = []
    for held in sets:
        rest = [p for p in sets if p is not held]
        out.append(Calibrator.fit(*pooled(rest)).predict(held.scores))
    return out


def query_folds(sets: Sequence[Pairs], seed: int = 0) -> list[NDArray[np.float64]]:
    """Out-of-fold probabilities for every pair (each set's queries split in 5 folds)."""
    rng = np.random.default_rng(seed)
    fold_of = [rng.permutation(p.queries) % FOLDS for p in sets]
    predicted = [np.zeros_like(p.scores) for p in sets]
    for fold in range(FOLDS):
        train = [
            Pairs(p.name, p.scores[m], p.relevant[m], p.query[m], p.queries)
            for p, f in zip(sets, fold_of, strict=True)
            for m in [f[p.query] != fold]
        ]
        calibrator = Calibrator.fit(*pooled(train))
        for p, f, out in zip(sets, fold_of, predicted, strict=True):
            held = f[p.query] == fold
            out[held] = calibrator.predict(p.scores[held])
    return predicted


def errors(sets: Sequence[Pairs], predicted: Sequence[NDArray[np.float64]]) -> dict[str, float]:
    """ECE per set, their mean ("mean") and over all pairs, each set weighing the same ("all")."""
    out = {
        p.name: expected_calibration_error(pred, p.relevant, BINS, sample_weight=p.weights())
        for p, pred in zip(sets, predicted, strict=True)
    }
    _, relevant, weights = pooled(sets)
    out["mean"] = float(np.mean([out[p.name] for p in sets]))
    out["all"] = expected_calibration_error(
        np.concatenate(predicted), relevant, BINS, sample_weight=weights
    )
    return {k: round(v, 4) for k, v in out.items()}


def calibrate(sets: Sequence[Pairs], signature: str) -> EngineCalibration:
    scores, relevant, weights = pooled(sets)
    calibrator = Calibrator.fit(scores, relevant, weights)
    predicted = calibrator.predict(scores)
    out_of_set = leave_one_set_out(sets)
    out_of_fold = query_folds(sets)
    loso = errors(sets, out_of_set)
    folds = errors(sets, out_of_fold)
    figures = {
        "pairs": int(len(scores)),
        "queries": int(sum(p.queries for p in sets)),
        "sets": {
            p.name: {
                "pairs": int(len(p.scores)),
                "queries": p.queries,
                "relevant_share": round(float(p.relevant.mean()), 4),
            }
            for p in sets
        },
        "ece_in_sample": round(expected_calibration_error(predicted, relevant, BINS, weights), 4),
        "ece_leave_one_set_out": loso,
        "ece_5fold_queries": folds,
        "bins": BINS,
        # Reliability of probabilities each pair got from a fit that did not see it.
        "reliability_5fold": as_dict(
            reliability(np.concatenate(out_of_fold), relevant, BINS, weights)
        ),
        "reliability_5fold_by_set": {
            p.name: as_dict(reliability(pred, p.relevant, BINS, p.weights()))
            for p, pred in zip(sets, out_of_fold, strict=True)
        },
        "reliability_leave_one_set_out_by_set": {
            p.name: as_dict(reliability(pred, p.relevant, BINS, p.weights()))
            for p, pred in zip(sets, out_of_set, strict=True)
        },
    }
    return EngineCalibration(signature, calibrator, figures)


def demo_levels(ranker: HybridRanker, calibrator: Calibrator) -> dict[str, dict[str, int]]:
    """Levels of each demo need's first candidate and each demo person's first need.

    The demo region has no judgements: this measures nothing, it shows what its users would
    see. The fused score is a sum of z-scores over the corpus, so a region whose people share
    a few occupations scores lower than the benchmarks' wide pools: a check that the levels
    still spread.
    """
    demo = ROOT / "data" / "demo"
    needs = [need_from_record(r) for r in _jsonl(demo / "needs.jsonl")]
    profiles = [profile_from_record(r) for r in _jsonl(demo / "profiles.jsonl")]
    out: dict[str, dict[str, int]] = {}
    for side, documents, queries in (
        ("need_first_candidate", profiles, needs),
        ("person_first_need", needs, profiles),
    ):
        ranker.fit(documents)
        firsts = [top[0][1] for top in ranker.rank_many(queries, k=1) if top]
        levels = [fit_level(p) for p in calibrator.predict(np.array(firsts))]
        out[side] = {name: levels.count(name) for name in FIT_LEVELS}
    return out


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def table(kind: str, engine: EngineCalibration) -> str:
    f = engine.figures
    loso, folds = f["ece_leave_one_set_out"], f["ece_5fold_queries"]
    names = list(f["sets"])
    width = max(len(n) for n in [*names, "mean of the sets"]) + 2
    lines = [
        f"ECE ({kind}, {f['pairs']} pairs, {f['queries']} queries; goal <= {GOAL})",
        f"{'set':<{width}}{'pairs':>8}{'relevant':>10}{'leave-set-out':>15}{'5-fold':>9}",
    ]
    for name in names:
        s = f["sets"][name]
        lines.append(
            f"{name:<{width}}{s['pairs']:>8}{s['relevant_share']:>10.3f}"
            f"{loso[name]:>15.4f}{folds[name]:>9.4f}"
        )
    lines.append(f"{'mean of the sets':<{width}}{'':>18}{loso['mean']:>15.4f}{folds['mean']:>9.4f}")
    lines.append(
        f"{'all pairs':<{width}}{f['pairs']:>8}{'':>10}{loso['all']:>15.4f}{folds['all']:>9.4f}"
    )
    lines.append(f"(in-sample ECE of the fit written: {f['ece_in_sample']:.4f})")
    for side, counts in f.get("demo_levels", {}).items():
        lines.append(f"demo region, level of each {side.replace('_', ' ')}: {counts}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench-root", default=str(ROOT.parent / "shared" / "benchmarks"))
    parser.add_argument("--taxonomy", default=os.environ.get("ESCO_DIR") or None)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--out", default=str(DEFAULT_PATH))
    parser.add_argument("-k", type=int, default=100)
    parser.add_argument("--limit", type=int, help="queries per set (a quick try, not to commit)")
    parser.add_argument(
        "--pairs-cache",
        help="folder keeping the ranked pairs, to refit without ranking again (same engine)",
    )
    parser.add_argument(
        "--kinds", default="esco,noesco", help="engines to calibrate: esco, noesco or both"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    root = Path(args.bench_root)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if "esco" in kinds and not args.taxonomy:
        log("no --taxonomy (nor ESCO_DIR): calibrating the engine without ESCO only")
        kinds = [k for k in kinds if k != "esco"]
    encoder = CachedEncoder(load_encoder(args.model), SqliteStore(default_cache_path()))
    weights = Weights()
    engines: dict[str, EngineCalibration] = {}
    for kind in kinds:
        taxonomy = None
        vocabulary = SkillVocabulary.builtin()
        if kind == "esco":
            log(f"ESCO: {args.taxonomy}")
            taxonomy = EscoTaxonomy.load(args.taxonomy, cache=True)
            vocabulary = taxonomy.extend_vocabulary(vocabulary)
        ranker = HybridRanker(encoder, vocabulary=vocabulary, taxonomy=taxonomy, weights=weights)
        log(f"{kind}: ranking the five sets ({ranker.featurizer().signature})")
        signature = ranker.featurizer().signature
        key = f"{signature}|{sorted(weights_dict(weights).items())}|k{args.k}|{args.limit}"
        sets = load_pairs(args.pairs_cache, kind, key) if args.pairs_cache else None
        if sets is None:
            sets = []
            for name in SETS:
                pairs, seconds = pairs_of(root, name, ranker, args.k, args.limit)
                log(
                    f"  {pairs.name}: {len(pairs.scores)} pairs, "
                    f"{pairs.relevant.mean():.3f} relevant ({seconds:.0f} s)"
                )
                sets.append(pairs)
            if args.pairs_cache:
                save_pairs(args.pairs_cache, kind, key, sets)
        else:
            log(f"  pairs read from {args.pairs_cache} (same engine, weights and k)")
        engines[kind] = calibrate(sets, signature)
        engines[kind].figures["demo_levels"] = demo_levels(ranker, engines[kind].calibrator)
        print(table(kind, engines[kind]), flush=True)
    if args.limit:
        log(f"--limit {args.limit}: a quick try, {args.out} left unchanged")
        return 0
    if not engines:
        log("nothing calibrated")
        return 2
    previous = None
    if Path(args.out).exists():
        try:
            previous = Calibration.load(args.out)
        except (ValueError, KeyError):
            previous = None
    if previous is not None and previous.matches(weights):  # keep a kind not refitted this time
        engines = {**previous.engines, **engines}
    Calibration(
        weights=weights_dict(weights),
        fitted=datetime.now(UTC).date().isoformat(),
        command="python benchmarks/calibrate.py --taxonomy ../shared/data/esco-fr",
        engines=engines,
    ).save(args.out)
    log(f"{args.out} written ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
