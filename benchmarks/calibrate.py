"""Fit the fit model on the five public benchmarks and write matching/calibration.json.

    nice python benchmarks/calibrate.py --taxonomy ../shared/data/esco-fr [--pairs-cache DIR]

For each set (esco-occupations and the four dev halves), the engine in its default configuration
(as `python -m matching evaluate` builds it) ranks every query; each query's top 100 pairs are
kept with their raw components (`Snapshot.components`: semantic, lexical, skills, reciprocal
and, with ESCO, occupation and occupation_group) and the judgements (relevant = grade >= 1).
A logistic regression on the components, then an isotonic regression of relevance on its
decision value (`matching.calibration.FitModel`), are fitted on all pairs pooled, weighted so
that each set counts alike and each query alike within its set. How well it holds on data it
did not see is measured by cross-fitting, the whole model refitted each time: leave one set out
(fit on four, expected calibration error on the fifth) and 5 folds of queries (each set's
queries split in five). The same is measured on each query's first 20 pairs, the fits as
predicted and as a ranking shows them (`matching.calibration.along_ranking`: never rising down
the list). The table is printed and stored in the file for the notebook, with the levels the
demo region's users would see.

Two models are written: with ESCO occupations ("esco", when a taxonomy is given) and without
("noesco"). The fusion weights only choose which pairs are each query's top 100: the models
read raw components, so a change of weights needs no refit; a change of FEATURES_VERSION does.

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
from dataclasses import asdict, dataclass
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
    EngineCalibration,
    FitModel,
    along_ranking,
    as_dict,
    expected_calibration_error,
    fit_level,
    reliability,
)
from matching.encoders import (  # noqa: E402
    DEFAULT_MODEL,
    CachedEncoder,
    SqliteStore,
    default_cache_path,
    load_encoder,
)
from matching.evaluation import Benchmark, load_benchmark, load_qrels  # noqa: E402
from matching.index import (  # noqa: E402
    FEATURES_VERSION,
    FIT_WINDOW,
    Item,  # noqa: E402
    Weights,
)
from matching.ranker import HybridRanker  # noqa: E402
from matching.records import need_from_record, profile_from_record  # noqa: E402
from matching.retrieval import top_k  # noqa: E402
from matching.skills import SkillVocabulary  # noqa: E402
from matching.taxonomy import EscoTaxonomy  # noqa: E402
from matching.types import COMPONENTS  # noqa: E402

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
SHOWN = 20  # a page: the pairs users see first


@dataclass
class Pairs:
    """The judged pairs of one set: raw components, relevance, query index."""

    name: str
    components: dict[str, NDArray[np.float64]]  # component -> one value per pair
    relevant: NDArray[np.float64]
    query: NDArray[np.int64]  # index of the pair's query within the set
    queries: int

    def weights(self) -> NDArray[np.float64]:
        """Each query weighs the same within the set; the set weighs 1 in all."""
        per_query = np.bincount(self.query, minlength=self.queries).astype(np.float64)
        w: NDArray[np.float64] = 1.0 / per_query[self.query]
        return w / float(w.sum())

    def subset(self, mask: NDArray[np.bool_]) -> Pairs:
        return Pairs(
            self.name,
            {k: v[mask] for k, v in self.components.items()},
            self.relevant[mask],
            self.query[mask],
            self.queries,
        )


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


def ranked_pairs(
    ranker: HybridRanker, queries: Sequence[Item], k: int, batch_size: int = 128
) -> list[list[tuple[str, dict[str, float]]]]:
    """Each query's top k (document id, raw components), ranked as the engine ranks them."""
    out: list[list[tuple[str, dict[str, float]]]] = []
    valid = ranker.snapshot_.valid
    for start in range(0, len(queries), batch_size):
        batch = list(queries[start : start + batch_size])
        fused, components, codes = ranker.score_matrix(batch)
        keep = valid[None, :] & (codes == 0)
        ids, values = top_k(np.where(keep, fused, -np.inf).astype(np.float32), k)
        for q, (row, vals) in enumerate(zip(ids, values, strict=True)):
            out.append(
                [
                    (
                        ranker.snapshot_.item_at(int(j)).id,
                        {name: float(m[q, j]) for name, m in components.items()},
                    )
                    for j, v in zip(row, vals, strict=True)
                    if np.isfinite(v)
                ]
            )
    return out


def pairs_of(
    root: Path, name: str, ranker: HybridRanker, k: int, limit: int | None
) -> tuple[Pairs, float]:
    started = time.perf_counter()
    bench = load_benchmark(root / name)
    queries = list(bench.queries)[:limit] if limit else list(bench.queries)
    log(f"  {name}: {len(queries)} queries, {len(bench.documents)} documents")
    ranker.fit(bench.documents)
    ranked = ranked_pairs(ranker, queries, k)
    known = known_documents(root, name, bench)
    values: dict[str, list[float]] = {}
    relevant: list[float] = []
    query: list[int] = []
    for q, (item, top) in enumerate(zip(queries, ranked, strict=True)):
        grades = bench.qrels.get(item.id, {})
        for doc, raw in top:
            if known is not None and doc not in known:
                continue
            for component, value in raw.items():
                values.setdefault(component, []).append(value)
            relevant.append(1.0 if grades.get(doc, 0) >= 1 else 0.0)
            query.append(q)
    pairs = Pairs(
        name.removeprefix("dev/"),
        {c: np.array(v, dtype=np.float64) for c, v in values.items()},
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
        arrays[f"relevant{i}"], arrays[f"query{i}"] = p.relevant, p.query
        for component, values in p.components.items():
            arrays[f"c_{component}{i}"] = values
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
            {c: data[f"c_{c}{i}"] for c in COMPONENTS if f"c_{c}{i}" in data},
            data[f"relevant{i}"],
            data[f"query{i}"],
            int(data[f"queries{i}"]),
        )
        for i in range(len(SETS))
    ]


def pooled(
    sets: Sequence[Pairs],
) -> tuple[dict[str, NDArray[np.float64]], NDArray[np.float64], NDArray[np.float64]]:
    """Components, relevance and weights of several sets, each set weighing the same."""
    names = [c for c in COMPONENTS if all(c in p.components for p in sets)]
    components = {c: np.concatenate([p.components[c] for p in sets]) for c in names}
    relevant = np.concatenate([p.relevant for p in sets])
    weights = np.concatenate([p.weights() for p in sets]) * len(relevant) / len(sets)
    return components, relevant, weights


def fit(sets: Sequence[Pairs]) -> FitModel:
    return FitModel.fit(*pooled(sets))


def leave_one_set_out(sets: Sequence[Pairs]) -> list[NDArray[np.float64]]:
    """Each set's probabilities from a model fitted on the four others."""
    out: list[NDArray[np.float64]] = []
    for held in sets:
        model = fit([p for p in sets if p is not held])
        out.append(model.predict(held.components))
    return out


def query_folds(sets: Sequence[Pairs], seed: int = 0) -> list[NDArray[np.float64]]:
    """Out-of-fold probabilities for every pair (each set's queries split in 5 folds)."""
    rng = np.random.default_rng(seed)
    fold_of = [rng.permutation(p.queries) % FOLDS for p in sets]
    predicted = [np.zeros_like(p.relevant) for p in sets]
    for fold in range(FOLDS):
        model = fit([p.subset(f[p.query] != fold) for p, f in zip(sets, fold_of, strict=True)])
        for p, f, out in zip(sets, fold_of, predicted, strict=True):
            held = f[p.query] == fold
            out[held] = model.predict(p.subset(held).components)
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


def as_shown(sets: Sequence[Pairs], predicted: Sequence[NDArray[np.float64]]) -> dict[str, Any]:
    """ECE of each query's first SHOWN pairs, their fits as predicted ("own") and as a ranking
    shows them ("shown": made non-increasing down the query's pairs, `along_ranking`), and
    the share of neighbouring pairs whose fit rises down the list. The pairs of a query are
    in ranking order (esco-to-rome and rncp-to-rome: its judged pairs only)."""
    own: list[Pairs] = []
    own_fits: list[NDArray[np.float64]] = []
    shown_fits: list[NDArray[np.float64]] = []
    rising = pairs = 0
    for p, pred in zip(sets, predicted, strict=True):
        smoothed = np.empty_like(pred)
        first = np.zeros(len(pred), dtype=bool)
        # a query's pairs lie together, in ranking order: one slice each (not a scan per query)
        starts = np.flatnonzero(np.diff(p.query, prepend=-1))
        for at in np.split(np.arange(len(pred)), starts[1:]):
            smoothed[at] = along_ranking(pred[at], FIT_WINDOW)
            first[at[:SHOWN]] = True
            rising += int(np.sum(np.diff(pred[at[:SHOWN]]) > 0))
            pairs += max(len(at[:SHOWN]) - 1, 0)
        own.append(p.subset(first))
        own_fits.append(pred[first])
        shown_fits.append(smoothed[first])
    return {
        "own": errors(own, own_fits),
        "shown": errors(own, shown_fits),
        "rising_neighbours": round(rising / max(pairs, 1), 4),
    }


def calibrate(sets: Sequence[Pairs], signature: str) -> EngineCalibration:
    components, relevant, weights = pooled(sets)
    model = FitModel.fit(components, relevant, weights)
    predicted = model.predict(components)
    out_of_set = leave_one_set_out(sets)
    out_of_fold = query_folds(sets)
    loso = errors(sets, out_of_set)
    folds = errors(sets, out_of_fold)
    figures = {
        "pairs": int(len(relevant)),
        "queries": int(sum(p.queries for p in sets)),
        "sets": {
            p.name: {
                "pairs": int(len(p.relevant)),
                "queries": p.queries,
                "relevant_share": round(float(p.relevant.mean()), 4),
            }
            for p in sets
        },
        "ece_in_sample": round(expected_calibration_error(predicted, relevant, BINS, weights), 4),
        "ece_leave_one_set_out": loso,
        "ece_5fold_queries": folds,
        # The first SHOWN pairs of each query, as predicted and as a ranking shows them.
        f"ece_top{SHOWN}_leave_one_set_out": as_shown(sets, out_of_set),
        f"ece_top{SHOWN}_5fold_queries": as_shown(sets, out_of_fold),
        "bins": BINS,
        # Reliability of probabilities each pair got from a fit that did not see it.
        "reliability_5fold": as_dict(
            reliability(np.concatenate(out_of_fold), relevant, BINS, weights)
        ),
        "reliability_leave_one_set_out": as_dict(
            reliability(np.concatenate(out_of_set), relevant, BINS, weights)
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
    return EngineCalibration(signature, model, figures)


def demo_levels(ranker: HybridRanker, model: FitModel) -> dict[str, dict[str, int]]:
    """Levels of each demo need's first candidate and each demo person's first need.

    The demo region has no judgements: this measures nothing, it shows what its users would
    see (a check that the levels spread: neither all "faible" nor all "excellente").
    """
    demo = ROOT / "data" / "demo"
    needs = [need_from_record(r) for r in _jsonl(demo / "needs.jsonl")]
    profiles = [profile_from_record(r) for r in _jsonl(demo / "profiles.jsonl")]
    out: dict[str, dict[str, int]] = {}
    sides: tuple[tuple[str, Sequence[Item], Sequence[Item]], ...] = (
        ("need_first_candidate", profiles, needs),
        ("person_first_need", needs, profiles),
    )
    for side, documents, queries in sides:
        ranker.fit(documents)
        # as the first of a list shows it: smoothed down the query's ranking (`along_ranking`)
        levels = []
        for top in ranked_pairs(ranker, queries, FIT_WINDOW):
            if top:
                fits = model.predict({c: [raw[c] for _, raw in top] for c in model.components})
                levels.append(fit_level(float(along_ranking(fits, FIT_WINDOW)[0])))
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
    top_loso = f.get(f"ece_top{SHOWN}_leave_one_set_out")
    top_folds = f.get(f"ece_top{SHOWN}_5fold_queries")
    if top_loso and top_folds:
        lines.append(
            f"first {SHOWN} pairs of each query, all pairs, own fit -> as shown: "
            f"leave-set-out {top_loso['own']['all']:.4f} -> {top_loso['shown']['all']:.4f}, "
            f"5-fold {top_folds['own']['all']:.4f} -> {top_folds['shown']['all']:.4f}; "
            f"neighbours whose own fit rises down the list: {top_folds['rising_neighbours']:.0%}"
        )
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
    # The pairs are each query's top k under the default weights (the pairs users are shown);
    # the model reads only their raw components, so it holds for other weights too.
    weights = Weights()
    rankers: dict[str, HybridRanker] = {}
    collected: dict[str, tuple[str, list[Pairs]]] = {}
    for kind in kinds:  # every kind's pairs first: a cache is complete before any fit
        taxonomy = None
        vocabulary = SkillVocabulary.builtin()
        if kind == "esco":
            log(f"ESCO: {args.taxonomy}")
            taxonomy = EscoTaxonomy.load(args.taxonomy, cache=True)
            vocabulary = taxonomy.extend_vocabulary(vocabulary)
        ranker = HybridRanker(encoder, vocabulary=vocabulary, taxonomy=taxonomy, weights=weights)
        rankers[kind] = ranker
        signature = ranker.featurizer().signature
        log(f"{kind}: ranking the five sets ({signature})")
        key = f"raw|{signature}|{sorted(asdict(weights).items())}|k{args.k}|{args.limit}"
        sets = load_pairs(args.pairs_cache, kind, key) if args.pairs_cache else None
        if sets is None:
            sets = []
            for name in SETS:
                pairs, seconds = pairs_of(root, name, ranker, args.k, args.limit)
                log(
                    f"  {pairs.name}: {len(pairs.relevant)} pairs, "
                    f"{pairs.relevant.mean():.3f} relevant ({seconds:.0f} s)"
                )
                sets.append(pairs)
            if args.pairs_cache:
                save_pairs(args.pairs_cache, kind, key, sets)
        else:
            log(f"  pairs read from {args.pairs_cache} (same engine, weights and k)")
        collected[kind] = (signature, sets)
    engines: dict[str, EngineCalibration] = {}
    for kind, (signature, sets) in collected.items():
        engines[kind] = calibrate(sets, signature)
        engines[kind].figures["demo_levels"] = demo_levels(rankers[kind], engines[kind].model)
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
    if (  # keep a kind not refitted this time, when fitted on the same features
        previous is not None
        and previous.features_version == FEATURES_VERSION
        and previous.encoder == encoder.name
    ):
        engines = {**previous.engines, **engines}
    Calibration(
        features_version=FEATURES_VERSION,
        encoder=encoder.name,
        fitted=datetime.now(UTC).date().isoformat(),
        command="python benchmarks/calibrate.py --taxonomy ../shared/data/esco-fr",
        engines=engines,
    ).save(args.out)
    log(f"{args.out} written ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
