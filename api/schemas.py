"""Shapes of what the API reads and returns (pydantic, at the HTTP edge only)."""

from __future__ import annotations

from datetime import date
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Paginated(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Nombre total d'éléments / total count")
    limit: int
    offset: int


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    ref: str
    kind: str
    name: str
    sector: str | None
    size: str | None
    description: str
    town: str | None
    territory: str | None
    lat: float | None
    lon: float | None


class OrganisationBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    ref: str
    kind: str
    name: str
    territory: str | None


class PersonOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    ref: str
    kind: str
    first_name: str
    last_name: str
    headline: str
    summary: str
    skills: list[str]
    organisation: OrganisationBrief | None
    programme: str | None
    level: str | None
    available_from: date | None
    available_until: date | None
    mobility_km: float | None
    languages: list[str]
    seeks: list[str]
    research_topics: list[str]
    town: str | None
    territory: str | None


class NeedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    ref: str
    kind: str
    title: str
    description: str
    skills: list[str]
    nice_to_have: list[str]
    organisation: OrganisationBrief
    level_min: str | None
    languages: list[str]
    town: str | None
    territory: str | None
    remote: str
    start_date: date | None
    duration_months: int | None
    places: int
    is_open: bool


class Health(BaseModel):
    status: str
    database: str
    version: str
