"""Hackathon teams for coordinators: formed from skills, schools and levels, saved, exported.

The functions above the routes take a session and return rows, so that the coordinator's web
pages call them directly; the routes only add HTTP.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.core.audit import actor_label, record
from api.core.deps import Coordinator, PageDep, SessionDep
from api.core.errors import AppError, NotFound
from api.core.pagination import Paginated
from api.models import HackathonEvent, HackathonMember, Interest, Need, Person, User
from matching.teams import Participant, Teams, TeamWeights, form_teams, team_score, team_violations

router = APIRouter(prefix="/api/v1/hackathons", tags=["hackathons"])


class WeightsIn(BaseModel):
    """Value of each distinct skill, skill family, school and level in a team."""

    skills: float = Field(default=1.0, ge=0, le=10)
    families: float = Field(default=2.0, ge=0, le=10)
    schools: float = Field(default=1.5, ge=0, le=10)
    levels: float = Field(default=1.0, ge=0, le=10)


class HackathonCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    team_size: int = Field(default=4, ge=1, le=20)
    participants: list[str] = Field(
        default_factory=list, max_length=5000, description="références des personnes / refs"
    )
    need: str | None = Field(
        default=None,
        max_length=40,
        description="besoin de type hackathon : ses intéressés participent / its interested join",
    )
    weights: WeightsIn = Field(default_factory=WeightsIn)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class MemberOut(BaseModel):
    person: str
    name: str
    school: str | None
    school_name: str | None
    level: str | None
    skills: list[str]


class TeamOut(BaseModel):
    number: int
    score: float
    members: list[MemberOut]


class HackathonSummary(BaseModel):
    id: int
    name: str
    need: str | None
    team_size: int
    participants: int
    teams: int
    created_by: str
    created_at: dt.datetime


class HackathonOut(BaseModel):
    id: int
    name: str
    need: str | None
    team_size: int
    seed: int
    weights: dict[str, Any]
    report: dict[str, Any]
    created_by: str
    created_at: dt.datetime
    teams: list[TeamOut]


# -- services ------------------------------------------------------------------------------------


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


def _invalid(errors: list[dict[str, str]]) -> AppError:
    return AppError("; ".join(e["message"] for e in errors), 422, errors=errors)


def _people(session: Session, body: HackathonCreate) -> tuple[Need | None, list[Person]]:
    """The hackathon need (if any) and the participants in order; 422 naming each bad field."""
    errors: list[dict[str, str]] = []
    need: Need | None = None
    interested: list[Person] = []
    if body.need is not None:
        need = session.scalars(select(Need).where(Need.ref == body.need)).unique().one_or_none()
        if need is None:
            errors.append({"field": "need", "message": f"Besoin introuvable : {body.need}"})
        elif need.kind != "hackathon":
            errors.append(
                {"field": "need", "message": f"Ce besoin n'est pas un hackathon : {body.need}"}
            )
        else:
            interested = list(
                session.scalars(
                    select(Person)
                    .join(Interest, Interest.person_id == Person.id)
                    .where(Interest.need_id == need.id)
                    .order_by(Person.ref)
                )
            )
    found = {
        p.ref: p for p in session.scalars(select(Person).where(Person.ref.in_(body.participants)))
    }
    seen: set[str] = set()
    for i, ref in enumerate(body.participants):
        if ref not in found:
            errors.append(
                {"field": f"participants.{i}", "message": f"Personne introuvable : {ref}"}
            )
        elif ref in seen:
            errors.append({"field": f"participants.{i}", "message": f"Personne en double : {ref}"})
        seen.add(ref)
    if errors:
        raise _invalid(errors)
    people = [found[ref] for ref in body.participants]
    people += [p for p in interested if p.ref not in seen]
    if not people:
        message = "Aucun participant / no participant"
        if need is not None:
            message += " : personne ne s'est déclaré intéressé par ce hackathon"
        raise AppError(message, 422, field="participants")
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
    except ValueError as exc:
        raise AppError(str(exc), 422, field="participants") from None
    found = team_violations(participants, teams, body.team_size)
    if found:  # the solver and its checker disagree: save nothing
        raise AppError("Équipes invalides / invalid teams: " + str(found[0]), 500)
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
    query = select(HackathonEvent).order_by(HackathonEvent.id.desc()).limit(limit).offset(offset)
    total = session.scalar(select(func.count()).select_from(HackathonEvent)) or 0
    return list(session.scalars(query)), int(total)


def get_hackathon(session: Session, hackathon_id: int) -> HackathonEvent:
    event = session.get(HackathonEvent, hackathon_id)
    if event is None:
        raise NotFound("Hackathon", str(hackathon_id))
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
        teams=teams_of(event),
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


CSV_COLUMNS = ("equipe", "personne", "nom", "ecole", "niveau", "competences")


def teams_csv(event: HackathonEvent) -> str:
    """One member a row, team by team, with a French header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for team in teams_of(event):
        for m in team.members:
            writer.writerow(
                (
                    team.number,
                    m.person,
                    m.name,
                    m.school_name or "",
                    m.level or "",
                    " ; ".join(m.skills),
                )
            )
    return buffer.getvalue()


# -- routes --------------------------------------------------------------------------------------


@router.post("", response_model=HackathonOut, status_code=201)
def create(session: SessionDep, user: Coordinator, body: HackathonCreate) -> HackathonOut:
    """Former des équipes complémentaires / form teams mixing skills, schools and levels."""
    return hackathon_out(create_hackathon(session, body, user))


@router.get("", response_model=Paginated[HackathonSummary])
def index(session: SessionDep, user: Coordinator, page: PageDep) -> Paginated[HackathonSummary]:
    """Les équipes formées, des plus récentes aux plus anciennes / saved teams, latest first."""
    events, total = list_hackathons(session, page.limit, page.offset)
    return Paginated(
        items=[hackathon_summary(e) for e in events],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{hackathon_id}", response_model=HackathonOut)
def read(session: SessionDep, user: Coordinator, hackathon_id: int) -> HackathonOut:
    """Les équipes d'un hackathon / one hackathon's teams."""
    return hackathon_out(get_hackathon(session, hackathon_id))


@router.get("/{hackathon_id}/export.csv")
def export(session: SessionDep, user: Coordinator, hackathon_id: int) -> Response:
    """Exporter les équipes en CSV / export the teams as CSV."""
    event = get_hackathon(session, hackathon_id)
    return Response(
        teams_csv(event).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="hackathon-{event.id}.csv"'},
    )


@router.delete("/{hackathon_id}", status_code=204, response_class=Response)
def delete(session: SessionDep, user: Coordinator, hackathon_id: int) -> Response:
    """Supprimer des équipes enregistrées / delete saved teams."""
    delete_hackathon(session, hackathon_id, user)
    return Response(status_code=204)
