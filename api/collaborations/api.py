"""JSON endpoints of collaborations: a researcher proposes one on an R&D need; the need's
organisation and the coordinators read them."""

from __future__ import annotations

from fastapi import APIRouter

from api.collaborations import service
from api.collaborations.schemas import ProposalIn, ProposalOut
from api.core.deps import CurrentUser, PageDep, SessionDep
from api.core.inputs import RefPath
from api.core.pagination import Paginated

router = APIRouter(prefix="/api/v1", tags=["collaborations"])


@router.post("/needs/{ref}/collaborations", response_model=ProposalOut, status_code=201)
def propose(session: SessionDep, user: CurrentUser, ref: RefPath, body: ProposalIn) -> ProposalOut:
    """Proposer une collaboration sur un besoin R&D (chercheurs) / propose a collaboration on
    an R&D need (researchers). 409 if already proposed, if the need is closed or not R&D."""
    return ProposalOut.model_validate(service.propose(session, user, ref, body))


@router.get("/needs/{ref}/collaborations", response_model=list[ProposalOut])
def need_proposals(session: SessionDep, user: CurrentUser, ref: RefPath) -> list[ProposalOut]:
    """Collaborations proposées sur un besoin (son organisation, coordinateurs) / proposals
    received on a need (its organisation, coordinators)."""
    return [ProposalOut.model_validate(p) for p in service.proposals_for_need(session, user, ref)]


@router.get("/collaborations", response_model=Paginated[ProposalOut])
def list_proposals(session: SessionDep, user: CurrentUser, page: PageDep) -> Paginated[ProposalOut]:
    """Les siennes (chercheur), celles reçues (entreprise), toutes (coordinateurs) / one's own
    (researcher), those received (company), all (coordinators)."""
    items, total = service.list_proposals(session, user, limit=page.limit, offset=page.offset)
    return Paginated(
        items=[ProposalOut.model_validate(p) for p in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
