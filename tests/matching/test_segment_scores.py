"""A large segment keeps each query's scores that the rest of the corpus does not change: what
it serves after any write is what a computation from scratch gives, and a write costs the
documents written, not the base, for a query ranked again."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

import matching.index as index
from matching.index import LiveIndex, Segment, Snapshot, Weights, _SkillQuery
from matching.types import Need, Profile
from tests.matching.test_live_index import docs

WEIGHTS = Weights()


def same_as_fresh(snap: Snapshot, need: Need) -> None:
    """The ranking's scores, components and codes equal a computation that keeps nothing."""
    side = snap.query_side([need])
    fused, components, codes = snap.score_matrix([need], WEIGHTS, side)
    blocks = snap._blocks(side, keep=False)
    fresh = snap._components(side, blocks)
    assert list(components) == list(fresh)
    for name, values in fresh.items():
        assert np.array_equal(components[name], values), name
    assert np.array_equal(fused, snap.fuse(fresh, WEIGHTS))
    want = np.concatenate([b.codes for b in blocks], axis=1) if blocks else codes
    assert np.array_equal(codes, want) and codes.dtype == np.int64


def people(featurizer: index.Featurizer, profiles: list[Profile]) -> LiveIndex:
    """A people index built on `profiles` (one frozen segment), writes going to tails of up
    to 64."""
    live = LiveIndex(featurizer, needs=False, tag_names=("territory",), tail_limit=64)
    live.build(docs(featurizer, profiles))
    return live


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[int]:
    """Segments of 64 documents or more keep scores; counts skill coverages computed, by
    segment size."""
    monkeypatch.setattr(index, "CACHED_SEGMENT", 64)
    computed: Counter[int] = Counter()
    real = Snapshot._segment_skill_fits

    def spy(seg: Segment, queries: Sequence[_SkillQuery | None]) -> tuple[object, object]:
        computed[len(seg)] += 1
        return real(seg, queries)

    monkeypatch.setattr(Snapshot, "_segment_skill_fits", staticmethod(spy))
    return computed


def test_kept_scores_equal_fresh_ones_through_edits_removals_new_labels_and_compaction(
    featurizer: index.Featurizer,
    demo_profiles: list[Profile],
    demo_needs: list[Need],
    counted: Counter[int],
) -> None:
    base = demo_profiles[:200]
    needs = demo_needs[:6]
    # A base of 200 frozen documents; writes go to tails of up to 64.
    live = people(featurizer, base)
    for need in needs:
        same_as_fresh(live.snapshot, need)

    # An edit: its new version goes to a small tail, its old row dies in the base. Ranked
    # again, each need rescores the tail only: the base's scores are the ones kept.
    counted.clear()
    edited = replace(base[3], headline=f"{base[3].headline} soudure TIG", mobility_km=5)
    live.apply(docs(featurizer, [edited]))
    for need in needs:
        live.snapshot.score_matrix([need], WEIGHTS)
    assert counted[200] == 0 and counted[1] == len(needs)
    for need in needs:
        same_as_fresh(live.snapshot, need)

    # A removal, then a profile with a skill label never seen: the skill table grows (a label
    # appended), which the base's documents do not read: its kept scores still hold.
    live.apply(removed=[base[10].id])
    new_label = replace(base[20], skills=(*base[20].skills, "pilotage de drone sous-marin"))
    live.apply(docs(featurizer, [new_label]))
    counted.clear()
    for need in needs:
        same_as_fresh(live.snapshot, need)
    assert counted[200] == len(needs)  # the fresh computations only, not the rankings

    # An edited need is a new query: its old side's scores are not read.
    changed = replace(needs[0], skills=("soudure", "lecture de plans"))
    same_as_fresh(live.snapshot, changed)

    # Compaction: one new base segment, whose scores are computed afresh.
    live.compact()
    assert len(live.snapshot.segments) == 1
    for need in [changed, *needs[1:]]:
        same_as_fresh(live.snapshot, need)


def test_readers_get_fresh_scores_while_writes_go_on(
    featurizer: index.Featurizer,
    demo_profiles: list[Profile],
    demo_needs: list[Need],
    counted: Counter[int],
) -> None:
    live = people(featurizer, demo_profiles[:200])
    needs = demo_needs[:4]
    failures: list[BaseException] = []
    stop = threading.Event()

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        try:
            while not stop.is_set():
                same_as_fresh(live.snapshot, rng.choice(needs))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
            stop.set()

    threads = [threading.Thread(target=reader, args=(seed,)) for seed in range(3)]
    for thread in threads:
        thread.start()
    rng = random.Random(0)
    try:
        for i in range(25):
            person = rng.choice(demo_profiles[:200])
            live.apply(docs(featurizer, [replace(person, headline=f"{person.headline} {i}")]))
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert not failures, failures[0]
    # the base kept each need's scores (two readers may each build a need's side once)
    assert len(live.snapshot.segments[0].scores) >= len(needs)


def test_scores_kept_ahead_of_a_ranking_are_the_ones_it_reads(
    featurizer: index.Featurizer,
    demo_profiles: list[Profile],
    demo_needs: list[Need],
    counted: Counter[int],
) -> None:
    live = people(featurizer, demo_profiles[:200])
    live.apply(docs(featurizer, [replace(demo_profiles[0], headline="Soudeur TIG")]))  # a tail
    snap = live.snapshot
    assert snap.kept_room() == snap.segments[0].scores.capacity > 0
    needs = demo_needs[:5]
    sides = [snap.query_side([need]) for need in needs]
    assert [snap.keep_scores(side) for side in sides] == [1] * len(needs)  # the base only
    assert counted[200] == len(needs) and counted[1] == 0  # the tail keeps nothing
    assert [snap.keep_scores(side) for side in sides] == [0] * len(needs)  # already kept
    counted.clear()
    for need in needs:
        same_as_fresh(snap, need)  # what a ranking reads equals a fresh computation
    assert counted[200] == len(needs)  # ... and only that fresh computation scored the base
    with pytest.raises(ValueError):
        snap.keep_scores(snap.query_side(needs[:2]))
    # no segment large enough to keep anything
    assert people(featurizer, demo_profiles[:50]).snapshot.kept_room() == 0
