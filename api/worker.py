"""The entry point of a serving process (`passerelle serve`, each uvicorn worker).

The collector's policy for serving (`api.heap.freeze_survivors`) is set before the app's
modules are imported, so the start's full collections walk only what is new: start to first
answer 8.9-9.8 s -> 8.0-8.5 s at 14,000 students with 2 workers (three starts each, alternated;
README).

BLAS runs on one thread in a serving process (`serve_blas_threads`).
"""

from __future__ import annotations

import os

from api.heap import freeze_survivors
from api.threads import one_thread_unless_set


def serve_blas_threads() -> int:
    """One BLAS thread per serving process (or what `OPENBLAS_NUM_THREADS` says), now and for
    libraries loaded later; the threads BLAS then has.

    A server's parallelism is its requests and its worker processes. A second BLAS thread
    bought nothing there and cost much: after each parallel product (the encoding of an
    edited profile, its occupations) OpenBLAS keeps its helper thread spinning for a while,
    on a core another request or worker needs. One profile edit cost 140 ms of server CPU,
    102 of them in that spinning thread; 30 ms with one thread (14,000 students, one worker,
    80 edits 0.2 s apart, per-thread CPU from /proc; README).
    """
    one_thread_unless_set()  # before numpy loads in a worker spawned by `serve --workers N`
    try:
        threads = max(1, int(os.environ["OPENBLAS_NUM_THREADS"]))
    except ValueError:
        threads = 1
    # numpy may already be loaded (one worker: uvicorn serves in the command's own process).
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads, user_api="blas")
    return threads


freeze_survivors()
serve_blas_threads()

from api.main import app_from_env  # noqa: E402  (after the collector's policy, on purpose)

__all__ = ["app_from_env"]
