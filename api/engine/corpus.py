"""A version number of the matchable corpus, bumped by every write to a profile or a need.

The recommendation engine keeps its index in memory and rebuilds it when the version it was
built from differs from the one stored here; only the change matters, not the number itself.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.models import AppState

KEY = "corpus_version"


def version(session: Session) -> int:
    """The current version; 0 before the first write."""
    row = session.get(AppState, KEY)
    return int(row.value) if row is not None else 0


def touch(session: Session) -> int:
    """Increment the version (created at 1) within the caller's transaction; returns it."""
    # FOR UPDATE serialises concurrent writers on PostgreSQL (SQLite locks the whole file).
    row = session.get(AppState, KEY, with_for_update=True, populate_existing=True)
    if row is None:
        row = AppState(key=KEY, value="1")
        session.add(row)
    else:
        row.value = str(int(row.value) + 1)
    session.flush()
    return int(row.value)
