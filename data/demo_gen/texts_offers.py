"""Sentence fragments for needs (offers, R&D collaborations, hackathon challenges).

Placeholders: {name} company, {who} size phrase, {spec} speciality ("la manutention…"),
{de_spec} same after "de", {a_town} "à Calais", {de_town} "de Calais", {years} a number,
{date} "1er mars 2027", {duration} "trois mois", {team} a team name.
"""

from __future__ import annotations

INTROS: tuple[str, ...] = (
    "{name}, {who} {de_town}, est spécialisée dans {spec}",
    "Acteur reconnu {de_spec} sur la Côte d'Opale, {name} renforce ses équipes {a_town}",
    "Rejoignez {name}, {who} dont le métier est {spec}",
    "Depuis son implantation {a_town}, {name} s'est imposée dans {spec}",
    "Chez {name}, nous sommes spécialisés dans {spec} depuis plus de {years} ans",
    "Vous cherchez une entreprise à taille humaine et ancrée dans son territoire ? {name} est spécialisée dans {spec}",
    "Entreprise {de_town}, {name} conjugue savoir-faire et innovation dans {spec}",
    "Notre entreprise, {name}, intervient dans {spec} pour des clients de toute la région",
    "Installée {a_town}, {name} emploie des équipes passionnées par {spec}",
)

SECTOR_CONTEXT: dict[str, tuple[str, ...]] = {
    "logistique portuaire": (
        "Avec la hausse des volumes traités sur le port, nous renforçons notre équipe d'exploitation",
        "Le rétablissement des contrôles aux frontières avec le Royaume-Uni a fait évoluer nos métiers",
        "Nous ouvrons cette année un nouvel entrepôt sous douane",
        "Nos clients attendent une information en temps réel sur leurs marchandises",
    ),
    "énergie": (
        "La décarbonation de l'industrie du littoral ouvre de nombreux chantiers",
        "Nous accompagnons plusieurs projets majeurs de la transition énergétique dans le Dunkerquois",
        "Notre carnet de commandes est en forte croissance depuis deux ans",
        "La sécurité des personnes et des installations guide chacune de nos interventions",
    ),
    "agroalimentaire et pêche": (
        "Nos volumes augmentent et nos clients de la grande distribution sont de plus en plus exigeants",
        "Nous préparons le renouvellement de notre certification IFS Food",
        "Nous lançons une nouvelle gamme de produits élaborés à base d'espèces locales",
        "La maîtrise de la chaîne du froid est au cœur de notre activité",
    ),
    "tourisme": (
        "La saison s'annonce chargée et nous préparons l'accueil d'une clientèle internationale",
        "Nous développons une offre pour attirer les visiteurs en dehors de l'été",
        "Notre établissement vient d'être entièrement rénové",
        "Nous accueillons de plus en plus de séminaires d'entreprise",
    ),
    "industrie": (
        "Nous modernisons nos lignes de production et investissons dans l'industrie 4.0",
        "Notre atelier tourne en deux-huit et nos clients attendent une réactivité sans faille",
        "Plusieurs départs en retraite nous amènent à transmettre nos savoir-faire",
        "Nous engageons un plan de réduction de nos consommations d'énergie",
    ),
    "numérique": (
        "Nous travaillons en petite équipe, en méthode agile, au plus près de nos clients",
        "Notre portefeuille de clients s'élargit aux acteurs portuaires et industriels",
        "Nous privilégions des technologies libres et des projets utiles au territoire",
        "Nous accordons une grande place à l'accessibilité et à la sobriété numérique",
    ),
    "santé": (
        "Nos produits sont conçus avec des soignants et des patients de la région",
        "Nous préparons la mise sur le marché de notre nouvelle gamme",
    ),
    "BTP": (
        "Nos chantiers se multiplient sur le littoral, notamment en rénovation énergétique",
        "Nous intervenons sur des ouvrages exposés aux conditions marines",
    ),
    "environnement": (
        "Les industriels du littoral sont de plus en plus nombreux à nous solliciter",
        "Nous répondons à des demandes croissantes des collectivités littorales",
    ),
}

INTERNSHIP_LINES: tuple[str, ...] = (
    "Dans le cadre de notre développement, nous proposons un stage de {duration} à partir du {date}",
    "Nous accueillons un stagiaire pour {duration} à compter du {date}",
    "Ce stage de {duration} débutera le {date}, au sein de l'équipe {team}",
    "Nous recherchons un stagiaire pour une durée de {duration}, avec une arrivée prévue le {date}",
    "Stage de {duration} à pourvoir à partir du {date}, dates adaptables au calendrier de votre formation",
)

APPRENTICESHIP_LINES: tuple[str, ...] = (
    "Nous recrutons un(e) alternant(e) en contrat d'apprentissage de {duration} à compter du {date}",
    "Ce contrat d'alternance de {duration} démarrera le {date}, au rythme de votre école",
    "Vous rejoindrez l'équipe {team} en apprentissage pour {duration}, à partir du {date}",
    "Nous proposons une alternance de {duration}, idéalement à partir du {date}",
)

JOB_LINES: tuple[str, ...] = (
    "Dans le cadre d'une création de poste, nous recrutons en CDI à partir du {date}",
    "Pour accompagner notre croissance, nous recrutons en CDI, avec une prise de poste le {date}",
    "À la suite d'un départ en retraite, nous recherchons la personne qui rejoindra l'équipe {team} le {date}",
    "Poste en CDI à pourvoir dès le {date}, au sein de l'équipe {team}",
    "Nous ouvrons un poste en CDI au sein de l'équipe {team}, à pourvoir le {date}",
)

CIFRE_LINES: tuple[str, ...] = (
    "Nous souhaitons engager une thèse CIFRE de trois ans sur ce sujet, en lien avec {labs}",
    "Ce sujet fera l'objet d'une thèse CIFRE débutant le {date}, co-encadrée avec {labs}",
    "Nous proposons une thèse CIFRE à partir du {date} ; l'encadrement académique est envisagé avec {labs}",
)

COLLAB_LINES: tuple[str, ...] = (
    "Nous cherchons à construire une collaboration de recherche de {duration} avec une équipe académique, par exemple {labs}",
    "Nous souhaitons travailler avec des chercheurs de la région ({labs}) sur un projet de {duration} à partir du {date}",
    "Un projet collaboratif de {duration}, éligible au crédit d'impôt recherche, pourrait démarrer le {date}",
)

RD_GOALS: tuple[str, ...] = (
    "L'objectif est d'aboutir à des méthodes transférables rapidement dans nos ateliers",
    "Les résultats serviront à orienter nos investissements des cinq prochaines années",
    "Nous attendons à la fois des publications et un démonstrateur utilisable sur site",
    "Le projet s'appuiera sur les données et les installations de l'entreprise",
    "Nous mettrons à disposition nos équipes techniques et nos données historiques",
)

HACKATHON_LINES: tuple[str, ...] = (
    "{name} lance un défi ouvert aux étudiants et aux jeunes chercheurs de la Côte d'Opale",
    "Nous proposons ce défi à des équipes pluridisciplinaires d'étudiants de la région",
    "Ce défi est organisé par {name} avec le soutien des écoles et de l'université du littoral",
)

HACKATHON_FORMAT: tuple[str, ...] = (
    "Le défi se déroule sur un mois, avec un week-end de restitution le {date}",
    "Les équipes de trois à cinq personnes disposeront de quatre semaines et présenteront leur prototype le {date}",
    "Coup d'envoi le {date} : un mois pour imaginer, prototyper et convaincre le jury",
)

HACKATHON_REWARDS: tuple[str, ...] = (
    "L'équipe lauréate se verra proposer un accompagnement pour développer sa solution",
    "À la clé : des stages pour les membres de l'équipe gagnante",
    "Les meilleures propositions seront testées dans nos locaux",
    "Les données nécessaires seront mises à disposition des équipes, sous accord de confidentialité",
)

MISSION_INTROS: tuple[str, ...] = (
    "Vos missions : {list_semicolon}",
    "Au sein de l'équipe {team}, vous serez chargé(e) {de_list}",
    "Concrètement, vous aurez pour rôle {de_list}",
    "Vous participerez notamment aux tâches suivantes : {list_semicolon}",
    "Rattaché(e) au responsable de l'équipe {team}, vous devrez {list_comma}",
    "Votre quotidien consistera {a_list}",
    "Accompagné(e) par votre tuteur, vous pourrez {list_comma}",
)

PROFILE_LINES: tuple[str, ...] = (
    "Vous préparez ou détenez {level} et maîtrisez {skills}",
    "De formation {level_short}, vous avez de bonnes connaissances en {skills}",
    "Profil recherché : {level}, connaissances en {skills}, {soft}",
    "Nous attendons de vous {soft} ; la maîtrise {de_skills} est indispensable",
    "Vous avez {level} et une première approche {de_skills}",
    "Votre sens de l'organisation et vos compétences en {skills} seront vos meilleurs atouts",
)

CIFRE_PROFILE: tuple[str, ...] = (
    "Titulaire d'un master ou d'un diplôme d'ingénieur, vous maîtrisez {skills} et souhaitez préparer un doctorat",
    "Nous recherchons un candidat de niveau bac+5, à l'aise avec {skills}, attiré par la recherche appliquée",
    "Le ou la doctorante aura idéalement une formation en {skills}",
)

COLLAB_PROFILE: tuple[str, ...] = (
    "Nous recherchons des chercheurs compétents en {skills}",
    "L'équipe partenaire devra maîtriser {skills}",
    "Nous souhaitons échanger avec des chercheurs ou des post-doctorants spécialistes {de_skills}",
)

HACKATHON_PROFILE: tuple[str, ...] = (
    "Nous recherchons des profils variés : {skills}, mais aussi {soft}",
    "Les équipes devront réunir des compétences en {skills}",
    "Développeurs, designers, futurs ingénieurs ou commerciaux : {skills} seront utiles, tout comme {soft}",
)

SOFT_WORDS: tuple[str, ...] = (
    "de la rigueur",
    "un bon relationnel",
    "de l'autonomie",
    "le sens du service",
    "de la curiosité",
    "l'esprit d'équipe",
    "de la réactivité",
    "le goût du terrain",
    "un esprit d'analyse",
)

NICE_LINES: tuple[str, ...] = (
    "Des notions {de_nice} seraient un plus",
    "Une première expérience en {nice} sera appréciée",
    "La connaissance {de_nice} fera la différence",
)

LANGUAGE_LINES: dict[str, tuple[str, ...]] = {
    "en": (
        "Un bon niveau d'anglais est nécessaire, une partie de nos interlocuteurs étant britanniques",
        "L'anglais professionnel est indispensable",
        "Vous êtes à l'aise en anglais, à l'écrit comme à l'oral",
    ),
    "nl": ("La pratique du néerlandais est un vrai plus",),
    "de": ("Des bases en allemand seront appréciées",),
    "es": ("Un bon niveau d'espagnol est souhaité pour nos clients ibériques",),
}

CONDITIONS: dict[str, tuple[str, ...]] = {
    "internship": (
        "Gratification selon la réglementation en vigueur et remboursement de la moitié de l'abonnement de transport",
        "Stage gratifié selon le barème légal, avec accès au restaurant d'entreprise",
        "Gratification légale, tickets-restaurant et horaires de journée",
    ),
    "apprenticeship": (
        "Rémunération selon la grille de l'apprentissage, majorée selon votre niveau",
        "Contrat d'apprentissage avec prise en charge des frais de formation",
        "Rémunération conventionnelle, tickets-restaurant et mutuelle d'entreprise",
    ),
    "job": (
        "Rémunération selon profil et convention collective, mutuelle et participation",
        "Salaire de {low} à {high} k€ brut annuels selon expérience, treizième mois",
        "Rémunération attractive, intéressement et comité social et économique actif",
        "Salaire entre {low} et {high} k€ brut par an, tickets-restaurant",
    ),
    "rd": (
        "Le salaire du doctorant ou de la doctorante respectera le minimum prévu pour les conventions CIFRE",
        "Les frais de mission et de conférence seront pris en charge",
    ),
    "hackathon": (
        "L'inscription est gratuite et les repas du week-end sont offerts",
        "Le défi est ouvert à tous les niveaux, les équipes mixtes sont encouragées",
    ),
}

REMOTE_LINES: dict[str, tuple[str, ...]] = {
    "none": (
        "Poste basé {a_town}",
        "Le poste s'exerce sur site, {a_town}",
        "Lieu de travail : {town}, accessible en bus et à vélo",
    ),
    "partial": (
        "Télétravail possible un à deux jours par semaine",
        "Organisation hybride : deux jours de télétravail par semaine, le reste {a_town}",
    ),
    "full": (
        "Mission réalisable entièrement à distance, avec une rencontre mensuelle {a_town}",
        "Télétravail complet possible, en lien étroit avec l'équipe",
    ),
}

HACKATHON_PLACE: dict[str, tuple[str, ...]] = {
    "none": (
        "Le week-end final se tiendra dans nos locaux, {a_town}",
        "Toutes les étapes ont lieu {a_town}",
    ),
    "partial": ("Les équipes travaillent à distance ; la finale a lieu {a_town}",),
    "full": (
        "Le défi se déroule entièrement en ligne",
        "Participation à distance, finale retransmise en ligne",
    ),
}

HACKATHON_CLOSINGS: tuple[str, ...] = (
    "Inscriptions via Passerelle, en équipe ou individuellement",
    "Vous n'avez pas d'équipe ? Inscrivez-vous seul(e), nous constituerons les équipes",
    "Les encadrants de l'entreprise seront présents tout au long du défi",
)

CLOSINGS: tuple[str, ...] = (
    "Candidature (CV et quelques lignes de motivation) via Passerelle",
    "Nous étudierons toutes les candidatures, y compris les profils en reconversion",
    "Processus de recrutement : un échange téléphonique puis un entretien sur site",
    "Ce poste est ouvert aux personnes en situation de handicap",
    "Envie de nous rejoindre ? Postulez via Passerelle",
    "Une visite de nos installations pourra être organisée avant votre arrivée",
)

# main skill domain of a role -> names of the team it belongs to
TEAMS: dict[str, tuple[str, ...]] = {
    "portuaire": ("exploitation", "douane", "opérations portuaires"),
    "logistique": ("logistique", "entrepôt", "transport", "méthodes logistiques"),
    "energie_elec": ("maintenance électrique", "travaux électriques", "études électriques"),
    "energie_transition": ("projets", "études", "transition énergétique"),
    "procedes_surete": ("HSE", "sécurité des procédés", "prévention"),
    "qualite_agro": ("qualité", "qualité et hygiène"),
    "produits_mer": ("production", "expédition", "atelier"),
    "biotech_agro": ("R&D", "développement produits"),
    "commerce": ("commerciale", "export", "ventes"),
    "tourisme": ("réception", "accueil", "animation", "direction"),
    "marketing_digital": ("marketing", "communication", "projets digitaux"),
    "maintenance": ("maintenance", "travaux neufs"),
    "production": ("méthodes", "production", "amélioration continue"),
    "hse_env": ("HSE", "environnement", "études", "exploitation"),
    "dev_web": ("développement", "produit"),
    "data": ("données", "data"),
    "info_sys": ("infrastructure", "support"),
    "sante": ("qualité et réglementaire", "produit"),
    "btp": ("travaux", "études", "bureau d'études"),
}

LEVEL_PHRASES: dict[str | None, tuple[str, str]] = {
    None: ("un CAP, un bac ou une première expérience", "technique ou générale"),
    "bac": ("un bac ou un bac professionnel", "bac"),
    "bac+1": ("une première année d'études supérieures validée", "bac+1"),
    "bac+2": ("un bac+2 (BTS, BUT)", "bac+2"),
    "bac+3": ("un bac+3 (BUT, licence)", "bac+3"),
    "bac+4": ("un bac+4 (master 1, école)", "bac+4"),
    "bac+5": ("un bac+5 (master ou diplôme d'ingénieur)", "bac+5"),
    "doctorat": ("un doctorat", "doctorale"),
}
