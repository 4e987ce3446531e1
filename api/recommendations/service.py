"""Rankings with explanations: needs for a person, candidates for a need, free-text search.

Who may ask is checked here; what each ranking may return (open needs, people the caller may
see, the filters) becomes the mask the engine ranks under.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from api.engine.service import Indexes, MatchingService, to_need, to_profile
from api.models import Need, Person, User
from api.people import repository as people_repository
from api.recommendations import repository
from api.recommendations.schemas import (
    ComponentOut,
    ExplanationOut,
    RecommendationOut,
    RecommendationPage,
)
from matching import Memo, transient_texts
from matching.explain import EXPERTISE
from matching.index import Snapshot
from matching.taxonomy import Reading
from matching.types import Explanation, Suggestion
from matching.types import Need as EngineNeed
from matching.types import Profile as EngineProfile

# A remembered ranking hands back the same Explanation objects each time it is asked: their
# response models are kept beside them (by identity, checked, so a recycled id never matches).
_EXPLANATIONS: Memo[int, tuple[Explanation, ExplanationOut]] = Memo(2048)


def explanation_out(explanation: Explanation | None) -> ExplanationOut | None:
    if explanation is None:
        return None
    known = _EXPLANATIONS.get(id(explanation))
    if known is not None and known[0] is explanation:
        return known[1]
    out = _explanation_out(explanation)
    _EXPLANATIONS.put(id(explanation), (explanation, out))
    return out


def _explanation_out(explanation: Explanation) -> ExplanationOut:
    return ExplanationOut(
        text_fr=explanation.text_fr,
        text_en=explanation.text_en,
        matched_skills=list(explanation.matched_skills),
        missing_skills=list(explanation.missing_skills),
        nice_matched=list(explanation.nice_matched),
        related_skills=list(explanation.inferred_skills),
        occupation=explanation.occupation,
        occupation_group=explanation.occupation_group,
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


Mask = np.ndarray[Any, np.dtype[np.bool_]]


def _rank(
    indexes: Indexes,
    query: EngineNeed | EngineProfile,
    mask: Mask,
    limit: int,
    offset: int,
    constrained: bool = True,
) -> list[Suggestion]:
    snapshot = indexes.needs if isinstance(query, EngineProfile) else indexes.people
    if offset >= len(snapshot):  # past the end: nothing to rank for
        return []
    try:
        if isinstance(query, EngineProfile):
            ranked = indexes.rank_needs(query, offset + limit, mask=mask)
        else:
            ranked = indexes.rank_people(query, offset + limit, mask=mask, constrained=constrained)
    except ValueError as exc:
        raise Invalid("nothing_to_compare", field="q", cause=str(exc)) from None
    return ranked[offset:]


def _people_mask(
    session: Session, snapshot: Snapshot, user: User, territory: str | None, kind: str | None
) -> Mask:
    """The people `user` may see (as `visible_people_clause`), filtered, as index positions.

    Read from the index's tags, not from a query returning every reference: a company's mask
    over 100,000 profiles costs a comparison per profile, not a round of SQL rows.
    """
    filters = {name: value for name, value in (("territory", territory), ("kind", kind)) if value}
    if is_staff(user):
        return snapshot.mask_tags(**filters)
    # Consenting profiles (what a company sees of most people) come from the index's tags; the
    # few others the policy lets this user see (their own, introduced, applicants) come from
    # the policy's own clause, so the two can never disagree.
    consenting = snapshot.mask_tags(consent="1", **filters) if user.role == "company" else None
    others = repository.person_refs(
        session, visible_people_clause(user), territory, kind, without_consent=True
    )
    extra = snapshot.mask_ids(others)
    return extra if consenting is None else (consenting | extra)


def needs_mask(
    session: Session,
    snapshot: Snapshot,
    kind: str | None,
    territory: str | None,
    remote: str | None,
    start_from: date | None = None,
    start_until: date | None = None,
) -> Mask:
    """The open needs that pass the filters (what a ranking of needs may show), as positions.

    Read from the database, not from the index's tags: a need closed by any path is never
    shown, even by an index that has not caught up with it yet.
    """
    refs = repository.open_need_refs(session, kind, territory, remote, start_from, start_until)
    return snapshot.mask_ids(refs)


def _fit(probability: float | None) -> float | None:
    return round(probability, 4) if probability is not None else None


def _need_items(session: Session, ranked: list[Suggestion]) -> list[RecommendationOut]:
    needs = repository.need_cards(session, [s.doc_id for s in ranked])
    return [
        RecommendationOut(
            ref=s.doc_id,
            rank=s.rank,
            score=round(s.score, 4),
            fit=_fit(s.fit),
            level=s.level,  # type: ignore[arg-type]  # one of matching.FIT_LEVELS
            title=needs[s.doc_id].title,
            organisation=needs[s.doc_id].organisation,
            territory=needs[s.doc_id].territory,
            explanation=explanation_out(s.explanation),
        )
        for s in ranked
        if s.doc_id in needs
    ]


def _person_items(session: Session, ranked: list[Suggestion]) -> list[RecommendationOut]:
    people = repository.person_cards(session, [s.doc_id for s in ranked])
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
                fit=_fit(s.fit),
                level=s.level,  # type: ignore[arg-type]  # one of matching.FIT_LEVELS
                title=f"{person.first_name} {person.last_name} — {person.headline}",
                organisation=person.organisation,
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
    indexes = matching.indexes(session)
    allowed = needs_mask(session, indexes.needs, kind, territory, remote, start_from, start_until)
    ranked = _rank(indexes, profile, allowed, limit, offset)
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
    indexes = matching.indexes(session)
    mask = _people_mask(session, indexes.people, user, territory, kind)
    ranked = _rank(indexes, engine_need, mask, limit, offset)
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
    indexes = matching.indexes(session)
    allowed = needs_mask(session, indexes.needs, kind, territory, None)
    query = EngineProfile(id="recherche", headline=q)
    with transient_texts():  # nobody's data: the query's vectors are not cached for good
        ranked = _rank(indexes, query, allowed, limit, offset)
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
    indexes = matching.indexes(session)
    mask = _people_mask(session, indexes.people, user, territory, None)
    # Free text is not a need: the engine's need has a kind (a job by default), and ranking
    # under its constraints left out everyone who does not seek a job (394 of the demo's 565).
    query = EngineNeed(id="recherche", title=q)
    with transient_texts():
        ranked = _rank(indexes, query, mask, limit, offset, constrained=False)
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
    indexes = matching.indexes(session)
    if len(indexes.needs) == 0:
        return {"reason": "no_needs"}
    allowed = needs_mask(session, indexes.needs, kind, territory, remote)
    if not allowed.any():
        return {"reason": "filters" if any((kind, territory, remote)) else "no_needs"}
    out = indexes.exclusions(to_profile(person), allowed)
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


# Without a calibration for the engine's weights, where a need stands among those a person may
# be offered, as a share of them, gives the level of fit the offer page shows.
FIT_LEVELS = ((0.1, "strong"), (0.33, "good"))


@dataclass(frozen=True)
class PairFit:
    """How one need fits one person: level, place among the open needs, and why."""

    # The calibrated level (excellente, bonne, possible, faible); strong, good, weak by rank
    # without a calibration; ruled_out (a hard constraint) or empty (nothing to compare).
    level: str
    score: float  # the ranking's fused score (0 when ruled out or empty)
    position: int | None  # 1 = the person's best open need
    among: int  # open needs the person may be offered
    explanation: ExplanationOut | None
    missing: tuple[str, ...] = ()  # profile fields to fill in first
    fit: float | None = None  # estimated probability that the pair is relevant


def need_reading(matching: MatchingService, need: Need) -> Reading | None:
    """How the engine reads the need its candidates are ranked for (its likeliest ESCO
    occupations), from the index when it holds the need as saved."""
    return matching.reading(to_need(need))


def pair_fit(session: Session, matching: MatchingService, person: Person, need: Need) -> PairFit:
    """The fit of one open need for one person, for the offer page and the review queue.

    The person is ranked against every open need (scores only, without explanations), which
    places this one among them; the explanation is the engine's for this pair alone.
    """
    profile = to_profile(person)
    missing = tuple(missing_fields(profile))
    if missing:
        return PairFit("empty", 0.0, None, 0, None, missing)
    indexes = matching.indexes(session)
    if len(indexes.needs) == 0 or not need.is_open:
        return PairFit("empty", 0.0, None, 0, None)
    mask = needs_mask(session, indexes.needs, None, None, None)
    ranked = indexes.rank_needs(profile, max(int(mask.sum()), 1), explain=0, mask=mask)
    found = next((s for s in ranked if s.doc_id == need.ref), None)
    try:  # with the fit the page shows: a low fit despite the skills is explained
        fit = found.fit if found is not None else None
        explanation = explanation_out(indexes.explain(to_need(need), profile, fit=fit))
    except (KeyError, ValueError):  # a need not indexed yet (a bulk import moments ago)
        explanation = None
    if found is None:
        return PairFit("ruled_out", 0.0, None, len(ranked), explanation)
    if found.level is not None:  # the same absolute scale as every ranking's
        return PairFit(
            found.level,
            round(found.score, 4),
            found.rank,
            len(ranked),
            explanation,
            fit=_fit(found.fit),
        )
    share = (found.rank - 1) / len(ranked)
    level = next((name for limit, name in FIT_LEVELS if share <= limit), "weak")
    return PairFit(level, round(found.score, 4), found.rank, len(ranked), explanation)
