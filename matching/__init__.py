"""The matching engine's public API: what `api/`, the notebooks and the benchmarks import."""

from matching.allocation import (
    AllocationInstance,
    Candidacy,
    Opening,
    Violation,
    compare,
    stable_allocation,
    welfare_allocation,
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
from matching.features import view
from matching.geo import TERRITORIES, find_place, territory_of, towns_in
from matching.index import Document, Exclusions, Features, Featurizer, LiveIndex, Snapshot
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
from matching.taxonomy import EscoFormatError, EscoTaxonomy
from matching.teams import Participant, Teams, TeamWeights, form_teams, team_score, team_violations
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

__all__ = [
    "EXPERTISE",
    "Document",
    "EscoFormatError",
    "Exclusions",
    "Features",
    "Featurizer",
    "LiveIndex",
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
    # ranking and its evaluation
    "COMPONENTS",
    "CONSTRAINTS",
    "HybridRanker",
    "PersonArrays",
    "Weights",
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
]
