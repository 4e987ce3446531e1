"""JSON endpoints of hackathon teams (coordinators only)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from api.core.deps import Coordinator, PageDep, SessionDep
from api.core.inputs import DbId
from api.core.pagination import Paginated
from api.hackathons import service
from api.hackathons.schemas import HackathonCreate, HackathonOut, HackathonSummary
from api.models import HackathonEvent

router = APIRouter(prefix="/api/v1/hackathons", tags=["hackathons"])


def hackathon_out(event: HackathonEvent) -> HackathonOut:
    return HackathonOut(
        id=event.id,
        name=event.name,
        need=event.need.ref if event.need else None,
        team_size=event.team_size,
        seed=event.seed,
        weights=event.weights,
        report=event.report,
        created_by=event.created_by,
        created_at=event.created_at,
        teams=service.teams_of(event),
    )


def hackathon_summary(event: HackathonEvent) -> HackathonSummary:
    return HackathonSummary(
        id=event.id,
        name=event.name,
        need=event.need.ref if event.need else None,
        team_size=event.team_size,
        participants=len(event.members),
        teams=len({m.team for m in event.members}),
        created_by=event.created_by,
        created_at=event.created_at,
    )


@router.post("", response_model=HackathonOut, status_code=201)
def create(session: SessionDep, user: Coordinator, body: HackathonCreate) -> HackathonOut:
    """Former des équipes complémentaires / form teams mixing skills, schools and levels."""
    return hackathon_out(service.create_hackathon(session, body, user))


@router.get("", response_model=Paginated[HackathonSummary])
def index(session: SessionDep, user: Coordinator, page: PageDep) -> Paginated[HackathonSummary]:
    """Les équipes formées, des plus récentes aux plus anciennes / saved teams, latest first."""
    events, total = service.list_hackathons(session, page.limit, page.offset)
    return Paginated(
        items=[hackathon_summary(e) for e in events],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{hackathon_id}", response_model=HackathonOut)
def read(session: SessionDep, user: Coordinator, hackathon_id: DbId) -> HackathonOut:
    """Les équipes d'un hackathon / one hackathon's teams."""
    return hackathon_out(service.get_hackathon(session, hackathon_id))


@router.get("/{hackathon_id}/export.csv")
def export(session: SessionDep, user: Coordinator, hackathon_id: DbId) -> Response:
    """Exporter les équipes en CSV / export the teams as CSV."""
    event = service.get_hackathon(session, hackathon_id)
    return Response(
        service.teams_csv(event).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="hackathon-{event.id}.csv"'},
    )


@router.delete("/{hackathon_id}", status_code=204, response_class=Response)
def delete(session: SessionDep, user: Coordinator, hackathon_id: DbId) -> Response:
    """Supprimer des équipes enregistrées / delete saved teams."""
    service.delete_hackathon(session, hackathon_id, user)
    return Response(status_code=204)
