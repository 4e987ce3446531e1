"""Command line of the service: migrate, load the demo region, serve, check the database."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

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


def student_count(text: str) -> int:
    """The value of `load-demo --students`: a whole number of students the region may hold."""
    from api.imports.demo import MAX_STUDENTS

    try:
        value = int(text.replace("_", ""))
    except ValueError:
        value = -1
    if not 1 <= value <= MAX_STUDENTS:
        raise argparse.ArgumentTypeError(
            f"nombre entier d'étudiants entre 1 et {MAX_STUDENTS} attendu, pas {text!r} / "
            f"a whole number of students between 1 and {MAX_STUDENTS} expected"
        )
    return value


def cmd_load_demo(settings: Settings, args: argparse.Namespace) -> int:
    from api.core.db import session_factory, session_scope
    from api.imports.demo import CohortSeedMismatch, TooFewStudents, load_cohort, load_demo

    folder = Path(args.folder or settings.demo_data_dir)
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        print(f"\r  chargement / loading {done}/{total} ({stage})", end="", flush=True)

    # A command that writes takes SQLite's write lock at BEGIN: a running server's writers then
    # wait for it (busy_timeout) instead of making it fail halfway on "database is locked".
    # The demo and the cohort go in one transaction: a refused --students leaves nothing behind.
    try:
        for session in session_scope(session_factory(_engine(settings)), write_lock=True):
            report = load_demo(session, folder, progress=progress)
            if report is not None:
                print(
                    f"\nRégion de démonstration chargée / demo region loaded: "
                    f"{report.organisations} organisations, {report.people} personnes, "
                    f"{report.needs} besoins ({time.perf_counter() - started:.1f} s)"
                )
            cohort = None
            if args.students is not None:
                cohort = load_cohort(session, args.students, args.seed, progress=progress)
    except TooFewStudents as exc:
        return _fail(
            f"--students : la région compte déjà {exc.present} étudiants, rien n'est supprimé / "
            f"the region already holds {exc.present} students, nothing is removed"
        )
    except CohortSeedMismatch as exc:
        return _fail(
            f"--seed : les étudiants générés viennent de la graine {exc.present} / "
            f"the generated students come from seed {exc.present}"
        )
    if report is None and not (cohort and cohort.generated):
        print("Région de démonstration déjà chargée / demo region already loaded")
    if cohort is not None:
        print(
            f"\nÉtudiants / students: {cohort.students} dans la région, dont {cohort.cohort} "
            f"générés (graine / seed {cohort.seed}), {cohort.generated} ajoutés / added "
            f"({time.perf_counter() - started:.1f} s)"
        )
    if not args.no_index:
        _index(settings)
    return 0


def _index(settings: Settings) -> None:
    """Compute the matching index of what a command wrote, so `serve` starts in seconds."""
    from api.core.db import session_factory
    from api.engine.service import MatchingService

    started = time.perf_counter()
    matching = MatchingService(
        session_factory(_engine(settings)), settings.embedding_model, esco_dir=settings.esco_dir
    )

    def progress(stage: str, done: int, total: int) -> None:
        print(f"\r  index / indexing {done}/{total} ({stage})", end="", file=sys.stderr)
        if done == total:
            print(file=sys.stderr)

    count = matching.index_all(progress)
    matching.close()
    if count:
        print(
            f"Index de mise en relation à jour / matching index up to date: {count} documents "
            f"({time.perf_counter() - started:.1f} s)"
        )


# How long an idle keep-alive connection stays open (uvicorn's default is 5 s). A client
# reusing a connection the server has just closed gets no answer at all: under load, a client
# that reads its answer late reuses the connection after the server's 5 s (seen as a lost
# request at 256 clients). Longer than the 60 s idle timeout of common reverse proxies, so the
# proxy, not the server, closes first.
KEEP_ALIVE_S = 75


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from api.core.unit_of_work import WORKER_PROCESSES
    from api.supervisor import SharedPortSupervisor, port_sockets, spreads_connections

    _engine(settings)  # one clear line now rather than a traceback per request
    print(
        f"Passerelle : http://{args.host}:{args.port}  (API : http://{args.host}:{args.port}/docs)"
    )
    # Several worker processes let rankings use several cores: much of a ranking holds the GIL,
    # so one process serves them one core at a time. Each worker loads the model and its own
    # copy of the live index from `index_entries` (memory per worker); a write served by one
    # is applied by the others at their next read. The database is what they share.
    os.environ[WORKER_PROCESSES] = str(args.workers)  # each worker's share of the cores
    options: dict[str, Any] = dict(
        factory=True,
        host=args.host,
        port=args.port,
        log_level="info",
        workers=args.workers,
        timeout_keep_alive=KEEP_ALIVE_S,
    )
    if (
        args.workers > 1
        and spreads_connections()
        and not os.environ.get("PASSERELLE_SHARED_SOCKET")
    ):
        # Each worker on a socket of its own (`api.supervisor`): connections spread evenly.
        config = uvicorn.Config("api.worker:app_from_env", **options)
        try:
            sockets = port_sockets(args.host, args.port, args.workers, config.backlog)
        except OSError as exc:  # taken by another server, or a port this user may not open
            where = f"{args.host}:{args.port}"
            return _fail(f"impossible d'écouter sur {where} / cannot listen on {where}: {exc}")
        try:
            SharedPortSupervisor(config, sockets).run()
        finally:
            for sock in sockets:
                sock.close()
        return 0
    uvicorn.run("api.worker:app_from_env", **options)
    return 0


def cmd_propose(settings: Settings, args: argparse.Namespace) -> int:
    from api.core.db import session_factory, session_scope
    from api.engine.service import MatchingService
    from api.review.service import propose

    started = time.perf_counter()
    sessions = session_factory(_engine(settings))
    matching = MatchingService(
        sessions,
        settings.embedding_model,
        esco_dir=settings.esco_dir,
        reranker_file=settings.reranker_file,
    )
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
    state.matching = MatchingService(
        sessions,
        settings.embedding_model,
        esco_dir=settings.esco_dir,
        reranker_file=settings.reranker_file,
    )
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
    if not args.dry_run and not args.no_index:
        _index(settings)
    return 0


def cmd_check(settings: Settings, _args: argparse.Namespace) -> int:
    engine = _engine(settings)
    print(f"Base joignable / database reachable: {engine.url.render_as_string(hide_password=True)}")
    return 0


LEARN_REASONS = {
    "too_few_decisions": "trop peu de décisions / too few decisions",
    "one_kind_only": "décisions anciennes toutes du même sens / older decisions all alike",
    "nothing_to_rank": "aucun besoin à classer dans la validation / nothing to rank held out",
    "not_better": "ne bat pas l'ordre de base / does not beat the base ranker",
    "better": "bat l'ordre de base / beats the base ranker",
}


def cmd_learn(settings: Settings, args: argparse.Namespace) -> int:
    from api.core.db import session_factory, session_scope
    from api.engine.service import MatchingService
    from api.learning.service import learn

    if not 0 < args.holdout < 1:
        return _fail("--holdout : entre 0 et 1 exclus / between 0 and 1, exclusive")
    started = time.perf_counter()
    sessions = session_factory(_engine(settings))
    # The engine the server ranks with (ESCO included): the pairs are scored as rankings score
    # them, and the index's stored features (made with ESCO) are reused, not recomputed.
    matching = MatchingService(sessions, settings.embedding_model, esco_dir=settings.esco_dir)
    path = Path(args.output or settings.reranker_file)
    for session in session_scope(sessions):
        report = learn(session, matching, path, holdout=args.holdout)
    matching.flush_cache()
    sources = ", ".join(f"{n} {source}" for source, n in sorted(report.by_source.items()))
    print(
        f"Décisions / decisions: {report.decisions} ; paires étiquetées / labelled pairs: "
        f"{report.pairs} ({report.kept} retenues / kept){f' — {sources}' if sources else ''}"
    )
    h = report.holdout
    assert h is not None
    if h.test_groups:
        print(
            f"Validation sur les décisions les plus récentes / time-ordered hold-out: "
            f"{h.train} apprises / train, {h.test} tenues à l'écart / held out "
            f"(depuis / from {h.split_at}), {h.test_groups} besoins / needs"
        )
        print(
            f"  nDCG  ordre de base / base ranker {h.ndcg_base:.3f}   re-classeur {h.ndcg_model:.3f}"
        )
        print(
            f"  AUC   ordre de base / base ranker {h.auc_base:.3f}   re-classeur {h.auc_model:.3f}"
        )
    used = "oui / yes" if h.beats_base else "non / no"
    print(f"Utilisé / in use: {used} ({LEARN_REASONS.get(h.reason, h.reason)}) -> {report.path}")
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


def cmd_deliver_mail(settings: Settings, _args: argparse.Namespace) -> int:
    """Deliver the mails due now (a cron job's alternative to the server's postman thread)."""
    from api.core.db import session_factory
    from api.mail.service import deliver

    report = deliver(session_factory(_engine(settings)), settings)
    print(
        f"Courriels / mails: {report.sent} envoyés / sent, {report.retried} à réessayer / "
        f"to retry, {report.failed} abandonnés / given up"
    )
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
    demo.add_argument(
        "--no-index",
        action="store_true",
        help="ne pas calculer l'index (le serveur le fera) / leave indexing to the server",
    )
    demo.add_argument(
        "--students",
        type=student_count,
        metavar="N",
        help="étudiants dans la région en tout : la démo plus des étudiants générés "
        "/ students in the region in all: the demo's plus generated ones",
    )
    demo.add_argument(
        "--seed", type=int, help="graine des étudiants générés / seed of the generated students"
    )
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
    imp.add_argument(
        "--no-index",
        action="store_true",
        help="ne pas calculer l'index (le serveur le fera) / leave indexing to the server",
    )
    learn_cmd = sub.add_parser(
        "learn", help="apprendre des décisions de la région / learn from the region's decisions"
    )
    learn_cmd.add_argument(
        "--holdout", type=float, default=0.3, help="part des décisions récentes tenues à l'écart"
    )
    learn_cmd.add_argument("--output", help="fichier du modèle / model file (RERANKER_FILE)")
    sub.add_parser("deliver-mail", help="envoyer les courriels en attente / deliver due mails")
    args = parser.parse_args(argv)
    commands = {
        "deliver-mail": cmd_deliver_mail,
        "migrate": cmd_migrate,
        "load-demo": cmd_load_demo,
        "serve": cmd_serve,
        "check-db": cmd_check,
        "import": cmd_import,
        "propose": cmd_propose,
        "create-user": cmd_create_user,
        "learn": cmd_learn,
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
