"""The bridge to the matching engine: database rows to engine values, fitted rankers, a DB cache."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api import corpus
from api.models import Embedding, Need, Person
from matching.constraints import CONSTRAINTS, PersonArrays, violations
from matching.encoders import CachedEncoder, Encoder, Vectors, load_encoder
from matching.ranker import HybridRanker
from matching.skills import SkillVocabulary
from matching.types import Need as EngineNeed
from matching.types import Place
from matching.types import Profile as EngineProfile


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
    """Embedding cache in the service's own database (table `embeddings`)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, Vectors]:
        out: dict[str, Vectors] = {}
        with self.sessions() as session:
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
        with self.sessions() as session, session.begin():
            existing = set(
                session.scalars(
                    select(Embedding.text_hash).where(
                        Embedding.model == model, Embedding.text_hash.in_(list(items))
                    )
                )
            )
            for key, vector in items.items():
                if key not in existing:
                    vector = np.asarray(vector, dtype=np.float32)
                    session.add(
                        Embedding(
                            model=model,
                            text_hash=key,
                            dim=int(vector.shape[0]),
                            vector=vector.tobytes(),
                        )
                    )


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

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = CachedEncoder(load_encoder(self.model), DatabaseStore(self.sessions))
        return self._encoder

    def fitted(self, session: Session) -> Fitted:
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
                needs=HybridRanker(self.encoder, vocabulary=vocabulary).fit(needs)
                if needs
                else None,
                people=HybridRanker(self.encoder, vocabulary=vocabulary).fit(people)
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
