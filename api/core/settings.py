"""Settings of the Passerelle service, read from the environment (prefix-free) and `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER_SECRETS = {"", "changethis", "change-me", "secret", "dev-secret-not-for-production"}


class SettingsError(ValueError):
    """A setting has a value the service cannot use; the message names the setting."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default=f"sqlite:///{ROOT / 'var' / 'passerelle.db'}")
    secret_key: str = "dev-secret-not-for-production"
    demo_data_dir: Path = ROOT / "data" / "demo"
    esco_dir: Path | None = None
    embedding_model: str = "use-multilingual"
    max_request_bytes: int = 5 * 1024 * 1024
    access_token_minutes: int = Field(default=60 * 8, ge=1, le=60 * 24 * 30)
    # Database connections. A request holds one from its first query to its commit; one that
    # finds none free within pool_timeout seconds is answered 503 with Retry-After. The pool
    # (pool_size + max_overflow) need not exceed the server's worker threads (40 by default).
    pool_size: int = Field(default=10, ge=1, le=200)
    max_overflow: int = Field(default=10, ge=0, le=200)
    pool_timeout: float = Field(default=5.0, gt=0, le=60)
    # SQLite: how long a writer waits for the single write lock before giving up (ms).
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0, le=60_000)

    def engine_options(self) -> dict[str, Any]:
        """The keyword arguments of `api.core.db.make_engine` these settings choose."""
        return {
            "pool_size": self.pool_size,
            "max_overflow": self.max_overflow,
            "pool_timeout": self.pool_timeout,
            "busy_timeout_ms": self.sqlite_busy_timeout_ms,
        }

    @field_validator("database_url")
    @classmethod
    def _valid_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(
                f"DATABASE_URL n'est pas une URL de base de données valide : {value!r}"
            ) from exc
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError(
                f"DATABASE_URL doit désigner SQLite ou PostgreSQL, pas {url.get_backend_name()!r}"
            )
        return value

    @model_validator(mode="after")
    def _no_placeholder_secret_outside_development(self) -> Settings:
        if self.environment == "production" and self.secret_key in PLACEHOLDER_SECRETS:
            raise ValueError(
                "SECRET_KEY garde une valeur d'exemple : choisissez un secret en production"
            )
        return self


def load_settings() -> Settings:
    """Settings, or a SettingsError whose one-line message names the faulty setting."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"]).upper() or "SETTINGS"
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from None


@lru_cache
def get_settings() -> Settings:
    return load_settings()
