"""The command line fails with one line naming the setting, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
# Each test starts the command line in a new Python process (seconds each): make test only.
pytestmark = pytest.mark.slow


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_malformed_database_url_is_one_line() -> None:
    result = run_cli("check-db", DATABASE_URL="not a url at all")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DATABASE_URL" in lines[0]


def test_unsupported_database_is_refused() -> None:
    result = run_cli("check-db", DATABASE_URL="mysql://u@localhost/db")
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_unreachable_postgresql_is_one_line() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_cli("migrate", DATABASE_URL=f"postgresql+psycopg://u:pw@127.0.0.1:{port}/x")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DATABASE_URL" in lines[0] and "pw" not in lines[0]


def test_placeholder_secret_refused_in_production() -> None:
    result = run_cli("check-db", ENVIRONMENT="production", SECRET_KEY="changethis")
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.db
def test_migrate_and_load_demo_twice(scratch_url: str) -> None:
    url = scratch_url
    assert run_cli("migrate", DATABASE_URL=url).returncode == 0
    # The model does not matter here (load-demo indexes the region after loading it).
    first = run_cli("load-demo", DATABASE_URL=url, EMBEDDING_MODEL="hashing")
    assert first.returncode == 0, first.stderr
    assert "chargée" in first.stdout
    second = run_cli("load-demo", DATABASE_URL=url, EMBEDDING_MODEL="hashing")
    assert second.returncode == 0 and "déjà chargée" in second.stdout


@pytest.mark.db
def test_demo_accounts_of_every_role_can_sign_in(client: TestClient) -> None:
    from api.imports.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    roles = set()
    for email, role in DEMO_ACCOUNTS:
        response = client.post(
            "/api/v1/auth/token", data={"username": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200, email
        me = client.get(
            "/api/v1/auth/me",
            headers={"Authorization": f"Bearer {response.json()['access_token']}"},
        ).json()
        assert me["role"] == role
        if role in ("student", "researcher"):
            assert me["person_ref"]
        if role == "company":
            assert me["organisation_ref"]
        roles.add(role)
    assert roles == {"student", "researcher", "company", "coordinator", "admin"}
