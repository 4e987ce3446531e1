"""Every notebook under notebooks/ runs from top to bottom without an error (nbclient).

The notebooks evaluate the engine on the public benchmark in ../shared, so they are skipped,
with the reason, where it is absent. The first run embeds the benchmark's skill labels (a few
minutes on two cores); later runs read the vectors from the SQLite cache
(matching.encoders.default_cache_path(), or $PASSERELLE_CACHE).
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
SHARED = ROOT.parent / "shared"
BENCHMARK = Path(
    os.environ.get("PASSERELLE_BENCH_DIR") or SHARED / "benchmarks" / "esco-occupations"
)
ESCO = Path(os.environ.get("PASSERELLE_ESCO_DIR") or SHARED / "data" / "esco-fr")
CELL_TIMEOUT_S = 900

NOTEBOOKS = sorted(p for p in NOTEBOOK_DIR.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.slow
@pytest.mark.skipif(
    not BENCHMARK.is_dir(),
    reason=f"benchmark esco-occupations absent ({BENCHMARK}): notebooks not executed",
)
@pytest.mark.skipif(
    not ESCO.is_dir(), reason=f"ESCO folder absent ({ESCO}): notebooks not executed"
)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(NOTEBOOK_DIR)))
def test_notebook_runs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on any error
