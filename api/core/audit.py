"""The audit log: every decision, with who, when, what and why."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.models import AuditEntry, User


def actor_label(user: User | None) -> str:
    return f"{user.role}:{user.email}" if user is not None else "système"


def record(
    session: Session,
    user: User | None,
    action: str,
    object_type: str,
    object_ref: str,
    reason: str = "",
    **data: Any,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor_label(user),
        action=action,
        object_type=object_type,
        object_ref=object_ref,
        reason=reason,
        data=data,
    )
    session.add(entry)
    return entry
