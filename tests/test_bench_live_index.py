"""The live index benchmark still runs: its quickest mode on a tiny region, every figure printed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_the_quick_benchmark_prints_every_figure() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_live_index.py"),
            "--quick",
            "--students",
            "600",
            "--model",
            "hashing",  # no model to load: the benchmark's plumbing is what is tested
            "--rates",
            "5",
            "--floor",
        ],
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for figure in (
        "start → first recommendations 200",
        "then first candidates",
        "new need → listed by search",
        "profile edit → in the need's top 10",
        "server RSS after first answers",
        "recommendations",
        "candidates",
        "profile edits (writer)",
        "2 readers of records alone (no ranking) + 1 writer",
        "person (no ranking)",
        "need (no ranking)",
        "2 readers at 5 reads/s in all (Poisson) + 1 writer",
        "batch of suggestions (review/run)",
        "readers during the batch",
        "restart → first recommendations 200",
    ):
        assert figure in out, out
    assert "600 students" in out
    assert "not seen" not in out and "skipped" not in out, out
    assert "status 200" in out, out
