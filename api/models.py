"""Tables of the service: organisations, people, skills, needs, suggestions and consent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from api.core import vocabulary

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Database constraints are built from the one vocabulary (names kept for the migrations' tests).
ORGANISATION_KINDS = vocabulary.ORGANISATION_KINDS
PERSON_KINDS = vocabulary.PERSON_KINDS
NEED_KINDS = vocabulary.NEED_KINDS
REMOTE = vocabulary.REMOTE_MODES
LEVELS = vocabulary.LEVELS
SUGGESTION_STATUSES = vocabulary.SUGGESTION_STATUSES


def utcnow() -> datetime:
    return datetime.now(UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON, bytes: LargeBinary}


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(_in("kind", ORGANISATION_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str | None] = mapped_column(String(120), index=True)
    size: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    town: Mapped[str | None] = mapped_column(String(120))
    territory: Mapped[str | None] = mapped_column(String(60), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    people: Mapped[list[Person]] = relationship(back_populates="organisation")
    needs: Mapped[list[Need]] = relationship(back_populates="organisation")


class Skill(Base):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), unique=True)  # normalised name
    family: Mapped[str | None] = mapped_column(String(60), index=True)
    aliases: Mapped[list[str]] = mapped_column(default=list)


class PersonSkill(Base):
    __tablename__ = "person_skills"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    skill: Mapped[Skill] = relationship(lazy="joined")


class NeedSkill(Base):
    __tablename__ = "need_skills"

    need_id: Mapped[int] = mapped_column(
        ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    skill: Mapped[Skill] = relationship(lazy="joined")


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(_in("kind", PERSON_KINDS), name="kind"),
        CheckConstraint(f"level IS NULL OR {_in('level', LEVELS)}", name="level"),
        CheckConstraint("mobility_km IS NULL OR mobility_km >= 0", name="mobility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    first_name: Mapped[str] = mapped_column(String(120))
    last_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    headline: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    programme: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str | None] = mapped_column(String(20))
    available_from: Mapped[date | None] = mapped_column(Date)
    available_until: Mapped[date | None] = mapped_column(Date)
    mobility_km: Mapped[float | None] = mapped_column(Float)
    languages: Mapped[list[str]] = mapped_column(default=list)
    seeks: Mapped[list[str]] = mapped_column(default=list)
    research_topics: Mapped[list[str]] = mapped_column(default=list)
    # CEFR level ("B2") of the languages in `languages` whose level the person gave.
    language_levels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # What a researcher offers companies (vocabulary.RESEARCHER_OFFERS), and in their words.
    offers: Mapped[list[str]] = mapped_column(default=list)
    offer_details: Mapped[str] = mapped_column(Text, default="")
    town: Mapped[str | None] = mapped_column(String(120))
    territory: Mapped[str | None] = mapped_column(String(60), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    organisation: Mapped[Organisation | None] = relationship(back_populates="people")
    skill_links: Mapped[list[PersonSkill]] = relationship(
        cascade="all, delete-orphan", order_by=PersonSkill.position, lazy="selectin"
    )
    consent: Mapped[Consent | None] = relationship(
        cascade="all, delete-orphan", uselist=False, lazy="joined"
    )

    @property
    def skills(self) -> list[str]:
        return [link.skill.name for link in self.skill_links]


class Need(Base):
    __tablename__ = "needs"
    __table_args__ = (
        CheckConstraint(_in("kind", NEED_KINDS), name="kind"),
        CheckConstraint(_in("remote", REMOTE), name="remote"),
        CheckConstraint("places >= 0", name="places"),
        CheckConstraint(f"level_min IS NULL OR {_in('level_min', LEVELS)}", name="level_min"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    level_min: Mapped[str | None] = mapped_column(String(20))
    languages: Mapped[list[str]] = mapped_column(default=list)
    town: Mapped[str | None] = mapped_column(String(120))
    territory: Mapped[str | None] = mapped_column(String(60), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    remote: Mapped[str] = mapped_column(String(10), default="none")
    start_date: Mapped[date | None] = mapped_column(Date)
    duration_months: Mapped[int | None] = mapped_column(Integer)
    places: Mapped[int] = mapped_column(Integer, default=1)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    end_date: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)  # last day to apply
    pay: Mapped[str | None] = mapped_column(String(200))  # as the company words it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    organisation: Mapped[Organisation] = relationship(back_populates="needs", lazy="joined")
    skill_links: Mapped[list[NeedSkill]] = relationship(
        cascade="all, delete-orphan", order_by=NeedSkill.position, lazy="selectin"
    )

    @property
    def skills(self) -> list[str]:
        return [link.skill.name for link in self.skill_links if link.required]

    @property
    def nice_to_have(self) -> list[str]:
        return [link.skill.name for link in self.skill_links if not link.required]


class Consent(Base):
    """Whether companies may see a person's profile; the history lives in consent_events."""

    __tablename__ = "consents"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    companies_may_view: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Suggestion(Base):
    __tablename__ = "suggestions"
    __table_args__ = (
        UniqueConstraint("person_id", "need_id", name="person_need"),
        CheckConstraint(_in("status", SUGGESTION_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    # Calibrated probability that the pair is relevant (matching.calibration), computed from the
    # pair's raw components when the suggestion is made and refreshed by each batch while it
    # awaits a decision; None without a calibration or before the first batch after 0011.
    fit: Mapped[float | None] = mapped_column(Float, nullable=True, default=None)
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    events: Mapped[list[SuggestionEvent]] = relationship(
        cascade="all, delete-orphan", order_by="SuggestionEvent.id", lazy="selectin"
    )


class SuggestionEvent(Base):
    """One decision on a suggestion: who moved it from which status to which, and why."""

    __tablename__ = "suggestion_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(254))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Embedding(Base):
    """Cached embedding of one text by one model, so nothing is embedded twice."""

    __tablename__ = "embeddings"

    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IndexEntry(Base):
    """One document of the live matching index: its features, and the change number that set them.

    `seq` comes from the corpus version, bumped under the writers' lock, so entries commit in
    `seq` order and a worker catches up by reading the entries past the last one it applied.
    `state` is pending (features to compute), ready, or removed (left the index).
    """

    __tablename__ = "index_entries"

    side: Mapped[str] = mapped_column(String(8), primary_key=True)  # "need" or "person"
    ref: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    state: Mapped[str] = mapped_column(String(10))
    signature: Mapped[str | None] = mapped_column(String(300))
    features: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The engine value and filter tags the features were computed from (JSON): the index loads
    # at start from this table alone, without reading every profile's rows and skills.
    document: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    __table_args__ = (
        CheckConstraint("side IN ('need', 'person')", name="side"),
        CheckConstraint("state IN ('pending', 'ready', 'removed')", name="state"),
    )


class AppState(Base):
    """Small key/value facts about this database, such as whether the demo region was loaded."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


ROLES = ("student", "researcher", "company", "coordinator", "admin")


class User(Base):
    """An account: a role, and the profile or organisation it speaks for."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), index=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), unique=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Written into every token (claim `ver`); signing out or changing the password bumps it,
    # which revokes every token issued before without keeping a list of them.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The language of the mails the account receives: the one it last chose on the site.
    language: Mapped[str] = mapped_column(String(5), default="fr", server_default="fr")

    # Loaded when a request uses them, not with every token check: the joins (and the person's
    # skills) cost most of a signed-in request that never looks at them.
    person: Mapped[Person | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class Interest(Base):
    """A person marked interest in a need."""

    __tablename__ = "interests"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    need_id: Mapped[int] = mapped_column(
        ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Shortlist(Base):
    """A company shortlisted a candidate for one of its needs."""

    __tablename__ = "shortlists"

    need_id: Mapped[int] = mapped_column(
        ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Who did what, to what, when and why; kept (anonymised) when a person is erased."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(254), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_ref: Mapped[str] = mapped_column(String(80), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class AllocationRun(Base):
    """One allocation of places by a coordinator: its settings, pins, bans and quality report."""

    __tablename__ = "allocation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[str] = mapped_column(String(254))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    pinned: Mapped[list[str]] = mapped_column(default=list)  # "person_ref|need_ref"
    forbidden: Mapped[list[str]] = mapped_column(default=list)
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    pairs: Mapped[list[AllocationPair]] = relationship(
        cascade="all, delete-orphan", order_by="AllocationPair.id", lazy="selectin"
    )


class AllocationPair(Base):
    __tablename__ = "allocation_pairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("allocation_runs.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[str] = mapped_column(String(20))
    person_ref: Mapped[str] = mapped_column(String(40))
    need_ref: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Float)


class JobDatingEvent(Base):
    """A job-dating evening: its time slots, company tables, attendees and saved schedule."""

    __tablename__ = "job_dating_events"
    __table_args__ = (
        CheckConstraint("slots > 0", name="slots"),
        CheckConstraint("slot_minutes > 0", name="slot_minutes"),
        CheckConstraint("max_per_student >= 0", name="max_per_student"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    start_time: Mapped[str] = mapped_column(String(5))  # "HH:MM", local time of the event
    slot_minutes: Mapped[int] = mapped_column(Integer)
    slots: Mapped[int] = mapped_column(Integer)
    max_per_student: Mapped[int] = mapped_column(Integer)
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)  # of the last schedule
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    tables: Mapped[list[JobDatingTable]] = relationship(
        cascade="all, delete-orphan", order_by="JobDatingTable.id", lazy="selectin"
    )
    attendees: Mapped[list[JobDatingAttendee]] = relationship(
        cascade="all, delete-orphan", order_by="JobDatingAttendee.id", lazy="selectin"
    )
    meetings: Mapped[list[JobDatingMeeting]] = relationship(
        cascade="all, delete-orphan",
        order_by="(JobDatingMeeting.slot, JobDatingMeeting.id)",
        lazy="selectin",
    )


class JobDatingTable(Base):
    """An organisation's table at an event: interviews it holds at once, and its total cap."""

    __tablename__ = "job_dating_tables"
    __table_args__ = (
        UniqueConstraint("event_id", "organisation_id"),
        CheckConstraint("parallel >= 1", name="parallel"),
        CheckConstraint("max_interviews IS NULL OR max_interviews >= 0", name="max_interviews"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("job_dating_events.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    parallel: Mapped[int] = mapped_column(Integer, default=1)
    max_interviews: Mapped[int | None] = mapped_column(Integer)

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class JobDatingAttendee(Base):
    """A student or researcher coming to an event (removed with them if they are erased)."""

    __tablename__ = "job_dating_attendees"
    __table_args__ = (UniqueConstraint("event_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("job_dating_events.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)

    person: Mapped[Person] = relationship(lazy="joined")


class JobDatingMeeting(Base):
    """One interview of the saved schedule: an attendee at a table in a slot (0-based)."""

    __tablename__ = "job_dating_meetings"
    __table_args__ = (
        UniqueConstraint("attendee_id", "table_id"),
        CheckConstraint("slot >= 0", name="slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("job_dating_events.id", ondelete="CASCADE"), index=True
    )
    attendee_id: Mapped[int] = mapped_column(
        ForeignKey("job_dating_attendees.id", ondelete="CASCADE"), index=True
    )
    table_id: Mapped[int] = mapped_column(
        ForeignKey("job_dating_tables.id", ondelete="CASCADE"), index=True
    )
    slot: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)

    attendee: Mapped[JobDatingAttendee] = relationship(lazy="joined")
    table: Mapped[JobDatingTable] = relationship(lazy="joined")


class HackathonEvent(Base):
    """Hackathon teams formed by a coordinator: settings, weights used and quality report."""

    __tablename__ = "hackathon_events"
    __table_args__ = (CheckConstraint("team_size >= 1", name="team_size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    need_id: Mapped[int | None] = mapped_column(
        ForeignKey("needs.id", ondelete="SET NULL"), index=True
    )
    team_size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    weights: Mapped[dict[str, Any]] = mapped_column(default=dict)
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    need: Mapped[Need | None] = relationship(lazy="joined")
    members: Mapped[list[HackathonMember]] = relationship(
        cascade="all, delete-orphan",
        order_by="(HackathonMember.team, HackathonMember.id)",
        lazy="selectin",
    )


class HackathonMember(Base):
    """A participant and the team (numbered from 1) they were placed in."""

    __tablename__ = "hackathon_members"
    __table_args__ = (
        UniqueConstraint("event_id", "person_id"),
        CheckConstraint("team >= 1", name="team"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("hackathon_events.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    team: Mapped[int] = mapped_column(Integer)

    person: Mapped[Person] = relationship(lazy="joined")


class RateLimit(Base):
    """One fixed-window counter of the rate limiter (failed sign-ins), shared by every worker.

    `key` is the limiter's key (its identifiers hashed: no e-mail or address in clear);
    `expires_at` counts seconds since the epoch, as the `limits` library does.
    """

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


APPLICATION_STATUSES = vocabulary.APPLICATION_STATUSES


class Application(Base):
    """A person applied to a need: their message, their CV (a file under the data folder) and
    where the company has got to with it."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("person_id", "need_id", name="uq_applications_person_need"),
        CheckConstraint(_in("status", APPLICATION_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was refused
    cv_file: Mapped[str | None] = mapped_column(String(80))  # name of the file on disk
    cv_name: Mapped[str | None] = mapped_column(String(200))  # the name it was sent under
    cv_bytes: Mapped[int | None] = mapped_column(Integer)
    cv_skills: Mapped[list[str]] = mapped_column(default=list)  # vocabulary skills found in it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    person: Mapped[Person] = relationship(lazy="joined")
    need: Mapped[Need] = relationship(lazy="joined")
    events: Mapped[list[ApplicationEvent]] = relationship(
        cascade="all, delete-orphan", order_by="ApplicationEvent.id", lazy="selectin"
    )


class ApplicationEvent(Base):
    """One step of an application: who moved it from which status to which, and why."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(254))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


MAIL_STATUSES = ("queued", "sent", "failed")


class OutgoingMail(Base):
    """A transactional e-mail, queued in the transaction of the action that caused it and
    delivered after commit (api/mail): a mail that cannot go out never undoes its action."""

    __tablename__ = "mail_outbox"
    __table_args__ = (CheckConstraint(_in("status", MAIL_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    template: Mapped[str] = mapped_column(String(60))
    lang: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When the next delivery may start; while one runs, the end of its lease (see claim).
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_to: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


JOB_KINDS = vocabulary.JOB_KINDS
JOB_STATUSES = vocabulary.JOB_STATUSES


class Job(Base):
    """A long coordinator task run in the background: its progress, outcome and who asked.

    `worker` names the process running it ("host:pid:start"), so that a restart can tell a job
    whose process died (then marked "interrupted") from one still running elsewhere.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(_in("kind", JOB_KINDS), name="kind"),
        CheckConstraint(_in("status", JOB_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    stage: Mapped[str] = mapped_column(String(40), default="")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result_ref: Mapped[str | None] = mapped_column(String(80))
    error_code: Mapped[str | None] = mapped_column(String(60))
    error_params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_by: Mapped[str] = mapped_column(String(254))
    worker: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Moved on at every step a job reports: how another machine tells a silent job from a live one.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CollaborationProposal(Base):
    """A researcher proposes a collaboration on an R&D need: a message to its organisation."""

    __tablename__ = "collaboration_proposals"
    __table_args__ = (UniqueConstraint("need_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    need: Mapped[Need] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(lazy="joined")
