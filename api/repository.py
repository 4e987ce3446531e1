"""Queries of the read side: lists with filters and pagination, lookups by reference."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from api.models import Need, NeedSkill, Organisation, Person, PersonSkill, Skill
from matching.skills import skill_key as normalise

M = TypeVar("M", Organisation, Person, Need)


def _page(session: Session, query: Select[Any], limit: int, offset: int) -> tuple[list[Any], int]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(query.limit(limit).offset(offset)).unique().all()
    return list(rows), int(total)


def _skill_ids(skill: str) -> Select[Any]:
    return select(Skill.id).where(Skill.key == normalise(skill))


def list_organisations(
    session: Session,
    *,
    kind: str | None,
    territory: str | None,
    sector: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Organisation], int]:
    query = select(Organisation).order_by(Organisation.ref)
    if kind:
        query = query.where(Organisation.kind == kind)
    if territory:
        query = query.where(Organisation.territory == territory)
    if sector:
        query = query.where(Organisation.sector == sector)
    return _page(session, query, limit, offset)


def list_people(
    session: Session,
    *,
    kind: str | None,
    territory: str | None,
    skills: Sequence[str],
    organisation: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Person], int]:
    query = select(Person).order_by(Person.ref)
    if kind:
        query = query.where(Person.kind == kind)
    if territory:
        query = query.where(Person.territory == territory)
    if organisation:
        query = query.join(Organisation, Person.organisation_id == Organisation.id).where(
            Organisation.ref == organisation
        )
    for skill in skills:
        query = query.where(
            Person.id.in_(
                select(PersonSkill.person_id).where(PersonSkill.skill_id.in_(_skill_ids(skill)))
            )
        )
    return _page(session, query, limit, offset)


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
            Need.id.in_(select(NeedSkill.need_id).where(NeedSkill.skill_id.in_(_skill_ids(skill))))
        )
    return _page(session, query, limit, offset)


def get_by_ref(session: Session, model: type[M], ref: str) -> M | None:
    return session.scalars(select(model).where(model.ref == ref)).unique().one_or_none()
