"""Real public institutions of the Côte d'Opale: schools (with their sites) and labs.

Names and towns are real; descriptions are short, general and written for the demo. The
programmes attached to each school (see programmes.py) are indicative.
"""

from __future__ import annotations

from typing import NamedTuple


class Institution(NamedTuple):
    key: str
    kind: str  # "school" | "lab"
    name: str
    town: str
    description: str


_ULCO = "Université du Littoral Côte d'Opale (ULCO)"
_IUT = "IUT du Littoral Côte d'Opale"
_EILCO = "EILCO – École d'ingénieurs du Littoral Côte d'Opale"

SCHOOLS: tuple[Institution, ...] = (
    Institution(
        "ulco-boulogne",
        "school",
        f"{_ULCO} – site de Boulogne-sur-Mer",
        "Boulogne-sur-Mer",
        "Site boulonnais de l'université pluridisciplinaire du littoral, tourné vers les sciences "
        "de la mer, l'alimentation et le tourisme. Il accueille licences et masters au plus près "
        "du premier port de pêche français.",
    ),
    Institution(
        "ulco-calais",
        "school",
        f"{_ULCO} – site de Calais",
        "Calais",
        "Site calaisien de l'ULCO, où sont notamment enseignés l'informatique, les mathématiques et "
        "les sciences physiques. Les formations s'y appuient sur les laboratoires de la Maison de "
        "la recherche Blaise-Pascal.",
    ),
    Institution(
        "ulco-dunkerque",
        "school",
        f"{_ULCO} – site de Dunkerque",
        "Dunkerque",
        "Site dunkerquois de l'ULCO, siège de l'université, ouvert sur l'industrie, l'énergie, "
        "l'environnement et la gestion. Les étudiants y côtoient l'un des premiers complexes "
        "industrialo-portuaires d'Europe.",
    ),
    Institution(
        "ulco-saint-omer",
        "school",
        f"{_ULCO} – site de Saint-Omer",
        "Saint-Omer",
        "Site audomarois de l'ULCO, à taille humaine, qui accueille notamment des formations "
        "en gestion et en économie.",
    ),
    Institution(
        "iut-boulogne",
        "school",
        f"{_IUT} – Boulogne-sur-Mer",
        "Boulogne-sur-Mer",
        "Département boulonnais de l'IUT, qui prépare aux BUT en trois ans avec de nombreux "
        "stages et l'alternance. Les projets tutorés y sont menés avec les entreprises de la "
        "filière halieutique et du commerce.",
    ),
    Institution(
        "iut-calais",
        "school",
        f"{_IUT} – Calais",
        "Calais",
        "Département calaisien de l'IUT, connu pour ses formations en informatique et en génie "
        "électrique. Les étudiants y alternent enseignements, projets et périodes en entreprise.",
    ),
    Institution(
        "iut-dunkerque",
        "school",
        f"{_IUT} – Dunkerque",
        "Dunkerque",
        "Département dunkerquois de l'IUT, au contact des industriels de la zone portuaire, "
        "avec des BUT en maintenance, sécurité-environnement et gestion.",
    ),
    Institution(
        "iut-saint-omer",
        "school",
        f"{_IUT} – Saint-Omer",
        "Saint-Omer",
        "Département audomarois de l'IUT, qui forme en gestion et en techniques de "
        "commercialisation, souvent en alternance.",
    ),
    Institution(
        "eilco-calais",
        "school",
        f"{_EILCO} – Calais",
        "Calais",
        "École publique d'ingénieurs interne à l'ULCO, dont le campus calaisien forme des "
        "ingénieurs en informatique, sous statut étudiant ou apprenti.",
    ),
    Institution(
        "eilco-longuenesse",
        "school",
        f"{_EILCO} – Longuenesse",
        "Longuenesse",
        "Campus audomarois de l'EILCO, consacré au génie industriel : production, qualité, "
        "logistique et amélioration continue.",
    ),
    Institution(
        "eilco-dunkerque",
        "school",
        f"{_EILCO} – Dunkerque",
        "Dunkerque",
        "Campus dunkerquois de l'EILCO, orienté vers l'énergie et l'environnement, en lien avec "
        "les grands sites industriels et énergétiques du littoral.",
    ),
    Institution(
        "iscid-co",
        "school",
        "ISCID-CO – école de management de l'ULCO",
        "Dunkerque",
        "École de commerce et de management de l'ULCO, ouverte à l'international, qui forme aux "
        "métiers du commerce, de la logistique, des achats et du marketing.",
    ),
    Institution(
        "lycee-branly",
        "school",
        "Lycée Édouard Branly (Boulogne-sur-Mer)",
        "Boulogne-sur-Mer",
        "Lycée polyvalent boulonnais dont les sections de techniciens supérieurs préparent aux "
        "métiers de l'industrie et de la maintenance.",
    ),
    Institution(
        "lycee-maritime",
        "school",
        "Lycée professionnel maritime de Boulogne-sur-Mer – Le Portel",
        "Le Portel",
        "Lycée maritime qui forme aux métiers de la pêche, de la navigation, de la mécanique "
        "navale et de l'environnement marin.",
    ),
    Institution(
        "lycee-europe",
        "school",
        "Lycée de l'Europe (Dunkerque)",
        "Dunkerque",
        "Lycée dunkerquois dont les sections de techniciens supérieurs préparent aux métiers du "
        "transport, de la logistique et du commerce international.",
    ),
    Institution(
        "lycee-hotelier",
        "school",
        "Lycée hôtelier du Touquet-Paris-Plage",
        "Le Touquet-Paris-Plage",
        "Lycée des métiers de l'hôtellerie et de la restauration, avec restaurant et hôtel "
        "d'application, qui prépare aux BTS du secteur.",
    ),
)

LABS: tuple[Institution, ...] = (
    Institution(
        "lisic",
        "lab",
        "LISIC – Laboratoire d'informatique, signal et image de la Côte d'Opale",
        "Calais",
        "Laboratoire d'informatique de l'ULCO. Ses équipes travaillent sur le traitement du "
        "signal et des images, l'optimisation et l'intelligence artificielle, avec de nombreuses "
        "applications à l'environnement et à l'industrie.",
    ),
    Institution(
        "log",
        "lab",
        "LOG – Laboratoire d'océanologie et de géosciences",
        "Wimereux",
        "Unité mixte de recherche installée à la station marine de Wimereux. Elle étudie le "
        "fonctionnement des écosystèmes côtiers, le phytoplancton, la dynamique sédimentaire et "
        "l'observation de la mer depuis l'espace.",
    ),
    Institution(
        "uceiv",
        "lab",
        "UCEIV – Unité de chimie environnementale et interactions sur le vivant",
        "Dunkerque",
        "Laboratoire de l'ULCO qui étudie les polluants atmosphériques, en particulier les "
        "particules fines, et leurs effets sur la santé humaine.",
    ),
    Institution(
        "lpca",
        "lab",
        "LPCA – Laboratoire de physico-chimie de l'atmosphère",
        "Dunkerque",
        "Laboratoire de l'ULCO spécialisé dans la spectroscopie, la mesure des gaz et des "
        "aérosols et la chimie de l'atmosphère en zone littorale et industrielle.",
    ),
    Institution(
        "bpa",
        "lab",
        "BPA – Biochimie des produits aquatiques",
        "Boulogne-sur-Mer",
        "Équipe de recherche boulonnaise de l'ULCO consacrée à la biochimie des produits de la "
        "mer : qualité, valorisation des coproduits et molécules d'intérêt nutritionnel.",
    ),
    Institution(
        "lmpa",
        "lab",
        "LMPA – Laboratoire de mathématiques pures et appliquées Joseph Liouville",
        "Calais",
        "Laboratoire de mathématiques de l'ULCO, de l'analyse et de la géométrie aux "
        "probabilités, aux statistiques et au calcul scientifique.",
    ),
    Institution(
        "udsmm",
        "lab",
        "UDSMM – Unité de dynamique et structure des matériaux moléculaires",
        "Calais",
        "Laboratoire de physique de l'ULCO qui étudie les matériaux moléculaires, diélectriques "
        "et composites, leurs propriétés et leurs applications en électronique et en énergie.",
    ),
    Institution(
        "tves",
        "lab",
        "TVES – Territoires, villes, environnement et société",
        "Dunkerque",
        "Laboratoire de géographie et d'aménagement, commun à l'ULCO et à l'Université de Lille, "
        "qui travaille sur les territoires littoraux, les risques et la transition.",
    ),
    Institution(
        "ifremer",
        "lab",
        "Ifremer – centre Manche-mer du Nord (Boulogne-sur-Mer)",
        "Boulogne-sur-Mer",
        "Implantation boulonnaise de l'Institut français de recherche pour l'exploitation de la "
        "mer, centrée sur les ressources halieutiques, la surveillance du milieu marin et "
        "l'appui à une pêche durable.",
    ),
    Institution(
        "anses",
        "lab",
        "ANSES – Laboratoire de sécurité des aliments, site de Boulogne-sur-Mer",
        "Boulogne-sur-Mer",
        "Site boulonnais de l'Agence nationale de sécurité sanitaire, spécialisé dans la sécurité "
        "sanitaire des produits de la pêche et de l'aquaculture.",
    ),
)

SCHOOL_SECTOR = "enseignement supérieur"
LAB_SECTOR = "recherche"
