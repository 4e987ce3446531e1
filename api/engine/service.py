"""The live matching index of a process: loaded from the database, kept in step with it, ranked on."""

from __future__ import annotations

import collections
import contextlib
import hashlib
import logging
import queue
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.core.db import DatabaseBusy, write_session
from api.core.unit_of_work import cores_per_process
from api.engine import corpus
from api.engine.explanations import written
from api.models import Embedding, IndexEntry, Need, Person
from matching.calibration import FitModel, calibration_for
from matching.encoders import (
    CachedEncoder,
    Encoder,
    Vectors,
    load_encoder,
    transient_texts,
    warm_encoder,
)
from matching.index import (
    SERVICE_TAIL,
    Document,
    Exclusions,
    Features,
    Featurizer,
    LiveIndex,
    Snapshot,
    Weights,
)
from matching.rerank import DecisionReranker, load_reranker
from matching.skills import SkillVocabulary
from matching.taxonomy import EscoFormatError, EscoTaxonomy, Reading
from matching.types import Explanation, Place, Suggestion
from matching.types import Need as EngineNeed
from matching.types import Profile as EngineProfile

log = logging.getLogger(__name__)
FloatArray = NDArray[np.float32]
BoolArray = NDArray[np.bool_]
Progress = Callable[[str, int, int], None]


def _place(row: Person | Need) -> Place | None:
    if row.lat is None or row.lon is None:
        return None
    return Place(row.town or "", row.lat, row.lon)


def to_profile(person: Person) -> EngineProfile:
    return EngineProfile(
        id=person.ref,
        kind=person.kind,
        headline=person.headline,
        summary=person.summary,
        skills=tuple(person.skills),
        research_topics=tuple(person.research_topics or ()),
        level=person.level,
        languages=tuple(person.languages or ()),
        seeks=tuple(person.seeks or ()),
        place=_place(person),
        mobility_km=person.mobility_km,
        available_from=person.available_from,
        available_until=person.available_until,
        organisation_id=person.organisation.ref if person.organisation else None,
    )


def to_need(need: Need) -> EngineNeed:
    return EngineNeed(
        id=need.ref,
        kind=need.kind,
        title=need.title,
        description=need.description,
        skills=tuple(need.skills),
        nice_to_have=tuple(need.nice_to_have),
        level_min=need.level_min,
        languages=tuple(need.languages or ()),
        place=_place(need),
        remote=need.remote,
        start_date=need.start_date,
        duration_months=need.duration_months,
        places=need.places,
        organisation_id=need.organisation.ref if need.organisation else None,
    )


class DatabaseStore:
    """Embedding cache in the service's own database (table `embeddings`).

    Vectors are read through the session of the request that ranks (`bind`): a request holds
    one pooled connection, never a second one while the first is taken (with every connection
    held by requests waiting for a second, the pool would run dry and all of them would wait).
    Outside a request (no session bound) a read takes a connection of its own, briefly.

    New vectors wait in memory until `flush()`, which the service calls once a request's own
    transaction is over. Writing them at once, through another connection, in the middle of a
    request would move SQLite past the snapshot that request reads from, and its own writes
    would then fail ("database is locked").
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._pending: dict[tuple[str, str], Vectors] = {}
        self._lock = threading.Lock()
        # Per store, per context: a sync endpoint runs in a copy of the request's context, so
        # the binding ends with the request and never reaches another one.
        self._bound: ContextVar[weakref.ref[Session] | None] = ContextVar(
            f"embedding-store-{id(self)}", default=None
        )

    def bind(self, session: Session) -> None:
        """Read cached vectors through `session` for the rest of the calling context."""
        self._bound.set(weakref.ref(session))

    def _session(self) -> Session | None:
        ref = self._bound.get()
        return ref() if ref is not None else None

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, Vectors]:
        with self._lock:
            out = {k: self._pending[(model, k)] for k in keys if (model, k) in self._pending}
        rest = [k for k in keys if k not in out]
        if not rest:
            return out
        bound = self._session()
        if bound is not None:
            out.update(self._read(bound, model, rest))
            return out
        with self.sessions() as session:
            out.update(self._read(session, model, rest))
        return out

    @staticmethod
    def _read(session: Session, model: str, keys: Sequence[str]) -> dict[str, Vectors]:
        out: dict[str, Vectors] = {}
        for start in range(0, len(keys), 500):
            rows = session.execute(
                select(Embedding.text_hash, Embedding.vector).where(
                    Embedding.model == model,
                    Embedding.text_hash.in_(list(keys[start : start + 500])),
                )
            )
            for key, blob in rows:
                out[key] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, model: str, items: dict[str, Vectors]) -> None:
        with self._lock:
            for key, vector in items.items():
                self._pending[(model, key)] = np.asarray(vector, dtype=np.float32)

    def forget(self, keys: Sequence[str]) -> None:
        """Drop vectors not written yet (a person erasing their data)."""
        wanted = set(keys)
        with self._lock:
            for pair in [p for p in self._pending if p[1] in wanted]:
                del self._pending[pair]

    def flush(self) -> int:
        """Write the waiting vectors; a cache that cannot be written is skipped, never an error.

        Two processes may embed the same new text at once (a duplicate key), the database may
        be busy, or the pool have no connection free in time: the vectors are then simply
        computed again another time. It runs after the request's commit, so failing here
        must never turn an acknowledged write into an error.
        """
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return 0
        by_model: dict[str, dict[str, Vectors]] = {}
        for (model, key), vector in pending.items():
            by_model.setdefault(model, {})[key] = vector
        written = 0
        for model, items in by_model.items():
            try:
                written += self._write(model, items)
            except SQLAlchemyError as exc:
                reason = getattr(exc, "orig", None) or exc
                log.warning("embedding cache not written (%d vectors): %s", len(items), reason)
        return written

    def _write(self, model: str, items: dict[str, Vectors]) -> int:
        with write_session(self.sessions) as session, session.begin():
            existing: set[str] = set()
            keys = list(items)
            for start in range(0, len(keys), 500):
                existing.update(
                    session.scalars(
                        select(Embedding.text_hash).where(
                            Embedding.model == model,
                            Embedding.text_hash.in_(keys[start : start + 500]),
                        )
                    )
                )
            new = [
                Embedding(model=model, text_hash=key, dim=int(v.shape[0]), vector=v.tobytes())
                for key, v in items.items()
                if key not in existing
            ]
            session.add_all(new)
        return len(new)


class IndexNotReady(DatabaseBusy):
    """The index is still loading after the wait a request may afford (503, Retry-After).

    `progress` is where the load stands (`MatchingService.status`): a caller turned away
    during a long re-index (a new engine version re-indexes every stored document) is told how
    far it is, not only "busy"."""

    def __init__(self, message: str, progress: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.progress: dict[str, Any] = dict(progress or {})


_TAXONOMIES: dict[str, EscoTaxonomy | None] = {}
_TAXONOMY_LOCK = threading.Lock()


def load_taxonomy(folder: Path | None) -> EscoTaxonomy | None:
    """ESCO from `folder`, loaded once per process (a pickle cache makes it about a second).

    Without a folder, or with one that cannot be read, the service runs without occupations
    and says so once in the log.
    """
    key = str(folder) if folder is not None else ""
    with _TAXONOMY_LOCK:
        if key in _TAXONOMIES:
            return _TAXONOMIES[key]
        taxonomy: EscoTaxonomy | None = None
        if folder is None:
            log.warning(
                "ESCO non chargé (ESCO_DIR absent) : classement sans métiers ESCO / "
                "ESCO not loaded (no ESCO_DIR): ranking without ESCO occupations"
            )
        else:
            started = time.perf_counter()
            try:
                taxonomy = EscoTaxonomy.load(folder, cache=True)
                log.info("ESCO loaded from %s in %.1f s", folder, time.perf_counter() - started)
            except (OSError, EscoFormatError) as exc:
                log.warning("ESCO non chargé / ESCO not loaded (%s): %s", folder, exc)
        _TAXONOMIES[key] = taxonomy
        return taxonomy


@dataclass(frozen=True)
class _LoadedReranker:
    stamp: tuple[int, int, int] | None  # the file's (mtime, size, inode) when read; None: absent
    model: DecisionReranker | None
    checked: float  # time.monotonic() of the last look at the file


class RerankerFile:
    """The re-ranker `passerelle learn` saved, as this process ranks with it.

    Read once, then looked at again at most every `check_every` seconds: a new file (a new
    `learn`) is loaded aside and replaces the previous model in one assignment, so a ranking
    uses the model it started with, whole. No file, an unreadable one, or a model that did not
    beat the base ranker on its hold-out means none: the base order.
    """

    def __init__(self, path: Path | None, check_every: float = 5.0) -> None:
        self.path = path
        self.check_every = check_every
        self._loaded = _LoadedReranker(None, None, -float("inf"))
        self._lock = threading.Lock()  # one thread reads the file; the others keep the model

    def current(self) -> DecisionReranker | None:
        loaded = self._loaded
        now = time.monotonic()
        if self.path is None or now - loaded.checked < self.check_every:
            return loaded.model
        first = loaded.checked == -float("inf")
        # The first ranking waits for the file; later ones keep the model while one thread looks.
        if not self._lock.acquire(blocking=first):
            return loaded.model
        try:
            loaded = self._loaded
            if time.monotonic() - loaded.checked < self.check_every:
                return loaded.model
            stamp = _stamp(self.path)
            model = loaded.model
            if stamp != loaded.stamp:
                model = load_reranker(self.path) if stamp is not None else None
                log.info(
                    "re-ranker %s: %s", self.path, "in use" if model is not None else "not in use"
                )
            self._loaded = _LoadedReranker(stamp, model, time.monotonic())
            return model
        finally:
            self._lock.release()


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


@dataclass(frozen=True)
class PairScores:
    """Both sides' fused scores for people x needs, and the hard-constraint codes."""

    person_side: FloatArray  # how each need suits each person (people x needs)
    need_side: FloatArray  # how each person suits each need (people x needs)
    codes: NDArray[np.int64]  # people x needs


class FairSlots:
    """At most `n` holders at once; the others are let in in their order of arrival (a
    semaphore lets a newcomer overtake a woken waiter, which left a tail of slow requests)."""

    def __init__(self, n: int) -> None:
        self._n = n
        self._free = n
        self._waiting: collections.deque[threading.Event] = collections.deque()
        self._lock = threading.Lock()

    def __enter__(self) -> FairSlots:
        with self._lock:
            if self._free > 0 and not self._waiting:
                self._free -= 1
                return self
            turn = threading.Event()
            self._waiting.append(turn)
        turn.wait()  # the slot is handed over by the holder that leaves
        return self

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._free += 1

    def idle(self) -> bool:
        """Whether no one holds or waits for a slot."""
        with self._lock:
            return self._free == self._n and not self._waiting


# Rankings computed at once, requests and background jobs alike (requests already take turns,
# `api.core.unit_of_work.ranking_turn`). Each is CPU work under the GIL: 64 threads ranking
# together served 37 rankings/s where one at a time served 77 (demo region, 2 cores).
RANKING_SLOTS = FairSlots(cores_per_process())
KEEP_PAUSE_S = 0.005  # how often the index worker looks for a moment with no ranking
KEEP_PATIENCE_S = 0.1  # ... and how long before it takes its turn among the rankings


def _mask_key(mask: BoolArray | None) -> tuple[int, bytes] | None:
    if mask is None:
        return None
    return len(mask), hashlib.blake2b(np.packbits(mask).tobytes(), digest_size=16).digest()


@dataclass(frozen=True)
class Indexes:
    """The published snapshots a request ranks on; they never change under it."""

    needs: Snapshot  # open needs, ranked for people
    people: Snapshot  # people, ranked for needs
    weights: Weights
    # Learnt from the region's decisions: re-orders the head of each ranking (None: base order).
    reranker: DecisionReranker | None = None

    def rank_needs(
        self,
        profile: EngineProfile,
        k: int,
        *,
        explain: int | None = None,
        mask: BoolArray | None = None,
    ) -> list[Suggestion]:
        return self._rank(self.needs, profile, k, explain, mask)

    def rank_people(
        self,
        need: EngineNeed,
        k: int,
        *,
        explain: int | None = None,
        mask: BoolArray | None = None,
        constrained: bool = True,
    ) -> list[Suggestion]:
        """People ranked for `need`; `constrained=False` keeps those its hard constraints
        would rule out (a free-text search is no need: it has no kind, place or dates)."""
        return self._rank(self.people, need, k, explain, mask, constrained)

    def _rank(
        self,
        snapshot: Snapshot,
        query: EngineNeed | EngineProfile,
        k: int,
        explain: int | None,
        mask: BoolArray | None,
        constrained: bool = True,
    ) -> list[Suggestion]:
        if len(snapshot) == 0:
            return []
        explain = k if explain is None else explain
        # A snapshot never changes: the same query with the same options on it gets the same
        # ranking, so a page opened again (or by a colleague) is served from its memo.
        # (The fit model is the process's for its life; by identity, so a swapped one misses.)
        key = (
            query,
            k,
            explain,
            constrained,
            _mask_key(mask),
            self.weights,
            self.reranker,
            id(snapshot.calibrator()),
        )
        found = snapshot.rankings.get(key)
        if found is not None:
            return list(found)
        # The query is usually indexed on the other side: its stored occupations are lent.
        mirror = self.people if snapshot is self.needs else self.needs
        with RANKING_SLOTS:
            ranked = snapshot.rank(
                query,
                self.weights,
                k,
                explain=explain,
                mask=mask,
                constraints=constrained,
                reranker=self.reranker,
                side=snapshot.query_side([query], mirror=mirror),
            )
            # Every ranking the service serves has its explanation in French and English.
            out = [
                replace(s, explanation=written(s.explanation)) if s.explanation is not None else s
                for s in ranked
            ]
        snapshot.rankings.put(key, tuple(out))
        return out

    def explain(
        self, need: EngineNeed, profile: EngineProfile, fit: float | None = None
    ) -> Explanation:
        """The explanation of one pair (the need must be indexed), written out; `fit` is the
        fit shown beside it, if any (`explain_pair`)."""
        return written(self.needs.explain(need, profile, self.weights, fit=fit))

    def exclusions(self, profile: EngineProfile, mask: BoolArray) -> Exclusions:
        return self.needs.exclusions(profile, mask)

    def pair_scores(
        self, profiles: Sequence[EngineProfile], needs: Sequence[EngineNeed]
    ) -> PairScores | None:
        """Mutual scores of indexed people and needs (each given one must be indexed)."""
        need_pos = [self.needs.position(n.id) for n in needs]
        person_pos = [self.people.position(p.id) for p in profiles]
        if not profiles or not needs or None in need_pos or None in person_pos:
            return None
        person_side, _, codes = self.needs.score_matrix(profiles, self.weights)
        need_side, _, _ = self.people.score_matrix(needs, self.weights)
        cols = np.array(need_pos, dtype=np.int64)
        rows = np.array(person_pos, dtype=np.int64)
        return PairScores(person_side[:, cols], need_side[:, rows].T, codes[:, cols])

    def pair_fits(self, pairs: Sequence[tuple[str, EngineNeed]]) -> list[float | None]:
        """Calibrated fits of (person ref, need) pairs, from today's profile and need: the
        value the need's ranking of people shows for the pair (`Snapshot.shown_fits`).

        The need is read as a query against the indexed people, so a closed need has a fit too;
        None for a person not indexed or without a fit model for this engine.
        """
        out: list[float | None] = [None] * len(pairs)
        if self.people.calibrator() is None:
            return out
        by_need: dict[str, tuple[EngineNeed, list[int]]] = {}
        for i, (_, need) in enumerate(pairs):
            by_need.setdefault(need.id, (need, []))[1].append(i)
        groups = list(by_need.values())
        for start in range(0, len(groups), 128):
            batch = groups[start : start + 128]
            fused, components, _ = self.people.score_matrix([n for n, _ in batch], self.weights)
            for row, (_, slots) in enumerate(batch):
                found = [(i, self.people.position(pairs[i][0])) for i in slots]
                known = [(i, p) for i, p in found if p is not None]
                fits = self.people.shown_fits(components, fused, row, [p for _, p in known])
                for (i, _), fit in zip(known, fits if fits is not None else [], strict=False):
                    out[i] = round(float(fit), 4)
        return out


@dataclass(frozen=True)
class _Computed:
    docs: list[Document]
    records: list[tuple[str, str, bytes, str]]  # ref, signature, features, document (stored)
    gone: list[str]


_SIDES: tuple[corpus.Side, ...] = corpus.SIDES
INLINE_LIMIT = 64  # pending documents a reader indexes itself; more go to the background
BATCH = 256
LOAD_REPORT_EVERY = 2000  # stored entries read between two progress reports at a start


_INSTANCES: weakref.WeakSet[MatchingService] = weakref.WeakSet()


def services() -> list[MatchingService]:
    """Every matching service of this process (tests rewind them between transactions)."""
    return list(_INSTANCES)


class MatchingService:
    """The live matching index of this process, kept in step with the database.

    Loaded once at start from `index_entries` (features are never recomputed at start unless
    missing, corrupt or made by another model). Each ranking first reads the corpus version:
    when a write (in this worker or another) moved it, the entries past the last applied one
    are applied, one document at a time, before ranking. A bulk change (an import) is indexed
    by a background thread in batches and appears batch by batch.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        model: str,
        encoder: Encoder | None = None,
        *,
        esco_dir: Path | None = None,
        weights: Weights = Weights(),
        ready_timeout: float = 120.0,
        reranker_file: Path | None = None,
    ) -> None:
        self.sessions = sessions
        self.reranker = RerankerFile(reranker_file)
        self.model = model
        self.esco_dir = esco_dir
        self.weights = weights
        self.ready_timeout = ready_timeout
        self._encoder = encoder
        self._featurizer: Featurizer | None = None
        self._live: dict[corpus.Side, LiveIndex] = {}
        self.applied = -1  # corpus version the snapshots reflect; -1 before the first load
        self._loading = threading.Lock()  # one model, one first load
        self._sync = threading.Lock()  # one thread applies changes; readers keep the snapshot
        self._ready = threading.Event()
        self._load_error: BaseException | None = None
        self._work = queue.Queue[Callable[[], None] | None]()
        self._worker: threading.Thread | None = None
        self._closed = False
        self._queued_pending: set[tuple[str, str]] = set()
        self._keep_queued = False  # a `keep_open_needs` pass is queued on the index worker
        self._keep_lock = threading.Lock()
        self._touched: set[tuple[corpus.Side, str]] = set()
        self._rewind = False
        self.loaded_version = -1
        self.progress: dict[str, Any] = {"state": "idle"}
        _INSTANCES.add(self)

    # ------------------------------------------------------------------ resources
    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            with self._loading:  # one model in memory, however many first requests arrive
                if self._encoder is None:
                    self._encoder = CachedEncoder(
                        load_encoder(self.model), DatabaseStore(self.sessions)
                    )
        return self._encoder

    @property
    def featurizer(self) -> Featurizer:
        if self._featurizer is None:
            encoder = self.encoder
            with self._loading:
                if self._featurizer is None:
                    taxonomy = load_taxonomy(self.esco_dir)
                    vocabulary = SkillVocabulary.builtin()
                    if taxonomy is not None:  # the engine `python -m matching evaluate` measures
                        vocabulary = taxonomy.extend_vocabulary(vocabulary)
                    self._featurizer = Featurizer(
                        encoder,
                        vocabulary=vocabulary,
                        taxonomy=taxonomy,
                        title_share=self.weights.title_share,
                    )
        return self._featurizer

    @property
    def uses_taxonomy(self) -> bool:
        """Whether this engine ranks with ESCO occupations (the featurizer's, once built)."""
        if self._featurizer is not None:
            return self._featurizer.taxonomy is not None
        return load_taxonomy(self.esco_dir) is not None

    def calibrator(self) -> FitModel | None:
        """The fit model of this engine (raw components -> probability of relevance); None
        when none was fitted for its kind, encoder and features."""
        return calibration_for(self.uses_taxonomy, self.encoder.name)

    def reading(self, item: EngineNeed | EngineProfile, draft: bool = False) -> Reading | None:
        """How the engine reads a need's or a person's text: its likeliest ESCO occupations
        and whether the first stands out (None without ESCO or text). Read from the index
        when it holds the item with the very same content (a few µs), else computed from the
        item as given (~8 ms): a form being edited is read before it is saved, and a change
        not yet indexed is read as written. Never waits for the index. A `draft` (text nobody
        saved yet) leaves no vector in the cache's store (`matching.transient_texts`)."""
        with transient_texts() if draft else contextlib.nullcontext():
            live = self._live.get("need" if isinstance(item, EngineNeed) else "person")
            if self._ready.is_set() and live is not None:
                return live.snapshot.reading(item)
            return self.featurizer.reading(item)

    def people_readings(
        self, session: Session
    ) -> list[tuple[EngineNeed | EngineProfile, bool]] | None:
        """Each indexed person whose text has an ESCO reading, with whether it is clear
        (`Snapshot.clear_readings`, every change committed before counted). None without ESCO,
        or while the index is still loading at start: a page showing it never waits for it."""
        if not self.uses_taxonomy or (self.owns_sessions and not self.ready()):
            return None
        return self.indexes(session).people.clear_readings()

    def _store(self) -> DatabaseStore | None:
        store = getattr(self._encoder, "store", None)
        return store if isinstance(store, DatabaseStore) else None

    def flush_cache(self) -> int:
        """Write the vectors computed since the last call (after a request's transaction)."""
        store = self._store()
        return store.flush() if store is not None else 0

    def forget_vectors(self, keys: Sequence[str]) -> None:
        store = self._store()
        if store is not None:
            store.forget(keys)

    # ------------------------------------------------------------------ lifecycle
    def start(self, then: Callable[[], None] | None = None) -> None:
        """Load the index in the background (the app's start): requests wait for it. `then`
        runs in the same background thread once the index is built, before requests are
        let in (what it costs is never a request's wait)."""
        if self.owns_sessions and not self._ready.is_set():
            self._submit(lambda: self._load_logged(then))

    def close(self) -> None:
        self._closed = True
        if self._worker is not None:
            self._work.put(None)
            self._worker.join(timeout=10)
            self._worker = None

    def _submit(self, job: Callable[[], None]) -> None:
        if self._closed:
            return
        with self._loading:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._run_worker, name="passerelle-index", daemon=True
                )
                self._worker.start()
        self._work.put(job)

    def _compact_later(self, job: Callable[[], None]) -> None:
        """A merge on the index worker, then what the merged segments keep for open needs."""
        self._submit(job)
        self._keep_later()

    def _run_worker(self) -> None:
        while True:
            job = self._work.get()
            if job is None:
                return
            try:
                job()
            except Exception:  # the worker must outlive one failed job; the log says why
                log.exception("index job failed")

    def _load_logged(self, then: Callable[[], None] | None = None) -> None:
        try:
            self.load(settle=then)
        except BaseException as exc:
            self._load_error = exc
            self._ready.set()
            raise
        self._keep_later()

    def _keep_later(self) -> None:
        """Queue `keep_open_needs` on the index worker (once at a time)."""
        with self._keep_lock:
            if self._keep_queued:
                return
            self._keep_queued = True
        self._submit(self._keep_job)

    def _keep_job(self) -> None:
        started = time.perf_counter()
        kept = self.keep_open_needs()
        if kept:
            log.info(
                "index: scores kept for %d open needs in %.1f s",
                kept,
                time.perf_counter() - started,
            )

    def keep_open_needs(self) -> int:
        """What each open need keeps against the large segments of people, computed ahead of
        its first ranking (`Snapshot.keep_scores`); how many needs had something computed.

        Run on the index worker once the index is loaded and after each merge (a merged
        segment keeps nothing yet). Each need missing its scores waits for a moment with no
        ranking under way (at most `KEEP_PATIENCE_S`, then it takes its turn among them, so a
        busy service does not hold back the merges queued behind it): a request waits behind
        one need's scores at most (~6 ms at 14,000 people). Without it, the first candidates
        read of each need after a start paid them (README). Nothing when the segments have
        no room for every open need (100,000 people keep 47): the rankings' own reads then
        choose what is kept, and each pass here would push out what they kept (at 100,000,
        a pass after each merge cost ~2 s of CPU and doubled the p99 of reads).
        """
        self._keep_queued = False
        done = 0
        if not self._live:
            return done
        needs = self._live["need"].snapshot.items()
        if len(needs) > self._live["person"].snapshot.kept_room():
            return done
        for item in needs:
            if self._closed:
                break
            people = self._live["person"].snapshot  # the latest: writes go on meanwhile
            side = people.query_side([item], mirror=self._live["need"].snapshot)
            if people.keeps(side):
                continue
            patience = time.monotonic() + KEEP_PATIENCE_S
            while not RANKING_SLOTS.idle() and time.monotonic() < patience:
                time.sleep(KEEP_PAUSE_S)
            with RANKING_SLOTS:
                done += people.keep_scores(side) > 0
        return done

    @property
    def owns_sessions(self) -> bool:
        """Whether this service may open its own sessions (and so save what it computes).

        A service built on an unbound session factory (tests that share one engine across
        rolled-back transactions) reads and computes through the request's session only.
        """
        return self.sessions is not None and self.sessions.kw.get("bind") is not None

    def load(
        self,
        progress: Progress | None = None,
        session: Session | None = None,
        settle: Callable[[], None] | None = None,
    ) -> None:
        """Build both indexes from the stored entries (once).

        With its own sessions, the service first marks stale documents pending and indexes
        them, saving each batch, so a later start finds them ready; the index is published only
        once complete: it never answers from a partial corpus. Meanwhile a second thread loads
        the embedding model, which stored features do not need but the first new text would
        (1.4 s for USE: a worker's first write waited for it). `settle` runs last, before the
        index is published. Given a `session` instead, it computes what is missing in memory
        and saves nothing.
        """
        with self._sync:
            if self._ready.is_set() and self._load_error is None:
                return
            started = time.perf_counter()
            self.progress = {"state": "loading"}
            signature = self.featurizer.signature
            warming: threading.Thread | None = None
            if session is None:
                warming = threading.Thread(target=self._warm, name="passerelle-warm", daemon=True)
                warming.start()
                with write_session(self.sessions) as writer, writer.begin():
                    marked = corpus.reconcile(writer, signature)
                if marked:
                    log.info("index: %d documents to index before serving", marked)
                self.index_pending(progress)
                self.progress = {"state": "loading"}
                with self.sessions() as reader:
                    self._build(reader, {})
            else:
                self._build(session, corpus.stale(session, signature))
            if warming is not None:
                warming.join()
                self.featurizer.warm()  # ESCO occupations' vectors, read from the cache
            if settle is not None:
                settle()
            self._load_error = None
            self.progress = {"state": "idle"}
            self._ready.set()
            log.info(
                "index loaded: %d needs, %d people in %.1f s",
                len(self._live["need"].snapshot),
                len(self._live["person"].snapshot),
                time.perf_counter() - started,
            )

    def _warm(self) -> None:
        try:
            warm_encoder(self.encoder)
        except Exception:  # serving stored features does not need it: a write will say why
            log.exception("index: the embedding model did not load")

    def _build(self, session: Session, stale: dict[corpus.Side, list[str]]) -> None:
        upto = corpus.version(session)
        live: dict[corpus.Side, LiveIndex] = {}
        for side in _SIDES:
            index = LiveIndex(
                self.featurizer,
                needs=side == "need",
                tag_names=corpus.NEED_TAGS if side == "need" else corpus.PERSON_TAGS,
                tail_limit=SERVICE_TAIL,  # rebuilt at each write: kept small
                compact_later=self._compact_later,  # a full tail is merged on the index worker
            )
            rows = corpus.ready_entries(session, side, upto)
            seqs = {ref: seq for ref, seq, *_ in rows}
            docs, broken = self._stored(
                [(r, sig, f, d) for r, _, sig, f, d in rows], side, report=True
            )
            if broken and self.owns_sessions:
                log.warning("index: %d %s entries unreadable, indexed again", len(broken), side)
            redo = {ref: -1 for ref in sorted(stale.get(side, ()))}
            redo.update({ref: seqs[ref] for ref in broken})  # saved again, if unchanged since
            # Written while the load ran (after its own indexing pass): indexed here, saved.
            redo.update(corpus.pending_refs(session, side, upto))
            if redo:
                docs = [d for d in docs if d.item.id not in redo]
                fresh, _gone = self._compute(session, side, redo)
                docs.extend(fresh)
            index.build(docs, version=upto)
            live[side] = index
        self._live = live
        self.applied = upto
        self.loaded_version = upto
        self._touched = set()

    def rewind(self) -> None:
        """Re-read, at the next ranking, every document changed since the load.

        For a database that went back in time under a running service (tests roll every
        transaction back; a restore from backup): versions no longer say what changed.
        """
        self._rewind = True

    def _resync(self, session: Session) -> None:
        touched, self._touched = self._touched, set()
        self._rewind = False
        by_side: dict[corpus.Side, list[str]] = {"need": [], "person": []}
        for side, ref in touched:
            by_side[side].append(ref)
        signature = self.featurizer.signature
        for side, refs in by_side.items():
            if not refs:
                continue
            entries = {e.ref: e for e in corpus.entries_of(session, side, refs)}
            upserts: list[Document] = []
            removed: list[str] = []
            redo: dict[str, int] = {}
            for ref in refs:
                entry = entries.get(ref)
                if entry is None or entry.state == "removed" or entry.seq > self.loaded_version:
                    removed.append(ref)
                elif entry.state == "ready" and entry.signature == signature:
                    docs, broken = self._stored(
                        [(ref, entry.signature, entry.features, entry.document)], side
                    )
                    upserts.extend(docs)
                    redo.update({b: entry.seq for b in broken})
                else:
                    redo[ref] = entry.seq
            if redo:
                fresh, gone = self._compute(session, side, redo)
                upserts.extend(fresh)
                removed.extend(gone)
            self._live[side].apply(upserts, removed, version=self.loaded_version)
        self.applied = self.loaded_version

    def _stored(
        self,
        rows: Sequence[tuple[str, str | None, bytes | None, str | None]],
        side: str,
        report: bool = False,
    ) -> tuple[list[Document], list[str]]:
        """The documents of stored entries, and the refs of those unreadable; `report`: say
        how many are read in `progress` (the start reads 100,000 in ~20 s)."""
        signature = self.featurizer.signature
        docs: list[Document] = []
        broken: list[str] = []
        for i, (ref, sig, blob, document) in enumerate(rows):
            if report and i % LOAD_REPORT_EVERY == 0:
                self.progress = {"state": "loading", "side": side, "done": i, "total": len(rows)}
            if sig != signature or blob is None or document is None:
                broken.append(ref)
                continue
            try:
                features = Features.from_bytes(blob)
                loaded = corpus.load(document)
                if features.id != ref or loaded.item.id != ref:
                    raise ValueError("entry of another document")
                if features.dense.shape[0] != self.featurizer.encoder.dim:
                    raise ValueError("vector of another model")
            except ValueError as exc:
                log.warning("index: %s entry %s unreadable (%s)", side, ref, exc)
                broken.append(ref)
                continue
            docs.append(Document(loaded.item, features, loaded.tags))
        if report:
            self.progress = {
                "state": "loading",
                "side": side,
                "done": len(rows),
                "total": len(rows),
            }
        return docs, broken

    def ready(self) -> bool:
        return self._ready.is_set() and self._load_error is None

    def status(self) -> dict[str, Any]:
        """Where the index stands, for the health check and the callers kept waiting:
        `ready`, and `state` - `loading` (reading the stored features of `total` documents of
        one `side`, `done` so far, then building), `indexing` (computing features, counted the
        same way), `idle`, or `failed`."""
        progress = dict(self.progress)  # replaced whole by the indexer: read once
        if self._load_error is not None:
            progress = {"state": "failed"}
        return {"ready": self.ready(), **progress}

    def load_ended(self) -> bool:
        """Whether the load at start is over, whether it loaded the index or failed."""
        return self._ready.is_set()

    def _wait_ready(self, session: Session) -> None:
        if not self._ready.is_set():
            if not self.owns_sessions:
                self.load(session=session)
                return
            self.start()
            if not self._ready.wait(self.ready_timeout):
                raise IndexNotReady("the matching index is still loading", self.status())
        if self._load_error is not None:
            status = self.status()
            error, self._load_error = self._load_error, None
            self._ready.clear()
            raise IndexNotReady(f"the matching index failed to load: {error}", status) from error

    # ------------------------------------------------------------------ writing
    def prepare(self, session: Session) -> None:
        """Index what this unit of work changed, inside it, just before it commits.

        The writer pays for its own features (tens of milliseconds), so a 2xx means the
        document is indexed on disk and every worker's next read only loads it. Before the
        engine is loaded, or for a bulk change, the entries stay pending for the indexer.
        """
        changed = corpus.prepared(session)
        if self._featurizer is None or not any(changed.values()):
            return
        for side, refs in changed.items():
            if refs:
                computed = self._featurize(session, side, refs, self._featurizer)
                corpus.set_ready(session, side, computed.records, computed.gone)

    def _featurize(
        self,
        session: Session,
        side: corpus.Side,
        refs: Sequence[str],
        featurizer: Featurizer | None = None,
    ) -> _Computed:
        """Features of documents from their rows, as index documents and as stored records;
        refs with no row (erased, or a need closed) are `gone`."""
        loaded = (
            corpus.open_needs(session, refs) if side == "need" else corpus.people(session, refs)
        )
        present = [loaded[ref] for ref in refs if ref in loaded]
        featurizer = featurizer or self.featurizer
        features = featurizer.features([d.item for d in present]) if present else []
        pairs = list(zip(present, features, strict=True))
        return _Computed(
            docs=[Document(d.item, f, d.tags) for d, f in pairs],
            records=[
                (d.item.id, featurizer.signature, f.to_bytes(), corpus.dump(d)) for d, f in pairs
            ],
            gone=[ref for ref in refs if ref not in loaded],
        )

    # ------------------------------------------------------------------ reading
    def indexes(self, session: Session) -> Indexes:
        """The snapshots to rank on, with every change committed before this call applied.

        Cached vectors are read through `session` for the rest of the request: a request never
        takes a second pooled connection.
        """
        store = getattr(self.encoder, "store", None)
        if isinstance(store, DatabaseStore):
            store.bind(session)
        if self._rewind and self._ready.is_set():
            with self._sync:
                if self._rewind:
                    if not self.owns_sessions and corpus.version(session) < self.loaded_version:
                        # Loaded inside a transaction that was rolled back since: load again.
                        self._rewind = False
                        self._ready.clear()
                    else:
                        self._resync(session)
                        if not self.owns_sessions and corpus.counts(session) != (
                            len(self._live["need"].snapshot),
                            len(self._live["person"].snapshot),
                        ):
                            self._ready.clear()  # documents of a rolled-back load remain
        self._wait_ready(session)
        target = corpus.version(session)
        # Another reader may be applying the same changes: wait for it rather than rank on a
        # state that misses a write the caller has seen acknowledged.
        if target > self.applied and self._sync.acquire(timeout=5.0):
            try:
                if target > self.applied:
                    self._apply(session, target)
            finally:
                self._sync.release()
        return Indexes(
            self._live["need"].snapshot,
            self._live["person"].snapshot,
            self.weights,
            self.reranker.current(),
        )

    def _apply(self, session: Session, target: int) -> None:
        """Apply the entries changed after the applied version, up to `target`."""
        entries = corpus.entries_after(session, self.applied, target)
        by_side: dict[corpus.Side, list[IndexEntry]] = {"need": [], "person": []}
        for entry in entries:
            by_side[entry.side].append(entry)  # type: ignore[index]
        signature = self.featurizer.signature
        deferred = False
        for side, rows in by_side.items():
            if not rows:
                continue
            upserts: list[Document] = []
            removed: list[str] = []
            pending: dict[str, int] = {}
            for entry in rows:
                if entry.state == "removed":
                    removed.append(entry.ref)
                elif entry.state == "ready" and entry.signature == signature:
                    docs, broken = self._stored(
                        [(entry.ref, entry.signature, entry.features, entry.document)], side
                    )
                    upserts.extend(docs)
                    if broken:
                        pending[entry.ref] = entry.seq
                else:
                    pending[entry.ref] = entry.seq
            if len(pending) > INLINE_LIMIT:
                # A bulk change: indexed in the background, batch by batch; what this reader
                # ranks on keeps the previous versions of those documents meanwhile.
                deferred = True
                self._queue_pending(side)
            elif pending:
                fresh, gone = self._compute(session, side, pending)
                upserts.extend(fresh)
                removed.extend(gone)
            self._live[side].apply(upserts, removed, version=target)
            self._touched.update((side, ref) for ref in (*pending, *removed))
            self._touched.update((side, d.item.id) for d in upserts)
        self.applied = target
        if deferred:
            log.info("index: bulk change queued for background indexing")

    def _compute(
        self, session: Session, side: corpus.Side, pending: dict[str, int]
    ) -> tuple[list[Document], list[str]]:
        """Features of pending documents, from their rows; those with no row leave the index.

        Computed features are saved by the background worker (never by the reading request).
        """
        computed = self._featurize(session, side, list(pending))
        saves = [
            (ref, pending[ref], signature, blob, document)
            for ref, signature, blob, document in computed.records
            if pending[ref] >= 0  # -1: found stale at a load without its own sessions
        ]
        removals = {ref: pending[ref] for ref in computed.gone if pending[ref] >= 0}
        if self.owns_sessions and (saves or removals):
            self._submit(lambda: self._save(side, saves, removals))
        return computed.docs, computed.gone

    def _save(
        self,
        side: corpus.Side,
        saves: Sequence[tuple[str, int, str, bytes, str]],
        removals: dict[str, int],
    ) -> None:
        try:
            with write_session(self.sessions) as session, session.begin():
                if saves:
                    corpus.store_features(session, side, saves)
                if removals:
                    corpus.mark_removed(session, side, list(removals), removals)
        except SQLAlchemyError as exc:
            # Not saved this time: the entries stay pending and are computed again later.
            log.warning("index: features not saved (%d documents): %s", len(saves), exc)
        self.flush_cache()

    # ------------------------------------------------------------------ bulk indexing
    def _queue_pending(self, side: corpus.Side) -> None:
        key = ("pending", side)
        if key in self._queued_pending:
            return
        self._queued_pending.add(key)

        def job() -> None:
            self._queued_pending.discard(key)
            self.index_pending()

        self._submit(job)

    def index_all(self, progress: Progress | None = None) -> int:
        """Mark stale documents pending, then index every pending one (commands that write)."""
        with write_session(self.sessions) as writer, writer.begin():
            corpus.reconcile(writer, self.featurizer.signature)
        return self.index_pending(progress)

    def index_pending(self, progress: Progress | None = None) -> int:
        """Compute and save the features of every pending entry, in batches; returns how many.

        Each saved batch moves the corpus version, so every worker (this one included) loads
        it at its next read.
        """
        done = 0
        for side in _SIDES:
            with self.sessions() as session:
                upto = corpus.version(session)
                pending = dict(corpus.pending_refs(session, side, upto))
            if not pending:
                continue
            refs = sorted(pending)
            self.progress = {"state": "indexing", "side": side, "done": 0, "total": len(refs)}
            self.featurizer.warm(progress)
            for start in range(0, len(refs), BATCH):
                chunk = refs[start : start + BATCH]
                with self.sessions() as session:
                    computed = self._featurize(session, side, chunk)
                saves = [
                    (ref, pending[ref], signature, blob, document)
                    for ref, signature, blob, document in computed.records
                ]
                self._save(side, saves, {ref: pending[ref] for ref in computed.gone})
                done += len(chunk)
                self.progress = {
                    "state": "indexing",
                    "side": side,
                    "done": start + len(chunk),
                    "total": len(refs),
                }
                if progress is not None:
                    progress(f"index {side}", start + len(chunk), len(refs))
        self.progress = {"state": "idle"}
        return done
