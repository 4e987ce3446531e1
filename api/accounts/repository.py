"""Queries of accounts: finding one by e-mail, whoever holds the address."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import Person, User


def user_by_email(session: Session, email: str) -> User | None:
    """The account with this e-mail address, compared case-insensitively."""
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def account_exists(session: Session, email: str) -> bool:
    """An account already uses this (lower-case) address."""
    return session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None


def profile_exists(session: Session, email: str) -> bool:
    """A profile (with or without an account) already uses this (lower-case) address."""
    return bool(session.scalar(select(Person.id).where(func.lower(Person.email) == email)))
