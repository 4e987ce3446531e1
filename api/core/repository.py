"""Queries every domain shares: a row by its public reference, new references, paged lists."""

from __future__ import annotations

import secrets
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from api.core.errors import NotFound
from api.models import Need, Organisation, Person, Skill
from matching.skills import skill_key

M = TypeVar("M", Organisation, Person, Need)

# What a 404 calls each kind of row (the message names it to the reader).
# The entity codes of the 404s (`error.api.entity.<code>` names them in the catalogues).
_LABELS = {"Organisation": "organisation", "Person": "person", "Need": "need"}


def get_by_ref(session: Session, model: type[M], ref: str) -> M | None:
    return session.scalars(select(model).where(model.ref == ref)).unique().one_or_none()


def get_or_404(session: Session, model: type[M], ref: str) -> M:
    """The row with this reference, or a 404 problem naming it."""
    found = get_by_ref(session, model, ref)
    if found is None:
        raise NotFound(_LABELS[model.__name__], ref)
    return found


def new_ref(session: Session, model: type[M], prefix: str) -> str:
    """A reference no row of `model` has yet, e.g. NEED00042-1f3a."""
    count = session.scalar(select(func.count()).select_from(model)) or 0
    while True:
        count += 1
        ref = f"{prefix}{count:05d}-{secrets.token_hex(2)}"
        if session.scalar(select(model.id).where(model.ref == ref)) is None:
            return ref


def count(session: Session, model: type[M]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def paged(session: Session, query: Select[Any], limit: int, offset: int) -> tuple[list[Any], int]:
    """One page of the query's rows and how many rows it has in all."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(query.limit(limit).offset(offset)).unique().all()
    return list(rows), int(total)


def skill_ids(skill: str) -> Select[Any]:
    """Ids of the skill a label names (through its normalised key), for filters by skill."""
    return select(Skill.id).where(Skill.key == skill_key(skill))
