"""Recommendations with explanations: needs for a person, candidates for a need, free-text search."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy import select

from api.core.deps import CurrentUser, MaybeUser, PageDep, SessionDep
from api.core.errors import AppError
from api.core.policy import (
    ensure_need_owner_or_staff,
    ensure_view_person,
    is_staff,
    visible_people_clause,
)
from api.engine.service import MatchingService, to_need, to_profile
from api.models import Need, Person
from api.repository import get_or_404
from matching.ranker import HybridRanker
from matching.types import Explanation, Suggestion
from matching.types import Need as EngineNeed
from matching.types import Profile as EngineProfile

router = APIRouter(prefix="/api/v1", tags=["recommandations / recommendations"])

MAX_QUERY = 2000


class ComponentOut(BaseModel):
    name: str
    value: float
    weight: float


class ExplanationOut(BaseModel):
    text_fr: str
    text_en: str
    matched_skills: list[str]
    missing_skills: list[str]
    nice_matched: list[str]
    related_skills: list[str]
    components: list[ComponentOut]
    violations: list[str]


class RecommendationOut(BaseModel):
    ref: str
    rank: int
    score: float
    title: str
    organisation: str | None = None
    territory: str | None = None
    explanation: ExplanationOut | None


class RecommendationPage(BaseModel):
    items: list[RecommendationOut]
    limit: int
    offset: int


def explanation_out(explanation: Explanation | None) -> ExplanationOut | None:
    if explanation is None:
        return None
    return ExplanationOut(
        text_fr=explanation.text_fr,
        text_en=explanation.text_en,
        matched_skills=list(explanation.matched_skills),
        missing_skills=list(explanation.missing_skills),
        nice_matched=list(explanation.nice_matched),
        related_skills=list(explanation.inferred_skills),
        components=[
            ComponentOut(name=c.name, value=round(c.value, 4), weight=c.weight)
            for c in explanation.components
        ],
        violations=list(explanation.violations),
    )


def explanation_json(explanation: Explanation | None) -> dict[str, Any]:
    out = explanation_out(explanation)
    return out.model_dump() if out is not None else {}


def service(request: Request) -> MatchingService:
    return request.app.state.matching  # type: ignore[no-any-return]


def _mask(ranker: HybridRanker, allowed: set[str]) -> np.ndarray[Any, np.dtype[np.bool_]]:
    return np.array([d.id in allowed for d in ranker.documents_], dtype=bool)


def _rank(
    ranker: HybridRanker,
    query: EngineNeed | EngineProfile,
    allowed: set[str],
    limit: int,
    offset: int,
) -> list[Suggestion]:
    try:
        ranked = ranker.rank(
            query, k=offset + limit, explain=offset + limit, mask=_mask(ranker, allowed)
        )
    except ValueError as exc:
        raise AppError(f"Rien à comparer : {exc}", 422, field="q") from None
    return ranked[offset:]


def _need_filters(
    session: SessionDep,
    kind: str | None,
    territory: str | None,
    remote: str | None,
    start_from: date | None,
    start_until: date | None,
) -> set[str]:
    query = select(Need.ref).where(Need.is_open)
    if kind:
        query = query.where(Need.kind == kind)
    if territory:
        query = query.where(Need.territory == territory)
    if remote:
        query = query.where(Need.remote == remote)
    if start_from:
        query = query.where(Need.start_date >= start_from)
    if start_until:
        query = query.where(Need.start_date <= start_until)
    return set(session.scalars(query))


def _need_items(session: SessionDep, ranked: list[Suggestion]) -> list[RecommendationOut]:
    needs = {
        n.ref: n
        for n in session.scalars(select(Need).where(Need.ref.in_([s.doc_id for s in ranked])))
    }
    return [
        RecommendationOut(
            ref=s.doc_id,
            rank=s.rank,
            score=round(s.score, 4),
            title=needs[s.doc_id].title,
            organisation=needs[s.doc_id].organisation.name,
            territory=needs[s.doc_id].territory,
            explanation=explanation_out(s.explanation),
        )
        for s in ranked
        if s.doc_id in needs
    ]


def _person_items(session: SessionDep, ranked: list[Suggestion]) -> list[RecommendationOut]:
    refs = [s.doc_id for s in ranked]
    people = {p.ref: p for p in session.scalars(select(Person).where(Person.ref.in_(refs)))}
    out: list[RecommendationOut] = []
    for s in ranked:
        person = people.get(s.doc_id)
        if person is None:
            continue
        out.append(
            RecommendationOut(
                ref=s.doc_id,
                rank=s.rank,
                score=round(s.score, 4),
                title=f"{person.first_name} {person.last_name} — {person.headline}",
                organisation=person.organisation.name if person.organisation else None,
                territory=person.territory,
                explanation=explanation_out(s.explanation),
            )
        )
    return out


NeedKind = Literal["internship", "apprenticeship", "job", "rd", "hackathon"]
Territory = Annotated[str | None, Query(max_length=60)]


@router.get("/people/{ref}/recommendations", response_model=RecommendationPage)
def needs_for_person(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    ref: str,
    kind: NeedKind | None = None,
    territory: Territory = None,
    remote: Literal["none", "partial", "full"] | None = None,
    start_from: date | None = None,
    start_until: date | None = None,
) -> RecommendationPage:
    """Besoins recommandés pour une personne, expliqués / needs recommended for a person."""
    person = get_or_404(session, Person, ref)
    ensure_view_person(session, user, person)
    if user.person_id != person.id and not is_staff(user):
        raise AppError("Recommandations réservées à la personne et aux coordinateurs", 403)
    ranker = service(request).fitted(session).needs
    if ranker is None:
        return RecommendationPage(items=[], limit=page.limit, offset=page.offset)
    allowed = _need_filters(session, kind, territory, remote, start_from, start_until)
    ranked = _rank(ranker, to_profile(person), allowed, page.limit, page.offset)
    return RecommendationPage(
        items=_need_items(session, ranked), limit=page.limit, offset=page.offset
    )


@router.get("/needs/{ref}/candidates", response_model=RecommendationPage)
def candidates_for_need(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    ref: str,
    territory: Territory = None,
    kind: Literal["student", "researcher"] | None = None,
) -> RecommendationPage:
    """Candidats classés pour un besoin, visibles par l'utilisateur / ranked visible candidates."""
    need = get_or_404(session, Need, ref)
    ensure_need_owner_or_staff(user, need)
    ranker = service(request).fitted(session).people
    if ranker is None:
        return RecommendationPage(items=[], limit=page.limit, offset=page.offset)
    query = select(Person.ref).where(visible_people_clause(user))
    if territory:
        query = query.where(Person.territory == territory)
    if kind:
        query = query.where(Person.kind == kind)
    ranked = _rank(ranker, to_need(need), set(session.scalars(query)), page.limit, page.offset)
    return RecommendationPage(
        items=_person_items(session, ranked), limit=page.limit, offset=page.offset
    )


Q = Annotated[str, Query(min_length=2, max_length=MAX_QUERY, description="texte libre")]


@router.get("/search/needs", response_model=RecommendationPage)
def search_needs(
    request: Request,
    session: SessionDep,
    user: MaybeUser,
    page: PageDep,
    q: Q,
    kind: NeedKind | None = None,
    territory: Territory = None,
) -> RecommendationPage:
    """Recherche sémantique dans les besoins ouverts / semantic search over open needs."""
    ranker = service(request).fitted(session).needs
    if ranker is None:
        return RecommendationPage(items=[], limit=page.limit, offset=page.offset)
    allowed = _need_filters(session, kind, territory, None, None, None)
    ranked = _rank(
        ranker, EngineProfile(id="recherche", headline=q), allowed, page.limit, page.offset
    )
    return RecommendationPage(
        items=_need_items(session, ranked), limit=page.limit, offset=page.offset
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
    if not (is_staff(user) or user.role == "company"):
        raise AppError("Recherche de profils réservée / people search restricted", 403)
    ranker = service(request).fitted(session).people
    if ranker is None:
        return RecommendationPage(items=[], limit=page.limit, offset=page.offset)
    query = select(Person.ref).where(visible_people_clause(user))
    if territory:
        query = query.where(Person.territory == territory)
    ranked = _rank(
        ranker,
        EngineNeed(id="recherche", title=q),
        set(session.scalars(query)),
        page.limit,
        page.offset,
    )
    return RecommendationPage(
        items=_person_items(session, ranked), limit=page.limit, offset=page.offset
    )
