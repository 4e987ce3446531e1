"""The French and English catalogues: every key used is in both, with the same placeholders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from api.core.i18n import LANGUAGES, catalogue, gettext, ngettext, placeholders, translator
from api.engine.explanations import written
from matching.messages import Listing, Term, phrase
from matching.ranker import COMPONENTS
from matching.types import Explanation, NeedKind

ROOT = Path(__file__).resolve().parents[1]
MessageId = str | tuple[str, str]


def used_ids() -> Iterator[tuple[MessageId, str]]:
    """Each message id written literally in code or templates, with where it is used.

    Babel's extractors read babel.cfg, the same mapping `pybabel extract` uses: `_`, `gettext`,
    `ngettext`, `t(key)`, `tr(request, key)` and the engine's `phrase(key, ...)`.
    """
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    for folder in ("api", "matching"):
        found = extract_from_dir(
            ROOT / folder, method_map, options_map, keywords=DEFAULT_KEYWORDS, comment_tags=()
        )
        for filename, lineno, message, _comments, _context in found:
            where = f"{folder}/{filename}:{lineno}"
            if isinstance(message, tuple):
                singular, plural = message[0], message[1]
                if singular and plural:
                    yield (singular, plural), where
                elif singular:
                    yield singular, where
            elif message:
                yield message, where


def ids(lang: str) -> dict[MessageId, list[str]]:
    """Message id -> its texts (one per plural form) in one catalogue."""
    out: dict[MessageId, list[str]] = {}
    for message in catalogue(lang):
        if not message.id:
            continue  # the header
        key = tuple(message.id) if isinstance(message.id, list | tuple) else message.id
        texts = list(message.string) if isinstance(message.string, tuple) else [message.string]
        out[key] = [str(t) for t in texts]  # type: ignore[index]
    return out


def test_extraction_finds_code_and_template_keys() -> None:
    found = {key for key, _ in used_ids()}
    assert "nav.home" in found  # a template's _()
    assert ("review.total", "review.total_plural") in found  # a template's ngettext()
    assert "error.invalid" in found  # a t() in Python
    assert "explain.ruled_out" in found  # the engine's explanations


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_used_is_in_the_catalogue(lang: str) -> None:
    known = ids(lang)
    singular_of_plural = {key[0] for key in known if isinstance(key, tuple)}
    missing = sorted(
        f"{key} ({where})"
        for key, where in used_ids()
        if key not in known and not (isinstance(key, str) and key in singular_of_plural)
    )
    assert not missing, f"missing from the {lang} catalogue: {missing}"


def test_both_catalogues_have_the_same_ids_and_placeholders() -> None:
    french, english = ids("fr"), ids("en")
    assert set(french) == set(english)
    differing = []
    for key, texts in french.items():
        names = {frozenset(placeholders(t)) for t in texts + english[key]}
        if len(names) > 1 or any(not t for t in texts + english[key]):
            differing.append(key)
    assert not differing, f"placeholders differ or a text is empty: {differing}"


def test_every_placeholder_is_filled_without_error() -> None:
    for lang in LANGUAGES:
        for key, texts in ids(lang).items():
            for text in texts:
                values = {name: 1 for name in placeholders(text)}
                text.format(**values)  # a stray brace would raise here, not in front of a user
            assert key


def test_plural_forms_in_french_and_english() -> None:
    fr = [ngettext("fr", "review.total", "review.total_plural", n, total=n) for n in (0, 1, 2)]
    en = [ngettext("en", "review.total", "review.total_plural", n, total=n) for n in (0, 1, 2)]
    assert fr == ["0 suggestion", "1 suggestion", "2 suggestions"]  # French: 0 is singular
    assert en == ["0 suggestions", "1 suggestion", "2 suggestions"]
    rows = [
        ngettext(
            "fr", "imports.done_rows", "imports.done_rows_plural", n, rows=n, kind="Organisations"
        )
        for n in (0, 1, 2)
    ]
    assert rows == [
        "0 ligne importée : Organisations.",
        "1 ligne importée : Organisations.",
        "2 lignes importées : Organisations.",
    ]


def test_a_plural_key_asked_by_its_singular_picks_the_form_from_its_count() -> None:
    t = translator("en")
    assert t("review.total", total=1) == "1 suggestion"
    assert t("review.total", total=3) == "3 suggestions"
    assert t("hackathons.report.size_item", count=2, size=4) == "2 teams of 4"
    assert translator("fr")("agenda.count", n=0) == "0 entretien"


def test_unknown_keys_and_missing_values() -> None:
    assert gettext("en", "no.such.key") == "no.such.key"
    assert gettext("de", "nav.home") == "Accueil"  # unknown languages read French
    assert gettext("fr", "") == ""
    assert gettext("en", "agenda.caption") == "Agenda of {name}"  # no values: text as written


def test_the_engine_vocabulary_is_named_in_both_catalogues() -> None:
    for lang in LANGUAGES:
        known = ids(lang)
        for code in [*NeedKind, *COMPONENTS]:
            group = "kind" if code in set(NeedKind) else "component"
            assert Term(group, code).id in known, (lang, code)


def test_explanations_are_written_out_in_french_and_english() -> None:
    ruled_out = (
        phrase(
            "explain.violation.kind",
            kind=Term("kind", "job"),
            wanted=Listing((Term("kind", "internship"),)),
        ),
        phrase("explain.violation.distance", distance=41.6, mobility=15),
    )
    explanation = written(
        Explanation(
            reasons=(
                phrase("explain.covered_list", matched=1, required=2, skills=Listing(("python",))),
                phrase("explain.missing", skills=Listing(("sql",))),
                phrase(
                    "explain.strongest",
                    components=Listing((Term("component", "skills"), Term("component", "new"))),
                ),
                phrase(
                    "explain.ruled_out", reasons=Listing(ruled_out, "explain.separator.reasons")
                ),
            ),
            ruled_out=ruled_out,
        )
    )
    assert explanation.text_fr == (
        "Compétences demandées couvertes : 1/2 (python). À acquérir : sql. Points forts : "
        "compétences demandées couvertes, new. Écarté par : type de contrat : emploi ; "
        "recherché : stage ; distance : 42 km pour une mobilité de 15 km."
    )
    assert explanation.text_en == (
        "Required skills covered: 1/2 (python). Missing: sql. Strongest evidence: required "
        "skills covered, new. Ruled out by: kind of contract: job; looking for: internship; "
        "distance: 42 km for a mobility of 15 km."
    )
    assert explanation.violations == (
        "type de contrat : emploi ; recherché : stage",
        "distance : 42 km pour une mobilité de 15 km",
    )
    assert written(Explanation()).text_fr == ""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_message_is_defined_twice(lang: str) -> None:
    """Two branches adding the same id: the reader keeps one text silently, maybe the wrong one."""
    path = Path(__file__).resolve().parents[1] / "api" / "locale" / lang / "LC_MESSAGES"
    ids = [
        line
        for line in (path / "messages.po").read_text().splitlines()
        if line.startswith("msgid ")
    ]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
