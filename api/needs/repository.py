"""Queries of needs: the filtered directory, an organisation's needs, skill links."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from api.core.repository import paged, skill_ids
from api.models import Need, NeedSkill, Organisation, Skill


def list_needs(
    session: Session,
    *,
    kind: str | None,
    territory: str | None,
    skills: Sequence[str],
    organisation: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Need], int]:
    query = select(Need).order_by(Need.ref)
    if kind:
        query = query.where(Need.kind == kind)
    if territory:
        query = query.where(Need.territory == territory)
    if organisation:
        query = query.where(
            Need.organisation_id.in_(
                select(Organisation.id).where(Organisation.ref == organisation)
            )
        )
    for skill in skills:
        query = query.where(
            Need.id.in_(select(NeedSkill.need_id).where(NeedSkill.skill_id.in_(skill_ids(skill))))
        )
    return paged(session, query, limit, offset)


def needs_of_organisation(session: Session, organisation_id: int) -> list[Need]:
    """An organisation's needs, open ones first, newest first."""
    query = (
        select(Need)
        .where(Need.organisation_id == organisation_id)
        .order_by(Need.is_open.desc(), Need.created_at.desc())
    )
    return list(session.scalars(query).all())


def count_open(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Need).where(Need.is_open)) or 0


def set_need_skills(need: Need, required: Sequence[Skill], nice: Sequence[Skill]) -> None:
    """Replace a need's required and nice-to-have skills (a skill both required and nice is
    required); links already there are reused, not re-inserted."""
    required_ids = {id(s) for s in required}
    nice = [s for s in nice if id(s) not in required_ids]
    existing = {id(link.skill): link for link in need.skill_links}
    links = []
    for position, (skill, is_required) in enumerate(
        [(s, True) for s in required] + [(s, False) for s in nice]
    ):
        link = existing.get(id(skill)) or NeedSkill(skill=skill)
        link.required = is_required
        link.position = position
        links.append(link)
    need.skill_links = links


def _like(word: str) -> str:
    escaped = word.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def open_offers(
    session: Session,
    *,
    words: Sequence[str],
    kind: str | None,
    territory: str | None,
    remote: str | None,
    start_from: date | None,
    limit: int,
    offset: int,
) -> tuple[list[Need], int]:
    """One page of the open needs, newest first: each word in the title, description,
    organisation or town; then the filters."""
    query = (
        select(Need)
        .join(Organisation, Organisation.id == Need.organisation_id)
        .where(Need.is_open)
        .order_by(Need.created_at.desc(), Need.ref)
    )
    for word in words:
        pattern = _like(word)
        query = query.where(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (Need.title, Need.description, Organisation.name, Need.town)
                )
            )
        )
    if kind:
        query = query.where(Need.kind == kind)
    if territory:
        query = query.where(Need.territory == territory)
    if remote:
        query = query.where(Need.remote == remote)
    if start_from:
        query = query.where(Need.start_date >= start_from)
    return paged(session, query, limit, offset)


def open_territories(session: Session) -> list[str]:
    """Territories that have open needs (the choices of the offers' filter)."""
    found = session.scalars(select(Need.territory).where(Need.is_open).distinct())
    return sorted(t for t in found if t)
