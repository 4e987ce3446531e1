"""Settings of the Passerelle service, read from the environment (prefix-free) and `.env`."""

from __future__ import annotations

import contextlib
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ROOT = Path(__file__).resolve().parents[2]
# Secrets that appear in examples, tutorials or an earlier version of this source: whoever knows
# them can sign an admin token, so production refuses them (compared without case or spaces).
PLACEHOLDER_SECRETS = frozenset(
    {"changeme", "change-me", "changethis", "change-this", "secret", "x", "password"}
)
MIN_SECRET_BYTES = 32


class SettingsError(ValueError):
    """A setting has a value the service cannot use; the message names the setting."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default=f"sqlite:///{ROOT / 'var' / 'passerelle.db'}")
    # Empty means "not set": development then uses a per-install secret kept in a file (see
    # `per_install_secret`); production refuses to start. No secret is ever written here.
    secret_key: str = Field(default="", validate_default=True)
    secret_key_file: Path | None = None
    demo_data_dir: Path = ROOT / "data" / "demo"
    esco_dir: Path | None = None
    embedding_model: str = "use-multilingual"
    max_request_bytes: int = 5 * 1024 * 1024
    # Files the service keeps: the CVs sent with applications (under cvs/), never served
    # statically; only the applicant, the need's organisation and staff may download one.
    data_dir: Path = ROOT / "var"
    access_token_minutes: int = Field(default=60 * 8, ge=1, le=60 * 24 * 30)
    # Failed sign-ins allowed per account and per client address in one window, after which
    # sign-in answers 429 until the window ends (api/accounts/throttle.py).
    signin_failures_per_account: int = Field(default=5, ge=1, le=1000)
    signin_failures_per_address: int = Field(default=20, ge=1, le=100000)
    signin_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips the client's own):
    # HSTS and Secure cookies then follow that header. Off by default: a client could forge it.
    trust_forwarded_proto: bool = False
    # Database connections. A request holds one from its first query to its commit; one that
    # finds none free within pool_timeout seconds is answered 503 with Retry-After. The pool
    # (pool_size + max_overflow) need not exceed the server's worker threads (40 by default).
    pool_size: int = Field(default=10, ge=1, le=200)
    max_overflow: int = Field(default=10, ge=0, le=200)
    pool_timeout: float = Field(default=5.0, gt=0, le=60)
    # SQLite: how long a writer waits for the single write lock before giving up (ms).
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0, le=60_000)
    # The re-ranker `passerelle learn` fits on the region's decisions, with its hold-out figures;
    # rankings use it only when it beat the base ranker there (matching.rerank.load_reranker).
    reranker_file: Path = ROOT / "var" / "reranker.json"
    # Outgoing e-mail (api/mail). With no SMTP_HOST, mails are written as .eml files to
    # MAIL_OUTBOX_DIR (default: `outbox/` beside a SQLite database, else var/outbox/).
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    smtp_timeout_s: float = Field(default=10.0, gt=0, le=120)
    mail_from: str = "Passerelle <ne-pas-repondre@passerelle.invalid>"
    mail_outbox_dir: Path | None = None
    mail_max_attempts: int = Field(default=8, ge=1, le=50)
    # How often a server process looks for mails due for another try (0: never; tests).
    mail_poll_seconds: float = Field(default=30.0, ge=0, le=3600)
    # The site's address as mails link to it (https://passerelle.example.org). Empty: the
    # address the request came to, which a forged Host header could change: set it in production.
    public_url: str = ""

    def outbox_dir(self) -> Path:
        """Where mails go when no SMTP server is set."""
        if self.mail_outbox_dir is not None:
            return self.mail_outbox_dir
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(url.database).resolve().parent / "outbox"
        return ROOT / "var" / "outbox"

    # Background jobs (api/jobs/queue.py says why huey and these storages). "auto": a SQLite
    # file beside a SQLite database, the PostgreSQL database itself otherwise; "immediate" runs
    # a job in the process that starts it, once the request has committed (the tests' default).
    jobs_backend: Literal["auto", "sqlite", "postgres", "immediate"] = "auto"
    jobs_queue_path: Path | None = None  # the SQLite queue file; default: beside the database
    # The web process consumes jobs itself (threads): `make run` needs nothing more. Off where
    # `passerelle worker` runs as its own process.
    jobs_in_process: bool = True
    jobs_workers: int = Field(default=1, ge=1, le=16)
    # A job another machine runs, silent this long, is taken for dead and marked interrupted.
    jobs_stale_minutes: int = Field(default=30, ge=1, le=24 * 60)

    def engine_options(self) -> dict[str, Any]:
        """The keyword arguments of `api.core.db.make_engine` these settings choose."""
        return {
            "pool_size": self.pool_size,
            "max_overflow": self.max_overflow,
            "pool_timeout": self.pool_timeout,
            "busy_timeout_ms": self.sqlite_busy_timeout_ms,
        }

    def jobs_storage(self) -> Literal["sqlite", "postgres", "immediate"]:
        """Where the job queue lives, "auto" resolved from the database and the environment."""
        if self.jobs_backend != "auto":
            return self.jobs_backend
        if self.environment == "test":
            return "immediate"
        backend = make_url(self.database_url).get_backend_name()
        return "postgres" if backend == "postgresql" else "sqlite"

    def jobs_queue_file(self) -> Path:
        """The SQLite queue: JOBS_QUEUE_PATH, else beside a SQLite database, else in var/."""
        if self.jobs_queue_path is not None:
            return self.jobs_queue_path
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(url.database).resolve().parent / "jobs-queue.db"
        return ROOT / "var" / "jobs-queue.db"

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

    @field_validator("secret_key")
    @classmethod
    def _strong_secret_in_production(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("environment") != "production":
            return value
        if not value:
            raise ValueError(
                f"requis en production (au moins {MIN_SECRET_BYTES} octets aléatoires)"
            )
        if is_placeholder_secret(value):
            raise ValueError("valeur d'exemple refusée : choisissez un secret en production")
        if len(value.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"trop court : au moins {MIN_SECRET_BYTES} octets en production")
        return value

    @model_validator(mode="after")
    def _secret_when_none_is_set(self) -> Settings:
        if not self.secret_key:
            # Tests that set no secret get one for this process only; development keeps one
            # per install so sessions survive a restart and every worker signs alike.
            if self.environment != "development":
                self.secret_key = secrets.token_urlsafe(48)
                return self
            path = self.secret_key_path()
            try:
                self.secret_key = per_install_secret(path)
            except OSError as exc:
                raise ValueError(
                    f"SECRET_KEY_FILE: impossible de lire ou créer {path} ({exc.strerror}) ;"
                    " définissez SECRET_KEY ou SECRET_KEY_FILE"
                ) from None
        return self

    def secret_key_path(self) -> Path:
        """Where development keeps its generated secret: SECRET_KEY_FILE, else beside the data."""
        if self.secret_key_file is not None:
            return self.secret_key_file
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(url.database).resolve().parent / "secret_key"
        return ROOT / "var" / "secret_key"


def is_placeholder_secret(value: str) -> bool:
    """A secret anyone could guess: an example value, or a development default of any version."""
    folded = value.strip().lower()
    return folded in PLACEHOLDER_SECRETS or folded.startswith("dev-secret")


def per_install_secret(path: Path) -> str:
    """The secret stored at `path`, created once (random, mode 0600) if the file is missing.

    The file is written aside and linked into place, so concurrent workers starting together
    all read the same complete secret and none overwrites another's.
    """
    with contextlib.suppress(FileNotFoundError):
        return _read_secret(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
        with contextlib.suppress(FileExistsError):  # another worker won the race: use its secret
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    secret = path.read_text().strip()
    if not secret:
        raise ValueError(f"SECRET_KEY_FILE: {path} est vide ; supprimez-le pour en créer un")
    return secret


def load_settings() -> Settings:
    """Settings, or a SettingsError whose one-line message names the faulty setting."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"]).upper()
        message = first["msg"].removeprefix("Value error, ")
        # Checks across settings have no single field: their message names the setting.
        raise SettingsError(f"{name}: {message}" if name else message) from None


@lru_cache
def get_settings() -> Settings:
    return load_settings()
