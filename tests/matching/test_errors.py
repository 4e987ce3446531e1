"""The engine's refusals carry a stable code and the ids concerned, and stay ValueErrors."""

from __future__ import annotations

import pytest

from matching.allocation import AllocationInstance, Candidacy, Opening
from matching.errors import AllocationError, JobDatingError, MatchingError, TeamsError
from matching.jobdating import Attendee, Company, Fit, JobDating, Pin
from matching.teams import Participant, form_teams


def instance(**constraints: tuple[tuple[str, str], ...]) -> AllocationInstance:
    return AllocationInstance(
        people=("p1", "p2"),
        openings=(Opening("n1", 1), Opening("n2", 1)),
        candidacies=(Candidacy("p1", "n1", 1.0, 1.0), Candidacy("p2", "n1", 1.0, 1.0)),
        **constraints,
    )


@pytest.mark.parametrize(
    ("constraints", "code", "person", "need"),
    [
        ({"pinned": (("p9", "n1"),)}, "unknown_person", "p9", "n1"),
        ({"pinned": (("p1", "n9"),)}, "unknown_need", "p1", "n9"),
        ({"pinned": (("p1", "n1"),), "forbidden": (("p1", "n1"),)}, "also_forbidden", "p1", "n1"),
        ({"pinned": (("p1", "n2"),)}, "unacceptable", "p1", "n2"),
        ({"pinned": (("p1", "n1"), ("p2", "n1"))}, "too_many_pins", None, "n1"),
    ],
)
def test_allocation_refusals_name_their_code_and_pair(
    constraints: dict[str, tuple[tuple[str, str], ...]],
    code: str,
    person: str | None,
    need: str,
) -> None:
    with pytest.raises(AllocationError) as raised:
        instance(**constraints)
    assert raised.value.code == code
    assert (raised.value.person, raised.value.need) == (person, need)
    assert isinstance(raised.value, MatchingError) and isinstance(raised.value, ValueError)


def test_job_dating_refusals_name_their_code_and_ids() -> None:
    with pytest.raises(JobDatingError) as raised:
        JobDating(
            slots=2,
            companies=(Company("c1"),),
            attendees=(Attendee("s1"),),
            fits=(Fit("s1", "c1", 1.0),),
            pinned=(Pin("s1", "c1", 5),),
        )
    assert raised.value.code == "pin_out_of_range"
    assert raised.value.subject == ("s1", "c1", "5")


def test_team_refusals_name_their_code() -> None:
    with pytest.raises(TeamsError) as raised:
        form_teams([Participant("a"), Participant("a")], 2)
    assert raised.value.code == "duplicate_participant" and raised.value.participant == "a"
