"""Coordinator review: proposed suggestions, decisions with history, interest and shortlists."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from api.core.audit import actor_label, record
from api.core.deps import Coordinator, CurrentUser, PageDep, SessionDep
from api.core.errors import AppError, NotFound
from api.core.policy import ensure_own_need, ensure_view_person
from api.engine.service import MatchingService, to_need
from api.models import AuditEntry, Interest, Need, Person, Shortlist, Suggestion, SuggestionEvent
from api.repository import get_or_404
from api.routers.recommendations import explanation_json

router = APIRouter(prefix="/api/v1", tags=["revue / review"])

# Which decision may follow which status: a reviewer cannot "hire" a rejected pair.
TRANSITIONS: dict[str, dict[str, str]] = {
    "approve": {"proposed": "approved", "rejected": "approved"},
    "reject": {"proposed": "rejected", "approved": "rejected", "introduced": "rejected"},
    "introduce": {"proposed": "introduced", "approved": "introduced"},
    "hire": {"introduced": "hired", "approved": "hired"},
}


class ProposeRequest(BaseModel):
    per_need: int = Field(default=5, ge=1, le=50)


class ProposeReport(BaseModel):
    needs: int
    created: int
    kept: int


def propose(
    session: Session, matching: MatchingService, per_need: int, actor: Any = None
) -> ProposeReport:
    """For every open need, store its best candidates as proposed suggestions (no duplicates)."""
    ranker = matching.fitted(session).people
    needs = list(session.scalars(select(Need).where(Need.is_open)))
    if ranker is None or not needs:
        return ProposeReport(needs=len(needs), created=0, kept=0)
    people = {p.ref: p.id for p in session.execute(select(Person.ref, Person.id))}
    existing = set(session.execute(select(Suggestion.person_id, Suggestion.need_id)).tuples())
    # Rank everything before the first write: ranking may embed new skill labels, and the
    # embedding cache writes through its own connection, which SQLite would make wait on this
    # transaction's write lock ("database is locked").
    ranked = [(need, ranker.rank(to_need(need), k=per_need, explain=per_need)) for need in needs]
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
                explanation=explanation_json(suggestion.explanation),
            )
            row.events = [
                SuggestionEvent(actor=actor_label(actor), from_status=None, to_status="proposed")
            ]
            session.add(row)
            existing.add((person_id, need.id))
            created += 1
    session.flush()
    record(session, actor, "propose", "suggestions", "lot", created=created, kept=kept)
    return ProposeReport(needs=len(needs), created=created, kept=kept)


@router.post("/review/run", response_model=ProposeReport)
def run_proposals(
    request: Request, session: SessionDep, user: Coordinator, body: ProposeRequest | None = None
) -> ProposeReport:
    """Lancer le lot de suggestions / run the batch that proposes suggestions."""
    body = body or ProposeRequest()
    return propose(session, request.app.state.matching, body.per_need, user)


class EventOut(BaseModel):
    actor: str
    from_status: str | None
    to_status: str
    reason: str
    created_at: datetime


class SuggestionOut(BaseModel):
    id: int
    score: float
    status: str
    person_ref: str | None
    person_name: str | None
    need_ref: str
    need_title: str
    organisation: str
    mutual_interest: bool
    person_interested: bool
    company_shortlisted: bool
    explanation: dict[str, Any]
    history: list[EventOut]


class QueuePage(BaseModel):
    items: list[SuggestionOut]
    total: int
    limit: int
    offset: int


def _flags(session: Session, person_id: int | None, need_id: int) -> tuple[bool, bool]:
    if person_id is None:
        return False, False
    interested = session.get(Interest, (person_id, need_id)) is not None
    shortlisted = session.get(Shortlist, (need_id, person_id)) is not None
    return interested, shortlisted


def suggestion_out(session: Session, row: Suggestion) -> SuggestionOut:
    need = session.get(Need, row.need_id)
    person = session.get(Person, row.person_id) if row.person_id is not None else None
    assert need is not None
    interested, shortlisted = _flags(session, row.person_id, row.need_id)
    return SuggestionOut(
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


@router.get("/review/queue", response_model=QueuePage)
def queue(
    session: SessionDep,
    user: Coordinator,
    page: PageDep,
    status: Literal["proposed", "approved", "rejected", "introduced", "hired"] = "proposed",
    mutual_only: bool = Query(False, description="seulement les intérêts réciproques"),
) -> QueuePage:
    """File de revue triée par score / review queue by score."""
    query = select(Suggestion).where(Suggestion.status == status)
    if mutual_only:
        query = query.where(
            exists().where(
                and_(
                    Interest.person_id == Suggestion.person_id,
                    Interest.need_id == Suggestion.need_id,
                )
            ),
            exists().where(
                and_(
                    Shortlist.person_id == Suggestion.person_id,
                    Shortlist.need_id == Suggestion.need_id,
                )
            ),
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Suggestion.score.desc(), Suggestion.id).limit(page.limit).offset(page.offset)
    ).all()
    return QueuePage(
        items=[suggestion_out(session, r) for r in rows],
        total=int(total),
        limit=page.limit,
        offset=page.offset,
    )


class Decision(BaseModel):
    action: Literal["approve", "reject", "introduce", "hire"]
    reason: str = Field(default="", max_length=2000)


@router.post("/suggestions/{suggestion_id}/decision", response_model=SuggestionOut)
def decide(
    session: SessionDep, user: Coordinator, suggestion_id: int, body: Decision
) -> SuggestionOut:
    """Approuver, rejeter (avec motif), présenter, embauché / decide on a suggestion."""
    row = session.get(Suggestion, suggestion_id)
    if row is None:
        raise NotFound("Suggestion", str(suggestion_id))
    if body.action == "reject" and not body.reason.strip():
        raise AppError(
            "Un motif est requis pour rejeter / a reason is required", 422, field="reason"
        )
    target = TRANSITIONS[body.action].get(row.status)
    if target is None:
        raise AppError(
            f"Impossible de passer de « {row.status} » par « {body.action} »", 409, field="action"
        )
    row.events.append(
        SuggestionEvent(
            actor=actor_label(user), from_status=row.status, to_status=target, reason=body.reason
        )
    )
    record(session, user, body.action, "suggestion", str(row.id), body.reason, to=target)
    row.status = target
    session.flush()
    return suggestion_out(session, row)


class SuggestionEdit(BaseModel):
    note: str = Field(max_length=2000)


@router.patch("/suggestions/{suggestion_id}", response_model=SuggestionOut)
def edit(
    session: SessionDep, user: Coordinator, suggestion_id: int, body: SuggestionEdit
) -> SuggestionOut:
    """Annoter une suggestion (note du coordinateur) / annotate a suggestion."""
    row = session.get(Suggestion, suggestion_id)
    if row is None:
        raise NotFound("Suggestion", str(suggestion_id))
    row.explanation = {**(row.explanation or {}), "coordinator_note": body.note}
    record(session, user, "edit", "suggestion", str(row.id), body.note)
    session.flush()
    return suggestion_out(session, row)


def _own_person(user: CurrentUser) -> int:
    if user.person_id is None:
        raise AppError("Réservé aux étudiants et chercheurs / for students and researchers", 403)
    return user.person_id


@router.put("/needs/{ref}/interest", status_code=204)
def mark_interest(session: SessionDep, user: CurrentUser, ref: str) -> None:
    """Marquer son intérêt pour un besoin / mark interest in a need."""
    person_id = _own_person(user)
    need = get_or_404(session, Need, ref)
    if session.get(Interest, (person_id, need.id)) is None:
        session.add(Interest(person_id=person_id, need_id=need.id))
        record(session, user, "interest", "need", ref)


@router.delete("/needs/{ref}/interest", status_code=204)
def withdraw_interest(session: SessionDep, user: CurrentUser, ref: str) -> None:
    person_id = _own_person(user)
    need = get_or_404(session, Need, ref)
    row = session.get(Interest, (person_id, need.id))
    if row is not None:
        session.delete(row)
        record(session, user, "interest-withdrawn", "need", ref)


@router.put("/needs/{ref}/shortlist/{person_ref}", status_code=204)
def shortlist(session: SessionDep, user: CurrentUser, ref: str, person_ref: str) -> None:
    """Présélectionner un candidat visible / shortlist a visible candidate."""
    need = get_or_404(session, Need, ref)
    ensure_own_need(user, need)
    person = get_or_404(session, Person, person_ref)
    ensure_view_person(session, user, person)
    if session.get(Shortlist, (need.id, person.id)) is None:
        session.add(Shortlist(need_id=need.id, person_id=person.id))
        record(session, user, "shortlist", "need", ref, person=person_ref)


@router.delete("/needs/{ref}/shortlist/{person_ref}", status_code=204)
def unshortlist(session: SessionDep, user: CurrentUser, ref: str, person_ref: str) -> None:
    need = get_or_404(session, Need, ref)
    ensure_own_need(user, need)
    person = get_or_404(session, Person, person_ref)
    row = session.get(Shortlist, (need.id, person.id))
    if row is not None:
        session.delete(row)
        record(session, user, "shortlist-removed", "need", ref, person=person_ref)


class MutualOut(BaseModel):
    person_ref: str
    need_ref: str
    need_title: str
    organisation: str


@router.get("/review/mutual", response_model=list[MutualOut])
def mutual(session: SessionDep, user: Coordinator) -> list[MutualOut]:
    """Intérêts réciproques (intérêt + présélection) / mutual interest pairs."""
    rows = session.execute(
        select(Person.ref, Need)
        .join(Interest, Interest.person_id == Person.id)
        .join(Need, Need.id == Interest.need_id)
        .join(
            Shortlist,
            and_(Shortlist.need_id == Interest.need_id, Shortlist.person_id == Interest.person_id),
        )
        .order_by(Need.ref, Person.ref)
    ).all()
    return [
        MutualOut(
            person_ref=person_ref,
            need_ref=need.ref,
            need_title=need.title,
            organisation=need.organisation.name,
        )
        for person_ref, need in rows
    ]


class AuditOut(BaseModel):
    actor: str
    action: str
    object_type: str
    object_ref: str
    reason: str
    data: dict[str, Any]
    created_at: datetime


@router.get("/audit", response_model=list[AuditOut])
def audit_log(session: SessionDep, user: Coordinator, page: PageDep) -> list[AuditOut]:
    """Journal d'audit, du plus récent / audit log, newest first."""
    rows = session.scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(page.limit).offset(page.offset)
    )
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
        for r in rows
    ]
