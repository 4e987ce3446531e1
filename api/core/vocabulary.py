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

# Profiles: languages with their CEFR level, and what a researcher offers companies.
CEFR_LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")
CefrName = Literal["A1", "A2", "B1", "B2", "C1", "C2"]
# ISO 639-1 codes offered by the forms (names in the catalogues, `language.<code>`); the names
# below are how imports and the API may also write them.
LANGUAGE_CODES: tuple[str, ...] = (
    "fr", "en", "de", "es", "it", "nl", "pt", "pl", "ar", "zh", "ru", "tr", "ro", "uk", "ja",
    "sv", "da", "el", "cs", "ko", "vi", "hi",
)  # fmt: skip
LanguageCodeName = Literal[
    "fr", "en", "de", "es", "it", "nl", "pt", "pl", "ar", "zh", "ru", "tr", "ro", "uk", "ja",
    "sv", "da", "el", "cs", "ko", "vi", "hi",
]  # fmt: skip
LANGUAGE_NAMES: dict[str, str] = {
    "français": "fr", "francais": "fr", "french": "fr",
    "anglais": "en", "english": "en",
    "allemand": "de", "german": "de", "deutsch": "de",
    "espagnol": "es", "spanish": "es", "español": "es",
    "italien": "it", "italian": "it",
    "néerlandais": "nl", "neerlandais": "nl", "flamand": "nl", "dutch": "nl",
    "portugais": "pt", "portuguese": "pt",
    "polonais": "pl", "polish": "pl",
    "arabe": "ar", "arabic": "ar",
    "chinois": "zh", "mandarin": "zh", "chinese": "zh",
    "russe": "ru", "russian": "ru",
    "turc": "tr", "turkish": "tr",
    "roumain": "ro", "romanian": "ro",
    "ukrainien": "uk", "ukrainian": "uk",
    "japonais": "ja", "japanese": "ja",
    "suédois": "sv", "suedois": "sv", "swedish": "sv",
    "danois": "da", "danish": "da",
    "grec": "el", "greek": "el",
    "tchèque": "cs", "tcheque": "cs", "czech": "cs",
    "coréen": "ko", "coreen": "ko", "korean": "ko",
    "vietnamien": "vi", "vietnamese": "vi",
    "hindi": "hi",
}  # fmt: skip


def language_code(value: str) -> str | None:
    """The ISO 639-1 code of a language written as a code or a name ("Anglais" -> "en")."""
    key = value.strip().lower()
    if key in LANGUAGE_CODES:
        return key
    return LANGUAGE_NAMES.get(key)


RESEARCHER_OFFERS: tuple[str, ...] = ("cifre_supervision", "expertise", "equipment")
ResearcherOfferName = Literal["cifre_supervision", "expertise", "equipment"]
# Need kinds a researcher answers as a partner (a collaboration to propose, not a post to take).
PARTNERSHIP_NEED_KINDS: tuple[str, ...] = ("rd",)
