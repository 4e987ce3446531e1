"""The thread counts of the numeric libraries, set before they load (nothing here loads them)."""

from __future__ import annotations

import os

# Libraries that read their thread count once, when they load (numpy's OpenBLAS or MKL, and
# OpenMP for torch).
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def one_thread_unless_set() -> None:
    """One thread for each library loaded from now on, unless its variable is already set.

    For processes whose parallelism is elsewhere: a serving process's requests and workers
    (`api.worker`), the test suite's pytest-xdist workers (`tests/conftest.py`). A second
    thread there spins for a core another process or request holds.
    """
    for variable in BLAS_VARIABLES:
        os.environ.setdefault(variable, "1")
