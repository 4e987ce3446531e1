"""The postman (the thread that retries due mails) stops with the app that started it."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.core.db import session_factory
from api.core.settings import Settings
from api.engine.service import MatchingService
from api.main import create_app


@pytest.mark.db
def test_the_postman_stops_at_shutdown_and_starts_again_with_the_app(
    database_url: str,
    engine: Engine,
    matching_service: MatchingService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A serving app's postman ran on after shutdown: its next round found the database
    closed ("mail delivery round failed ... This Connection is closed", seen after a test)."""
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    settings = Settings(
        database_url=database_url,
        environment="development",  # as `make run`: the postman runs (tests' apps have none)
        secret_key="k" * 40,
        secret_key_file=tmp_path / "secret_key",
    )
    app = create_app(settings)
    # Sessions of their own: the postman's thread and the requests each take a pooled
    # connection, as when serving (one shared test connection, used from two threads at
    # once, broke its savepoints on PostgreSQL). Nothing here writes.
    app.state.sessions = session_factory(engine)
    app.state.matching = matching_service
    for _ in range(2):  # the same app started twice gets a postman each time
        with TestClient(app) as client:
            assert client.get("/api/v1/health").status_code == 200
            postman = app.state.postman
            assert postman and postman.running
        assert not postman.running
        assert app.state.postman is None
