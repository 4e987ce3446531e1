"""Hackathon rules: who takes part, teams mixing skills, schools and levels, saved and exported.

Refusals are typed: `InvalidHackathon` names each bad field, `NoParticipant` says nobody is left
(and whether a need was given), `TeamsRefused` carries the team former's code.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from api.core.audit import actor_label, record
from api.core.errors import AppError, FieldError, NotFound
from api.core.spreadsheets import csv_text
from api.hackathons import repository
from api.hackathons.schemas import HackathonCreate, MemberOut, TeamOut
from api.models import HackathonEvent, HackathonMember, Need, Person, User
from matching.allocation import Violation
from matching.errors import TeamsCode, TeamsError
from matching.teams import Participant, Teams, TeamWeights, form_teams, team_score, team_violations
from matching.types import NeedKind


class InvalidHackathon(AppError):
    """Unknown or repeated participants, or a need that is not a hackathon (422, per field)."""

    code = "invalid_hackathon"
    status_code = 422

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors=errors)


class NoParticipant(AppError):
    """Nobody to form teams with (422); `need_given`: a need was named but nobody is interested."""

    status_code = 422

    def __init__(self, *, need_given: bool) -> None:
        super().__init__(
            "no_one_interested" if need_given else "no_participant", field="participants"
        )
        self.need_given = need_given


class TeamsRefused(AppError):
    """The team former refused the participants (422); `reason` is its code."""

    code = "teams_refused"
    status_code = 422

    def __init__(self, error: TeamsError) -> None:
        super().__init__(field="participants", reason=error.code, cause=str(error))
        self.reason: TeamsCode = error.code


class TeamsInvalid(AppError):
    """The teams formed fail their own checker: nothing is saved (500)."""

    code = "teams_invalid"
    status_code = 500

    def __init__(self, violation: Violation) -> None:
        super().__init__(violation=str(violation))
        self.violation = violation


def participant(person: Person) -> Participant:
    """What a person brings to a team: skill keys, school (organisation ref) and level."""
    return Participant(
        id=person.ref,
        skills=tuple(link.skill.key for link in person.skill_links),
        school=person.organisation.ref if person.organisation else None,
        level=person.level,
    )


def _families(people: list[Person]) -> dict[str, str]:
    return {
        link.skill.key: link.skill.family
        for p in people
        for link in p.skill_links
        if link.skill.family
    }


def _people(session: Session, body: HackathonCreate) -> tuple[Need | None, list[Person]]:
    """The hackathon need (if any) and the participants in order; InvalidHackathon names each
    bad field, NoParticipant says nobody is left."""
    errors: list[FieldError] = []
    need: Need | None = None
    interested: list[Person] = []
    if body.need is not None:
        need = repository.need(session, body.need)
        if need is None:
            errors.append(FieldError("need", "unknown_need", {"ref": body.need}))
        elif need.kind != NeedKind.HACKATHON:
            errors.append(FieldError("need", "not_a_hackathon", {"ref": body.need}))
        else:
            interested = repository.interested_in(session, need.id)
    found = repository.people_by_ref(session, body.participants)
    seen: set[str] = set()
    for i, ref in enumerate(body.participants):
        if ref not in found:
            errors.append(FieldError(f"participants.{i}", "unknown_person", {"ref": ref}))
        elif ref in seen:
            errors.append(FieldError(f"participants.{i}", "person_twice", {"ref": ref}))
        seen.add(ref)
    if errors:
        raise InvalidHackathon(errors)
    people = [found[ref] for ref in body.participants]
    people += [p for p in interested if p.ref not in seen]
    if not people:
        raise NoParticipant(need_given=need is not None)
    return need, people


def create_hackathon(session: Session, body: HackathonCreate, actor: User | None) -> HackathonEvent:
    """Form teams mixing skills, schools and levels, and save them with their report."""
    need, people = _people(session, body)
    participants = [participant(p) for p in people]
    families = _families(people)
    weights = TeamWeights(**body.weights.model_dump())
    try:
        teams = form_teams(
            participants, body.team_size, seed=body.seed, families=families, weights=weights
        )
    except TeamsError as exc:
        raise TeamsRefused(exc) from None
    found = team_violations(participants, teams, body.team_size)
    if found:  # the solver and its checker disagree: save nothing
        raise TeamsInvalid(found[0])
    event = HackathonEvent(
        name=body.name,
        need=need,
        team_size=body.team_size,
        seed=body.seed,
        weights=asdict(weights),
        report=_report(participants, teams, families, weights),
        created_by=actor_label(actor),
    )
    by_ref = {p.ref: p for p in people}
    event.members = [
        HackathonMember(person=by_ref[ref], team=number)
        for number, team in enumerate(teams.teams, start=1)
        for ref in team
    ]
    session.add(event)
    session.flush()
    record(
        session,
        actor,
        "form_teams",
        "hackathon",
        str(event.id),
        participants=len(participants),
        teams=len(teams.teams),
    )
    return event


def _report(
    participants: list[Participant],
    teams: Teams,
    families: dict[str, str],
    weights: TeamWeights,
) -> dict[str, Any]:
    by_id = {p.id: p for p in participants}
    members = [[by_id[x] for x in team] for team in teams.teams]
    return {
        "score": round(teams.score, 4),
        "participants": len(participants),
        "teams": len(teams.teams),
        "sizes": [len(team) for team in teams.teams],
        "team_scores": [
            round(team_score(team, families=families, weights=weights), 4) for team in members
        ],
        "schools_per_team": [len({p.school for p in team if p.school}) for team in members],
        "violations": [],
    }


def list_hackathons(
    session: Session, limit: int = 20, offset: int = 0
) -> tuple[list[HackathonEvent], int]:
    """Saved sets of teams, the latest first, and how many there are in all."""
    return repository.hackathons(session, limit, offset), repository.count_hackathons(session)


def count_hackathons(session: Session) -> int:
    return repository.count_hackathons(session)


def get_hackathon(session: Session, hackathon_id: int) -> HackathonEvent:
    event = repository.hackathon(session, hackathon_id)
    if event is None:
        raise NotFound("hackathon", str(hackathon_id))
    return event


def delete_hackathon(session: Session, hackathon_id: int, actor: User | None) -> None:
    session.delete(get_hackathon(session, hackathon_id))
    session.flush()
    record(session, actor, "delete", "hackathon", str(hackathon_id))


def _member(person: Person) -> MemberOut:
    org = person.organisation
    return MemberOut(
        person=person.ref,
        name=f"{person.first_name} {person.last_name}".strip(),
        school=org.ref if org else None,
        school_name=org.name if org else None,
        level=person.level,
        skills=person.skills,
    )


def teams_of(event: HackathonEvent) -> list[TeamOut]:
    """The saved teams, numbered from 1 (a member erased since is simply gone)."""
    scores = event.report.get("team_scores", [])
    grouped: dict[int, list[MemberOut]] = {}
    for m in event.members:
        grouped.setdefault(m.team, []).append(_member(m.person))
    return [
        TeamOut(
            number=number,
            score=scores[number - 1] if number - 1 < len(scores) else 0.0,
            members=members,
        )
        for number, members in sorted(grouped.items())
    ]


CSV_COLUMNS = ("equipe", "personne", "nom", "ecole", "niveau", "competences")


def teams_csv(event: HackathonEvent) -> str:
    """One member a row, team by team, with a French header."""
    rows = [
        (
            team.number,
            m.person,
            m.name,
            m.school_name or "",
            m.level or "",
            " ; ".join(m.skills),
        )
        for team in teams_of(event)
        for m in team.members
    ]
    return csv_text([CSV_COLUMNS, *rows])


def hackathon_needs(session: Session) -> list[dict[str, Any]]:
    """Open hackathon needs, with how many people said they are interested."""
    interested = repository.interest_counts(session)
    return [
        {
            "ref": n.ref,
            "title": n.title,
            "organisation": n.organisation.name,
            "interested": interested.get(n.id, 0),
        }
        for n in repository.open_hackathon_needs(session)
    ]
