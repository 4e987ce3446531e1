"""The re-ranker a process ranks with: read once, replaced whole when `learn` writes a new one,
and none (the base order) when the file is absent or its model did not beat the base."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from api.engine.service import RerankerFile
from matching.rerank import (
    FEATURES,
    DecisionReranker,
    HoldoutReport,
    evaluate_holdout,
    save_reranker,
)

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _report(beats: bool) -> HoldoutReport:
    return HoldoutReport(
        train=70,
        test=30,
        test_groups=5,
        ndcg_base=0.5,
        ndcg_model=0.7 if beats else 0.5,
        auc_base=0.5,
        auc_model=0.7 if beats else 0.5,
        split_at=START.isoformat(),
        beats_base=beats,
        reason="better" if beats else "not_better",
    )


def _model(seed: int) -> DecisionReranker:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(100, len(FEATURES)))
    y = (X[:, 1] + 0.3 * rng.normal(size=100) > 0).astype(int)
    times = [START + timedelta(hours=i) for i in range(100)]
    model, report = evaluate_holdout(X, y, [str(i % 10) for i in range(100)], times, min_gain=-1)
    assert model is not None, report
    return model


def test_no_file_means_no_model_and_a_new_file_is_picked_up(tmp_path: Path) -> None:
    path = tmp_path / "reranker.json"
    source = RerankerFile(path, check_every=0)
    assert source.current() is None
    first = _model(0)
    save_reranker(path, first, _report(True))
    loaded = source.current()
    assert loaded is not None
    np.testing.assert_allclose(loaded.coef_, first.coef_)
    assert source.current() is loaded  # the same file: not read again
    save_reranker(path, None, _report(False))  # a later `learn` that did not beat the base
    assert source.current() is None
    path.unlink()
    assert source.current() is None
    assert RerankerFile(None).current() is None


def test_the_file_is_looked_at_again_only_after_a_while(tmp_path: Path) -> None:
    path = tmp_path / "reranker.json"
    save_reranker(path, _model(0), _report(True))
    source = RerankerFile(path, check_every=3600)
    model = source.current()
    assert model is not None
    save_reranker(path, None, _report(False))
    assert source.current() is model  # within the interval: the model loaded, not the disk


def test_readers_see_a_whole_model_while_learn_rewrites_the_file(tmp_path: Path) -> None:
    path = tmp_path / "reranker.json"
    models = [_model(seed) for seed in range(3)]
    coefs = [m.coef_ for m in models]
    save_reranker(path, models[0], _report(True))
    source = RerankerFile(path, check_every=0)
    errors: list[BaseException] = []
    seen: list[int] = []
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                model = source.current()
                if model is None:
                    seen.append(-1)
                    continue
                match = [i for i, c in enumerate(coefs) if np.array_equal(model.coef_, c)]
                assert len(match) == 1 and model.mean_.shape == (len(FEATURES),)
                seen.append(match[0])
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(8)]
    for thread in readers:
        thread.start()
    for round_ in range(30):
        model = models[round_ % 3] if round_ % 4 else None
        save_reranker(path, model, _report(model is not None))
    stop.set()
    for thread in readers:
        thread.join()
    assert not errors, errors[0]
    assert len(seen) > 30 and set(seen) <= {-1, 0, 1, 2}
    assert source.current() is not None  # the last file written holds a model
