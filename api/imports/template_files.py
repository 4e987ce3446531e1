"""Blank import files to fill in: the French column names and one example row per kind."""

from __future__ import annotations

from typing import Any

import pandas as pd

from api.core.spreadsheets import frame_csv, frame_xlsx
from api.imports.exports import CONTENT_TYPES, ExportFile, ExportFormat
from api.imports.schemas import FRENCH_COLUMNS, Kind

# Territory and coordinates come from the town: the template leaves them out.
DERIVED = ("territory", "lat", "lon")

EXAMPLES: dict[Kind, dict[str, Any]] = {
    "organisations": {
        "id": "O-EX-1",
        "kind": "entreprise",
        "name": "Armement de la Côte d'Opale",
        "sector": "pêche",
        "size": "PME",
        "description": "Armement de pêche artisanale, 40 salariés.",
        "town": "Boulogne-sur-Mer",
    },
    "people": {
        "id": "P-EX-1",
        "kind": "étudiant",
        "first_name": "Léa",
        "last_name": "Martin",
        "email": "lea.martin@exemple.fr",
        "headline": "Étudiante en BTS GTLA, cherche un stage en logistique",
        "summary": "Organisation de tournées et gestion d'entrepôt en projet tutoré.",
        "skills": "logistique; gestion des stocks; anglais",
        "programme": "BTS Gestion des transports et logistique associée",
        "level": "bac+2",
        "available_from": "2027-04-01",
        "available_until": "2027-06-30",
        "mobility_km": 40,
        "languages": "fr; en",
        "seeks": "stage; alternance",
        "consent_visible": "oui",
        "town": "Calais",
    },
    "needs": {
        "id": "N-EX-1",
        "kind": "stage",
        "organisation_id": "O-EX-1",
        "title": "Stage assistant logistique portuaire",
        "description": "Suivi des conteneurs et des déclarations en douane.",
        "skills": "logistique; douane",
        "nice_to_have": "anglais",
        "level_min": "bac+2",
        "languages": "fr",
        "remote": "aucun",
        "start_date": "2027-04-12",
        "duration_months": 3,
        "places": 1,
        "town": "Dunkerque",
    },
}


def template_frame(kind: Kind) -> pd.DataFrame:
    """The template of one kind: its French columns and the example row."""
    names = [n for n in FRENCH_COLUMNS[kind] if n not in DERIVED]
    example = EXAMPLES[kind]
    return pd.DataFrame(
        [[example.get(n, "") for n in names]],
        columns=[FRENCH_COLUMNS[kind][n] for n in names],
    )


def template_file(kind: Kind, fmt: ExportFormat) -> ExportFile:
    """The template as a CSV (`;`, UTF-8 with BOM, as French Excel saves it) or an XLSX."""
    frame = template_frame(kind)
    if fmt == "csv":
        content = frame_csv(frame, sep=";").encode("utf-8-sig")
    else:
        content = frame_xlsx(frame, kind)
    return ExportFile(content, CONTENT_TYPES[fmt], f"passerelle-modele-{kind}.{fmt}")
