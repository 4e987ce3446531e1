"""JSON endpoints of recommendations: needs for a person, candidates for a need, search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from api.core.deps import CurrentUser, MaybeUser, PageDep, SessionDep
from api.core.inputs import Day, Line, RefPath, Text
from api.core.unit_of_work import ranking_turn
from api.core.vocabulary import NeedKindName, PersonKindName, RemoteName
from api.recommendations import service
from api.recommendations.schemas import RecommendationPage

router = APIRouter(
    prefix="/api/v1",
    tags=["recommandations / recommendations"],
    dependencies=[Depends(ranking_turn)],
)

MAX_QUERY = 2000
Territory = Annotated[Line | None, Query(max_length=60)]
Q = Annotated[Text, Query(min_length=2, max_length=MAX_QUERY, description="texte libre")]


@router.get("/people/{ref}/recommendations", response_model=RecommendationPage)
def needs_for_person(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    ref: RefPath,
    kind: NeedKindName | None = None,
    territory: Territory = None,
    remote: RemoteName | None = None,
    start_from: Day | None = None,
    start_until: Day | None = None,
) -> RecommendationPage:
    """Besoins recommandés pour une personne, expliqués / needs recommended for a person."""
    return service.needs_for_person(
        session,
        request.app.state.matching,
        user,
        ref,
        kind=kind,
        territory=territory,
        remote=remote,
        start_from=start_from,
        start_until=start_until,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/needs/{ref}/candidates", response_model=RecommendationPage)
def candidates_for_need(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    ref: RefPath,
    territory: Territory = None,
    kind: PersonKindName | None = None,
) -> RecommendationPage:
    """Candidats classés pour un besoin, visibles par l'utilisateur / ranked visible candidates."""
    return service.candidates_for_need(
        session,
        request.app.state.matching,
        user,
        ref,
        territory=territory,
        kind=kind,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/search/needs", response_model=RecommendationPage)
def search_needs(
    request: Request,
    session: SessionDep,
    user: MaybeUser,
    page: PageDep,
    q: Q,
    kind: NeedKindName | None = None,
    territory: Territory = None,
) -> RecommendationPage:
    """Recherche sémantique dans les besoins ouverts / semantic search over open needs."""
    return service.search_needs(
        session,
        request.app.state.matching,
        q,
        kind=kind,
        territory=territory,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/search/people", response_model=RecommendationPage)
def search_people(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    q: Q,
    territory: Territory = None,
) -> RecommendationPage:
    """Recherche de profils : coordinateurs, ou profils consentants pour les entreprises."""
    return service.search_people(
        session,
        request.app.state.matching,
        user,
        q,
        territory=territory,
        limit=page.limit,
        offset=page.offset,
    )
