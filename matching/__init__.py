"""The matching engine's public API: what `api/`, the notebooks and the benchmarks import.

Names are imported from their module at first use (PEP 562): `passerelle serve` starts its
workers without loading scikit-learn, SciPy and the rest in the supervising process (1.8 s
before the first worker could start; README), and `from matching import X` loads only what X
needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matching.allocation import (
        AllocationInstance,
        Candidacy,
        Opening,
        Violation,
        compare,
        stable_allocation,
        welfare_allocation,
    )
    from matching.calibration import (
        FIT_LEVELS,
        Calibration,
        Calibrator,
        FitModel,
        calibration_for,
        default_calibration,
        expected_calibration_error,
        fit_level,
        level_threshold,
        reliability,
    )
    from matching.constraints import CONSTRAINTS, PersonArrays, violations
    from matching.encoders import (
        CachedEncoder,
        Encoder,
        HashingEncoder,
        MemoryStore,
        SqliteStore,
        UniversalSentenceEncoder,
        Vectors,
        default_cache_path,
        load_encoder,
        text_key,
        transient_texts,
        usable_cores,
        warm_encoder,
    )
    from matching.errors import (
        AllocationCode,
        AllocationError,
        JobDatingCode,
        JobDatingError,
        MatchingError,
        TeamsCode,
        TeamsError,
    )
    from matching.evaluation import (
        BASELINES,
        ComponentCache,
        evaluate,
        load_benchmark,
        read_run,
        score_run,
        write_run,
    )
    from matching.explain import EXPERTISE, component_scores, explain_pair
    from matching.features import offer_body, offer_left_out, view
    from matching.geo import TERRITORIES, find_place, territory_of, towns_in
    from matching.index import (
        SERVICE_TAIL,
        Document,
        Exclusions,
        Features,
        Featurizer,
        LiveIndex,
        Snapshot,
    )
    from matching.jobdating import (
        Attendee,
        Company,
        Fit,
        JobDating,
        Meeting,
        Pin,
        Schedule,
        ScheduleError,
        company_agenda,
        report,
        schedule_interviews,
        schedule_violations,
        student_agenda,
        swap,
    )
    from matching.memo import Memo
    from matching.messages import Listing, Phrase, Term, Value
    from matching.ranker import COMPONENTS, HybridRanker, Weights
    from matching.records import need_from_record, profile_from_record
    from matching.related import Kinship, kinship, may_relate
    from matching.rerank import (
        DecisionReranker,
        HoldoutReport,
        Pair,
        evaluate_holdout,
        feature_matrix,
        learnt_order,
        load_reranker,
        pair_features,
        rerank_scores,
        save_reranker,
    )
    from matching.skills import SkillVocabulary, skill_key
    from matching.taxonomy import EscoFormatError, EscoTaxonomy, Reading
    from matching.teams import (
        Participant,
        Teams,
        TeamWeights,
        form_teams,
        team_score,
        team_violations,
    )
    from matching.types import (
        LEVELS,
        Explanation,
        Need,
        NeedKind,
        OrganisationKind,
        PersonKind,
        Place,
        Profile,
        Remote,
        Suggestion,
    )

# Each public name, by the module that defines it.
_MODULES: dict[str, tuple[str, ...]] = {
    "matching.allocation": (
        "AllocationInstance",
        "Candidacy",
        "Opening",
        "Violation",
        "compare",
        "stable_allocation",
        "welfare_allocation",
    ),
    "matching.calibration": (
        "FIT_LEVELS",
        "Calibration",
        "Calibrator",
        "FitModel",
        "calibration_for",
        "default_calibration",
        "expected_calibration_error",
        "fit_level",
        "level_threshold",
        "reliability",
    ),
    "matching.constraints": ("CONSTRAINTS", "PersonArrays", "violations"),
    "matching.encoders": (
        "CachedEncoder",
        "Encoder",
        "HashingEncoder",
        "MemoryStore",
        "SqliteStore",
        "UniversalSentenceEncoder",
        "Vectors",
        "default_cache_path",
        "load_encoder",
        "text_key",
        "transient_texts",
        "usable_cores",
        "warm_encoder",
    ),
    "matching.errors": (
        "AllocationCode",
        "AllocationError",
        "JobDatingCode",
        "JobDatingError",
        "MatchingError",
        "TeamsCode",
        "TeamsError",
    ),
    "matching.evaluation": (
        "BASELINES",
        "ComponentCache",
        "evaluate",
        "load_benchmark",
        "read_run",
        "score_run",
        "write_run",
    ),
    "matching.explain": ("EXPERTISE", "component_scores", "explain_pair"),
    "matching.features": ("offer_body", "offer_left_out", "view"),
    "matching.geo": ("TERRITORIES", "find_place", "territory_of", "towns_in"),
    "matching.index": (
        "SERVICE_TAIL",
        "Document",
        "Exclusions",
        "Features",
        "Featurizer",
        "LiveIndex",
        "Snapshot",
    ),
    "matching.jobdating": (
        "Attendee",
        "Company",
        "Fit",
        "JobDating",
        "Meeting",
        "Pin",
        "Schedule",
        "ScheduleError",
        "company_agenda",
        "report",
        "schedule_interviews",
        "schedule_violations",
        "student_agenda",
        "swap",
    ),
    "matching.memo": ("Memo",),
    "matching.messages": ("Listing", "Phrase", "Term", "Value"),
    "matching.ranker": ("COMPONENTS", "HybridRanker", "Weights"),
    "matching.records": ("need_from_record", "profile_from_record"),
    "matching.related": ("Kinship", "kinship", "may_relate"),
    "matching.rerank": (
        "DecisionReranker",
        "HoldoutReport",
        "Pair",
        "evaluate_holdout",
        "feature_matrix",
        "learnt_order",
        "load_reranker",
        "pair_features",
        "rerank_scores",
        "save_reranker",
    ),
    "matching.skills": ("SkillVocabulary", "skill_key"),
    "matching.taxonomy": ("EscoFormatError", "EscoTaxonomy", "Reading"),
    "matching.teams": (
        "Participant",
        "Teams",
        "TeamWeights",
        "form_teams",
        "team_score",
        "team_violations",
    ),
    "matching.types": (
        "LEVELS",
        "Explanation",
        "Need",
        "NeedKind",
        "OrganisationKind",
        "PersonKind",
        "Place",
        "Profile",
        "Remote",
        "Suggestion",
    ),
}

_WHERE = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'matching' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # found at once next time
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


__all__ = [
    "EXPERTISE",
    "SERVICE_TAIL",
    "Document",
    "EscoFormatError",
    "Exclusions",
    "Features",
    "Featurizer",
    "LiveIndex",
    "Memo",
    "Snapshot",
    # explanations as message ids with typed values (the service writes them out)
    "Listing",
    "Phrase",
    "Term",
    "Value",
    # typed errors, with stable codes
    "AllocationCode",
    "AllocationError",
    "JobDatingCode",
    "JobDatingError",
    "MatchingError",
    "TeamsCode",
    "TeamsError",
    # values the engine works on
    "LEVELS",
    "Explanation",
    "Need",
    "NeedKind",
    "OrganisationKind",
    "PersonKind",
    "Place",
    "Profile",
    "Remote",
    "Suggestion",
    "need_from_record",
    "profile_from_record",
    # places and skills
    "TERRITORIES",
    "find_place",
    "territory_of",
    "towns_in",
    "SkillVocabulary",
    "skill_key",
    "EscoTaxonomy",
    "Reading",
    # texts to vectors
    "Encoder",
    "Vectors",
    "CachedEncoder",
    "HashingEncoder",
    "MemoryStore",
    "SqliteStore",
    "UniversalSentenceEncoder",
    "default_cache_path",
    "load_encoder",
    "text_key",
    "transient_texts",
    "usable_cores",
    "warm_encoder",
    # ranking and its evaluation
    "COMPONENTS",
    "CONSTRAINTS",
    "HybridRanker",
    "PersonArrays",
    "Weights",
    "offer_body",
    "offer_left_out",
    "view",
    "violations",
    "BASELINES",
    "ComponentCache",
    "evaluate",
    "load_benchmark",
    "read_run",
    "score_run",
    "write_run",
    # allocation of people to openings
    "AllocationInstance",
    "Candidacy",
    "Opening",
    "Violation",
    "compare",
    "stable_allocation",
    "welfare_allocation",
    # job dating schedules
    "Attendee",
    "Company",
    "Fit",
    "JobDating",
    "Meeting",
    "Pin",
    "Schedule",
    "ScheduleError",
    "company_agenda",
    "report",
    "schedule_interviews",
    "schedule_violations",
    "student_agenda",
    "swap",
    # hackathon teams
    "Participant",
    "TeamWeights",
    "Teams",
    "form_teams",
    "team_score",
    "team_violations",
    # explanations that agree with the score, without false friends
    "component_scores",
    "explain_pair",
    "Kinship",
    "kinship",
    "may_relate",
    # re-ranking learnt from the region's decisions
    "DecisionReranker",
    "HoldoutReport",
    "Pair",
    "evaluate_holdout",
    "feature_matrix",
    "learnt_order",
    "load_reranker",
    "pair_features",
    "rerank_scores",
    "save_reranker",
    # the fused score calibrated to the probability that a pair is relevant
    "FIT_LEVELS",
    "Calibration",
    "Calibrator",
    "FitModel",
    "calibration_for",
    "default_calibration",
    "expected_calibration_error",
    "fit_level",
    "level_threshold",
    "reliability",
]
