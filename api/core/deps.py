"""Dependencies shared by the routers: the database session and pagination."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from api.core.db import DatabaseBusy, busy_cause, session_scope
from api.core.errors import Forbidden, Unauthorized
from api.core.security import csrf_matches, read_token
from api.core.unit_of_work import attempt_of
from api.models import User


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: the only place a request's transaction commits.

    The request's one session: everything it reads, the engine's cached vectors included,
    goes through this session's connection, so a request never holds two pooled connections.
    A rerun of a request whose first run lost a race for SQLite's write lock
    (`api.core.unit_of_work`) takes that lock at BEGIN.
    """
    attempt = attempt_of(request.scope)
    write_lock = attempt is not None and attempt.write_lock
    try:
        yield from session_scope(
            request.app.state.sessions,
            write_lock=write_lock,
            before_commit=request.app.state.matching.prepare,
        )
    except Exception as exc:
        if busy_cause(exc) is None:
            raise
        if attempt is not None:
            attempt.busy = True  # rolled back whole, nothing answered yet: run it again
        if isinstance(exc, OperationalError):
            raise
        raise DatabaseBusy() from exc  # a service wrapped it in its own error: still busy
    # Vectors computed during the request are cached once its transaction is over and its
    # connection back in the pool (a separate, short write that may be skipped when busy).
    request.app.state.matching.flush_cache()


# scope="function": the transaction ends (commit or rollback) when the endpoint returns, before
# the response goes out, so a 2xx or a redirect is only sent for data already committed.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


class Page(BaseModel):
    limit: int
    offset: int


# Dependencies that only check or reshape what they are given are `async def`: they run on the
# event loop, where a plain `def` costs each request a round trip to the thread pool.
async def pagination(
    limit: Annotated[int, Query(ge=1, le=200, description="Nombre d'éléments / page size")] = 20,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="Décalage / offset")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


PageDep = Annotated[Page, Depends(pagination)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


# Declares the bearer scheme in OpenAPI on every operation that reads the caller; it never
# refuses (auto_error=False): `optional_user` decides, so the cookie + X-CSRF-Token path stays.
BEARER = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
BearerDeclared = Annotated[str | None, Depends(BEARER)]


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"


def optional_user(request: Request, session: SessionDep, _declared: BearerDeclared) -> User | None:
    """The caller, from a bearer token or from the web pages' session cookie.

    A cookie rides along with any request the browser makes, including one forged by another
    site: a write authenticated by the cookie alone must also carry the page's anti-forgery
    token in the X-CSRF-Token header. Bearer tokens are never sent implicitly and need none.
    """
    token = _bearer(request)
    if token is None:
        token = request.cookies.get("passerelle_token")
        if token and request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER)
            seed = request.cookies.get("passerelle_csrf")
            if not csrf_matches(sent, seed, request.app.state.settings.secret_key):
                raise Forbidden("csrf_missing", field=CSRF_HEADER, header=CSRF_HEADER)
    if not token:
        return None
    user = user_of_token(session, token, request.app.state.settings.secret_key)
    if user is None:
        raise Unauthorized("token_invalid")
    return user


def user_of_token(session: Session, token: str, secret: str) -> User | None:
    """The active account a token speaks for, unless the token was revoked; None otherwise.

    A token is revoked when the account's token version moved on since it was issued (sign-out
    or password change): one integer per account instead of a list of revoked tokens.
    """
    claims = read_token(token, secret)
    if claims is None:
        return None
    user = session.get(User, claims.user_id)
    if user is None or not user.is_active or user.token_version != claims.version:
        return None
    return user


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise Unauthorized("signin_required")
    return user


MaybeUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]


def require(*roles: str) -> Callable[[User], Awaitable[User]]:
    async def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise Forbidden("role_required", roles=", ".join(roles))
        return user

    return check


Coordinator = Annotated[User, Depends(require("coordinator", "admin"))]
