"""JSON endpoints of accounts: sign-up, sign-in (OAuth2 password form) and the current account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from api.accounts import service
from api.accounts.schemas import Me, SignUp, Token
from api.core.deps import CurrentUser, SessionDep
from api.core.security import issue_token

router = APIRouter(prefix="/api/v1/auth", tags=["comptes / accounts"])


@router.post("/signup", response_model=Me, status_code=201)
def signup(session: SessionDep, body: SignUp) -> Me:
    """Créer un compte étudiant, chercheur ou entreprise / sign up."""
    return service.me_of(service.create_account(session, body))


@router.post("/token", response_model=Token)
def token(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=200)],
) -> Token:
    """Se connecter (formulaire OAuth2 : username = e-mail) / sign in (OAuth2 password form)."""
    user = service.authenticate(session, username, password)
    settings = request.app.state.settings
    value, expires = issue_token(
        user.id, user.role, settings.secret_key, settings.access_token_minutes
    )
    return Token(access_token=value, expires_at=expires, role=user.role)


@router.get("/me", response_model=Me)
def whoami(user: CurrentUser) -> Me:
    return service.me_of(user)
