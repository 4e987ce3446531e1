"""Whether a profile or a need gives the engine anything to compare, and what a person left blank.

A person who signed up and wrote nothing has no title, text or skill: the rankers refuse such a
query, so the region's tools (allocation, job dating, suggestion batch) leave these rows out of a
run and list them in its report instead of failing the whole run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

from pydantic import BaseModel, Field

from matching.features import view
from matching.types import Need, Profile

# What a person fills in so that the engine has something to compare, in the order the
# profile page shows it.
ProfileField = Literal["headline", "summary", "skills"]
# The same for a need.
NEED_FIELDS = ("title", "description", "skills")


def has_content(item: Need | Profile) -> bool:
    """True when the engine can compare the item: a title, a text or a skill."""
    seen = view(item)
    return bool(seen.title or seen.body or seen.skills)


def missing_fields(profile: Profile) -> list[ProfileField]:
    """What an empty profile needs first; [] as soon as any of it is filled in."""
    if has_content(profile):
        return []
    return list(get_args(ProfileField))


class LeftOut(BaseModel):
    """Rows a run did not compare because they hold nothing to compare."""

    people: list[str] = Field(
        default_factory=list, description="profils vides ignorés / empty profiles left out"
    )
    needs: list[str] = Field(
        default_factory=list, description="besoins vides ignorés / empty needs left out"
    )

    @classmethod
    def of(cls, people: Iterable[str] = (), needs: Iterable[str] = ()) -> LeftOut:
        return cls(people=sorted(set(people)), needs=sorted(set(needs)))
