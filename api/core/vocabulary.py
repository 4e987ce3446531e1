"""The service's words, defined once: need kinds, remote modes, levels, roles, statuses.

The engine's enums (`matching.types`) are the source; the tuples and `Literal` aliases here are
what the database constraints, the Pydantic schemas and the page forms are built from, so a new
kind is added in one place. `tests/api/test_vocabulary.py` checks the aliases agree with the tuples.
"""

from __future__ import annotations

from typing import Literal

from matching.types import LEVELS as ENGINE_LEVELS
from matching.types import NeedKind, OrganisationKind, PersonKind, Remote

NEED_KINDS: tuple[str, ...] = tuple(kind.value for kind in NeedKind)
# Kinds that hold places a coordinator allocates (a hackathon challenge has teams, not places).
PLACED_NEED_KINDS: tuple[str, ...] = tuple(k for k in NEED_KINDS if k != NeedKind.HACKATHON)
PERSON_KINDS: tuple[str, ...] = tuple(kind.value for kind in PersonKind)
ORGANISATION_KINDS: tuple[str, ...] = tuple(kind.value for kind in OrganisationKind)
REMOTE_MODES: tuple[str, ...] = tuple(mode.value for mode in Remote)
LEVELS: tuple[str, ...] = ENGINE_LEVELS
SUGGESTION_STATUSES: tuple[str, ...] = ("proposed", "approved", "rejected", "introduced", "hired")
# An application, as the company moves it (reçue, vue, entretien, retenue, refusée, embauche),
# or withdrawn by the person who sent it.
APPLICATION_STATUSES: tuple[str, ...] = (
    "received",
    "seen",
    "interview",
    "retained",
    "refused",
    "hired",
    "withdrawn",
)

# Accounts: people and companies sign up themselves; staff accounts are created by an admin.
SELF_SERVICE_ROLES: tuple[str, ...] = ("student", "researcher", "company")
PERSON_ROLES: tuple[str, ...] = PERSON_KINDS
STAFF_ROLES: tuple[str, ...] = ("coordinator", "admin")
ROLES: tuple[str, ...] = (*SELF_SERVICE_ROLES, *STAFF_ROLES)

NeedKindName = Literal["internship", "apprenticeship", "job", "rd", "hackathon"]
PersonKindName = Literal["student", "researcher"]
OrganisationKindName = Literal["company", "school", "lab"]
RemoteName = Literal["none", "partial", "full"]
SuggestionStatusName = Literal["proposed", "approved", "rejected", "introduced", "hired"]
LevelName = Literal["bac", "bac+1", "bac+2", "bac+3", "bac+4", "bac+5", "doctorat"]
SelfServiceRole = Literal["student", "researcher", "company"]
Role = Literal["student", "researcher", "company", "coordinator", "admin"]
ApplicationStatusName = Literal[
    "received", "seen", "interview", "retained", "refused", "hired", "withdrawn"
]

# Background jobs (api/jobs/): what a coordinator can run off the request, and where it stands.
JOB_KINDS: tuple[str, ...] = ("propose", "allocation", "schedule")
JOB_STATUSES: tuple[str, ...] = ("queued", "running", "done", "failed", "interrupted")
JobKindName = Literal["propose", "allocation", "schedule"]
JobStatusName = Literal["queued", "running", "done", "failed", "interrupted"]
