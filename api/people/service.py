"""Rules about people: who edits a profile, consent, the directory, export and erasure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from api.applications.service import applications_of, forget_files
from api.core import policy
from api.core.audit import actor_label, record
from api.core.errors import Forbidden, Invalid, NotFound
from api.core.inputs import DRAFT_TEXT
from api.core.policy import ensure_own_person
from api.core.repository import get_or_404
from api.core.skills import SkillResolver
from api.core.vocabulary import PERSON_ROLES
from api.engine import corpus
from api.engine.service import MatchingService, to_profile
from api.jobdating.service import slot_labels
from api.models import Consent, Need, Organisation, Person, User
from api.people import repository
from api.people.schemas import (
    AccountOut,
    ApplicationAbout,
    AuditEntryOut,
    CollaborationAbout,
    ConsentIn,
    ConsentOut,
    HackathonAbout,
    InterestOut,
    InterviewAbout,
    JobDatingAbout,
    NeedBrief,
    PersonalProfile,
    PersonExport,
    ProfileUpdate,
    ReadingOut,
    SuggestionAbout,
    SuggestionEventOut,
)
from matching.encoders import text_key
from matching.features import view
from matching.geo import find_place, territory_of
from matching.skills import SkillVocabulary
from matching.taxonomy import Reading
from matching.types import Profile


def locate(town: str | None, field: str = "town") -> dict[str, Any]:
    """Town, territory and coordinates of a known town (all None for no town); 422 otherwise."""
    if town is None or not town.strip():
        return {"town": None, "territory": None, "lat": None, "lon": None}
    place = find_place(town)
    if place is None:
        raise Invalid("unknown_town", field=field, town=town)
    return {"town": place.town, "territory": territory_of(town), "lat": place.lat, "lon": place.lon}


def person_of(user: User) -> Person:
    """The profile a student's or researcher's account speaks for (403 for other roles)."""
    if user.role not in PERSON_ROLES:
        raise Forbidden("people_only")
    if user.person is None:
        raise NotFound(code="profile_missing")
    return user.person


# --------------------------------------------------------------------------- directory


def list_organisations(
    session: Session,
    *,
    kind: str | None,
    territory: str | None,
    sector: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Organisation], int]:
    return repository.list_organisations(
        session, kind=kind, territory=territory, sector=sector, limit=limit, offset=offset
    )


def get_organisation(session: Session, ref: str) -> Organisation:
    return get_or_404(session, Organisation, ref)


def list_people(
    session: Session,
    user: User,
    *,
    kind: str | None,
    territory: str | None,
    skills: list[str],
    organisation: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Person], int]:
    """The people matching the filters among those the user may see."""
    return repository.list_people(
        session,
        kind=kind,
        territory=territory,
        skills=skills,
        organisation=organisation,
        limit=limit,
        offset=offset,
        visible=policy.visible_people_clause(user),
    )


def reading(matching: MatchingService, person: Person) -> Reading | None:
    """How the engine reads this profile as saved: its likeliest ESCO occupations, the
    evidence that weighs most in the offers it is shown (None without ESCO or text)."""
    return matching.reading(to_profile(person))


def draft_reading(
    matching: MatchingService,
    person: Person,
    headline: str,
    summary: str,
    skills: Sequence[str],
) -> Reading | None:
    """How the engine reads the profile form as written, before it is saved: the saved profile
    with the form's headline, summary and skills. The saved ones read from the index; a draft
    is computed and its vectors are not cached for good."""
    draft = replace(
        to_profile(person),
        headline=headline[:DRAFT_TEXT],
        summary=summary[:DRAFT_TEXT],
        skills=tuple(label[:DRAFT_TEXT] for label in skills),
    )
    return matching.reading(draft, draft=True)


def reading_out(matching: MatchingService, found: Reading | None) -> ReadingOut:
    return ReadingOut(
        esco=matching.uses_taxonomy,
        occupations=list(found.occupations) if found else [],
        clear=bool(found and found.clear),
    )


def person_reading(session: Session, matching: MatchingService, user: User, ref: str) -> ReadingOut:
    """The reading of a profile the user may see (404 otherwise)."""
    return reading_out(matching, reading(matching, get_person(session, user, ref)))


def get_person(session: Session, user: User, ref: str) -> Person:
    """One profile, if the user may see it (404 otherwise: existence is personal data)."""
    found = get_or_404(session, Person, ref)
    policy.ensure_view_person(session, user, found)
    return found


# --------------------------------------------------------------------------- own profile


def update_profile(session: Session, user: User, ref: str, body: ProfileUpdate) -> Person:
    """Apply the fields present in `body` to the person's profile (its owner or an admin)."""
    person = get_or_404(session, Person, ref)
    ensure_own_person(user, person)
    replaced = set(embedding_keys(person))
    changes = body.model_dump(exclude_unset=True)
    _languages(person, changes)
    if "organisation" in changes:
        person.organisation = _affiliation(session, person, changes.pop("organisation"))
    if changes.get("offers") and person.kind != "researcher":
        raise Invalid("offers_researchers_only", field="offers")
    if "skills" in changes:
        resolver = SkillResolver(session, SkillVocabulary.builtin())
        repository.set_person_skills(person, resolver.resolve_all(changes.pop("skills")))
    if "town" in changes:
        for name, value in locate(changes.pop("town")).items():
            setattr(person, name, value)
    for name, value in changes.items():
        setattr(person, name, list(value) if isinstance(value, list) else value)
    if (
        person.available_from is not None
        and person.available_until is not None
        and person.available_until < person.available_from
    ):
        raise Invalid("dates_order", field="available_until")
    session.flush()
    # The vectors of texts this edit replaces go with them: erasing the person later can only
    # find those of the texts they have then (a text two people share is simply encoded again).
    repository.drop_embeddings(session, sorted(replaced - set(embedding_keys(person))))
    record(
        session, user, "profile.update", "person", person.ref, fields=sorted(body.model_fields_set)
    )
    corpus.changed(session, "person", [person.ref])
    return person


def _languages(person: Person, changes: dict[str, Any]) -> None:
    """Languages (ISO codes, read by the schema) with a CEFR level only for a language spoken.

    A level given for a language not listed adds the language: "en: B2" says it is spoken.
    """
    if "languages" not in changes and "language_levels" not in changes:
        return
    levels: dict[str, str] = dict(changes.pop("language_levels", person.language_levels or {}))
    spoken = list(changes.pop("languages", person.languages or []))
    codes = list(dict.fromkeys([*spoken, *levels]))
    person.languages = codes
    person.language_levels = {code: levels[code] for code in codes if code in levels}


# A student names their school, a researcher their lab; a company is no one's affiliation here.
AFFILIATIONS = {"student": "school", "researcher": "lab"}


def _affiliation(session: Session, person: Person, ref: str | None) -> Organisation | None:
    if not ref:
        return None
    found = repository.organisation_by_ref(session, ref)
    if found is None or found.kind != AFFILIATIONS.get(person.kind):
        raise Invalid("unknown_affiliation", field="organisation", ref=ref)
    return found


def affiliations(session: Session, person: Person) -> list[Organisation]:
    """The schools (for a student) or labs (for a researcher) a profile may name."""
    return repository.organisations_of_kind(session, AFFILIATIONS.get(person.kind, "school"))


def set_consent(session: Session, user: User, ref: str, body: ConsentIn) -> Consent:
    """Let companies see the profile, or not: the person's own choice."""
    person = get_or_404(session, Person, ref)
    # Consent is the person's own choice: not even an administrator may give it for them.
    if user.person_id != person.id:
        raise Forbidden("consent_own_only")
    if person.consent is None:
        person.consent = Consent(companies_may_view=False)
    previous = person.consent.companies_may_view
    person.consent.companies_may_view = body.companies_may_view
    session.flush()
    record(
        session,
        user,
        "consent",
        "person",
        person.ref,
        companies_may_view=body.companies_may_view,
        previous=previous,
    )
    corpus.changed(session, "person", [person.ref])  # companies' view of it changed
    return person.consent


# --------------------------------------------------------------------------- personal data


def _ensure_export_allowed(user: User, person: Person) -> None:
    if user.person_id != person.id and user.role != "admin":
        raise Forbidden("export_own_only")


def _brief(need: Need) -> NeedBrief:
    return NeedBrief.model_validate(need)


def _secrets(person: Person, account: User | None) -> list[str]:
    """The strings that name this person in free text: names, e-mails and reference."""
    values = {
        f"{person.first_name} {person.last_name}",
        f"{person.last_name} {person.first_name}",
        person.first_name,
        person.last_name,
        person.email,
        person.ref,
    }
    if account is not None:
        values.add(account.email)
    return sorted(v.strip() for v in values if len(v.strip()) >= 2)


def _job_datings_of(session: Session, person: Person) -> list[JobDatingAbout]:
    out = []
    for attendee, event in repository.job_datings_of(session, person.id):
        labels = slot_labels(event)
        meetings = sorted(
            (m for m in event.meetings if m.attendee_id == attendee.id), key=lambda m: m.slot
        )
        out.append(
            JobDatingAbout(
                event=event.name,
                date=event.day,
                place=event.place,
                interviews=[
                    InterviewAbout(
                        time=labels[m.slot], company=m.table.organisation.name, score=m.score
                    )
                    for m in meetings
                ],
            )
        )
    return sorted(out, key=lambda j: j.date)


def export_person(session: Session, user: User, ref: str) -> PersonExport:
    """Everything held about the person (right of access): for them or an administrator."""
    person = get_or_404(session, Person, ref)
    _ensure_export_allowed(user, person)
    account = repository.user_of_person(session, person.id)
    refs = [person.ref, person.email] + ([account.email] if account else [])
    actors = [actor_label(account)] if account else []
    export = PersonExport(
        exported_at=datetime.now(UTC),
        profile=PersonalProfile.model_validate(person),
        account=AccountOut.model_validate(account) if account else None,
        consent=ConsentOut.model_validate(person.consent) if person.consent else None,
        interests=[
            InterestOut(need=_brief(need), created_at=interest.created_at)
            for interest, need in repository.interests_of(session, person.id)
        ],
        shortlisted_for=[
            InterestOut(need=_brief(need), created_at=entry.created_at)
            for entry, need in repository.shortlists_of(session, person.id)
        ],
        suggestions=[
            SuggestionAbout(
                need=_brief(need),
                score=suggestion.score,
                status=suggestion.status,
                explanation=suggestion.explanation or {},
                created_at=suggestion.created_at,
                updated_at=suggestion.updated_at,
                history=[SuggestionEventOut.model_validate(e) for e in suggestion.events],
            )
            for suggestion, need in repository.suggestions_about(session, person.id)
        ],
        job_datings=_job_datings_of(session, person),
        applications=[
            ApplicationAbout(
                need=_brief(a.need),
                status=a.status,
                message=a.message,
                reason=a.reason,
                cv_name=a.cv_name,
                cv_skills=list(a.cv_skills or []),
                created_at=a.created_at,
                updated_at=a.updated_at,
                history=[SuggestionEventOut.model_validate(e) for e in a.events],
            )
            for a in applications_of(session, person)
        ],
        hackathons=[
            HackathonAbout(hackathon=event.name, team=member.team)
            for member, event in repository.hackathons_of(session, person.id)
        ],
        collaborations=[
            CollaborationAbout(need=_brief(p.need), message=p.message, created_at=p.created_at)
            for p in repository.collaborations_of(session, person.id)
        ],
        audit=[
            AuditEntryOut.model_validate(e) for e in repository.audit_about(session, refs, actors)
        ],
    )
    record(session, user, "export", "person", person.ref)
    return export


def embedding_keys(person: Person) -> list[str]:
    """Cache keys (matching.encoders.text_key) of the texts the engine may have embedded for
    this person, in every role CachedEncoder uses ("q" query, "d" document, "s" symmetric).

    Best effort: the embeddings table has no owner column, so the texts are rebuilt from the
    profile as the ranker builds them (title, core of the summary, skills joined when neither is
    given, title and body for occupations) and hashed. A text the engine built differently
    leaves its vector behind. A profile edit drops the vectors of the texts it replaces
    (`update_profile`), so that an erasure finds those of the texts the person has then; text
    typed but never saved is never stored (`matching.transient_texts`). Single skill labels are
    shared vocabulary, not personal data, and are kept.
    """
    engine_profile = Profile(
        id=person.ref,
        kind=person.kind,
        headline=person.headline,
        summary=person.summary,
        skills=tuple(person.skills),
        research_topics=tuple(person.research_topics or ()),
    )
    texts = {person.headline, person.summary}
    for vocabulary in (None, SkillVocabulary.builtin()):
        v = view(engine_profile, vocabulary)
        texts |= {
            v.title,
            v.body,
            v.core,
            v.title or v.core or " ".join(v.skills)[:300],
            f"{v.title}. {v.body}",
            " ".join(v.skills),
            v.lexical_text,
        }
    texts.discard("")
    return [text_key(f"{role}\x00{text}") for text in sorted(texts) for role in ("s", "q", "d")]


def erase_person(
    session: Session,
    matching: MatchingService,
    user: User,
    ref: str,
    data_dir: Path | None = None,
) -> None:
    """Erase the person and their account (right to erasure); decisions stay, anonymised.

    Suggestions and their decision history are kept for the coordinators' statistics, with the
    person removed (person NULL) and their name and e-mail scrubbed from the texts. Their
    applications go with them (foreign keys cascade), and so do the CV files under `data_dir`.
    """
    person = get_or_404(session, Person, ref)
    ensure_own_person(user, person)
    erased_ref = person.ref
    account = repository.user_of_person(session, person.id)
    erasing_self = account is not None and account.id == user.id
    actors = [actor_label(account)] if account else []
    actor = f"{user.role}:{repository.ERASED}" if erasing_self else actor_label(user)
    keys = embedding_keys(person)
    matching.forget_vectors(keys)
    if data_dir is not None:
        forget_files(session, person, data_dir)
    counts = repository.erase_person(
        session, person, secrets_=_secrets(person, account), actors=actors, embedding_keys=keys
    )
    entry = record(session, None, "erase", "person", repository.ERASED)
    entry.actor = actor
    entry.data = dict(counts)
    corpus.changed(session, "person", [erased_ref])
