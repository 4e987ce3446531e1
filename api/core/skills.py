"""The skills table, shared by every domain that writes skills (profiles, needs, imports)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Skill
from matching.skills import SkillVocabulary
from matching.skills import skill_key as normalise


class SkillResolver:
    """Maps free skill labels to Skill rows, creating unknown ones once per import."""

    def __init__(self, session: Session, vocabulary: SkillVocabulary) -> None:
        self.session = session
        self.vocabulary = vocabulary
        self.by_key = {s.key: s for s in session.scalars(select(Skill))}
        self.by_label: dict[str, Skill | None] = {}  # normalising is the costly part
        self.created = 0

    def resolve(self, label: str) -> Skill | None:
        if label in self.by_label:
            return self.by_label[label]
        self.by_label[label] = row = self._resolve(label)
        return row

    def _resolve(self, label: str) -> Skill | None:
        label = label.strip()
        if not label:
            return None
        known = self.vocabulary.lookup(label)
        name, family, aliases = (
            (known.label, known.family, list(known.aliases)) if known else (label, None, [])
        )
        key = normalise(name)
        row = self.by_key.get(key)
        if row is None:
            row = Skill(name=name, key=key, family=family, aliases=aliases)
            self.session.add(row)
            self.by_key[key] = row
            self.created += 1
        return row

    def resolve_all(self, labels: Iterable[str]) -> list[Skill]:
        out: list[Skill] = []
        ids: set[int] = set()
        for label in labels:
            row = self.resolve(label)
            if row is not None and id(row) not in ids:
                ids.add(id(row))
                out.append(row)
        return out
