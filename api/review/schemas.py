"""Shapes of the review: suggestion batches, the queue, decisions, interest pairs, the audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.core.content import LeftOut
from api.core.inputs import Text


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
    score: float
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
