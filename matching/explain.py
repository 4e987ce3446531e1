"""Explanations of a match as catalogue messages: skills met and missing, evidence, constraints.

The engine names each sentence by a message id with its values (`matching.messages`); the
service writes them out in French or English from its catalogues (`explain.*` keys).

An explanation must agree with the score: its strong points are the components that lifted the
pair above the ranking's other documents (`ComponentScore.standing`), a skill component is
never a strong point when no asked skill is met, a skill the person states in their headline
or summary is never "to acquire", and two skills are called the same or related only when
`matching.related` allows it (no false friends, whatever the encoder's cosine); a skill implied
by one the person holds is never "to acquire": covered when held whole (PHP by Symfony,
JavaScript by React), related when held in part (food safety by HACCP).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from matching.calibration import level_threshold
from matching.constraints import DATES, DISTANCE, KIND, LANGUAGES, LEVEL, pair_distance_km
from matching.features import MatchView, clean
from matching.messages import Listing, Phrase, Term, Value, phrase
from matching.related import IMPLIES, IMPLIES_WHOLLY, may_relate
from matching.skills import SkillVocabulary, skill_key
from matching.types import ComponentScore, Explanation, Need, PersonKind, Profile

# For a researcher, a need's skills are expertise the partnership calls for, not skills to
# learn: their explanations name these messages instead of "covered" and "missing".
EXPERTISE_MISSING = "explain.missing.expertise"
EXPERTISE: frozenset[str] = frozenset(
    {"explain.covered.expertise", "explain.covered_list.expertise", EXPERTISE_MISSING}
)

# Cosines between two lists of skill labels (1 where a label is the same), as explanations ask.
LabelSimilarity = Callable[[Sequence[str], Sequence[str]], NDArray[np.float32]]

MATCHED = 0.80  # cosine from which two skill labels are taken as the same skill
CLOSE = 0.60  # ...and from which they are related enough to say so
STRONG_POINTS = 2  # components named as strong points, at most


def _violations(code: int, need: Need, person: Profile) -> list[Phrase]:
    out: list[Phrase] = []
    if code & KIND:
        out.append(
            phrase(
                "explain.violation.kind",
                kind=Term("kind", need.kind),
                wanted=Listing(tuple(Term("kind", k) for k in person.seeks)),
            )
        )
    if code & DATES:
        out.append(
            phrase(
                "explain.violation.dates",
                start=need.start_date,
                available_from=person.available_from,
                available_until=person.available_until,
            )
        )
    if code & LEVEL:
        out.append(phrase("explain.violation.level", required=need.level_min, level=person.level))
    if code & LANGUAGES:
        missing = sorted(set(need.languages) - set(person.languages))
        out.append(phrase("explain.violation.languages", languages=Listing(tuple(missing))))
    if code & DISTANCE:
        distance = pair_distance_km(need, person)
        if distance is None:
            out.append(phrase("explain.violation.distance_unknown", mobility=person.mobility_km))
        else:
            out.append(
                phrase(
                    "explain.violation.distance",
                    distance=float(distance),
                    mobility=person.mobility_km,
                )
            )
    return out


def _pairs(
    wanted: Sequence[str],
    held: Sequence[str],
    similarity: LabelSimilarity,
    vocabulary: SkillVocabulary,
) -> list[tuple[str, str | None, float]]:
    """For each wanted skill, the closest held skill it may be related to, and their similarity."""
    if not wanted:
        return []
    if not held:
        return [(w, None, 0.0) for w in wanted]
    sims = np.array(similarity(wanted, held), dtype=np.float32)
    # Only pairs the encoder calls close are asked: the rule is cached, but the matrix is not.
    for i, j in zip(*np.nonzero(sims >= CLOSE), strict=True):
        if not may_relate(wanted[int(i)], held[int(j)], vocabulary):
            sims[i, j] = 0.0
    # A skill the person cannot hold without holding the wanted one (React: JavaScript) is
    # related to it, whatever the encoder says; it never leaves that skill "to acquire". One
    # that holds the wanted skill whole (Symfony: PHP) covers it.
    none: frozenset[str] = frozenset()
    keys = [_label(h, vocabulary)[0] or "" for h in held]
    implying = [
        (j, IMPLIES[key], IMPLIES_WHOLLY.get(key, none))
        for j, key in enumerate(keys)
        if key in IMPLIES
    ]
    if implying:
        for i, w in enumerate(wanted):
            wanted_id = _label(w, vocabulary)[0]
            for j, implied, whole in implying:
                floor = MATCHED if wanted_id in whole else CLOSE if wanted_id in implied else 0.0
                sims[i, j] = max(sims[i, j], floor)
    best = sims.argmax(axis=1)
    return [
        (w, held[int(b)], float(sims[i, b]))
        for i, (w, b) in enumerate(zip(wanted, best, strict=True))
    ]


_OwnWords = tuple[frozenset[str], str]


# A region's people (14,000 here): whose words were read once are not read again when they are
# explained for another need (reading them was a third of a first explanation's time).
@lru_cache(maxsize=16384)
def _own_words(headline: str, summary: str, vocabulary: SkillVocabulary) -> _OwnWords:
    """Skill ids a person's headline and summary name, and their comparison key (padded)."""
    tokens = skill_key(clean(f"{headline}. {summary}")).split()  # the text read once
    ids = frozenset(skill.id for skill in vocabulary.extract_tokens(tokens))
    return ids, f" {' '.join(tokens)} "


@lru_cache(maxsize=65536)
def _label(label: str, vocabulary: SkillVocabulary) -> tuple[str | None, str]:
    """A skill label's id in the vocabulary (if any) and its key padded with spaces."""
    skill = vocabulary.lookup(label)
    key = skill_key(label)
    return (skill.id if skill is not None else None), (f" {key} " if key else "")


def states(person: Profile, label: str, vocabulary: SkillVocabulary) -> bool:
    """Whether the person's headline or summary names the skill `label` (vocabulary's keys)."""
    if not (person.headline.strip() or person.summary.strip()):
        return False
    ids, text_key = _own_words(person.headline, person.summary, vocabulary)
    skill_id, key = _label(label, vocabulary)
    return (skill_id is not None and skill_id in ids) or (bool(key) and key in text_key)


def component_scores(
    rows: Mapping[str, NDArray[np.float32]], weight: Callable[[str], float], j: int
) -> tuple[ComponentScore, ...]:
    """The components of document `j` for one query, each with its standing among the documents.

    `rows` holds each component's raw scores over the ranking's documents (one query's row);
    the standing is the z-score the fused score adds up, so the strong points named are the
    ones that ranked this document where it is.
    """
    out: list[ComponentScore] = []
    for name, row in rows.items():
        values = np.asarray(row, dtype=np.float64).ravel()
        std = float(values.std())
        standing = (float(values[j]) - float(values.mean())) / (std if std >= 1e-9 else 1.0)
        out.append(ComponentScore(name, float(values[j]), weight(name), standing))
    return tuple(out)


def strong_points(
    components: Sequence[ComponentScore], *, covered: int, shared: bool
) -> list[ComponentScore]:
    """The components that raised the pair above the others, strongest first.

    Without a standing (a caller that gives raw values only) the weighted raw value stands in.
    "Asked skills covered" is no strength when none is covered (`covered`), "the profile's
    skills used" none when the two sides share no skill, not even a related one (`shared`).
    """

    def may_be_named(c: ComponentScore) -> bool:
        if c.name == "skills":
            return covered > 0
        if c.name == "reciprocal":
            return shared
        return True

    eligible = [c for c in components if c.weight > 0 and c.lift > 0 and may_be_named(c)]
    return sorted(eligible, key=lambda c: c.lift, reverse=True)[:STRONG_POINTS]


@dataclass(frozen=True, slots=True)
class SkillOutcome:
    """What a pair's skills say, whatever the ranking: the need's skills met, related, missing.

    It depends only on the two sides' skills and the person's own words (and the encoder that
    compares labels), so a service may keep it across rankings (`Snapshot.explain_at` does).
    """

    matched: tuple[str, ...]
    close: tuple[tuple[str, str], ...]  # (wanted, held) called related
    missing: tuple[str, ...]
    nice_matched: tuple[str, ...]


def _held_by_occupation(
    fit: float | None,
    covered: int,
    asked: int,
    occupations: Callable[[str], str | None] | None,
) -> Phrase | None:
    """ "The fit is held down by the occupation: the need reads as X, the profile as Y", for a
    pair whose fit stays below "bonne" though the person covers at least half the asked
    skills, when the two sides' likeliest occupations differ; None otherwise."""
    if fit is None or occupations is None or not asked or 2 * covered < asked:
        return None
    if fit >= level_threshold("bonne"):
        return None
    need, person = occupations("need"), occupations("person")
    if not need or not person or need == person:
        return None
    # A side whose first occupation does not stand out (`Reading.clear`) is not said to "read
    # as" it: the profile page shows the same doubt, and how to lift it.
    unclear = (occupations("need_unclear") is not None, occupations("person_unclear") is not None)
    return phrase(_HELD[unclear], need=need, person=person)


_HELD = {
    (False, False): "explain.fit_held",
    (True, False): "explain.fit_held.need_unclear",
    (False, True): "explain.fit_held.person_unclear",
    (True, True): "explain.fit_held.both_unclear",
}


def skill_outcome(
    need_view: MatchView,
    person_view: MatchView,
    person: Profile,
    similarity: LabelSimilarity,
    vocabulary: SkillVocabulary | None = None,
) -> SkillOutcome:
    vocabulary = vocabulary if vocabulary is not None else SkillVocabulary.builtin()
    required = _pairs(need_view.skills, person_view.skills, similarity, vocabulary)
    nice = _pairs(need_view.nice, person_view.skills, similarity, vocabulary)
    # A skill the person names in their own words is met, even if not in their skill list.
    said = {w for w, _, s in (*required, *nice) if s < MATCHED and states(person, w, vocabulary)}
    return SkillOutcome(
        matched=tuple(w for w, _, s in required if s >= MATCHED or w in said),
        close=tuple(
            (w, h)
            for w, h, s in required
            if CLOSE <= s < MATCHED and h is not None and w not in said
        ),
        missing=tuple(w for w, _, s in required if s < CLOSE and w not in said),
        nice_matched=tuple(w for w, _, s in nice if s >= MATCHED or w in said),
    )


def explain_pair(
    need: Need,
    person: Profile,
    *,
    need_view: MatchView,
    person_view: MatchView,
    similarity: LabelSimilarity,
    components: Sequence[ComponentScore],
    code: int,
    vocabulary: SkillVocabulary | None = None,
    outcome: SkillOutcome | None = None,
    occupations: Callable[[str], str | None] | None = None,
    fit: float | None = None,
) -> Explanation:
    """The explanation of one pair; `outcome`, when given, is `skill_outcome` of the same pair
    (kept by the caller), else it is computed here.

    `occupations` names what ESCO reads of the pair (None without ESCO):
    `occupations("occupation")` the occupation the two sides most likely share,
    `occupations("occupation_group")` their ISCO-08 group (`EscoTaxonomy.shared_occupation`,
    `shared_group`), `occupations("need")` and `occupations("person")` each side's likeliest
    occupation, `occupations("need_unclear")` and `occupations("person_unclear")` the same
    only when that side's reading is not clear (`EscoTaxonomy.reading`), else None. The
    shared one is named when its component is a strong point, so "same likely occupation"
    says which. `fit` is the pair's shown fit: when it stays below "bonne" while
    the person covers at least half the asked skills, and the two sides read as different
    occupations, the explanation says so (the fit weighs the occupation most): a candidate
    with every skill shown "Faible" is told why.
    """
    vocab = vocabulary if vocabulary is not None else SkillVocabulary.builtin()
    if outcome is None:
        outcome = skill_outcome(need_view, person_view, person, similarity, vocab)
    matched, close, missing = outcome.matched, outcome.close, outcome.missing
    nice_matched = outcome.nice_matched
    violated = tuple(_violations(code, need, person))
    expertise = person.kind == PersonKind.RESEARCHER

    reasons: list[Phrase] = []
    if need_view.skills:
        counts = {"matched": len(matched), "required": len(need_view.skills)}
        if matched and expertise:
            reasons.append(
                phrase("explain.covered_list.expertise", **counts, skills=Listing(matched))
            )
        elif matched:
            reasons.append(phrase("explain.covered_list", **counts, skills=Listing(matched)))
        elif expertise:
            reasons.append(phrase("explain.covered.expertise", **counts))
        else:
            reasons.append(phrase("explain.covered", **counts))
    if close:
        pairs = tuple(phrase("explain.related_pair", wanted=w, held=h) for w, h in close)
        reasons.append(phrase("explain.related", pairs=Listing(pairs)))
    if missing and expertise:
        reasons.append(phrase("explain.missing.expertise", skills=Listing(missing)))
    elif missing:
        reasons.append(phrase("explain.missing", skills=Listing(missing)))
    if nice_matched:
        reasons.append(phrase("explain.nice", skills=Listing(nice_matched)))
    strongest = strong_points(
        components, covered=len(matched), shared=bool(matched or close or nice_matched)
    )
    occupation = group = None
    if strongest:
        # "Same likely occupation" says which, in the list itself (else its family, when that
        # alone is a strong point): "Points forts : même métier probable « soudeur/soudeuse »
        # (ESCO), mots en commun".
        named = {c.name for c in strongest}
        if occupations is not None and "occupation" in named:
            occupation = occupations("occupation")
        if not occupation and occupations is not None and "occupation_group" in named:
            group = occupations("occupation_group")
        items: list[Value] = []
        for c in strongest:
            if c.name == "occupation" and occupation:
                items.append(phrase("explain.component.occupation_named", occupation=occupation))
            elif c.name == "occupation_group" and group:
                items.append(phrase("explain.component.occupation_group_named", group=group))
            else:
                items.append(Term("component", c.name))
        reasons.append(phrase("explain.strongest", components=Listing(tuple(items))))
    held = _held_by_occupation(fit, len(matched), len(need_view.skills), occupations)
    if held is not None:
        reasons.append(held)
    if violated:
        listed = Listing(violated, separator="explain.separator.reasons")
        reasons.append(phrase("explain.ruled_out", reasons=listed))
    notes: tuple[Phrase, ...] = ()
    if need_view.extracted or person_view.extracted:
        notes = (phrase("explain.note.extracted"),)
    return Explanation(
        matched_skills=matched,
        missing_skills=missing,
        nice_matched=nice_matched,
        inferred_skills=tuple(w for w, _ in close),
        occupation=occupation,
        occupation_group=group,
        components=tuple(components),
        reasons=tuple(reasons),
        ruled_out=violated,
        notes=notes,
    )
