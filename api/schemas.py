"""Shapes of what the API reads and returns (pydantic, at the HTTP edge only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool

T = TypeVar("T")

Level = Literal["bac", "bac+1", "bac+2", "bac+3", "bac+4", "bac+5", "doctorat"]
NeedKind = Literal["internship", "apprenticeship", "job", "rd", "hackathon"]
Remote = Literal["none", "partial", "full"]
Label = Annotated[str, Field(min_length=1, max_length=200)]
Labels = Annotated[list[Label], Field(max_length=100)]
Language = Annotated[str, Field(min_length=1, max_length=40)]
Languages = Annotated[list[Language], Field(max_length=20)]
LongText = Annotated[str, Field(max_length=20_000)]


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


# --------------------------------------------------------------------------- writes


class _Input(BaseModel):
    """A request body: unknown fields are refused, so a misspelt field is not silently lost."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ProfileUpdate(_Input):
    """Fields of a profile its owner may change; absent fields are left as they are."""

    headline: str = Field(default="", max_length=300)
    summary: LongText = ""
    skills: Labels = []
    programme: str | None = Field(default=None, max_length=200)
    level: Level | None = None
    available_from: date | None = None
    available_until: date | None = None
    mobility_km: float | None = Field(default=None, ge=0, le=20_000)
    languages: Languages = []
    seeks: Annotated[list[NeedKind], Field(max_length=5)] = []
    research_topics: Labels = []
    town: str | None = Field(default=None, max_length=120, description="Commune / town")


class ConsentIn(_Input):
    companies_may_view: StrictBool = Field(
        description="Les entreprises peuvent voir mon profil / companies may see my profile"
    )


class ConsentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    companies_may_view: bool
    updated_at: datetime | None = None


class _NeedFields(_Input):
    kind: NeedKind = "job"
    title: str = Field(min_length=1, max_length=300)
    description: LongText = ""
    skills: Labels = []
    nice_to_have: Labels = []
    level_min: Level | None = None
    languages: Languages = []
    town: str | None = Field(default=None, max_length=120, description="Commune / town")
    remote: Remote = "none"
    start_date: date | None = None
    duration_months: int | None = Field(default=None, ge=0, le=120)
    places: int = Field(default=1, ge=0, le=10_000)
    is_open: bool = True


class NeedCreate(_NeedFields):
    organisation: str | None = Field(
        default=None,
        max_length=40,
        description="Référence de l'organisation (administrateurs seulement) / admins only",
    )


class NeedUpdate(_NeedFields):
    """Fields of a need its organisation may change; absent fields are left as they are."""

    # The default is never used: only fields present in the body are applied.
    title: str = Field(default="", min_length=1, max_length=300)


# --------------------------------------------------------------------------- personal data


class NeedBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    ref: str
    kind: str
    title: str
    organisation: OrganisationBrief


class PersonalProfile(PersonOut):
    email: str
    created_at: datetime
    updated_at: datetime


class AccountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    email: str
    role: str
    is_active: bool
    created_at: datetime


class InterestOut(BaseModel):
    need: NeedBrief
    created_at: datetime


class SuggestionEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    actor: str
    from_status: str | None
    to_status: str
    reason: str
    created_at: datetime


class SuggestionAbout(BaseModel):
    need: NeedBrief
    score: float
    status: str
    explanation: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    history: list[SuggestionEventOut]


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    actor: str
    action: str
    object_type: str
    object_ref: str
    reason: str
    data: dict[str, Any]
    created_at: datetime


class InterviewAbout(BaseModel):
    time: str
    company: str
    score: float


class JobDatingAbout(BaseModel):
    """An event the person was registered for, and their interviews there."""

    event: str
    date: date
    place: str | None
    interviews: list[InterviewAbout]


class HackathonAbout(BaseModel):
    hackathon: str
    team: int | None  # None: registered, no team formed yet


class PersonExport(BaseModel):
    """Everything Passerelle holds about one person (right of access, GDPR art. 15 and 20)."""

    exported_at: datetime
    profile: PersonalProfile
    account: AccountOut | None
    consent: ConsentOut | None
    interests: list[InterestOut]
    shortlisted_for: list[InterestOut]
    suggestions: list[SuggestionAbout]
    job_datings: list[JobDatingAbout] = []
    hackathons: list[HackathonAbout] = []
    audit: list[AuditEntryOut]
