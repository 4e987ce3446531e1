"""Public pages: home, language switch, sign-up, sign-in and sign-out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.accounts import service
from api.accounts.schemas import SignUp
from api.accounts.throttle import Throttle, TooManyAttempts, client_address
from api.core.deps import SessionDep
from api.core.errors import AppError
from api.core.i18n import LANG_COOKIE, LANGUAGES
from api.core.rendering import (
    ONE_YEAR,
    TOKEN_COOKIE,
    Form,
    WebRoute,
    WebUser,
    field_errors,
    home_of,
    language,
    optional,
    redirect,
    render,
    rotate_csrf,
    safe_next,
    secure_cookies,
    text,
    tr,
)
from api.people.service import locate

router = APIRouter(route_class=WebRoute)


@router.get("/")
def home(request: Request, session: SessionDep, user: WebUser) -> Response:
    return render(request, "web/home.html", user, stats=service.home_stats(session))


@router.get("/langue/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    response = redirect(request, safe_next(next))
    if code in LANGUAGES:
        # httponly: no script of ours reads the language; the server renders in it.
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=ONE_YEAR,
            httponly=True,
            samesite="lax",
            secure=secure_cookies(request),
        )
    return response


@router.get("/inscription")
def signup_page(request: Request, user: WebUser) -> Response:
    return render(request, "web/signup.html", user, values={"role": "student"}, errors={})


@router.post("/inscription")
def signup(request: Request, session: SessionDep, user: WebUser, form: Form) -> Response:
    values = {
        name: text(form, name)
        for name in (
            "email",
            "role",
            "first_name",
            "last_name",
            "organisation_name",
            "sector",
            "town",
        )
    }
    try:
        body = SignUp.model_validate(
            {
                "email": values["email"],
                "password": str(form.get("password") or ""),
                "role": values["role"],
                "first_name": values["first_name"],
                "last_name": values["last_name"],
                "organisation_name": optional(form, "organisation_name"),
                "sector": optional(form, "sector"),
                "town": optional(form, "town"),
            }
        )
        if body.town:
            locate(body.town)  # the form refuses a town it cannot place (the API keeps it as is)
        service.create_account(session, body)
    except (ValidationError, AppError) as exc:
        session.rollback()
        errors = field_errors(request, exc)
        return render(request, "web/signup.html", user, 422, values=values, errors=errors)
    return redirect(request, "/connexion?email=" + values["email"], "signup.done")


@router.get("/connexion")
def signin_page(request: Request, user: WebUser, next: str = "", email: str = "") -> Response:
    return render(
        request,
        "web/signin.html",
        user,
        values={"email": email},
        errors={},
        next=safe_next(next, ""),
    )


@router.post("/connexion")
def signin(request: Request, session: SessionDep, form: Form) -> Response:
    email = text(form, "email")
    next_path = safe_next(text(form, "next"), "")
    settings = request.app.state.settings
    throttle = Throttle.from_settings(settings)
    password = str(form.get("password") or "")
    try:
        account = service.authenticate(session, throttle, email, password, client_address(request))
    except TooManyAttempts as exc:
        refused = render(
            request,
            "web/signin.html",
            None,
            429,
            values={"email": email},
            errors={"password": exc.text(language(request))},
            next=next_path,
        )
        refused.headers["Retry-After"] = str(exc.retry_after)
        return refused
    except AppError:
        # Rendered, not raised: the failure the throttle counted commits with the request.
        return render(
            request,
            "web/signin.html",
            None,
            401,
            values={"email": email},
            errors={"password": tr(request, "error.credentials")},
            next=next_path,
        )
    token, _expires = service.token_for(account, settings)
    rotate_csrf(request)
    response = redirect(request, next_path or home_of(account))
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        max_age=settings.access_token_minutes * 60,
    )
    return response


@router.post("/deconnexion")
def signout(request: Request, session: SessionDep, user: WebUser, form: Form) -> Response:
    """Sign out: the session's token is revoked (with every other token of the account), not
    just forgotten by this browser."""
    if user is not None:
        service.sign_out(session, user)
    rotate_csrf(request)
    response = redirect(request, "/", "signout.done")
    response.delete_cookie(
        TOKEN_COOKIE, httponly=True, samesite="lax", secure=secure_cookies(request)
    )
    return response
