"""Rankings with explanations: needs for a person, candidates for a need, free-text search.

Who may ask is checked here; what each ranking may return (open needs, people the caller may
see, the filters) becomes the mask the engine ranks under.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from api.core.content import NEED_FIELDS, has_content, missing_fields
from api.core.errors import Forbidden, Invalid
from api.core.policy import (
    ensure_need_owner_or_staff,
    ensure_view_person,
    is_staff,
    visible_people_clause,
)
from api.core.repository import get_or_404
from api.engine.service import MatchingService, exclusions, to_need, to_profile
from api.models import Need, Person, User
from api.people import repository as people_repository
from api.recommendations import repository
from api.recommendations.schemas import (
    ComponentOut,
    ExplanationOut,
    RecommendationOut,
    RecommendationPage,
)
from matching.explain import EXPERTISE
from matching.ranker import HybridRanker
from matching.types import Explanation, Suggestion
from matching.types import Need as EngineNeed
from matching.types import Profile as EngineProfile


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
        expertise=any(r.id in EXPERTISE for r in explanation.reasons),
    )


def explanation_json(explanation: Explanation | None) -> dict[str, Any]:
    out = explanation_out(explanation)
    return out.model_dump() if out is not None else {}


def _mask(ranker: HybridRanker, allowed: set[str]) -> np.ndarray[Any, np.dtype[np.bool_]]:
    return np.array([d.id in allowed for d in ranker.documents_], dtype=bool)


def _rank(
    ranker: HybridRanker,
    query: EngineNeed | EngineProfile,
    allowed: set[str],
    limit: int,
    offset: int,
) -> list[Suggestion]:
    if offset >= len(ranker.documents_):  # past the end: nothing to rank for
        return []
    try:
        ranked = ranker.rank(
            query, k=offset + limit, explain=offset + limit, mask=_mask(ranker, allowed)
        )
    except ValueError as exc:
        raise Invalid("nothing_to_compare", field="q", cause=str(exc)) from None
    return ranked[offset:]


def need_filters(
    session: Session,
    kind: str | None,
    territory: str | None,
    remote: str | None,
    start_from: date | None = None,
    start_until: date | None = None,
) -> set[str]:
    """References of the open needs that pass the filters (what a ranking of needs may show)."""
    return repository.open_need_refs(session, kind, territory, remote, start_from, start_until)


def _need_items(session: Session, ranked: list[Suggestion]) -> list[RecommendationOut]:
    needs = repository.needs_by_ref(session, [s.doc_id for s in ranked])
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


def _person_items(session: Session, ranked: list[Suggestion]) -> list[RecommendationOut]:
    people = repository.people_by_ref(session, [s.doc_id for s in ranked])
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


def profile_missing(person: Person) -> list[str]:
    """What a person fills in before anything can be recommended; [] once there is something."""
    return list(missing_fields(to_profile(person)))


def needs_for_person(
    session: Session,
    matching: MatchingService,
    user: User,
    ref: str,
    *,
    kind: str | None,
    territory: str | None,
    remote: str | None,
    start_from: date | None,
    start_until: date | None,
    limit: int,
    offset: int,
) -> RecommendationPage:
    """Open needs ranked for a person: for the person themself and the coordinators."""
    person = get_or_404(session, Person, ref)
    ensure_view_person(session, user, person)
    if user.person_id != person.id and not is_staff(user):
        raise Forbidden("recommendations_restricted")
    profile = to_profile(person)
    missing: list[str] = list(missing_fields(profile))
    if missing:  # a fresh sign-up: nothing to compare yet, say what to fill in
        return RecommendationPage(items=[], limit=limit, offset=offset, missing=missing)
    ranker = matching.fitted(session).needs
    if ranker is None:
        return RecommendationPage(items=[], limit=limit, offset=offset)
    allowed = need_filters(session, kind, territory, remote, start_from, start_until)
    ranked = _rank(ranker, profile, allowed, limit, offset)
    return RecommendationPage(items=_need_items(session, ranked), limit=limit, offset=offset)


def candidate_need(session: Session, user: User, ref: str) -> Need:
    """The need whose candidates the user asks for: its organisation's, or staff's."""
    need = get_or_404(session, Need, ref)
    ensure_need_owner_or_staff(user, need)
    return need


def candidates_for_need(
    session: Session,
    matching: MatchingService,
    user: User,
    ref: str,
    *,
    territory: str | None,
    kind: str | None,
    limit: int,
    offset: int,
) -> RecommendationPage:
    """People ranked for a need, among those the user may see."""
    need = candidate_need(session, user, ref)
    engine_need = to_need(need)
    if not has_content(engine_need):  # imported without title, text or skill
        missing = list(NEED_FIELDS)
        return RecommendationPage(items=[], limit=limit, offset=offset, missing=missing)
    ranker = matching.fitted(session).people
    if ranker is None:
        return RecommendationPage(items=[], limit=limit, offset=offset)
    allowed = repository.person_refs(session, visible_people_clause(user), territory, kind)
    ranked = _rank(ranker, engine_need, allowed, limit, offset)
    return RecommendationPage(items=_person_items(session, ranked), limit=limit, offset=offset)


def search_needs(
    session: Session,
    matching: MatchingService,
    q: str,
    *,
    kind: str | None,
    territory: str | None,
    limit: int,
    offset: int,
) -> RecommendationPage:
    """Open needs ranked against free text."""
    ranker = matching.fitted(session).needs
    if ranker is None:
        return RecommendationPage(items=[], limit=limit, offset=offset)
    allowed = need_filters(session, kind, territory, None, None, None)
    ranked = _rank(ranker, EngineProfile(id="recherche", headline=q), allowed, limit, offset)
    return RecommendationPage(items=_need_items(session, ranked), limit=limit, offset=offset)


def search_people(
    session: Session,
    matching: MatchingService,
    user: User,
    q: str,
    *,
    territory: str | None,
    limit: int,
    offset: int,
) -> RecommendationPage:
    """People ranked against free text: for staff, and companies (consenting profiles)."""
    if not (is_staff(user) or user.role == "company"):
        raise Forbidden("people_search_restricted")
    ranker = matching.fitted(session).people
    if ranker is None:
        return RecommendationPage(items=[], limit=limit, offset=offset)
    allowed = repository.person_refs(session, visible_people_clause(user), territory)
    ranked = _rank(ranker, EngineNeed(id="recherche", title=q), allowed, limit, offset)
    return RecommendationPage(items=_person_items(session, ranked), limit=limit, offset=offset)


def why_few(
    session: Session,
    matching: MatchingService,
    person: Person,
    kind: str | None,
    territory: str | None,
    remote: str | None,
) -> dict[str, Any]:
    """Why few or no needs were recommended: the filters, or how many each hard constraint cut."""
    ranker = matching.fitted(session).needs
    if ranker is None:
        return {"reason": "no_needs"}
    allowed = need_filters(session, kind, territory, remote)
    if not allowed:
        return {"reason": "filters" if any((kind, territory, remote)) else "no_needs"}
    out = exclusions(ranker, to_profile(person), allowed)
    counts = sorted(((n, name) for name, n in out.by_constraint.items() if n), reverse=True)
    return {
        "reason": "past_end" if out.passing else "constraints",
        "considered": out.considered,
        "excluded": out.considered - out.passing,
        "counts": {name: n for n, name in counts},  # the constraint that cuts most first
    }


def open_territories(session: Session) -> list[str]:
    """Territories that have open needs (the choices of the recommendations' filter)."""
    return repository.open_need_territories(session)


def interested_refs(session: Session, person: Person) -> set[str]:
    """References of the needs the person said they are interested in."""
    return {need.ref for _interest, need in people_repository.interests_of(session, person.id)}


def shortlisted_refs(session: Session, need: Need) -> set[str]:
    return repository.shortlisted_refs(session, need.id)
