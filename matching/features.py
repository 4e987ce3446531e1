"""What the engine reads of a need or a profile: a title, a body, skills, constraints."""

from __future__ import annotations

import re
from dataclasses import dataclass

from matching.skills import SkillVocabulary
from matching.types import Need, Profile

# Offers and profiles carry sentences that say nothing about the match ("H/F", perks,
# "motivé, permis B"); they drown the signal for every model, so the core is kept apart.
_GENDER = re.compile(r"\(?\b[hf]\s*/\s*[hf]\b\)?", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
MAX_TEXT = 20_000  # characters read from one text: a huge paste must not stall a request


@dataclass(frozen=True, slots=True)
class MatchView:
    """One side of a match as text: `skills` are required (need) or held (person)."""

    id: str
    is_need: bool
    title: str
    body: str
    skills: tuple[str, ...]
    nice: tuple[str, ...]
    extracted: bool  # skills were read from the text, not given

    @property
    def lexical_text(self) -> str:
        return " ; ".join([self.title, *self.skills, *self.nice, self.body])

    @property
    def core(self) -> str:
        """The first sentences of the body, for the dense vector when nothing else is given."""
        out = ""
        for sentence in _SENTENCE.split(self.body):
            if len(out) + len(sentence) > 300 and out:
                break
            out = f"{out} {sentence}".strip()
        return out


def clean(text: str) -> str:
    return _GENDER.sub(" ", text[:MAX_TEXT]).strip()


def _dedupe(labels: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for label in labels:
        label = label.strip()
        if label and label.lower() not in seen:
            seen[label.lower()] = label
    return tuple(seen.values())


def view(item: Need | Profile, vocabulary: SkillVocabulary | None = None) -> MatchView:
    """The view of a need or profile; skills are extracted from the text when none are given."""
    if isinstance(item, Need):
        title, body = clean(item.title), clean(item.description)
        skills, nice = _dedupe(item.skills), _dedupe(item.nice_to_have)
        is_need = True
    else:
        title, body = clean(item.headline), clean(item.summary)
        skills, nice = _dedupe(list(item.skills) + list(item.research_topics)), ()
        is_need = False
    extracted = False
    if not skills and vocabulary is not None:
        skills = tuple(s.label for s in vocabulary.extract(f"{title}. {body}"))[:30]
        extracted = bool(skills)
    return MatchView(item.id, is_need, title, body, skills, nice, extracted)
