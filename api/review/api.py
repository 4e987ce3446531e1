"""JSON endpoints of the review: the batch, the queue, decisions, interest, shortlists, audit."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

from api.core.deps import Coordinator, CurrentUser, PageDep, SessionDep
from api.core.inputs import DbId, Line, RefPath
from api.core.vocabulary import SuggestionStatusName
from api.review import service
from api.review.schemas import (
    AuditOut,
    Decision,
    MutualOut,
    ProposeReport,
    ProposeRequest,
    QueueFilters,
    QueuePage,
    SuggestionEdit,
    SuggestionOut,
)

router = APIRouter(prefix="/api/v1", tags=["revue / review"])


@router.post("/review/run", response_model=ProposeReport)
def run_proposals(
    request: Request, session: SessionDep, user: Coordinator, body: ProposeRequest | None = None
) -> ProposeReport:
    """Lancer le lot de suggestions / run the batch that proposes suggestions."""
    body = body or ProposeRequest()
    return service.propose(session, request.app.state.matching, body.per_need, user)


@router.get("/review/queue", response_model=QueuePage)
def queue(
    request: Request,
    session: SessionDep,
    user: Coordinator,
    page: PageDep,
    status: SuggestionStatusName = "proposed",
    mutual_only: bool = Query(False, description="seulement les intérêts réciproques"),
    interested_only: bool = Query(False, description="seulement si la personne est intéressée"),
    applied_only: bool = Query(False, description="seulement si la personne a postulé"),
    candidacy_only: bool = Query(False, description="a postulé ou s'est dite intéressée"),
    need: Line | None = Query(None, max_length=200, description="référence du besoin"),
    organisation: Line | None = Query(None, max_length=200, description="organisation du besoin"),
    territory: Line | None = Query(None, max_length=60, description="territoire du besoin"),
    school: Line | None = Query(None, max_length=200, description="école ou labo de la personne"),
    q: Line | None = Query(None, max_length=120, description="nom de la personne / name"),
) -> QueuePage:
    """File de revue triée par score, filtrable ; les suggestions d'un besoin fermé en sortent
    / review queue by score, with filters; suggestions of a closed need leave it."""
    filters = QueueFilters(
        need=need,
        organisation=organisation,
        territory=territory,
        school=school,
        q=q,
        interested_only=interested_only,
        mutual_only=mutual_only,
        applied_only=applied_only,
        candidacy_only=candidacy_only,
    )
    return service.queue(
        session,
        status,
        limit=page.limit,
        offset=page.offset,
        filters=filters,
    )


@router.post("/suggestions/{suggestion_id}/decision", response_model=SuggestionOut)
def decide(
    request: Request, session: SessionDep, user: Coordinator, suggestion_id: DbId, body: Decision
) -> SuggestionOut:
    """Approuver, rejeter (avec motif), présenter, embauché / decide on a suggestion."""
    return service.decide(session, user, suggestion_id, body)


@router.patch("/suggestions/{suggestion_id}", response_model=SuggestionOut)
def edit(
    request: Request,
    session: SessionDep,
    user: Coordinator,
    suggestion_id: DbId,
    body: SuggestionEdit,
) -> SuggestionOut:
    """Annoter une suggestion (note du coordinateur) / annotate a suggestion."""
    return service.edit(session, user, suggestion_id, body)


@router.put("/needs/{ref}/interest", status_code=204)
def mark_interest(request: Request, session: SessionDep, user: CurrentUser, ref: RefPath) -> None:
    """Marquer son intérêt pour un besoin / mark interest in a need (la coordination le voit)."""
    service.mark_interest(session, user, ref, request.app.state.matching)


@router.delete("/needs/{ref}/interest", status_code=204)
def withdraw_interest(session: SessionDep, user: CurrentUser, ref: RefPath) -> None:
    service.withdraw_interest(session, user, ref)


@router.put("/needs/{ref}/shortlist/{person_ref}", status_code=204)
def shortlist(session: SessionDep, user: CurrentUser, ref: RefPath, person_ref: RefPath) -> None:
    """Présélectionner un candidat visible / shortlist a visible candidate."""
    service.shortlist(session, user, ref, person_ref)


@router.delete("/needs/{ref}/shortlist/{person_ref}", status_code=204)
def unshortlist(session: SessionDep, user: CurrentUser, ref: RefPath, person_ref: RefPath) -> None:
    service.unshortlist(session, user, ref, person_ref)


@router.get("/review/mutual", response_model=list[MutualOut])
def mutual(session: SessionDep, user: Coordinator) -> list[MutualOut]:
    """Intérêts réciproques (intérêt + présélection) / mutual interest pairs."""
    return service.mutual(session)


@router.get("/audit", response_model=list[AuditOut])
def audit_log(session: SessionDep, user: Coordinator, page: PageDep) -> list[AuditOut]:
    """Journal d'audit, du plus récent / audit log, newest first."""
    return service.audit_log(session, page.limit, page.offset)
