"""The FastAPI application: settings, database, routers and error handling wired together."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import __version__
from api.accounts.api import router as accounts_router
from api.accounts.pages import router as accounts_pages
from api.core.db import check_connection, make_engine, session_factory
from api.core.errors import install_error_handlers
from api.core.health import router as health_router
from api.core.rendering import error_page
from api.core.settings import Settings, get_settings
from api.dashboard import pages as dashboard_pages
from api.engine.service import MatchingService
from api.imports import api as imports_api
from api.imports import pages as imports_pages
from api.needs.api import router as needs_router
from api.needs.pages import router as needs_pages
from api.people.api import router as people_router
from api.people.pages import router as people_pages
from api.recommendations.api import router as recommendations_router
from api.recommendations.pages import router as recommendations_pages
from api.review.api import router as review_router
from api.review.pages import router as review_pages
from api.routers.allocations import router as allocations_router
from api.routers.jobdating import router as jobdating_router
from api.routers.teams import router as teams_router
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
    app.include_router(health_router)
    app.include_router(accounts_router)
    app.include_router(recommendations_router)
    app.include_router(review_router)
    app.include_router(people_router)
    app.include_router(needs_router)
    app.include_router(imports_api.router)
    app.include_router(allocations_router)
    app.include_router(jobdating_router)
    app.include_router(teams_router)
    # Pages: a fixed path is registered before a parametrised one it could be read as
    # (needs' "/besoins/nouveau" before review's and recommendations' "/besoins/{ref}/...").
    for pages in (accounts_pages, people_pages, needs_pages, recommendations_pages, review_pages):
        app.include_router(pages, include_in_schema=False)
    app.include_router(web_router())
    app.include_router(dashboard_pages.router, include_in_schema=False)
    app.include_router(imports_pages.router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def app_from_env() -> FastAPI:
    """Entry point for uvicorn (--factory): fails early, with one line, if the database is down."""
    settings = get_settings()
    app = create_app(settings)
    check_connection(app.state.engine)
    return app
