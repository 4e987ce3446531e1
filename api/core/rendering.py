"""What every web page shares: templates, language, the signed-in user, CSRF and form errors."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.core.db import session_scope
from api.core.deps import SessionDep, user_of_token
from api.core.errors import AppError, Forbidden, request_language
from api.core.i18n import (
    DEFAULT_LANGUAGE,
    LOCALES,
    gettext,
    ngettext,
    pick_language,
    translator,
)
from api.core.security import csrf_for, csrf_matches
from api.core.security_headers import served_over_https
from api.models import User

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")
TOKEN_COOKIE = "passerelle_token"
CSRF_COOKIE = "passerelle_csrf"
CSRF_FIELD = "csrf_token"
ONE_YEAR = 365 * 24 * 3600


@pass_context
def _gettext(context: Context, key: str, /, **values: Any) -> str:
    """`_("key", name=...)` and `gettext(...)` in templates, in the page's language."""
    return gettext(context.get("lang", DEFAULT_LANGUAGE), key, **values)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int, /, **values: Any) -> str:
    """`ngettext("key", "key_plural", n, name=...)` in templates, in the page's language."""
    return ngettext(context.get("lang", DEFAULT_LANGUAGE), singular, plural, n, **values)


# Jinja's i18n extension gives templates `_` (which calls the `gettext` global) and the trans
# tag; the callables are ours so that they read the language of the request being rendered
# (one shared environment serves every request) and fill `{name}` placeholders.
TEMPLATES.env.add_extension("jinja2.ext.i18n")
TEMPLATES.env.globals.update(gettext=_gettext, ngettext=_ngettext)
TEMPLATES.env.newstyle_gettext = True  # type: ignore[attr-defined]


class CsrfRejected(Exception):
    """A state-changing form arrived without the token of this browser's session."""


class LoginRequired(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def language(request: Request) -> str:
    """The page's language: the one the reader chose (cookie), else the browser's preference
    (Accept-Language), else French; the same rule as the API's refusals."""
    return request_language(request)


def tr(request: Request, key: str, **values: Any) -> str:
    return translator(language(request))(key, **values)


def secure_cookies(request: Request) -> bool:
    """Whether cookies carry `Secure`: over HTTPS (directly or via a trusted proxy), and always in
    production, where a plain-HTTP hop must never carry the session."""
    settings = request.app.state.settings
    return settings.environment == "production" or served_over_https(
        request.scope, settings.trust_forwarded_proto
    )


# ----------------------------------------------------------------------------- CSRF
# The session cookie is SameSite=Lax, which already keeps other sites' POSTs from carrying it;
# the form token adds a second, per-browser-session check (signed double submit): the token is
# an HMAC of a random httponly cookie, rotated at sign-in and sign-out.


def _secret(request: Request) -> str:
    return str(request.app.state.settings.secret_key)


def _csrf_seed(request: Request) -> str:
    seed = getattr(request.state, "csrf_seed", None) or request.cookies.get(CSRF_COOKIE)
    if not seed:
        seed = secrets.token_urlsafe(32)
        request.state.csrf_seed_new = True
    request.state.csrf_seed = seed
    return str(seed)


def csrf_token(request: Request) -> str:
    return csrf_for(_csrf_seed(request), request.app.state.settings.secret_key)


def rotate_csrf(request: Request) -> None:
    request.state.csrf_seed = secrets.token_urlsafe(32)
    request.state.csrf_seed_new = True


def _store_csrf(request: Request, response: Response) -> None:
    if getattr(request.state, "csrf_seed_new", False):
        response.set_cookie(
            CSRF_COOKIE,
            request.state.csrf_seed,
            httponly=True,
            samesite="lax",
            secure=secure_cookies(request),
            max_age=ONE_YEAR,
        )


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token proved it came from one of our pages."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    seed = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not csrf_matches(sent, seed, _secret(request)):
        raise CsrfRejected()
    return form


Form = Annotated[FormData, Depends(checked_form)]


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def optional(form: FormData, name: str) -> str | None:
    return text(form, name) or None


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


# ----------------------------------------------------------------------------- the user


@dataclass(frozen=True)
class Visitor:
    """What an error page's menu needs of the signed-in user, kept apart from the database row:
    a failed request's rollback expires the row before its error page is drawn."""

    role: str
    email: str


def visitor_of(request: Request, *, look_up: bool = True) -> Visitor | None:
    """The signed-in visitor of a request that failed, for its error page's menu.

    Known when the page resolved its user; otherwise (no route matched, the form was refused
    first) read from the session cookie in a short unit of work of its own: the request's
    session, if it had one, is already closed.
    """
    known = getattr(request.state, "visitor", None)
    if isinstance(known, Visitor) or not look_up:
        return known if isinstance(known, Visitor) else None
    token = request.cookies.get(TOKEN_COOKIE)
    if not token:
        return None
    try:
        for session in session_scope(request.app.state.sessions):
            user = user_of_token(session, token, request.app.state.settings.secret_key)
            visitor = Visitor(role=user.role, email=user.email) if user else None
    except SQLAlchemyError:
        return None  # the error page still shows, with the signed-out menu
    request.state.visitor = visitor
    return visitor


def web_user(request: Request, session: SessionDep) -> User | None:
    """The signed-in user, or None: an expired cookie just means signed out on a page."""
    token = request.cookies.get(TOKEN_COOKIE)
    if not token:
        return None
    user = user_of_token(session, token, request.app.state.settings.secret_key)
    if user is not None:
        request.state.visitor = Visitor(role=user.role, email=user.email)
    return user


WebUser = Annotated[User | None, Depends(web_user)]


async def signed_in(request: Request, user: WebUser) -> User:  # no I/O: on the event loop
    if user is None:
        raise LoginRequired(request.url.path)
    return user


SignedIn = Annotated[User, Depends(signed_in)]


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise Forbidden("role_required", roles=", ".join(roles))


def safe_next(value: str | None, default: str = "/") -> str:
    """Only local paths: an open redirect would let a phishing link borrow our domain."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def home_of(user: User) -> str:
    if user.role in ("student", "researcher"):
        return "/recommandations"
    if user.role == "company":
        return "/besoins"
    return "/revue"


# ----------------------------------------------------------------------------- formatting

PARIS = ZoneInfo("Europe/Paris")  # where the network lives and its events take place


def formatters(lang: str) -> dict[str, Callable[..., str]]:
    """Numbers, shares and dates the way a French (or English) reader writes them (CLDR data)."""
    lang = pick_language(lang)
    locale = LOCALES[lang]
    t = translator(lang)

    def num(value: float, digits: int = 0) -> str:
        return format_decimal(value, format="#,##0" + _decimals(digits), locale=locale)

    def pct(share: float, digits: int = 0) -> str:
        pattern = _percent_pattern(locale).replace("0", "0" + _decimals(digits), 1)
        return format_percent(share, format=pattern, locale=locale)

    def long_date(day: dt.date) -> str:
        return format_date(day, "EEEE d MMMM y", locale=locale)

    def short_date(day: dt.date) -> str:
        return format_date(day, "dd/MM/y" if lang == "fr" else "y-MM-dd", locale=locale)

    def when(moment: dt.datetime) -> str:
        local = (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(PARIS)
        time = format_datetime(local, "HH:mm", tzinfo=PARIS, locale=locale)
        return t("date.when", date=short_date(local.date()), time=time)

    return {
        "num": num,
        "pct": pct,
        "long_date": long_date,
        "short_date": short_date,
        "when": when,
    }


def _decimals(digits: int) -> str:
    return "." + "0" * digits if digits > 0 else ""


def _percent_pattern(locale: str) -> str:
    """The locale's own percent pattern (`#,##0\u00a0%` in French, `#,##0%` in English)."""
    return str(Locale.parse(locale).percent_formats[None].pattern)


# ----------------------------------------------------------------------------- rendering


def flash(response: Response, key: str, *, secure: bool = False) -> None:
    """A one-shot message shown by the next page (a catalogue key, never free text)."""
    response.set_cookie("flash", key, max_age=60, httponly=True, samesite="lax", secure=secure)


def render(
    request: Request,
    template: str,
    user: User | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    lang = language(request)
    flash_key = request.cookies.get("flash")
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "user": user,
            "lang": lang,
            "t": translator(lang),
            "csrf_token": csrf_token(request),
            "flash": flash_key if flash_key and flash_key.count(".") == 1 else None,
            "path": request.url.path,
            "path_quoted": quote(request.url.path),
            **formatters(lang),
            **context,
        },
        status_code=status_code,
    )
    # The same address answers in the browser's language until the reader chooses one.
    response.headers["Vary"] = "Accept-Language, Cookie"
    if flash_key:
        response.delete_cookie(
            "flash", httponly=True, samesite="lax", secure=secure_cookies(request)
        )
    _store_csrf(request, response)
    return response


def redirect(request: Request, url: str, flash_key: str | None = None) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    if flash_key:
        flash(response, flash_key, secure=secure_cookies(request))
    _store_csrf(request, response)
    return response


# ----------------------------------------------------------------------------- form errors

_TYPES = {
    "missing": "error.required",
    "string_too_short": "error.min_length",
    "string_too_long": "error.max_length",
    "too_long": "error.too_many",
    "literal_error": "error.choice",
    "enum": "error.choice",
    "float_parsing": "error.number",
    "float_type": "error.number",
    "int_parsing": "error.integer",
    "int_type": "error.integer",
    "int_from_float": "error.integer",
    "date_parsing": "error.date",
    "date_from_datetime_parsing": "error.date",
    "date_type": "error.date",
    "greater_than_equal": "error.ge",
    "less_than_equal": "error.le",
    "control_characters": "error.control_characters",
    "date_format": "error.date",
    "timezone_aware": "error.aware_datetime",
}

# The services' refusals (AppError) a form shows next to a field, by code.
_APP_ERRORS = {
    "email_taken": "error.email_taken",
    "organisation_name_required": "error.organisation_required",
    "unknown_town": "error.unknown_town",
    "dates_order": "error.dates_order",
    "reason_required": "error.reason_required",
    "transition_refused": "error.transition",
    "unknown_affiliation": "error.unknown_affiliation",
    "offers_researchers_only": "error.offers_researchers_only",
    "already_proposed": "collab.error.already_proposed",
    "need_closed": "collab.error.need_closed",
    "not_a_partnership": "collab.error.not_a_partnership",
    "researchers_only": "collab.error.researchers_only",
}
# Refusals that have a page message of their own; others read as not found or forbidden.
_PAGE_ERRORS = {
    "csrf_missing": "error.csrf",
    "file_too_large": "error.too_large",
}


def field_errors(request: Request, exc: ValidationError | AppError) -> dict[str, str]:
    """Field name -> message in the page's language, for errors shown next to their field."""
    t = translator(language(request))
    if isinstance(exc, AppError):
        key = _APP_ERRORS.get(exc.code, "error.invalid")
        return {exc.field or "form": t(key)}
    out: dict[str, str] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "form"
        specific = f"error.{field}.{err['type']}"
        ctx = {k: v for k, v in (err.get("ctx") or {}).items() if isinstance(v, int | float | str)}
        if t(specific) != specific:
            message = t(specific)
        elif err["type"] == "string_too_short" and ctx.get("min_length") == 1:
            message = t("error.required")  # "at least 1 character" is how a blank reads
        else:
            key = _TYPES.get(err["type"], "error.invalid")
            try:
                message = t(key, **ctx)
            except (KeyError, IndexError):
                message = t("error.invalid")
        out.setdefault(field, message)
    return out


# ----------------------------------------------------------------------------- page routes


def error_page(request: Request, status_code: int, message_key: str) -> HTMLResponse:
    """An error as a page in the reader's language (the JSON API answers problem+json), with
    the menu of the signed-in visitor (a 5xx looks nothing up: the database may be the cause)."""
    visitor = visitor_of(request, look_up=status_code < 500)
    return render(
        request,
        "web/error.html",
        visitor,  # type: ignore[arg-type]  # the menu reads only role and email
        status_code,
        message_key=message_key,
        status=status_code,
    )


# What an HTTP error outside any page's own handling reads as, on a page.
PAGE_MESSAGES = {
    400: "error.invalid",
    401: "error.forbidden",
    403: "error.forbidden",
    404: "error.not_found",
    405: "error.method_not_allowed",
    422: "error.invalid",
}


def page_message(status_code: int) -> str:
    return PAGE_MESSAGES.get(status_code, "error.unexpected")


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
                return await run_in_threadpool(error_page, request, 403, "error.csrf")
            except RequestValidationError as exc:
                # A page's URL is its address: an id out of range (or not a number) names no
                # page, so it reads as not found; a bad query string is a 422 page.
                in_path = any(e["loc"] and e["loc"][0] == "path" for e in exc.errors())
                status, key = (404, "error.not_found") if in_path else (422, "error.invalid")
                return await run_in_threadpool(error_page, request, status, key)
            except AppError as exc:
                fallback = "error.not_found" if exc.status_code == 404 else "error.forbidden"
                key = _PAGE_ERRORS.get(exc.code, fallback)
                return await run_in_threadpool(error_page, request, exc.status_code, key)

        return page_handler
