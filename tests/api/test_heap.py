"""A serving process's cycle collector: what survives a full collection is hidden from the next
ones (`api.heap.settle_heap`), and garbage cycles are still collected."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path

from api.heap import _freeze_survivors, settle_heap

ROOT = Path(__file__).resolve().parents[2]


class Node:
    me: Node | None = None


def test_what_survives_a_full_collection_is_not_walked_again_and_cycles_are_still_freed() -> None:
    try:
        settle_heap()
        settle_heap()  # a second call installs nothing more
        assert gc.callbacks.count(_freeze_survivors) == 1
        frozen = gc.get_freeze_count()
        kept = [[i] for i in range(5000)]  # long-lived, tracked: a memo's entries
        gc.collect()
        assert gc.get_freeze_count() >= frozen + len(kept)
        assert not gc.get_objects(generation=2)  # the next full collection walks none of them
        cycle = Node()
        cycle.me = cycle
        gone = weakref.ref(cycle)
        del cycle
        gc.collect()
        assert gone() is None  # garbage cycles among the young are still collected
        assert len(kept) == 5000
    finally:
        while _freeze_survivors in gc.callbacks:
            gc.callbacks.remove(_freeze_survivors)
        gc.unfreeze()


# Imports one entry module with a probe that counts what each full collection has to walk.
_IMPORT_PROBE = """
import gc, sys
walks = []
def probe(phase, info):
    if phase == "start" and info["generation"] == 2:
        walks.append(len(gc.get_objects(generation=2)))
gc.callbacks.insert(0, probe)
__import__(sys.argv[1])
imported = len(gc.get_objects()) + gc.get_freeze_count()
print(max(walks, default=0), imported, gc.get_freeze_count())
"""


def _import_walks(module: str) -> tuple[int, int, int]:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE, module],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    longest, imported, frozen = (int(x) for x in done.stdout.split())
    return longest, imported, frozen


def test_a_serving_process_freezes_survivors_from_its_first_import_and_others_do_not() -> None:
    # The server's entry point (`passerelle serve` runs api.worker:app_from_env): while the
    # app's modules are imported, each full collection walks only what came since the last.
    longest, imported, frozen = _import_walks("api.worker")
    assert frozen > imported // 2  # what the imports built is frozen as it survives
    assert longest < imported // 3
    # Importing the app elsewhere (tests, commands) leaves the collector as Python sets it:
    # the later full collections walk nearly everything imported so far.
    longest, imported, frozen = _import_walks("api.main")
    assert frozen == 0
    assert longest > imported // 2
