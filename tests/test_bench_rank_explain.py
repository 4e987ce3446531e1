"""The ranking benchmark still runs: a tiny cohort, every figure printed, the reranked path too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("extra", [[], ["--reranker"]])
def test_the_benchmark_prints_every_figure(tmp_path: Path, extra: list[str]) -> None:
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "bench_rank_explain.py"),
        *("--students", "300", "--needs", "4", "--repeat", "1"),
        *("--model", "hashing", "--no-esco"),  # no model to load: the plumbing is what is tested
        *extra,
    ]
    env = {**os.environ, "PASSERELLE_CACHE": str(tmp_path)}  # its features file goes there
    for run in ("computed", "read"):  # the second run reads the features the first saved
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stderr[-3000:]
        out = result.stdout
        assert ("calculées / computed" if run == "computed" else "relues de / read from") in out
        for figure in ("rank + explain 20: p50", "ranking (explain=0)", "CPU time", "query side"):
            assert figure in out, out
        assert "300 étudiants / students" in out
