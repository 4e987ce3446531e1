"""Every query of imports and exports: existing refs, bulk inserts, demo lookups, export rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, aliased

from api.models import (
    AppState,
    Need,
    Organisation,
    Person,
    Suggestion,
    SuggestionEvent,
    User,
)


def organisation_refs(session: Session) -> set[str]:
    return set(session.scalars(select(Organisation.ref)))


def person_refs(session: Session) -> set[str]:
    return set(session.scalars(select(Person.ref)))


def person_emails(session: Session) -> list[str]:
    return list(session.scalars(select(Person.email)))


def need_refs(session: Session) -> set[str]:
    return set(session.scalars(select(Need.ref)))


def student_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).where(Person.kind == "student")) or 0)


def school_refs_by_name(session: Session) -> dict[str, str]:
    """Refs of the schools, by name (the demo generator knows its schools by name)."""
    query = select(Organisation.name, Organisation.ref).where(Organisation.kind == "school")
    return {name: ref for name, ref in session.execute(query)}


def organisation_ids(session: Session, refs: Iterable[str]) -> dict[str, int]:
    """Database ids of the organisations with these refs, by ref."""
    query = select(Organisation.ref, Organisation.id).where(Organisation.ref.in_(list(refs)))
    return {ref: id_ for ref, id_ in session.execute(query)}


def insert_returning_ids(
    session: Session, model: Any, rows: list[dict[str, Any]]
) -> dict[str, int]:
    """Insert `rows` (Core, no ORM bookkeeping); their database ids by ref."""
    if not rows:
        return {}
    table = model.__table__
    statement = insert(table).returning(table.c.id, table.c.ref, sort_by_parameter_order=True)
    return {ref: id_ for id_, ref in session.connection().execute(statement, rows)}


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (Core, no ORM bookkeeping) into a table whose ids nobody needs back."""
    if rows:
        session.connection().execute(insert(model.__table__), rows)


def app_state(session: Session, key: str) -> AppState | None:
    return session.get(AppState, key)


def first_person(session: Session, kind: str) -> Person | None:
    """The person of this kind with the smallest ref."""
    query = select(Person).where(Person.kind == kind).order_by(Person.ref)
    return session.scalars(query).first()


def first_company_with_need(session: Session) -> Organisation | None:
    """The company with the smallest ref among those that posted a need."""
    query = (
        select(Organisation)
        .where(Organisation.kind == "company", Organisation.id.in_(select(Need.organisation_id)))
        .order_by(Organisation.ref)
    )
    return session.scalars(query).first()


def email_taken(session: Session, email: str) -> bool:
    """An account already uses this address, whatever its case."""
    query = select(User.id).where(func.lower(User.email) == email.lower())
    return session.scalar(query) is not None


def suggestion_rows(session: Session) -> Sequence[tuple[Any, ...]]:
    """Every suggestion with its person's and need's refs, its need's organisation, oldest first."""
    person = aliased(Person)
    return (
        session.execute(
            select(
                Suggestion.id,
                person.ref,
                Need.ref,
                Need.title,
                Organisation.ref,
                Organisation.name,
                Suggestion.score,
                Suggestion.status,
                Suggestion.created_at,
                Suggestion.updated_at,
            )
            .join(Need, Suggestion.need_id == Need.id)
            .join(Organisation, Need.organisation_id == Organisation.id)
            .outerjoin(person, Suggestion.person_id == person.id)
            .order_by(Suggestion.id)
        )
        .tuples()
        .all()
    )


def decision_rows(session: Session) -> Sequence[tuple[Any, ...]]:
    """Every decision taken on a suggestion, with the person's and need's refs, oldest first."""
    return (
        session.execute(
            select(
                SuggestionEvent.id,
                SuggestionEvent.suggestion_id,
                Person.ref,
                Need.ref,
                SuggestionEvent.actor,
                SuggestionEvent.created_at,
                SuggestionEvent.from_status,
                SuggestionEvent.to_status,
                SuggestionEvent.reason,
            )
            .join(Suggestion, SuggestionEvent.suggestion_id == Suggestion.id)
            .join(Need, Suggestion.need_id == Need.id)
            .outerjoin(Person, Suggestion.person_id == Person.id)
            .order_by(SuggestionEvent.id)
        )
        .tuples()
        .all()
    )
