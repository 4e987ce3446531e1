"""Researcher profile records, attached to the real labs."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from demo_gen import research as R
from demo_gen.build_profiles import person_email
from demo_gen.grammar import a_article, bare, cap, gender, sentence
from demo_gen.names import FEMALE, LAST, MALE
from demo_gen.organisations import LABS
from demo_gen.skills import DOMAINS, SOFT
from matching.geo import find_place, territory_of, towns_in

# lab key -> number of researchers (45 in all)
PER_LAB: dict[str, int] = {
    "lisic": 7,
    "log": 6,
    "uceiv": 4,
    "lpca": 4,
    "bpa": 5,
    "lmpa": 4,
    "udsmm": 4,
    "tves": 4,
    "ifremer": 4,
    "anses": 3,
}
SHORT: dict[str, str] = {
    "lisic": "LISIC",
    "log": "LOG",
    "uceiv": "UCEIV",
    "lpca": "LPCA",
    "bpa": "BPA",
    "lmpa": "LMPA",
    "udsmm": "UDSMM",
    "tves": "TVES",
    "ifremer": "Ifremer Boulogne-sur-Mer",
    "anses": "Anses Boulogne-sur-Mer",
}


def _skills(rng: random.Random, domains: tuple[str, ...]) -> list[str]:
    skills: list[str] = []

    def add(pool: tuple[str, ...], k: int) -> None:
        fresh = [s for s in pool if s not in skills]
        skills.extend(rng.sample(fresh, min(k, len(fresh))))

    add(DOMAINS[domains[0]][0], rng.randint(3, 4))
    add(DOMAINS[domains[0]][1], rng.randint(1, 2))
    for other in domains[1:]:
        add(DOMAINS[other][0], rng.randint(1, 2))
    add(DOMAINS["recherche"][0], rng.randint(1, 2))
    add(DOMAINS["recherche"][1], rng.randint(0, 2))
    if rng.random() < 0.5:
        add(SOFT, 1)
    if rng.random() < 0.5:
        add(("anglais",), 1)
    return skills[:12]


def _summary(
    rng: random.Random, lab: str, position: str, doctoral: bool, female: bool, topics: list[str]
) -> str:
    at = R.LAB_AT[lab]
    fmt = {
        "position": position,
        "position_lower": position[:1].lower() + position[1:],
        "at": at,
        "At": cap(at),
        "topic1": topics[0],
        "topic2": topics[1],
        "a_topic1": a_article(topics[0]),
        "year": rng.choice(("première", "deuxième", "troisième")),
    }
    opener_pool = R.DOCTORAL if doctoral else R.OPENERS
    parts = [rng.choice(opener_pool).format(**fmt)]
    if doctoral:
        parts.append(f"Je prépare ma thèse {at}, en lien avec un partenaire industriel")
    parts += [p.format(**fmt) for p in rng.sample(R.PROJECTS, rng.randint(1, 2))]
    if not doctoral and rng.random() < 0.7:
        parts.append(rng.choice(R.TEACHING))
    parts.append(rng.choice(R.OPENNESS).format(**fmt))
    return " ".join(sentence(gender(p, female)) for p in parts[:6])


def build_researchers(
    rng: random.Random, labs: dict[str, str], used_emails: set[str]
) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = []
    seen: set[str] = set()
    towns = {inst.key: inst.town for inst in LABS}
    positions = [p for p, _, _ in R.POSITIONS]
    weights = [w for _, _, w in R.POSITIONS]
    for lab, count in PER_LAB.items():
        discipline, domains, topic_pool = R.LAB_PROFILES[lab]
        for _ in range(count):
            female = rng.random() < 0.45
            first = rng.choice(FEMALE if female else MALE)
            last = rng.choice(LAST)
            index = rng.choices(range(len(positions)), weights=weights)[0]
            position = gender(positions[index], female)
            level = R.POSITIONS[index][1]
            doctoral = position.startswith("Doctorant")
            topics = rng.sample(topic_pool, rng.randint(2, 4))
            summary = _summary(rng, lab, position, doctoral, female, topics)
            while summary in seen:
                topics = rng.sample(topic_pool, rng.randint(2, 4))
                summary = _summary(rng, lab, position, doctoral, female, topics)
            seen.add(summary)
            territory = territory_of(towns[lab])
            town = (
                towns[lab]
                if rng.random() < 0.6 or territory is None
                else rng.choice(towns_in(territory))
            )
            place = find_place(town)
            assert place is not None
            langs = ["fr", "en"] if rng.random() < 0.95 else ["fr"]
            if rng.random() < 0.15:
                langs.append(rng.choice(("nl", "de", "es", "it")))
            people.append(
                {
                    "id": "",
                    "kind": "researcher",
                    "first_name": first,
                    "last_name": last,
                    "email": person_email(first, last, used_emails),
                    "headline": f"{position} en {discipline} – {SHORT[lab]}",
                    "summary": summary,
                    "skills": _skills(rng, domains),
                    "organisation_id": labs[lab],
                    "programme": "doctorat",
                    "level": level,
                    "town": place.town,
                    "territory": territory_of(town),
                    "lat": place.lat,
                    "lon": place.lon,
                    "available_from": date(2027, rng.choice((1, 1, 2, 3, 9)), 1).isoformat(),
                    "available_until": date(2027, 12, rng.choice((15, 31))).isoformat(),
                    "mobility_km": rng.choice((30, 50, 80, 100, 150, 200)),
                    "languages": langs,
                    "seeks": ["rd"],
                    "consent_visible": rng.random() < 0.8,
                    "research_topics": [bare(t) for t in topics],
                }
            )
    return people
