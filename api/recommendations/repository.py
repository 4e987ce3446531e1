"""Queries behind rankings: which documents a ranking may return, and the rows it names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from api.models import Consent, Need, Organisation, Person, Shortlist


def open_need_refs(
    session: Session,
    kind: str | None,
    territory: str | None,
    remote: str | None,
    start_from: date | None,
    start_until: date | None,
) -> set[str]:
    query = select(Need.ref).where(Need.is_open)
    if kind:
        query = query.where(Need.kind == kind)
    if territory:
        query = query.where(Need.territory == territory)
    if remote:
        query = query.where(Need.remote == remote)
    if start_from:
        query = query.where(Need.start_date >= start_from)
    if start_until:
        query = query.where(Need.start_date <= start_until)
    return set(session.scalars(query))


def person_refs(
    session: Session,
    visible: ColumnElement[bool],
    territory: str | None = None,
    kind: str | None = None,
    *,
    without_consent: bool = False,
) -> set[str]:
    """References of the people `visible` (the caller's policy clause) lets through; only
    those who have not consented to companies' views with `without_consent`."""
    query = select(Person.ref).where(visible)
    if without_consent:
        consenting = select(Consent.person_id).where(Consent.companies_may_view.is_(True))
        query = query.where(Person.id.not_in(consenting))
    if territory:
        query = query.where(Person.territory == territory)
    if kind:
        query = query.where(Person.kind == kind)
    return set(session.scalars(query))


@dataclass(frozen=True)
class Card:
    """What a ranked card shows of a person or a need: a few columns, no whole row."""

    title: str
    first_name: str
    last_name: str
    headline: str
    organisation: str | None
    territory: str | None


def need_cards(session: Session, refs: Sequence[str]) -> dict[str, Card]:
    rows = session.execute(
        select(Need.ref, Need.title, Organisation.name, Need.territory)
        .join(Organisation, Need.organisation_id == Organisation.id)
        .where(Need.ref.in_(list(refs)))
    )
    return {ref: Card(title, "", "", "", org, territory) for ref, title, org, territory in rows}


def person_cards(session: Session, refs: Sequence[str]) -> dict[str, Card]:
    rows = session.execute(
        select(
            Person.ref,
            Person.first_name,
            Person.last_name,
            Person.headline,
            Organisation.name,
            Person.territory,
        )
        .outerjoin(Organisation, Person.organisation_id == Organisation.id)
        .where(Person.ref.in_(list(refs)))
    )
    return {
        ref: Card("", first, last, headline, org, territory)
        for ref, first, last, headline, org, territory in rows
    }


def people_by_ref(session: Session, refs: Sequence[str]) -> dict[str, Person]:
    return {p.ref: p for p in session.scalars(select(Person).where(Person.ref.in_(list(refs))))}


def open_need_territories(session: Session) -> list[str]:
    return sorted(
        t for t in session.scalars(select(Need.territory).where(Need.is_open).distinct()) if t
    )


def shortlisted_refs(session: Session, need_id: int) -> set[str]:
    """References of the people shortlisted for a need."""
    return set(
        session.scalars(
            select(Person.ref)
            .join(Shortlist, Shortlist.person_id == Person.id)
            .where(Shortlist.need_id == need_id)
        )
    )
