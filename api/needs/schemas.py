"""Shapes of a need: as the directory shows it and as its organisation writes it."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from api.core.inputs import Day, Line
from api.core.vocabulary import LevelName, NeedKindName, RemoteName
from api.people.schemas import Input, Labels, Languages, LongText, OrganisationBrief


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
    end_date: date | None = None
    deadline: date | None = None
    pay: str | None = None


class _NeedFields(Input):
    kind: NeedKindName = "job"
    title: Line = Field(min_length=1, max_length=300)
    description: LongText = ""
    skills: Labels = []
    nice_to_have: Labels = []
    level_min: LevelName | None = None
    languages: Languages = []
    town: Line | None = Field(default=None, max_length=120, description="Commune / town")
    remote: RemoteName = "none"
    start_date: Day | None = None
    duration_months: int | None = Field(default=None, ge=0, le=120)
    places: int = Field(default=1, ge=0, le=10_000)
    is_open: bool = True
    end_date: Day | None = None
    deadline: Day | None = Field(
        default=None, description="Date limite de candidature / last day to apply"
    )
    pay: Line | None = Field(
        default=None,
        max_length=200,
        description="Rémunération, telle que l'entreprise l'écrit / pay, as the company words it",
    )


class NeedCreate(_NeedFields):
    organisation: Line | None = Field(
        default=None,
        max_length=40,
        description="Référence de l'organisation (administrateurs seulement) / admins only",
    )


class NeedUpdate(_NeedFields):
    """Fields of a need its organisation may change; absent fields are left as they are."""

    # The default is never used: only fields present in the body are applied.
    title: Line = Field(default="", min_length=1, max_length=300)
