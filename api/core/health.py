"""Liveness and database health."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from api import __version__
from api.core.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["santé / health"])


class Health(BaseModel):
    status: str
    database: str
    version: str


@router.get("/health", response_model=Health)
def health(session: SessionDep) -> Health:
    session.execute(text("SELECT 1"))
    return Health(status="ok", database=session.get_bind().dialect.name, version=__version__)
