"""Roles companies recruit for, per sector (part 1: port logistics, energy, agri-food, tourism).

A role gives title stems per need kind, the skill domains it draws from (first = main) and
mission phrases (infinitive, no final full stop). `levels` is the minimum level per kind.
"""

from __future__ import annotations

from typing import NamedTuple


class Role(NamedTuple):
    key: str
    titles: tuple[str, ...]  # e.g. "technicien qualité", completed by the kind (stage, CDI...)
    domains: tuple[str, ...]
    missions: tuple[str, ...]
    kinds: tuple[str, ...]  # among internship, apprenticeship, job
    levels: dict[str, str | None]


_ALL = ("internship", "apprenticeship", "job")

ROLES_PART1: dict[str, tuple[Role, ...]] = {
    "logistique portuaire": (
        Role(
            "exploitation_portuaire",
            (
                "agent d'exploitation portuaire",
                "coordinateur des opérations de quai",
                "assistant d'exploitation terminal",
            ),
            ("portuaire", "logistique"),
            (
                "planifier les escales et l'affectation des équipes de manutention",
                "suivre en temps réel le chargement et le déchargement des navires",
                "mettre à jour le système de gestion du terminal et contrôler les inventaires de conteneurs",
                "assurer le lien entre les consignataires, les transitaires et les équipes de quai",
                "analyser les temps d'immobilisation des camions et proposer des améliorations",
                "participer aux audits de sûreté portuaire (code ISPS)",
                "rédiger les rapports d'escale et les tableaux de bord hebdomadaires",
            ),
            _ALL,
            {"internship": "bac+2", "apprenticeship": None, "job": "bac+2"},
        ),
        Role(
            "douane",
            (
                "déclarant en douane",
                "assistant transit et douane",
                "chargé de conformité douanière",
            ),
            ("portuaire", "commerce"),
            (
                "établir les déclarations d'import et d'export dans les logiciels douaniers",
                "vérifier le classement tarifaire et l'origine des marchandises",
                "conseiller les clients sur les formalités post-Brexit et les Incoterms",
                "suivre les contrôles documentaires et physiques avec les services des douanes",
                "tenir à jour la veille réglementaire et les procédures internes",
                "gérer les litiges et les demandes de remboursement de droits",
            ),
            _ALL,
            {"internship": "bac+2", "apprenticeship": "bac", "job": "bac+2"},
        ),
        Role(
            "supply_chain",
            (
                "chargé de supply chain",
                "analyste flux logistiques",
                "responsable d'entrepôt adjoint",
                "gestionnaire des approvisionnements",
            ),
            ("logistique", "data"),
            (
                "piloter les flux entrants et sortants de l'entrepôt",
                "paramétrer et fiabiliser le WMS et les emplacements de stockage",
                "suivre les indicateurs de performance (taux de service, délais, coûts)",
                "optimiser les plans de transport et le remplissage des camions",
                "animer les points quotidiens avec les chefs d'équipe",
                "conduire un projet d'amélioration continue sur la préparation de commandes",
                "réaliser des analyses de données pour anticiper les pics d'activité",
            ),
            _ALL,
            {"internship": "bac+2", "apprenticeship": "bac", "job": "bac+3"},
        ),
        Role(
            "transport",
            ("affréteur", "exploitant transport", "assistant commissionnaire de transport"),
            ("logistique", "portuaire"),
            (
                "organiser les transports routiers, ferroviaires et maritimes de nos clients",
                "négocier les tarifs avec les transporteurs partenaires",
                "suivre les expéditions et informer les clients en cas d'aléa",
                "préparer les documents de transport et vérifier la facturation",
                "développer un portefeuille de transporteurs fiables sur l'axe transmanche",
            ),
            _ALL,
            {"internship": "bac+1", "apprenticeship": "bac", "job": "bac+2"},
        ),
    ),
    "énergie": (
        Role(
            "electrotechnique",
            (
                "technicien électrotechnique",
                "chargé d'affaires électricité industrielle",
                "ingénieur électricité",
            ),
            ("energie_elec", "maintenance"),
            (
                "réaliser les schémas électriques et les dossiers de modification d'installations",
                "participer à la mise en service de postes haute tension",
                "programmer et tester des automates industriels",
                "préparer les consignations et veiller au respect des habilitations électriques",
                "diagnostiquer les pannes sur les moteurs et les variateurs",
                "rédiger les procédures de maintenance et les gammes d'essais",
                "suivre les sous-traitants lors des arrêts de tranche ou de ligne",
            ),
            _ALL,
            {"internship": "bac+2", "apprenticeship": "bac", "job": "bac+2"},
        ),
        Role(
            "transition",
            (
                "chargé d'études transition énergétique",
                "ingénieur efficacité énergétique",
                "chef de projet hydrogène",
            ),
            ("energie_transition", "data"),
            (
                "réaliser des bilans énergétiques et identifier les gisements d'économies",
                "modéliser la récupération de chaleur fatale vers les réseaux de chaleur",
                "comparer des scénarios de production d'hydrogène bas carbone",
                "établir des bilans carbone et suivre les plans de décarbonation",
                "préparer les dossiers de financement et les réponses aux appels à projets",
                "construire des tableaux de bord de consommation à partir des données de comptage",
            ),
            _ALL,
            {"internship": "bac+3", "apprenticeship": "bac+2", "job": "bac+5"},
        ),
        Role(
            "surete_procedes",
            (
                "ingénieur sécurité des procédés",
                "technicien HSE",
                "chargé de prévention des risques",
            ),
            ("procedes_surete", "hse_env"),
            (
                "mettre à jour les études de dangers et les analyses HAZOP",
                "animer les visites de sécurité et les causeries avec les équipes",
                "suivre les plans d'actions issus des inspections de la DREAL",
                "analyser les incidents et les presque-accidents",
                "vérifier la conformité des zones ATEX et des permis de travail",
                "former les intervenants extérieurs aux règles du site",
            ),
            _ALL,
            {"internship": "bac+2", "apprenticeship": "bac+2", "job": "bac+3"},
        ),
    ),
    "agroalimentaire et pêche": (
        Role(
            "qualite",
            (
                "technicien qualité",
                "assistant qualité produits de la mer",
                "responsable qualité adjoint",
                "animateur hygiène et sécurité des aliments",
            ),
            ("qualite_agro", "produits_mer"),
            (
                "mettre à jour le plan HACCP et le plan de maîtrise sanitaire",
                "réaliser les contrôles à réception des matières premières",
                "suivre la traçabilité des lots, du débarquement à l'expédition",
                "préparer les audits IFS Food et BRCGS",
                "organiser les prélèvements et suivre les analyses microbiologiques",
                "traiter les réclamations clients et mettre en place les actions correctives",
                "former les opérateurs aux bonnes pratiques d'hygiène",
                "vérifier l'étiquetage et les mentions réglementaires des produits",
            ),
            _ALL,
            {"internship": "bac+2", "apprenticeship": "bac", "job": "bac+2"},
        ),
        Role(
            "froid_production",
            (
                "responsable de la chaîne du froid",
                "chef d'équipe production",
                "technicien de production",
                "pilote de ligne de conditionnement",
            ),
            ("produits_mer", "logistique"),
            (
                "surveiller les températures des chambres froides et des tunnels de surgélation",
                "organiser la production selon les arrivages de la criée",
                "optimiser les rendements de filetage et réduire les pertes matière",
                "coordonner les expéditions en température dirigée",
                "participer à la maintenance de premier niveau des équipements",
                "suivre les stocks de produits finis et d'emballages",
            ),
            _ALL,
            {"internship": "bac+1", "apprenticeship": None, "job": "bac+2"},
        ),
        Role(
            "rd_produit",
            (
                "chargé de R&D produits",
                "assistant développement produits",
                "technologue alimentaire",
            ),
            ("biotech_agro", "qualite_agro"),
            (
                "formuler de nouvelles recettes à base de produits de la mer",
                "conduire des essais pilotes et des tests de vieillissement",
                "organiser des analyses sensorielles avec un panel interne",
                "rédiger les fiches techniques et les cahiers des charges",
                "étudier la valorisation des coproduits de filetage",
                "réaliser une veille sur les attentes des consommateurs et la réglementation",
            ),
            ("internship", "apprenticeship", "job"),
            {"internship": "bac+3", "apprenticeship": "bac+2", "job": "bac+5"},
        ),
        Role(
            "commerce_agro",
            ("commercial produits de la mer", "assistant export", "chargé de clientèle"),
            ("commerce", "produits_mer"),
            (
                "développer les ventes auprès des poissonniers, restaurateurs et grossistes",
                "préparer les cotations quotidiennes en fonction des apports",
                "suivre les commandes export vers la Belgique, l'Espagne et l'Italie",
                "participer aux salons professionnels des produits de la mer",
                "mettre à jour le fichier clients et analyser les ventes",
            ),
            _ALL,
            {"internship": "bac+1", "apprenticeship": "bac", "job": "bac+2"},
        ),
    ),
    "tourisme": (
        Role(
            "hotellerie",
            (
                "réceptionniste",
                "assistant de direction hôtelière",
                "chef de réception",
                "responsable hébergement",
            ),
            ("tourisme", "restauration"),
            (
                "accueillir une clientèle française et internationale",
                "gérer les réservations et le planning des chambres",
                "suivre la e-réputation et répondre aux avis en ligne",
                "participer à la politique tarifaire en haute et basse saison",
                "coordonner les équipes d'étage et de restauration",
                "organiser l'accueil des groupes et des séminaires",
            ),
            _ALL,
            {"internship": "bac+1", "apprenticeship": None, "job": "bac+2"},
        ),
        Role(
            "marketing_touristique",
            (
                "chargé de marketing touristique",
                "community manager",
                "chargé de promotion et d'événements",
            ),
            ("marketing_digital", "tourisme"),
            (
                "animer les réseaux sociaux et produire des contenus photo et vidéo",
                "concevoir des offres de séjours avec les partenaires locaux",
                "organiser des événements autour de la plage, du golf et du patrimoine",
                "analyser la fréquentation et les retombées des campagnes",
                "mettre à jour le site web et les fiches sur les plateformes de réservation",
                "développer la clientèle britannique, belge et néerlandaise",
            ),
            _ALL,
            {"internship": "bac+2", "apprenticeship": "bac", "job": "bac+3"},
        ),
        Role(
            "animation_loisirs",
            ("animateur nature et loisirs", "moniteur d'activités nautiques", "guide-conférencier"),
            ("tourisme", "commerce"),
            (
                "encadrer des groupes sur des activités de plein air",
                "concevoir des animations pour les familles et les scolaires",
                "présenter le patrimoine naturel des dunes et de la baie",
                "veiller à la sécurité des participants et du matériel",
                "accueillir et conseiller la clientèle au point d'information",
            ),
            ("internship", "apprenticeship", "job"),
            {"internship": None, "apprenticeship": None, "job": "bac+2"},
        ),
    ),
}
