"""The page where students and researchers follow their introductions and the interest they sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import repository
from api.core.deps import SessionDep
from api.core.errors import AppError
from api.core.rendering import SignedIn, WebRoute, render, require_role
from api.models import Need, Person, Suggestion, User

router = APIRouter(route_class=WebRoute)

# Decisions a person hears about. "proposed" is the engine's draft and "rejected" the
# coordinators' internal sorting: neither is a step of the person's own journey.
SHOWN = ("approved", "introduced", "hired")


@dataclass(frozen=True)
class Introduction:
    need: Need
    status: str
    since: datetime
    mutual: bool


@dataclass(frozen=True)
class SentInterest:
    need: Need
    sent: datetime
    mutual: bool
    introduced: bool  # the coordinators already introduced the person for this need


def _person(user: User) -> Person:
    require_role(user, "student", "researcher")
    if user.person is None:
        raise AppError("Profil introuvable", 404)
    return user.person


def _since(suggestion: Suggestion) -> datetime:
    """When the suggestion reached its present status (its last decision)."""
    for event in reversed(suggestion.events):
        if event.to_status == suggestion.status:
            return event.created_at
    return suggestion.updated_at


@router.get("/mes-mises-en-relation")
def introductions(request: Request, session: SessionDep, user: SignedIn) -> Response:
    person = _person(user)
    shortlisted = {need.id for _entry, need in repository.shortlists_of(session, person.id)}
    interests = repository.interests_of(session, person.id)
    interested = {need.id for _interest, need in interests}
    introduced = [
        Introduction(
            need=need,
            status=suggestion.status,
            since=_since(suggestion),
            mutual=need.id in interested and need.id in shortlisted,
        )
        for suggestion, need in repository.suggestions_about(session, person.id)
        if suggestion.status in SHOWN
    ]
    presented = {item.need.id for item in introduced if item.status != "approved"}
    sent = [
        SentInterest(
            need=need,
            sent=interest.created_at,
            mutual=need.id in shortlisted,
            introduced=need.id in presented,
        )
        for interest, need in interests
    ]
    return render(
        request,
        "web/introductions.html",
        user,
        introductions=sorted(introduced, key=lambda item: item.since, reverse=True),
        interests=sorted(sent, key=lambda item: item.sent, reverse=True),
    )
