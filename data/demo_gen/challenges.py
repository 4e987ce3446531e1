"""R&D topics (CIFRE theses, collaborations with labs) and hackathon challenges, per sector.

Each entry: (title, one sentence of context ending with a full stop, skill domains).
The lab keys name the ULCO labs or institutes a topic would typically involve.
"""

from __future__ import annotations

from typing import NamedTuple


class Topic(NamedTuple):
    title: str
    context: str
    domains: tuple[str, ...]
    labs: tuple[str, ...] = ()


RD_TOPICS: dict[str, tuple[Topic, ...]] = {
    "logistique portuaire": (
        Topic(
            "Prévision des temps d'escale par apprentissage automatique",
            "Les retards d'escale désorganisent les chantiers de manutention et les pré-acheminements.",
            ("data", "portuaire"),
            ("lisic",),
        ),
        Topic(
            "Optimisation du plan de chargement des navires rouliers transmanche",
            "Le remplissage des navires rouliers dépend de contraintes de sécurité, de poids et d'horaires.",
            ("maths", "portuaire"),
            ("lmpa", "lisic"),
        ),
        Topic(
            "Jumeau numérique d'un terminal à conteneurs",
            "Simuler le terminal permettrait de tester de nouvelles organisations sans perturber l'exploitation.",
            ("data", "logistique"),
            ("lisic",),
        ),
        Topic(
            "Report modal vers le fer et le fleuve dans l'hinterland portuaire",
            "Le report modal est au cœur de la stratégie bas carbone des ports du littoral.",
            ("logistique", "territoires"),
            ("tves",),
        ),
    ),
    "énergie": (
        Topic(
            "Pilotage d'un électrolyseur couplé à la production éolienne en mer",
            "L'intermittence de l'éolien complique la production d'hydrogène à coût maîtrisé.",
            ("energie_transition", "maths"),
            ("lisic", "lmpa"),
        ),
        Topic(
            "Matériaux diélectriques pour le stockage d'énergie",
            "Les besoins de stockage stationnaire appellent de nouveaux matériaux plus durables.",
            ("materiaux", "energie_transition"),
            ("udsmm",),
        ),
        Topic(
            "Valorisation de la chaleur fatale industrielle à l'échelle de l'agglomération",
            "Une part importante de la chaleur produite par l'industrie lourde est encore perdue.",
            ("energie_transition", "territoires"),
            ("tves",),
        ),
        Topic(
            "Suivi des émissions atmosphériques d'un site de captage de CO2",
            "Les futurs sites de captage devront démontrer l'absence d'effets sur la qualité de l'air.",
            ("chimie_atmo", "procedes_surete"),
            ("lpca", "uceiv"),
        ),
        Topic(
            "Maintenance prédictive des câbles d'export des parcs éoliens en mer",
            "Une avarie de câble immobilise un parc entier pendant plusieurs semaines.",
            ("energie_elec", "data"),
            ("lisic",),
        ),
    ),
    "agroalimentaire et pêche": (
        Topic(
            "Valorisation des coproduits de filetage en peptides bioactifs",
            "Têtes, arêtes et peaux représentent près de la moitié de la masse des poissons transformés.",
            ("biotech_agro", "recherche"),
            ("bpa",),
        ),
        Topic(
            "Prédiction de la fraîcheur du poisson par imagerie et capteurs",
            "La fraîcheur est aujourd'hui évaluée visuellement, lot par lot, sous la criée.",
            ("ia_vision", "qualite_agro"),
            ("lisic", "anses"),
        ),
        Topic(
            "Culture de macroalgues en mer et usages alimentaires",
            "L'algoculture ouvre une diversification aux acteurs de la pêche de la Manche.",
            ("mer_environnement", "biotech_agro"),
            ("log", "bpa"),
        ),
        Topic(
            "Réduction du sel et des additifs dans les produits de la mer fumés",
            "Les consommateurs attendent des produits plus sains sans perte de goût ni de conservation.",
            ("biotech_agro", "qualite_agro"),
            ("bpa",),
        ),
        Topic(
            "Nouvelles espèces valorisables face au changement climatique",
            "Le réchauffement de la Manche modifie les espèces débarquées à Boulogne-sur-Mer.",
            ("mer_environnement", "data"),
            ("ifremer", "log"),
        ),
    ),
    "tourisme": (
        Topic(
            "Mesure de la fréquentation touristique à partir de données de mobilité",
            "Les communes littorales manquent d'outils fiables pour mesurer la fréquentation.",
            ("data", "territoires"),
            ("tves", "lisic"),
        ),
        Topic(
            "Adaptation de l'offre touristique au recul du trait de côte",
            "L'érosion du littoral transforme les espaces de loisirs et les hébergements de bord de mer.",
            ("territoires", "tourisme"),
            ("tves", "log"),
        ),
    ),
    "industrie": (
        Topic(
            "Détection de défauts de surface sur tôles par vision artificielle",
            "Le contrôle visuel des défauts reste manuel sur une partie des lignes.",
            ("ia_vision", "production"),
            ("lisic",),
        ),
        Topic(
            "Composites biosourcés pour le nautisme",
            "Les chantiers cherchent des alternatives aux résines et fibres d'origine fossile.",
            ("materiaux", "production"),
            ("udsmm",),
        ),
        Topic(
            "Ordonnancement de la production sous contraintes énergétiques",
            "Le coût de l'électricité varie fortement selon les heures de la journée.",
            ("maths", "production"),
            ("lmpa", "lisic"),
        ),
        Topic(
            "Exposition des salariés aux particules fines en milieu sidérurgique",
            "La réduction de l'exposition aux particules est une priorité de santé au travail.",
            ("chimie_atmo", "hse_env"),
            ("uceiv",),
        ),
    ),
    "numérique": (
        Topic(
            "Apprentissage frugal pour l'analyse d'images satellites du littoral",
            "Les modèles actuels consomment beaucoup d'énergie et de données annotées.",
            ("ia_vision", "mer_environnement"),
            ("lisic", "log"),
        ),
        Topic(
            "Assistant conversationnel pour les démarches douanières",
            "Les PME exportatrices peinent à s'approprier les formalités post-Brexit.",
            ("ia_vision", "dev_web"),
            ("lisic",),
        ),
        Topic(
            "Plateforme de données ouvertes sur la qualité des eaux de baignade",
            "Les données existent mais restent dispersées entre plusieurs organismes.",
            ("data", "dev_web"),
            ("log", "lisic"),
        ),
    ),
    "santé": (
        Topic(
            "Suivi de la rééducation par capteurs portés et apprentissage automatique",
            "Les soignants manquent de mesures objectives entre deux séances.",
            ("sante", "data"),
            ("lisic",),
        ),
        Topic(
            "Effets des particules atmosphériques sur les cellules pulmonaires",
            "Le littoral industriel présente des profils de pollution particuliers.",
            ("chimie_atmo", "sante"),
            ("uceiv",),
        ),
    ),
    "BTP": (
        Topic(
            "Durabilité des bétons en environnement marin",
            "Les ouvrages portuaires subissent les attaques des chlorures et les cycles de marée.",
            ("btp", "materiaux"),
            ("udsmm",),
        ),
    ),
    "environnement": (
        Topic(
            "Suivi des macrodéchets sur les plages par drone",
            "Les comptages manuels de déchets échoués sont longs et peu reproductibles.",
            ("ia_vision", "mer_environnement"),
            ("lisic", "log"),
        ),
        Topic(
            "Cartographie fine des sources de pollution de l'air",
            "Industries, trafic et transport maritime contribuent chacun aux épisodes de pollution.",
            ("chimie_atmo", "data"),
            ("lpca", "uceiv"),
        ),
        Topic(
            "Recyclage des sédiments de dragage portuaire",
            "Les sédiments dragués chaque année pourraient devenir des matériaux de construction.",
            ("hse_env", "btp"),
            ("log",),
        ),
    ),
}

HACKATHONS: dict[str, tuple[Topic, ...]] = {
    "logistique portuaire": (
        Topic(
            "Réduire l'attente des camions aux portes du terminal",
            "Aux heures de pointe, les files de camions s'allongent devant les portes du terminal.",
            ("data", "dev_web"),
        ),
        Topic(
            "Un tableau de bord carbone pour chaque conteneur",
            "Les chargeurs demandent l'empreinte carbone de chaque envoi, de bout en bout.",
            ("data", "logistique"),
        ),
        Topic(
            "Dématérialiser les documents de transport transmanche",
            "Chaque passage transmanche mobilise encore de nombreux documents papier.",
            ("dev_web", "portuaire"),
        ),
    ),
    "énergie": (
        Topic(
            "Visualiser la chaleur perdue de l'agglomération",
            "Personne ne dispose d'une carte claire des gisements de chaleur fatale.",
            ("data", "energie_transition"),
        ),
        Topic(
            "Sensibiliser les salariés aux économies d'énergie",
            "Les gestes simples au bureau et à l'atelier restent mal connus.",
            ("design", "energie_transition"),
        ),
    ),
    "agroalimentaire et pêche": (
        Topic(
            "Zéro gaspillage à la criée",
            "Une partie des invendus de la criée n'est pas valorisée faute de débouchés rapides.",
            ("dev_web", "produits_mer"),
        ),
        Topic(
            "Traçabilité du poisson, du bateau à l'assiette",
            "Les consommateurs veulent savoir où et par qui leur poisson a été pêché.",
            ("dev_web", "qualite_agro"),
        ),
        Topic(
            "Des recettes pour les espèces méconnues",
            "Grondin, tacaud ou vive restent boudés malgré leurs qualités gustatives.",
            ("marketing_digital", "produits_mer"),
        ),
    ),
    "tourisme": (
        Topic(
            "Le Touquet hors saison",
            "Attirer des visiteurs d'octobre à mars est un enjeu pour tout le Montreuillois.",
            ("marketing_digital", "tourisme"),
        ),
        Topic(
            "Une application de randonnée sur les caps",
            "Les sentiers du Grand Site des Deux-Caps sont très fréquentés l'été.",
            ("dev_web", "tourisme"),
        ),
        Topic(
            "Accueillir les visiteurs britanniques après le Brexit",
            "La clientèle britannique a changé ses habitudes de séjour.",
            ("marketing_digital", "commerce"),
        ),
    ),
    "industrie": (
        Topic(
            "Maintenance prédictive avec trois capteurs et un tableur",
            "Les PME industrielles n'ont pas les moyens d'une plateforme complète d'industrie 4.0.",
            ("data", "maintenance"),
        ),
        Topic(
            "L'usine attractive",
            "Les industriels peinent à faire connaître leurs métiers aux jeunes du territoire.",
            ("marketing_digital", "design"),
        ),
    ),
    "numérique": (
        Topic(
            "Accessibilité numérique des services publics locaux",
            "De nombreux sites locaux restent difficiles d'accès pour les personnes handicapées.",
            ("dev_web", "design"),
        ),
        Topic(
            "Cybersécurité des TPE du littoral",
            "Les petites entreprises sont des cibles faciles pour les rançongiciels.",
            ("info_sys", "dev_web"),
        ),
        Topic(
            "IA générative et données ouvertes du territoire",
            "Les données ouvertes de la région sont riches mais peu exploitées.",
            ("data", "ia_vision"),
        ),
    ),
    "santé": (
        Topic(
            "Bien vieillir à domicile sur la côte",
            "Les personnes âgées isolées sont nombreuses dans les communes rurales du littoral.",
            ("dev_web", "sante"),
        ),
    ),
    "BTP": (
        Topic(
            "Rénover plus vite les maisons de ville",
            "Le diagnostic énergétique des maisons mitoyennes prend encore trop de temps.",
            ("btp", "data"),
        ),
    ),
    "environnement": (
        Topic(
            "Compter les phoques sans les déranger",
            "Les colonies de phoques de la baie sont suivies à la jumelle par des bénévoles.",
            ("ia_vision", "mer_environnement"),
        ),
        Topic(
            "Qualité de l'air en temps réel pour les écoles",
            "Les parents veulent savoir quand limiter les activités de plein air.",
            ("data", "chimie_atmo"),
        ),
    ),
}
