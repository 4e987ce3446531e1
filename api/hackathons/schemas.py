"""Request and response bodies of the hackathon teams API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field

from api.core.inputs import DB_INT_MAX, Line


class WeightsIn(BaseModel):
    """Value of each distinct skill, skill family, school and level in a team."""

    skills: float = Field(default=1.0, ge=0, le=10)
    families: float = Field(default=2.0, ge=0, le=10)
    schools: float = Field(default=1.5, ge=0, le=10)
    levels: float = Field(default=1.0, ge=0, le=10)


class HackathonCreate(BaseModel):
    name: Line = Field(min_length=1, max_length=200)
    team_size: int = Field(default=4, ge=1, le=20)
    participants: list[Annotated[Line, Field(max_length=200)]] = Field(
        default_factory=list, max_length=5000, description="références des personnes / refs"
    )
    need: Line | None = Field(
        default=None,
        max_length=40,
        description="besoin de type hackathon : ses intéressés participent / its interested join",
    )
    weights: WeightsIn = Field(default_factory=WeightsIn)
    seed: int = Field(default=0, ge=0, le=DB_INT_MAX)


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
