"""Skill vocabulary: comparison keys, lookup, extraction from free text and autocompletion."""

from __future__ import annotations

import csv
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["BUILTIN_PATH", "Skill", "SkillVocabulary", "normalise", "skill_key"]

# Next to the module rather than via importlib.resources: works the same from a checkout, an
# editable install or a wheel, whether or not the package has an __init__.py.
BUILTIN_PATH = Path(__file__).resolve().parent / "resources" / "skills_fr.tsv"

# Tokens are runs of letters/digits; "c++", "c#", "f#" keep their sign and ".net" its dot, so
# that they stay distinct from "c", "f" and "net" once punctuation is gone.
_TOKEN = re.compile(r"\.net(?![^\W_])|[^\W_]+(?:\+\+|#)?")
# "R&D", "B&B", "AT&T": an ampersand inside a word glues it rather than splitting it.
_AMP_IN_WORD = re.compile(r"(?<=[^\W_])&(?=[^\W_])")
_NON_DECOMPOSABLE = str.maketrans(
    {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Singular words that merely end like a plural; stripping them would merge unrelated words or
# produce keys nobody would type.
_INVARIANT = _words(
    """
    caces windows kubernetes jenkins devops mlops macos https dans sans vers alors temps corps
    poids tres apres pres aupres moins lors toujours ailleurs plusieurs divers gens mars cours
    secours concours parcours discours recours lens reims arras amiens faux taux chaux vaux
    """
)
_IRREGULAR = {
    "travaux": "travail",
    "vitraux": "vitrail",
    "coraux": "corail",
    "materiaux": "materiau",
    "tuyaux": "tuyau",
    "noyaux": "noyau",
    "essais": "essai",
    "emplois": "emploi",
    "suivis": "suivi",
    "defis": "defi",
    "individus": "individu",
    "menus": "menu",
}
# Endings that usually belong to singular words ("process", "bus", "analysis", "nodejs",
# "devops"), so a final "s" there is not a plural mark.
_S_KEEP_ENDINGS = ("ss", "us", "is", "js", "ops")

# Function words ignored when comparing labels ("gestion des stocks" == "gestion de stock").
_STOPWORDS = _words("a au aux d de des du en et l la le les un une the of and")


def _fold_char(char: str) -> str:
    # Iterate because case folding can expose new decompositions ("ǰ", "İ"); the fixed point
    # makes normalise() idempotent.
    text = char
    for _ in range(4):
        folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
        folded = "".join(c for c in folded if not unicodedata.combining(c))
        folded = folded.translate(_NON_DECOMPOSABLE)
        if folded == text:
            break
        text = folded
    return text


class _FoldTable(dict[int, str]):
    """str.translate table filled on demand: each distinct character is folded once."""

    def __missing__(self, code: int) -> str:
        if len(self) > 100_000:  # bounded even if fed every code point in Unicode
            self.clear()
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def _fold(text: str) -> str:
    """Lower-case and strip accents ("Œuvre Élégante" -> "oeuvre elegante")."""
    text = text.lower()
    return text if text.isascii() else text.translate(_FOLD_TABLE)


def _strip_plural_once(token: str) -> str:
    if len(token) < 4 or token in _INVARIANT or not token.isalpha():
        return token
    irregular = _IRREGULAR.get(token)
    if irregular is not None:
        return irregular
    if token.endswith("eaux"):
        return token[:-1]
    if token.endswith("aux"):
        return token[:-2] + "l"
    if token.endswith("s") and not token.endswith(_S_KEEP_ENDINGS):
        return token[:-1]
    return token


@lru_cache(maxsize=65536)
def _singular(token: str) -> str:
    # Repeat until stable so that normalise() is idempotent even on odd inputs ("bateauxs").
    while True:
        stripped = _strip_plural_once(token)
        if stripped == token:
            return token
        token = stripped


def normalise(text: str) -> str:
    """Comparison key for a label: lower case, no accents or punctuation, singular tokens.

    >>> normalise("Développement Web")
    'developpement web'
    >>> normalise("C++ / C# / .NET, R&D")
    'c++ c# .net rd'
    >>> normalise("Analyses des procédés (process)")
    'analyse des procede process'
    """
    folded = _AMP_IN_WORD.sub("", _fold(text))
    return " ".join(_singular(tok) for tok in _TOKEN.findall(folded))


def _key_tokens(text: str) -> list[str]:
    return [tok for tok in normalise(text).split() if tok not in _STOPWORDS]


def skill_key(text: str) -> str:
    """Key under which a label is looked up: normalised, without function words."""
    return " ".join(_key_tokens(text))


@dataclass(frozen=True, slots=True)
class Skill:
    """A skill of the vocabulary: stable id, canonical label, family and synonyms."""

    id: str
    label: str
    family: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The label followed by its aliases."""
        return (self.label, *self.aliases)


# Job-ad boilerplate that contains a skill word without asking for the skill ("ticket
# restaurant", "contrat d'apprentissage"): extraction consumes these phrases and reports nothing.
NOT_SKILL_PHRASES = (
    "ticket restaurant",
    "tickets restaurant",
    "titres restaurant",
    "restaurant d'entreprise",
    "restaurant inter-entreprises",
    "processus de recrutement",
    "lettre de motivation",
    "contrat d'apprentissage",
    "contrat de professionnalisation",
    "contrat d'alternance",
    "contrat de travail",
    "SAS au capital",
)
_NO_SKILL = -2


class _Node:
    """Token trie node; ``skill`` is the index of the skill ending here, -1 or _NO_SKILL."""

    __slots__ = ("children", "skill")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.skill = -1


# Aliases starting with this mark are understood by lookup() but never searched for in free text,
# because as plain words they are too ambiguous ("R", "Go", "qualité", "serveur").
LOOKUP_ONLY_MARK = "~"


class SkillVocabulary:
    """An immutable set of skills with fast lookup, extraction and prefix search."""

    __slots__ = ("_by_id", "_by_key", "_completions", "_not_in_text", "_skills", "_trie")

    def __init__(
        self, skills: Iterable[Skill], lookup_only: Iterable[tuple[str, str]] = ()
    ) -> None:
        """Index ``skills``; ``lookup_only`` holds (skill id, name) pairs never searched in text.

        When two skills share a key the earlier one keeps it, and labels win over aliases, so a
        canonical label is never shadowed by someone else's synonym.
        """
        self._skills: tuple[Skill, ...] = tuple(skills)
        self._by_id: dict[str, int] = {}
        for index, skill in enumerate(self._skills):
            if skill.id in self._by_id:
                raise ValueError(f"duplicate skill id {skill.id!r}")
            self._by_id[skill.id] = index
        self._not_in_text = frozenset((sid, skill_key(name)) for sid, name in lookup_only)

        self._by_key: dict[str, int] = {}
        extractable: dict[str, int] = {}
        labels = [(index, (skill.label,)) for index, skill in enumerate(self._skills)]
        aliases = [(index, skill.aliases) for index, skill in enumerate(self._skills)]
        for index, names in (*labels, *aliases):
            for name in names:
                key = skill_key(name)
                if not key or self._by_key.setdefault(key, index) != index:
                    continue
                if (self._skills[index].id, key) not in self._not_in_text and _searchable(key):
                    extractable[key] = index

        self._trie = _Node()
        for key, index in extractable.items():
            node = self._trie
            for token in key.split():
                node = node.children.setdefault(token, _Node())
            node.skill = index
        for phrase in NOT_SKILL_PHRASES:
            node = self._trie
            for token in _key_tokens(phrase):
                node = node.children.setdefault(token, _Node())
            if node.skill == -1:
                node.skill = _NO_SKILL

        # (normalised name from some token on, rank, skill index): a sorted list makes prefix
        # search a bisection; rank 0 = label from its start, 1 = alias from its start, 2 = inside.
        completions: set[tuple[str, int, int]] = set()
        for index, skill in enumerate(self._skills):
            for rank_base, name in ((0, skill.label), *((1, alias) for alias in skill.aliases)):
                tokens = normalise(name).split()
                for start in range(len(tokens)):
                    rank = rank_base if start == 0 else 2
                    completions.add((" ".join(tokens[start:]), rank, index))
        self._completions = sorted(completions)

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def builtin(cls) -> SkillVocabulary:
        """The vocabulary shipped with the project (loaded once, then shared)."""
        return _builtin()

    @classmethod
    def load(cls, path: str | Path) -> SkillVocabulary:
        """Read a vocabulary file in the layout of ``resources/skills_fr.tsv``."""
        with open(path, encoding="utf-8", newline="") as handle:
            return cls._from_lines(handle)

    @classmethod
    def _from_lines(cls, lines: Iterable[str]) -> SkillVocabulary:
        rows = csv.DictReader(
            (line for line in lines if line.strip() and not line.startswith("#")),
            delimiter="\t",
            quoting=csv.QUOTE_NONE,
        )
        missing = {"id", "label", "family", "aliases_fr", "aliases_en"} - set(rows.fieldnames or ())
        if missing:
            raise ValueError(f"skills file lacks column(s): {', '.join(sorted(missing))}")
        skills: list[Skill] = []
        lookup_only: list[tuple[str, str]] = []
        for row in rows:
            aliases: list[str] = []
            for cell in (row["aliases_fr"], row["aliases_en"]):
                for raw in (cell or "").split("|"):
                    alias = raw.strip()
                    if alias.startswith(LOOKUP_ONLY_MARK):
                        alias = alias[len(LOOKUP_ONLY_MARK) :].strip()
                        lookup_only.append((row["id"], alias))
                    if alias and alias not in aliases and alias != row["label"]:
                        aliases.append(alias)
            skills.append(Skill(row["id"], row["label"].strip(), row["family"], tuple(aliases)))
        return cls(skills, lookup_only)

    def extend(self, skills: Iterable[Skill], *, extractable: bool = True) -> SkillVocabulary:
        """A new vocabulary with ``skills`` added after the current ones.

        Existing keys keep their skill. With ``extractable=False`` the added names are only used
        by lookup(), not searched for in free text (useful for long, generic taxonomies).
        """
        added = tuple(skills)
        lookup_only = set(self._not_in_text)
        if not extractable:
            lookup_only.update((skill.id, name) for skill in added for name in skill.names)
        return SkillVocabulary((*self._skills, *added), lookup_only)

    # -- queries ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._skills)

    def __iter__(self) -> Iterator[Skill]:
        return iter(self._skills)

    def __contains__(self, label: object) -> bool:
        return isinstance(label, str) and self.lookup(label) is not None

    def get(self, skill_id: str) -> Skill | None:
        """The skill with this id, if any."""
        index = self._by_id.get(skill_id)
        return None if index is None else self._skills[index]

    def families(self) -> tuple[str, ...]:
        """Family names, sorted."""
        return tuple(sorted({skill.family for skill in self._skills}))

    def by_family(self, family: str) -> tuple[Skill, ...]:
        """Skills of one family, in vocabulary order."""
        return tuple(skill for skill in self._skills if skill.family == family)

    def lookup(self, label: str) -> Skill | None:
        """The skill whose label or alias has the same key as ``label``, if any."""
        index = self._by_key.get(skill_key(label))
        return None if index is None else self._skills[index]

    def canonicalise(self, labels: Iterable[str]) -> tuple[list[Skill], list[str]]:
        """Known skills (deduplicated, in order) and the unknown labels exactly as given."""
        known: list[Skill] = []
        seen: set[int] = set()
        unknown: list[str] = []
        unknown_keys: set[str] = set()
        for label in labels:
            key = skill_key(label)
            if not key:
                continue
            index = self._by_key.get(key)
            if index is None:
                if key not in unknown_keys:
                    unknown_keys.add(key)
                    unknown.append(label)
            elif index not in seen:
                seen.add(index)
                known.append(self._skills[index])
        return known, unknown

    def extract(self, text: str) -> list[Skill]:
        """Skills mentioned in ``text``, in order of first mention, longest match first.

        Matching is on whole tokens of the normalised text, so "Java" is not found in
        "JavaScript" and "SQL Server" wins over "SQL". Linear in the text length.
        """
        return self.extract_tokens(_key_tokens(text))

    def extract_tokens(self, tokens: Sequence[str]) -> list[Skill]:
        """`extract` of a text already split into its keys' tokens (`skill_key(text).split()`)."""
        found: list[Skill] = []
        seen: set[int] = set()
        position, count = 0, len(tokens)
        root = self._trie.children
        while position < count:
            node = root.get(tokens[position])
            best, best_end = -1, position + 1
            cursor = position + 1
            while node is not None:
                if node.skill != -1:
                    best, best_end = node.skill, cursor
                if cursor >= count:
                    break
                node = node.children.get(tokens[cursor])
                cursor += 1
            if best >= 0 and best not in seen:
                seen.add(best)
                found.append(self._skills[best])
            position = best_end
        return found

    def suggest(
        self, prefix: str, limit: int = 10, popularity: Mapping[str, float] | None = None
    ) -> list[Skill]:
        """Skills whose label or an alias starts with ``prefix`` (or has a word that does).

        Names starting with the prefix come before names with an inner word matching it; then
        more popular skills first (``popularity`` maps skill ids to counts), then canonical
        labels before aliases, then shorter names.
        """
        wanted = normalise(prefix)
        if not wanted or limit <= 0:
            return []
        weights = popularity or {}
        best: dict[int, tuple[int, float, int, int, str]] = {}
        start = bisect_left(self._completions, (wanted, -1, -1))
        for name, rank, index in self._completions[start:]:
            if not name.startswith(wanted):
                break
            skill = self._skills[index]
            order = (
                1 if rank == 2 else 0,
                -weights.get(skill.id, 0.0),
                rank,
                len(name),
                skill.label.lower(),
            )
            if index not in best or order < best[index]:
                best[index] = order
        ranked = sorted(best, key=lambda index: best[index])
        return [self._skills[index] for index in ranked[:limit]]


def _searchable(key: str) -> bool:
    # A single letter or a bare number matches far too much in prose to be a skill mention.
    return len(key) > 1 and not key.replace(" ", "").isdigit()


@lru_cache(maxsize=1)
def _builtin() -> SkillVocabulary:
    return SkillVocabulary.load(BUILTIN_PATH)
