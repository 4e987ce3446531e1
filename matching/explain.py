"""Explanations of a match in French (and English): skills met and missing, evidence, constraints."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from matching.constraints import DATES, DISTANCE, KIND, LANGUAGES, LEVEL, pair_distance_km
from matching.features import MatchView
from matching.types import ComponentScore, Explanation, Need, Profile

MATCHED = 0.80  # cosine from which two skill labels are taken as the same skill
CLOSE = 0.60  # ...and from which they are related enough to say so

KIND_FR = {
    "internship": "stage",
    "apprenticeship": "alternance",
    "job": "emploi",
    "rd": "collaboration R&D",
    "hackathon": "défi hackathon",
}
COMPONENT_FR = {
    "semantic": "proximité du sens des textes",
    "lexical": "mots en commun",
    "skills": "compétences demandées couvertes",
    "reciprocal": "compétences du profil utilisées",
    "occupation": "même métier probable (référentiel ESCO)",
    "occupation_group": "famille de métiers proche (ISCO)",
}
COMPONENT_EN = {
    "semantic": "meaning of the texts",
    "lexical": "shared words",
    "skills": "required skills covered",
    "reciprocal": "profile's skills used",
    "occupation": "same likely occupation (ESCO)",
    "occupation_group": "related occupation group (ISCO)",
}


def _violations(code: int, need: Need, person: Profile) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if code & KIND:
        wanted = ", ".join(KIND_FR.get(k, k) for k in person.seeks)
        out.append(
            (
                f"type de contrat : {KIND_FR.get(need.kind, need.kind)} ; recherché : {wanted}",
                f"kind of contract: {need.kind}; looking for: {', '.join(person.seeks)}",
            )
        )
    if code & DATES:
        out.append(
            (
                f"dates : début le {need.start_date} hors disponibilité "
                f"({person.available_from} → {person.available_until})",
                f"dates: starts {need.start_date}, outside availability "
                f"({person.available_from} → {person.available_until})",
            )
        )
    if code & LEVEL:
        out.append(
            (
                f"niveau : {need.level_min} minimum demandé, profil {person.level}",
                f"level: {need.level_min} required, profile {person.level}",
            )
        )
    if code & LANGUAGES:
        missing = sorted(set(need.languages) - set(person.languages))
        out.append(
            (
                f"langues : {', '.join(missing)} demandé(es)",
                f"languages: {', '.join(missing)} required",
            )
        )
    if code & DISTANCE:
        distance = pair_distance_km(need, person)
        shown = f"{distance:.0f} km" if distance is not None else "?"
        out.append(
            (
                f"distance : {shown} pour une mobilité de {person.mobility_km:.0f} km",
                f"distance: {shown} for a mobility of {person.mobility_km:.0f} km",
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
    violated = _violations(code, need, person)

    fr: list[str] = []
    en: list[str] = []
    if need_view.skills:
        fr.append(f"Compétences demandées couvertes : {len(matched)}/{len(required)}")
        en.append(f"Required skills covered: {len(matched)}/{len(required)}")
        if matched:
            fr[-1] += f" ({', '.join(matched)})"
            en[-1] += f" ({', '.join(matched)})"
    if close:
        fr.append("Compétences proches : " + ", ".join(f"{w} ≈ {h}" for w, h in close))
        en.append("Related skills: " + ", ".join(f"{w} ≈ {h}" for w, h in close))
    if missing:
        fr.append("À acquérir : " + ", ".join(missing))
        en.append("Missing: " + ", ".join(missing))
    if nice_matched:
        fr.append("Atouts appréciés : " + ", ".join(nice_matched))
        en.append("Nice-to-have met: " + ", ".join(nice_matched))
    strongest = sorted(
        (c for c in components if c.weight > 0), key=lambda c: c.contribution, reverse=True
    )[:2]
    if strongest:
        fr.append(
            "Points forts : " + ", ".join(COMPONENT_FR.get(c.name, c.name) for c in strongest)
        )
        en.append(
            "Strongest evidence: " + ", ".join(COMPONENT_EN.get(c.name, c.name) for c in strongest)
        )
    if violated:
        fr.append("Écarté par : " + " ; ".join(f for f, _ in violated))
        en.append("Ruled out by: " + "; ".join(e for _, e in violated))
    notes: tuple[str, ...] = ()
    if need_view.extracted or person_view.extracted:
        notes = ("compétences déduites du texte / skills read from the text",)
    return Explanation(
        matched_skills=matched,
        missing_skills=missing,
        nice_matched=nice_matched,
        inferred_skills=tuple(w for w, _ in close),
        components=tuple(components),
        violations=tuple(f for f, _ in violated),
        notes=notes,
        text_fr=". ".join(fr) + ("." if fr else ""),
        text_en=". ".join(en) + ("." if en else ""),
    )
