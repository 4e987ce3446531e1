"""Rules of needs: who publishes for which organisation, edits and withdraws, and where it is."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from api.core.audit import record
from api.core.errors import Forbidden, Invalid, NotFound
from api.core.inputs import DRAFT_TEXT
from api.core.policy import ensure_own_need
from api.core.repository import get_by_ref, get_or_404, new_ref
from api.core.skills import SkillResolver
from api.engine import corpus
from api.engine.service import MatchingService, to_need
from api.models import Need, Organisation, User
from api.needs import repository
from api.needs.schemas import NeedCreate, NeedUpdate
from api.people.schemas import ReadingOut
from api.people.service import locate, reading_out
from matching import SkillVocabulary, offer_body, offer_left_out
from matching.taxonomy import Reading
from matching.types import Need as EngineNeed

SKILL_FIELDS = ("skills", "nice_to_have")
MAX_HINTS = 12
MAX_WORDS = 8  # a search is a few words; more only slows the query down


def list_needs(
    session: Session,
    *,
    kind: str | None,
    territory: str | None,
    skills: list[str],
    organisation: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Need], int]:
    return repository.list_needs(
        session,
        kind=kind,
        territory=territory,
        skills=skills,
        organisation=organisation,
        limit=limit,
        offset=offset,
    )


def open_offers(
    session: Session,
    *,
    q: str,
    kind: str | None,
    territory: str | None,
    remote: str | None,
    start_from: date | None,
    limit: int,
    offset: int,
) -> tuple[list[Need], int]:
    """The open needs anyone may read, searched by words (all of them) and filtered."""
    words = [w for w in q.split() if w][:MAX_WORDS]
    return repository.open_offers(
        session,
        words=words,
        kind=kind,
        territory=territory,
        remote=remote,
        start_from=start_from,
        limit=limit,
        offset=offset,
    )


def offer_territories(session: Session) -> list[str]:
    return repository.open_territories(session)


def get_offer(session: Session, user: User | None, ref: str) -> Need:
    """A need as its offer page shows it: open ones to anyone; a closed one only to its
    organisation and staff (others read it as not found)."""
    need = get_or_404(session, Need, ref)
    if not need.is_open and not (user is not None and _may_edit(user, need)):
        raise NotFound("need", ref)
    return need


def _may_edit(user: User, need: Need) -> bool:
    return user.role in ("coordinator", "admin") or (
        user.role == "company" and user.organisation_id == need.organisation_id
    )


def get_need(session: Session, ref: str) -> Need:
    return get_or_404(session, Need, ref)


def needs_of(session: Session, organisation: Organisation) -> list[Need]:
    return repository.needs_of_organisation(session, organisation.id)


def editable_need(session: Session, user: User, ref: str) -> Need:
    """The need, if this user may change it (its company, or an admin); 404 or 403 otherwise."""
    need = get_or_404(session, Need, ref)
    ensure_own_need(user, need)
    return need


def _publisher(session: Session, user: User, ref: str | None) -> Organisation:
    """The organisation a new need belongs to: the user's own, or any one for an admin."""
    if user.role == "admin":
        if not ref:
            raise Invalid("organisation_required", field="organisation")
        found = get_by_ref(session, Organisation, ref)
        if found is None:
            raise Invalid("unknown_organisation", field="organisation", ref=ref)
        return found
    if user.role != "company" or user.organisation is None:
        raise Forbidden("companies_only")
    if ref and ref != user.organisation.ref:
        raise Forbidden("own_organisation_only")
    return user.organisation


def _apply_skills(session: Session, need: Need, changes: dict[str, list[str]]) -> None:
    resolver = SkillResolver(session, SkillVocabulary.builtin())
    required = changes.get("skills", need.skills)
    nice = changes.get("nice_to_have", need.nice_to_have)
    repository.set_need_skills(need, resolver.resolve_all(required), resolver.resolve_all(nice))


def _check_dates(need: Need) -> None:
    if need.start_date and need.end_date and need.end_date < need.start_date:
        raise Invalid("dates_order", field="end_date")


def create_need(session: Session, user: User, body: NeedCreate) -> Need:
    """Publish a need for the user's organisation (any organisation, for an admin)."""
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
        ref=new_ref(session, Need, "NEED"),
        organisation=organisation,
        **fields,
        **where,
    )
    _check_dates(need)
    session.add(need)
    _apply_skills(session, need, {"skills": body.skills, "nice_to_have": body.nice_to_have})
    session.flush()
    record(session, user, "need.create", "need", need.ref, organisation=organisation.ref)
    corpus.changed(session, "need", [need.ref])
    return need


def update_need(session: Session, user: User, ref: str, body: NeedUpdate) -> Need:
    """Apply the fields present in `body` to a need of the user's organisation."""
    need = editable_need(session, user, ref)
    changes = body.model_dump(exclude_unset=True)
    skill_changes = {k: changes.pop(k) for k in SKILL_FIELDS if k in changes}
    if skill_changes:
        _apply_skills(session, need, skill_changes)
    if "town" in changes:
        for name, value in locate(changes.pop("town")).items():
            setattr(need, name, value)
    for name, value in changes.items():
        setattr(need, name, list(value) if isinstance(value, list) else value)
    _check_dates(need)
    session.flush()
    record(session, user, "need.update", "need", need.ref, fields=sorted(body.model_fields_set))
    corpus.changed(session, "need", [need.ref])
    return need


def delete_need(session: Session, user: User, ref: str) -> None:
    """Withdraw a need; its suggestions, interests and shortlists go with it (foreign keys
    cascade), the audit log keeps the trace."""
    need = editable_need(session, user, ref)
    record(
        session,
        user,
        "need.delete",
        "need",
        need.ref,
        title=need.title,
        organisation=need.organisation.ref,
    )
    ref = need.ref
    session.delete(need)
    session.flush()
    corpus.changed(session, "need", [ref])


def need_reading(session: Session, matching: MatchingService, ref: str) -> ReadingOut:
    """How the engine reads a published need: its likeliest ESCO occupations (404 if none)."""
    return reading_out(matching, matching.reading(to_need(get_need(session, ref))))


def draft_reading(
    matching: MatchingService, title: str, description: str, skills: str
) -> Reading | None:
    """How the engine reads the need form as written, before it is saved: the occupations
    its candidates will be ranked on first (None without ESCO, or with neither title nor
    description). Skills are the form's comma-separated list, taken as typed; the kind of
    need changes nothing of a reading."""
    title, description = (title or "").strip()[:DRAFT_TEXT], (description or "")[:DRAFT_TEXT]
    if not title and not description.strip():
        return None
    listed = tuple(label.strip() for label in (skills or "").split(",") if label.strip())
    draft = EngineNeed(id="", title=title, description=description, skills=listed)
    return matching.reading(draft, draft=True)


def unread_sentences(description: str) -> list[str]:
    """The sentences of a description that matching leaves out (pay, how to apply, the
    employer's history…), shown to the company under the text so that nothing is a surprise."""
    return offer_left_out((description or "")[:DRAFT_TEXT])


def skill_hints(description: str, *taken: str) -> list[str]:
    """Vocabulary skills named in the description that no comma-separated list in taken holds.

    Labels already listed are compared through the vocabulary, so "python3" hides "Python".
    Sentences the engine does not read (pay, how to apply, the employer: `offer_body`) suggest
    nothing: "service RH" in "Pour postuler, écrivez au service RH" is not a skill of the job.
    """
    vocabulary = SkillVocabulary.builtin()
    listed = [label.strip() for value in taken for label in (value or "").split(",")]
    listed = [label for label in listed if label]
    known, unknown = vocabulary.canonicalise(listed)
    seen = {skill.id for skill in known} | {label.casefold() for label in unknown}
    hints = []
    for skill in vocabulary.extract(offer_body((description or "")[:DRAFT_TEXT])):
        if skill.id not in seen and skill.label.casefold() not in seen:
            hints.append(skill.label)
    return hints[:MAX_HINTS]
