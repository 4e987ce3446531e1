"""The FastAPI application: settings, database, routers and error handling wired together."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import __version__
from api.allocations import api as allocations_api
from api.allocations import pages as allocations_pages
from api.core.db import check_connection, make_engine, session_factory
from api.core.errors import install_error_handlers
from api.core.rendering import error_page
from api.core.settings import Settings, get_settings
from api.engine.service import MatchingService
from api.hackathons import api as hackathons_api
from api.hackathons import pages as hackathons_pages
from api.jobdating import api as jobdating_api
from api.jobdating import pages as jobdating_pages
from api.routers import accounts, directory, health, needs, profiles, recommendations, review
from api.routers.bulk import router as bulk_router
from api.web import build_router as web_router

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Passerelle",
        version=__version__,
        description=(
            "Mise en relation des étudiants, chercheurs et entreprises de la Côte d'Opale. "
            "/ Matchmaking for the Côte d'Opale innovation network."
        ),
    )
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.matching = MatchingService(app.state.sessions, settings.embedding_model)
    app.state.error_page = error_page
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(accounts.router)
    app.include_router(recommendations.router)
    app.include_router(review.router)
    app.include_router(directory.router)
    app.include_router(bulk_router)
    app.include_router(allocations_api.router)
    app.include_router(jobdating_api.router)
    app.include_router(hackathons_api.router)
    app.include_router(profiles.router)
    app.include_router(needs.router)
    app.include_router(web_router())
    for pages in (allocations_pages, jobdating_pages, hackathons_pages):
        app.include_router(pages.router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def app_from_env() -> FastAPI:
    """Entry point for uvicorn (--factory): fails early, with one line, if the database is down."""
    settings = get_settings()
    app = create_app(settings)
    check_connection(app.state.engine)
    return app
