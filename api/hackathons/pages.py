"""Coordinators' hackathon pages: form teams from a need's interested people or a list, read and
export them."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.core.deps import SessionDep
from api.core.inputs import DbId
from api.core.rendering import (
    Form,
    SignedIn,
    WebRoute,
    field_errors,
    redirect,
    render,
    require_role,
    text,
    tr,
)
from api.core.vocabulary import STAFF_ROLES
from api.hackathons import service
from api.hackathons.schemas import HackathonCreate
from api.hackathons.service import InvalidHackathon, NoParticipant, TeamsRefused
from api.jobdating.service import invite, quoted, schools
from api.models import HackathonEvent, User

router = APIRouter(route_class=WebRoute)

SHOWN = 50  # hackathons listed on a page; older ones stay reachable through the API
HACKATHON_FIELDS = ("name", "team_size", "need", "school", "participants")
SKILLS_SHOWN = 4  # a member's main skills on a team card


def _coordinator(user: User) -> None:
    require_role(user, *STAFF_ROLES)


def _hackathons_page(
    request: Request,
    session: Session,
    user: User,
    status_code: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    events, total = service.list_hackathons(session, SHOWN, 0)
    rows = [
        {
            "event": e,
            "participants": len(e.members),
            "teams": len({m.team for m in e.members}),
        }
        for e in events
    ]
    return render(
        request,
        "web/hackathons.html",
        user,
        status_code,
        hackathons=rows,
        total=total,
        values=values or {"team_size": "4"},
        errors=errors or {},
        needs=service.hackathon_needs(session),
        schools=schools(session),
    )


@router.get("/hackathons")
def hackathons_page(request: Request, session: SessionDep, user: SignedIn) -> Response:
    _coordinator(user)
    return _hackathons_page(request, session, user)


def _refusal(exc: InvalidHackathon | NoParticipant | TeamsRefused) -> tuple[str, str]:
    """(field, catalogue key) of create_hackathon's refusal, by its type and the field named."""
    if isinstance(exc, NoParticipant):
        key = (
            "hackathons.error.no_one_interested"
            if exc.need_given
            else "hackathons.error.no_participant"
        )
        return "participants", key
    named = (exc.errors[0].field if exc.errors else exc.field) or "form"
    field = str(named).split(".")[0]
    return field, "hackathons.error.need" if field == "need" else "hackathons.error.participants"


@router.post("/hackathons")
def create_hackathon_page(
    request: Request, session: SessionDep, user: SignedIn, form: Form
) -> Response:
    _coordinator(user)
    values = {name: text(form, name) for name in HACKATHON_FIELDS}
    errors: dict[str, str] = {}
    invited = invite(
        session, values["participants"], f"ecole:{values['school']}" if values["school"] else ""
    )
    if invited.unknown:
        errors["participants"] = tr(
            request, "jobdating.error.unknown_people", refs=quoted(invited.unknown)
        )
    if invited.unknown_scope:
        errors["school"] = tr(request, "error.choice")
    body: dict[str, Any] = {
        "name": values["name"],
        "team_size": values["team_size"],
        "need": values["need"] or None,
        "participants": invited.refs,
    }
    try:
        validated = HackathonCreate.model_validate(body)
    except ValidationError as exc:
        errors = {**field_errors(request, exc), **errors}
    if errors:
        return _hackathons_page(request, session, user, 422, values, errors)
    try:
        event = service.create_hackathon(session, validated, user)
    except (InvalidHackathon, NoParticipant, TeamsRefused) as exc:
        field, key = _refusal(exc)
        return _hackathons_page(request, session, user, 422, values, {field: tr(request, key)})
    return redirect(request, f"/hackathons/{event.id}", "hackathons.created")


def _team_cards(event: HackathonEvent) -> list[dict[str, Any]]:
    """Each team with its members, the skill families it covers and the schools it mixes."""
    people = {m.person.ref: m.person for m in event.members}
    cards = []
    for team in service.teams_of(event):
        members = [people[m.person] for m in team.members if m.person in people]
        families = sorted(
            {link.skill.family for p in members for link in p.skill_links if link.skill.family}
        )
        schools = sorted({m.school_name for m in team.members if m.school_name})
        cards.append(
            {
                "number": team.number,
                "score": team.score,
                "members": [
                    {
                        "ref": m.person,
                        "name": m.name,
                        "school": m.school_name,
                        "level": m.level,
                        "skills": m.skills[:SKILLS_SHOWN],
                    }
                    for m in team.members
                ],
                "families": families,
                "schools": schools,
            }
        )
    return cards


@router.get("/hackathons/{hackathon_id}")
def hackathon_page(
    request: Request, session: SessionDep, user: SignedIn, hackathon_id: DbId
) -> Response:
    _coordinator(user)
    event = service.get_hackathon(session, hackathon_id)
    report = event.report
    sizes = Counter(report.get("sizes", []))
    return render(
        request,
        "web/hackathon.html",
        user,
        200,
        event=event,
        report=report,
        sizes=sorted(sizes.items(), reverse=True),
        teams=_team_cards(event),
    )


@router.get("/hackathons/{hackathon_id}/equipes.csv")
def hackathon_csv(session: SessionDep, user: SignedIn, hackathon_id: DbId) -> Response:
    _coordinator(user)
    event = service.get_hackathon(session, hackathon_id)
    return Response(
        service.teams_csv(event).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="hackathon-{event.id}.csv"'},
    )


@router.post("/hackathons/{hackathon_id}/supprimer")
def delete_hackathon_page(
    request: Request, session: SessionDep, user: SignedIn, form: Form, hackathon_id: DbId
) -> Response:
    _coordinator(user)
    service.delete_hackathon(session, hackathon_id, user)
    return redirect(request, "/hackathons", "hackathons.deleted")
