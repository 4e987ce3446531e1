"""Passwords (argon2) and expiring bearer tokens (JWT, HS256)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def issue_token(user_id: int, role: str, secret: str, minutes: int) -> tuple[str, datetime]:
    expires = datetime.now(UTC) + timedelta(minutes=minutes)
    claims = {"sub": str(user_id), "role": role, "exp": expires, "iat": datetime.now(UTC)}
    return jwt.encode(claims, secret, algorithm="HS256"), expires


def read_token(token: str, secret: str) -> int | None:
    """The user id a valid, unexpired token speaks for; None otherwise."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp"]})
        return int(claims["sub"])
    except (jwt.PyJWTError, KeyError, ValueError):
        return None


def csrf_for(seed: str, secret: str) -> str:
    """The anti-forgery token of a browser session: an HMAC of its random, httponly seed."""
    return hmac.new(secret.encode(), seed.encode(), hashlib.sha256).hexdigest()


def csrf_matches(sent: str | None, seed: str | None, secret: str) -> bool:
    return bool(sent and seed) and hmac.compare_digest(str(sent), csrf_for(str(seed), secret))
