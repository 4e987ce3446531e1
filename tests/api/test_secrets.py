"""No token can be forged with a secret someone else knows: not the source's, not a guessable one."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from api.core.security import issue_token
from api.core.settings import Settings, SettingsError, load_settings
from api.engine.service import MatchingService
from api.main import create_app
from api.models import User

# What api/core/settings.py used to hold as its default: public, so anyone could sign with it.
OLD_SOURCE_DEFAULT = "dev-secret-not-for-production"
SETTINGS_SOURCE = Path(__file__).resolve().parents[2] / "api" / "core" / "settings.py"


@pytest.fixture
def bare_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No secret and no environment set, as `make run` starts; a fresh folder to work in."""
    for name in ("SECRET_KEY", "SECRET_KEY_FILE", "ENVIRONMENT", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    return tmp_path


def test_no_secret_is_written_in_the_source() -> None:
    assert OLD_SOURCE_DEFAULT not in SETTINGS_SOURCE.read_text()
    assert Settings.model_fields["secret_key"].default == ""


def test_development_creates_one_private_secret_per_install_and_keeps_it(
    bare_environment: Path,
) -> None:
    database_url = f"sqlite:///{bare_environment / 'var' / 'passerelle.db'}"
    first = Settings(database_url=database_url)
    secret_file = bare_environment / "var" / "secret_key"
    assert first.environment == "development"
    assert secret_file.exists()
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert len(first.secret_key) >= 48 and first.secret_key != OLD_SOURCE_DEFAULT
    # A restart (or another worker) signs with the same secret, so sessions stay valid.
    second = Settings(database_url=database_url)
    assert second.secret_key == first.secret_key
    assert secret_file.read_text().strip() == first.secret_key
    # Another install has its own.
    elsewhere = Settings(database_url=f"sqlite:///{bare_environment / 'other' / 'p.db'}")
    assert elsewhere.secret_key != first.secret_key


def test_secret_key_file_setting_chooses_where_it_is_kept(
    bare_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = bare_environment / "secrets" / "passerelle.key"
    monkeypatch.setenv("SECRET_KEY_FILE", str(chosen))
    settings = load_settings()
    assert chosen.read_text().strip() == settings.secret_key
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o600
    assert load_settings().secret_key == settings.secret_key


def test_a_set_secret_key_wins_and_no_file_is_written(
    bare_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_KEY", "a-secret-chosen-by-whoever-deploys-it")
    monkeypatch.setenv("SECRET_KEY_FILE", str(bare_environment / "never"))
    assert load_settings().secret_key == "a-secret-chosen-by-whoever-deploys-it"
    assert not (bare_environment / "never").exists()


@pytest.mark.parametrize(
    "weak",
    [
        "x",
        "changeme",
        "ChangeMe",
        "change-me",
        "changethis",
        "secret",
        "password",
        OLD_SOURCE_DEFAULT,
        "dev-secret-" + "0" * 40,
        "a" * 31,  # one byte short
        "é" * 15,  # 15 characters, 30 bytes
        "",
    ],
)
def test_production_refuses_a_guessable_or_short_secret(
    weak: str, bare_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", weak)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    message = str(refused.value)
    assert message.startswith("SECRET_KEY") and "\n" not in message
    assert not (bare_environment / "var").exists()  # production never makes up a secret


def test_production_accepts_a_long_random_secret(
    bare_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    assert load_settings().secret_key == "k" * 32


@pytest.mark.db
def test_a_token_signed_with_the_old_source_default_is_refused(
    bare_environment: Path,
    database_url: str,
    engine: Engine,
    connection: sessionmaker[Session],
    matching_service: MatchingService,
    session: Session,
) -> None:
    # The app as `make run` builds it: development, no SECRET_KEY (only the database differs).
    settings = Settings(
        database_url=database_url, secret_key_file=bare_environment / "var" / "secret_key"
    )
    assert settings.environment == "development"
    app = create_app(settings)
    app.state.sessions = connection
    app.state.matching = matching_service
    admin = session.scalars(select(User).where(User.role == "admin")).first()
    assert admin is not None
    forged, _ = issue_token(admin.id, "admin", OLD_SOURCE_DEFAULT, 60)
    genuine, _ = issue_token(admin.id, "admin", settings.secret_key, 60)
    with TestClient(app) as client:
        bearer = {"Authorization": f"Bearer {forged}"}
        assert client.get("/api/v1/auth/me", headers=bearer).status_code == 401
        assert client.get("/api/v1/audit", headers=bearer).status_code == 401
        client.cookies.set("passerelle_token", forged)
        assert client.get("/tableau-de-bord", follow_redirects=False).status_code in (303, 401)
        client.cookies.clear()
        me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {genuine}"})
        assert me.status_code == 200 and me.json()["role"] == "admin"
