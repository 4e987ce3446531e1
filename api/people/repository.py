"""Queries of people and organisations: the directory, a person's own data, and erasure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.orm import Session

from api.core.repository import paged, skill_ids
from api.models import (
    AuditEntry,
    CollaborationProposal,
    Embedding,
    HackathonEvent,
    HackathonMember,
    Interest,
    JobDatingAttendee,
    JobDatingEvent,
    Need,
    Organisation,
    Person,
    PersonSkill,
    Shortlist,
    Skill,
    Suggestion,
    User,
)


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
    return paged(session, query, limit, offset)


def organisation_by_ref(session: Session, ref: str) -> Organisation | None:
    return session.scalars(select(Organisation).where(Organisation.ref == ref)).first()


def organisations_of_kind(session: Session, kind: str) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation).where(Organisation.kind == kind).order_by(Organisation.name)
        )
    )


def list_people(
    session: Session,
    *,
    kind: str | None,
    territory: str | None,
    skills: Sequence[str],
    organisation: str | None,
    limit: int,
    offset: int,
    visible: ColumnElement[bool] | None = None,
) -> tuple[list[Person], int]:
    """People matching the filters; `visible` is the caller's policy clause (who they may see)."""
    query = select(Person).order_by(Person.ref)
    if visible is not None:
        query = query.where(visible)
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
                select(PersonSkill.person_id).where(PersonSkill.skill_id.in_(skill_ids(skill)))
            )
        )
    return paged(session, query, limit, offset)


def user_of_person(session: Session, person_id: int) -> User | None:
    return session.scalars(select(User).where(User.person_id == person_id)).unique().one_or_none()


def interests_of(session: Session, person_id: int) -> list[tuple[Interest, Need]]:
    query = (
        select(Interest, Need)
        .join(Need, Need.id == Interest.need_id)
        .where(Interest.person_id == person_id)
        .order_by(Interest.created_at)
    )
    return [(i, n) for i, n in session.execute(query).unique().tuples()]


def shortlists_of(session: Session, person_id: int) -> list[tuple[Shortlist, Need]]:
    query = (
        select(Shortlist, Need)
        .join(Need, Need.id == Shortlist.need_id)
        .where(Shortlist.person_id == person_id)
        .order_by(Shortlist.created_at)
    )
    return [(s, n) for s, n in session.execute(query).unique().tuples()]


def suggestions_about(session: Session, person_id: int) -> list[tuple[Suggestion, Need]]:
    query = (
        select(Suggestion, Need)
        .join(Need, Need.id == Suggestion.need_id)
        .where(Suggestion.person_id == person_id)
        .order_by(Suggestion.created_at, Suggestion.id)
    )
    return [(s, n) for s, n in session.execute(query).unique().tuples()]


def collaborations_of(session: Session, person_id: int) -> list[CollaborationProposal]:
    return list(
        session.scalars(
            select(CollaborationProposal)
            .where(CollaborationProposal.person_id == person_id)
            .order_by(CollaborationProposal.id)
        )
    )


def job_datings_of(
    session: Session, person_id: int
) -> list[tuple[JobDatingAttendee, JobDatingEvent]]:
    """The job-dating events the person was registered for, with their registration."""
    out = []
    for attendee in session.scalars(
        select(JobDatingAttendee).where(JobDatingAttendee.person_id == person_id)
    ):
        event = session.get(JobDatingEvent, attendee.event_id)
        assert event is not None
        out.append((attendee, event))
    return out


def hackathons_of(session: Session, person_id: int) -> list[tuple[HackathonMember, HackathonEvent]]:
    query = (
        select(HackathonMember, HackathonEvent)
        .join(HackathonEvent, HackathonEvent.id == HackathonMember.event_id)
        .where(HackathonMember.person_id == person_id)
        .order_by(HackathonEvent.created_at)
    )
    return [(m, e) for m, e in session.execute(query).tuples()]


def _audit_about_clause(refs: Iterable[str], actors: Iterable[str]) -> ColumnElement[bool]:
    return or_(AuditEntry.object_ref.in_(list(refs)), AuditEntry.actor.in_(list(actors)))


def audit_about(session: Session, refs: Iterable[str], actors: Iterable[str]) -> list[AuditEntry]:
    """Audit entries whose object is one of `refs` or whose actor is one of `actors`."""
    query = (
        select(AuditEntry)
        .where(_audit_about_clause(refs, actors))
        .order_by(AuditEntry.created_at, AuditEntry.id)
    )
    return list(session.scalars(query))


ERASED = "anonymisé"


def scrub(value: Any, secrets_: Sequence[str]) -> Any:
    """`value` with each secret (whole words, any case) replaced by ERASED, through JSON."""
    if not secrets_:
        return value
    pattern = re.compile(
        "|".join(rf"(?<!\w){re.escape(s)}(?!\w)" for s in sorted(secrets_, key=len, reverse=True)),
        re.IGNORECASE,
    )

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return pattern.sub(ERASED, item)
        if isinstance(item, dict):
            return {walk(k): walk(v) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v) for v in item]
        return item

    return walk(value)


def erase_person(
    session: Session,
    person: Person,
    *,
    secrets_: Sequence[str],
    actors: Sequence[str],
    embedding_keys: Sequence[str],
) -> dict[str, int]:
    """Delete a person and everything that is theirs alone; keep decisions, anonymised.

    Removed: the person row with its skill links and consent (ORM cascade), their interests,
    the shortlists naming them, the account speaking for them, and the cached embeddings whose
    keys are given. Kept: suggestions about them (person_id set to NULL) with their decision
    history, and audit entries; in both, `secrets_` (name, e-mail, reference) are scrubbed from
    free text and JSON, and audit entries about them or by them are re-labelled ERASED.
    Returns how many rows of each kind were touched.
    """
    counts: dict[str, int] = {}
    suggestions = list(session.scalars(select(Suggestion).where(Suggestion.person_id == person.id)))
    for suggestion in suggestions:
        suggestion.person_id = None
        suggestion.explanation = scrub(dict(suggestion.explanation or {}), secrets_)
        for event in suggestion.events:
            event.reason = scrub(event.reason, secrets_)
            if event.actor in actors:
                event.actor = _erased_actor(event.actor)
    counts["suggestions_anonymised"] = len(suggestions)
    counts["interests"] = _rowcount(
        session.execute(delete(Interest).where(Interest.person_id == person.id))
    )
    counts["shortlists"] = _rowcount(
        session.execute(delete(Shortlist).where(Shortlist.person_id == person.id))
    )
    counts["collaboration_proposals"] = _rowcount(
        session.execute(
            delete(CollaborationProposal).where(CollaborationProposal.person_id == person.id)
        )
    )
    entries = audit_about(session, [person.ref, *_emails(secrets_)], actors)
    for entry in entries:
        if entry.object_ref in (person.ref, *_emails(secrets_)):
            entry.object_ref = ERASED
        if entry.actor in actors:
            entry.actor = _erased_actor(entry.actor)
        entry.reason = scrub(entry.reason, secrets_)
        entry.data = scrub(dict(entry.data or {}), secrets_)
    counts["audit_entries_anonymised"] = len(entries)
    counts["embeddings"] = drop_embeddings(session, embedding_keys)
    user = user_of_person(session, person.id)
    counts["accounts"] = 0
    if user is not None:
        session.delete(user)
        counts["accounts"] = 1
    session.flush()
    session.delete(person)
    session.flush()
    return counts


def _emails(values: Iterable[str]) -> list[str]:
    return [v for v in values if "@" in v]


def _erased_actor(actor: str) -> str:
    role, sep, _ = actor.partition(":")
    return f"{role}:{ERASED}" if sep else ERASED


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def set_person_skills(person: Person, skills: Sequence[Skill]) -> None:
    """Replace a person's skills, in order; links already there are reused, not re-inserted."""
    existing = {id(link.skill): link for link in person.skill_links}
    links = []
    for position, skill in enumerate(skills):
        link = existing.get(id(skill)) or PersonSkill(skill=skill)
        link.position = position
        links.append(link)
    person.skill_links = links


def drop_embeddings(session: Session, keys: Sequence[str]) -> int:
    """Delete the cached vectors under these keys (`matching.text_key`); how many went."""
    dropped = 0
    for start in range(0, len(keys), 500):
        dropped += _rowcount(
            session.execute(
                delete(Embedding).where(Embedding.text_hash.in_(list(keys[start : start + 500])))
            )
        )
    return dropped
