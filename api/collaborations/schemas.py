"""Shapes of a collaboration proposal and of the partners a company sees for an R&D need."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.core.inputs import Text
from api.people.schemas import Input, NeedBrief, OrganisationBrief

Message = Annotated[Text, Field(min_length=20, max_length=5_000)]


class ProposalIn(Input):
    message: Message = Field(
        description="Ce que le chercheur propose, adressé à l'organisation du besoin / "
        "what the researcher proposes, addressed to the need's organisation"
    )


class ResearcherBrief(BaseModel):
    """What a researcher shares with the organisation by proposing a collaboration."""

    model_config = ConfigDict(from_attributes=True)

    ref: str
    first_name: str
    last_name: str
    headline: str
    organisation: OrganisationBrief | None
    research_topics: list[str]
    offers: list[str]
    offer_details: str


class ProposalOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    need: NeedBrief
    researcher: ResearcherBrief = Field(validation_alias="person")
    message: str
    created_at: datetime
