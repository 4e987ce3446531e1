"""Queries of the mail outbox: queue, claim, mark sent or failed, list, forget."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from api.models import OutgoingMail, User


def add(session: Session, mail: OutgoingMail) -> OutgoingMail:
    session.add(mail)
    session.flush()
    return mail


def due_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Queued mails whose next try has come, oldest first."""
    return list(
        session.scalars(
            select(OutgoingMail.id)
            .where(OutgoingMail.status == "queued", OutgoingMail.next_attempt_at <= now)
            .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
            .limit(limit)
        )
    )


def claim(session: Session, mail_id: int, now: datetime, lease_until: datetime) -> bool:
    """Take a due mail for one delivery, or False if another worker has it or it is not due.

    One conditional UPDATE: of two processes claiming the same mail, one changes the row and
    the other finds it no longer due. The lease (next_attempt_at moved on) hands the mail back
    to the others if this worker dies before it records the outcome.
    """
    result = session.execute(
        update(OutgoingMail)
        .where(
            OutgoingMail.id == mail_id,
            OutgoingMail.status == "queued",
            OutgoingMail.next_attempt_at <= now,
        )
        .values(attempts=OutgoingMail.attempts + 1, next_attempt_at=lease_until)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0)) == 1


def get(session: Session, mail_id: int) -> OutgoingMail | None:
    return session.get(OutgoingMail, mail_id)


def page(session: Session, limit: int, offset: int) -> tuple[list[OutgoingMail], int]:
    total = session.scalar(select(func.count()).select_from(OutgoingMail)) or 0
    rows = session.scalars(
        select(OutgoingMail).order_by(OutgoingMail.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), int(total)


def forget(session: Session, address: str) -> int:
    """Delete every mail to this address (erasure); how many."""
    result = session.execute(
        delete(OutgoingMail).where(func.lower(OutgoingMail.recipient) == address.strip().lower())
    )
    return int(getattr(result, "rowcount", 0))


def language_of(session: Session, address: str) -> str | None:
    """The language the account with this address chose, if there is such an account."""
    return session.scalar(
        select(User.language).where(func.lower(User.email) == address.strip().lower())
    )


def company_addresses(session: Session, organisation_id: int) -> list[tuple[str, str]]:
    """(e-mail, language) of the active company accounts of an organisation."""
    rows = session.execute(
        select(User.email, User.language)
        .where(
            User.organisation_id == organisation_id,
            User.role == "company",
            User.is_active,
        )
        .order_by(User.id)
    )
    return [(email, lang) for email, lang in rows]
