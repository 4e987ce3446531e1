"""Tests of the built-in skills vocabulary: keys, lookup, extraction and autocompletion."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.skills import Skill, SkillVocabulary, normalise, skill_key

VOCAB = SkillVocabulary.builtin()
FAMILIES = {
    "informatique",
    "logistique",
    "énergie",
    "industrie",
    "agroalimentaire",
    "mer",
    "environnement",
    "tourisme",
    "commerce",
    "gestion",
    "langues",
    "savoir-être",
    "santé",
    "btp",
    "droit",
    "recherche",
    "design",
}


def labels(skills: list[Skill]) -> set[str]:
    return {skill.label for skill in skills}


# -- the resource ---------------------------------------------------------------------------------


def test_vocabulary_is_large_and_covers_every_family() -> None:
    assert len(VOCAB) >= 450
    assert set(VOCAB.families()) == FAMILIES
    for family in FAMILIES:
        assert len(VOCAB.by_family(family)) >= 10, family


def test_every_name_resolves_to_its_own_skill() -> None:
    # No alias is shadowed by another skill: what the file says is what lookup() does.
    for skill in VOCAB:
        for name in skill.names:
            assert VOCAB.lookup(name) == skill, (name, VOCAB.lookup(name), skill)


def test_ids_are_unique_and_readable() -> None:
    ids = [skill.id for skill in VOCAB]
    assert len(ids) == len(set(ids))
    assert all(i and i == i.lower() and " " not in i for i in ids)
    assert VOCAB.get("python") is not None and VOCAB.get("python") == VOCAB.lookup("Python")


def test_region_specific_skills_are_present() -> None:
    for label in (
        "dédouanement",
        "logistique portuaire",
        "éolien en mer",
        "HACCP",
        "IFS Food",
        "BRCGS",
        "transformation des produits de la mer",
        "soudage TIG",
        "sécurité des procédés",
        "néerlandais",
        "habilitation électrique",
    ):
        assert VOCAB.lookup(label) is not None, label


# -- normalise ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Développement Web", "developpement web"),
        ("  GESTION   de  Projet ", "gestion de projet"),
        ("éco-conception", "eco conception"),
        ("Œnologie", "oenologie"),
        ("réseaux électriques", "reseau electrique"),
        ("Analyses", "analyse"),
        ("process", "process"),
        ("processus", "processus"),
        ("gaz", "gaz"),
        ("bus", "bus"),
        ("SIG", "sig"),
        ("analysis", "analysis"),
        ("C++", "c++"),
        ("C#", "c#"),
        (".NET", ".net"),
        ("ASP.NET", "asp .net"),
        ("R&D", "rd"),
        ("l'anglais", "l anglais"),
        ("Node.js", "node js"),
        ("DevOps", "devops"),
        ("CACES", "caces"),
        ("travaux", "travail"),
    ],
)
def test_normalise_examples(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_normalise_keeps_languages_apart() -> None:
    keys = {normalise(x) for x in ("C", "C++", "C#", ".NET", "net", "F#")}
    assert len(keys) == 6


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(st.text(alphabet="abcdeéèsxuCS+#.&- '’", max_size=30))
def test_normalise_is_idempotent_on_tricky_characters(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


# -- lookup and canonicalise ----------------------------------------------------------------------

ALL_NAMES = [(name, skill) for skill in VOCAB for name in skill.names]


@given(st.sampled_from(ALL_NAMES), st.sampled_from([str.upper, str.lower, str.title, str]))
def test_lookup_of_any_alias_returns_its_skill(pair: tuple[str, Skill], case: object) -> None:
    name, skill = pair
    assert callable(case)
    assert VOCAB.lookup(case(name)) == skill
    assert VOCAB.lookup(f"  {name}  ") == skill


def test_synonyms_in_two_languages_meet() -> None:
    ml = VOCAB.lookup("apprentissage automatique")
    assert ml is not None
    assert VOCAB.lookup("ML") == ml
    assert VOCAB.lookup("machine learning") == ml
    assert VOCAB.lookup("Machine-Learning") == ml
    assert VOCAB.lookup("Développement Web") == VOCAB.lookup("developpement web") is not None
    assert VOCAB.lookup("gestion des stocks") == VOCAB.lookup("Gestion de stock") is not None
    assert VOCAB.lookup("English") == VOCAB.lookup("anglais courant") == VOCAB.lookup("anglais")
    assert VOCAB.lookup("flamand") == VOCAB.lookup("néerlandais")
    assert VOCAB.lookup("customs clearance") == VOCAB.lookup("dédouanement")


def test_similar_names_stay_distinct() -> None:
    distinct = ["Java", "JavaScript", "langage C", "C++", "C#", "SQL", "SQL Server", "React"]
    found = [VOCAB.lookup(x) for x in distinct]
    assert None not in found
    assert len({s.id for s in found if s}) == len(distinct)
    assert VOCAB.lookup("React Native") != VOCAB.lookup("React")


def test_canonicalise_keeps_unknown_labels_as_given() -> None:
    known, unknown = VOCAB.canonicalise(
        ["Python", "Tricot extrême", "python 3", "", "SQL", "tricot  EXTRÊME", "Zythologie"]
    )
    assert [s.label for s in known] == ["Python", "SQL"]
    assert unknown == ["Tricot extrême", "Zythologie"]


# -- extract --------------------------------------------------------------------------------------

PORT_OFFER = """
Déclarant en douane H/F – CDI – Calais
Notre agence (SAS au capital de 200 000 €), commissionnaire en douane implanté sur le port,
recherche un déclarant pour le trafic transmanche. Missions : établir les déclarations en douane
import/export, vérifier le classement tarifaire et les Incoterms, suivre le statut OEA.
Vous maîtrisez l'anglais ; le néerlandais est un plus. Connaissance de SAP appréciée.
Rigueur et sens de l'organisation indispensables.
"""

DATA_OFFER = """
Stage – Data engineer (R&D) – Dunkerque. Vous développerez des pipelines de données en Python
et SQL Server, une API REST en FastAPI, avec Docker. Notions de machine learning (scikit-learn).
La connaissance de JavaScript est un plus. Poste en équipe, au sein d'un service commercial.
"""


def test_extract_from_a_customs_offer() -> None:
    found = labels(VOCAB.extract(PORT_OFFER))
    assert found >= {
        "dédouanement",
        "trafic transmanche",
        "réglementation douanière",
        "Incoterms",
        "OEA",
        "anglais",
        "néerlandais",
        "SAP",
        "rigueur",
        "sens de l'organisation",
    }
    # "SAS au capital" is a company form, not the statistics software.
    assert "SAS (logiciel)" not in found
    assert len(found) <= 12


def test_extract_prefers_longest_match_and_ignores_ambiguous_words() -> None:
    found = labels(VOCAB.extract(DATA_OFFER))
    assert found >= {
        "ingénierie des données",
        "Python",
        "SQL Server",
        "API REST",
        "FastAPI",
        "Docker",
        "apprentissage automatique",
        "scikit-learn",
        "JavaScript",
    }
    assert "SQL" not in found  # swallowed by "SQL Server"
    assert "Java" not in found  # not inside "JavaScript"
    assert "langage R" not in found  # "R&D" is not the R language
    assert "vente" not in found  # "commercial" alone is too vague


def test_extract_returns_first_mention_order_without_duplicates() -> None:
    found = VOCAB.extract("Python, puis SQL, puis encore python et PYTHON.")
    assert [s.label for s in found] == ["Python", "SQL"]


def test_extract_handles_empty_and_punctuation_only_text() -> None:
    assert VOCAB.extract("") == []
    assert VOCAB.extract(" ,;:!? — «»") == []


FILLER_TEXT = (
    "nous recherchons une personne motivée pour rejoindre notre belle structure située près "
    "du littoral avec des missions variées chaque semaine dans un cadre agréable vous serez "
    "accompagné par votre tuteur au quotidien poste ouvert dès septembre prochain salaire "
    "selon profil merci bonjour ensuite également notamment"
)
FILLER_WORDS = [
    w
    for w in FILLER_TEXT.split()
    # keep only words that are part of no skill name, so that filler cannot create matches
    if not any(normalise(w) in skill_key(n).split() for s in VOCAB for n in s.names)
]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(list(VOCAB)), min_size=1, max_size=6, unique=True),
    st.lists(st.lists(st.sampled_from(FILLER_WORDS), min_size=1, max_size=6), min_size=7),
    st.sampled_from([" ", ", ", " : ", ". ", " (", ") ", " - ", "\n"]),
)
def test_extract_finds_every_label_in_filler_text(
    skills: list[Skill], fillers: list[list[str]], glue: str
) -> None:
    parts: list[str] = []
    for index, skill in enumerate(skills):
        parts.append(" ".join(fillers[index]))
        parts.append(skill.label)
    parts.append(" ".join(fillers[len(skills)]))
    text = glue.join(parts)
    assert labels(VOCAB.extract(text)) == labels(skills)


def test_extract_is_fast_on_long_texts() -> None:
    text = (PORT_OFFER + DATA_OFFER) * 12
    text = text[:10_000]
    VOCAB.extract(text)  # warm caches
    start = time.perf_counter()
    for _ in range(10):
        VOCAB.extract(text)
    assert (time.perf_counter() - start) / 10 < 0.05
    big = (PORT_OFFER + DATA_OFFER + "texte sans compétence " * 40) * 700
    assert len(big) > 1_000_000
    start = time.perf_counter()
    found = VOCAB.extract(big)
    assert time.perf_counter() - start < 5
    assert "Python" in labels(found)


# -- suggest --------------------------------------------------------------------------------------


def test_suggest_puts_python_first() -> None:
    assert VOCAB.suggest("pyth")[0].label == "Python"
    assert VOCAB.suggest("PYTH")[0].label == "Python"


def test_suggest_ranks_and_limits() -> None:
    found = VOCAB.suggest("soud", limit=3)
    assert len(found) == 3
    assert found[0].label == "soudage"  # the shortest, most general name first
    assert all("soud" in normalise(" ".join(s.names)) for s in found)
    assert VOCAB.suggest("", limit=5) == []
    assert VOCAB.suggest("zzzzqx") == []


def test_suggest_uses_popularity_and_inner_words() -> None:
    plain = VOCAB.suggest("soudage", limit=4)
    tig = VOCAB.lookup("soudage TIG")
    assert tig is not None and plain[0].label == "soudage"
    boosted = VOCAB.suggest("soudage", limit=4, popularity={tig.id: 100})
    assert boosted[0] == tig
    # an inner word matches too, after names that start with the prefix
    learning = VOCAB.suggest("learning", limit=20)
    assert VOCAB.lookup("machine learning") in learning


# -- extend and load ------------------------------------------------------------------------------


def test_extend_returns_a_new_vocabulary() -> None:
    extra = Skill("esco:1", "tréfilage des métaux", "esco", ("étirage de fils",))
    clash = Skill("esco:2", "Python", "esco", ("programmer en python",))
    bigger = VOCAB.extend([extra, clash])
    assert len(bigger) == len(VOCAB) + 2
    assert VOCAB.lookup("tréfilage des métaux") is None
    assert bigger.lookup("Tréfilage des métaux") == extra
    assert bigger.lookup("python") == VOCAB.lookup("python")  # existing keys keep their skill
    assert bigger.lookup("programmer en Python") == clash
    assert extra in bigger.extract("Expérience en étirage de fils exigée.")
    quiet = VOCAB.extend([extra], extractable=False)
    assert quiet.lookup("étirage de fils") == extra
    assert quiet.extract("Expérience en étirage de fils exigée.") == []
    # lookup-only names of the base vocabulary stay lookup-only
    assert bigger.lookup("R") is not None and bigger.extract("en R, en C et en Go") == []
    with pytest.raises(ValueError, match="duplicate"):
        VOCAB.extend([Skill("python", "Autre", "x")])


def test_load_a_custom_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text(
        "# comment\nid\tlabel\tfamily\taliases_fr\taliases_en\n"
        "kite\tkitesurf\tmer\tkite | ~aile\tkitesurfing\n",
        encoding="utf-8",
    )
    mine = SkillVocabulary.load(path)
    assert len(mine) == 1 and mine.lookup("aile") is not None
    assert mine.extract("une aile de kite") == [mine.lookup("kitesurf")]
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\tlabel\n1\tx\n", encoding="utf-8")
    with pytest.raises(ValueError, match="aliases_en"):
        SkillVocabulary.load(bad)
