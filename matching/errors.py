"""Typed refusals of the engine: a stable code and the ids concerned, so callers never parse text.

Every error is still a ``ValueError`` (what the solvers documented and callers caught before);
the message stays an English sentence for logs and tracebacks, while callers branch on ``code``
and name things with the structured fields.
"""

from __future__ import annotations

from typing import Literal

AllocationCode = Literal[
    "duplicate_person",
    "duplicate_need",
    "negative_capacity",
    "unknown_person",
    "unknown_need",
    "non_finite_score",
    "duplicate_candidacy",
    "also_forbidden",
    "unacceptable",
    "pinned_twice",
    "too_many_pins",
    "unknown_solver",
]

JobDatingCode = Literal[
    "negative_slots",
    "negative_max_per_student",
    "slot_labels_mismatch",
    "duplicate_student",
    "negative_student_limit",
    "duplicate_company",
    "negative_parallel",
    "negative_company_limit",
    "unknown_student",
    "unknown_company",
    "duplicate_fit",
    "non_finite_score",
    "also_forbidden",
    "pin_without_fit",
    "pinned_twice",
    "pin_out_of_range",
    "student_pins_clash",
    "company_pins_over_parallel",
    "student_pins_over_limit",
    "company_pins_over_limit",
    "pin_clash",
    "unknown_exchange",
    "schedule_rules",
]

TeamsCode = Literal["team_size", "duplicate_participant"]


class MatchingError(ValueError):
    """The engine refused its input; ``code`` says why, whatever the message's wording."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class AllocationError(MatchingError):
    """An allocation instance the solvers refuse, with the person and need concerned (if any)."""

    def __init__(
        self,
        code: AllocationCode,
        message: str,
        *,
        person: str | None = None,
        need: str | None = None,
    ) -> None:
        super().__init__(code, message)
        self.code: AllocationCode = code
        self.person = person
        self.need = need


class JobDatingError(MatchingError):
    """A job-dating event the scheduler refuses, with the student, company and slot concerned."""

    def __init__(
        self,
        code: JobDatingCode,
        message: str,
        *,
        student: str | None = None,
        company: str | None = None,
        slot: int | None = None,
    ) -> None:
        super().__init__(code, message)
        self.code: JobDatingCode = code
        self.student = student
        self.company = company
        self.slot = slot

    @property
    def subject(self) -> tuple[str, ...]:
        """The ids concerned, in a checker ``Violation``'s order (student, company, slot)."""
        parts = (self.student, self.company, None if self.slot is None else str(self.slot))
        return tuple(p for p in parts if p is not None)


class TeamsError(MatchingError):
    """Participants the team former refuses, with the participant concerned (if any)."""

    def __init__(self, code: TeamsCode, message: str, *, participant: str | None = None) -> None:
        super().__init__(code, message)
        self.code: TeamsCode = code
        self.participant = participant
