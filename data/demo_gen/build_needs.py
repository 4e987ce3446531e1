"""Need records posted by the fictional companies."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from typing import Any

from demo_gen import texts_offers as T
from demo_gen.build_orgs import size_words
from demo_gen.challenges import HACKATHONS, RD_TOPICS, Topic
from demo_gen.grammar import (
    a_article,
    a_town,
    cap,
    de,
    de_article,
    de_town,
    duration_words,
    join,
    long_date,
    sentence,
)
from demo_gen.roles2 import ROLES
from demo_gen.skills import DOMAINS, LANGUAGE_SKILL, SOFT
from matching.geo import find_place, territory_of, towns_in

LAB_NAMES: dict[str, str] = {
    "lisic": "le LISIC",
    "log": "le LOG",
    "uceiv": "l'UCEIV",
    "lpca": "le LPCA",
    "bpa": "l'équipe BPA",
    "lmpa": "le LMPA",
    "udsmm": "l'UDSMM",
    "tves": "le laboratoire TVES",
    "ifremer": "l'Ifremer",
    "anses": "l'Anses",
}

# words that tie a phrase to seafood; other agri-food companies do not get such roles
SEAFOOD = re.compile(
    r"\b(poisson\w*|mer|harengs?|crustacés|moules|(?:macro)?algues|surimi|pêche|criée)\b"
)
SEAFOOD_TASKS = re.compile(r"\b(filetage|débarquement|apports|marins?|marines?|espèces)\b")
NON_SEAFOOD = {"produits_mer": "production"}


def _mentions_seafood(text: str) -> bool:
    return bool(SEAFOOD.search(text) or SEAFOOD_TASKS.search(text))


_NEEDS_PER_SIZE = {"TPE": (1, 2), "PME": (2, 3), "ETI": (2, 4), "grand groupe": (3, 4)}
_EN_SHARE = {
    "logistique portuaire": 0.7,
    "tourisme": 0.8,
    "numérique": 0.5,
    "énergie": 0.45,
    "industrie": 0.35,
    "agroalimentaire et pêche": 0.35,
}


def _kind(rng: random.Random, sector: str, size: str) -> str:
    weights = {"internship": 40, "apprenticeship": 22, "job": 22, "rd": 0, "hackathon": 0}
    if RD_TOPICS.get(sector) and size != "TPE":
        weights["rd"] = 16
    elif RD_TOPICS.get(sector):
        weights["rd"] = 4
    if HACKATHONS.get(sector):
        weights["hackathon"] = 12 if sector == "numérique" else 7
    kinds = list(weights)
    return rng.choices(kinds, weights=[weights[k] for k in kinds])[0]


def _pick(
    rng: random.Random, pool: tuple[str, ...] | list[str], k: int, taken: list[str]
) -> list[str]:
    fresh = [x for x in pool if x not in taken]
    return rng.sample(fresh, min(k, len(fresh)))


def _skills(
    rng: random.Random, domains: tuple[str, ...], kind: str, seafood: bool = True
) -> tuple[list[str], list[str]]:
    def keep(pool: tuple[str, ...]) -> tuple[str, ...]:
        return pool if seafood else tuple(s for s in pool if not _mentions_seafood(s))

    main_core, main_extra = (keep(pool) for pool in DOMAINS[domains[0]])
    required = _pick(rng, main_core, rng.randint(2, 4), [])
    for other in domains[1:]:
        core, extra = DOMAINS[other]
        required += _pick(rng, keep(core + extra[:3]), rng.randint(0, 2), required)
    if kind == "rd":
        required += _pick(rng, DOMAINS["recherche"][0], 1, required)
    if len(required) < 3:
        required += _pick(rng, main_extra, 3 - len(required), required)
    required = required[:6]
    nice = _pick(rng, main_extra, rng.randint(0, 2), required)
    if rng.random() < 0.5:
        nice += _pick(rng, SOFT, 1, required + nice)
    return required, nice[:4]


def _named_first(
    title: str, domains: tuple[str, ...], required: list[str], nice: list[str]
) -> tuple[list[str], list[str]]:
    """The skills a title names ("développeur PHP Symfony", "chef de projet hydrogène",
    "Maintenance prédictive des câbles…") lead the required ones: an employer never leaves
    out of its list what its title asks."""
    # the need's own domains first, then every other domain's skills
    own = [s for d in domains for part in DOMAINS[d] for s in part]
    pool = dict.fromkeys([*own, *(s for pools in DOMAINS.values() for part in pools for s in part)])
    found = [s for s in pool if re.search(rf"(?<!\w){re.escape(s.lower())}(?!\w)", title.lower())]
    # the longest names only: "économie circulaire", not "économie" as well
    named = [s for s in found if not any(s != t and s.lower() in t.lower() for t in found)]
    if not named:
        return required, nice
    ordered = named + [s for s in required if s not in named]
    kept = ordered[: max(len(required), len(named))]
    dropped = ordered[len(kept) :]  # never a named skill, even when more are named than asked
    # a named skill that was only nice to have swaps places with the required one it displaces
    swapped = [s if s not in named else (dropped.pop(0) if dropped else "") for s in nice]
    return kept, [s for s in swapped if s]


def _languages(rng: random.Random, sector: str, kind: str, territory: str | None) -> list[str]:
    langs = ["fr"]
    share = 0.9 if kind == "rd" else _EN_SHARE.get(sector, 0.3)
    if rng.random() < share:
        langs.append("en")
    if (
        territory == "Dunkerque"
        and sector in ("logistique portuaire", "tourisme")
        and rng.random() < 0.3
    ):
        langs.append("nl")
    if sector == "tourisme" and rng.random() < 0.2:
        langs.append("de")
    if sector == "agroalimentaire et pêche" and rng.random() < 0.12:
        langs.append("es")
    return langs


def _remote(rng: random.Random, sector: str, kind: str) -> str:
    if sector == "numérique" or kind == "hackathon":
        return rng.choices(("none", "partial", "full"), weights=(3, 5, 2))[0]
    if kind == "rd":
        return rng.choices(("none", "partial"), weights=(6, 4))[0]
    return rng.choices(("none", "partial"), weights=(88, 12))[0]


def _start(rng: random.Random, kind: str) -> date:
    if kind == "internship":
        day = date(2027, 1, 4) + timedelta(days=rng.randint(0, 150))
    elif kind == "apprenticeship":
        day = date(2027, rng.choice((7, 8, 9, 9, 9, 10)), rng.choice((1, 1, 15)))
    elif kind == "job":
        day = date(2027, 1, 4) + timedelta(days=rng.randint(0, 300))
    elif kind == "rd":
        day = date(2027, rng.choice((1, 3, 9, 10, 10, 11)), 1)
    else:
        day = date(2027, 3, 1) + timedelta(days=rng.randint(0, 240))
    return day - timedelta(days=day.weekday()) if kind in ("internship", "job") else day


def _duration(rng: random.Random, kind: str, level: str | None) -> int | None:
    if kind == "internship":
        return rng.choice((2, 3) if level in (None, "bac", "bac+1", "bac+2") else (3, 4, 5, 6))
    if kind == "apprenticeship":
        return rng.choice((12, 24, 24, 36))
    if kind == "rd":
        return rng.choice((6, 12, 18, 24))
    if kind == "hackathon":
        return 1
    return None


def _town(rng: random.Random, company: dict[str, Any]) -> str:
    if rng.random() < 0.9 or company["territory"] is None:
        return str(company["town"])
    return rng.choice(towns_in(company["territory"]))


def _mission_sentence(rng: random.Random, missions: list[str], team: str, kind: str) -> str:
    intros = [t for t in T.MISSION_INTROS if kind != "job" or "tuteur" not in t]
    template = rng.choice(intros)
    return template.format(
        team=team,
        list_semicolon=" ; ".join(missions),
        list_comma=join(missions),
        de_list=join([de(m) for m in missions]),
        a_list=join([a_article(m) for m in missions], "et"),
    )


def _description(
    rng: random.Random, company: dict[str, Any], need: dict[str, Any], extra: dict[str, Any]
) -> str:
    sector, kind, town = company["sector"], need["kind"], need["town"]
    spec = company["_speciality"]
    team = rng.choice(T.TEAMS.get(extra["domain"], ("R&D", "innovation")))
    fmt = {
        "name": company["name"],
        "who": size_words(rng, company["size"]),
        "spec": spec,
        "de_spec": de_article(spec),
        "a_town": a_town(town),
        "de_town": de_town(company["town"]),
        "town": town,
        "years": rng.choice((10, 15, 20, 25, 30, 40)),
        "team": team,
        "date": long_date(date.fromisoformat(need["start_date"])),
        "duration": duration_words(need["duration_months"] or 0),
        "labs": extra.get("labs", ""),
        "low": extra.get("low", 28),
        "high": extra.get("high", 34),
    }
    parts: list[str] = [rng.choice(T.INTROS).format(**fmt)]
    optional: list[str] = []
    if kind in ("rd", "hackathon"):
        topic: Topic = extra["topic"]
        parts.append(topic.context)
        pool = {
            "rd": T.CIFRE_LINES if need["level_min"] == "bac+5" else T.COLLAB_LINES,
            "hackathon": T.HACKATHON_LINES,
        }[kind]
        parts.append(rng.choice(pool).format(**fmt))
        if kind == "rd":
            parts.append(rng.choice(T.RD_GOALS))
        else:
            parts.append(rng.choice(T.HACKATHON_FORMAT).format(**fmt))
            optional.append(rng.choice(T.HACKATHON_REWARDS))
    else:
        context = [
            c for c in T.SECTOR_CONTEXT[sector] if extra["seafood"] or not _mentions_seafood(c)
        ]
        if rng.random() < 0.6:
            parts.append(rng.choice(context))
        lines = {
            "internship": T.INTERNSHIP_LINES,
            "apprenticeship": T.APPRENTICESHIP_LINES,
            "job": T.JOB_LINES,
        }[kind]
        parts.append(rng.choice(lines).format(**fmt))
        missions = rng.sample(extra["missions"], min(len(extra["missions"]), rng.randint(2, 4)))
        parts.append(_mission_sentence(rng, missions, team, kind))
    level, level_short = T.LEVEL_PHRASES[need["level_min"]]
    shown = join(need["skills"][: rng.randint(2, 3)])
    profile_pool = T.PROFILE_LINES
    if kind == "hackathon":
        profile_pool = T.HACKATHON_PROFILE
    elif kind == "rd":
        profile_pool = T.CIFRE_PROFILE if need["level_min"] == "bac+5" else T.COLLAB_PROFILE
    parts.append(
        rng.choice(profile_pool).format(
            level=level,
            level_short=level_short,
            skills=shown,
            de_skills=de(shown),
            soft=join(rng.sample(T.SOFT_WORDS, 2)),
        )
    )
    if need["nice_to_have"] and rng.random() < 0.6:
        nice = join(need["nice_to_have"][:2])
        optional.append(rng.choice(T.NICE_LINES).format(nice=nice, de_nice=de(nice)))
    for lang in need["languages"][1:]:
        optional.append(rng.choice(T.LANGUAGE_LINES[lang]))
    optional.append(rng.choice(T.CONDITIONS[kind]).format(**fmt))
    places = T.HACKATHON_PLACE if kind == "hackathon" else T.REMOTE_LINES
    optional.append(rng.choice(places[need["remote"]]).format(**fmt))
    if rng.random() < 0.6:
        optional.append(rng.choice(T.HACKATHON_CLOSINGS if kind == "hackathon" else T.CLOSINGS))
    order = list(range(len(optional)))
    rng.shuffle(order)
    chosen: set[int] = set()
    for i in order:  # at most 8 sentences in all (a question counts as one more)
        if _count(parts) + _count([optional[j] for j in chosen | {i}]) <= 8:
            chosen.add(i)
    parts.extend(optional[i] for i in sorted(chosen))
    return " ".join(sentence(p) for p in parts)


def _count(parts: list[str]) -> int:
    return sum(1 + p.count(" ? ") for p in parts)


def _title(
    rng: random.Random, kind: str, stem: str | None, topic: Topic | None, cifre: bool
) -> str:
    if topic is not None:
        if kind == "hackathon":
            return (
                rng.choice(("Hackathon : ", "Défi étudiant – ", "Challenge innovation : "))
                + topic.title
            )
        return (
            "Thèse CIFRE – "
            if cifre
            else rng.choice(("Collaboration R&D – ", "Projet de recherche : "))
        ) + topic.title
    assert stem is not None
    if kind == "internship":
        return rng.choice(
            (f"Stage – {cap(stem)} (H/F)", f"Stagiaire {stem} (H/F)", f"Stage {stem}")
        )
    if kind == "apprenticeship":
        return rng.choice(
            (
                f"Alternance – {cap(stem)} (H/F)",
                f"{cap(stem)} en alternance (H/F)",
                f"Apprenti {stem} (H/F)",
            )
        )
    return rng.choice((f"{cap(stem)} (H/F) – CDI", f"{cap(stem)} (H/F)", f"{cap(stem)} – CDI"))


def build_needs(rng: random.Random, organisations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    needs: list[dict[str, Any]] = []
    seen: set[str] = set()
    topic_turn: dict[tuple[str, str], int] = {}
    for company in (o for o in organisations if o["kind"] == "company"):
        sector, size = company["sector"], company["size"]
        low, high = _NEEDS_PER_SIZE[size]
        seafood = sector != "agroalimentaire et pêche" or bool(
            SEAFOOD.search(company["_speciality"])
        )
        for _ in range(rng.randint(low, high)):
            kind = _kind(rng, sector, size)
            if kind in ("rd", "hackathon") and not seafood:
                kind = "internship"
            extra: dict[str, Any] = {"seafood": seafood}
            topic: Topic | None = None
            stem: str | None = None
            if kind in ("rd", "hackathon"):
                table = RD_TOPICS if kind == "rd" else HACKATHONS
                turn = topic_turn.get((kind, sector), rng.randrange(len(table[sector])))
                topic = table[sector][turn % len(table[sector])]
                topic_turn[(kind, sector)] = turn + 1
                domains = topic.domains
                level = ("bac+5" if rng.random() < 0.6 else "doctorat") if kind == "rd" else None
                labs = [LAB_NAMES[k] for k in topic.labs] or ["un laboratoire de l'ULCO"]
                extra |= {"topic": topic, "labs": join(labs, "ou")}
            else:
                roles = [r for r in ROLES[sector] if kind in r.kinds]
                role = rng.choice(roles)
                stems = [t for t in role.titles if seafood or not _mentions_seafood(t)]
                stem = rng.choice(stems or ["technicien"])
                domains = role.domains
                if sector == "agroalimentaire et pêche" and not seafood:
                    domains = tuple(NON_SEAFOOD.get(d, d) for d in domains)
                level = role.levels.get(kind)
                missions = [m for m in role.missions if seafood or not _mentions_seafood(m)]
                extra["missions"] = missions
            extra["domain"] = domains[0]
            town = _town(rng, company)
            place = find_place(town)
            assert place is not None
            required, nice = _skills(rng, domains, kind, seafood)
            named_by = topic.title if topic is not None else stem
            if named_by is not None:
                required, nice = _named_first(named_by, domains, required, nice)
            languages = _languages(rng, sector, kind, territory_of(town))
            if "en" in languages and rng.random() < 0.3 and "anglais" not in required + nice:
                nice.append(LANGUAGE_SKILL["en"])
            start = _start(rng, kind)
            duration = 36 if kind == "rd" and level == "bac+5" else _duration(rng, kind, level)
            need: dict[str, Any] = {
                "id": "",
                "kind": kind,
                "organisation_id": company["id"],
                "title": _title(rng, kind, stem, topic, level == "bac+5"),
                "description": "",
                "skills": required,
                "nice_to_have": nice[:4],
                "level_min": level,
                "languages": languages,
                "town": place.town,
                "territory": territory_of(town),
                "lat": place.lat,
                "lon": place.lon,
                "remote": _remote(rng, sector, kind),
                "start_date": start.isoformat(),
                "duration_months": duration,
                "places": 1 if kind == "rd" else rng.choice((1, 1, 1, 2, 2, 3, 4)),
            }
            base = rng.choice((26, 28, 30, 32, 35, 38, 42))
            extra |= {"low": base, "high": base + rng.choice((4, 6, 8))}
            description = _description(rng, company, need, extra)
            while description in seen:
                description = _description(rng, company, need, extra)
            seen.add(description)
            need["description"] = description
            need["id"] = f"N{len(needs) + 1:04d}"
            needs.append(need)
    return needs
