"""Skill pools shared by profiles and needs.

Every label is a canonical label of matching/resources/skills_fr.tsv (same spelling), so the
same concept is written the same way in a student's profile and in a company's need.
A domain has core skills (what everyone in the field lists) and extra ones (less frequent).
"""

from __future__ import annotations


def _split(text: str) -> tuple[str, ...]:
    """Labels separated by commas (no label contains a comma)."""
    return tuple(label.strip() for label in text.split(",") if label.strip())


# domain -> (core, extra)
DOMAINS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "dev_web": (
        _split("développement web, JavaScript, HTML, CSS, PHP, Symfony, React, SQL, Git, API REST"),
        _split(
            "TypeScript, Vue.js, Node.js, Docker, WordPress, accessibilité numérique, Laravel,"
            "tests logiciels, méthodes agiles, Figma, référencement naturel, développement full stack"
        ),
    ),
    "data": (
        _split(
            "Python, SQL, analyse de données, pandas, statistiques, Power BI, data visualisation,"
            "apprentissage automatique"
        ),
        _split(
            "scikit-learn, NumPy, Jupyter, PostgreSQL, science des données, Excel, langage R,"
            "ingénierie des données, Tableau Software, business intelligence, entrepôt de données"
        ),
    ),
    "info_sys": (
        _split(
            "Linux, réseaux informatiques, administration système, cybersécurité, Windows Server,"
            "virtualisation, support informatique"
        ),
        _split(
            "Docker, Bash, PowerShell, sécurité réseau, Ansible, ITIL, cloud computing,"
            "maintenance informatique, Active Directory, Cisco, Kubernetes"
        ),
    ),
    "genie_logiciel": (
        _split(
            "Java, programmation orientée objet, génie logiciel, UML, Git, algorithmique,"
            "conception de bases de données, tests logiciels"
        ),
        _split(
            "C++, Python, Spring Boot, intégration continue, méthodes agiles, Scrum, Kotlin,"
            "architecture logicielle, développement mobile, C#, JIRA, langage C"
        ),
    ),
    "ia_vision": (
        _split(
            "apprentissage automatique, apprentissage profond, vision par ordinateur, Python,"
            "traitement d'images, PyTorch"
        ),
        _split(
            "TensorFlow, traitement du signal, traitement automatique du langage, IA générative,"
            "calcul haute performance, MLOps, science des données, scikit-learn, télédétection"
        ),
    ),
    "iot": (
        _split("IoT, électronique, langage C, Arduino, Raspberry Pi, instrumentation"),
        _split(
            "conception de circuits imprimés, traitement du signal, robotique, automatismes,"
            "Python, télécommunications, domotique"
        ),
    ),
    "qualite_agro": (
        _split(
            "HACCP, qualité agroalimentaire, plan de maîtrise sanitaire, traçabilité,"
            "contrôle qualité, microbiologie alimentaire"
        ),
        _split(
            "IFS Food, BRCGS, ISO 22000, étiquetage alimentaire, analyse sensorielle, audit,"
            "assurance qualité, nettoyage industriel, ISO 9001, Excel"
        ),
    ),
    "produits_mer": (
        _split(
            "transformation des produits de la mer, logistique du froid, HACCP, traçabilité,"
            "surgélation, identification des espèces marines"
        ),
        _split(
            "fumage du poisson, conserverie, conditionnement, pêche maritime, froid industriel,"
            "technologie alimentaire, gestion des stocks, conduite de ligne de production"
        ),
    ),
    "biotech_agro": (
        _split(
            "biochimie, microbiologie, technologie alimentaire, formulation, chimie analytique,"
            "biotechnologies marines"
        ),
        _split(
            "culture cellulaire, biologie moléculaire, plans d'expériences, statistiques, nutrition,"
            "analyse sensorielle, bonnes pratiques de fabrication, biotechnologies"
        ),
    ),
    "mer_environnement": (
        _split(
            "océanographie, biologie marine, sciences halieutiques, surveillance du milieu marin,"
            "prélèvements environnementaux, identification des espèces marines, statistiques"
        ),
        _split(
            "langage R, SIG, QGIS, écotoxicologie, biodiversité, gestion du littoral, navigation,"
            "télédétection, hydrographie, plongée professionnelle, aquaculture"
        ),
    ),
    "logistique": (
        _split(
            "supply chain, gestion des stocks, gestion d'entrepôt, logistique, gestion des flux,"
            "transport multimodal, Excel, ERP"
        ),
        _split(
            "SAP, CACES, préparation de commandes, approvisionnement, logiciel TMS,"
            "optimisation des tournées, indicateurs de performance, prévision de la demande,"
            "lean manufacturing, e-logistique, transport routier, exploitation transport"
        ),
    ),
    "portuaire": (
        _split(
            "logistique portuaire, transport maritime, terminal à conteneurs, manutention portuaire,"
            "dédouanement, réglementation douanière, Incoterms"
        ),
        _split(
            "consignation maritime, commission de transport, affrètement, trafic transmanche,"
            "sûreté portuaire, transport de matières dangereuses, EDI, droit maritime,"
            "commerce international, conduite d'engins de levage, transport ferroviaire"
        ),
    ),
    "energie_elec": (
        _split(
            "électrotechnique, habilitation électrique, électricité industrielle, automatismes,"
            "réseaux électriques, instrumentation"
        ),
        _split(
            "haute tension, électronique de puissance, Siemens TIA Portal, machines électriques,"
            "supervision industrielle, smart grid, énergie nucléaire, radioprotection"
        ),
    ),
    "energie_transition": (
        _split(
            "transition énergétique, énergies renouvelables, efficacité énergétique, hydrogène,"
            "éolien en mer, thermodynamique"
        ),
        _split(
            "capture du carbone, bilan carbone, génie thermique, réseaux de chaleur, photovoltaïque,"
            "marchés de l'énergie, GNL, audit énergétique, énergies marines renouvelables,"
            "stockage d'énergie, simulation numérique"
        ),
    ),
    "procedes_surete": (
        _split("génie des procédés, sécurité des procédés, HSE, ATEX, étude de dangers, HAZOP"),
        _split(
            "pétrochimie, chimie, ISO 45001, gestion des risques, sûreté nucléaire, AMDEC,"
            "réglementation environnementale, mécanique des fluides, instrumentation"
        ),
    ),
    "maintenance": (
        _split(
            "maintenance industrielle, maintenance préventive, mécanique industrielle, GMAO,"
            "automatismes, hydraulique, pneumatique, lecture de plans"
        ),
        _split(
            "soudage, soudage TIG, habilitation électrique, électromécanique, maintenance prédictive,"
            "AMDEC, TPM, chaudronnerie, tuyauterie, travail en hauteur, mécanique navale"
        ),
    ),
    "production": (
        _split(
            "lean manufacturing, amélioration continue, gestion de production, industrialisation,"
            "5S, indicateurs de performance, ISO 9001"
        ),
        _split(
            "SMED, Six Sigma, planification de la production, conception mécanique, SolidWorks,"
            "AutoCAD, métallurgie, contrôle non destructif, métrologie, industrie 4.0, ERP, AMDEC,"
            "soudage MIG/MAG, usinage"
        ),
    ),
    "hse_env": (
        _split(
            "HSE, prévention des risques professionnels, ISO 14001, réglementation environnementale,"
            "gestion des déchets, ISO 45001"
        ),
        _split(
            "traitement de l'eau, qualité de l'air, bilan carbone, économie circulaire, RSE,"
            "sites et sols pollués, étude d'impact environnemental, développement durable,"
            "sauveteur secouriste du travail, analyse du cycle de vie, recyclage"
        ),
    ),
    "chimie_atmo": (
        _split(
            "chimie analytique, qualité de l'air, chimie, statistiques, instrumentation, météorologie"
        ),
        _split(
            "changement climatique, télédétection, simulation numérique, Python, langage R,"
            "chimie organique, écotoxicologie"
        ),
    ),
    "gestion": (
        _split(
            "comptabilité, contrôle de gestion, Excel, gestion budgétaire, paie,"
            "ressources humaines, gestion administrative"
        ),
        _split(
            "Sage (logiciel), Cegid, fiscalité, trésorerie, SIRH, droit du travail, recrutement,"
            "pack Office, finance d'entreprise, facturation, ERP, comptabilité analytique"
        ),
    ),
    "commerce": (
        _split(
            "négociation commerciale, prospection commerciale, relation client, marketing,"
            "vente B2B, gestion de la relation client, commerce international"
        ),
        _split(
            "Salesforce, HubSpot, études de marché, stratégie marketing, administration des ventes,"
            "merchandising, e-commerce, marketing digital, business plan, vente"
        ),
    ),
    "marketing_digital": (
        _split(
            "marketing digital, réseaux sociaux, référencement naturel, marketing de contenu,"
            "Google Analytics, rédaction web"
        ),
        _split(
            "emailing, référencement payant, WordPress, Photoshop, design graphique, suite Adobe,"
            "identité visuelle, montage vidéo, stratégie de marque, UX design, Figma"
        ),
    ),
    "design": (
        _split("UX design, UI design, Figma, design graphique, identité visuelle, webdesign"),
        _split(
            "Illustrator, Photoshop, InDesign, motion design, accessibilité numérique,"
            "design thinking, modélisation 3D, photographie"
        ),
    ),
    "tourisme": (
        _split(
            "accueil touristique, hôtellerie, réservations, relation client, marketing territorial,"
            "événementiel, ingénierie touristique"
        ),
        _split(
            "gestion hôtelière, tourisme durable, animation touristique, patrimoine, restauration,"
            "service au bar, hébergement touristique, agence de voyages, nautisme, golf,"
            "thalassothérapie, housekeeping, guide touristique"
        ),
    ),
    "restauration": (
        _split("cuisine, restauration, service au bar, HACCP, hôtellerie, gestion des stocks"),
        _split("pâtisserie, traiteur, management d'équipe, housekeeping, œnologie, accueil"),
    ),
    "btp": (
        _split(
            "génie civil, conduite de travaux, lecture de plans, AutoCAD, économie de la construction,"
            "béton armé, BIM"
        ),
        _split(
            "Revit, topographie, rénovation énergétique, réglementation thermique, géotechnique,"
            "ouvrages maritimes, maîtrise d'œuvre, gros œuvre, isolation thermique,"
            "marchés publics, résistance des matériaux, Eurocodes"
        ),
    ),
    "sante": (
        _split(
            "santé publique, recherche clinique, dispositifs médicaux, hygiène hospitalière,"
            "affaires réglementaires"
        ),
        _split(
            "santé numérique, épidémiologie, statistiques, biologie médicale, pharmacologie,"
            "imagerie médicale, nutrition, activité physique adaptée, gériatrie"
        ),
    ),
    "recherche": (
        _split(
            "méthodologie de la recherche, revue de littérature, rédaction scientifique, statistiques"
        ),
        _split(
            "montage de projets de recherche, gestion des données de recherche, LaTeX,"
            "valorisation de la recherche, encadrement d'étudiants, enseignement,"
            "veille technologique, propriété intellectuelle"
        ),
    ),
    "maths": (
        _split(
            "modélisation mathématique, statistiques, recherche opérationnelle, mathématiques,"
            "algorithmique"
        ),
        _split(
            "MATLAB, Python, simulation numérique, calcul haute performance, éléments finis,"
            "économétrie, apprentissage automatique, langage R"
        ),
    ),
    "materiaux": (
        _split(
            "matériaux, résistance des matériaux, électronique, sciences physiques, matériaux composites"
        ),
        _split(
            "métrologie, traitement de surface, instrumentation, simulation numérique, optique,"
            "contrôle non destructif, électronique de puissance, télécommunications, nanotechnologies"
        ),
    ),
    "territoires": (
        _split(
            "géographie, urbanisme, SIG, QGIS, sciences humaines et sociales, gestion du littoral"
        ),
        _split(
            "risques naturels, marketing territorial, développement durable, mobilité durable,"
            "fonds européens, administration publique, économie, statistiques"
        ),
    ),
}

SOFT: tuple[str, ...] = _split(
    "travail en équipe, rigueur, autonomie, sens de l'organisation, communication orale,"
    "communication écrite, adaptabilité, esprit d'analyse, curiosité, sens relationnel,"
    "esprit d'initiative, gestion du stress, sens du service, capacité d'apprentissage,"
    "persévérance, créativité, résolution de problèmes, leadership, sens des responsabilités,"
    "écoute active"
)

TOOLS: tuple[str, ...] = _split("pack Office, Excel, Word, PowerPoint, permis B, Google Workspace")

# ISO code -> skill label of the language
LANGUAGE_SKILL: dict[str, str] = {
    "en": "anglais",
    "nl": "néerlandais",
    "de": "allemand",
    "es": "espagnol",
    "it": "italien",
    "pl": "polonais",
}


def all_labels() -> tuple[str, ...]:
    """Every label the generator can write, sorted (for checks)."""
    labels: set[str] = set(SOFT) | set(TOOLS) | set(LANGUAGE_SKILL.values())
    for core, extra in DOMAINS.values():
        labels.update(core)
        labels.update(extra)
    return tuple(sorted(labels))
