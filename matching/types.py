"""Domain values the engine works on: people, needs, organisations, suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from matching.messages import Phrase


class NeedKind(StrEnum):
    INTERNSHIP = "internship"
    APPRENTICESHIP = "apprenticeship"
    JOB = "job"
    RD = "rd"  # R&D collaboration, CIFRE PhD
    HACKATHON = "hackathon"


class PersonKind(StrEnum):
    STUDENT = "student"
    RESEARCHER = "researcher"


class OrganisationKind(StrEnum):
    COMPANY = "company"
    SCHOOL = "school"
    LAB = "lab"


class Remote(StrEnum):
    NONE = "none"
    PARTIAL = "partial"
    FULL = "full"


# Study levels, ordered: index in this tuple is the comparable rank.
LEVELS: tuple[str, ...] = ("bac", "bac+1", "bac+2", "bac+3", "bac+4", "bac+5", "doctorat")


def level_rank(level: str | None) -> int | None:
    """Rank of a study level ("bac+3" -> 3), None when unknown."""
    if level is None:
        return None
    key = level.strip().lower().replace(" ", "")
    if key in ("phd", "doctorat", "bac+8"):
        return LEVELS.index("doctorat")
    return LEVELS.index(key) if key in LEVELS else None


# The engine's score components, in a fixed order: the index computes them, the fit model and
# the learnt re-ranker read them in this order.
COMPONENTS: tuple[str, ...] = (
    "semantic",
    "lexical",
    "skills",
    "reciprocal",
    "occupation",
    "occupation_group",
)


@dataclass(frozen=True, slots=True)
class Place:
    """A town with its coordinates (WGS84 degrees)."""

    town: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Profile:
    """A person as the engine sees them: texts, skills and constraints."""

    id: str
    kind: str = PersonKind.STUDENT
    headline: str = ""
    summary: str = ""
    skills: tuple[str, ...] = ()
    research_topics: tuple[str, ...] = ()
    level: str | None = None
    languages: tuple[str, ...] = ()
    seeks: tuple[str, ...] = ()  # NeedKind values the person is looking for; empty = any
    place: Place | None = None
    mobility_km: float | None = None
    available_from: date | None = None
    available_until: date | None = None
    organisation_id: str | None = None


@dataclass(frozen=True, slots=True)
class Need:
    """Something an organisation is looking for: an offer, a collaboration, a challenge."""

    id: str
    kind: str = NeedKind.JOB
    title: str = ""
    description: str = ""
    skills: tuple[str, ...] = ()  # required
    nice_to_have: tuple[str, ...] = ()
    level_min: str | None = None
    languages: tuple[str, ...] = ()
    place: Place | None = None
    remote: str = Remote.NONE
    start_date: date | None = None
    duration_months: int | None = None
    places: int = 1
    organisation_id: str | None = None


@dataclass(frozen=True, slots=True)
class ComponentScore:
    """One part of a hybrid score: its raw value, weight and contribution.

    `standing` is the pair's value standardised over the documents of the ranking (a z-score,
    what the fused score adds up), None when the caller did not give it.
    """

    name: str
    value: float
    weight: float
    standing: float | None = None

    @property
    def contribution(self) -> float:
        return self.value * self.weight

    @property
    def lift(self) -> float:
        """How far this component raised the pair above the ranking's other documents."""
        return self.weight * (self.standing if self.standing is not None else self.value)


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a suggestion was made, in terms a person can check.

    The engine says it in catalogue messages (`reasons`, `ruled_out`, `notes`); the service
    writes them out in French and English (`text_fr`, `text_en`, `violations`), which the
    engine leaves empty.
    """

    matched_skills: tuple[str, ...] = ()
    missing_skills: tuple[str, ...] = ()
    nice_matched: tuple[str, ...] = ()
    inferred_skills: tuple[str, ...] = ()
    # The ESCO occupation (shown label) or else the ISCO-08 group the two sides most likely
    # share, named when that component is one of the pair's strong points; None otherwise.
    occupation: str | None = None
    occupation_group: str | None = None
    components: tuple[ComponentScore, ...] = ()
    reasons: tuple[Phrase, ...] = ()  # the sentences of the explanation, in order
    ruled_out: tuple[Phrase, ...] = ()  # one per hard constraint the pair breaks
    notes: tuple[Phrase, ...] = ()
    violations: tuple[str, ...] = ()  # `ruled_out` in French, as written by the service
    text_fr: str = ""
    text_en: str = ""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A ranked document for a query, with its score and explanation.

    `score` is the fused score, comparable only within one ranking; `fit` is the probability
    that the pair is relevant, read from the pair's raw components (`matching.calibration`:
    the same scale for every query, whatever the weights or the rest of the corpus, so a pair
    ranked lower may fit better) and `level` its level ("excellente", "bonne", "possible",
    "faible"); both None when no calibration was fitted for the engine's features.
    """

    query_id: str
    doc_id: str
    score: float
    rank: int
    explanation: Explanation | None = field(default=None)
    fit: float | None = None
    level: str | None = None
