"""More students for the demo region: a cohort of any size, each student drawn on its own.

Student `i` comes from a `random.Random` seeded with (seed, i) alone, so the first n students
are the same whatever the total asked for: a region grown from 14,000 to 100,000 students keeps
its first 14,000, and two runs with the same seed write the same rows. Texts are composed from
the demo's own pieces (programmes, skill domains, towns, projects, interests), so headlines and
skill labels (what the engine embeds) repeat across students while summaries stay varied.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator, Mapping
from itertools import accumulate
from typing import Any

from demo_gen import SEED
from demo_gen.build_profiles import (
    _FEMALE_SHARE,
    _MOBILITY,
    _MOBILITY_W,
    _headline,
    _languages,
    _seeks,
    _skills,
    _summary,
    _window,
    home_town,
)
from demo_gen.names import FEMALE, LAST, MALE
from demo_gen.organisations import SCHOOLS
from demo_gen.programmes import PROGRAMMES
from matching.geo import find_place, territory_of

EMAIL_DOMAIN = "cohorte.passerelle.fr"
REF_PREFIX = "S"
_WEIGHTS = tuple(accumulate(p.weight for p in PROGRAMMES))
_TOWNS = {inst.key: inst.town for inst in SCHOOLS}
SCHOOL_NAMES: dict[str, str] = {inst.key: inst.name for inst in SCHOOLS}


def ref_of(index: int) -> str:
    """The reference of the cohort's student number `index` (from 0): S000001, S000002..."""
    return f"{REF_PREFIX}{index + 1:06d}"


def _fold(text: str) -> str:
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in bare.lower()).strip("-")


def student(index: int, schools: Mapping[str, str], seed: int = SEED) -> dict[str, Any]:
    """The cohort's student number `index`; `schools` maps institution keys to organisation ids."""
    rng = random.Random(f"passerelle-cohort/{seed}/{index}")
    prog = rng.choices(PROGRAMMES, cum_weights=_WEIGHTS)[0]
    female = rng.random() < _FEMALE_SHARE.get(prog.field, 0.45)
    first = rng.choice(FEMALE if female else MALE)
    last = rng.choice(LAST)
    school = rng.choice(prog.schools)
    year = rng.randrange(len(prog.levels))
    level = prog.levels[year]
    town = home_town(rng, _TOWNS[school])
    place = find_place(town)
    assert place is not None
    seeks = _seeks(rng, prog, year, level)
    start, end, stage_end = _window(rng, seeks, level)
    langs = _languages(rng, territory_of(town))
    mobility = rng.choices(_MOBILITY, weights=_MOBILITY_W)[0]
    summary = _summary(
        rng, prog, year, female, _TOWNS[school], place.town, seeks, start, stage_end, mobility
    )
    return {
        "id": ref_of(index),
        "kind": "student",
        "first_name": first,
        "last_name": last,
        "email": f"{_fold(first)}.{_fold(last)}.{index + 1}@{EMAIL_DOMAIN}",
        "headline": _headline(rng, prog, year, female, seeks),
        "summary": summary,
        "skills": _skills(rng, prog, year, langs),
        "organisation_id": schools[school],
        "programme": prog.name,
        "level": level,
        "town": place.town,
        "territory": territory_of(town),
        "lat": place.lat,
        "lon": place.lon,
        "available_from": start.isoformat(),
        "available_until": end.isoformat(),
        "mobility_km": mobility,
        "languages": langs,
        "seeks": seeks,
        "consent_visible": rng.random() < 0.8,
    }


def cohort(
    start: int, stop: int, schools: Mapping[str, str], seed: int = SEED
) -> Iterator[dict[str, Any]]:
    """Students number `start` to `stop - 1` of the cohort, in order."""
    for index in range(start, stop):
        yield student(index, schools, seed)
