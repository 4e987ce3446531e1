"""Liveness and database health."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api import __version__
from api.core.deps import SessionDep
from api.schemas import Health

router = APIRouter(prefix="/api/v1", tags=["santé / health"])


@router.get("/health", response_model=Health)
def health(session: SessionDep) -> Health:
    session.execute(text("SELECT 1"))
    return Health(status="ok", database=session.get_bind().dialect.name, version=__version__)
