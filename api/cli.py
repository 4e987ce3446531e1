"""Command line of the service: migrate, load the demo region, serve, check the database."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from api.core.settings import Settings, SettingsError, load_settings
from api.core.vocabulary import STAFF_ROLES
from api.imports.schemas import FORMATS, KINDS


def _fail(message: str) -> int:
    print(f"passerelle: {message}", file=sys.stderr)
    return 2


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    from api.core.db import check_connection, make_engine

    engine = make_engine(settings.database_url)
    check_connection(engine)
    return engine


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from api.core.db import migrate

    started = time.perf_counter()
    migrate(_engine(settings))
    print(f"Base à jour / database migrated ({time.perf_counter() - started:.1f} s)")
    return 0


def cmd_load_demo(settings: Settings, args: argparse.Namespace) -> int:
    from api.core.db import session_factory, session_scope
    from api.imports.demo import load_demo

    folder = Path(args.folder or settings.demo_data_dir)
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        print(f"\r  chargement / loading {done}/{total} ({stage})", end="", flush=True)

    # A command that writes takes SQLite's write lock at BEGIN: a running server's writers then
    # wait for it (busy_timeout) instead of making it fail halfway on "database is locked".
    for session in session_scope(session_factory(_engine(settings)), write_lock=True):
        report = load_demo(session, folder, progress=progress)
    if report is None:
        print("Région de démonstration déjà chargée / demo region already loaded")
    else:
        print(
            f"\nRégion de démonstration chargée / demo region loaded: "
            f"{report.organisations} organisations, {report.people} personnes, "
            f"{report.needs} besoins ({time.perf_counter() - started:.1f} s)"
        )
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    _engine(settings)  # one clear line now rather than a traceback per request
    print(
        f"Passerelle : http://{args.host}:{args.port}  (API : http://{args.host}:{args.port}/docs)"
    )
    # Several worker processes let rankings use several cores: much of a ranking holds the GIL,
    # so one process serves them one core at a time. Each worker loads its own model and fits
    # its own engine (memory, and a refit per worker after a profile or need changes); the
    # database, its embedding cache included, is what they share.
    uvicorn.run(
        "api.main:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        log_level="info",
        workers=args.workers,
    )
    return 0


def cmd_propose(settings: Settings, args: argparse.Namespace) -> int:
    from api.core.db import session_factory, session_scope
    from api.engine.service import MatchingService
    from api.review.service import propose

    started = time.perf_counter()
    sessions = session_factory(_engine(settings))
    matching = MatchingService(sessions, settings.embedding_model)
    for session in session_scope(sessions):
        report = propose(session, matching, args.per_need)
    matching.flush_cache()
    print(
        f"Suggestions proposées / proposed: {report.created} nouvelles, {report.kept} déjà là, "
        f"{report.needs} besoins ({time.perf_counter() - started:.1f} s)"
    )
    return 0


def cmd_worker(settings: Settings, _args: argparse.Namespace) -> int:
    """Consume background jobs in this process until Ctrl-C (production: beside `serve`)."""
    from types import SimpleNamespace

    from api.core.db import session_factory
    from api.engine.service import MatchingService
    from api.jobs.queue import JobQueue

    sessions = session_factory(_engine(settings))
    state = SimpleNamespace(sessions=sessions)
    state.matching = MatchingService(sessions, settings.embedding_model)
    queue = JobQueue(settings, state)
    if queue.immediate:
        return _fail("JOBS_BACKEND=immediate : rien à consommer / nothing to consume")
    print(
        f"Travaux en arrière-plan / background jobs: {settings.jobs_storage()}, "
        f"{settings.jobs_workers} fil(s) / thread(s) (Ctrl-C pour arrêter / to stop)"
    )
    queue.consume()
    return 0


def cmd_create_user(settings: Settings, args: argparse.Namespace) -> int:
    import getpass

    from api.core.db import session_factory, session_scope
    from api.imports.demo import MIN_PASSWORD, AccountExists, PasswordTooShort, create_staff_account

    password = args.password or getpass.getpass("Mot de passe / password: ")
    try:
        for session in session_scope(session_factory(_engine(settings)), write_lock=True):
            create_staff_account(session, args.email, password, args.role)
    except PasswordTooShort:
        return _fail(
            f"--password : {MIN_PASSWORD} caractères minimum / at least {MIN_PASSWORD} characters"
        )
    except AccountExists as exc:
        return _fail(f"--email : compte déjà existant / account exists: {exc.email}")
    print(f"Compte {args.role} créé / account created: {args.email}")
    return 0


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    from api.core.db import session_factory, session_scope
    from api.imports.errors import UnreadableFile
    from api.imports.readers import format_of
    from api.imports.service import import_file

    path = Path(args.file)
    if not path.is_file():
        return _fail(f"fichier introuvable / file not found: {path}")
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        print(f"\r  écriture / writing {done}/{total} ({stage})", end="", file=sys.stderr)
        if done == total:
            print(file=sys.stderr)

    try:
        fmt = format_of(path.name, args.format)
        data = path.read_bytes()
        for session in session_scope(
            session_factory(_engine(settings)), write_lock=not args.dry_run
        ):
            report = import_file(
                session,
                args.kind,
                data,
                source=path.name,
                fmt=fmt,
                dry_run=args.dry_run,
                progress=progress,
            )
    except UnreadableFile as exc:
        return _fail(f"{path.name} : {exc}")
    for line in report.lines():
        print(line)
    if report.errors:
        return 2
    seconds = time.perf_counter() - started
    print(f"Terminé / done ({seconds:.1f} s, {report.rows_read / max(seconds, 1e-9):.0f} lignes/s)")
    return 0


def cmd_check(settings: Settings, _args: argparse.Namespace) -> int:
    engine = _engine(settings)
    print(f"Base joignable / database reachable: {engine.url.render_as_string(hide_password=True)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(
        prog="passerelle", description="Passerelle : service et outils"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="appliquer les migrations / apply migrations")
    demo = sub.add_parser("load-demo", help="charger la région de démonstration / load demo region")
    demo.add_argument("--folder", help="dossier des fichiers JSON Lines")
    serve = sub.add_parser("serve", help="servir l'application / serve the app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "1")),
        help="processus / worker processes (WEB_CONCURRENCY)",
    )
    sub.add_parser("check-db", help="vérifier la base / check the database")
    propose_cmd = sub.add_parser("propose", help="proposer des suggestions / propose suggestions")
    propose_cmd.add_argument("--per-need", type=int, default=5)
    sub.add_parser("worker", help="exécuter les travaux en arrière-plan / run the background jobs")
    user_cmd = sub.add_parser("create-user", help="créer un coordinateur / create a coordinator")
    user_cmd.add_argument("--email", required=True)
    user_cmd.add_argument("--role", choices=STAFF_ROLES, default="coordinator")
    user_cmd.add_argument("--password", help="sinon demandé / prompted when absent")
    imp = sub.add_parser(
        "import", help="importer un fichier CSV, XLSX ou JSONL / bulk import a file"
    )
    imp.add_argument("kind", choices=KINDS)
    imp.add_argument("file", help="fichier .csv, .xlsx ou .jsonl")
    imp.add_argument("--dry-run", action="store_true", help="valider sans écrire / validate only")
    imp.add_argument("--format", choices=FORMATS, help="sinon l'extension")
    args = parser.parse_args(argv)
    commands = {
        "migrate": cmd_migrate,
        "load-demo": cmd_load_demo,
        "serve": cmd_serve,
        "check-db": cmd_check,
        "import": cmd_import,
        "propose": cmd_propose,
        "create-user": cmd_create_user,
        "worker": cmd_worker,
    }
    from api.core.db import DatabaseUnavailable
    from api.imports.errors import ImportFailed, WriteFailed

    try:
        settings = load_settings()
        return commands[args.command](settings, args)
    except (SettingsError, DatabaseUnavailable, ImportFailed, WriteFailed) as exc:
        return _fail(str(exc))


if __name__ == "__main__":
    raise SystemExit(main())
