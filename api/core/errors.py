"""Typed errors with stable codes, rendered once as application/problem+json (RFC 9457).

An `AppError` carries its HTTP status, a machine-readable `code` that never changes with the
wording, and the values its message needs. Its words live in the catalogues under
`error.api.<code>`: the JSON layer writes them in the caller's language (`detail`), the pages
pick their own catalogue key by code. No code path reads an error's text to decide anything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from api.core.i18n import (
    DEFAULT_LANGUAGE,
    LANG_COOKIE,
    accepted_language,
    pick_language,
    translator,
)
from api.core.limits import BodyLimit

PROBLEM = "application/problem+json"


def message_key(code: str) -> str:
    """The catalogue key of the message of an error code."""
    return f"error.api.{code}"


class Key(str):
    """A message value that is itself a catalogue key, written out in the message's language."""

    __slots__ = ()


class _Blanks(dict[str, Any]):
    """Values for a message; a placeholder without one stays as written rather than raising."""

    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


def _written(lang: str, key: str, values: Mapping[str, Any]) -> str:
    t = translator(lang)
    filled = {k: t(v) if isinstance(v, Key) else v for k, v in values.items()}
    return t(key).format_map(_Blanks(filled))


@dataclass(frozen=True)
class FieldError:
    """One field's refusal inside a larger one: where, which code, and the message's values."""

    field: str
    code: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def text(self, lang: str) -> str:
        return _written(lang, message_key(self.code), self.params)


class AppError(Exception):
    """A refusal the caller can act on.

    `code` (class default, or given per instance) names it for programs and pages; `params`
    fill its catalogue message; `field` or `errors` say which input is at fault.
    """

    code: str = "bad_request"
    status_code: int = 400

    def __init__(
        self,
        code: str | None = None,
        status_code: int | None = None,
        *,
        field: str | None = None,
        errors: Sequence[FieldError] = (),
        **params: Any,
    ) -> None:
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        self.field = field
        self.errors: list[FieldError] = list(errors)
        self.params: dict[str, Any] = params
        super().__init__(self.text(DEFAULT_LANGUAGE))

    @property
    def message(self) -> str:
        """The message in French, as logs and the command line show it."""
        return self.text(DEFAULT_LANGUAGE)

    def text(self, lang: str) -> str:
        """The message in `lang`; `{problems}` in it lists the field errors, if any."""
        values: dict[str, Any] = dict(self.params)
        if self.errors:
            values.setdefault("problems", "; ".join(e.text(lang) for e in self.errors))
        return _written(lang, self.message_id(), values)

    def message_id(self) -> str:
        """The catalogue key of the message: `error.api.<code>`."""
        return message_key(self.code)

    def field_errors(self, lang: str) -> list[dict[str, str]]:
        """The problem document's `errors`: each field at fault, its code and message."""
        if self.errors:
            return [
                {"field": e.field, "code": e.code, "message": e.text(lang)} for e in self.errors
            ]
        if self.field:
            return [{"field": self.field, "code": self.code, "message": self.text(lang)}]
        return []


class Invalid(AppError):
    """Input that is well-formed but refused (422)."""

    code = "invalid"
    status_code = 422


class Unauthorized(AppError):
    """No valid credentials (401)."""

    code = "unauthorized"
    status_code = 401


class Forbidden(AppError):
    """Credentials are fine, the action is not theirs to take (403)."""

    code = "forbidden"
    status_code = 403


class Conflict(AppError):
    """The action clashes with the current state (409)."""

    code = "conflict"
    status_code = 409


class NotFound(AppError):
    """Nothing with this reference (404): `what` is an entity code (`person`, `need`...) whose
    name is `error.api.entity.<what>` in the catalogues."""

    code = "not_found"
    status_code = 404

    def __init__(
        self, what: str | None = None, ref: str | None = None, *, code: str | None = None
    ) -> None:
        if what is None:
            super().__init__(code)
        else:
            self.what = what
            entity = Key(message_key(f"entity.{what}"))
            super().__init__(code, field="ref", what=entity, ref=ref or "")

    def message_id(self) -> str:
        """`error.api.not_found.named` ("{what} introuvable : {ref}") when a reference is named."""
        return message_key("not_found.named") if "what" in self.params else super().message_id()


# The code and title of an HTTP status that no AppError produced (routing, methods, bodies).
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    500: "internal",
}


def request_language(request: Request) -> str:
    """The caller's language: the site's `lang` cookie, else Accept-Language, else French."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen:
        return pick_language(chosen)
    return accepted_language(request.headers.get("accept-language"))


def title(status: int, lang: str) -> str:
    key = f"problem.title.{status}" if status in HTTP_CODES else "problem.title"
    return translator(lang)(key)


def problem(
    status: int,
    code: str,
    detail: str,
    request: Request,
    errors: list[dict[str, str]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """A problem document; `extra` adds members of the endpoint's own (a row report...)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title(status, request_language(request)),
        "status": status,
        "code": code,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _body_limit(scope: Scope) -> int:
    limit: int = scope["app"].state.settings.max_request_bytes
    return limit


def _too_large(request: Request, limit: int) -> Response:
    """413 for a body over `limit` bytes: the error page for a page, else a problem document."""
    if not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    ):
        # The pages register how they show an error; this module knows no template.
        page = getattr(request.app.state, "error_page", None)
        if page is not None:
            response: Response = page(request, 413, "error.too_large")
            return response
    t = translator(request_language(request))
    return problem(
        413,
        "too_large",
        t(message_key("too_large"), limit_kib=limit // 1024),
        request,
        [
            {
                "field": "body",
                "code": "too_large",
                "message": t(message_key("too_large.bytes"), limit=limit),
            }
        ],
    )


# Validation codes with a catalogue message in the caller's language: the service's own types'
# (api.core.inputs) and pydantic's commonest, whose texts are English; a message may name the
# error's context (`{max_length}`...).
TRANSLATED_VALIDATION = frozenset(
    {
        "control_characters",
        "date_format",
        "missing",
        "string_too_short",
        "string_too_long",
        "too_short",
        "too_long",
        "list_type",
        "string_type",
        "int_type",
        "int_parsing",
        "float_type",
        "float_parsing",
        "bool_type",
        "bool_parsing",
        "dict_type",
        "model_type",
        "model_attributes_type",
        "json_invalid",
        "date_type",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
        "datetime_type",
        "datetime_parsing",
        "datetime_from_date_parsing",
        "timezone_aware",
        "int_from_float",
        "finite_number",
        "tuple_type",
        "literal_error",
        "enum",
        "string_pattern_mismatch",
        "greater_than_equal",
        "less_than_equal",
        "greater_than",
        "less_than",
        "extra_forbidden",
    }
)


def is_page(request: Request) -> bool:
    """A page address: everything outside the JSON API answers errors as pages, never JSON."""
    path = request.url.path
    return not path.startswith("/api/") and path != "/openapi.json"


async def _page(request: Request, status: int) -> Response:
    """The error page the pages registered (`api.core.rendering`), for an HTTP status."""
    from starlette.concurrency import run_in_threadpool

    page = request.app.state.error_page
    key = request.app.state.page_message(status)
    response: Response = await run_in_threadpool(page, request, status, key)
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Problem documents for every error, and the body size limit enforced while streaming."""
    app.add_middleware(BodyLimit, limit_of=_body_limit, refuse=_too_large)

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        if is_page(request):
            return await _page(request, exc.status_code)
        lang = request_language(request)
        return problem(exc.status_code, exc.code, exc.text(lang), request, exc.field_errors(lang))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if is_page(request):
            return await _page(request, 422)
        t = translator(request_language(request))
        errors = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"] if p not in ("body",))
            code = str(err["type"])
            message = err["msg"]
            if code in TRANSLATED_VALIDATION:  # in the caller's language, not pydantic's
                context = {k: v for k, v in (err.get("ctx") or {}).items() if k != "field"}
                if isinstance(context.get("expected"), str):  # "'a', 'b' or 'c'": its "or" too
                    context["expected"] = context["expected"].replace(
                        "' or '", f"' {t(message_key('or'))} '"
                    )
                message = t(message_key(code), **context, field=field)
            errors.append({"field": field, "code": code, "message": message})
        fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
        detail = t(message_key("invalid"), fields=fields)
        return problem(422, "invalid", detail, request, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if is_page(request):  # an unknown page, a page asked with the wrong method...
            page = await _page(request, exc.status_code)
            page.headers.update(exc.headers or {})  # 405's Allow
            return page
        code = HTTP_CODES.get(exc.status_code, "http_error")
        detail = translator(request_language(request))(message_key(code))
        return problem(exc.status_code, code, detail, request)

    install_busy_handlers(app)


# How long a caller turned away as busy is told to wait before trying again, in seconds.
BUSY_RETRY_AFTER = 2
# The same while the matching index loads (seconds: ~10 at a start, minutes for a re-index).
LOADING_RETRY_AFTER = 5


def busy_response(request: Request, index: Mapping[str, Any] | None = None) -> Any:
    """503 with Retry-After: the database had no connection or lock free in time, or (with
    `index`, where `MatchingService.status` stands) the matching index is still loading.

    A page reader gets the error page; an API caller a problem document with code `busy`, or
    `index_loading` with the index's progress (`index`: state, and while it computes features,
    how many of how many documents are done).
    """
    page = getattr(request.app.state, "error_page", None)
    wants_page = not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )
    retry = BUSY_RETRY_AFTER if index is None else LOADING_RETRY_AFTER
    if wants_page and page is not None:
        response = page(request, 503, "error.busy" if index is None else "error.index_loading")
    elif index is None:
        lang = request_language(request)
        response = problem(503, "busy", translator(lang)(message_key("busy")), request)
    else:
        from api.core.rendering import formatters  # numbers as the reader writes them

        lang = request_language(request)
        t, num = translator(lang), formatters(lang)["num"]
        counted = {
            "indexing": message_key("index_indexing_count"),
            "loading": message_key("index_loading_count"),
        }
        key = counted.get(str(index.get("state")))
        if key is not None and index.get("done") is not None and index.get("total") is not None:
            detail = t(key, done=num(index["done"]), total=num(index["total"]))
        else:
            detail = t(message_key("index_loading"))
        response = problem(503, "index_loading", detail, request, extra={"index": dict(index)})
    response.headers.update({"Retry-After": str(retry)})
    return response


def install_busy_handlers(app: FastAPI) -> None:
    """Busy database → 503 with Retry-After, never a hang or a 500; lost lock races rerun."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from api.core.db import DatabaseBusy, is_busy
    from api.core.unit_of_work import ConnectionGate, RetryBusy, attempt_of

    @app.exception_handler(DatabaseBusy)
    async def _busy(request: Request, exc: DatabaseBusy) -> Any:
        # The matching index's "still loading" (api.engine.IndexNotReady) says how far it is.
        return busy_response(request, getattr(exc, "progress", None))

    @app.exception_handler(PoolTimeout)
    async def _pool_exhausted(request: Request, _exc: PoolTimeout) -> Any:
        # Every connection stayed taken for pool_timeout: more waiting would only pile up.
        return busy_response(request)

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> Any:
        if not is_busy(exc):
            raise exc  # a broken database stays a 500, logged with its traceback
        attempt = attempt_of(request.scope)
        if attempt is not None:
            attempt.busy = True  # rolled back whole: RetryBusy runs the request again
        return busy_response(request)

    app.add_middleware(RetryBusy)
    settings = app.state.settings
    app.add_middleware(
        ConnectionGate,
        capacity=settings.pool_size + settings.max_overflow,
        wait_s=settings.pool_timeout,
        refuse=busy_response,
    )
