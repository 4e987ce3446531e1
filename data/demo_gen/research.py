"""Researchers: topics per lab, positions, skill domains and summary fragments."""

from __future__ import annotations

# lab key -> (discipline in headlines, skill domains, research topics with their article)
LAB_PROFILES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "lisic": (
        "informatique",
        ("ia_vision", "data", "maths"),
        (
            "le traitement d'images",
            "l'apprentissage profond",
            "l'optimisation combinatoire",
            "les systèmes multi-agents",
            "la télédétection du littoral",
            "la fusion de données",
            "la vision par ordinateur embarquée",
            "le traitement du signal",
            "l'IA frugale",
        ),
    ),
    "log": (
        "océanologie",
        ("mer_environnement", "data"),
        (
            "l'écologie du phytoplancton",
            "la dynamique sédimentaire côtière",
            "la couleur de l'océan",
            "les réseaux trophiques marins",
            "la biogéochimie des eaux côtières",
            "l'érosion du trait de côte",
            "l'observation satellitaire de la Manche",
            "les efflorescences algales",
        ),
    ),
    "uceiv": (
        "chimie environnementale",
        ("chimie_atmo", "sante"),
        (
            "la toxicologie des particules fines",
            "les composés organiques volatils",
            "la pollution atmosphérique industrielle",
            "les effets sanitaires des polluants",
            "les biomarqueurs d'exposition",
            "la métrologie des polluants",
        ),
    ),
    "lpca": (
        "physico-chimie de l'atmosphère",
        ("chimie_atmo", "materiaux"),
        (
            "la spectroscopie moléculaire",
            "les aérosols atmosphériques",
            "les gaz à effet de serre",
            "la chimie de l'atmosphère littorale",
            "la télédétection laser (lidar)",
            "la mesure des émissions industrielles",
        ),
    ),
    "bpa": (
        "biochimie des produits aquatiques",
        ("biotech_agro", "qualite_agro"),
        (
            "la valorisation des coproduits marins",
            "les peptides bioactifs",
            "la qualité des produits de la mer",
            "l'hydrolyse enzymatique",
            "les lipides marins et oméga-3",
            "la fraîcheur du poisson",
            "les protéines d'algues",
        ),
    ),
    "lmpa": (
        "mathématiques",
        ("maths", "data"),
        (
            "les équations aux dérivées partielles",
            "les probabilités et statistiques",
            "le calcul scientifique",
            "l'optimisation",
            "l'analyse numérique",
            "la modélisation des écoulements",
            "la géométrie",
        ),
    ),
    "udsmm": (
        "physique des matériaux",
        ("materiaux", "energie_transition"),
        (
            "les matériaux diélectriques",
            "les cristaux liquides",
            "les composites fonctionnels",
            "la récupération d'énergie",
            "la spectroscopie diélectrique",
            "les matériaux pour capteurs",
        ),
    ),
    "tves": (
        "géographie et aménagement",
        ("territoires", "hse_env"),
        (
            "les risques côtiers",
            "la transition des territoires industriels",
            "les mobilités",
            "le tourisme littoral",
            "la gouvernance des ports",
            "les friches industrielles",
            "l'adaptation au changement climatique",
        ),
    ),
    "ifremer": (
        "halieutique",
        ("mer_environnement", "data"),
        (
            "l'évaluation des stocks halieutiques",
            "l'écologie des poissons de Manche",
            "la sélectivité des engins de pêche",
            "les campagnes scientifiques en mer",
            "la surveillance des contaminants marins",
            "l'impact des parcs éoliens sur la pêche",
        ),
    ),
    "anses": (
        "sécurité sanitaire des aliments",
        ("qualite_agro", "biotech_agro"),
        (
            "les parasites des produits de la pêche",
            "la microbiologie des produits de la mer",
            "l'histamine et biotoxines",
            "les méthodes d'analyse officielles",
            "l'authentification des espèces",
            "l'évaluation des risques alimentaires",
        ),
    ),
}

# lab key -> "at the lab"
LAB_AT: dict[str, str] = {
    "lisic": "au LISIC",
    "log": "au LOG",
    "uceiv": "à l'UCEIV",
    "lpca": "au LPCA",
    "bpa": "dans l'équipe BPA",
    "lmpa": "au LMPA",
    "udsmm": "à l'UDSMM",
    "tves": "au laboratoire TVES",
    "ifremer": "à l'Ifremer",
    "anses": "à l'Anses",
}

# (position [masculine|feminine], level, weight); doctoral students hold a bac+5 degree
POSITIONS: tuple[tuple[str, str, int], ...] = (
    ("[Maître|Maîtresse] de conférences", "doctorat", 5),
    ("[Professeur|Professeure] des universités", "doctorat", 2),
    ("[Doctorant|Doctorante]", "bac+5", 4),
    ("[Post-doctorant|Post-doctorante]", "doctorat", 2),
    ("[Ingénieur|Ingénieure] de recherche", "doctorat", 2),
    ("[Chercheur|Chercheuse]", "doctorat", 2),
)

# Opening sentences ({position} already gendered, {at} "au LISIC", {topic1}, {topic2})
OPENERS: tuple[str, ...] = (
    "{position} {at}, je travaille sur {topic1} et {topic2}",
    "Mes recherches {at} portent sur {topic1}, avec un intérêt croissant pour {topic2}",
    "{At}, j'étudie {topic1}",
    "Je suis {position_lower} {at}, où je m'intéresse {a_topic1}",
    "Depuis mon arrivée {at}, je consacre l'essentiel de mes recherches {a_topic1}",
)

PROJECTS: tuple[str, ...] = (
    "Je coordonne un projet régional associant deux entreprises du littoral",
    "Je participe à un projet européen Interreg avec des partenaires belges et britanniques",
    "J'ai co-encadré plusieurs thèses CIFRE avec des industriels du littoral",
    "Nos travaux s'appuient sur des campagnes de mesure menées sur le terrain",
    "Je développe des outils logiciels libres utilisés par d'autres équipes",
    "J'ai récemment publié sur {topic2} dans une revue internationale",
    "Je mène des campagnes d'échantillonnage le long de la Côte d'Opale",
    "Mon travail associe expérimentation, modélisation et analyse de données",
)

TEACHING: tuple[str, ...] = (
    "J'enseigne en licence et en master à l'ULCO",
    "J'interviens en école d'ingénieurs et je suis régulièrement des stagiaires",
    "J'encadre chaque année des stagiaires de master",
    "J'assure des enseignements de travaux pratiques",
    "Je participe à la diffusion de la culture scientifique auprès des lycées",
)

OPENNESS: tuple[str, ...] = (
    "Je suis ouvert[|e] à des collaborations avec des entreprises sur {topic1}",
    "Je cherche des partenaires industriels pour une thèse CIFRE",
    "Les questions concrètes posées par les entreprises du territoire m'intéressent beaucoup",
    "Je serais [ravi|ravie] d'échanger avec des PME confrontées à ces sujets",
    "Les prestations de recherche et les projets collaboratifs font partie de mon activité",
    "Je suis [disponible|disponible] pour expertiser des projets d'innovation",
)

DOCTORAL: tuple[str, ...] = (
    "Ma thèse porte sur {topic1}, sous la direction de deux enseignants-chercheurs du laboratoire",
    "Je suis en {year} année de thèse sur {topic1}",
    "Après un master à l'ULCO, j'ai commencé une thèse sur {topic1}",
)
