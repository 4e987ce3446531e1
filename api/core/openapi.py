"""The OpenAPI document as the service really answers: problem+json errors and the bearer scheme."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from api.core.deps import current_user
from api.core.errors import BUSY_RETRY_AFTER, PROBLEM

API_PREFIX = "/api/v1"
WRITES = frozenset({"post", "put", "patch", "delete"})
METHODS = WRITES | {"get", "head", "options"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem document; `code` is stable, `detail` is translated.",
    "type": "object",
    "required": ["type", "title", "status", "code", "detail", "instance"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
    # An endpoint may add members of its own (an import's row report...).
    "additionalProperties": True,
}

DESCRIPTIONS = {
    400: "Requête incorrecte / bad request",
    401: "Non authentifié / not signed in",
    403: "Interdit / forbidden",
    404: "Introuvable / not found",
    409: "Conflit / conflict",
    413: "Corps trop volumineux / body too large",
    415: "Format de fichier inconnu / unsupported file format",
    422: "Entrée refusée / invalid input",
    429: "Trop de tentatives / too many attempts",
    503: "Base de données occupée / database busy",
}

RETRY_AFTER = {
    "Retry-After": {
        "description": f"Secondes avant de réessayer / seconds to wait (e.g. {BUSY_RETRY_AFTER})",
        "schema": {"type": "string"},
    }
}


def _problem_response(status: int, existing: dict[str, Any] | None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": DESCRIPTIONS.get(status, "Erreur / error")}
    if existing and existing.get("description") and status != 422:
        response["description"] = existing["description"]
    response["content"] = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    if status in (429, 503):
        response["headers"] = RETRY_AFTER
    return response


def _error_statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """The errors an operation can answer, from what it declares (security, parameters, body)."""
    statuses = {422, 503}
    if operation.get("security"):
        statuses |= {401, 403}
    if "{" in path or method in WRITES:
        statuses.add(404)
    if method in WRITES:
        statuses |= {400, 409, 413}
    if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
        statuses.add(415)  # an uploaded file in a format the service does not read
    declared = {int(s) for s in operation.get("responses", {}) if s.isdigit() and int(s) >= 400}
    return statuses | declared


def _requires_user(dependant: Dependant) -> bool:
    return any(d.call is current_user or _requires_user(d) for d in dependant.dependencies)


def _anonymous_allowed(app: FastAPI) -> set[tuple[str, str]]:
    """(path, method) of the operations that read the caller but also answer anonymous ones."""
    found: set[tuple[str, str]] = set()
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and not _requires_user(route.dependant):
            found |= {(context.path_format or route.path, m.lower()) for m in route.methods or ()}
    return found


def problem_schema(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with every /api/v1 error as a `Problem` in application/problem+json."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    anonymous = _anonymous_allowed(app)
    for path, item in schema.get("paths", {}).items():
        if not path.startswith(API_PREFIX):
            continue
        for method, operation in item.items():
            if method not in METHODS:
                continue
            if operation.get("security") and (path, method) in anonymous:
                operation["security"] = [*operation["security"], {}]  # the token is optional
            responses = operation.setdefault("responses", {})
            for status in sorted(_error_statuses(path, method, operation)):
                responses[str(status)] = _problem_response(status, responses.get(str(status)))
    # The service never answers FastAPI's default validation error shape.
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    app.openapi_schema = schema
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve `problem_schema` at /openapi.json instead of FastAPI's default document."""

    def openapi() -> dict[str, Any]:
        return problem_schema(app)

    app.openapi = openapi  # type: ignore[method-assign]
