"""Shapes of the background jobs: what starts one, and what a caller reads of its progress."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from api.allocations.schemas import AllocationRequest
from api.core.vocabulary import JobKindName, JobStatusName
from api.review.schemas import ProposeRequest


class ProposeJob(ProposeRequest):
    """The batch of suggestions for every open need of the region."""

    kind: Literal["propose"] = "propose"


class AllocationJob(AllocationRequest):
    """An allocation of places, both methods compared (as POST /allocations)."""

    kind: Literal["allocation"] = "allocation"


class ScheduleJob(BaseModel):
    """The schedule of one job dating (as POST /job-dating/{id}/schedule)."""

    kind: Literal["schedule"] = "schedule"
    event_id: int = Field(ge=1, le=2**31 - 1)
    coverage: bool = Field(
        default=True,
        description="d'abord un entretien pour chacun / first one interview for everyone",
    )


JobStart = Annotated[ProposeJob | AllocationJob | ScheduleJob, Field(discriminator="kind")]


class JobError(BaseModel):
    code: str
    message: str


class JobOut(BaseModel):
    id: int
    kind: JobKindName
    status: JobStatusName
    stage: str = Field(description="étape en cours / current stage")
    done: int
    total: int
    progress: float | None = Field(
        description="part faite, de 0 à 1, inconnue avant le début / share done, 0 to 1"
    )
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    params: dict[str, Any]
    result: dict[str, Any] = Field(description="ce que le travail a produit / what it produced")
    result_ref: str | None = Field(
        description="lot, allocation ou job dating produit / the run or event it produced"
    )
    result_url: str | None = Field(description="où lire le résultat / where to read the result")
    error: JobError | None
