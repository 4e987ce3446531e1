"""Rules of e-mail: queue a mail in the caller's transaction, render it, deliver it with retries."""

from __future__ import annotations

import logging
import smtplib
import threading
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.core.db import session_scope
from api.core.errors import NotFound
from api.core.i18n import DEFAULT_LANGUAGE, pick_language, translator
from api.core.settings import Settings
from api.mail import repository
from api.mail.messages import MESSAGES
from api.mail.schemas import MailOut
from api.mail.transport import Transport, transport_for
from api.models import OutgoingMail, utcnow

log = logging.getLogger("passerelle.mail")

# How long a claimed mail stays with the worker that claimed it before others may retry it.
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
BATCH = 50

# Apart from the site's templates: a mail's HTML carries inline styles (mail clients drop
# <style> and stylesheets), which the site's pages, under their CSP, never do.
_MAIL_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


class UnknownMail(ValueError):
    """A programming error: a template that `api.mail.messages` does not declare, or a value
    it needs that was not given (raised before anything is queued)."""


# ----------------------------------------------------------------------------- the request


@dataclass
class Outgoing:
    """What one request queued, and the site address its links start with."""

    base_url: str
    ids: list[int] = field(default_factory=list)


# Set by api.mail.delivery for each request; absent in commands and tests that call services.
CURRENT: ContextVar[Outgoing | None] = ContextVar("passerelle_mail", default=None)


def _absolute(value: str) -> str:
    if not value.startswith("/"):
        return value
    outgoing = CURRENT.get()
    base = outgoing.base_url if outgoing else "http://localhost:8000"
    return base.rstrip("/") + value


# ----------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _paragraphs(text: str) -> list[str]:
    return [p.strip("\n") for p in text.split("\n\n") if p.strip()]


def render(template: str, lang: str, values: Mapping[str, object]) -> Rendered:
    """The mail's subject, plain text and simple HTML in `lang`, from the catalogues."""
    message = MESSAGES.get(template)
    if message is None:
        raise UnknownMail(f"unknown mail template {template!r}")
    missing = [name for name in message.fields if name not in values]
    if missing:
        raise UnknownMail(f"mail {template!r} needs {missing}")
    lang = pick_language(lang)
    t = translator(lang)
    plain = {k: str(v) for k, v in values.items()}
    if "link" in plain:
        plain["link"] = _absolute(plain["link"])
    subject = " ".join(t(f"mail.{template}.subject", **plain).split())  # one header line
    body = t(f"mail.{template}.body", **plain)
    action = t(f"mail.{template}.action", **plain) if message.action else ""
    link = plain.get("link", "")
    # The HTML fills the escaped text with escaped values: a name cannot inject markup.
    safe = {k: escape(v) for k, v in plain.items()}
    html_body = escape(t(f"mail.{template}.body")).format(**safe)
    html_paragraphs = [
        Markup("<br>\n").join(Markup(line) for line in p.split("\n"))
        for p in _paragraphs(str(html_body))
    ]
    context = {
        "lang": lang,
        "subject": subject,
        "greeting": t("mail.greeting"),
        "paragraphs": _paragraphs(body),
        "html_paragraphs": html_paragraphs,
        "action": action,
        "link": link,
        "link_hint": t("mail.link_hint"),
        "signature": t("mail.signature"),
        "footer": t("mail.footer"),
    }
    text = _MAIL_TEMPLATES.get_template("message.txt").render(context)
    html = _MAIL_TEMPLATES.get_template("message.html").render(context)
    return Rendered(subject=subject, text=text, html=html)


# ----------------------------------------------------------------------------- queueing


def send(
    session: Session,
    *,
    to: str,
    template: str,
    lang: str,
    values: Mapping[str, object],
) -> OutgoingMail:
    """Queue a mail in the caller's transaction; delivered once that transaction commits.

    Nothing is sent here: if the action rolls back, so does its mail; if the mail cannot be
    delivered, the action stays done and the mail is retried.
    """
    rendered = render(template, lang, values)
    mail = repository.add(
        session,
        OutgoingMail(
            recipient=to.strip(),
            template=template,
            lang=pick_language(lang),
            subject=rendered.subject,
            text_body=rendered.text,
            html_body=rendered.html,
            status="queued",
            attempts=0,
            next_attempt_at=utcnow(),
            last_error="",
        ),
    )
    outgoing = CURRENT.get()
    if outgoing is not None:
        outgoing.ids.append(mail.id)
    return mail


def recipient_language(session: Session, address: str) -> str:
    """The language of the account with this address, French when it has none."""
    return pick_language(repository.language_of(session, address) or DEFAULT_LANGUAGE)


def company_recipients(session: Session, organisation_id: int) -> list[tuple[str, str]]:
    """(e-mail, language) of the company accounts that speak for an organisation."""
    return repository.company_addresses(session, organisation_id)


def outbox_page(session: Session, limit: int, offset: int) -> tuple[list[MailOut], int]:
    """One page of the outbox, newest first, and how many mails it holds."""
    rows, total = repository.page(session, limit, offset)
    return [MailOut.model_validate(row) for row in rows], total


def outbox_mail(session: Session, mail_id: int) -> MailOut:
    row = repository.get(session, mail_id)
    if row is None:
        raise NotFound("mail", str(mail_id))
    return MailOut.model_validate(row)


def forget(session: Session, address: str) -> int:
    """Erase the mails to an address (right to erasure)."""
    return repository.forget(session, address)


# ----------------------------------------------------------------------------- delivery


def message_of(mail: OutgoingMail, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="passerelle.invalid")
    message["X-Passerelle-Mail"] = str(mail.id)
    message.set_content(mail.text_body)
    message.add_alternative(mail.html_body, subtype="html")
    message["Content-Language"] = mail.lang  # after the content, which resets Content-* headers
    return message


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 1, 2, 4... minutes, at most 6 hours."""
    wait: timedelta = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(wait, LONGEST_WAIT)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def deliver(
    sessions: sessionmaker[Session],
    settings: Settings,
    ids: list[int] | None = None,
    *,
    now: datetime | None = None,
    transport: Transport | None = None,
) -> DeliveryReport:
    """Deliver the given mails (or every due one), each in short transactions of its own.

    Runs after the request's commit, never inside it: the claim, the sending and the outcome
    are separate steps, so a slow or absent SMTP server holds no database lock.
    """
    now = now or utcnow()
    transport = transport or transport_for(settings)
    report = DeliveryReport()
    if ids is None:
        for session in session_scope(sessions):
            ids = repository.due_ids(session, now, BATCH)
    for mail_id in ids or []:
        message: EmailMessage | None = None
        attempts = 0
        for session in session_scope(sessions):
            if repository.claim(session, mail_id, now, now + LEASE):
                mail = repository.get(session, mail_id)
                assert mail is not None
                session.refresh(mail)
                message, attempts = message_of(mail, settings), mail.attempts
        if message is None:
            continue  # not due, already sent, or another worker has it
        try:
            where = transport.deliver(message)
        except (OSError, smtplib.SMTPException) as exc:
            gave_up = attempts >= settings.mail_max_attempts
            for session in session_scope(sessions):
                mail = repository.get(session, mail_id)
                if mail is not None:
                    mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
                    if gave_up:
                        mail.status = "failed"
                    else:
                        mail.next_attempt_at = now + backoff(attempts)
            log.warning("mail %s not delivered (attempt %s): %s", mail_id, attempts, exc)
            if gave_up:
                report.failed += 1
            else:
                report.retried += 1
            continue
        for session in session_scope(sessions):
            mail = repository.get(session, mail_id)
            if mail is not None:
                mail.status, mail.sent_at, mail.delivered_to = "sent", utcnow(), where
                mail.last_error = ""
                if where.startswith("smtp:"):
                    # Gone to its recipient: the text (a reset link, personal details) is
                    # not kept; the envelope stays for the admin's list.
                    mail.text_body = mail.html_body = ""
        report.sent += 1
    return report


def deliver_quietly(sessions: sessionmaker[Session], settings: Settings, ids: list[int]) -> None:
    """Deliver after a response: a failure is logged and left to the retries, never raised."""
    try:
        deliver(sessions, settings, ids)
    except (SQLAlchemyError, OSError) as exc:  # a busy database: the postman tries later
        log.warning("mail delivery postponed: %s", exc)


class Postman:
    """A daemon thread that delivers due mails (retries) every `interval` seconds."""

    def __init__(
        self, sessions: sessionmaker[Session], settings: Settings, interval: float
    ) -> None:
        self.sessions, self.settings, self.interval = sessions, settings, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="passerelle-postman", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """No round after this; a round under way is waited for (at most `timeout` s), so the
        database it uses is not closed under it."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                deliver(self.sessions, self.settings)
            except Exception:  # the thread must outlive any one failure
                log.exception("mail delivery round failed")
