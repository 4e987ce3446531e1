"""Bodies over the size limit are refused while they stream in, before any sign-in work."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

pytestmark = pytest.mark.db

MIB = 1024 * 1024


class Counter:
    def __init__(self) -> None:
        self.calls = 0


@pytest.fixture
def hashing(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Counts every password hash computed or checked (argon2, whoever calls it)."""
    counter = Counter()
    for name in ("hash", "verify"):
        real = getattr(PasswordHasher, name)

        def counted(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            counter.calls += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(PasswordHasher, name, counted)
    return counter


@pytest.fixture
def sessions(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> Counter:
    counter = Counter()
    real = client.app.state.sessions  # type: ignore[attr-defined]

    def opened(*args: Any, **kwargs: Any) -> Any:
        counter.calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(client.app.state, "sessions", opened)  # type: ignore[attr-defined]
    return counter


def chunks(total: int, size: int = MIB) -> Iterator[bytes]:
    """A body sent chunked (no Content-Length), as a client streaming a file would."""
    sent = 0
    while sent < total:
        part = min(size, total - sent)
        sent += part
        yield b"x" * part


def streamed(body: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def limit_of(client: TestClient) -> int:
    limit: int = client.app.state.settings.max_request_bytes  # type: ignore[attr-defined]
    return limit


def test_a_chunked_body_over_the_limit_is_refused_before_any_sign_in_work(
    client: TestClient, hashing: Counter, sessions: Counter
) -> None:
    answer = client.post(
        "/api/v1/auth/token",
        content=chunks(20 * MIB),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "too_large"
    assert answer.json()["errors"][0]["field"] == "body"
    signup = client.post(
        "/api/v1/auth/signup",
        content=chunks(20 * MIB),
        headers={"content-type": "application/json", "accept-language": "en"},
    )
    assert signup.status_code == 413
    assert signup.json()["detail"].startswith("Request body too large")
    assert hashing.calls == 0 and sessions.calls == 0


def test_the_sign_in_page_refuses_a_chunked_body_with_its_error_page(
    client: TestClient, hashing: Counter, sessions: Counter
) -> None:
    answer = client.post(
        "/connexion",
        content=chunks(20 * MIB),
        headers={"content-type": "application/x-www-form-urlencoded", "accept": "text/html"},
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert "dépasse la taille acceptée" in answer.text
    assert hashing.calls == 0 and sessions.calls == 0


def test_a_content_length_that_lies_does_not_let_a_larger_body_through(
    client: TestClient, hashing: Counter, sessions: Counter
) -> None:
    limit = limit_of(client)
    answer = client.post(
        "/api/v1/auth/token",
        content=b"username=a%40b.fr&password=" + b"x" * limit,
        headers={"content-type": "application/x-www-form-urlencoded", "content-length": "40"},
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == "too_large"
    not_a_number = client.post(
        "/api/v1/auth/token",
        content=b"username=a",
        headers={"content-type": "application/x-www-form-urlencoded", "content-length": "1e9"},
    )
    assert not_a_number.status_code == 413
    assert hashing.calls == 0 and sessions.calls == 0


def test_the_server_stops_reading_once_the_limit_is_passed(client: TestClient) -> None:
    """Spoken to directly in ASGI: an endless body is read no further than the limit."""
    app = client.app
    limit = limit_of(client)
    chunk = 64 * 1024
    read = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        read += 1
        return {"type": "http.request", "body": b"x" * chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/auth/signup",
        "raw_path": b"/api/v1/auth/signup",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert read == limit // chunk + 1
    assert json.loads(b"".join(m.get("body", b"") for m in sent[1:]))["code"] == "too_large"


def test_a_body_at_the_limit_is_served(
    client: TestClient, hashing: Counter, sessions: Counter
) -> None:
    limit = limit_of(client)
    for number, stream in enumerate((False, True)):
        body = json.dumps(
            {
                "email": f"juste-sous-la-limite-{number}@exemple.fr",
                "password": "un mot de passe assez long",
                "role": "student",
            }
        ).encode()
        body += b" " * (limit - len(body))  # JSON allows trailing blanks
        assert len(body) == limit
        answer = client.post(
            "/api/v1/auth/signup",
            content=streamed(body, 100_000) if stream else body,
            headers={"content-type": "application/json"},
        )
        assert answer.status_code == 201, answer.text
    assert hashing.calls == 2 and sessions.calls == 2  # the counters above do count
