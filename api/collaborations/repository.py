"""Queries of collaboration proposals."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.repository import paged
from api.models import CollaborationProposal, Need


def find(session: Session, need_id: int, person_id: int) -> CollaborationProposal | None:
    return session.scalars(
        select(CollaborationProposal).where(
            CollaborationProposal.need_id == need_id,
            CollaborationProposal.person_id == person_id,
        )
    ).first()


def for_need(session: Session, need_id: int) -> list[CollaborationProposal]:
    return list(
        session.scalars(
            select(CollaborationProposal)
            .where(CollaborationProposal.need_id == need_id)
            .order_by(CollaborationProposal.created_at.desc(), CollaborationProposal.id.desc())
        )
    )


def listed(
    session: Session,
    *,
    person_id: int | None,
    organisation_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[CollaborationProposal], int]:
    """Proposals by one person, or to one organisation's needs, or all (both None), newest first."""
    query = select(CollaborationProposal).join(Need, Need.id == CollaborationProposal.need_id)
    if person_id is not None:
        query = query.where(CollaborationProposal.person_id == person_id)
    if organisation_id is not None:
        query = query.where(Need.organisation_id == organisation_id)
    query = query.order_by(CollaborationProposal.created_at.desc(), CollaborationProposal.id.desc())
    return paged(session, query, limit, offset)


def kinds_of(session: Session, refs: Iterable[str]) -> dict[str, str]:
    """Need ref -> kind, for the given refs."""
    wanted = list(refs)
    if not wanted:
        return {}
    return dict(session.execute(select(Need.ref, Need.kind).where(Need.ref.in_(wanted))).all())


def proposed_need_refs(session: Session, person_id: int) -> set[str]:
    return set(
        session.scalars(
            select(Need.ref)
            .join(CollaborationProposal, CollaborationProposal.need_id == Need.id)
            .where(CollaborationProposal.person_id == person_id)
        )
    )
