"""Server-rendered pages of Passerelle (Jinja2, French first, working without JavaScript)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from api.errors import AppError
from api.web.core import CsrfRejected, Forbidden, LoginRequired, redirect, render, safe_next


class WebRoute(APIRoute):
    """A page route: failures become pages (or a redirect to sign-in), never problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired as exc:
                url = "/connexion?next=" + safe_next(exc.next_path)
                return redirect(request, url, "signin.required")
            except CsrfRejected:
                return render(request, "web/error.html", None, 403, message_key="error.csrf")
            except Forbidden:
                return render(request, "web/error.html", None, 403, message_key="error.forbidden")
            except AppError as exc:
                key = "error.not_found" if exc.status_code == 404 else "error.forbidden"
                return render(request, "web/error.html", None, exc.status_code, message_key=key)

        return page_handler


def build_router() -> APIRouter:
    from api.web import (
        companies,
        coordination,
        dashboard,
        editing,
        events,
        followup,
        imports,
        people,
        public,
        tools,
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
        tools,
        events,
    ):
        router.include_router(module.router)
    return router
