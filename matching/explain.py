"""Explanations of a match as catalogue messages: skills met and missing, evidence, constraints.

The engine names each sentence by a message id with its values (`matching.messages`); the
service writes them out in French or English from its catalogues (`explain.*` keys).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from matching.constraints import DATES, DISTANCE, KIND, LANGUAGES, LEVEL, pair_distance_km
from matching.features import MatchView
from matching.messages import Listing, Phrase, Term, phrase
from matching.types import ComponentScore, Explanation, Need, PersonKind, Profile

# For a researcher, a need's skills are expertise the partnership calls for, not skills to
# learn: their explanations name these messages instead of "covered" and "missing".
EXPERTISE_MISSING = "explain.missing.expertise"
EXPERTISE: frozenset[str] = frozenset(
    {"explain.covered.expertise", "explain.covered_list.expertise", EXPERTISE_MISSING}
)

MATCHED = 0.80  # cosine from which two skill labels are taken as the same skill
CLOSE = 0.60  # ...and from which they are related enough to say so


def _violations(code: int, need: Need, person: Profile) -> list[Phrase]:
    out: list[Phrase] = []
    if code & KIND:
        out.append(
            phrase(
                "explain.violation.kind",
                kind=Term("kind", need.kind),
                wanted=Listing(tuple(Term("kind", k) for k in person.seeks)),
            )
        )
    if code & DATES:
        out.append(
            phrase(
                "explain.violation.dates",
                start=need.start_date,
                available_from=person.available_from,
                available_until=person.available_until,
            )
        )
    if code & LEVEL:
        out.append(phrase("explain.violation.level", required=need.level_min, level=person.level))
    if code & LANGUAGES:
        missing = sorted(set(need.languages) - set(person.languages))
        out.append(phrase("explain.violation.languages", languages=Listing(tuple(missing))))
    if code & DISTANCE:
        distance = pair_distance_km(need, person)
        if distance is None:
            out.append(phrase("explain.violation.distance_unknown", mobility=person.mobility_km))
        else:
            out.append(
                phrase(
                    "explain.violation.distance",
                    distance=float(distance),
                    mobility=person.mobility_km,
                )
            )
    return out


def _pairs(
    wanted: Sequence[str],
    held: Sequence[str],
    similarity: Callable[[Sequence[str], Sequence[str]], NDArray[np.float32]],
) -> list[tuple[str, str | None, float]]:
    """For each wanted skill, the closest held skill and their similarity."""
    if not wanted:
        return []
    if not held:
        return [(w, None, 0.0) for w in wanted]
    sims = similarity(wanted, held)
    best = sims.argmax(axis=1)
    return [
        (w, held[int(b)], float(sims[i, b]))
        for i, (w, b) in enumerate(zip(wanted, best, strict=True))
    ]


def explain_pair(
    need: Need,
    person: Profile,
    *,
    need_view: MatchView,
    person_view: MatchView,
    similarity: Callable[[Sequence[str], Sequence[str]], NDArray[np.float32]],
    components: Sequence[ComponentScore],
    code: int,
) -> Explanation:
    required = _pairs(need_view.skills, person_view.skills, similarity)
    nice = _pairs(need_view.nice, person_view.skills, similarity)
    matched = tuple(w for w, _, s in required if s >= MATCHED)
    close = [(w, h) for w, h, s in required if CLOSE <= s < MATCHED and h is not None]
    missing = tuple(w for w, _, s in required if s < CLOSE)
    nice_matched = tuple(w for w, _, s in nice if s >= MATCHED)
    violated = tuple(_violations(code, need, person))
    expertise = person.kind == PersonKind.RESEARCHER

    reasons: list[Phrase] = []
    if need_view.skills:
        counts = {"matched": len(matched), "required": len(required)}
        if matched and expertise:
            reasons.append(
                phrase("explain.covered_list.expertise", **counts, skills=Listing(matched))
            )
        elif matched:
            reasons.append(phrase("explain.covered_list", **counts, skills=Listing(matched)))
        elif expertise:
            reasons.append(phrase("explain.covered.expertise", **counts))
        else:
            reasons.append(phrase("explain.covered", **counts))
    if close:
        pairs = tuple(phrase("explain.related_pair", wanted=w, held=h) for w, h in close)
        reasons.append(phrase("explain.related", pairs=Listing(pairs)))
    if missing and expertise:
        reasons.append(phrase("explain.missing.expertise", skills=Listing(missing)))
    elif missing:
        reasons.append(phrase("explain.missing", skills=Listing(missing)))
    if nice_matched:
        reasons.append(phrase("explain.nice", skills=Listing(nice_matched)))
    strongest = sorted(
        (c for c in components if c.weight > 0), key=lambda c: c.contribution, reverse=True
    )[:2]
    if strongest:
        names = Listing(tuple(Term("component", c.name) for c in strongest))
        reasons.append(phrase("explain.strongest", components=names))
    if violated:
        listed = Listing(violated, separator="explain.separator.reasons")
        reasons.append(phrase("explain.ruled_out", reasons=listed))
    notes: tuple[Phrase, ...] = ()
    if need_view.extracted or person_view.extracted:
        notes = (phrase("explain.note.extracted"),)
    return Explanation(
        matched_skills=matched,
        missing_skills=missing,
        nice_matched=nice_matched,
        inferred_skills=tuple(w for w, _ in close),
        components=tuple(components),
        reasons=tuple(reasons),
        ruled_out=violated,
        notes=notes,
    )
