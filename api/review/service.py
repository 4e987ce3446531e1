"""Rules of the review: the suggestion batch, which decision may follow which, who may mark
interest or shortlist, and what a person hears of their introductions."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from api.core.audit import actor_label, record
from api.core.content import LeftOut, has_content
from api.core.errors import Conflict, Forbidden, Invalid, NotFound
from api.core.policy import ensure_own_need, ensure_view_person
from api.core.repository import get_or_404
from api.engine.service import MatchingService, to_need, to_profile
from api.mail import service as mail
from api.models import Interest, Need, Person, Shortlist, Suggestion, SuggestionEvent, User
from api.people import repository as people_repository
from api.recommendations.service import explanation_json, pair_fit
from api.review import repository
from api.review.schemas import (
    AuditOut,
    Decision,
    EventOut,
    MutualOut,
    ProposeReport,
    QueueChoices,
    QueueFilters,
    QueuePage,
    SuggestionEdit,
    SuggestionOut,
)
from matching.calibration import fit_level

# Which decision may follow which status: a reviewer cannot "hire" a rejected pair.
TRANSITIONS: dict[str, dict[str, str]] = {
    "approve": {"proposed": "approved", "rejected": "approved"},
    "reject": {"proposed": "rejected", "approved": "rejected", "introduced": "rejected"},
    "introduce": {"proposed": "introduced", "approved": "introduced"},
    "hire": {"introduced": "hired", "approved": "hired"},
}


def propose(
    session: Session,
    matching: MatchingService,
    per_need: int,
    actor: User | None = None,
    *,
    need_ids: Collection[int] | None = None,
    audit: bool = True,
    empty_people: Collection[str] | None = None,
) -> ProposeReport:
    """For every open need, store its best candidates as proposed suggestions (no duplicates).

    `need_ids` limits the batch to those needs: a background job runs it a slice at a time,
    finds the empty profiles once for all slices (`empty_people`, see `empty_profiles`) and
    records the batch in the audit log once (`audit=False` on each slice).
    """
    indexes = matching.indexes(session)
    needs = repository.open_needs(session)
    if need_ids is not None:
        wanted = set(need_ids)
        needs = [n for n in needs if n.id in wanted]
    if len(indexes.people) == 0 or not needs:
        return ProposeReport(needs=len(needs), created=0, kept=0)
    # Needs and profiles with nothing to compare are neither ranked nor proposed: the batch
    # goes on without them and its report names them.
    engine_needs = {n.id: to_need(n) for n in needs}
    empty = set(empty_people) if empty_people is not None else empty_profiles(session)
    left_out = LeftOut.of(empty, (e.id for e in engine_needs.values() if not has_content(e)))
    needs = [n for n in needs if has_content(engine_needs[n.id])]
    people = {ref: pid for ref, pid in repository.person_ids(session).items() if ref not in empty}
    existing = repository.suggested_pairs(session)
    # Rank everything before the first write: ranking may embed new skill labels, and the
    # embedding cache writes through its own connection, which SQLite would make wait on this
    # transaction's write lock ("database is locked").
    ranked = [(need, indexes.rank_people(engine_needs[need.id], per_need)) for need in needs]
    # Fits of the stored pairs still awaiting a decision, from today's profiles and needs: the
    # level a coordinator sees follows a profile's change at the next batch.
    refs = {pid: ref for ref, pid in repository.person_ids(session).items()}
    stale = [
        row
        for row in repository.to_refresh(session, [n.id for n in needs])
        if row.person_id in refs
    ]
    fresh = indexes.pair_fits(
        [(refs[row.person_id], engine_needs[row.need_id]) for row in stale]  # type: ignore[index]
    )
    for row, fit in zip(stale, fresh, strict=True):
        row.fit = fit
    created = kept = 0
    for need, suggestions in ranked:
        for suggestion in suggestions:
            person_id = people.get(suggestion.doc_id)
            if person_id is None:
                continue
            if (person_id, need.id) in existing:
                kept += 1
                continue
            row = Suggestion(
                person_id=person_id,
                need_id=need.id,
                score=suggestion.score,
                fit=None if suggestion.fit is None else round(suggestion.fit, 4),
                explanation=explanation_json(suggestion.explanation),
            )
            row.events = [
                SuggestionEvent(actor=actor_label(actor), from_status=None, to_status="proposed")
            ]
            session.add(row)
            existing.add((person_id, need.id))
            created += 1
    session.flush()
    if audit:
        record_batch(session, actor, created, kept)
    return ProposeReport(needs=len(needs), created=created, kept=kept, left_out=left_out)


def record_batch(session: Session, actor: User | None, created: int, kept: int) -> None:
    """The batch in the audit log: who ran it, how many suggestions it made and kept."""
    record(session, actor, "propose", "suggestions", "lot", created=created, kept=kept)


def empty_profiles(session: Session) -> set[str]:
    """Refs of the profiles with nothing to compare: a batch neither ranks nor proposes them."""
    return {p.ref for p in repository.everyone(session) if not has_content(to_profile(p))}


def open_need_ids(session: Session) -> list[int]:
    """Ids of the needs a batch ranks candidates for, in the batch's order."""
    return sorted(n.id for n in repository.open_needs(session))


def _flags(session: Session, person_id: int | None, need_id: int) -> tuple[bool, bool]:
    if person_id is None:
        return False, False
    interested = repository.get_interest(session, person_id, need_id) is not None
    shortlisted = repository.get_shortlist(session, need_id, person_id) is not None
    return interested, shortlisted


def suggestion_out(session: Session, row: Suggestion) -> SuggestionOut:
    need = repository.get_need(session, row.need_id)
    person = repository.get_person(session, row.person_id) if row.person_id is not None else None
    assert need is not None
    interested, shortlisted = _flags(session, row.person_id, row.need_id)
    school = person.organisation if person is not None else None
    return SuggestionOut(
        fit=row.fit,
        level=fit_level(row.fit),  # type: ignore[arg-type]  # one of matching.FIT_LEVELS
        person_school=school.name if school is not None and school.kind != "company" else None,
        person_town=person.town if person else None,
        person_available_from=person.available_from if person else None,
        need_open=need.is_open,
        rejection_reason=(
            repository.last_reason(row, "rejected") if row.status == "rejected" else None
        ),
        id=row.id,
        score=round(row.score, 4),
        status=row.status,
        person_ref=person.ref if person else None,
        person_name=f"{person.first_name} {person.last_name}" if person else None,
        need_ref=need.ref,
        need_title=need.title,
        organisation=need.organisation.name,
        mutual_interest=interested and shortlisted,
        person_interested=interested,
        company_shortlisted=shortlisted,
        explanation=row.explanation or {},
        applied=row.person_id is not None
        and repository.has_applied(session, row.person_id, row.need_id),
        history=[
            EventOut(
                actor=e.actor,
                from_status=e.from_status,
                to_status=e.to_status,
                reason=e.reason,
                created_at=e.created_at,
            )
            for e in row.events
        ],
    )


def queue_choices(session: Session, status: str) -> QueueChoices:
    return repository.queue_choices(session, status)


def find_suggestion(session: Session, suggestion_id: int) -> SuggestionOut | None:
    row = repository.get_suggestion(session, suggestion_id)
    return suggestion_out(session, row) if row is not None else None


def queue(
    session: Session,
    status: str,
    *,
    mutual_only: bool = False,
    limit: int,
    offset: int,
    filters: QueueFilters | None = None,
) -> QueuePage:
    """The suggestions of one status, best score first, narrowed by the filters.

    Suggestions for a closed need leave the statuses still worked on (proposed, approved).
    """
    filters = filters or QueueFilters()
    if mutual_only:
        filters = filters.model_copy(update={"mutual_only": True})
    rows, total = repository.queue(session, status, filters, limit, offset)
    return QueuePage(
        items=[suggestion_out(session, r) for r in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


def _suggestion(session: Session, suggestion_id: int) -> Suggestion:
    row = repository.get_suggestion(session, suggestion_id)
    if row is None:
        raise NotFound("suggestion", str(suggestion_id))
    return row


def decide(
    session: Session,
    user: User,
    suggestion_id: int,
    body: Decision,
) -> SuggestionOut:
    """Move a suggestion to the status the decision leads to; a rejection needs a reason."""
    row = _suggestion(session, suggestion_id)
    if body.action == "reject" and not body.reason.strip():
        raise Invalid("reason_required", field="reason")
    target = TRANSITIONS[body.action].get(row.status)
    if target is None:
        raise Conflict("transition_refused", field="action", status=row.status, action=body.action)
    row.events.append(
        SuggestionEvent(
            actor=actor_label(user), from_status=row.status, to_status=target, reason=body.reason
        )
    )
    record(session, user, body.action, "suggestion", str(row.id), body.reason, to=target)
    row.status = target
    session.flush()
    if target == "introduced":
        _mail_introduction(session, row)
    return suggestion_out(session, row)


def _mail_introduction(session: Session, row: Suggestion) -> None:
    """Tell the person and the need's organisation of the introduction (queued with it)."""
    need = repository.get_need(session, row.need_id)
    person = repository.get_person(session, row.person_id) if row.person_id else None
    if need is None or person is None:
        return
    mail.send(
        session,
        to=person.email,
        template="introduction_person",
        lang=mail.recipient_language(session, person.email),
        values={
            "need_title": need.title,
            "organisation": need.organisation.name,
            "link": "/mes-mises-en-relation",
        },
    )
    for address, lang in mail.company_recipients(session, need.organisation_id):
        mail.send(
            session,
            to=address,
            template="introduction_company",
            lang=lang,
            values={
                "person_name": f"{person.first_name} {person.last_name}".strip(),
                "need_title": need.title,
                "link": f"/besoins/{need.ref}/candidats",
            },
        )


def edit(
    session: Session,
    user: User,
    suggestion_id: int,
    body: SuggestionEdit,
) -> SuggestionOut:
    """Store the coordinator's note on a suggestion."""
    row = _suggestion(session, suggestion_id)
    row.explanation = {**(row.explanation or {}), "coordinator_note": body.note}
    record(session, user, "edit", "suggestion", str(row.id), body.note)
    session.flush()
    return suggestion_out(session, row)


def _own_person(user: User) -> int:
    if user.person_id is None:
        raise Forbidden("people_only")
    return user.person_id


def enqueue_pair(
    session: Session, matching: MatchingService, user: User, person: Person, need: Need, why: str
) -> Suggestion:
    """Bring a pair the person asked for (an interest, an application) to the coordinators'
    queue: its suggestion, made now with the engine's score and explanation if there is none.

    A suggestion already there keeps its status and history; the queue flags it either way.
    """
    row = repository.suggestion_for(session, person.id, need.id)
    if row is not None:
        return row
    fit = pair_fit(session, matching, person, need)
    # The queue shows each pair as its need's ranking of people does (`pair_fits`, as the next
    # batch refreshes it), not as the person's ranking of needs on the offer page.
    (queued,) = matching.indexes(session).pair_fits([(person.ref, to_need(need))])
    row = Suggestion(
        person_id=person.id,
        need_id=need.id,
        score=fit.score,
        fit=queued,
        explanation=fit.explanation.model_dump() if fit.explanation is not None else {},
    )
    row.events = [
        SuggestionEvent(actor=actor_label(user), from_status=None, to_status="proposed", reason=why)
    ]
    session.add(row)
    session.flush()
    return row


def mark_interest(
    session: Session, user: User, ref: str, matching: MatchingService | None = None
) -> None:
    """The user (a student or researcher) says they are interested in a need; with the engine
    at hand, the pair reaches the coordinators' queue."""
    person_id = _own_person(user)
    need = get_or_404(session, Need, ref)
    if repository.get_interest(session, person_id, need.id) is None:
        session.add(Interest(person_id=person_id, need_id=need.id))
        record(session, user, "interest", "need", ref)
    if matching is not None and need.is_open and user.person is not None:
        enqueue_pair(session, matching, user, user.person, need, "interest")


def withdraw_interest(session: Session, user: User, ref: str) -> None:
    person_id = _own_person(user)
    need = get_or_404(session, Need, ref)
    row = repository.get_interest(session, person_id, need.id)
    if row is not None:
        session.delete(row)
        record(session, user, "interest-withdrawn", "need", ref)


def shortlist(session: Session, user: User, ref: str, person_ref: str) -> None:
    """The need's organisation shortlists a candidate it may see."""
    need = get_or_404(session, Need, ref)
    ensure_own_need(user, need)
    person = get_or_404(session, Person, person_ref)
    ensure_view_person(session, user, person)
    if repository.get_shortlist(session, need.id, person.id) is None:
        session.add(Shortlist(need_id=need.id, person_id=person.id))
        record(session, user, "shortlist", "need", ref, person=person_ref)


def unshortlist(session: Session, user: User, ref: str, person_ref: str) -> None:
    need = get_or_404(session, Need, ref)
    ensure_own_need(user, need)
    person = get_or_404(session, Person, person_ref)
    row = repository.get_shortlist(session, need.id, person.id)
    if row is not None:
        session.delete(row)
        record(session, user, "shortlist-removed", "need", ref, person=person_ref)


def mutual(session: Session) -> list[MutualOut]:
    """Pairs where the person marked interest and the organisation shortlisted them."""
    return [
        MutualOut(
            person_ref=person_ref,
            need_ref=need.ref,
            need_title=need.title,
            organisation=need.organisation.name,
        )
        for person_ref, need in repository.mutual_pairs(session)
    ]


def audit_log(session: Session, limit: int, offset: int) -> list[AuditOut]:
    return [
        AuditOut(
            actor=r.actor,
            action=r.action,
            object_type=r.object_type,
            object_ref=r.object_ref,
            reason=r.reason,
            data=r.data or {},
            created_at=r.created_at,
        )
        for r in repository.audit_page(session, limit, offset)
    ]


# --------------------------------------------------------------------------- follow-up

# Decisions a person hears about. "proposed" is the engine's draft and "rejected" the
# coordinators' internal sorting: neither is a step of the person's own journey.
SHOWN = ("approved", "introduced", "hired")


@dataclass(frozen=True)
class Introduction:
    need: Need
    status: str
    since: datetime
    mutual: bool


@dataclass(frozen=True)
class SentInterest:
    need: Need
    sent: datetime
    mutual: bool
    introduced: bool  # the coordinators already introduced the person for this need


def _since(suggestion: Suggestion) -> datetime:
    """When the suggestion reached its present status (its last decision)."""
    for event in reversed(suggestion.events):
        if event.to_status == suggestion.status:
            return event.created_at
    return suggestion.updated_at


def follow_up(session: Session, person: Person) -> tuple[list[Introduction], list[SentInterest]]:
    """The person's introductions and the interest they sent, newest first."""
    shortlisted = {need.id for _entry, need in people_repository.shortlists_of(session, person.id)}
    interests = people_repository.interests_of(session, person.id)
    interested = {need.id for _interest, need in interests}
    introduced = [
        Introduction(
            need=need,
            status=suggestion.status,
            since=_since(suggestion),
            mutual=need.id in interested and need.id in shortlisted,
        )
        for suggestion, need in people_repository.suggestions_about(session, person.id)
        if suggestion.status in SHOWN
    ]
    presented = {item.need.id for item in introduced if item.status != "approved"}
    sent = [
        SentInterest(
            need=need,
            sent=interest.created_at,
            mutual=need.id in shortlisted,
            introduced=need.id in presented,
        )
        for interest, need in interests
    ]
    return (
        sorted(introduced, key=lambda item: item.since, reverse=True),
        sorted(sent, key=lambda item: item.sent, reverse=True),
    )
