"""Server-rendered pages of Passerelle (Jinja2, French first, working without JavaScript)."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    from api.web import (
        companies,
        coordination,
        dashboard,
        editing,
        followup,
        imports,
        people,
        public,
    )

    router = APIRouter(include_in_schema=False)
    for module in (
        public,
        people,
        companies,
        coordination,
        dashboard,
        imports,
        editing,
        followup,
    ):
        router.include_router(module.router)
    return router
