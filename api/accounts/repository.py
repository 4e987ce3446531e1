"""Queries of accounts: accounts by e-mail, token versions, the sign-in throttle's counters."""

from __future__ import annotations

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.models import Person, RateLimit, User


def user_by_email(session: Session, email: str) -> User | None:
    """The account with this e-mail address, compared case-insensitively.

    An address typed at sign-in is not validated first (a wrong one is only "wrong
    credentials"): one with a NUL matches no account, and is not sent to PostgreSQL, which
    refuses NUL in any text.
    """
    if "\x00" in email:
        return None
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def account_exists(session: Session, email: str) -> bool:
    """An account already uses this (lower-case) address."""
    return session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None


def profile_exists(session: Session, email: str) -> bool:
    """A profile (with or without an account) already uses this (lower-case) address."""
    return bool(session.scalar(select(Person.id).where(func.lower(Person.email) == email)))


def bump_token_version(session: Session, user: User) -> None:
    """Move the account's token version on, in SQL so that concurrent bumps all count."""
    user.token_version = User.token_version + 1
    session.flush()


# ----------------------------------------------------------------------------- throttle counters
# Fixed-window counters with the semantics of the `limits` library's storages: a counter lives
# until `expires_at`; the first hit after that starts a new window at 1.


def counter_add(session: Session, key: str, amount: int, expiry: float, now: float) -> int:
    """Add `amount` to the counter of `key` (a new window if it expired) and return its count.

    One statement (INSERT ... ON CONFLICT DO UPDATE, on SQLite and PostgreSQL alike), so that
    concurrent failures are all counted. Expired counters of other keys are deleted first:
    the table keeps only live windows.
    """
    session.execute(delete(RateLimit).where(RateLimit.expires_at <= now))
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = insert(RateLimit).values(key=key, count=amount, expires_at=now + expiry)
    expired = RateLimit.expires_at <= now
    statement = values.on_conflict_do_update(
        index_elements=[RateLimit.key],
        set_={
            "count": case((expired, values.excluded.count), else_=RateLimit.count + amount),
            "expires_at": case((expired, values.excluded.expires_at), else_=RateLimit.expires_at),
        },
    ).returning(RateLimit.count)
    return int(session.execute(statement).scalar_one())


def counter_of(session: Session, key: str, now: float) -> tuple[int, float] | None:
    """(count, expiry) of the live window of `key`; None when it has none."""
    row = session.execute(
        select(RateLimit.count, RateLimit.expires_at).where(
            RateLimit.key == key, RateLimit.expires_at > now
        )
    ).first()
    return (int(row[0]), float(row[1])) if row is not None else None


def counter_clear(session: Session, key: str) -> None:
    session.execute(delete(RateLimit).where(RateLimit.key == key))


def counters_clear(session: Session) -> int:
    """Delete every counter; the number deleted."""
    result = session.execute(delete(RateLimit))
    return int(getattr(result, "rowcount", 0))
