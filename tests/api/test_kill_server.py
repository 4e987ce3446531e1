"""A 2xx means the write is on disk: the server killed (SIGKILL) right after each one keeps it.

The real server (uvicorn, as `passerelle serve` runs it) on 127.0.0.1, over a database holding
the demo region; after every kind of acknowledged write it is killed at once, the write is
looked up in the database, and a fresh server takes over.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.core.db import make_engine, session_factory
from api.models import AllocationRun, Need, Organisation, Person, Suggestion
from tests.api.test_database_load import ADMIN, PASSWORD, demo_database
from tests.conftest import process_env

# SQLite only: what it proves (the commit happens before the answer) is the service's order of
# work, the same on both databases; on PostgreSQL it would add a minute of server restarts.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
START_S = 90  # the longest a server may take to answer after starting
REQUEST_S = 120  # the longest one write may take (the first ranking fits the engine)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """uvicorn serving the app factory on a free port of 127.0.0.1; `kill` is SIGKILL."""

    def __init__(self, database_url: str) -> None:
        self.env = process_env(database_url)  # no model to load: the writes are tested
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> None:
        port = _free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.worker:app_from_env",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=ROOT,
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server exited ({self.process.returncode})"
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        pytest.fail("the server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # SIGKILL: no shutdown, no last flush
            self.process.wait(timeout=10)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    with demo_database(tmp_path) as url:
        yield url


def test_every_acknowledged_write_survives_a_kill_9(database: str) -> None:
    engine = make_engine(database)
    sessions = session_factory(engine)

    def found(query: Callable[[Session], Any]) -> Any:
        with sessions() as session:
            return query(session)

    person = found(
        lambda s: s.scalars(select(Person.ref).where(Person.kind == "student").limit(1)).one()
    )
    organisation = found(
        lambda s: s.scalars(
            select(Organisation.ref).where(Organisation.kind == "company").limit(1)
        ).one()
    )
    server = Server(database)
    server.start()
    try:
        token = httpx.post(
            server.url + "/api/v1/auth/token",
            data={"username": ADMIN, "password": PASSWORD},
            timeout=REQUEST_S,
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        def acknowledged(method: str, path: str, ok: int = 200, **kwargs: Any) -> Any:
            """Send one write; SIGKILL the server the moment its 2xx arrives."""
            answer = httpx.request(
                method, server.url + path, headers=headers, timeout=REQUEST_S, **kwargs
            )
            server.kill()
            assert answer.status_code == ok, answer.text
            return answer.json() if answer.content else None

        # profile
        headline = "Soudeuse, reprise après coupure"
        acknowledged("PATCH", f"/api/v1/people/{person}", json={"headline": headline})
        assert (
            found(lambda s: s.scalar(select(Person.headline).where(Person.ref == person)))
            == headline
        )

        # need
        server.start()
        title = "Stage de maintenance après coupure"
        need = acknowledged(
            "POST",
            "/api/v1/needs",
            ok=201,
            json={"title": title, "kind": "internship", "organisation": organisation},
        )
        assert found(lambda s: s.scalar(select(Need.title).where(Need.ref == need["ref"]))) == title

        # import
        server.start()
        rows = "".join(
            json.dumps({"id": f"KILL-O{k}", "kind": "company", "name": f"Atelier {k}"}) + "\n"
            for k in range(4)
        )
        acknowledged(
            "POST",
            "/api/v1/imports/organisations",
            files={"file": ("coupure.jsonl", rows.encode(), "application/x-ndjson")},
        )
        imported = found(
            lambda s: s.scalar(
                select(func.count())
                .select_from(Organisation)
                .where(Organisation.ref.like("KILL-%"))
            )
        )
        assert imported == 4

        # suggestion batch
        server.start()
        batch = acknowledged("POST", "/api/v1/review/run")
        assert batch["created"] > 0
        stored = found(lambda s: s.scalar(select(func.count()).select_from(Suggestion)))
        assert stored >= batch["created"]

        # decision
        server.start()
        chosen = found(
            lambda s: s.scalars(
                select(Suggestion.id).where(Suggestion.status == "proposed").limit(1)
            ).one()
        )
        acknowledged("POST", f"/api/v1/suggestions/{chosen}/decision", json={"action": "approve"})
        assert found(lambda s: s.get(Suggestion, chosen).status) == "approved"

        # allocation run
        server.start()
        run = acknowledged("POST", "/api/v1/allocations", ok=201, json={})
        assert found(lambda s: s.get(AllocationRun, run["id"])) is not None

        # and the database still serves after all those kills
        server.start()
        assert httpx.get(server.url + f"/api/v1/needs/{need['ref']}", timeout=30).status_code == 200
    finally:
        server.kill()
        engine.dispose()
