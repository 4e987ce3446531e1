"""Shapes of the review: suggestion batches, the queue, decisions, interest pairs, the audit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.core.content import LeftOut
from api.core.inputs import Text
from api.recommendations.schemas import (
    FIT_DESCRIPTION,
    LEVEL_DESCRIPTION,
    SCORE_DESCRIPTION,
    FitLevel,
)


class ProposeRequest(BaseModel):
    per_need: int = Field(default=5, ge=1, le=50)


class ProposeReport(BaseModel):
    needs: int
    created: int
    kept: int
    left_out: LeftOut = Field(default_factory=LeftOut)


class EventOut(BaseModel):
    actor: str
    from_status: str | None
    to_status: str
    reason: str
    created_at: datetime


class SuggestionOut(BaseModel):
    id: int
    score: float = Field(description=SCORE_DESCRIPTION)
    status: str
    person_ref: str | None
    person_name: str | None
    need_ref: str
    need_title: str
    organisation: str
    mutual_interest: bool
    person_interested: bool
    company_shortlisted: bool
    explanation: dict[str, Any]
    applied: bool = Field(default=False, description="La personne a postulé / the person applied")
    history: list[EventOut]
    person_school: str | None = None
    person_town: str | None = None
    person_available_from: date | None = None
    need_open: bool = True
    rejection_reason: str | None = None
    fit: float | None = Field(default=None, ge=0, le=1, description=FIT_DESCRIPTION)
    level: FitLevel | None = Field(default=None, description=LEVEL_DESCRIPTION)


class QueuePage(BaseModel):
    items: list[SuggestionOut]
    total: int
    limit: int
    offset: int


class Decision(BaseModel):
    action: Literal["approve", "reject", "introduce", "hire"]
    reason: Text = Field(default="", max_length=2000)


class SuggestionEdit(BaseModel):
    note: Text = Field(max_length=2000)


class MutualOut(BaseModel):
    person_ref: str
    need_ref: str
    need_title: str
    organisation: str


class AuditOut(BaseModel):
    actor: str
    action: str
    object_type: str
    object_ref: str
    reason: str
    data: dict[str, Any]
    created_at: datetime


class QueueFilters(BaseModel):
    """What narrows the coordinators' queue; None (or False) narrows nothing."""

    need: str | None = None  # the need's reference
    organisation: str | None = None  # the reference of the need's organisation
    territory: str | None = None  # the need's territory
    school: str | None = None  # the reference of the person's school or lab
    q: str | None = None  # part of the person's name
    interested_only: bool = False  # the person marked interest in the need
    mutual_only: bool = False  # ... and the organisation shortlisted them
    applied_only: bool = False  # the person applied to the need
    candidacy_only: bool = False  # the person applied or marked interest


class QueueChoices(BaseModel):
    """The values the queue's filters offer: those present among the suggestions of a status."""

    needs: list[tuple[str, str]]  # (ref, title)
    organisations: list[tuple[str, str]]  # (ref, name)
    territories: list[str]
    schools: list[tuple[str, str]]  # (ref, name)
