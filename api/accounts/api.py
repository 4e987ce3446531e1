"""JSON endpoints of accounts: sign-up, sign-in (OAuth2 password form), sign-out, password
change and the current account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import JSONResponse

from api.accounts import service
from api.accounts.schemas import ForgotPassword, Me, PasswordChange, PasswordReset, SignUp, Token
from api.accounts.throttle import Throttle, TooManyAttempts, client_address
from api.core.deps import CurrentUser, SessionDep
from api.core.errors import AppError, problem, request_language

router = APIRouter(prefix="/api/v1/auth", tags=["comptes / accounts"])


def _refusal(request: Request, exc: AppError) -> JSONResponse:
    """The problem document of a refused password, returned rather than raised: a raised error
    rolls the request's transaction back, and with it the failure the throttle just counted."""
    lang = request_language(request)
    response = problem(exc.status_code, exc.code, exc.text(lang), request, exc.field_errors(lang))
    if isinstance(exc, TooManyAttempts):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


@router.post("/signup", response_model=Me, status_code=201)
def signup(session: SessionDep, body: SignUp) -> Me:
    """Créer un compte étudiant, chercheur ou entreprise / sign up."""
    return service.me_of(service.create_account(session, body))


@router.post(
    "/token",
    response_model=Token,
    responses={401: {"description": "Identifiants refusés"}, 429: {"description": "Trop d'échecs"}},
)
def token(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=200)],
) -> Token | JSONResponse:
    """Se connecter (formulaire OAuth2 : username = e-mail) / sign in (OAuth2 password form).

    Après trop d'échecs pour ce compte ou cette adresse : 429 avec Retry-After / after too many
    failures for the account or the address: 429 with Retry-After.
    """
    throttle = Throttle.from_settings(request.app.state.settings)
    try:
        user = service.authenticate(session, throttle, username, password, client_address(request))
    except AppError as exc:
        return _refusal(request, exc)
    value, expires = service.token_for(user, request.app.state.settings)
    return Token(access_token=value, expires_at=expires, role=user.role)


@router.post("/logout", status_code=204)
def logout(session: SessionDep, user: CurrentUser) -> Response:
    """Se déconnecter : tous les jetons du compte sont révoqués / sign out: every token of the
    account is revoked."""
    service.sign_out(session, user)
    return Response(status_code=204)


@router.post(
    "/password",
    response_model=Token,
    responses={
        403: {"description": "Mot de passe actuel refusé"},
        429: {"description": "Trop d'échecs"},
    },
)
def change_password(
    request: Request, session: SessionDep, user: CurrentUser, body: PasswordChange
) -> Token | JSONResponse:
    """Changer de mot de passe : les jetons émis avant sont révoqués, la réponse en porte un
    nouveau / change password: tokens issued before are revoked, the answer carries a new one."""
    throttle = Throttle.from_settings(request.app.state.settings)
    try:
        service.change_password(session, throttle, user, body, client_address(request))
    except AppError as exc:
        return _refusal(request, exc)
    value, expires = service.token_for(user, request.app.state.settings)
    return Token(access_token=value, expires_at=expires, role=user.role)


@router.get("/me", response_model=Me)
def whoami(user: CurrentUser) -> Me:
    return service.me_of(user)


@router.post(
    "/password/forgot",
    status_code=202,
    response_class=Response,  # an empty 202: nothing to tell, by design
    responses={429: {"description": "Trop de demandes"}},
)
def forgot_password(request: Request, session: SessionDep, body: ForgotPassword) -> Response:
    """Demander un lien de réinitialisation par e-mail ; même réponse que l'adresse ait un
    compte ou non / ask for a reset link by e-mail; the same answer whether or not the address
    has an account."""
    try:
        service.request_reset(
            session,
            request.app.state.settings,
            body.email,
            client_address(request),
            request_language(request),
        )
    except TooManyAttempts as exc:
        return _refusal(request, exc)
    return Response(status_code=202)


@router.post(
    "/password/reset",
    status_code=204,
    responses={422: {"description": "Lien invalide, expiré ou déjà utilisé"}},
)
def reset_password(request: Request, session: SessionDep, body: PasswordReset) -> Response:
    """Choisir un nouveau mot de passe avec le jeton du lien reçu (usage unique, 1 h) ; toutes
    les sessions du compte sont fermées / set a new password with the token of the link
    received (single use, 1 h); every session of the account is signed out."""
    service.reset_password(session, request.app.state.settings, body.token, body.new_password)
    return Response(status_code=204)
