"""Request and response bodies of the allocation API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from api.core.inputs import Line
from api.core.vocabulary import NeedKindName

Ref = Annotated[Line, Field(max_length=200)]


class AllocationRequest(BaseModel):
    kinds: list[NeedKindName] = Field(default=["internship"], min_length=1)
    candidates_per_person: int = Field(default=20, ge=1, le=200)
    pinned: list[tuple[Ref, Ref]] = Field(default_factory=list, description="(personne, besoin)")
    forbidden: list[tuple[Ref, Ref]] = Field(default_factory=list)


class Rerun(BaseModel):
    pinned: list[tuple[Ref, Ref]] = Field(default_factory=list)
    forbidden: list[tuple[Ref, Ref]] = Field(default_factory=list)


class PairOut(BaseModel):
    method: str
    person_ref: str
    need_ref: str
    score: float


class RunSummary(BaseModel):
    id: int
    created_by: str
    created_at: datetime
    settings: dict[str, Any]
    pinned: list[str]
    forbidden: list[str]
    report: dict[str, Any]


class RunOut(RunSummary):
    pairs: list[PairOut]
