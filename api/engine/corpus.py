"""What the matching index is made of, in the database: change numbers, entries, engine values.

Every write to a profile or a need calls `changed` in its own transaction: the corpus version
moves (under a row lock, so changes commit in version order) and the documents' index entries
become pending with that version. Each worker's index reads the entries past the last version
it applied, so a write served by one worker reaches every other one at its next read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from api.models import AppState, Consent, IndexEntry, Need, Organisation, Person
from matching.types import Need as EngineNeed
from matching.types import Place
from matching.types import Profile as EngineProfile

KEY = "corpus_version"
CHANGED = "index_changed"  # session.info key: (side, ref) the unit of work changed
PREPARE_LIMIT = 64
Side = Literal["need", "person"]
SIDES: tuple[Side, ...] = ("need", "person")
NEED_TAGS = ("kind", "territory", "remote")
PERSON_TAGS = ("kind", "territory", "consent")


def version(session: Session) -> int:
    """The current version; 0 before the first write."""
    row = session.get(AppState, KEY, populate_existing=True)
    return int(row.value) if row is not None else 0


def touch(session: Session) -> int:
    """Increment the version (created at 1) within the caller's transaction; returns it."""
    # FOR UPDATE serialises concurrent writers on PostgreSQL (SQLite locks the whole file).
    row = session.get(AppState, KEY, with_for_update=True, populate_existing=True)
    if row is None:
        row = AppState(key=KEY, value="1")
        session.add(row)
    else:
        row.value = str(int(row.value) + 1)
    session.flush()
    return int(row.value)


def counts(session: Session) -> tuple[int, int]:
    """(open needs, people): what a complete index holds."""
    needs = session.scalar(select(func.count()).select_from(Need).where(Need.is_open)) or 0
    people = session.scalar(select(func.count()).select_from(Person)) or 0
    return int(needs), int(people)


def changed(session: Session, side: Side, refs: Iterable[str]) -> int:
    """Mark documents to index again (created, edited, closed or erased); returns the version.

    The index decides at its next read what the change means: a closed need or an erased
    person leaves it, anything else has its features computed again.
    """
    wanted = list(dict.fromkeys(refs))
    seq = touch(session)
    if not wanted:
        return seq
    existing: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        existing.update(
            session.scalars(
                select(IndexEntry.ref).where(IndexEntry.side == side, IndexEntry.ref.in_(chunk))
            )
        )
        session.execute(
            update(IndexEntry)
            .where(IndexEntry.side == side, IndexEntry.ref.in_(chunk))
            .values(seq=seq, state="pending", features=None, signature=None, document=None)
            .execution_options(synchronize_session=False)
        )
    session.add_all(
        IndexEntry(side=side, ref=ref, seq=seq, state="pending")
        for ref in wanted
        if ref not in existing
    )
    session.flush()
    # A few documents are indexed by the unit of work itself, before it commits (see
    # MatchingService.prepare); a bulk change is left to the background indexer.
    if len(wanted) <= PREPARE_LIMIT:
        session.info.setdefault(CHANGED, set()).update((side, ref) for ref in wanted)
    return seq


# -------------------------------------------------------------------------------- entries
def entries_after(session: Session, seq: int, upto: int) -> list[IndexEntry]:
    """Entries changed after `seq`, up to `upto`, in change order."""
    return list(
        session.scalars(
            select(IndexEntry)
            .where(IndexEntry.seq > seq, IndexEntry.seq <= upto)
            .order_by(IndexEntry.seq)
        )
    )


def entries_of(session: Session, side: Side, refs: Sequence[str]) -> list[IndexEntry]:
    out: list[IndexEntry] = []
    for start in range(0, len(refs), 500):
        out.extend(
            session.scalars(
                select(IndexEntry).where(
                    IndexEntry.side == side, IndexEntry.ref.in_(list(refs[start : start + 500]))
                )
            )
        )
    return out


def ready_entries(
    session: Session, side: Side, upto: int
) -> list[tuple[str, int, str | None, bytes | None, str | None]]:
    """(ref, seq, signature, features, document) of every indexed document of a side."""
    rows = session.execute(
        select(
            IndexEntry.ref,
            IndexEntry.seq,
            IndexEntry.signature,
            IndexEntry.features,
            IndexEntry.document,
        ).where(
            IndexEntry.side == side,
            IndexEntry.state == "ready",
            IndexEntry.seq <= upto,
        )
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def pending_refs(session: Session, side: Side, upto: int) -> list[tuple[str, int]]:
    return [
        (ref, seq)
        for ref, seq in session.execute(
            select(IndexEntry.ref, IndexEntry.seq).where(
                IndexEntry.side == side, IndexEntry.state == "pending", IndexEntry.seq <= upto
            )
        )
    ]


def prepared(session: Session) -> dict[Side, list[str]]:
    """The documents this unit of work changed (and forgets them)."""
    changed_refs: set[tuple[Side, str]] = session.info.pop(CHANGED, set())
    out: dict[Side, list[str]] = {"need": [], "person": []}
    for side, ref in sorted(changed_refs):
        out[side].append(ref)
    return out


def set_ready(
    session: Session, side: Side, items: Sequence[tuple[str, str, bytes, str]], gone: Sequence[str]
) -> None:
    """Within the unit of work that changed them: features of documents (ref, signature,
    features, document), and documents that left the index; their version stays the change's."""
    for ref, signature, blob, document in items:
        session.execute(
            update(IndexEntry)
            .where(IndexEntry.side == side, IndexEntry.ref == ref)
            .values(state="ready", signature=signature, features=blob, document=document)
            .execution_options(synchronize_session=False)
        )
    for ref in gone:
        session.execute(
            update(IndexEntry)
            .where(IndexEntry.side == side, IndexEntry.ref == ref)
            .values(state="removed", features=None, signature=None, document=None)
            .execution_options(synchronize_session=False)
        )


def store_features(
    session: Session, side: Side, items: Sequence[tuple[str, int, str, bytes, str]]
) -> list[str]:
    """Save computed features (ref, seq seen, signature, blob, document) where the entry has
    not moved on.

    Moves the stored entries to a new version so that other workers load them; returns the
    refs saved. An entry changed since its features were computed keeps waiting (pending).
    """
    seq = touch(session)
    saved: list[str] = []
    for ref, seen, signature, blob, document in items:
        result = session.execute(
            update(IndexEntry)
            .where(
                IndexEntry.side == side,
                IndexEntry.ref == ref,
                IndexEntry.seq == seen,
                # pending, or ready with features found unreadable: either way not changed since
                IndexEntry.state.in_(("pending", "ready")),
            )
            .values(seq=seq, state="ready", signature=signature, features=blob, document=document)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            saved.append(ref)
    return saved


def mark_removed(session: Session, side: Side, refs: Sequence[str], seen: dict[str, int]) -> None:
    seq = touch(session)
    for ref in refs:
        session.execute(
            update(IndexEntry)
            .where(IndexEntry.side == side, IndexEntry.ref == ref, IndexEntry.seq == seen[ref])
            .values(seq=seq, state="removed", features=None, signature=None, document=None)
            .execution_options(synchronize_session=False)
        )


def stale(session: Session, signature: str) -> dict[Side, list[str]]:
    """Documents whose entry disagrees with the tables: missing, outdated, or of a gone row.

    Rows written without `changed` (the demo region, bulk loads, an older version of the
    service) and features made by another model or taxonomy are found here at start.
    """
    people = set(session.scalars(select(Person.ref)))
    needs = set(session.scalars(select(Need.ref).where(Need.is_open)))
    known: dict[tuple[str, str], tuple[str, str | None]] = {
        (side, ref): (state, sig)
        for side, ref, state, sig in session.execute(
            select(IndexEntry.side, IndexEntry.ref, IndexEntry.state, IndexEntry.signature)
        )
    }
    out: dict[Side, list[str]] = {"need": [], "person": []}
    present: dict[Side, set[str]] = {"need": needs, "person": people}
    for side in SIDES:
        for ref in sorted(present[side]):
            state, sig = known.get((side, ref), ("missing", None))
            if state in ("missing", "removed", "pending") or sig != signature:
                out[side].append(ref)
    for (side_name, ref), (state, _sig) in known.items():
        side = "need" if side_name == "need" else "person"
        if state != "removed" and ref not in present[side]:
            out[side].append(ref)
    return out


def reconcile(session: Session, signature: str) -> int:
    """Mark every stale document pending (see `stale`); returns how many."""
    total = 0
    for side, refs in stale(session, signature).items():
        if refs:
            changed(session, side, refs)
            total += len(refs)
    return total


# ------------------------------------------------------------------------- engine values
@dataclass(frozen=True)
class Loaded:
    """A document's engine value and the tags the index filters on."""

    item: EngineNeed | EngineProfile
    tags: dict[str, str]


def _place(town: str | None, lat: float | None, lon: float | None) -> Place | None:
    if lat is None or lon is None:
        return None
    return Place(town or "", lat, lon)


def open_needs(session: Session, refs: Sequence[str] | None = None) -> dict[str, Loaded]:
    """Open needs as engine values (all, or those of `refs`), read column by column (fast)."""
    org = aliased(Organisation)
    query = select(Need, org.ref).join(org, Need.organisation_id == org.id).where(Need.is_open)
    out: dict[str, Loaded] = {}
    for chunk in _chunks(refs):
        q = query if chunk is None else query.where(Need.ref.in_(chunk))
        for need, org_ref in session.execute(q):
            item = EngineNeed(
                id=need.ref,
                kind=need.kind,
                title=need.title,
                description=need.description,
                skills=tuple(need.skills),
                nice_to_have=tuple(need.nice_to_have),
                level_min=need.level_min,
                languages=tuple(need.languages or ()),
                place=_place(need.town, need.lat, need.lon),
                remote=need.remote,
                start_date=need.start_date,
                duration_months=need.duration_months,
                places=need.places,
                organisation_id=org_ref,
            )
            tags = {
                "kind": need.kind or "",
                "territory": need.territory or "",
                "remote": need.remote or "",
            }
            out[need.ref] = Loaded(item, tags)
    return out


def people(session: Session, refs: Sequence[str] | None = None) -> dict[str, Loaded]:
    """People as engine values (all, or those of `refs`)."""
    org = aliased(Organisation)
    query = (
        select(Person, org.ref, Consent.companies_may_view)
        .outerjoin(org, Person.organisation_id == org.id)
        .outerjoin(Consent, Consent.person_id == Person.id)
    )
    out: dict[str, Loaded] = {}
    for chunk in _chunks(refs):
        q = query if chunk is None else query.where(Person.ref.in_(chunk))
        for person, org_ref, consent in session.execute(q):
            item = EngineProfile(
                id=person.ref,
                kind=person.kind,
                headline=person.headline,
                summary=person.summary,
                skills=tuple(person.skills),
                research_topics=tuple(person.research_topics or ()),
                level=person.level,
                languages=tuple(person.languages or ()),
                seeks=tuple(person.seeks or ()),
                place=_place(person.town, person.lat, person.lon),
                mobility_km=person.mobility_km,
                available_from=person.available_from,
                available_until=person.available_until,
                organisation_id=org_ref,
            )
            tags = {
                "kind": person.kind or "",
                "territory": person.territory or "",
                "consent": "1" if consent else "0",
            }
            out[person.ref] = Loaded(item, tags)
    return out


def _chunks(refs: Sequence[str] | None) -> Iterable[Sequence[str] | None]:
    if refs is None:
        yield None
        return
    for start in range(0, len(refs), 500):
        yield refs[start : start + 500]


# ----------------------------------------------------------------------- documents as JSON
def dump(loaded: Loaded) -> str:
    """The engine value and tags as JSON, stored beside the features."""
    item = loaded.item
    data = {f.name: getattr(item, f.name) for f in fields(item) if f.name not in ("place",)}
    for key, value in list(data.items()):
        if isinstance(value, date):
            data[key] = value.isoformat()
        elif isinstance(value, tuple):
            data[key] = list(value)
    place = item.place
    data["place"] = [place.town, place.lat, place.lon] if place is not None else None
    return json.dumps(
        {
            "side": "need" if isinstance(item, EngineNeed) else "person",
            "item": data,
            "tags": loaded.tags,
        },
        ensure_ascii=False,
    )


_DATES = ("start_date", "available_from", "available_until")


def load(text: str) -> Loaded:
    """Inverse of `dump`; raises ValueError on a document that cannot be read."""
    try:
        raw = json.loads(text)
        data = dict(raw["item"])
        place = data.pop("place")
        for key in _DATES:
            if data.get(key):
                data[key] = date.fromisoformat(data[key])
        for key, value in list(data.items()):
            if isinstance(value, list):
                data[key] = tuple(value)
        data["place"] = Place(str(place[0]), float(place[1]), float(place[2])) if place else None
        kind = EngineNeed if raw["side"] == "need" else EngineProfile
        return Loaded(kind(**data), {str(k): str(v) for k, v in raw["tags"].items()})
    except (KeyError, TypeError, ValueError, IndexError, json.JSONDecodeError) as exc:
        raise ValueError(f"corrupt index document: {exc}") from None
