"""A serving process runs BLAS on one thread (`api.worker.serve_blas_threads`): a second one
spun after each product on a core another request or worker needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.threads import BLAS_VARIABLES  # not api.worker: importing it sets this process
from matching.encoders import usable_cores

ROOT = Path(__file__).resolve().parents[2]

# What BLAS and the default model's encoder would use, in a fresh process that imported `module`
# (after numpy when `numpy_first`: one worker serves in the command's own process).
_PROBE = """
import sys
if sys.argv[2] == "numpy_first":
    import numpy
__import__(sys.argv[1])
from threadpoolctl import threadpool_info
from matching.encoders import UniversalSentenceEncoder
blas = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
print(min(blas), UniversalSentenceEncoder()._model.threads)
"""


def _threads(module: str, numpy_first: bool, **env: str) -> tuple[int, int]:
    clean = {k: v for k, v in os.environ.items() if k not in BLAS_VARIABLES}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, module, "numpy_first" if numpy_first else "-"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    blas, encoder = (int(x) for x in done.stdout.split())
    return blas, encoder


@pytest.mark.skipif(usable_cores() < 2, reason="one core: every process has one BLAS thread")
def test_a_serving_process_gives_blas_one_thread_and_commands_keep_their_cores() -> None:
    cores = usable_cores()
    # A worker spawned by `serve --workers N` imports the entry point before numpy; one
    # worker serves in the command's process, where numpy is already loaded. Both get one
    # thread, and so does the encoder (it would otherwise ask BLAS for the cores again).
    assert _threads("api.worker", numpy_first=False) == (1, 1)
    assert _threads("api.worker", numpy_first=True) == (1, 1)
    # A command (import, evaluate) keeps a thread per core for its large encodings.
    blas, encoder = _threads("api.main", numpy_first=False)
    assert encoder == min(cores, blas) and encoder >= 2
    # Whoever starts the server may choose otherwise.
    assert _threads("api.worker", numpy_first=True, OPENBLAS_NUM_THREADS="2") == (2, 2)
