"""`python -m matching evaluate` writes a TREC run whose metrics equal the reference scorer's."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from matching.evaluation import read_run, score_run

ROOT = Path(__file__).resolve().parents[2]
SCORER = ROOT.parent / "shared" / "benchmarks" / "score.py"


def tiny_benchmark(folder: Path) -> None:
    needs = [
        {
            "id": "N1",
            "kind": "job",
            "title": "Soudeur TIG",
            "skills": ["soudage TIG", "lecture de plans"],
        },
        {"id": "N2", "kind": "job", "title": "Développeur web", "skills": ["JavaScript", "HTML"]},
        {"id": "N3", "kind": "job", "title": "Agent de quai", "skills": ["logistique portuaire"]},
    ]
    profiles = [
        {
            "id": "P1",
            "kind": "student",
            "skills": ["soudage TIG", "soudage MIG", "lecture de plans"],
        },
        {"id": "P2", "kind": "student", "skills": ["JavaScript", "React", "HTML"]},
        {"id": "P3", "kind": "student", "skills": ["logistique portuaire", "cariste"]},
        {"id": "P4", "kind": "student", "skills": ["comptabilité", "paie"]},
    ]
    for name, rows in (("needs", needs), ("profiles", profiles)):
        (folder / f"{name}.jsonl").write_text(
            "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
        )
    (folder / "qrels.tsv").write_text("N1\tP1\t3\nN2\tP2\t3\nN3\tP3\t3\nN3\tP1\t1\n")
    (folder / "meta.json").write_text(json.dumps({"name": "tiny", "direction": "needs->profiles"}))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PASSERELLE_CACHE": os.environ.get("PASSERELLE_CACHE", "")}
    return subprocess.run(
        [sys.executable, "-m", "matching", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in env.items() if v},
    )


def test_cli_metrics_equal_the_reference_scorer(tmp_path: Path) -> None:
    if not SCORER.exists():
        pytest.skip("../shared/benchmarks/score.py absent")
    tiny_benchmark(tmp_path)
    run = tmp_path / "run.txt"
    result = run_cli("evaluate", str(tmp_path), "--run", str(run), "--json", "--no-cache")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout.strip().splitlines()[-2])
    spec = importlib.util.spec_from_file_location("reference_score", SCORER)
    assert spec and spec.loader
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    expected = reference.score(
        reference.load_qrels(tmp_path / "qrels.tsv"), reference.load_run(run)
    )
    assert printed == expected
    assert printed["ndcg@10"] > 0.9  # three obvious matches
    lines = run.read_text().splitlines()
    assert len(lines) == 3 * 4 and lines[0].split()[1] == "Q0"
    assert "tfidf-char" in result.stdout and "dense" in result.stdout


def test_score_run_reads_ties_like_the_reference(tmp_path: Path) -> None:
    run = tmp_path / "run.txt"
    run.write_text("Q d1 Q0 1 0.5 t\nQ Q0 d2 2 0.5 t\n".replace("Q d1 Q0", "Q Q0 d1"))
    assert read_run(run) == {"Q": ["d1", "d2"]}
    assert score_run({"Q": {"d2": 1}}, read_run(run))["mrr"] == 0.5


def test_missing_benchmark_file_is_one_line(tmp_path: Path) -> None:
    result = run_cli("evaluate", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "needs.jsonl" in result.stderr
