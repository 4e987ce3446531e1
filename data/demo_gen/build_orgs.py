"""Organisation records: fictional companies, real schools and labs."""

from __future__ import annotations

import random
from typing import Any

from demo_gen.companies import COMPANIES, SIZES
from demo_gen.grammar import a_town, cap, de_article, sentence
from demo_gen.organisations import LAB_SECTOR, LABS, SCHOOL_SECTOR, SCHOOLS
from matching.geo import find_place, territory_of

# sector -> sentences about clients, markets or know-how ({name} may appear)
SECTOR_LINES: dict[str, tuple[str, ...]] = {
    "logistique portuaire": (
        "Ses clients sont des chargeurs industriels, des armateurs et des commissionnaires de transport",
        "L'entreprise traite chaque année plusieurs dizaines de milliers de conteneurs et de remorques",
        "Elle travaille au quotidien avec les services des douanes et les autorités portuaires",
        "Ses équipes opèrent en horaires décalés pour suivre le rythme des escales",
        "Elle a investi dans un nouveau système de gestion d'entrepôt et dans l'échange de données informatisé",
        "Le Brexit a profondément transformé son activité, désormais tournée vers les formalités douanières",
        "Elle mise sur le report modal vers le rail et le fleuve",
    ),
    "énergie": (
        "Elle intervient sur les grands sites industriels et énergétiques du Dunkerquois",
        "Ses équipes sont habilitées pour intervenir en zone ATEX et en environnement nucléaire",
        "L'entreprise accompagne la décarbonation de l'industrie lourde du littoral",
        "Elle participe à plusieurs projets liés à l'hydrogène et à l'éolien en mer",
        "La sécurité des intervenants est au cœur de sa culture d'entreprise",
        "Elle recrute régulièrement des techniciens et des ingénieurs formés sur la Côte d'Opale",
    ),
    "agroalimentaire et pêche": (
        "Elle s'approvisionne chaque matin auprès de la criée et des mareyeurs de Capécure",
        "Ses produits sont vendus en grande distribution, en restauration et à l'export",
        "L'entreprise est certifiée IFS Food et travaille en flux tendu",
        "Elle valorise des espèces locales pêchées en Manche et en mer du Nord",
        "La traçabilité de chaque lot, du bateau au client, est une priorité",
        "Elle développe une gamme de produits élaborés pour les rayons traiteur",
        "Son savoir-faire artisanal se transmet depuis plusieurs générations",
    ),
    "tourisme": (
        "Sa clientèle est pour moitié britannique, belge et néerlandaise",
        "L'établissement reste ouvert toute l'année et accueille aussi des séminaires",
        "Elle s'est engagée dans une démarche de tourisme durable",
        "L'équipe double de taille pendant la saison estivale",
        "Elle collabore avec les offices de tourisme et les hébergeurs du territoire",
        "La qualité de l'accueil lui vaut d'excellents avis en ligne",
    ),
    "industrie": (
        "Elle fournit des industriels de la sidérurgie, de la chimie et de l'agroalimentaire",
        "Son atelier fonctionne en deux-huit et dispose d'un parc machines récent",
        "L'entreprise est certifiée ISO 9001 et engagée dans une démarche de lean manufacturing",
        "Elle exporte une part importante de sa production vers le Benelux et le Royaume-Uni",
        "Elle modernise ses lignes avec des capteurs connectés et de la maintenance prédictive",
        "La sécurité et la formation des salariés sont au cœur de son projet",
    ),
    "numérique": (
        "Ses clients sont des PME, des collectivités et des associations de la région",
        "L'équipe travaille en méthode agile et privilégie les logiciels libres",
        "Elle pratique le télétravail partiel et organise des journées d'équipe chaque mois",
        "L'agence accorde une grande importance à l'accessibilité et à l'écoconception",
        "Elle accueille régulièrement des stagiaires et des alternants de l'IUT et de l'EILCO",
        "Elle participe activement aux événements numériques de la Côte d'Opale",
    ),
    "santé": (
        "Elle travaille avec les établissements de soins de Berck et de la côte",
        "Ses produits sont conçus avec des soignants et des patients",
        "L'entreprise prépare le marquage CE de sa nouvelle gamme",
        "Elle collabore avec des laboratoires de recherche de la région",
    ),
    "BTP": (
        "Elle intervient sur des chantiers publics et privés de la Côte d'Opale",
        "L'entreprise a intégré le BIM à ses méthodes de travail",
        "Elle est reconnue pour ses travaux en milieu littoral et portuaire",
        "La prévention des risques sur chantier fait partie de son identité",
    ),
    "environnement": (
        "Elle travaille pour des industriels, des ports et des collectivités",
        "Ses équipes alternent travail de terrain et rédaction d'études",
        "L'entreprise accompagne la transition écologique du littoral",
        "Elle dispose d'un laboratoire d'analyses interne",
    ),
}

GENERIC_LINES: tuple[str, ...] = (
    "Elle accueille chaque année des stagiaires et des alternants du territoire",
    "L'entreprise s'est engagée dans une démarche RSE structurée",
    "Elle cultive un esprit d'équipe et une forte proximité entre les services",
    "La transmission des savoir-faire entre générations y tient une grande place",
    "Elle investit dans la formation de ses salariés",
    "Son ancrage local est revendiqué et elle soutient plusieurs associations",
    "Elle prévoit de renforcer ses équipes dans les prochains mois",
)

_SIZE_WORDS: dict[str, tuple[str, ...]] = {
    "TPE": (
        "une TPE de {n} personnes",
        "une petite équipe de {n} salariés",
        "une très petite entreprise",
    ),
    "PME": ("une PME de {n} salariés", "une entreprise de {n} collaborateurs", "une PME familiale"),
    "ETI": ("une entreprise de taille intermédiaire", "une ETI de {n} salariés"),
    "grand groupe": ("le site local d'un groupe international", "une filiale d'un grand groupe"),
}
_HEADCOUNT: dict[str, tuple[int, int]] = {
    "TPE": (3, 9),
    "PME": (20, 240),
    "ETI": (280, 1500),
    "grand groupe": (300, 3000),
}


def size_words(rng: random.Random, size: str) -> str:
    low, high = _HEADCOUNT[size]
    n = rng.randint(low, high)
    if n >= 50:
        n = n // 10 * 10
    return rng.choice(_SIZE_WORDS[size]).format(n=n)


def company_description(
    rng: random.Random, name: str, town: str, size: str, sector: str, spec: str
) -> str:
    year = rng.randint(1950, 2022)
    who = size_words(rng, size)

    def agree(word: str) -> str:
        return word if who.startswith("le ") else f"{word}e"

    first = rng.choice(
        (
            f"{name} est {who} {agree('installé')} {a_town(town)}, {agree('spécialisé')} dans {spec}",
            f"Implantée {a_town(town)} depuis {year}, {name} est spécialisée dans {spec}",
            f"Fondée en {year}, {name} est {who} qui intervient dans {spec}",
            f"Basée {a_town(town)}, {name} ({who}) a fait {de_article(spec)} son cœur de métier",
        )
    )
    lines = [sentence(first)]
    pool = list(SECTOR_LINES[sector])
    rng.shuffle(pool)
    lines.extend(sentence(line) for line in pool[: rng.randint(1, 2)])
    if rng.random() < 0.5:
        lines.append(sentence(rng.choice(GENERIC_LINES)))
    return " ".join(lines)


def _geo(town: str) -> dict[str, Any]:
    place = find_place(town)
    if place is None:
        raise ValueError(f"unknown town: {town}")
    return {"town": place.town, "territory": territory_of(town), "lat": place.lat, "lon": place.lon}


def build_organisations(rng: random.Random) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Organisation records (companies first, then schools and labs) and institution key -> id."""
    records: list[dict[str, Any]] = []
    keys: dict[str, str] = {}
    seen: set[str] = set()
    for sector, rows in COMPANIES.items():
        for name, town, code, spec in rows:
            size = SIZES[code]
            description = company_description(rng, name, town, size, sector, spec)
            while description in seen:
                description = company_description(rng, name, town, size, sector, spec)
            seen.add(description)
            record = {
                "id": f"O{len(records) + 1:04d}",
                "kind": "company",
                "name": name,
                "sector": sector,
            }
            record |= _geo(town)
            record |= {"description": description, "size": size, "_speciality": spec}
            records.append(record)
    for inst in SCHOOLS + LABS:
        record = {
            "id": f"O{len(records) + 1:04d}",
            "kind": inst.kind,
            "name": inst.name,
            "sector": SCHOOL_SECTOR if inst.kind == "school" else LAB_SECTOR,
        }
        record |= _geo(inst.town)
        record["description"] = cap(inst.description)
        records.append(record)
        keys[inst.key] = record["id"]
    return records, keys
