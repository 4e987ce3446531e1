"""A serving process's cycle collector: what survives a full collection is hidden from the next
ones (`api.main.settle_heap`), and garbage cycles are still collected."""

from __future__ import annotations

import gc
import weakref

from api.main import _freeze_survivors, settle_heap


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
