"""Shapes of profiles, organisations, consent and a person's personal-data export."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from api.core.inputs import Day, Line, Text
from api.core.vocabulary import (
    CefrName,
    LanguageCodeName,
    LevelName,
    NeedKindName,
    ResearcherOfferName,
    language_code,
)

Label = Annotated[Line, Field(min_length=1, max_length=200)]
Labels = Annotated[list[Label], Field(max_length=100)]
Language = Annotated[Line, Field(min_length=1, max_length=40)]
Languages = Annotated[list[Language], Field(max_length=20)]
LongText = Annotated[Text, Field(max_length=20_000)]


def _as_code(value: object) -> object:
    """A language written by its name ("Anglais", "English") read as its ISO code ("en")."""
    return (language_code(value) or value) if isinstance(value, str) else value


# A language of a profile: an ISO 639-1 code of the vocabulary, or its French or English name.
SpokenLanguage = Annotated[LanguageCodeName, BeforeValidator(_as_code)]


class Input(BaseModel):
    """A request body: unknown fields are refused, so a misspelt field is not silently lost."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


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


class ReadingOut(BaseModel):
    """How the engine reads a profile's or a need's text: its likeliest ESCO occupations."""

    esco: bool = Field(
        description="Le moteur lit les métiers ESCO (référentiel présent) / the engine reads "
        "ESCO occupations (taxonomy present); sans lui, rien à montrer / without it, nothing"
    )
    occupations: list[str] = Field(
        description="Les métiers ESCO les plus probables, du premier au troisième (vide sans "
        "texte) / the likeliest ESCO occupations, best first (empty without text). Rankings "
        "and fit levels weigh this evidence most"
    )
    clear: bool = Field(
        description="Le premier métier se détache (au moins 1,5 fois plus probable que le "
        "deuxième) ; sinon le texte ne désigne pas clairement un métier / the first stands "
        "out (at least 1.5 times as likely as the second); otherwise the text does not clearly "
        "name an occupation"
    )


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
    language_levels: dict[str, str] = {}
    offers: list[str] = []
    offer_details: str = ""
    town: str | None
    territory: str | None


class ProfileUpdate(Input):
    """Fields of a profile its owner may change; absent fields are left as they are."""

    headline: Line = Field(default="", max_length=300)
    summary: LongText = ""
    skills: Labels = []
    programme: Line | None = Field(default=None, max_length=200)
    level: LevelName | None = None
    available_from: Day | None = None
    available_until: Day | None = None
    mobility_km: float | None = Field(default=None, ge=0, le=20_000)
    languages: Annotated[list[SpokenLanguage], Field(max_length=20)] = Field(
        default=[], description="Codes ISO 639-1 (ou noms) / ISO 639-1 codes (or names)"
    )
    seeks: Annotated[list[NeedKindName], Field(max_length=5)] = []
    research_topics: Labels = []
    town: Line | None = Field(default=None, max_length=120, description="Commune / town")
    language_levels: Annotated[dict[SpokenLanguage, CefrName], Field(max_length=20)] = Field(
        default={},
        description='Niveau CECRL par langue / CEFR level per language, ex. {"en": "B2"}',
    )
    organisation: Line | None = Field(
        default=None,
        max_length=40,
        description="École (étudiant) ou laboratoire (chercheur) : sa référence / "
        "school (student) or lab (researcher): its reference",
    )
    offers: Annotated[list[ResearcherOfferName], Field(max_length=3)] = Field(
        default=[],
        description="Ce qu'un chercheur propose / what a researcher offers: "
        "cifre_supervision, expertise, equipment",
    )
    offer_details: LongText = ""


class ConsentIn(Input):
    companies_may_view: StrictBool = Field(
        description="Les entreprises peuvent voir mon profil / companies may see my profile"
    )


class ConsentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    companies_may_view: bool
    updated_at: datetime | None = None


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


class ApplicationAbout(BaseModel):
    """An application the person sent: its message, CV (name and skills found) and history."""

    need: NeedBrief
    status: str
    message: str
    reason: str
    cv_name: str | None
    cv_skills: list[str]
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


class CollaborationAbout(BaseModel):
    """A collaboration the researcher proposed, with their message."""

    need: NeedBrief
    message: str
    created_at: datetime


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
    applications: list[ApplicationAbout] = []
    collaborations: list[CollaborationAbout] = []
    audit: list[AuditEntryOut]
