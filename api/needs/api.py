"""JSON endpoints of needs: the public directory, and publishing, editing and withdrawing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from api.core.deps import CurrentUser, PageDep, SessionDep
from api.core.inputs import Line, RefPath
from api.core.pagination import Paginated
from api.core.unit_of_work import ranking_turn
from api.core.vocabulary import NeedKindName
from api.needs import service
from api.needs.schemas import NeedCreate, NeedOut, NeedUpdate
from api.people.schemas import ReadingOut

directory = APIRouter(prefix="/api/v1", tags=["annuaire / directory"])
publishing = APIRouter(prefix="/api/v1/needs", tags=["besoins / needs"])

Territory = Annotated[
    Line | None, Query(description="Territoire / territory, ex. « Dunkerque »", max_length=60)
]
SkillFilter = Annotated[
    list[Line], Query(description="Compétence(s) exigée(s), toutes / required skill(s), all")
]
OrgRef = Annotated[Line | None, Query(description="Référence de l'organisation", max_length=40)]


@directory.get("/needs", response_model=Paginated[NeedOut])
def list_needs(
    session: SessionDep,
    page: PageDep,
    kind: NeedKindName | None = None,
    territory: Territory = None,
    skill: SkillFilter = [],  # noqa: B006 - FastAPI copies defaults per request
    organisation: OrgRef = None,
) -> Paginated[NeedOut]:
    items, total = service.list_needs(
        session,
        kind=kind,
        territory=territory,
        skills=skill,
        organisation=organisation,
        limit=page.limit,
        offset=page.offset,
    )
    return Paginated(
        items=[NeedOut.model_validate(n) for n in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@directory.get("/needs/{ref}", response_model=NeedOut)
def get_need(session: SessionDep, ref: RefPath) -> NeedOut:
    return NeedOut.model_validate(service.get_need(session, ref))


@directory.get(
    "/needs/{ref}/reading", response_model=ReadingOut, dependencies=[Depends(ranking_turn)]
)
def read_need(request: Request, session: SessionDep, ref: RefPath) -> ReadingOut:
    """Comment le moteur lit ce besoin : ses métiers ESCO les plus probables, sur lesquels ses
    candidats sont d'abord classés / how the engine reads this need: its likeliest ESCO
    occupations, what its candidates are ranked on first."""
    return service.need_reading(session, request.app.state.matching, ref)


@publishing.post("", response_model=NeedOut, status_code=201)
def create_need(session: SessionDep, user: CurrentUser, body: NeedCreate) -> NeedOut:
    """Publier un besoin pour son organisation / publish a need for one's organisation."""
    return NeedOut.model_validate(service.create_need(session, user, body))


@publishing.patch("/{ref}", response_model=NeedOut)
def update_need(session: SessionDep, user: CurrentUser, ref: RefPath, body: NeedUpdate) -> NeedOut:
    """Modifier un besoin (champs absents inchangés) / edit a need (partial update)."""
    return NeedOut.model_validate(service.update_need(session, user, ref, body))


@publishing.delete("/{ref}", status_code=204, response_class=Response)
def delete_need(session: SessionDep, user: CurrentUser, ref: RefPath) -> Response:
    """Retirer un besoin / withdraw a need.

    Its suggestions, interests and shortlists go with it (foreign keys cascade); the audit log
    keeps the trace. To stop receiving candidates but keep the history, set is_open to false.
    """
    service.delete_need(session, user, ref)
    return Response(status_code=204)


router = APIRouter()
router.include_router(directory)
router.include_router(publishing)
