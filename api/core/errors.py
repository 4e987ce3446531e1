"""One error type carrying its HTTP status, rendered once as application/problem+json (RFC 9457)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM = "application/problem+json"


class AppError(Exception):
    def __init__(
        self,
        message: str,
        status_code: int = 400,
        *,
        field: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.field = field
        self.errors = errors or []


class NotFound(AppError):
    def __init__(self, what: str, ref: str) -> None:
        super().__init__(f"{what} introuvable : {ref}", 404, field="ref")


TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Introuvable",
    405: "Méthode non autorisée",
    409: "Conflit",
    413: "Requête trop volumineuse",
    415: "Format non pris en charge",
    422: "Données invalides",
    500: "Erreur interne",
}


def problem(
    status: int, detail: str, request: Request, errors: list[dict[str, Any]] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Erreur"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def install_error_handlers(app: FastAPI) -> None:
    @app.middleware("http")
    async def _size_limit(request: Request, call_next: Any) -> Any:
        """Refuse bodies over the configured size before reading them (413)."""
        limit = request.app.state.settings.max_request_bytes
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            if not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
                "accept", ""
            ):
                # The pages register how they show an error; this module knows no template.
                page = getattr(request.app.state, "error_page", None)
                if page is not None:
                    return page(request, 413, "error.too_large")
            return problem(
                413,
                f"Corps de requête trop volumineux (maximum {limit // 1024} Kio) "
                f"/ request body too large",
                request,
                [{"field": "body", "message": f"maximum {limit} octets / bytes"}],
            )
        return await call_next(request)

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        errors = exc.errors or ([{"field": exc.field, "message": exc.message}] if exc.field else [])
        return problem(exc.status_code, exc.message, request, errors)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in err["loc"] if p not in ("body",)),
                "message": err["msg"],
            }
            for err in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, detail, request, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), request)
