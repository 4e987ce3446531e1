"""Sentence fragments for student profiles, per field of study.

Gendered words are written "[masculine|feminine]" and resolved by `grammar.gender`.
Projects are noun phrases; `did` phrases follow "j'ai" (past participle first).
"""

from __future__ import annotations

# field -> noun phrases describing a study project
PROJECTS: dict[str, tuple[str, ...]] = {
    "info": (
        "une application web de covoiturage pour les étudiants des quatre sites de l'ULCO",
        "un outil de réservation de salles développé en Symfony",
        "un jeu de société numérique en Java, avec une intelligence artificielle simple",
        "une API REST pour suivre les horaires des navettes entre Calais et Dunkerque",
        "la refonte du site d'une association sportive de Boulogne-sur-Mer",
        "une application mobile de signalement des déchets sur les plages",
        "un bot qui résume les annonces de stage publiées chaque semaine",
    ),
    "data": (
        "la prévision de la fréquentation des plages à partir de données météo",
        "un modèle de détection d'anomalies sur des capteurs industriels",
        "l'analyse des débarquements de la criée de Boulogne-sur-Mer sur dix ans",
        "un tableau de bord de la qualité de l'air dans l'agglomération dunkerquoise",
        "la classification d'images de plancton par apprentissage profond",
        "l'optimisation de tournées de livraison par recherche opérationnelle",
    ),
    "industrie": (
        "l'amélioration du taux de rendement synthétique d'une ligne de conditionnement",
        "la conception d'un support de capteur imprimé en 3D",
        "un chantier 5S dans l'atelier de maintenance de l'IUT",
        "la mise en place d'un plan de maintenance préventive pour un compresseur",
        "une étude AMDEC sur une presse hydraulique",
        "la réduction des temps de changement de série sur une ligne d'emballage",
    ),
    "energie": (
        "le dimensionnement d'une installation photovoltaïque pour un gymnase",
        "un banc de mesure de consommation électrique piloté par Arduino",
        "l'étude d'un réseau de chaleur alimenté par la chaleur fatale d'une usine",
        "la programmation d'un automate pour une station de pompage pédagogique",
        "le bilan carbone d'une résidence étudiante",
        "une comparaison de filières de production d'hydrogène",
    ),
    "hse": (
        "l'évaluation des risques chimiques dans un laboratoire d'enseignement",
        "une campagne de mesure du bruit dans un atelier de mécanique",
        "un plan de gestion des déchets pour un festival de plein air",
        "la mise à jour du document unique d'une petite entreprise",
        "un suivi des particules fines autour d'une école",
    ),
    "agro": (
        "la mise au point d'une rillette de maquereau à teneur réduite en sel",
        "le dénombrement de la flore bactérienne sur des filets de poisson",
        "une étude de la durée de vie de produits traiteur de la mer",
        "la valorisation de peaux de poisson en gélatine",
        "un plan HACCP pour la cuisine d'une association",
        "des analyses sensorielles comparant plusieurs harengs fumés",
    ),
    "mer": (
        "le suivi du phytoplancton au large de Wimereux",
        "l'identification des espèces débarquées lors d'un embarquement sur un chalutier",
        "un inventaire de la faune des estrans rocheux du cap Gris-Nez",
        "la cartographie des herbiers et des moulières sous QGIS",
        "l'étude de la croissance de moules de bouchot en baie de Wissant",
        "un suivi des échouages de mammifères marins sur la côte",
    ),
    "gestion": (
        "le budget prévisionnel d'une épicerie solidaire étudiante",
        "l'analyse des coûts d'un club sportif amateur",
        "la création d'un tableau de bord de trésorerie sous Excel",
        "un audit du processus de paie d'une PME fictive",
        "la préparation d'un dossier de subvention pour une association culturelle",
    ),
    "commerce": (
        "une étude de marché sur les bières artisanales de la Côte d'Opale",
        "le plan de communication d'une boutique de produits régionaux",
        "une campagne de prospection pour un transporteur calaisien",
        "le lancement d'une boutique en ligne de produits de la mer",
        "une enquête de satisfaction auprès des clients d'un marché couvert",
    ),
    "logistique": (
        "la réorganisation des emplacements d'un entrepôt pédagogique",
        "l'étude d'une chaîne de transport multimodale entre Dunkerque et Lille",
        "un comparatif de logiciels de gestion d'entrepôt",
        "l'analyse des flux de camions à l'entrée du port de Calais",
        "la préparation des documents douaniers d'un envoi vers le Royaume-Uni",
    ),
    "tourisme": (
        "un circuit de découverte des villas anglo-normandes du Touquet",
        "un séjour bien-être hors saison pour une clientèle belge",
        "l'organisation d'un dîner à thème au restaurant d'application",
        "la promotion d'un festival sur les réseaux sociaux",
        "une offre de tourisme à vélo le long de la Véloroute du littoral",
    ),
    "territoires": (
        "l'analyse du recul du trait de côte à Wissant",
        "un diagnostic des mobilités domicile-travail dans le Calaisis",
        "la cartographie des friches industrielles de l'agglomération dunkerquoise",
        "une enquête sur l'usage des plages par les habitants",
    ),
    "btp": (
        "la maquette BIM d'un gymnase intercommunal",
        "le dimensionnement d'une passerelle piétonne en béton armé",
        "une étude de rénovation énergétique d'une maison de ville boulonnaise",
        "le suivi topographique d'un chantier de voirie",
        "l'étude de la tenue d'une digue face aux tempêtes",
    ),
    "physique": (
        "la mesure de la constante diélectrique de matériaux composites",
        "un spectromètre pédagogique à bas coût",
        "la caractérisation d'aérosols collectés sur un toit de Dunkerque",
        "une simulation du transfert thermique dans une paroi isolée",
    ),
}

# field -> (kind of host of a past internship, what was done there after "j'ai")
INTERNSHIPS: dict[str, tuple[tuple[str, str], ...]] = {
    "info": (
        ("une agence web", "développé des modules WordPress pour des clients locaux"),
        ("une ESN", "participé à la migration d'une application vers une architecture en API"),
        ("une mairie", "assuré le support informatique et déployé des postes"),
        ("une start-up", "écrit des tests automatisés pour une application mobile"),
    ),
    "data": (
        ("un bureau d'études", "automatisé des rapports en Python"),
        (
            "un industriel de la chimie",
            "construit des tableaux de bord Power BI pour la production",
        ),
        ("un laboratoire de l'ULCO", "entraîné des modèles de classification d'images"),
        ("une collectivité", "analysé des données ouvertes de transport"),
    ),
    "industrie": (
        ("une aciérie", "suivi les interventions de maintenance et mis à jour la GMAO"),
        ("un équipementier", "rédigé des modes opératoires pour une nouvelle machine"),
        ("une usine agroalimentaire", "animé un chantier 5S avec les opérateurs"),
        ("une PME de chaudronnerie", "préparé des gammes de fabrication"),
    ),
    "energie": (
        ("un installateur photovoltaïque", "réalisé des études de productible"),
        ("un site de production d'électricité", "participé aux essais de protections électriques"),
        ("un bureau d'études thermiques", "réalisé des audits énergétiques de bâtiments"),
        ("une entreprise d'électricité industrielle", "câblé et testé des armoires électriques"),
    ),
    "hse": (
        ("un site classé Seveso", "mis à jour des fiches de données de sécurité"),
        ("une entreprise de BTP", "réalisé des visites de sécurité sur les chantiers"),
        ("un syndicat de traitement des déchets", "suivi les tonnages et les filières"),
    ),
    "agro": (
        ("un mareyeur de Capécure", "réalisé les contrôles qualité à réception"),
        ("un laboratoire d'analyses", "effectué des analyses microbiologiques"),
        ("une conserverie", "participé à la préparation d'un audit IFS"),
        ("une biscuiterie", "suivi la traçabilité des matières premières"),
    ),
    "mer": (
        ("une station marine", "trié et identifié des échantillons de plancton"),
        ("un parc naturel marin", "participé à des comptages d'oiseaux et de phoques"),
        ("une organisation de producteurs", "saisi et analysé des données de débarquement"),
        ("un aquarium public", "assisté les soigneurs et préparé des animations"),
    ),
    "gestion": (
        ("un cabinet d'expertise comptable", "préparé des bilans et des déclarations de TVA"),
        ("une PME du transport", "suivi la facturation et les relances clients"),
        ("un service RH hospitalier", "participé au recrutement de saisonniers"),
    ),
    "commerce": (
        ("une enseigne de sport", "géré un rayon et animé des opérations commerciales"),
        ("un commissionnaire de transport", "prospecté de nouveaux clients par téléphone"),
        ("une agence de communication", "animé les réseaux sociaux de plusieurs clients"),
    ),
    "logistique": (
        ("un entrepôt de la grande distribution", "optimisé l'implantation des références"),
        ("un transitaire calaisien", "préparé des déclarations en douane"),
        ("un transporteur routier", "organisé des tournées de livraison"),
        ("un terminal portuaire", "suivi les mouvements de conteneurs"),
    ),
    "tourisme": (
        ("un hôtel quatre étoiles", "tenu la réception et géré les réservations"),
        ("un office de tourisme", "accueilli et renseigné une clientèle internationale"),
        ("un camping", "organisé les animations pour les familles"),
        ("un restaurant de bord de mer", "travaillé en salle pendant toute la saison"),
    ),
    "territoires": (
        ("une agence d'urbanisme", "réalisé des cartes sous QGIS"),
        ("une communauté d'agglomération", "participé à un diagnostic de territoire"),
    ),
    "btp": (
        ("une entreprise de gros œuvre", "suivi un chantier de logements et préparé les métrés"),
        ("un bureau d'études structures", "réalisé des plans sous AutoCAD et Revit"),
        ("une collectivité", "participé au suivi de travaux de voirie"),
    ),
    "physique": (
        ("un laboratoire de recherche", "préparé et caractérisé des échantillons"),
        ("une entreprise de mesures", "participé à des campagnes de prélèvement"),
    ),
}

# field -> interests (noun phrases)
INTERESTS: dict[str, tuple[str, ...]] = {
    "info": (
        "le développement web",
        "l'accessibilité",
        "les logiciels libres",
        "la cybersécurité",
        "l'architecture logicielle",
        "le développement mobile",
    ),
    "data": (
        "l'apprentissage automatique",
        "la visualisation de données",
        "les statistiques",
        "l'IA au service de l'environnement",
        "la vision par ordinateur",
    ),
    "industrie": (
        "l'industrie 4.0",
        "l'amélioration continue",
        "la maintenance prédictive",
        "la mécanique",
        "la robotique",
    ),
    "energie": (
        "la transition énergétique",
        "l'hydrogène",
        "l'éolien en mer",
        "les réseaux électriques",
        "l'efficacité énergétique",
    ),
    "hse": (
        "la prévention des risques",
        "la qualité de l'air",
        "l'économie circulaire",
        "la santé au travail",
    ),
    "agro": (
        "la qualité alimentaire",
        "la microbiologie",
        "les produits de la mer",
        "la nutrition",
        "la formulation de nouveaux produits",
    ),
    "mer": (
        "la biologie marine",
        "la pêche durable",
        "l'océanographie",
        "la protection du littoral",
        "l'aquaculture",
    ),
    "gestion": (
        "le contrôle de gestion",
        "les ressources humaines",
        "la comptabilité",
        "la gestion des associations",
    ),
    "commerce": (
        "la négociation",
        "le marketing digital",
        "le commerce international",
        "la relation client",
    ),
    "logistique": (
        "la supply chain",
        "le transport maritime",
        "la douane",
        "la logistique du dernier kilomètre",
    ),
    "tourisme": (
        "l'hôtellerie",
        "le tourisme durable",
        "l'événementiel",
        "la gastronomie",
        "la clientèle internationale",
    ),
    "territoires": ("l'aménagement du littoral", "les risques côtiers", "la mobilité durable"),
    "physique": ("les matériaux", "la spectroscopie", "la physique de l'atmosphère"),
    "btp": (
        "la construction durable",
        "le BIM",
        "les ouvrages maritimes",
        "la rénovation énergétique",
    ),
}

HOBBIES: tuple[str, ...] = (
    "le char à voile",
    "le kitesurf",
    "la course à pied sur la digue",
    "le handball en club",
    "la photographie de paysages",
    "la musique (guitare)",
    "le football",
    "le théâtre amateur",
    "la randonnée sur les caps",
    "la natation en mer",
    "le basket",
    "la cuisine",
    "le dessin",
    "les échecs",
    "le bénévolat aux Restos du cœur",
    "le vélo",
    "la voile",
    "l'escalade",
    "la danse",
    "les jeux vidéo indépendants",
)

ASSOCIATIONS: tuple[str, ...] = (
    "le bureau des étudiants",
    "une association de nettoyage des plages",
    "une junior-entreprise",
    "le club robotique de l'école",
    "une radio associative",
    "une association d'aide aux devoirs",
    "le club de voile universitaire",
    "une banque alimentaire",
    "l'association des étudiants internationaux",
)

YEAR_WORDS: tuple[str, ...] = ("première", "deuxième", "troisième")

BAC_TYPES: tuple[str, ...] = (
    "général",
    "STI2D",
    "STMG",
    "STL",
    "général (spécialités maths et physique)",
    "général (SVT et physique-chimie)",
    "professionnel",
)
