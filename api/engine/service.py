"""The bridge to the matching engine: database rows to engine values, fitted rankers, a DB cache."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.engine import corpus
from api.engine.explanations import written
from api.models import Embedding, Need, Person
from matching.constraints import CONSTRAINTS, PersonArrays, violations
from matching.encoders import CachedEncoder, Encoder, Vectors, load_encoder
from matching.ranker import HybridRanker
from matching.skills import SkillVocabulary
from matching.types import Need as EngineNeed
from matching.types import Place, Suggestion
from matching.types import Profile as EngineProfile

log = logging.getLogger(__name__)


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
        with self.sessions() as session, session.begin():
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


class ExplainedRanker(HybridRanker):
    """The engine's ranker, its explanations written out in French and English.

    The engine explains in catalogue message ids; every ranking the service serves goes through
    here, so each explanation reaches the endpoints and pages with its texts.
    """

    def rank(self, *args: Any, **kwargs: Any) -> list[Suggestion]:
        return [
            replace(s, explanation=written(s.explanation)) if s.explanation is not None else s
            for s in super().rank(*args, **kwargs)
        ]

    def explain(self, *args: Any, **kwargs: Any) -> Any:
        return written(super().explain(*args, **kwargs))


@dataclass
class Fitted:
    version: int
    needs: HybridRanker | None  # ranks open needs for a person
    people: HybridRanker | None  # ranks people for a need


class MatchingService:
    """Holds rankers fitted on the current corpus; refits when the corpus version moves."""

    def __init__(
        self, sessions: sessionmaker[Session], model: str, encoder: Encoder | None = None
    ) -> None:
        self.sessions = sessions
        self.model = model
        self._encoder = encoder
        self._fitted: Fitted | None = None
        self._lock = threading.Lock()
        self._loading = threading.Lock()

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            with self._loading:  # one model in memory, however many first requests arrive
                if self._encoder is None:
                    self._encoder = CachedEncoder(
                        load_encoder(self.model), DatabaseStore(self.sessions)
                    )
        return self._encoder

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

    def fitted(self, session: Session) -> Fitted:
        """Rankers for the corpus `session` sees; they read cached vectors through `session`.

        Every ranking goes through here first, with the request's session: the rankers'
        encoder then reads the embedding cache on that session's connection for the rest of
        the request, fitting included, and never takes a second connection from the pool.
        """
        store = getattr(self.encoder, "store", None)
        if isinstance(store, DatabaseStore):
            store.bind(session)
        version = corpus.version(session)
        current = self._fitted
        if current is not None and current.version == version:
            return current
        with self._lock:
            if self._fitted is not None and self._fitted.version == version:
                return self._fitted
            vocabulary = SkillVocabulary.builtin()
            needs = [to_need(n) for n in session.scalars(select(Need).where(Need.is_open))]
            people = [to_profile(p) for p in session.scalars(select(Person))]
            self._fitted = Fitted(
                version=version,
                needs=ExplainedRanker(self.encoder, vocabulary=vocabulary).fit(needs)
                if needs
                else None,
                people=ExplainedRanker(self.encoder, vocabulary=vocabulary).fit(people)
                if people
                else None,
            )
            return self._fitted


@dataclass(frozen=True)
class Exclusions:
    """Why a person's recommendations may be empty: needs ruled out by each hard constraint."""

    considered: int  # needs left after the caller's filters
    passing: int  # ...that no hard constraint rules out
    by_constraint: dict[str, int]  # constraint name -> needs it rules out (a need may count twice)


def exclusions(ranker: HybridRanker, profile: EngineProfile, allowed: set[str]) -> Exclusions:
    """Count, among the `allowed` needs the ranker holds, those each constraint rules out."""
    if ranker.need_arrays_ is None:
        raise ValueError("the ranker must hold needs")
    codes = violations(ranker.need_arrays_, PersonArrays.of([profile]))[:, 0]
    keep = np.array([d.id in allowed for d in ranker.documents_], dtype=bool)
    codes = codes[keep]
    return Exclusions(
        considered=int(keep.sum()),
        passing=int((codes == 0).sum()),
        by_constraint={name: int(((codes & bit) != 0).sum()) for bit, name in CONSTRAINTS.items()},
    )
