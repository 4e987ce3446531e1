"""The FastAPI application: settings, database, routers and error handling wired together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import __version__
from api.accounts import api as accounts_api
from api.accounts import pages as accounts_pages
from api.allocations import api as allocations_api
from api.allocations import pages as allocations_pages
from api.applications import api as applications_api
from api.applications import pages as applications_pages
from api.collaborations import api as collaborations_api
from api.collaborations import pages as collaborations_pages
from api.core import docs, health
from api.core.db import check_connection, make_engine, session_factory
from api.core.errors import install_error_handlers
from api.core.openapi import install_openapi
from api.core.rendering import error_page, page_message
from api.core.security_headers import SecurityHeaders
from api.core.settings import Settings, get_settings
from api.dashboard import pages as dashboard_pages
from api.engine.service import MatchingService
from api.hackathons import api as hackathons_api
from api.hackathons import pages as hackathons_pages
from api.heap import settle_heap
from api.imports import api as imports_api
from api.imports import pages as imports_pages
from api.jobdating import api as jobdating_api
from api.jobdating import pages as jobdating_pages
from api.jobs import api as jobs_api
from api.jobs import pages as jobs_pages
from api.jobs.queue import JobQueue
from api.jobs.queue import lifespan as jobs_lifespan
from api.mail import pages as mail_pages
from api.mail.delivery import install_mail, stop_postman
from api.needs import api as needs_api
from api.needs import pages as needs_pages
from api.people import api as people_api
from api.people import pages as people_pages
from api.recommendations import api as recommendations_api
from api.recommendations import pages as recommendations_pages
from api.review import api as review_api
from api.review import pages as review_pages

# JSON endpoints under /api/v1, in the order OpenAPI lists them.
API_ROUTERS = (
    health,
    accounts_api,
    recommendations_api,
    review_api,
    people_api,
    needs_api,
    imports_api,
    allocations_api,
    jobdating_api,
    hackathons_api,
    applications_api,
    jobs_api,
    collaborations_api,
)
# Pages: a fixed path is registered before a parametrised one it could be read as
# (needs' "/besoins/nouveau" before review's and recommendations' "/besoins/{ref}/...").
PAGE_ROUTERS = (
    accounts_pages,
    people_pages,
    needs_pages,
    recommendations_pages,
    review_pages,
    allocations_pages,
    jobdating_pages,
    hackathons_pages,
    dashboard_pages,
    imports_pages,
    applications_pages,
    mail_pages,
    jobs_pages,
    collaborations_pages,
)


STATIC = Path(__file__).resolve().parent / "static"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The matching index loads in the background from the start (requests wait for it); the
    background jobs' consumer runs beside it."""
    matching = app.state.matching
    matching.start(then=settle_heap if getattr(app.state, "settle_heap", False) else None)
    try:
        async with jobs_lifespan(app):  # the background jobs' consumer (api/jobs/queue.py)
            yield
    finally:
        stop_postman(app)  # a delivery round under way ends before the database goes
        matching.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Passerelle",
        version=__version__,
        description=(
            "Mise en relation des étudiants, chercheurs et entreprises de la Côte d'Opale. "
            "/ Matchmaking for the Côte d'Opale innovation network."
        ),
        docs_url=None,  # served by api.core.docs from vendored files, not from a CDN
        redoc_url=None,
        lifespan=_lifespan,
    )
    engine = make_engine(settings.database_url, **settings.engine_options())
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.matching = MatchingService(
        app.state.sessions,
        settings.embedding_model,
        esco_dir=settings.esco_dir,
        reranker_file=settings.reranker_file,
    )
    app.state.error_page = error_page
    app.state.error_page = applications_pages.error_page  # a CV over the body limit says so
    app.state.page_message = page_message
    app.state.jobs = JobQueue(settings, app.state)
    install_error_handlers(app)
    install_openapi(app)
    app.add_middleware(SecurityHeaders, trust_forwarded_proto=settings.trust_forwarded_proto)
    install_mail(app)
    for module in API_ROUTERS:
        app.include_router(module.router)
    for module in PAGE_ROUTERS:
        app.include_router(module.router, include_in_schema=False)
    app.include_router(docs.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def app_from_env() -> FastAPI:
    """Entry point for uvicorn (--factory): fails early, with one line, if the database is down."""
    settings = get_settings()
    app = create_app(settings)
    check_connection(app.state.engine)
    app.state.settle_heap = True  # a serving process: tests' apps leave the collector alone
    return app
