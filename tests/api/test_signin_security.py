"""Sign-in as an attacker meets it: failures throttled per account and per address (429 with
Retry-After, before any password is hashed), unknown accounts cost the same argon2 work as
known ones, and tokens revoked by sign-out and by a password change."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from argon2 import extract_parameters
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.accounts import throttle
from api.core import security
from api.core.security import hash_password
from api.models import User
from tests.conftest import TEST_SECRET

pytestmark = [pytest.mark.db, pytest.mark.slow]

PASSWORD = "mot-de-passe-correct-42"
WRONG = "mauvais-mot-de-passe"
TOKEN = "/api/v1/auth/token"
ME = "/api/v1/auth/me"


@functools.cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def add_user(session: Session, email: str, *, active: bool = True) -> User:
    user = User(email=email, password_hash=password_hash(), role="student", is_active=active)
    session.add(user)
    session.commit()
    return user


def attempt(client: TestClient, email: str, password: str) -> Any:
    return client.post(TOKEN, data={"username": email, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    response = attempt(client, email, password)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def from_address(client: TestClient, address: str) -> TestClient:
    """Another client of the same app, seen from another network address."""
    return TestClient(client.app, client=(address, 50000))


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The hashes argon2 verified passwords against, in order, during the test."""
    calls: list[str] = []
    real = security._hasher

    class Counting:
        def verify(self, password_hash: str | bytes, password: str | bytes) -> bool:
            calls.append(str(password_hash))
            return real.verify(password_hash, password)

        def hash(self, password: str | bytes) -> str:
            return real.hash(password)

    monkeypatch.setattr(security, "_hasher", Counting())
    return calls


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Move the throttle's clock forward by some seconds."""
    offset = [0.0]
    real = time.time

    class Clock:
        @staticmethod
        def time() -> float:
            return real() + offset[0]

    monkeypatch.setattr(throttle, "time", Clock)

    def advance(seconds: float) -> None:
        offset[0] += seconds

    return advance


def limits(client: TestClient, **values: int) -> None:
    app: Any = client.app
    app.state.settings = app.state.settings.model_copy(update=values)


# ----------------------------------------------------------------------------- throttling


def test_sixth_wrong_password_gets_429_and_the_right_one_waits_for_the_window(
    client: TestClient, session: Session, verified: list[str], later: Callable[[float], None]
) -> None:
    """Policy: once an account used up its failures, even the right password is refused (429)
    until the window ends: telling it apart would take the hashing the limit saves."""
    add_user(session, "cible@comptes.test")
    for _ in range(5):
        refused = attempt(client, "cible@comptes.test", WRONG)
        assert refused.status_code == 401
        assert refused.json()["code"] == "wrong_credentials"
    assert len(verified) == 5

    sixth = attempt(client, "cible@comptes.test", WRONG)
    assert sixth.status_code == 429
    assert sixth.headers["content-type"].startswith("application/problem+json")
    assert sixth.json()["code"] == "too_many_attempts"
    assert "réessayez dans" in sixth.json()["detail"]
    assert 0 < int(sixth.headers["Retry-After"]) <= 15 * 60

    right = attempt(client, "CIBLE@comptes.test ", PASSWORD)  # same account, however written
    assert right.status_code == 429
    assert right.json()["code"] == "too_many_attempts"
    assert len(verified) == 5, "a throttled attempt must not hash any password"

    english = client.post(
        TOKEN,
        data={"username": "cible@comptes.test", "password": PASSWORD},
        headers={"Accept-Language": "en"},
    )
    assert english.status_code == 429
    assert "try again in" in english.json()["detail"]

    later(15 * 60 + 1)
    assert attempt(client, "cible@comptes.test", PASSWORD).status_code == 200


def test_the_account_limit_holds_across_addresses(client: TestClient, session: Session) -> None:
    add_user(session, "repartie@comptes.test")
    for n in range(5):
        other = from_address(client, f"198.51.100.{n + 1}")
        assert attempt(other, "repartie@comptes.test", WRONG).status_code == 401
    fresh = from_address(client, "198.51.100.99")
    assert attempt(fresh, "repartie@comptes.test", PASSWORD).status_code == 429


def test_the_address_limit_spans_accounts_and_a_success_does_not_reset_it(
    client: TestClient, session: Session
) -> None:
    """Per address: failures on any accounts add up; signing into one's own account between
    guesses does not clear them (nor would it the other accounts')."""
    limits(client, signin_failures_per_address=3)
    add_user(session, "attaquant@comptes.test")
    attacker = from_address(client, "203.0.113.7")
    assert attempt(attacker, "victime-a@comptes.test", WRONG).status_code == 401
    assert attempt(attacker, "victime-b@comptes.test", WRONG).status_code == 401
    assert attempt(attacker, "attaquant@comptes.test", PASSWORD).status_code == 200
    assert attempt(attacker, "victime-c@comptes.test", WRONG).status_code == 401
    blocked = attempt(attacker, "victime-d@comptes.test", WRONG)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert attempt(attacker, "attaquant@comptes.test", PASSWORD).status_code == 429
    # Another address is not held back by this one, on the same accounts.
    elsewhere = from_address(client, "203.0.113.8")
    assert attempt(elsewhere, "attaquant@comptes.test", PASSWORD).status_code == 200


def test_a_success_clears_its_own_accounts_failures(client: TestClient, session: Session) -> None:
    add_user(session, "distrait@comptes.test")
    for _ in range(4):
        assert attempt(client, "distrait@comptes.test", WRONG).status_code == 401
    assert attempt(client, "distrait@comptes.test", PASSWORD).status_code == 200
    # Without the reset these would be the 5th failure and a 429.
    assert attempt(client, "distrait@comptes.test", WRONG).status_code == 401
    assert attempt(client, "distrait@comptes.test", WRONG).status_code == 401


# ----------------------------------------------------------------------------- the same work


def test_an_unknown_account_costs_the_same_argon2_work_as_a_known_one(
    client: TestClient, session: Session, verified: list[str]
) -> None:
    add_user(session, "connu@comptes.test")
    add_user(session, "suspendu@comptes.test", active=False)
    assert attempt(client, "connu@comptes.test", WRONG).status_code == 401
    assert attempt(client, "inconnu@comptes.test", WRONG).status_code == 401
    assert attempt(client, "suspendu@comptes.test", PASSWORD).status_code == 401
    assert len(verified) == 3, "each attempt, known account or not, verifies once"
    known, unknown, inactive = (extract_parameters(h) for h in verified)
    assert unknown == known == inactive  # same argon2 type, time, memory and parallelism
    assert verified[1] != password_hash()


# ----------------------------------------------------------------------------- revocation


def test_sign_out_revokes_every_token_of_the_account(client: TestClient, session: Session) -> None:
    add_user(session, "sortie@comptes.test")
    first = sign_in(client, "sortie@comptes.test")
    second = sign_in(client, "sortie@comptes.test")  # another device
    assert client.get(ME, headers=bearer(first)).status_code == 200

    assert client.post("/api/v1/auth/logout", headers=bearer(first)).status_code == 204
    for token in (first, second):
        revoked = client.get(ME, headers=bearer(token))
        assert revoked.status_code == 401
        assert revoked.json()["code"] == "token_invalid"
    assert client.post("/api/v1/auth/logout", headers=bearer(first)).status_code == 401

    again = sign_in(client, "sortie@comptes.test")
    assert client.get(ME, headers=bearer(again)).json()["email"] == "sortie@comptes.test"


def test_a_password_change_revokes_older_tokens(client: TestClient, session: Session) -> None:
    add_user(session, "change@comptes.test")
    old = sign_in(client, "change@comptes.test")
    url = "/api/v1/auth/password"

    short = {"current_password": PASSWORD, "new_password": "court"}
    assert client.post(url, json=short, headers=bearer(old)).status_code == 422
    wrong = {"current_password": WRONG, "new_password": "un-nouveau-mot-de-passe"}
    refused = client.post(url, json=wrong, headers=bearer(old))
    assert refused.status_code == 403
    assert refused.json()["code"] == "wrong_password"
    assert client.get(ME, headers=bearer(old)).status_code == 200  # nothing changed yet

    body = {"current_password": PASSWORD, "new_password": "un-nouveau-mot-de-passe"}
    changed = client.post(url, json=body, headers=bearer(old))
    assert changed.status_code == 200, changed.text
    fresh = changed.json()["access_token"]
    revoked = client.get(ME, headers=bearer(old))
    assert revoked.status_code == 401
    assert revoked.json()["code"] == "token_invalid"
    assert client.get(ME, headers=bearer(fresh)).status_code == 200

    assert attempt(client, "change@comptes.test", PASSWORD).status_code == 401
    newest = sign_in(client, "change@comptes.test", "un-nouveau-mot-de-passe")
    assert client.get(ME, headers=bearer(newest)).status_code == 200
    assert client.post(url, json=body).status_code == 401  # not without a token


def test_guessing_the_current_password_is_throttled_too(
    client: TestClient, session: Session
) -> None:
    """A stolen token must not make the password change an unlimited password oracle."""
    add_user(session, "volé@comptes.test")
    token = sign_in(client, "volé@comptes.test")
    url = "/api/v1/auth/password"
    guess = {"current_password": WRONG, "new_password": "un-nouveau-mot-de-passe"}
    for _ in range(5):
        assert client.post(url, json=guess, headers=bearer(token)).status_code == 403
    right = {"current_password": PASSWORD, "new_password": "un-nouveau-mot-de-passe"}
    blocked = client.post(url, json=right, headers=bearer(token))
    assert blocked.status_code == 429
    assert "Retry-After" in blocked.headers


def test_a_token_without_a_version_is_refused(client: TestClient, session: Session) -> None:
    user = add_user(session, "ancien@comptes.test")
    claims = {"sub": str(user.id), "role": "student", "exp": int(time.time()) + 600}
    unversioned = jwt.encode(claims, TEST_SECRET, algorithm="HS256")
    refused = client.get(ME, headers=bearer(unversioned))
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_invalid"
