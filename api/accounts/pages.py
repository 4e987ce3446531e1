"""Public pages: home, language switch, sign-up, sign-in and sign-out."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.accounts import service
from api.accounts.schemas import PasswordChange, PasswordReset, SignUp
from api.accounts.throttle import Throttle, TooManyAttempts, client_address
from api.core.deps import SessionDep
from api.core.errors import AppError
from api.core.i18n import LANG_COOKIE, LANGUAGES
from api.core.rendering import (
    ONE_YEAR,
    TOKEN_COOKIE,
    Form,
    SignedIn,
    WebRoute,
    WebUser,
    field_errors,
    home_of,
    language,
    optional,
    redirect,
    render,
    require_role,
    rotate_csrf,
    safe_next,
    secure_cookies,
    text,
    tr,
)
from api.core.vocabulary import PERSON_ROLES
from api.mail.service import forget as forget_mails
from api.models import User
from api.people.service import erase_person, export_person, locate, person_of

router = APIRouter(route_class=WebRoute)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@router.get("/")
def home(request: Request, session: SessionDep, user: WebUser) -> Response:
    return render(request, "web/home.html", user, stats=service.home_stats(session))


@router.get("/langue/{code}")
def switch_language(
    request: Request, session: SessionDep, user: WebUser, code: str, next: str = "/"
) -> Response:
    response = redirect(request, safe_next(next))
    if code in LANGUAGES:
        if user is not None:
            service.set_language(session, user, code)  # the language of the account's mails
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
        account = service.create_account(session, body)
        service.set_language(session, account, language(request))
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
    if LANG_COOKIE in request.cookies:
        service.set_language(session, account, language(request))
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


# --------------------------------------------------------------------------- the account page


def _account(request: Request, user: User, status: int = 200, **context: Any) -> Response:
    context.setdefault("errors", {})
    context.setdefault("delete_errors", {})
    return render(
        request,
        "web/account.html",
        user,
        status,
        has_profile=user.person_id is not None,
        **context,
    )


@router.get("/compte")
def account_page(request: Request, user: SignedIn) -> Response:
    return _account(request, user)


@router.post("/compte/mot-de-passe")
def account_password(request: Request, session: SessionDep, user: SignedIn, form: Form) -> Response:
    """Change the password; every other session of the account is signed out, this one
    continues with a fresh token."""
    settings = request.app.state.settings
    new_password = str(form.get("new_password") or "")
    if new_password != str(form.get("confirm_password") or ""):
        errors = {"confirm_password": tr(request, "account.password.mismatch")}
        return _account(request, user, 422, errors=errors)
    try:
        body = PasswordChange.model_validate(
            {
                "current_password": str(form.get("current_password") or ""),
                "new_password": new_password,
            }
        )
        service.change_password(
            session, Throttle.from_settings(settings), user, body, client_address(request)
        )
    except ValidationError as exc:
        return _account(request, user, 422, errors=field_errors(request, exc))
    except TooManyAttempts as exc:
        # Rendered, not raised: the failure the throttle counted commits with the request.
        errors = {"current_password": exc.text(language(request))}
        refused = _account(request, user, 429, errors=errors)
        refused.headers["Retry-After"] = str(exc.retry_after)
        return refused
    except AppError:
        errors = {"current_password": tr(request, "account.password.wrong")}
        return _account(request, user, 422, errors=errors)
    token, _expires = service.token_for(user, settings)
    response = redirect(request, "/compte", "account.password_changed")
    _set_session_cookie(request, response, token)
    return response


@router.get("/compte/export")
def account_export(request: Request, session: SessionDep, user: SignedIn) -> Response:
    """All the data held about the signed-in person, as a JSON file (the API's export)."""
    require_role(user, *PERSON_ROLES)
    export = export_person(session, user, person_of(user).ref)
    return Response(
        export.model_dump_json(indent=2),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="passerelle-{export.profile.ref}.json"'
        },
    )


@router.get("/compte/supprimer")
def account_delete_page(request: Request, user: SignedIn) -> Response:
    require_role(user, *PERSON_ROLES)
    return render(request, "web/account_delete.html", user, errors={})


@router.post("/compte/supprimer")
def account_delete(request: Request, session: SessionDep, user: SignedIn, form: Form) -> Response:
    """Erase the account and its profile (the API's erasure), once the password is given."""
    require_role(user, *PERSON_ROLES)
    person = person_of(user)
    settings = request.app.state.settings
    password = str(form.get("password") or "")
    confirmed = text(form, "confirm") == "oui"
    if not confirmed:
        errors = {"confirm": tr(request, "account.delete.confirm_required")}
        return render(request, "web/account_delete.html", user, 422, errors=errors)
    try:
        service.authenticate(
            session, Throttle.from_settings(settings), user.email, password, client_address(request)
        )
    except TooManyAttempts as exc:
        errors = {"password": exc.text(language(request))}
        refused = render(request, "web/account_delete.html", user, 429, errors=errors)
        refused.headers["Retry-After"] = str(exc.retry_after)
        return refused
    except AppError:
        errors = {"password": tr(request, "account.password.wrong")}
        return render(request, "web/account_delete.html", user, 422, errors=errors)
    email = user.email
    erase_person(
        session, request.app.state.matching, user, person.ref, request.app.state.settings.data_dir
    )
    forget_mails(session, email)
    rotate_csrf(request)
    response = redirect(request, "/", "account.deleted")
    response.delete_cookie(
        TOKEN_COOKIE, httponly=True, samesite="lax", secure=secure_cookies(request)
    )
    return response


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        max_age=request.app.state.settings.access_token_minutes * 60,
    )


# --------------------------------------------------------------------------- forgotten password


@router.get("/mot-de-passe-oublie")
def forgot_page(request: Request, user: WebUser, email: str = "") -> Response:
    return render(
        request, "web/password_forgot.html", user, values={"email": email[:254]}, errors={}
    )


@router.post("/mot-de-passe-oublie")
def forgot(request: Request, session: SessionDep, user: WebUser, form: Form) -> Response:
    """Mail a reset link; the page says the same whether or not the address has an account."""
    email = text(form, "email")[:254]
    if not EMAIL.match(email):
        errors = {"email": tr(request, "error.email")}
        return render(
            request, "web/password_forgot.html", user, 422, values={"email": email}, errors=errors
        )
    try:
        service.request_reset(
            session, request.app.state.settings, email, client_address(request), language(request)
        )
    except TooManyAttempts as exc:
        errors = {"email": exc.text(language(request))}
        refused = render(
            request, "web/password_forgot.html", user, 429, values={"email": email}, errors=errors
        )
        refused.headers["Retry-After"] = str(exc.retry_after)
        return refused
    return render(request, "web/password_forgot.html", user, sent=True, values={}, errors={})


@router.get("/mot-de-passe-oublie/nouveau")
def reset_page(request: Request, session: SessionDep, user: WebUser, jeton: str = "") -> Response:
    settings = request.app.state.settings
    valid = service.user_of_reset_token(session, jeton[:2000], settings.secret_key) is not None
    return render(
        request,
        "web/password_reset.html",
        user,
        200 if valid else 400,
        valid=valid,
        token=jeton[:2000],
        errors={},
    )


@router.post("/mot-de-passe-oublie/nouveau")
def reset(request: Request, session: SessionDep, user: WebUser, form: Form) -> Response:
    token = text(form, "token")[:2000]
    new_password = str(form.get("new_password") or "")

    def again(status: int, errors: dict[str, str], valid: bool = True) -> Response:
        return render(
            request,
            "web/password_reset.html",
            user,
            status,
            valid=valid,
            token=token,
            errors=errors,
        )

    if new_password != str(form.get("confirm_password") or ""):
        return again(422, {"confirm_password": tr(request, "account.password.mismatch")})
    try:
        body = PasswordReset.model_validate({"token": token, "new_password": new_password})
        service.reset_password(session, request.app.state.settings, body.token, body.new_password)
    except ValidationError as exc:
        return again(422, field_errors(request, exc))
    except AppError:
        return again(400, {}, valid=False)
    rotate_csrf(request)
    response = redirect(request, "/connexion", "account.password_reset_done")
    # Whoever was signed in on this browser is signed out with every other session.
    response.delete_cookie(
        TOKEN_COOKIE, httponly=True, samesite="lax", secure=secure_cookies(request)
    )
    return response
