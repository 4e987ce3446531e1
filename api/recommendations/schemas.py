"""Shapes of a ranked, explained recommendation."""

from __future__ import annotations

from pydantic import BaseModel, Field


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
    score: float
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
