"""How a mail leaves: over SMTP, or as an .eml file in the outbox folder when none is set."""

from __future__ import annotations

import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from api.core.settings import Settings


class Transport(Protocol):
    def deliver(self, message: EmailMessage) -> str:
        """Hand the message over; where it went. Raises OSError or SMTPException on failure."""
        ...


class SmtpTransport:
    """One SMTP connection per mail: mails are rare and a kept connection would time out."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def deliver(self, message: EmailMessage) -> str:
        s = self.settings
        if s.smtp_port == 465:  # implicit TLS (SMTPS)
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_s
            )
        else:
            server = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_s)
        with server:
            if s.smtp_starttls and s.smtp_port != 465:
                server.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                server.login(s.smtp_user, s.smtp_password)
            server.send_message(message)
        return f"smtp:{s.smtp_host}:{s.smtp_port}"


class FolderTransport:
    """Writes each mail as an .eml file (what `make run` does: no mail leaves the machine)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def deliver(self, message: EmailMessage) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        name = f"{stamp}-{message['X-Passerelle-Mail']}.eml"
        draft = self.folder / f".{name}.part"
        draft.write_bytes(bytes(message))
        draft.rename(self.folder / name)  # a reader never sees half a file
        return f"file:{name}"


def transport_for(settings: Settings) -> Transport:
    if settings.smtp_host:
        return SmtpTransport(settings)
    return FolderTransport(settings.outbox_dir())
