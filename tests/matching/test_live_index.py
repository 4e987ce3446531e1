"""The live index: per-document changes give what a full rebuild gives, readers keep their
snapshot, features survive a round trip, and many threads rank while documents change."""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import pytest

from matching.encoders import CachedEncoder, HashingEncoder
from matching.index import Document, Features, Featurizer, LiveIndex, Weights
from matching.skills import SkillVocabulary
from matching.types import Need, Profile

WEIGHTS = Weights()


_FEATURES: dict[Profile, Features] = {}


def docs(featurizer: Featurizer, items: list[Profile]) -> list[Document]:
    """Documents of these profiles; features computed once per distinct profile."""
    todo = [p for p in items if p not in _FEATURES]
    _FEATURES.update(zip(todo, featurizer.features(todo), strict=True))
    return [Document(item, _FEATURES[item], {"territory": item.id[:1]}) for item in items]


def people(demo_profiles: list[Profile]) -> list[Profile]:
    return demo_profiles[:200]


def run_next(jobs: list[object]) -> None:
    """Run the last job `compact_later` queued, as the service's index worker would."""
    job = jobs.pop()
    assert callable(job)
    job()


def top(index: LiveIndex, need: Need, k: int = 10) -> list[tuple[str, float]]:
    return [(s.doc_id, round(s.score, 4)) for s in index.snapshot.rank(need, WEIGHTS, k, explain=0)]


def test_changes_one_by_one_rank_like_a_rebuild(
    featurizer: Featurizer, demo_profiles: list[Profile], demo_needs: list[Need]
) -> None:
    base = people(demo_profiles)
    live = LiveIndex(featurizer, needs=False, tag_names=("territory",))
    live.build(docs(featurizer, base))
    edited = [replace(p, headline=f"{p.headline} soudure TIG chaudronnerie") for p in base[:15]]
    added = demo_profiles[200:230]
    removed = [p.id for p in base[20:35]]
    for item in [*edited, *added]:  # one write at a time, as the service applies them
        live.apply(docs(featurizer, [item]))
    live.apply(removed=removed)
    final = {p.id: p for p in base}
    final.update({p.id: p for p in [*edited, *added]})
    for ref in removed:
        del final[ref]
    rebuilt = LiveIndex(featurizer, needs=False, tag_names=("territory",))
    rebuilt.build(docs(featurizer, list(final.values())))
    assert len(live.snapshot) == len(final)
    live.compact()  # lexical norms refreshed: the same numbers as a rebuild
    for need in demo_needs[:20]:
        got, want = top(live, need), top(rebuilt, need)
        assert [r for r, _ in got] == [r for r, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-3)
        assert not {r for r, _ in got} & set(removed)


def test_an_edit_is_ranked_on_its_new_text_at_once(
    featurizer: Featurizer, demo_profiles: list[Profile]
) -> None:
    live = LiveIndex(featurizer, needs=False)
    live.build(docs(featurizer, people(demo_profiles)))
    query = Need(id="N", title="Scaphandrier plongeur offshore", skills=("plongée sous-marine",))
    target = people(demo_profiles)[7]
    assert target.id not in [r for r, _ in top(live, query, 3)]
    live.apply(
        docs(
            featurizer,
            [
                replace(
                    target,
                    headline="Scaphandrier plongeur offshore",
                    skills=("plongée sous-marine",),
                )
            ],
        )
    )
    assert top(live, query, 1)[0][0] == target.id


def test_readers_keep_the_snapshot_they_started_with(
    featurizer: Featurizer, demo_profiles: list[Profile], demo_needs: list[Need]
) -> None:
    live = LiveIndex(featurizer, needs=False)
    live.build(docs(featurizer, people(demo_profiles)))
    before = live.snapshot
    first = [s.doc_id for s in before.rank(demo_needs[0], WEIGHTS, 10, explain=0)]
    live.apply(removed=first[:5])
    again = [s.doc_id for s in before.rank(demo_needs[0], WEIGHTS, 10, explain=0)]
    assert again == first  # the old snapshot is untouched
    assert not set(first[:5]) & {s.doc_id for s in live.snapshot.rank(demo_needs[0], WEIGHTS, 10)}


def test_masks_by_tag_and_by_id(featurizer: Featurizer, demo_profiles: list[Profile]) -> None:
    live = LiveIndex(featurizer, needs=False, tag_names=("territory",))
    items = people(demo_profiles)
    live.build(
        [
            Document(p, f, {"territory": "calais" if i % 2 else "dunkerque"})
            for i, (p, f) in enumerate(zip(items, featurizer.features(items), strict=True))
        ]
    )
    snap = live.snapshot
    calais = snap.mask_tags(territory="calais")
    assert calais.sum() == len(items) // 2
    only = snap.mask_ids([items[3].id, "inconnu"])
    assert only.sum() == 1 and snap.item_at(int(np.flatnonzero(only)[0])).id == items[3].id


def test_features_round_trip_and_corruption_is_an_error(
    featurizer: Featurizer, demo_profiles: list[Profile]
) -> None:
    original = [d.features for d in docs(featurizer, demo_profiles[:3])]
    for f in original:
        back = Features.from_bytes(f.to_bytes())
        assert back.id == f.id and back.skills == f.skills
        assert np.array_equal(back.dense, f.dense)
        assert np.array_equal(back.lexical_indices, f.lexical_indices)
    blob = original[0].to_bytes()
    for broken in (blob[:-3], b"\x05\x00\x00\x00{oops" + blob[9:], b""):
        with pytest.raises(ValueError):
            Features.from_bytes(broken)


def test_many_threads_rank_while_documents_change(
    featurizer: Featurizer, demo_profiles: list[Profile], demo_needs: list[Need]
) -> None:
    """DESIGN.md: under concurrent rankings a shared table grown in place went out of step.
    Here writers bring new skill labels while readers rank; every answer must stay valid."""
    live = LiveIndex(featurizer, needs=False)
    live.build(docs(featurizer, people(demo_profiles)))
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                snap = live.snapshot
                ranked = snap.rank(demo_needs[1], WEIGHTS, 10, explain=3)
                assert all(r.doc_id in snap for r in ranked)
            except BaseException as exc:  # collected, reported below
                errors.append(exc)
                return

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for i, p in enumerate(demo_profiles[:60]):
            fresh = replace(p, skills=(*p.skills, f"compétence nouvelle {i}"))
            live.apply(docs(featurizer, [fresh]))
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[0]
    assert len(live.snapshot.table.labels) >= 60
    assert len(live.snapshot) == 200


def _skill_story(index: LiveIndex, need: Need, person_id: str) -> tuple[tuple[str, ...], ...]:
    found = [s for s in index.snapshot.rank(need, WEIGHTS, 50, explain=50) if s.doc_id == person_id]
    assert found and found[0].explanation is not None
    e = found[0].explanation
    return e.matched_skills, e.missing_skills, e.inferred_skills


def test_an_edited_profile_is_explained_on_its_new_skills_and_words(
    featurizer: Featurizer, demo_profiles: list[Profile]
) -> None:
    # Explanations keep what each pair's skills say across rankings: an edit must never be
    # explained with the words it replaced.
    need = Need(
        id="N",
        title="Soudeur en chaudronnerie",
        skills=("soudure TIG", "lecture de plans", "plongée sous-marine"),
    )
    base = people(demo_profiles)[:40]
    person = replace(base[3], headline="Soudeur", summary="", skills=("soudure TIG",))
    live = LiveIndex(featurizer, needs=False)
    live.build(docs(featurizer, [person, *base[4:]]))
    matched, missing, _ = _skill_story(live, need, person.id)
    assert "soudure TIG" in matched and "lecture de plans" in missing
    assert _skill_story(live, need, person.id) == (matched, missing, _)  # asked again: the same
    live.apply(docs(featurizer, [replace(person, skills=("soudure TIG", "lecture de plans"))]))
    matched, missing, _ = _skill_story(live, need, person.id)
    assert "lecture de plans" in matched and "lecture de plans" not in missing
    said = replace(
        person, summary="Je lis couramment des plans et je pratique la plongée sous-marine."
    )
    live.apply(docs(featurizer, [said]))
    matched, missing, _ = _skill_story(live, need, person.id)
    assert "plongée sous-marine" not in missing
    # A fresh engine (nothing remembered) explains every pair the same way.
    fresh = Featurizer(CachedEncoder(HashingEncoder()), vocabulary=SkillVocabulary.builtin())
    rebuilt = LiveIndex(fresh, needs=False)
    rebuilt.build(docs(featurizer, [said, *base[4:]]))
    live.compact()  # lexical norms refreshed: the same component values as a rebuild
    got = live.snapshot.rank(need, WEIGHTS, 20, explain=20)
    want = rebuilt.snapshot.rank(need, WEIGHTS, 20, explain=20)
    assert [s.doc_id for s in got] == [s.doc_id for s in want]
    for a, b in zip(got, want, strict=True):
        assert a.explanation is not None and b.explanation is not None
        assert replace(a.explanation, components=()) == replace(b.explanation, components=())


def test_skill_coverage_is_each_documents_best_cosine(
    featurizer: Featurizer, demo_profiles: list[Profile], demo_needs: list[Need]
) -> None:
    # The coverage a ranking reads, computed the slow way: for each asked skill, its best
    # cosine among the document's own skills (1 for the same label), weighted 1 (required)
    # and 0.5 (nice to have). Documents without skills, with many skills, and documents
    # indexed before the skill table grew are all covered.
    base = people(demo_profiles)[:60]
    many = replace(base[0], skills=tuple(dict.fromkeys(s for p in base[:12] for s in p.skills)))
    bare = replace(base[1], skills=(), headline="", summary="Disponible.")
    live = LiveIndex(featurizer, needs=False, tail_limit=10)  # the base segment is kept
    live.build(docs(featurizer, [many, bare, *base[2:40], *base[41:]]))
    newcomer = replace(base[40], skills=("soudure TIG", "hydrographie", "chaudronnerie navale"))
    live.apply(docs(featurizer, [newcomer]))  # a new segment, the table has grown
    snap = live.snapshot
    assert len(many.skills) > 20 and len(snap.segments) > 1
    for need in [*demo_needs[:10], replace(demo_needs[0], skills=("soudure TIG", "anglais"))]:
        side = snap.query_side([need])
        q_fit = snap.components(side)["skills"]  # the need's skills covered by each person
        vectors, rows = side.skill_vectors[0], side.skill_rows[0]
        if not len(rows):
            continue
        weights = np.array([1.0] * side.n_required[0] + [0.5] * (len(rows) - side.n_required[0]))
        for j in range(len(snap)):
            seg, row = snap._at(j)
            own = [int(r) for r in seg.skill_ids[row]]
            if not own:
                assert q_fit[0, j] == 0.0
                continue
            sims = vectors @ snap.table.vectors[own].T
            for a, r in enumerate(rows):
                sims[a, [b for b, o in enumerate(own) if o == r]] = 1.0
            want = float(weights @ sims.max(axis=1) / weights.sum())
            assert q_fit[0, j] == pytest.approx(want, abs=1e-5)


def test_a_full_tail_is_merged_off_the_writers_way_and_no_write_made_meanwhile_is_lost(
    featurizer: Featurizer,
    demo_profiles: list[Profile],
    demo_needs: list[Need],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import matching.index as index_module

    base = people(demo_profiles)
    jobs: list[object] = []
    live = LiveIndex(
        featurizer,
        needs=False,
        tag_names=("territory",),
        tail_limit=5,
        compact_later=jobs.append,  # the service's index worker; run by hand here
    )
    live.build(docs(featurizer, base))
    edited = [replace(p, headline=f"{p.headline} soudure TIG chaudronnerie") for p in base[:8]]
    added = demo_profiles[200:206]
    for item in [*edited, *added]:
        live.apply(docs(featurizer, [item]))
    # Fourteen writes with a tail of five: full tails are frozen, not merged inside `apply`,
    # and one merge is queued however many tails froze meanwhile.
    assert len(jobs) == 1
    segments = len(live.snapshot.segments)
    assert segments >= 3
    diver = replace(
        base[10], headline="Scaphandrier plongeur offshore", skills=("plongée sous-marine",)
    )
    gone = [edited[0].id, added[0].id]  # each in a frozen tail
    merge = index_module._merge

    def merge_while_a_writer_writes(*args: object, **kwargs: object) -> object:
        live.apply(docs(featurizer, [diver]), removed=gone)
        return merge(*args, **kwargs)

    monkeypatch.setattr(index_module, "_merge", merge_while_a_writer_writes)
    run_next(jobs)
    monkeypatch.setattr(index_module, "_merge", merge)
    snap = live.snapshot
    assert len(snap.segments) < segments
    assert not any(ref in snap for ref in gone)
    query = Need(id="N", title="Scaphandrier plongeur offshore", skills=("plongée sous-marine",))
    assert top(live, query, 1)[0][0] == diver.id
    final = {p.id: p for p in [*base, *edited, *added, diver]}
    for ref in gone:
        del final[ref]
    assert len(snap) == len(final)
    rebuilt = LiveIndex(featurizer, needs=False, tag_names=("territory",))
    rebuilt.build(docs(featurizer, list(final.values())))
    live.compact()  # lexical norms refreshed with today's idf: the same numbers as a rebuild
    for need in [*demo_needs[:15], query]:
        got, want = top(live, need), top(rebuilt, need)
        assert [r for r, _ in got] == [r for r, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-3)
    for item in demo_profiles[206:220]:  # tails freeze again: a new merge is queued
        live.apply(docs(featurizer, [item]))
    assert len(jobs) == 1


def test_tails_merge_in_levels_and_the_base_is_rewritten_only_once_what_follows_it_has_grown(
    featurizer: Featurizer, demo_profiles: list[Profile], demo_needs: list[Need]
) -> None:
    # The service's layout under a stream of writes: each write rebuilds a small tail; full
    # tails are merged on the index worker (run here as soon as it is queued), a segment with
    # those after it once they hold 1/LEVEL_RATIO of it. A ranking reads a few segments, a merge
    # rewrites one level, and the result ranks as a rebuild of the same documents.
    import matching.index as index_module

    ratio = index_module.LEVEL_RATIO
    base = demo_profiles[:400]
    jobs: list[object] = []
    live = LiveIndex(featurizer, needs=False, tail_limit=4, compact_later=jobs.append)
    live.build(docs(featurizer, base))
    writes = [
        *[replace(p, headline=f"{p.headline} soudure TIG") for p in base[:60]],
        *demo_profiles[400:480],
    ]
    most, base_rewrites, level_merges = 0, 0, 0
    for item in writes:
        live.apply(docs(featurizer, [item]))
        while jobs:
            before = live.snapshot
            run_next(jobs)
            after = live.snapshot
            if after.segments[0] is not before.segments[0]:
                base_rewrites += 1
            elif len(after.segments) < len(before.segments):
                level_merges += 1
                # A level merge rewrites less than 1/LEVEL_RATIO of the base (and a tail).
                kept = sum(a is b for a, b in zip(after.segments, before.segments, strict=False))
                rewritten = sum(len(seg) for seg in before.segments[kept:-1])
                assert rewritten <= len(before.segments[0]) / ratio + 2 * live.tail_limit
        most = max(most, len(live.snapshot.segments))
        live_base = int(live.snapshot.alive[0].sum())
        others = len(live.snapshot) - live_base
        # Outside a merge, what is not in the base stays under its share (+ the open tails).
        assert others < live_base / ratio + 2 * live.tail_limit
    assert most <= 5  # the base, two levels, a frozen tail, the tail (log8 of 480 / 4 ~ 2.3)
    assert level_merges > 5  # tails were merged into levels many times...
    assert 1 <= base_rewrites <= 3  # ...and into the base only once what followed it had grown
    final = {p.id: p for p in [*base, *writes]}
    rebuilt = LiveIndex(featurizer, needs=False)
    rebuilt.build(docs(featurizer, list(final.values())))
    assert len(live.snapshot) == len(final)
    live.compact()
    for need in demo_needs[:15]:
        got, want = top(live, need), top(rebuilt, need)
        assert [r for r, _ in got] == [r for r, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-3)


@pytest.mark.parametrize(
    ("sizes", "start"),
    [
        ([14000], None),  # the base alone
        ([14000, 64], None),  # one frozen tail: nothing to merge with yet
        ([14000, 64, 64], 1),  # two tails: one level
        ([14000, 500, 64], 1),  # 64 x 8 >= 500: into the level
        ([14000, 576, 64], None),  # 64 x 8 < 576: not yet
        ([14000, 1500, 64], None),  # too small for a level of 1,500
        ([14000, 1500, 64, 64], 2),  # ...but the two tails make one
        ([14000, 1500, 200], 1),  # the level takes the last 200: they hold 1/8 of it
        ([14000, 1600, 150], 0),  # 1,750 after a base of 14,000: everything into the base
        ([14000, 0, 64], 1),  # a segment whose documents all died goes at the next merge
    ],
)
def test_which_frozen_segments_a_merge_takes(sizes: list[int], start: int | None) -> None:
    from matching.index import _merge_from

    alive = [np.ones(n, dtype=bool) for n in sizes]
    assert _merge_from(alive) == start


def test_small_segments_score_ngrams_from_their_rows_as_large_ones_from_their_postings(
    featurizer: Featurizer,
    demo_profiles: list[Profile],
    demo_needs: list[Need],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import matching.index as index_module

    items = docs(featurizer, demo_profiles[:300])

    def lexical(small: int) -> np.ndarray:
        monkeypatch.setattr(index_module, "SMALL_SEGMENT", small)
        live = LiveIndex(featurizer, needs=False, tail_limit=1000)
        live.build(items[:250])
        live.apply(items[250:])  # a second segment, after the first
        assert (live.snapshot.segments[0].lexical_t is None) == (small >= 250)
        snap = live.snapshot
        return snap.components(snap.query_side(demo_needs[:30]))["lexical"]

    rows, postings = lexical(1024), lexical(0)
    assert (rows > 0).sum() > 1000  # the needs share n-grams with many profiles
    assert np.allclose(rows, postings, atol=1e-6)


def test_a_replaced_snapshot_and_its_segments_are_freed_by_reference_counting_alone(
    featurizer: Featurizer, demo_profiles: list[Profile], demo_needs: list[Need]
) -> None:
    # A serving process hides what survives a full collection from the next ones
    # (`api.heap.settle_heap`): the index must hold no reference cycle, or every snapshot a
    # write replaces would stay in memory. With the cycle collector off, a replaced snapshot
    # (ranked on, explained, its memos filled) and the segments a write or a merge replaced
    # must be gone as soon as nothing refers to them.
    import gc
    import weakref

    jobs: list[object] = []
    live = LiveIndex(
        featurizer, needs=False, tag_names=("territory",), tail_limit=4, compact_later=jobs.append
    )
    live.build(docs(featurizer, people(demo_profiles)))
    gc.collect()
    gc.disable()
    try:
        for item in demo_profiles[200:212]:
            snap = live.snapshot
            for need in demo_needs[:3]:
                ranked = snap.rank(need, WEIGHTS, 5, explain=5)
                snap.rankings.put(need.id, tuple(ranked))
            snap.mask_tags(territory="P")
            old = weakref.ref(snap)
            olds = [weakref.ref(seg) for seg in snap.segments]
            del snap, ranked
            live.apply(docs(featurizer, [item]))
            while jobs:
                run_next(jobs)
            assert old() is None
            kept = {id(seg) for seg in live.snapshot.segments}
            for ref in olds:
                seg = ref()
                assert seg is None or id(seg) in kept  # replaced ones are gone
                del seg
    finally:
        gc.enable()
