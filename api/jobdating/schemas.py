"""Request and response bodies of the job-dating API (the pages build the same requests)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from api.core.inputs import DB_INT_MAX, BodyId, Day, Line

MAX_PARALLEL = 20  # interviews a table holds at once


class TableIn(BaseModel):
    organisation: Line = Field(min_length=1, max_length=40, description="référence / ref")
    parallel: int = Field(default=1, ge=1, le=MAX_PARALLEL, description="entretiens en parallèle")
    max_interviews: int | None = Field(default=None, ge=0, le=1000)


class EventCreate(BaseModel):
    name: Line = Field(min_length=1, max_length=200)
    date: Day
    place: Line | None = Field(default=None, max_length=200)
    start_time: str = Field(default="18:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    slot_minutes: int = Field(default=15, ge=5, le=240)
    slots: int = Field(default=8, ge=1, le=48)
    max_per_student: int = Field(default=3, ge=1, le=48)
    companies: list[TableIn] = Field(default_factory=list, max_length=500)
    attendees: list[Annotated[Line, Field(max_length=200)]] = Field(
        default_factory=list, max_length=5000, description="références des personnes / refs"
    )


class TableOut(BaseModel):
    id: int
    organisation: str
    name: str
    parallel: int
    max_interviews: int | None


class AttendeeOut(BaseModel):
    id: int
    person: str
    name: str


class MeetingOut(BaseModel):
    id: int
    person: str
    person_name: str
    organisation: str
    organisation_name: str
    slot: int
    time: str
    score: float
    pinned: bool


class EventSummary(BaseModel):
    id: int
    name: str
    date: dt.date
    place: str | None
    start_time: str
    slots: int
    companies: int
    attendees: int
    interviews: int
    scheduled_at: dt.datetime | None
    created_by: str
    created_at: dt.datetime


class EventOut(BaseModel):
    id: int
    name: str
    date: dt.date
    place: str | None
    start_time: str
    slot_minutes: int
    slots: int
    max_per_student: int
    slot_labels: list[str]
    created_by: str
    created_at: dt.datetime
    scheduled_at: dt.datetime | None
    companies: list[TableOut]
    attendees: list[AttendeeOut]
    meetings: list[MeetingOut]
    report: dict[str, Any]


class ScheduleRequest(BaseModel):
    coverage: bool = Field(
        default=True,
        description="d'abord un entretien pour chacun / first one interview for everyone",
    )


class SwapRequest(BaseModel):
    a: BodyId = Field(description="identifiant d'entretien / meeting id")
    b: BodyId = Field(description="identifiant d'entretien / meeting id")


class PinRequest(BaseModel):
    meeting: BodyId
    pinned: bool = True
    slot: int | None = Field(
        default=None,
        ge=0,
        le=DB_INT_MAX,
        description="déplacer d'abord à ce créneau / move here first",
    )


class AgendaItem(BaseModel):
    meeting_id: int
    slot: int
    time: str
    end: str
    ref: str
    name: str


class Agenda(BaseModel):
    kind: Literal["student", "company"]
    ref: str
    name: str
    meetings: list[AgendaItem]


class AgendasOut(BaseModel):
    event_id: int
    slot_labels: list[str]
    students: list[Agenda]
    companies: list[Agenda]


class MyAgendaOut(BaseModel):
    event_id: int
    event_name: str
    date: dt.date
    place: str | None
    agenda: Agenda


class AgendasMailed(BaseModel):
    """How many agenda mails were queued."""

    mails: int
