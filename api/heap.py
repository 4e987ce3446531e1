"""The cycle collector of a serving process: what survives a full collection is hidden from the
next ones (`gc.freeze`), from the process's first import to its last request.

Only serving processes do this (`api.worker`, the server's entry point): a test or a command
keeps the collector as Python sets it, since an object frozen while alive and left in a
reference cycle when it dies is never collected.
"""

from __future__ import annotations

import gc


def freeze_survivors() -> None:
    """From now on, each full collection freezes what it kept (installed once).

    A serving process's start is a few hundred thousand long-lived objects: the modules it
    imports, ESCO, the index. Each full collection walked all that had been built so far, and
    Python runs one for every quarter more of it: eight of 17 to 230 ms while a worker imported
    the app and loaded 14,000 students (~0.9 s of its 4 s; `gc.callbacks` probe). With the
    survivors frozen, each walks only what was built since the previous one. What this keeps
    that a later full pass would have freed: 50-60 objects of the start's temporary cycles
    (`/tmp` probe: 115-130 unreachable objects against 70 when the heap is unfrozen after a
    start, with or without this).
    """
    if _freeze_survivors not in gc.callbacks:
        gc.callbacks.append(_freeze_survivors)


def settle_heap() -> None:
    """Keep the cycle collector's full collections short while serving: what survives one is
    hidden from the next (`gc.freeze`), starting with what the process loaded.

    The index and ESCO are hundreds of thousands of long-lived objects: every full collection
    walked them all (140 ms on the demo region, 160-210 ms at 14,000 students) while holding
    the interpreter, a pause for every request of the worker. What serving keeps afterwards
    (rankings and explanations remembered, views, skill outcomes: each memo bounded) grew the
    walk again: at 14,000 students under load, 370,000-880,000 objects, full collections of
    150-550 ms every 30 s (`gc.callbacks` probe in the workers). Now each full collection
    freezes its survivors, so the next one walks only what was kept since (a few seconds'
    worth). Frozen objects are still freed by reference counting (a replaced snapshot, an
    evicted memo entry: acyclic, tested); only a cycle that outlives a full collection and
    dies later would stay, and the index keeps none. At start only the young generations are
    collected first: a full pass over the loaded heap found nothing to free (0 unreachable
    objects after loading 14,000 students) and cost 170 ms before the first request.
    """
    gc.collect(1)
    gc.freeze()
    freeze_survivors()


def _freeze_survivors(phase: str, info: dict[str, int]) -> None:
    if phase == "stop" and info.get("generation") == 2:
        gc.freeze()  # the collection is over: what it kept is alive
