"""Publishing needs: a company creates, edits and withdraws its own offers and challenges."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from api import repository
from api.core.audit import record
from api.core.deps import CurrentUser, SessionDep
from api.core.errors import AppError, NotFound
from api.core.policy import ensure_own_need
from api.core.skills import SkillResolver
from api.engine import corpus
from api.models import Need, Organisation, User
from api.routers.profiles import locate
from api.schemas import NeedCreate, NeedOut, NeedUpdate
from matching.skills import SkillVocabulary

router = APIRouter(prefix="/api/v1/needs", tags=["besoins / needs"])

SKILL_FIELDS = ("skills", "nice_to_have")


def _need(session: Session, ref: str) -> Need:
    found = repository.get_by_ref(session, Need, ref)
    if found is None:
        raise NotFound("Besoin", ref)
    return found


def _publisher(session: Session, user: User, ref: str | None) -> Organisation:
    """The organisation a new need belongs to: the user's own, or any one for an admin."""
    if user.role == "admin":
        if not ref:
            raise AppError(
                "Organisation requise / organisation required", 422, field="organisation"
            )
        found = repository.get_by_ref(session, Organisation, ref)
        if found is None:
            raise AppError(
                f"Organisation inconnue / unknown organisation : {ref}", 422, field="organisation"
            )
        return found
    if user.role != "company" or user.organisation is None:
        raise AppError("Réservé aux entreprises / companies only", 403)
    if ref and ref != user.organisation.ref:
        raise AppError(
            "Une entreprise ne publie que pour elle-même / a company publishes for itself only",
            403,
        )
    return user.organisation


def _apply_skills(session: Session, need: Need, changes: dict[str, list[str]]) -> None:
    resolver = SkillResolver(session, SkillVocabulary.builtin())
    required = changes.get("skills", need.skills)
    nice = changes.get("nice_to_have", need.nice_to_have)
    repository.set_need_skills(need, resolver.resolve_all(required), resolver.resolve_all(nice))


@router.post("", response_model=NeedOut, status_code=201)
def create_need(session: SessionDep, user: CurrentUser, body: NeedCreate) -> NeedOut:
    """Publier un besoin pour son organisation / publish a need for one's organisation."""
    organisation = _publisher(session, user, body.organisation)
    fields = body.model_dump(exclude={"organisation", "town", *SKILL_FIELDS})
    if body.town:
        where = locate(body.town)
    else:  # a need without a town is where its organisation is
        where = {
            "town": organisation.town,
            "territory": organisation.territory,
            "lat": organisation.lat,
            "lon": organisation.lon,
        }
    need = Need(
        ref=repository.new_ref(session, Need, "NEED"),
        organisation=organisation,
        **fields,
        **where,
    )
    session.add(need)
    _apply_skills(session, need, {"skills": body.skills, "nice_to_have": body.nice_to_have})
    session.flush()
    record(session, user, "need.create", "need", need.ref, organisation=organisation.ref)
    corpus.touch(session)
    return NeedOut.model_validate(need)


@router.patch("/{ref}", response_model=NeedOut)
def update_need(session: SessionDep, user: CurrentUser, ref: str, body: NeedUpdate) -> NeedOut:
    """Modifier un besoin (champs absents inchangés) / edit a need (partial update)."""
    need = _need(session, ref)
    ensure_own_need(user, need)
    changes = body.model_dump(exclude_unset=True)
    skill_changes = {k: changes.pop(k) for k in SKILL_FIELDS if k in changes}
    if skill_changes:
        _apply_skills(session, need, skill_changes)
    if "town" in changes:
        for name, value in locate(changes.pop("town")).items():
            setattr(need, name, value)
    for name, value in changes.items():
        setattr(need, name, list(value) if isinstance(value, list) else value)
    session.flush()
    record(session, user, "need.update", "need", need.ref, fields=sorted(body.model_fields_set))
    corpus.touch(session)
    return NeedOut.model_validate(need)


@router.delete("/{ref}", status_code=204, response_class=Response)
def delete_need(session: SessionDep, user: CurrentUser, ref: str) -> Response:
    """Retirer un besoin / withdraw a need.

    Its suggestions, interests and shortlists go with it (foreign keys cascade); the audit log
    keeps the trace. To stop receiving candidates but keep the history, set is_open to false.
    """
    need = _need(session, ref)
    ensure_own_need(user, need)
    record(
        session,
        user,
        "need.delete",
        "need",
        need.ref,
        title=need.title,
        organisation=need.organisation.ref,
    )
    session.delete(need)
    session.flush()
    corpus.touch(session)
    return Response(status_code=204)
