"""Shapes of a ranked, explained recommendation."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

FitLevel = Literal["excellente", "bonne", "possible", "faible"]
FIT_DESCRIPTION = (
    "Probabilité estimée que ce rapprochement soit pertinent (0 à 1), la même échelle pour "
    "toutes les requêtes, tirée des composantes du couple (calibrée sur les benchmarks, où est "
    "pertinent un couple qui vise le même métier : le métier y pèse le plus, la couverture des "
    "compétences peu) ; absente sans calibration / estimated probability that the pair is "
    "relevant (0 to 1), the same scale for every query, from the pair's components (calibrated "
    "on the benchmarks, where a pair is relevant when both aim at the same occupation: the "
    "occupation weighs most, skill coverage little); absent without a calibration"
)
LEVEL_DESCRIPTION = (
    "Niveau d'adéquation tiré de `fit` : excellente (≥ 0,6), bonne (≥ 0,35), possible "
    "(≥ 0,15), faible / fit level from `fit`: excellente, bonne, possible, faible"
)
SCORE_DESCRIPTION = (
    "Score fusionné du classement, comparable seulement au sein d'un classement / the "
    "ranking's fused score, comparable only within one ranking"
)


class ComponentOut(BaseModel):
    name: str
    value: float
    weight: float


class ExplanationOut(BaseModel):
    text_fr: str
    text_en: str
    matched_skills: list[str]
    missing_skills: list[str]
    nice_matched: list[str]
    related_skills: list[str]
    occupation: str | None = Field(
        default=None,
        description="Métier probable commun (libellé ESCO), nommé quand il est un point fort "
        "du rapprochement / likely occupation in common (ESCO label), named when it is one of "
        "the pair's strong points",
    )
    occupation_group: str | None = Field(
        default=None,
        description="Sinon, famille de métiers commune (groupe de base CITP-08 / ISCO-08), "
        "nommée quand elle est un point fort / else the ISCO-08 unit group in common, named "
        "when it is one of the pair's strong points",
    )
    components: list[ComponentOut]
    violations: list[str]
    expertise: bool = Field(
        default=False,
        description="Explication pour un chercheur : les compétences sont une expertise, les "
        "manquantes une expertise complémentaire recherchée, pas des compétences à acquérir / "
        "explained to a researcher: skills are expertise, missing ones further expertise "
        "sought, not skills to acquire",
    )


class RecommendationOut(BaseModel):
    ref: str
    rank: int
    score: float = Field(description=SCORE_DESCRIPTION)
    fit: float | None = Field(default=None, ge=0, le=1, description=FIT_DESCRIPTION)
    level: FitLevel | None = Field(default=None, description=LEVEL_DESCRIPTION)
    title: str
    organisation: str | None = None
    territory: str | None = None
    explanation: ExplanationOut | None


class RecommendationPage(BaseModel):
    items: list[RecommendationOut]
    limit: int
    offset: int
    missing: list[str] = Field(
        default_factory=list,
        description=(
            "Champs à remplir avant toute recommandation (profil ou besoin vide) / fields to fill "
            "in first (empty profile or need): headline, summary, skills; title, description"
        ),
    )
