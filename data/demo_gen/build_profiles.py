"""Student profile records (researchers are in build_researchers.py)."""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta
from typing import Any

from demo_gen import texts_profiles as P
from demo_gen.grammar import (
    a_article,
    a_town,
    de,
    de_month,
    de_town,
    gender,
    join,
    long_date,
    month_year,
    sentence,
)
from demo_gen.names import FEMALE, LAST, MALE
from demo_gen.organisations import SCHOOLS
from demo_gen.programmes import PROGRAMMES, Programme
from demo_gen.skills import DOMAINS, LANGUAGE_SKILL, SOFT, TOOLS
from matching.geo import TERRITORIES, find_place, territory_of, towns_in

STUDENTS = 520
EMAIL_DOMAIN = "demo.passerelle.fr"
_FEMALE_SHARE = {
    "agro": 0.65,
    "tourisme": 0.65,
    "gestion": 0.6,
    "commerce": 0.55,
    "mer": 0.55,
    "industrie": 0.2,
    "energie": 0.2,
    "info": 0.25,
    "data": 0.35,
}
_MOBILITY = (10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200)
_MOBILITY_W = (4, 5, 8, 9, 10, 10, 9, 7, 5, 4, 2, 2)


def person_email(first: str, last: str, used: set[str]) -> str:
    """Unique fictional address: "prenom.nom@demo.passerelle.fr" (ASCII, numbered if taken)."""

    def fold(text: str) -> str:
        bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return "".join(c if c.isalnum() else "-" for c in bare.lower()).strip("-")

    local = f"{fold(first)}.{fold(last)}"
    candidate, n = local, 1
    while candidate in used:
        n += 1
        candidate = f"{local}{n}"
    used.add(candidate)
    return f"{candidate}@{EMAIL_DOMAIN}"


def home_town(rng: random.Random, school_town: str) -> str:
    """Where a student lives: often the school's town, else nearby or elsewhere on the coast."""
    territory = territory_of(school_town)
    roll = rng.random()
    if roll < 0.4:
        return school_town
    if roll < 0.8:
        local = towns_in(territory) if territory else ("Saint-Omer", "Longuenesse", "Ardres")
        return rng.choice(local)
    if roll < 0.95:
        return rng.choice(towns_in(rng.choice(TERRITORIES)))
    return rng.choice(("Saint-Omer", "Longuenesse", "Lille", "Arras", "Amiens"))


def counts_per_programme(total: int) -> list[int]:
    weights = [p.weight for p in PROGRAMMES]
    raw = [total * w / sum(weights) for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _seeks(rng: random.Random, prog: Programme, year: int, level: str) -> list[str]:
    last_year = year == len(prog.levels) - 1
    seeks: list[str] = []
    if not (last_year and rng.random() < 0.35):
        seeks.append("internship")
    if rng.random() < (0.15 if last_year else 0.35):
        seeks.append("apprenticeship")
    final_degree = prog.name.startswith(("BTS", "Licence pro")) or level in ("bac+3", "bac+5")
    if last_year and final_degree and (rng.random() < 0.7 or not seeks):
        seeks.append("job")
    research_fields = ("data", "mer", "energie", "hse", "industrie", "info", "physique")
    if level == "bac+5" and prog.field in research_fields and rng.random() < 0.35:
        seeks.append("rd")
    if rng.random() < (0.5 if prog.field in ("info", "data") else 0.12):
        seeks.append("hackathon")
    return seeks or ["internship"]


def _window(rng: random.Random, seeks: list[str], level: str) -> tuple[date, date, date]:
    """Availability (from, until) and the end of the wished internship, if any."""
    main = seeks[0]
    if main == "internship":
        start = {
            "bac+1": date(2027, 5, 3),
            "bac+2": date(2027, 4, 5),
            "bac+3": date(2027, 3, 1),
            "bac+4": date(2027, 4, 12),
            "bac+5": date(2027, 2, 1),
        }[level]
        start += timedelta(days=7 * rng.randint(-2, 3))
        weeks = {
            "bac+1": (5, 8),
            "bac+2": (8, 12),
            "bac+3": (12, 18),
            "bac+4": (10, 20),
            "bac+5": (20, 26),
        }
        end = start + timedelta(weeks=rng.randint(*weeks[level]))
    elif main == "apprenticeship":
        start = date(2027, rng.choice((6, 7, 8, 9)), rng.choice((1, 15)))
        end = date(2027, 12, 31)
    else:
        start = date(2027, rng.choice((6, 7, 8, 9, 10)), rng.choice((1, 15)))
        end = date(2027, 12, 31)
    stage_end = min(end, date(2027, 12, 31))
    if "apprenticeship" in seeks or "job" in seeks or "rd" in seeks:
        end = date(2027, 12, 31)
    return start, min(end, date(2027, 12, 31)), stage_end


def _languages(rng: random.Random, territory: str | None) -> list[str]:
    langs = ["fr"]
    if rng.random() < 0.78:
        langs.append("en")
    if rng.random() < (0.15 if territory == "Dunkerque" else 0.05):
        langs.append("nl")
    if rng.random() < 0.08:
        langs.append("de")
    if rng.random() < 0.12:
        langs.append("es")
    if rng.random() < 0.03:
        langs.append(rng.choice(("it", "pl")))
    return langs


def _skills(rng: random.Random, prog: Programme, year: int, langs: list[str]) -> list[str]:
    skills: list[str] = []

    def add(pool: tuple[str, ...], k: int) -> None:
        fresh = [s for s in pool if s not in skills]
        skills.extend(rng.sample(fresh, min(k, len(fresh))))

    for i, domain in enumerate(prog.main):
        core, extra = DOMAINS[domain]
        add(core, rng.randint(2, 4) if i == 0 else rng.randint(1, 3))
        add(extra, rng.randint(0, 1 + year // 2))
    for domain in prog.side:
        if rng.random() < 0.45:
            add(DOMAINS[domain][0], 1)
    if rng.random() < 0.3:  # noise: a skill from an unrelated domain
        add(DOMAINS[rng.choice(sorted(DOMAINS))][0], 1)
    add(SOFT, rng.randint(1, 2))
    if rng.random() < 0.4:
        add(TOOLS, 1)
    for lang in langs[1:]:
        if rng.random() < 0.4:
            add((LANGUAGE_SKILL[lang],), 1)
    while len(skills) < 5:
        add(SOFT, 1)
    return skills[:12]


def _headline(
    rng: random.Random, prog: Programme, year: int, female: bool, seeks: list[str]
) -> str:
    student = gender("Étudiant[|e]", female)
    interest = rng.choice(P.INTERESTS[prog.field])
    looking = {
        "internship": "stage",
        "apprenticeship": "alternance",
        "job": "premier emploi",
        "rd": "thèse CIFRE",
        "hackathon": "hackathon",
    }[seeks[0]]
    nth = P.YEAR_WORDS[year] if len(prog.levels) > 1 else "dernière"
    return gender(
        rng.choice(
            (
                f"{student} en {nth} année {de(prog.short)}",
                f"{prog.short[:1].upper()}{prog.short[1:]} – passionné[|e] par {interest}",
                f"{student} en {prog.short}, à la recherche d'un {looking}",
                f"Futur[|e] diplômé[|e] – {prog.short}"
                if nth == "dernière" or year == len(prog.levels) - 1
                else f"{student} – {prog.short}",
                f"{prog.name} · {interest}",
            )
        ),
        female,
    )


def _summary(
    rng: random.Random,
    prog: Programme,
    year: int,
    female: bool,
    school_town: str,
    home: str,
    seeks: list[str],
    start: date,
    end: date,
    mobility: int,
) -> str:
    field = prog.field
    nth = P.YEAR_WORDS[year] if len(prog.levels) > 1 else "dernière"
    likes = rng.sample(P.INTERESTS[field], 3)
    openers = (
        f"[Étudiant|Étudiante] en {nth} année {de(prog.short)} {a_town(school_town)}",
        f"Après un bac {rng.choice(P.BAC_TYPES)}, j'ai rejoint le cursus {prog.name}",
        f"Je suis en {nth} année {de(prog.short)}",
        f"[Passionné|Passionnée] par {likes[2]}, je poursuis mes études en {prog.short}",
        f"Actuellement en {prog.short}, je découvre chaque jour un peu plus {likes[2]}",
        (
            f"Je vis et j'étudie {a_town(home)}, en {prog.short}"
            if home == school_town
            else f"Je vis {a_town(home)} et j'étudie {a_town(school_town)}, en {prog.short}"
        ),
        f"Depuis septembre {2026 - year}, je suis [inscrit|inscrite] en {prog.short}",
        f"Mon parcours : un bac {rng.choice(P.BAC_TYPES)}, puis des études en {prog.short}"
        f" {a_town(school_town)}",
        f"J'ai {17 + int(prog.levels[year][-1]) + rng.randint(0, 2)} ans"
        f" et je suis en {nth} année {de(prog.short)}",
        f"[Curieux|Curieuse] et [motivé|motivée], je suis en {prog.short} {a_town(school_town)}",
        (
            f"Originaire {de_town(home)}, j'ai choisi de rester sur la Côte d'Opale"
            f" pour mes études en {prog.short}"
            if territory_of(home) or home in ("Saint-Omer", "Longuenesse")
            else f"Originaire {de_town(home)}, j'ai choisi la Côte d'Opale pour mes études en {prog.short}"
        ),
    )
    project = rng.choice(P.PROJECTS[field])
    projects = (
        f"J'ai réalisé en projet tutoré {project}",
        f"Mon dernier projet portait sur {project}",
        f"Avec trois camarades, nous avons travaillé sur {project}",
        f"Le projet dont je suis le plus [fier|fière] : {project}",
        f"En projet de groupe, j'ai contribué {a_article(project)}",
    )
    host, did = rng.choice(P.INTERNSHIPS[field])
    past = (
        f"Lors d'un stage chez {host}, j'ai {did}",
        f"J'ai effectué un stage de {rng.randint(4, 10)} semaines chez {host}, où j'ai {did}",
        f"Mon expérience chez {host} m'a permis de progresser : j'y ai {did}",
        f"L'été dernier, j'ai travaillé chez {host} et j'ai {did}",
    )
    interests = (
        f"Je m'intéresse particulièrement {join([a_article(x) for x in likes[:2]])}",
        f"Ce qui me motive : {likes[0]} et le travail en équipe",
        f"En dehors des cours, je pratique {rng.choice(P.HOBBIES)}",
        f"Je suis [engagé|engagée] dans {rng.choice(P.ASSOCIATIONS)}",
        f"J'aime {rng.choice(P.HOBBIES)} et je m'investis dans {rng.choice(P.ASSOCIATIONS)}",
    )
    goal = {
        "internship": (
            f"Je cherche un stage à partir {de_month(start)}, idéalement jusqu'au {long_date(end)}",
            f"Je suis [disponible|disponible] pour un stage du {long_date(start)} au {long_date(end)}",
        ),
        "apprenticeship": (
            f"Je souhaite poursuivre mes études en alternance dès {month_year(start)}",
            "Je recherche une entreprise d'accueil pour une alternance à la rentrée 2027",
        ),
        "job": (
            f"Je serai [disponible|disponible] pour un premier emploi à partir {de_month(start)}",
            "Je recherche un premier poste où apprendre au contact d'une équipe expérimentée",
        ),
        "rd": ("Une thèse CIFRE me permettrait d'allier recherche et entreprise",),
        "hackathon": (
            "Les hackathons sont pour moi une belle occasion de rencontrer des entreprises",
        ),
    }[seeks[0]]
    mobility_lines = (
        f"Je peux me déplacer dans un rayon de {mobility} km",
        "Titulaire du permis B, je suis [mobile|mobile] sur toute la Côte d'Opale",
        "Je me déplace en train et à vélo",
    )
    first = rng.choice(openers)
    middle = [rng.choice(projects), rng.choice(past), rng.choice(interests)]
    rng.shuffle(middle)
    middle = middle[: rng.randint(1, 3)]
    if year == 0 and rng.random() < 0.6:
        middle = [m for m in middle if "stage" not in m] or middle
    tail = [rng.choice(goal)]
    also = {
        "apprenticeship": "Je suis aussi [ouvert|ouverte] à une alternance à la rentrée",
        "job": "Un premier emploi à l'issue de mon diplôme m'intéresse également",
        "rd": "Une thèse CIFRE me tenterait aussi",
        "hackathon": "J'aime aussi relever des défis en équipe lors de hackathons",
    }
    if len(seeks) > 1 and rng.random() < 0.7:
        tail.append(also[rng.choice(seeks[1:])])
    if rng.random() < 0.35:
        tail.append(rng.choice(mobility_lines))
    parts = [first, *middle, *tail]
    if len(parts) < 3:
        parts.insert(1, rng.choice(interests))
    return " ".join(sentence(gender(p, female)) for p in parts[:6])


def build_students(
    rng: random.Random, schools: dict[str, str], used_emails: set[str]
) -> list[dict[str, Any]]:
    """Student records; `schools` maps institution keys to organisation ids."""
    people: list[dict[str, Any]] = []
    seen: set[str] = set()
    towns = {inst.key: inst.town for inst in SCHOOLS}
    for prog, count in zip(PROGRAMMES, counts_per_programme(STUDENTS), strict=True):
        for _ in range(count):
            female = rng.random() < _FEMALE_SHARE.get(prog.field, 0.45)
            first = rng.choice(FEMALE if female else MALE)
            last = rng.choice(LAST)
            school = rng.choice(prog.schools)
            year = rng.randrange(len(prog.levels))
            level = prog.levels[year]
            town = home_town(rng, towns[school])
            place = find_place(town)
            assert place is not None
            seeks = _seeks(rng, prog, year, level)
            start, end, stage_end = _window(rng, seeks, level)
            langs = _languages(rng, territory_of(town))
            mobility = rng.choices(_MOBILITY, weights=_MOBILITY_W)[0]
            summary = _summary(
                rng,
                prog,
                year,
                female,
                towns[school],
                place.town,
                seeks,
                start,
                stage_end,
                mobility,
            )
            while summary in seen:
                summary = _summary(
                    rng,
                    prog,
                    year,
                    female,
                    towns[school],
                    place.town,
                    seeks,
                    start,
                    stage_end,
                    mobility,
                )
            seen.add(summary)
            people.append(
                {
                    "id": "",
                    "kind": "student",
                    "first_name": first,
                    "last_name": last,
                    "email": person_email(first, last, used_emails),
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
            )
    return people
