"""Liveness and database health."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import text

from api import __version__
from api.core.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["santé / health"])


class IndexStatus(BaseModel):
    """Where the matching index stands: rankings answer 503 `index_loading` until `ready`."""

    ready: bool
    state: str  # loading (stored features read), indexing (features computed), idle, failed
    side: str | None = None  # what is being read or indexed: need or person (`done` of `total`)
    done: int | None = None
    total: int | None = None


class Health(BaseModel):
    status: str
    database: str
    version: str
    index: IndexStatus | None = None


@router.get("/health", response_model=Health)
def health(request: Request, session: SessionDep) -> Health:
    """Santé du service, de la base et de l'index / service, database and index health."""
    session.execute(text("SELECT 1"))
    matching = getattr(request.app.state, "matching", None)
    index = IndexStatus(**matching.status()) if matching is not None else None
    return Health(
        status="ok", database=session.get_bind().dialect.name, version=__version__, index=index
    )
