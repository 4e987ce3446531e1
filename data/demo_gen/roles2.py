"""Roles per sector (part 2: industry, digital, health, construction, environment)."""

from __future__ import annotations

from demo_gen.roles import ROLES_PART1, Role

_ALL = ("internship", "apprenticeship", "job")

ROLES_PART2: dict[str, tuple[Role, ...]] = {
    "industrie": (
        Role(
            "maintenance",
            (
                "technicien de maintenance",
                "électromécanicien",
                "responsable maintenance adjoint",
                "technicien méthodes maintenance",
            ),
            ("maintenance", "energie_elec"),
            (
                "réaliser la maintenance préventive et corrective des lignes de production",
                "diagnostiquer les pannes mécaniques, hydrauliques et pneumatiques",
                "mettre à jour la GMAO et analyser l'historique des interventions",
                "proposer des améliorations pour réduire les arrêts non planifiés",
                "préparer les arrêts techniques avec les sous-traitants",
                "mettre en place une démarche de maintenance conditionnelle",
                "intervenir ponctuellement en soudage et en chaudronnerie",
            ),
            _ALL,
            {"internship": "bac+1", "apprenticeship": None, "job": "bac+2"},
        ),
        Role(
            "production",
            (
                "ingénieur méthodes",
                "animateur amélioration continue",
                "technicien industrialisation",
                "chef d'atelier",
            ),
            ("production", "maintenance"),
            (
                "analyser les temps de cycle et les pertes de performance des équipements",
                "animer des chantiers 5S et SMED avec les opérateurs",
                "rédiger les gammes de fabrication et les standards de travail",
                "suivre les indicateurs de production et de qualité",
                "industrialiser de nouvelles références avec le bureau d'études",
                "réaliser des analyses AMDEC sur les procédés critiques",
            ),
            _ALL,
            {"internship": "bac+2", "apprenticeship": "bac+2", "job": "bac+3"},
        ),
        Role(
            "hse_industrie",
            ("animateur HSE", "technicien environnement industriel", "chargé de prévention"),
            ("hse_env", "procedes_surete"),
            (
                "mettre à jour le document unique d'évaluation des risques",
                "suivre les rejets atmosphériques et aqueux du site",
                "préparer la certification ISO 14001 et ISO 45001",
                "animer la culture sécurité auprès des équipes postées",
                "gérer les filières de déchets et leur traçabilité",
            ),
            _ALL,
            {"internship": "bac+2", "apprenticeship": "bac", "job": "bac+2"},
        ),
    ),
    "numérique": (
        Role(
            "dev_web",
            (
                "développeur web",
                "développeur full stack",
                "intégrateur web",
                "développeur PHP Symfony",
            ),
            ("dev_web", "genie_logiciel"),
            (
                "développer de nouvelles fonctionnalités sur nos applications web",
                "concevoir des API REST et les documenter",
                "intégrer des maquettes en respectant l'accessibilité",
                "écrire des tests automatisés et participer aux revues de code",
                "participer aux rituels agiles avec les chefs de projet",
                "améliorer les performances et le référencement des sites clients",
                "maintenir les sites existants et accompagner les mises en production",
            ),
            _ALL,
            {"internship": "bac+1", "apprenticeship": "bac", "job": "bac+2"},
        ),
        Role(
            "data",
            (
                "data analyst",
                "data scientist",
                "ingénieur données",
                "consultant business intelligence",
            ),
            ("data", "genie_logiciel"),
            (
                "collecter, nettoyer et structurer les données de nos clients industriels",
                "construire des tableaux de bord Power BI",
                "développer des modèles de prévision et de détection d'anomalies",
                "automatiser des traitements en Python et en SQL",
                "présenter les résultats aux équipes métier",
                "documenter les jeux de données et les règles de gestion",
            ),
            _ALL,
            {"internship": "bac+3", "apprenticeship": "bac+2", "job": "bac+3"},
        ),
        Role(
            "infra",
            (
                "administrateur systèmes et réseaux",
                "technicien support informatique",
                "analyste cybersécurité",
            ),
            ("info_sys", "genie_logiciel"),
            (
                "administrer les serveurs Linux et Windows de nos clients",
                "assurer le support utilisateurs de niveau 1 et 2",
                "mettre en place la sauvegarde et la supervision des infrastructures",
                "participer aux audits de sécurité et au durcissement des systèmes",
                "déployer des postes de travail et gérer le parc",
                "rédiger la documentation technique et les procédures",
            ),
            _ALL,
            {"internship": "bac+1", "apprenticeship": "bac", "job": "bac+2"},
        ),
        Role(
            "webmarketing",
            ("chargé de webmarketing", "UX/UI designer", "chef de projet digital"),
            ("marketing_digital", "design"),
            (
                "concevoir des parcours utilisateurs et des maquettes sous Figma",
                "piloter les campagnes de référencement et les réseaux sociaux",
                "suivre les statistiques d'audience et proposer des optimisations",
                "rédiger des contenus pour les sites de nos clients",
                "coordonner les projets entre les clients, les développeurs et les graphistes",
            ),
            _ALL,
            {"internship": "bac+2", "apprenticeship": "bac", "job": "bac+3"},
        ),
    ),
    "santé": (
        Role(
            "affaires_reglementaires",
            (
                "chargé d'affaires réglementaires",
                "assistant qualité dispositifs médicaux",
                "chef de projet santé numérique",
            ),
            ("sante", "qualite_agro"),
            (
                "constituer les dossiers techniques pour le marquage CE",
                "suivre la matériovigilance et les retours du terrain",
                "participer aux essais avec les établissements de santé",
                "mettre à jour le système de management de la qualité",
                "réaliser une veille réglementaire sur les dispositifs médicaux",
            ),
            _ALL,
            {"internship": "bac+3", "apprenticeship": "bac+2", "job": "bac+3"},
        ),
        Role(
            "sante_data",
            ("développeur santé connectée", "data analyst santé"),
            ("data", "sante"),
            (
                "analyser les données issues des capteurs portés par les patients",
                "développer des indicateurs de suivi à destination des soignants",
                "veiller à la conformité RGPD et à la sécurité des données de santé",
                "améliorer l'ergonomie des applications pour les personnes âgées",
            ),
            _ALL,
            {"internship": "bac+2", "apprenticeship": "bac+2", "job": "bac+3"},
        ),
    ),
    "BTP": (
        Role(
            "travaux",
            (
                "conducteur de travaux",
                "assistant conducteur de travaux",
                "technicien bureau d'études",
                "dessinateur-projeteur",
            ),
            ("btp", "hse_env"),
            (
                "préparer les chantiers et planifier les interventions des équipes",
                "établir les métrés et les devis",
                "réaliser les plans et la maquette BIM des ouvrages",
                "suivre l'avancement, la qualité et la sécurité sur les chantiers",
                "participer aux réunions de chantier avec la maîtrise d'œuvre",
                "dimensionner des éléments en béton armé selon les Eurocodes",
            ),
            _ALL,
            {"internship": "bac+1", "apprenticeship": None, "job": "bac+2"},
        ),
    ),
    "environnement": (
        Role(
            "etudes_env",
            (
                "chargé d'études environnement",
                "technicien mesures et prélèvements",
                "ingénieur qualité de l'air",
                "chargé de mission biodiversité littorale",
            ),
            ("hse_env", "mer_environnement", "chimie_atmo"),
            (
                "réaliser des prélèvements d'eau, de sols et d'air sur le terrain",
                "rédiger des études d'impact et des dossiers réglementaires",
                "cartographier les habitats naturels du littoral sous SIG",
                "exploiter les données de mesure et rédiger les rapports",
                "accompagner les industriels dans leurs démarches de réduction des rejets",
                "animer des actions de sensibilisation auprès du public",
            ),
            _ALL,
            {"internship": "bac+2", "apprenticeship": "bac", "job": "bac+3"},
        ),
        Role(
            "dechets",
            (
                "responsable d'exploitation recyclage",
                "technicien traitement des eaux",
                "chargé de projet économie circulaire",
            ),
            ("hse_env", "logistique"),
            (
                "organiser la collecte et le tri des déchets industriels",
                "suivre le fonctionnement de la station de traitement",
                "proposer de nouvelles filières de valorisation",
                "optimiser les tournées de collecte",
                "suivre les indicateurs réglementaires et les déclarations",
            ),
            _ALL,
            {"internship": "bac+1", "apprenticeship": None, "job": "bac+2"},
        ),
    ),
}

ROLES: dict[str, tuple[Role, ...]] = {**ROLES_PART1, **ROLES_PART2}
