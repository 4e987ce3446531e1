"""Hard constraints between a need and a person, checked for many pairs at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from matching.geo import distance_matrix_km
from matching.types import Need, NeedKind, Profile, level_rank

KINDS: tuple[str, ...] = tuple(k.value for k in NeedKind)
GRACE_DAYS = 31  # a start a few weeks before someone is free is still worth a conversation

# Bit of each constraint in the violation code; messages live with the explanations.
KIND, DATES, LEVEL, LANGUAGES, DISTANCE = 1, 2, 4, 8, 16
CONSTRAINTS: dict[int, str] = {
    KIND: "kind",
    DATES: "dates",
    LEVEL: "level",
    LANGUAGES: "languages",
    DISTANCE: "distance",
}

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _day(value: date | None) -> float:
    return float(value.toordinal()) if value is not None else np.nan


class _Languages:
    """Language codes as bits, so "speaks every required language" is one AND per pair."""

    def __init__(self) -> None:
        self.bits: dict[str, int] = {}

    def mask(self, codes: Sequence[str]) -> int:
        out = 0
        for code in codes:
            key = code.strip().lower()[:2]
            if key not in self.bits:
                if len(self.bits) >= 62:
                    continue
                self.bits[key] = 1 << len(self.bits)
            out |= self.bits[key]
        return out


LANGUAGES_TABLE = _Languages()


@dataclass(frozen=True, slots=True)
class NeedArrays:
    kind: IntArray
    start: FloatArray
    level_min: IntArray  # -1 when any level will do
    languages: IntArray
    lat: FloatArray
    lon: FloatArray
    remote: IntArray  # 0 none, 1 partial, 2 full

    @classmethod
    def of(cls, needs: Sequence[Need]) -> NeedArrays:
        return cls(
            kind=np.array([KINDS.index(n.kind) if n.kind in KINDS else -1 for n in needs]),
            start=np.array([_day(n.start_date) for n in needs], dtype=np.float64),
            level_min=np.array(
                [r if (r := level_rank(n.level_min)) is not None else -1 for n in needs]
            ),
            languages=np.array([LANGUAGES_TABLE.mask(n.languages) for n in needs], dtype=np.int64),
            lat=np.array([n.place.lat if n.place else np.nan for n in needs], dtype=np.float64),
            lon=np.array([n.place.lon if n.place else np.nan for n in needs], dtype=np.float64),
            remote=np.array(
                [{"none": 0, "partial": 1, "full": 2}.get(str(n.remote), 0) for n in needs]
            ),
        )


@dataclass(frozen=True, slots=True)
class PersonArrays:
    seeks: IntArray  # bit per need kind; 0 = open to anything
    available_from: FloatArray
    available_until: FloatArray
    level: IntArray  # -1 unknown
    languages: IntArray  # 0 = not stated
    lat: FloatArray
    lon: FloatArray
    mobility_km: FloatArray

    @classmethod
    def of(cls, people: Sequence[Profile]) -> PersonArrays:
        def seeks(p: Profile) -> int:
            return sum(1 << KINDS.index(k) for k in set(p.seeks) if k in KINDS)

        return cls(
            seeks=np.array([seeks(p) for p in people], dtype=np.int64),
            available_from=np.array([_day(p.available_from) for p in people], dtype=np.float64),
            available_until=np.array([_day(p.available_until) for p in people], dtype=np.float64),
            level=np.array([r if (r := level_rank(p.level)) is not None else -1 for p in people]),
            languages=np.array([LANGUAGES_TABLE.mask(p.languages) for p in people], dtype=np.int64),
            lat=np.array([p.place.lat if p.place else np.nan for p in people], dtype=np.float64),
            lon=np.array([p.place.lon if p.place else np.nan for p in people], dtype=np.float64),
            mobility_km=np.array(
                [p.mobility_km if p.mobility_km is not None else np.nan for p in people],
                dtype=np.float64,
            ),
        )


def violations(needs: NeedArrays, people: PersonArrays) -> IntArray:
    """Violation codes (bits above) for every (need, person) pair: shape (needs, people).

    Unknown values never violate: a missing date or town is a question, not a refusal.
    """
    n = needs.kind[:, None]
    code = np.zeros((needs.kind.shape[0], people.seeks.shape[0]), dtype=np.int64)
    seeks = people.seeks[None, :]
    kind_bit = np.where(n >= 0, np.left_shift(1, np.maximum(n, 0)), 0)
    code |= np.where((seeks != 0) & (n >= 0) & ((seeks & kind_bit) == 0), KIND, 0)

    start = needs.start[:, None]
    too_late = start > people.available_until[None, :]
    too_early = start + GRACE_DAYS < people.available_from[None, :]
    code |= np.where(too_late | too_early, DATES, 0)  # comparisons with NaN are False

    level_min = needs.level_min[:, None]
    level = people.level[None, :]
    code |= np.where((level_min >= 0) & (level >= 0) & (level < level_min), LEVEL, 0)

    wanted = needs.languages[:, None]
    spoken = people.languages[None, :]
    code |= np.where((wanted != 0) & (spoken != 0) & ((wanted & ~spoken) != 0), LANGUAGES, 0)

    distance = distance_matrix_km(needs.lat, needs.lon, people.lat, people.lon)
    reach = people.mobility_km[None, :] * np.where(needs.remote[:, None] == 1, 1.5, 1.0)
    far = (needs.remote[:, None] != 2) & (distance > reach)
    code |= np.where(far, DISTANCE, 0)
    return code


def pair_distance_km(need: Need, person: Profile) -> float | None:
    if need.place is None or person.place is None:
        return None
    matrix = distance_matrix_km(
        np.array([need.place.lat]),
        np.array([need.place.lon]),
        np.array([person.place.lat]),
        np.array([person.place.lon]),
    )
    return float(matrix[0, 0])
