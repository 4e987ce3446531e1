"""Passwords (argon2) and expiring bearer tokens (JWT, HS256)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

# What an unknown account is checked against: the same hasher, so the same argon2 parameters
# and the same work as a real account. Made once per process, at import, so that not even the
# first unknown e-mail answers at a different speed.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(32))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; with no hash (no such account), False after the same work.

    Answering an unknown e-mail without hashing would tell, by the time it takes, which
    addresses have an account.
    """
    try:
        matches = _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return matches and password_hash is not None


class TokenClaims(NamedTuple):
    """Whom a token speaks for, and the account's token version when it was issued."""

    user_id: int
    version: int


def issue_token(
    user_id: int, role: str, secret: str, minutes: int, version: int = 0
) -> tuple[str, datetime]:
    expires = datetime.now(UTC) + timedelta(minutes=minutes)
    claims = {
        "sub": str(user_id),
        "role": role,
        "ver": version,
        "exp": expires,
        "iat": datetime.now(UTC),
    }
    return jwt.encode(claims, secret, algorithm="HS256"), expires


def read_token(token: str, secret: str) -> TokenClaims | None:
    """The account and version a valid, unexpired token speaks for; None otherwise.

    A token without a version (issued before versions existed) is not valid.
    """
    try:
        claims = jwt.decode(
            token, secret, algorithms=["HS256"], options={"require": ["exp", "sub", "ver"]}
        )
        version = claims["ver"]
        if not isinstance(version, int) or isinstance(version, bool):
            return None
        return TokenClaims(int(claims["sub"]), version)
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        return None


def csrf_for(seed: str, secret: str) -> str:
    """The anti-forgery token of a browser session: an HMAC of its random, httponly seed."""
    return hmac.new(secret.encode(), seed.encode(), hashlib.sha256).hexdigest()


def csrf_matches(sent: str | None, seed: str | None, secret: str) -> bool:
    return bool(sent and seed) and hmac.compare_digest(str(sent), csrf_for(str(seed), secret))
