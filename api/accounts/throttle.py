"""Sign-in throttling: failed attempts counted per account and per client address (`limits`).

Why a table of our own behind `limits`: the library's strategies are what we use (fixed window:
`test` before any hashing, `hit` on each failure, `get_window_stats` for Retry-After), but its
storages are memory (per process: with several workers each would grant its own N attempts),
Redis, memcached or MongoDB (a service to run beside an embedded default), and none is SQLite.
`DatabaseStorage` is the small `limits` storage over our database: one table, `rate_limits`,
the same on SQLite and PostgreSQL, seen by every worker. It writes through the request's
session, so a counted failure commits with the request before its 401 is sent, and a sign-in
never holds a second connection from the pool.

Policy. Once an account has used up its failures (5 in 15 min by default), every attempt on it
is refused with 429 until the window ends, the right password included: knowing that the
password is right would take the very argon2 work the limit saves, and a guess that happened
to be right must not be told apart. The price is that anyone can lock a known address out for
at most one window; the per-address limit (20 in 15 min) bounds how many accounts one client
can do that to or guess at. A success clears its own account's count, never the address's
(else an attacker with an account of their own could reset it between guesses).
Attempts in flight at the same instant all pass the check before any of them is counted, so
a burst of k parallel guesses may overshoot a limit by up to k - 1: the limit bounds sustained
guessing, which is what it is for.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from fastapi import Request
from limits import RateLimitItem, RateLimitItemPerMinute
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.accounts import repository
from api.core.errors import AppError
from api.core.settings import Settings


class TooManyAttempts(AppError):
    """Too many failed sign-ins for the account or the address (429); `retry_after` seconds."""

    code = "too_many_attempts"
    status_code = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(minutes=math.ceil(retry_after / 60))


class DatabaseStorage(Storage):
    """A `limits` storage over a database session: what the fixed-window strategy needs."""

    STORAGE_SCHEME = None  # built from a session, never from a URI

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return repository.counter_add(self.session, key, amount, expiry, time.time())

    def get(self, key: str) -> int:
        window = repository.counter_of(self.session, key, time.time())
        return window[0] if window else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        window = repository.counter_of(self.session, key, now)
        return window[1] if window else now

    def check(self) -> bool:
        return True  # the request's own session: if it is down, so is the request

    def reset(self) -> int | None:
        return repository.counters_clear(self.session)

    def clear(self, key: str) -> None:
        repository.counter_clear(self.session, key)


def _digest(value: str) -> str:
    """Keys hold a digest of the e-mail or address: the table keeps no personal data in clear."""
    return hashlib.sha256(value.encode()).hexdigest()


def client_address(request: Request) -> str:
    """The address the per-address limit counts.

    The peer of the connection: behind a reverse proxy, run uvicorn with --proxy-headers and
    --forwarded-allow-ips set to the proxy, so that this is the client's and not the proxy's.
    """
    return request.client.host if request.client else "unknown"


@dataclass(frozen=True)
class Throttle:
    """The two limits on failed sign-ins, from the settings."""

    per_account: RateLimitItem
    per_address: RateLimitItem

    @classmethod
    def from_settings(cls, settings: Settings) -> Throttle:
        minutes = settings.signin_window_minutes
        return cls(
            RateLimitItemPerMinute(
                settings.signin_failures_per_account, minutes, namespace="SIGNIN-ACCOUNT"
            ),
            RateLimitItemPerMinute(
                settings.signin_failures_per_address, minutes, namespace="SIGNIN-ADDRESS"
            ),
        )

    def gate(self, session: Session) -> Gate:
        return Gate(self, FixedWindowRateLimiter(DatabaseStorage(session)))


@dataclass(frozen=True)
class Gate:
    """The throttle over one request's session."""

    throttle: Throttle
    limiter: FixedWindowRateLimiter

    def _keys(self, email: str, address: str) -> list[tuple[RateLimitItem, str]]:
        return [
            (self.throttle.per_account, _digest(email.strip().lower())),
            (self.throttle.per_address, _digest(address)),
        ]

    def check(self, email: str, address: str) -> None:
        """Raise TooManyAttempts if the account or the address has no failure left."""
        waits = [
            self.limiter.get_window_stats(item, key).reset_time - time.time()
            for item, key in self._keys(email, address)
            if not self.limiter.test(item, key)
        ]
        if waits:
            raise TooManyAttempts(max(1, math.ceil(max(waits))))

    def failed(self, email: str, address: str) -> None:
        for item, key in self._keys(email, address):
            self.limiter.hit(item, key)

    def succeeded(self, email: str) -> None:
        """A success clears its account's failures, not its address's."""
        item, key = self._keys(email, "")[0]
        self.limiter.clear(item, key)
