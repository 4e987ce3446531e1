"""ESCO importer: occupations, skills and their links, and occupation inference from texts/skills.

ESCO ("This service uses the ESCO classification of the European Commission") is read at run time
from a folder in the layout of the official CSV download; nothing from it is stored in the project.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
import pickle
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.encoders import Vectors, l2_normalise
from matching.memo import Memo
from matching.skills import Skill, SkillVocabulary, normalise, skill_key

__all__ = [
    "EscoFormatError",
    "EscoSkill",
    "EscoTaxonomy",
    "Occupation",
    "OccupationScore",
    "Reading",
    "SkillMatch",
]

FloatArray = npt.NDArray[np.float64]
ATTRIBUTION = "This service uses the ESCO classification of the European Commission."

# Columns the importer relies on, per file of the official download ("{lang}" = language code).
REQUIRED: dict[str, tuple[str, ...]] = {
    "occupations_{lang}.csv": ("conceptUri", "preferredLabel", "altLabels", "iscoGroup"),
    "skills_{lang}.csv": ("conceptUri", "preferredLabel", "altLabels", "skillType"),
    "occupationSkillRelations.csv": ("occupationUri", "relationType", "skillUri"),
    "ISCOGroups_{lang}.csv": ("code", "preferredLabel"),
}
# Later ESCO versions label some skills only in these collection files; they fill the gaps.
COLLECTIONS = (
    "digitalSkillsCollection_{lang}.csv",
    "greenSkillsCollection_{lang}.csv",
    "languageSkillsCollection_{lang}.csv",
    "researchSkillsCollection_{lang}.csv",
    "transversalSkillsCollection_{lang}.csv",
)

ESSENTIAL_WEIGHT = 1.0
OPTIONAL_WEIGHT = 0.5


class EscoFormatError(ValueError):
    """The ESCO folder, one of its files or one of their columns is missing or unreadable."""

    def __init__(self, message: str, path: Path, column: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.column = column


@dataclass(frozen=True, slots=True)
class Occupation:
    """An ESCO occupation with its French labels and ISCO-08 unit group."""

    uri: str
    label: str
    alt_labels: tuple[str, ...]
    isco: str  # 4-digit ISCO-08 unit group code
    description: str = ""
    code: str = ""  # ESCO code, e.g. "2512.4"

    @property
    def names(self) -> tuple[str, ...]:
        """Preferred label, its masculine/feminine forms, then the alternative labels."""
        names: list[str] = []
        for label in (self.label, *self.alt_labels):
            for name in (label, *gender_forms(label)):
                if name and name not in names:
                    names.append(name)
        return tuple(names)

    @property
    def preferred_names(self) -> tuple[str, ...]:
        """The preferred label and its masculine/feminine forms."""
        return tuple(dict.fromkeys((self.label, *gender_forms(self.label))))

    @property
    def shown_label(self) -> str:
        """The preferred label as a sentence shows it: two forms share their common ending.

        "ingénieur en traitement des déchets/ingénieure en traitement des déchets" ->
        "ingénieur/ingénieure en traitement des déchets".
        """
        return shown_label(self.label)


# An occupation distribution's entries: occupation indices and their probabilities.
Entries = tuple[npt.NDArray[Any], npt.NDArray[Any]]
Key = TypeVar("Key", int, str)


def row_entries(matrix: sp.csr_matrix, row: int) -> Entries:
    """A CSR row's column indices and values, without slicing the matrix (a few µs, not 40)."""
    lo, hi = int(matrix.indptr[row]), int(matrix.indptr[row + 1])
    return matrix.indices[lo:hi], matrix.data[lo:hi]


def _likeliest_shared(first: dict[Key, float], second: dict[Key, float]) -> Key | None:
    """The key with the largest product of its two probabilities, None when none is shared."""
    both = {key: p * second[key] for key, p in first.items() if key in second}
    return max(both, key=both.__getitem__) if both else None


@lru_cache(maxsize=8192)
def shown_label(label: str) -> str:
    """An ESCO "masculine/feminine" label with the words both forms end with written once."""
    parts = [part.strip() for part in label.split("/")]
    if len(parts) != 2 or not all(parts):
        return label.strip()
    first, second = parts[0].split(), parts[1].split()
    common = 0
    while common < min(len(first), len(second)) - 1 and first[-1 - common] == second[-1 - common]:
        common += 1
    if not common:  # already short ("conducteur/conductrice de ligne", "steward/hôtesse")
        return label.strip()
    tail = " ".join(first[len(first) - common :])
    return f"{' '.join(first[: len(first) - common])}/{' '.join(second[: len(second) - common])} {tail}"


def gender_forms(label: str) -> list[str]:
    """Forms of an ESCO "masculine/feminine" label, completing a bare first word.

    "boulanger/boulangère" -> ["boulanger", "boulangère"];
    "conducteur/conductrice de ligne" -> ["conducteur de ligne", "conductrice de ligne"].
    """
    parts = [part.strip() for part in label.split("/") if part.strip()]
    if len(parts) < 2:
        return []
    tail = parts[-1].split()[1:]
    return [" ".join([part, *tail]) if len(part.split()) == 1 and tail else part for part in parts]


# A reading is clear when its first occupation is at least this many times as likely as the
# second: below, the text does not say which of several jobs it is about (a student's "BUT
# Informatique" reads as tester, hardware test technician and computer-vision engineer alike).
CLEAR_READING = 1.5
READING_SIZE = 3


def stands_out(values: npt.NDArray[Any]) -> bool:
    """Whether the likeliest of a non-empty distribution's probabilities is at least
    CLEAR_READING times the second (a single one always is): the rule of a clear reading."""
    if len(values) == 1:
        return True
    second, first = np.partition(values, len(values) - 2)[-2:]
    return float(first) >= CLEAR_READING * float(second)


def clear_rows(distributions: sp.csr_matrix) -> npt.NDArray[np.int8]:
    """For each row of occupation distributions (as an index stores them): 1 when its reading
    is clear (`stands_out`, as `EscoTaxonomy.reading` says), 0 when not, -1 for an empty row
    (no reading). Without building each reading's labels."""
    out = np.full(distributions.shape[0], -1, dtype=np.int8)
    indptr, data = distributions.indptr, distributions.data
    for row in range(distributions.shape[0]):
        values = data[int(indptr[row]) : int(indptr[row + 1])]
        if len(values):
            out[row] = int(stands_out(values))
    return out


@dataclass(frozen=True, slots=True)
class Reading:
    """How the engine reads one text: its likeliest ESCO occupations, best first, as shown.

    What users see of the occupation evidence that weighs most in rankings and fit levels
    (`EscoTaxonomy.reading`), so that they can tell whether their text says what they mean.
    """

    occupations: tuple[str, ...]  # shown labels, best first (at most READING_SIZE)
    clear: bool  # the first is at least CLEAR_READING times as likely as the second


@dataclass(frozen=True, slots=True)
class EscoSkill:
    """An ESCO skill or knowledge concept."""

    uri: str
    label: str
    alt_labels: tuple[str, ...]
    type: str  # "skill/competence", "knowledge" or ""


@dataclass(frozen=True, slots=True)
class OccupationScore:
    """An inferred occupation and how strongly the evidence points to it (0..1, higher = better)."""

    uri: str
    label: str
    isco: str
    score: float


@dataclass(frozen=True, slots=True)
class SkillMatch:
    """How a free skill label was mapped onto ESCO: exactly, fuzzily, or not at all."""

    label: str
    uri: str | None
    esco_label: str | None
    confidence: float  # 1.0 for an exact match


# Bump when the pickled structure changes, so that old caches are ignored.
CACHE_VERSION = "1"


def default_cache_dir() -> Path:
    """Per-user cache folder: $XDG_CACHE_HOME/passerelle, else ~/.cache/passerelle."""
    base = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
    return (Path(base) if base else Path.home() / ".cache") / "passerelle"


def _fingerprint(root: Path) -> str:
    digest = hashlib.sha1(CACHE_VERSION.encode(), usedforsecurity=False)
    for path in sorted(root.glob("*.csv")):
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


# -- reading ----------------------------------------------------------------------------------------


def _read_rows(path: Path, required: Sequence[str]) -> Iterator[dict[str, str]]:
    if not path.is_file():
        raise EscoFormatError(f"ESCO file missing: {path}", path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        for column in required:
            if column not in columns:
                raise EscoFormatError(
                    f"ESCO file {path.name} has no column {column!r} (found: {', '.join(columns)})",
                    path,
                    column,
                )
        for row in reader:
            yield {key: value or "" for key, value in row.items() if key is not None}


def _lines(cell: str) -> tuple[str, ...]:
    # Multi-valued cells hold one label per line; a few files use " | " instead.
    parts = re.split(r"\n|\s\|\s", cell)
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


# Gender and contract markers that job ads add to titles: "H/F", "(F/H)", "H-F-X", "(e)", "·ne".
_TITLE_NOISE = re.compile(
    r"\(\s*[hfx](?:\s*[/\-,]\s*[hfx]){1,2}\s*\)|(?<!\w)[hfx](?:\s*[/\-]\s*[hfx]){1,2}(?!\w)"
    r"|\b(?:homme|femme)\s*/\s*(?:femme|homme)\b"
    r"|\((?:e|se|euse|ere|ère|ice|rice|trice|ne|le|ive|eure)\)"
    r"|[·.•](?:e|se|euse|ere|ère|ice|rice|trice|ne|le|ive|eure)s?\b",
    re.IGNORECASE,
)


# Contract and seniority words of job ads, which say nothing about the occupation.
_CONTRACT_WORDS = re.compile(
    r"\b(?:cdi|cdd|int[ée]rim(?:aire)?|stage|stagiaire|alternance|alternant(?:e)?"
    r"|contrat pro(?:fessionnalisation)?|freelance|junior|senior|confirm[ée]e?"
    r"|exp[ée]riment[ée]e?|d[ée]butant(?:e)?|temps (?:plein|partiel))\b",
    re.IGNORECASE,
)


def clean_title(text: str) -> str:
    """A job title without gender or contract markers.

    "Développeur(se) web H/F - CDI" -> "Développeur web".
    """
    text = _CONTRACT_WORDS.sub(" ", _TITLE_NOISE.sub(" ", text))
    return re.sub(r"\s+", " ", text).strip(" -–—,;:|/")


_ACRONYM = re.compile(r"(?<![\w&])[A-Z][A-Z0-9&]{1,5}(?![\w&])")


def _expand_acronyms(text: str, within: int = 200) -> str:
    """Append what the title's acronyms stand for ("assistant RH" + "ressources humaines")."""
    builtin = SkillVocabulary.builtin()
    expansions: list[str] = []
    for acronym in dict.fromkeys(_ACRONYM.findall(text[:within])):
        skill = builtin.lookup(acronym)
        if skill is not None and skill_key(skill.label) != skill_key(acronym):
            expansions.append(skill.label)
    return f"{text} ({', '.join(expansions)})" if expansions else text


def _analyse_words(text: str) -> list[str]:
    return [t for t in normalise(text).split() if len(t) > 1]


def _analyse_query_words(text: str) -> list[str]:
    return _analyse_words(clean_title(text))


def _char_preprocess(text: str) -> str:
    return normalise(clean_title(text))


class _TextIndex:
    """TF-IDF vectors of reference strings, and queries scored against them by cosine.

    A query's n-grams that no reference string contains still count in its length, so that
    "deep learning" is not scored as if it were just "learning".
    """

    def __init__(
        self,
        vectorizer: Any,
        references: Sequence[Any],
        count_unseen: bool = True,
        tokenize: Callable[[str], list[str]] | None = None,
    ) -> None:
        self.vectorizer = vectorizer
        self.tokenize = tokenize
        self.matrix_t = _row_normalise(sp.csr_matrix(vectorizer.fit_transform(references))).T
        self.matrix_t = sp.csr_matrix(self.matrix_t)
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.analyse = vectorizer.build_analyzer()
        self.unseen_idf = math.log(1.0 + len(references)) + 1.0
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.count_unseen = count_unseen

    @property
    def idf(self) -> FloatArray:
        # read from the fitted vectorizer: taxonomies pickled by earlier versions load as is
        return np.asarray(self.vectorizer.idf_, dtype=np.float64)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Unit-length TF-IDF rows, each text analysed once (the vectorizer's own transform
        analysed it a second time for its unseen n-grams, and validated its own output: half
        of an ESCO inference's cost)."""
        inputs: Sequence[Any] = (
            texts if self.tokenize is None else [self.tokenize(t) for t in texts]
        )
        vocabulary = self.vocabulary
        indptr = [0]
        indices: list[int] = []
        counts: list[int] = []
        unseen: list[list[int]] = []
        for doc in inputs:
            grams = Counter(self.analyse(doc))
            missed: list[int] = []
            for gram, count in grams.items():
                column = vocabulary.get(gram)
                if column is None:
                    missed.append(count)
                else:
                    indices.append(column)
                    counts.append(count)
            indptr.append(len(indices))
            unseen.append(missed)
        raw = sp.csr_matrix(
            (np.asarray(counts, dtype=np.float64), np.asarray(indices, dtype=np.int32), indptr),
            shape=(len(inputs), len(vocabulary)),
        )
        raw.sort_indices()
        if self.sublinear:
            np.log(raw.data, out=raw.data)
            raw.data += 1.0
        raw.data *= self.idf[raw.indices]
        squared = np.asarray(raw.multiply(raw).sum(axis=1), dtype=np.float64).ravel()
        for row, missed in enumerate(unseen if self.count_unseen else ()):
            for count in missed:
                tf = 1.0 + math.log(count) if self.sublinear else float(count)
                squared[row] += (tf * self.unseen_idf) ** 2
        norms = np.sqrt(squared)
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ raw)

    def similarity(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Sparse (n texts x n references) cosine similarities."""
        return sp.csr_matrix(self.transform(texts) @ self.matrix_t)


def _char_vectorizer() -> Any:
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        preprocessor=_char_preprocess,
        lowercase=False,
        sublinear_tf=True,
        norm=None,
        dtype=np.float64,
    )


def _tokens_as_given(tokens: list[str]) -> list[str]:
    return tokens


def _word_index(documents: Sequence[list[str]], max_df: float) -> _TextIndex:
    """Word TF-IDF over pre-tokenised documents; queries are tokenised like skill labels."""
    # Dropping words found in many documents only makes sense with many documents.
    max_df = max_df if len(documents) >= 50 else 1.0
    vectorizer = TfidfVectorizer(
        analyzer=_tokens_as_given, sublinear_tf=True, max_df=max_df, norm=None, dtype=np.float64
    )
    return _TextIndex(vectorizer, documents, count_unseen=False, tokenize=_analyse_query_words)


def _with_synonyms(labels: Sequence[str]) -> str:
    """Skill labels as one text, each followed by its built-in French synonyms if known."""
    builtin = SkillVocabulary.builtin()
    parts: list[str] = []
    for label in labels:
        parts += [label, label]  # the person's own words weigh more than our synonyms
        known = builtin.lookup(label)
        if known is not None:
            parts += [known.label, *known.aliases]
    return " ; ".join(parts)


def _top_k_rows(scores: FloatArray, k: int, norm: str = "l2") -> sp.csr_matrix:
    """Keep each row's k best positive scores, then scale rows to unit length ("l2") or to a
    sum of 1 ("sum"); all-zero rows stay empty."""
    n_rows, n_cols = scores.shape
    k = max(1, min(k, n_cols))
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    values = np.take_along_axis(scores, top, axis=1)
    values = np.where(values > 0, values, 0.0)
    if norm == "sum":
        norms = values.sum(axis=1, keepdims=True)
    else:
        norms = np.linalg.norm(values, axis=1, keepdims=True)
    values = np.divide(values, norms, out=np.zeros_like(values), where=norms > 0)
    rows = np.repeat(np.arange(n_rows), k)
    matrix = sp.csr_matrix(
        (values.ravel(), (rows, top.ravel())), shape=(n_rows, n_cols), dtype=np.float64
    )
    matrix.eliminate_zeros()
    return matrix


def _zscores(scores: FloatArray) -> FloatArray:
    """Per-row standardisation (a constant row becomes zeros)."""
    std = scores.std(axis=1, keepdims=True)
    std[std < 1e-12] = 1.0
    out: FloatArray = (scores - scores.mean(axis=1, keepdims=True)) / std
    return out


def _whiten(
    vectors: npt.NDArray[np.floating[Any]], mean: FloatArray, transform: FloatArray
) -> Vectors:
    """Rows moved into a whitened space (`EscoTaxonomy.occupation_space`), unit length."""
    return l2_normalise((np.asarray(vectors, dtype=np.float64) - mean) @ transform)


def _softmax(scores: FloatArray, temperature: float) -> FloatArray:
    shifted = (scores - scores.max(axis=1, keepdims=True)) / temperature
    weights = np.exp(shifted)
    out: FloatArray = weights / weights.sum(axis=1, keepdims=True)
    return out


def _norms(columns: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.floating[Any]]:
    """L2 norm of each column, 1 for an empty one."""
    norms: npt.NDArray[np.floating[Any]] = np.sqrt((columns * columns).sum(axis=0))
    norms[norms == 0] = 1.0
    return norms


def _row_normalise(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


class EscoTaxonomy:
    """ESCO occupations and skills loaded from a folder, with occupation inference.

    Indexes for inference are built on first use (about a second each), so merely loading the
    data stays fast.
    """

    # Weights of the evidence for text inference: similarity of the text to the occupation's
    # names (character n-grams, robust to gender forms and spelling), to its description and
    # essential skills (words), and occupation names appearing verbatim in the text.
    # Measured on the public ROME -> ESCO development half (benchmarks/loso.py): names compared
    # with the title only, words with the whole text; verbatim mentions add little there but
    # name the job in real offers ("nous recherchons un soudeur").
    NAME_WEIGHT = 0.3
    DOC_WEIGHT = 0.7
    MENTION_WEIGHT = 0.1
    # With an encoder, the text's embedding against each occupation's name and description
    # joins the word evidence (both standardised): it reads job sheets that describe the work
    # in other words than ESCO's (occupation nDCG@10 0.53 -> 0.57 on rome-to-esco).
    DENSE_WEIGHT = 1.5
    # That embedding comparison is made in a space where the occupations' own spread is evened
    # out: their mean removed, each principal direction of their embeddings divided by
    # sqrt(its variance + WHITENING_SHRINK x the mean variance). Raw cosines are dominated by
    # the few directions along which all job texts vary together (trade vs office, say); what
    # tells close occupations apart lies in the quieter ones. Fitted on ESCO's 3,007
    # occupations only, for each encoder. Measured with `benchmarks/loso.py` (2026-12-06):
    # leave-one-set-out nDCG@10 mean 0.582 -> 0.590, four sets up (esco-occupations +0.020),
    # rncp-to-rome 0.406 -> 0.403. Shrink 1, 3, 5, 10, 25 on the same components: LOSO mean
    # 0.583, 0.590, 0.589, 0.588, 0.582.
    WHITENING_SHRINK = 3.0
    # Temperatures turning scores into a distribution over occupations: text evidence is
    # standardised first; skill evidence is a cosine in [0, 1] where a profile drawn from one
    # occupation stands out by a few hundredths.
    TEXT_TEMPERATURE = 4.0
    SKILL_TEMPERATURE = 0.1
    # ESCO's preferred label is its canonical name; alternative labels are sometimes shared
    # between occupations, so they count slightly less.
    ALT_LABEL_FACTOR = 0.9
    # Below this character n-gram similarity a free skill label is not linked to an ESCO skill.
    FUZZY_THRESHOLD = 0.5
    # Share of skill inference given to mapped ESCO concepts (the rest: word similarity), from
    # a profile with no label known to ESCO to one whose labels all are.
    CONCEPT_WEIGHT_MIN = 0.4
    CONCEPT_WEIGHT_MAX = 0.9
    # Free skill labels whose ESCO candidates are remembered (a few hundred bytes each).
    LABEL_MEMO = 16384

    def __init__(
        self,
        occupations: Sequence[Occupation],
        skills: Sequence[EscoSkill],
        relations: Iterable[tuple[str, str, str]],
        isco_labels: dict[str, str],
    ) -> None:
        """Build from records; ``relations`` are (occupation uri, skill uri, relation type)."""
        self.occupations: tuple[Occupation, ...] = tuple(occupations)
        self.skills: tuple[EscoSkill, ...] = tuple(skills)
        self.isco_labels = dict(isco_labels)
        self._occ_index = {occ.uri: i for i, occ in enumerate(self.occupations)}
        self._skill_index = {skill.uri: i for i, skill in enumerate(self.skills)}
        essential: dict[str, list[str]] = {}
        optional: dict[str, list[str]] = {}
        for occupation_uri, skill_uri, relation in relations:
            if occupation_uri not in self._occ_index or skill_uri not in self._skill_index:
                continue
            target = essential if relation.strip().lower() == "essential" else optional
            target.setdefault(occupation_uri, []).append(skill_uri)
        self._essential = {uri: tuple(dict.fromkeys(v)) for uri, v in essential.items()}
        self._optional = {uri: tuple(dict.fromkeys(v)) for uri, v in optional.items()}

    # -- loading ----------------------------------------------------------------------------

    @classmethod
    def load(
        cls, folder: str | Path, language: str = "fr", cache: bool | str | Path = False
    ) -> EscoTaxonomy:
        """Read an ESCO CSV download (e.g. ``occupations_fr.csv``, ``skills_fr.csv``...).

        Raises EscoFormatError naming the folder, file or column that is missing. With
        ``cache`` (True for the user cache directory, or a folder), the taxonomy and its
        inference indexes are kept in a pickle keyed by the files' sizes and dates, so later
        loads skip parsing and index building (about 1 s instead of 7 s).
        """
        root = Path(folder).expanduser()
        if not root.is_dir():
            raise EscoFormatError(f"ESCO folder not found: {root}", root)
        paths = {name: root / name.format(lang=language) for name in REQUIRED}
        for path in paths.values():
            if not path.is_file():
                raise EscoFormatError(f"ESCO file missing: {path}", path)
        if not cache:
            return cls._read(root, paths, language)
        cache_dir = default_cache_dir() if cache is True else Path(cache).expanduser()
        cache_file = cache_dir / f"esco-{language}-{_fingerprint(root)}.pickle"
        try:
            with cache_file.open("rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, cls):
                return cached
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            pass  # absent, stale or corrupt: rebuild below
        taxonomy = cls._read(root, paths, language).prepare()
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            partial = cache_file.with_suffix(f".{os.getpid()}.tmp")
            with partial.open("wb") as handle:
                pickle.dump(taxonomy, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, cache_file)
        except OSError:
            pass  # a read-only cache directory only costs speed
        return taxonomy

    @classmethod
    def _read(cls, root: Path, paths: dict[str, Path], language: str) -> EscoTaxonomy:
        columns = {name: REQUIRED[name] for name in REQUIRED}

        occupations = [
            Occupation(
                uri=row["conceptUri"],
                label=row["preferredLabel"].strip(),
                alt_labels=_lines(row["altLabels"]) + _lines(row.get("hiddenLabels", "")),
                isco=row["iscoGroup"].strip()[:4],
                description=row.get("description", "").strip(),
                code=row.get("code", "").strip(),
            )
            for row in _read_rows(
                paths["occupations_{lang}.csv"], columns["occupations_{lang}.csv"]
            )
            if row["conceptUri"] and row["preferredLabel"]
        ]
        skills: dict[str, EscoSkill] = {}
        for row in _read_rows(paths["skills_{lang}.csv"], columns["skills_{lang}.csv"]):
            if row["conceptUri"] and row["preferredLabel"]:
                skills[row["conceptUri"]] = EscoSkill(
                    row["conceptUri"],
                    row["preferredLabel"].strip(),
                    _lines(row["altLabels"]),
                    row["skillType"].strip(),
                )
        relations = [
            (row["occupationUri"], row["skillUri"], row["relationType"])
            for row in _read_rows(
                paths["occupationSkillRelations.csv"], columns["occupationSkillRelations.csv"]
            )
        ]
        linked = {skill_uri for _, skill_uri, _ in relations}
        for name in COLLECTIONS:
            path = root / name.format(lang=language)
            if not linked - skills.keys():
                break
            if not path.is_file():
                continue
            for row in _read_rows(path, ("conceptUri", "preferredLabel")):
                uri = row["conceptUri"]
                if uri in linked and uri not in skills and row["preferredLabel"]:
                    skills[uri] = EscoSkill(
                        uri,
                        row["preferredLabel"].strip(),
                        _lines(row.get("altLabels", "")),
                        row.get("skillType", "").strip(),
                    )
        isco_labels = {
            row["code"].strip(): row["preferredLabel"].strip()
            for row in _read_rows(paths["ISCOGroups_{lang}.csv"], columns["ISCOGroups_{lang}.csv"])
            if row["code"].strip()
        }
        return cls(occupations, list(skills.values()), relations, isco_labels)

    def prepare(self) -> EscoTaxonomy:
        """Build every inference index now rather than on first use; returns self."""
        for index in (
            self._name_index,
            self._doc_index,
            self._mention_index,
            self._skill_keys,
            self._skill_name_index,
            self._skill_doc_index,
            self._occupation_skill_matrix,
        ):
            assert index is not None
        return self

    # -- plain data access ------------------------------------------------------------------

    def occupation(self, uri: str) -> Occupation:
        """The occupation with this URI (KeyError if unknown)."""
        return self.occupations[self._occ_index[uri]]

    def skill(self, uri: str) -> EscoSkill:
        """The skill with this URI (KeyError if unknown or unlabelled)."""
        return self.skills[self._skill_index[uri]]

    def isco_group(self, uri: str) -> str:
        """ISCO-08 unit group code (4 digits) of an occupation."""
        return self.occupation(uri).isco

    def isco_label(self, code: str) -> str:
        """French label of an ISCO-08 group code such as "2512" ("" if unknown)."""
        return self.isco_labels.get(code, "")

    def implied_skills(self, occupation_uri: str, essential_only: bool = True) -> list[str]:
        """Labels of the skills ESCO links to an occupation: essential ones, then optional."""
        self.occupation(occupation_uri)  # KeyError for an unknown occupation
        uris = list(self._essential.get(occupation_uri, ()))
        if not essential_only:
            uris += self._optional.get(occupation_uri, ())
        return [self.skills[self._skill_index[uri]].label for uri in uris]

    def as_vocabulary_skills(self, family: str | None = "esco") -> list[Skill]:
        """ESCO skills as vocabulary entries; ``family=None`` uses the ESCO skill type."""
        return [
            Skill(
                id=skill.uri,
                label=skill.label,
                family=family if family is not None else (skill.type or "esco"),
                aliases=tuple(a for a in skill.alt_labels if a != skill.label),
            )
            for skill in self.skills
        ]

    def extend_vocabulary(
        self, vocabulary: SkillVocabulary, *, extractable: bool = False
    ) -> SkillVocabulary:
        """``vocabulary`` plus the ESCO skills (only for lookup unless ``extractable``)."""
        return vocabulary.extend(self.as_vocabulary_skills(), extractable=extractable)

    # -- indexes ----------------------------------------------------------------------------

    @cached_property
    def _names(self) -> tuple[list[str], npt.NDArray[np.intp], FloatArray]:
        """All occupation names grouped by occupation, where each group starts, name weights."""
        names: list[str] = []
        starts: list[int] = []
        weights: list[float] = []
        for occupation in self.occupations:
            starts.append(len(names))
            preferred = set(occupation.preferred_names)
            for name in occupation.names:
                names.append(name)
                weights.append(1.0 if name in preferred else self.ALT_LABEL_FACTOR)
        return names, np.asarray(starts, dtype=np.intp), np.asarray(weights, dtype=np.float64)

    @cached_property
    def _name_index(self) -> _TextIndex:
        return _TextIndex(_char_vectorizer(), self._names[0])

    @cached_property
    def _skill_tokens(self) -> list[list[str]]:
        return [_analyse_words(skill.label) for skill in self.skills]

    def _tokens_of(self, uris: Iterable[str]) -> list[str]:
        tokens: list[str] = []
        for uri in uris:
            tokens += self._skill_tokens[self._skill_index[uri]]
        return tokens

    @cached_property
    def _doc_index(self) -> _TextIndex:
        """Words of each occupation's names (twice), description and essential skills."""
        docs = []
        for occupation in self.occupations:
            names = _analyse_words(" ; ".join(occupation.names))
            description = _analyse_words(occupation.description)
            skills = self._tokens_of(self._essential.get(occupation.uri, ()))
            docs.append(names + names + description + skills)
        return _word_index(docs, max_df=0.2)

    @cached_property
    def _skill_doc_index(self) -> _TextIndex:
        """Words of each occupation's skills, essential ones twice: for free skill labels."""
        docs = []
        for occupation in self.occupations:
            essential = self._tokens_of(self._essential.get(occupation.uri, ()))
            optional = self._tokens_of(self._optional.get(occupation.uri, ()))
            docs.append(essential + essential + optional)
        return _word_index(docs, max_df=0.2)

    @cached_property
    def _mention_index(self) -> tuple[SkillVocabulary, dict[str, dict[int, float]]]:
        # Occupation names as a token trie: finds "soudeur" or "technicien de maintenance" in a
        # long text, longest name first, with the normalisation used for skills. ESCO gives
        # some names to several occupations, so a name maps to all of them, preferred labels
        # weighing more than alternative ones.
        owners: dict[str, dict[int, float]] = {}
        first_name: dict[str, str] = {}
        for column, occupation in enumerate(self.occupations):
            preferred = set(occupation.preferred_names)
            for name in occupation.names:
                key = skill_key(name)
                if not key:
                    continue
                weight = 1.0 if name in preferred else self.ALT_LABEL_FACTOR
                columns = owners.setdefault(key, {})
                columns[column] = max(columns.get(column, 0.0), weight)
                first_name.setdefault(key, name)
        entries = [Skill(key, name, "occupation") for key, name in first_name.items()]
        return SkillVocabulary(entries), owners

    @property
    def _mentions(self) -> SkillVocabulary:
        return self._mention_index[0]

    @property
    def _mention_owners(self) -> dict[str, dict[int, float]]:
        return self._mention_index[1]

    @cached_property
    def _skill_keys(self) -> dict[str, int]:
        keys: dict[str, int] = {}
        for index, skill in enumerate(self.skills):
            keys.setdefault(skill_key(skill.label), index)
        for index, skill in enumerate(self.skills):
            for alt in skill.alt_labels:
                keys.setdefault(skill_key(alt), index)
        keys.pop("", None)
        return keys

    @cached_property
    def _skill_name_index(self) -> tuple[_TextIndex, npt.NDArray[np.intp]]:
        names: list[str] = []
        owners: list[int] = []
        for index, skill in enumerate(self.skills):
            for name in (skill.label, *skill.alt_labels):
                names.append(name)
                owners.append(index)
        return _TextIndex(_char_vectorizer(), names), np.asarray(owners, dtype=np.intp)

    @cached_property
    def _skill_idf(self) -> FloatArray:
        """Smoothed IDF of each skill over occupations (rare skills are more telling)."""
        frequency = np.zeros(len(self.skills), dtype=np.float64)
        for links in (self._essential, self._optional):
            for uris in links.values():
                for uri in uris:
                    frequency[self._skill_index[uri]] += 1
        return np.log((1.0 + len(self.occupations)) / (1.0 + frequency)) + 1.0

    @cached_property
    def _occupation_skill_matrix(self) -> sp.csr_matrix:
        """Skills x occupations: essential 1, optional 0.5, times IDF, columns unit-length."""
        weights: dict[tuple[int, int], float] = {}
        for column, occupation in enumerate(self.occupations):
            for weight, uris in (
                (OPTIONAL_WEIGHT, self._optional.get(occupation.uri, ())),
                (ESSENTIAL_WEIGHT, self._essential.get(occupation.uri, ())),
            ):
                for uri in uris:
                    weights[self._skill_index[uri], column] = weight  # essential wins
        rows = np.fromiter((r for r, _ in weights), dtype=np.intp, count=len(weights))
        cols = np.fromiter((c for _, c in weights), dtype=np.intp, count=len(weights))
        values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
        values *= self._skill_idf[rows]
        shape = (len(self.skills), len(self.occupations))
        matrix = sp.csc_matrix((values, (rows, cols)), shape=shape)
        return _row_normalise(sp.csr_matrix(matrix.T)).T.tocsr()

    # -- skills -> ESCO ---------------------------------------------------------------------

    def match_skills(self, labels: Sequence[str]) -> list[SkillMatch]:
        """Map free skill labels to their closest ESCO skill: exact (normalised), else fuzzy.

        Labels known to the built-in vocabulary also try its synonyms for an exact match, so
        "machine learning" reaches ESCO's "apprentissage automatique". Labels whose best
        character n-gram similarity is under FUZZY_THRESHOLD map to nothing.
        """
        return [
            candidates[0] if candidates else SkillMatch(label, None, None, 0.0)
            for label, candidates in zip(labels, self._skill_candidates(labels, 1), strict=True)
        ]

    @cached_property
    def _candidate_memo(self) -> Memo[tuple[str, int], tuple[SkillMatch, ...]]:
        return Memo(self.LABEL_MEMO)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_candidate_memo", None)  # holds a lock; made again, empty, on first use
        return state

    def _skill_candidates(self, labels: Sequence[str], fuzzy_top: int) -> list[list[SkillMatch]]:
        """Each label's closest ESCO skills (a label's answer is remembered: a region's
        profiles repeat the same few thousand labels, and the fuzzy lookup was 6 ms of every
        profile write)."""
        memo = self._candidate_memo
        found = [memo.get((label, fuzzy_top)) for label in labels]
        missing = list(
            dict.fromkeys(label for label, f in zip(labels, found, strict=True) if f is None)
        )
        computed = dict(zip(missing, self._skill_candidates_of(missing, fuzzy_top), strict=True))
        for label, matches in computed.items():
            memo.put((label, fuzzy_top), tuple(matches))
        return [
            list(f) if f is not None else list(computed[label])
            for label, f in zip(labels, found, strict=True)
        ]

    def _skill_candidates_of(self, labels: Sequence[str], fuzzy_top: int) -> list[list[SkillMatch]]:
        builtin = SkillVocabulary.builtin()
        keys = self._skill_keys
        found: list[list[SkillMatch]] = [[] for _ in labels]
        fuzzy: list[int] = []
        for position, label in enumerate(labels):
            own = builtin.lookup(label)
            for candidate in (label, *(own.names if own is not None else ())):
                index = keys.get(skill_key(candidate))
                if index is not None:
                    skill = self.skills[index]
                    found[position] = [SkillMatch(label, skill.uri, skill.label, 1.0)]
                    break
            else:
                if label.strip():
                    fuzzy.append(position)
        if fuzzy:
            names, owners = self._skill_name_index
            similarity = names.similarity([labels[p] for p in fuzzy])
            for row, position in enumerate(fuzzy):
                indices, values = row_entries(similarity, row)
                skills = owners[indices]
                best: dict[int, float] = {}
                for order in np.argsort(-values):
                    if values[order] < self.FUZZY_THRESHOLD or len(best) >= fuzzy_top:
                        break
                    best.setdefault(int(skills[order]), float(values[order]))
                found[position] = [
                    SkillMatch(labels[position], self.skills[i].uri, self.skills[i].label, score)
                    for i, score in best.items()
                ]
        return found

    # -- inference --------------------------------------------------------------------------

    def occupation_scores_from_skills(self, skill_lists: Sequence[Sequence[str]]) -> FloatArray:
        """Dense (n lists x n occupations) scores between skill lists and occupations.

        Two kinds of evidence: the IDF-weighted cosine between the ESCO skills the labels map to
        and each occupation's skills (essential 1, optional 0.5), and the word similarity
        between the labels (with their built-in synonyms) and the occupation's skill labels.
        The first is trusted in proportion to the share of labels ESCO knows exactly.
        """
        flat = [label for labels in skill_lists for label in labels]
        owners = [row for row, labels in enumerate(skill_lists) for _ in labels]
        weights: dict[tuple[int, int], float] = {}
        exact = np.zeros(len(skill_lists), dtype=np.float64)
        for row, candidates in zip(owners, self._skill_candidates(flat, 3), strict=True):
            total = sum(match.confidence for match in candidates)
            for match in candidates:
                assert match.uri is not None
                exact[row] += match.confidence == 1.0
                # a fuzzy label spreads its (lower) confidence over its closest concepts
                share = match.confidence * match.confidence / total
                cell = (row, self._skill_index[match.uri])
                weights[cell] = max(weights.get(cell, 0.0), share)
        shape = (len(skill_lists), len(self.skills))
        rows = np.fromiter((r for r, _ in weights), dtype=np.intp, count=len(weights))
        cols = np.fromiter((c for _, c in weights), dtype=np.intp, count=len(weights))
        values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
        values *= self._skill_idf[cols]
        profile = _row_normalise(sp.csr_matrix((values, (rows, cols)), shape=shape))
        concepts = (profile @ self._occupation_skill_matrix).toarray()
        words = self._skill_doc_index.similarity([_with_synonyms(x) for x in skill_lists])
        sizes = np.asarray([max(1, len(labels)) for labels in skill_lists], dtype=np.float64)
        trust = self.CONCEPT_WEIGHT_MIN + (self.CONCEPT_WEIGHT_MAX - self.CONCEPT_WEIGHT_MIN) * (
            exact / sizes
        )
        scores = trust[:, None] * concepts + (1.0 - trust[:, None]) * words.toarray()
        return np.asarray(scores, dtype=np.float64)

    def occupation_scores_from_texts(
        self,
        texts: Sequence[str],
        titles: Sequence[str] | None = None,
        vectors: npt.NDArray[np.floating[Any]] | None = None,
        encoder: Any = None,
    ) -> FloatArray:
        """Dense (n texts x n occupations) scores of occupations for titles or offer texts.

        ``titles`` (one per text, may be empty) are what occupation names are compared with;
        without them the whole text is. With ``vectors`` (the texts' embeddings by
        ``encoder``) the scores are standardised evidence: words plus embedding similarity.
        """
        _, starts, name_weights = self._names
        texts = [_expand_acronyms(text) for text in texts]
        named = (
            [_expand_acronyms(t) if t.strip() else x for t, x in zip(titles, texts, strict=True)]
            if titles is not None
            else texts
        )
        scores = np.zeros((len(texts), len(self.occupations)), dtype=np.float64)
        chunk = 256
        for begin in range(0, len(texts), chunk):
            batch = texts[begin : begin + chunk]
            by_name = self._name_index.similarity(named[begin : begin + chunk]).toarray()
            best_name = np.maximum.reduceat(by_name * name_weights, starts, axis=1)
            by_doc = self._doc_index.similarity(batch).toarray()
            block = self.NAME_WEIGHT * best_name + self.DOC_WEIGHT * by_doc
            for offset, text in enumerate(batch):
                for rank, found in enumerate(self._mentions.extract(text)[:5]):
                    # the first occupation named (usually in the title) counts most
                    for column, weight in self._mention_owners[found.id].items():
                        block[offset, column] += weight * self.MENTION_WEIGHT / (1 + rank)
            if vectors is not None and encoder is not None:
                mean, transform, occupations = self.occupation_space(encoder)
                moved = _whiten(vectors[begin : begin + chunk], mean, transform)
                similar = np.asarray(moved @ occupations.T, dtype=np.float64)
                block = _zscores(block) + self.DENSE_WEIGHT * _zscores(similar)
            scores[begin : begin + len(batch)] = block
        return scores

    def occupation_embeddings(
        self, encoder: Any, progress: Callable[[int, int], None] | None = None
    ) -> FloatArray:
        """Each occupation's name and description embedded by ``encoder`` (once per encoder;
        ``progress(done, total)`` follows the encoding when it happens)."""
        cache: dict[str, FloatArray] = self.__dict__.setdefault("_embedded", {})
        name = str(getattr(encoder, "name", id(encoder)))
        found = cache.get(name)
        if found is None:
            texts = [f"{o.label}. {o.description}"[:2000] for o in self.occupations]
            try:
                encoded = encoder.encode_documents(texts, progress=progress)
            except TypeError:  # an encoder without a progress parameter
                encoded = encoder.encode_documents(texts)
            found = np.asarray(encoded, dtype=np.float32)
            cache[name] = found  # computed whole, then published: readers never see a part
        return found

    def occupation_space(self, encoder: Any) -> tuple[FloatArray, FloatArray, Vectors]:
        """(mean, transform, occupations) of the whitened space texts are compared in.

        ``occupations`` are the occupations' embeddings moved there (unit rows, float32 like
        the embeddings: 6 MB); a text's vector goes there by ``_whiten(vector, mean,
        transform)``. See WHITENING_SHRINK.
        """
        cache: dict[str, tuple[FloatArray, FloatArray, Vectors]]
        cache = self.__dict__.setdefault("_whitened", {})
        name = str(getattr(encoder, "name", id(encoder)))
        found = cache.get(name)
        if found is None:
            embedded = np.asarray(self.occupation_embeddings(encoder), dtype=np.float64)
            mean = embedded.mean(axis=0)
            if len(embedded) > 1:
                variances, directions = np.linalg.eigh(np.cov((embedded - mean).T))
                variances = np.maximum(variances, 0.0)
                shrink = self.WHITENING_SHRINK * max(float(variances.mean()), 1e-12)
                transform = directions / np.sqrt(variances + shrink)
            else:  # one occupation: no spread to even out
                transform = np.eye(embedded.shape[1])
            found = (mean, transform, _whiten(embedded, mean, transform))
            cache[name] = found  # computed whole, then published
        return found

    def occupation_distributions(
        self,
        text_scores: FloatArray | None,
        skill_scores: FloatArray | None,
        text_share: FloatArray,
        k: int,
    ) -> sp.csr_matrix:
        """Sparse (n x occupations): the k likeliest occupations of each item, summing to 1.

        Text and skill evidence each become a distribution (softmax at their temperature),
        mixed by ``text_share`` (per row; rows with neither stay empty). The product of two
        rows is the chance that two items are the same occupation.
        """
        n = len(text_share)
        mixed = np.zeros((n, len(self.occupations)), dtype=np.float64)
        if text_scores is not None:
            mixed += text_share[:, None] * _softmax(_zscores(text_scores), self.TEXT_TEMPERATURE)
        if skill_scores is not None:
            skill_share = 1.0 - text_share
            mixed += skill_share[:, None] * _softmax(skill_scores, self.SKILL_TEMPERATURE)
        return _top_k_rows(mixed, k, norm="sum")

    def _ranked(self, scores: FloatArray, k: int) -> list[OccupationScore]:
        if scores.size == 0 or k <= 0:
            return []
        k = min(k, scores.size)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [
            OccupationScore(
                self.occupations[i].uri,
                self.occupations[i].label,
                self.occupations[i].isco,
                float(scores[i]),
            )
            for i in top
            if scores[i] > 0
        ]

    def infer_from_text(self, text: str, k: int = 5) -> list[OccupationScore]:
        """Occupations an offer title or text most likely describes, best first."""
        if not text.strip():
            return []
        return self._ranked(self.occupation_scores_from_texts([text])[0], k)

    def infer_from_skills(self, skill_labels: Sequence[str], k: int = 5) -> list[OccupationScore]:
        """Occupations a person's skill labels most likely point to, best first."""
        if not any(label.strip() for label in skill_labels):
            return []
        return self._ranked(self.occupation_scores_from_skills([list(skill_labels)])[0], k)

    def occupation_vectors_from_texts(self, texts: Sequence[str], k: int = 10) -> sp.csr_matrix:
        """Sparse (n texts x n occupations): each row's k best scores, L2-normalised."""
        if not texts:
            return sp.csr_matrix((0, len(self.occupations)), dtype=np.float64)
        return _top_k_rows(self.occupation_scores_from_texts(texts), k)

    def occupation_vectors_from_skills(
        self, skill_lists: Sequence[Sequence[str]], k: int = 10
    ) -> sp.csr_matrix:
        """Sparse (n lists x n occupations): each row's k best scores, L2-normalised."""
        if not skill_lists:
            return sp.csr_matrix((0, len(self.occupations)), dtype=np.float64)
        return _top_k_rows(self.occupation_scores_from_skills(skill_lists), k)

    def isco_vectors(self, occupation_vectors: sp.spmatrix, digits: int = 4) -> sp.csr_matrix:
        """Occupation distributions summed per ISCO-08 group (first ``digits`` digits).

        Rows stay L2-normalised, so a cosine between two of them says whether two items point
        to the same family of occupations even when they disagree on the exact one.
        """
        groups, membership = self._isco_membership(digits)
        summed = sp.csr_matrix(occupation_vectors) @ membership
        return _row_normalise(sp.csr_matrix(summed)) if len(groups) else summed

    def isco_columns(
        self, occupation_vectors: sp.spmatrix, digits: int = 4
    ) -> npt.NDArray[np.float32]:
        """``isco_vectors`` of a few rows as float32 columns (groups x rows), each normalised
        again in float32 as the documents' rows are: what a ranking multiplies the documents'
        groups with. Summed with numpy rather than sparse products (0.45 ms -> 0.03 ms a query:
        a recommendations read builds one)."""
        groups, membership = self._isco_membership(digits)
        group_of = membership.indices  # one entry per occupation: its group
        rows = sp.csr_matrix(occupation_vectors)
        out = np.zeros((len(groups), rows.shape[0]), dtype=np.float64)
        for r in range(rows.shape[0]):
            indices, values = row_entries(rows, r)
            out[:, r] = np.bincount(group_of[indices], weights=values, minlength=len(groups))
        single = out.astype(np.float32) / _norms(out)
        return np.asarray(single / _norms(single), dtype=np.float32)

    def _isco_membership(self, digits: int) -> tuple[list[str], sp.csr_matrix]:
        # Kept per taxonomy: every ranking asks for it (rebuilt, 1.5 ms of a 20 ms ranking).
        # Never changed once built; a race builds it twice, the same.
        cache: dict[int, tuple[list[str], sp.csr_matrix]] = self.__dict__.setdefault(
            "_isco_membership_cache", {}
        )
        if digits not in cache:
            cache[digits] = self._isco_membership_built(digits)
        return cache[digits]

    def _isco_membership_built(self, digits: int) -> tuple[list[str], sp.csr_matrix]:
        groups = sorted({occupation.isco[:digits] for occupation in self.occupations})
        column = {group: i for i, group in enumerate(groups)}
        rows = np.arange(len(self.occupations))
        cols = np.asarray([column[o.isco[:digits]] for o in self.occupations], dtype=np.intp)
        values = np.ones(len(self.occupations), dtype=np.float64)
        shape = (len(self.occupations), len(groups))
        return groups, sp.csr_matrix((values, (rows, cols)), shape=shape)

    def shared_occupation(self, first: Entries, second: Entries) -> str | None:
        """The occupation two items most likely share, by its shown label: the largest
        product of their two probabilities. Each item is given by its occupation
        distribution's entries (indices, probabilities: a sparse row's, ~20 of them); None
        when they share none."""
        # ~20 entries a side: plain Python beats numpy's set routines here (4 µs, not 18)
        a, b = (dict(zip(i.tolist(), v.tolist(), strict=True)) for i, v in (first, second))
        best = _likeliest_shared(a, b)
        return None if best is None else self.occupations[best].shown_label

    def reading(self, entries: Entries, k: int = READING_SIZE) -> Reading | None:
        """An item's k likeliest occupations, from its distribution's entries, and whether
        the first stands out (`CLEAR_READING`); None for an empty distribution."""
        indices, values = entries
        if not len(indices):
            return None
        order = np.argsort(-np.asarray(values, dtype=np.float64), kind="stable")
        labels = tuple(self.occupations[int(indices[i])].shown_label for i in order[:k])
        return Reading(labels, stands_out(np.asarray(values)))

    def shared_group(self, first: Entries, second: Entries) -> str | None:
        """The ISCO-08 unit group two items most likely share (as `shared_occupation`, on
        their probabilities summed per group), by its label; None when they share none."""
        occupations = self.occupations
        mass: list[dict[str, float]] = []
        for indices, values in (first, second):
            summed: dict[str, float] = {}
            for i, v in zip(indices.tolist(), values.tolist(), strict=True):
                group = occupations[i].isco
                summed[group] = summed.get(group, 0.0) + v
            mass.append(summed)
        best = _likeliest_shared(mass[0], mass[1])
        return None if best is None else self.isco_label(best) or None

    def isco_groups(self, digits: int = 4) -> list[str]:
        """ISCO-08 group codes, in the column order of isco_vectors()."""
        return list(self._isco_membership(digits)[0])

    def __repr__(self) -> str:
        return (
            f"EscoTaxonomy({len(self.occupations)} occupations, {len(self.skills)} skills, "
            f"{sum(map(len, self._essential.values()))} essential links)"
        )
