"""Shapes of an application: as the applicant and the company read it, and a status change."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.core.inputs import Text
from api.people.schemas import Input

# What the company may set (reçue, vue, entretien, retenue, refusée, embauche); "withdrawn" is
# the applicant's own move.
CompanyStatus = Literal["received", "seen", "interview", "retained", "refused", "hired"]
MessageText = Field(default="", max_length=5_000)


class StatusChange(Input):
    status: CompanyStatus
    reason: Text = Field(
        default="",
        max_length=2_000,
        description="Motif, obligatoire pour un refus / reason, required to refuse",
    )


class ApplicationEventOut(BaseModel):
    actor: str
    from_status: str | None
    to_status: str
    reason: str
    created_at: datetime


class CvOut(BaseModel):
    name: str
    bytes: int
    url: str = Field(description="Téléchargement (candidat, entreprise, coordination) / download")
    skills: list[str] = Field(description="Compétences du vocabulaire trouvées dans le CV")


class ApplicationOut(BaseModel):
    id: int
    status: str
    message: str
    reason: str
    need_ref: str
    need_title: str
    organisation: str
    person_ref: str
    person_name: str
    cv: CvOut | None
    created_at: datetime
    updated_at: datetime
    history: list[ApplicationEventOut]
