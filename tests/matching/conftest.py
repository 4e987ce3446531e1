"""Engine fixtures: the demo region as engine values, and fitted rankers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matching.encoders import (
    CachedEncoder,
    EmbeddingStore,
    HashingEncoder,
    UniversalSentenceEncoder,
)
from matching.index import Featurizer
from matching.ranker import HybridRanker
from matching.records import need_from_record, profile_from_record
from matching.skills import SkillVocabulary
from matching.types import Need, Profile

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def _jsonl(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (DEMO / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def demo_needs() -> list[Need]:
    return [need_from_record(r) for r in _jsonl("needs.jsonl")]


@pytest.fixture(scope="session")
def demo_profiles() -> list[Profile]:
    return [profile_from_record(r) for r in _jsonl("profiles.jsonl")]


@pytest.fixture(scope="session")
def use_encoder(vector_store: EmbeddingStore) -> CachedEncoder:
    return CachedEncoder(UniversalSentenceEncoder(), vector_store)


@pytest.fixture(scope="session")
def hashing_encoder() -> CachedEncoder:
    return CachedEncoder(HashingEncoder())


@pytest.fixture(scope="session")
def profiles_ranker(use_encoder: CachedEncoder, demo_profiles: list[Profile]) -> HybridRanker:
    """Ranks the demo's people for a need (real model)."""
    return HybridRanker(use_encoder, vocabulary=SkillVocabulary.builtin()).fit(demo_profiles)


@pytest.fixture(scope="session")
def needs_ranker(use_encoder: CachedEncoder, demo_needs: list[Need]) -> HybridRanker:
    """Ranks the demo's needs for a person (real model)."""
    return HybridRanker(use_encoder, vocabulary=SkillVocabulary.builtin()).fit(demo_needs)


@pytest.fixture(scope="module")
def featurizer() -> Featurizer:
    """A featurizer without a model (hashed vectors) and with the built-in vocabulary."""
    return Featurizer(CachedEncoder(HashingEncoder()), vocabulary=SkillVocabulary.builtin())
