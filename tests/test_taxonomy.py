"""Tests of the ESCO importer and occupation inference (on the real French ESCO folder)."""

from __future__ import annotations

import json
import os
import pickle
import random
import time
from pathlib import Path

import numpy as np
import pytest

from matching.index import row_normalise
from matching.skills import SkillVocabulary, normalise
from matching.taxonomy import (
    EscoFormatError,
    EscoTaxonomy,
    OccupationScore,
    clean_title,
    gender_forms,
    row_entries,
)

ESCO_DIR = Path(
    os.environ.get(
        "PASSERELLE_ESCO_DIR",
        Path(__file__).resolve().parents[1].parent / "shared" / "data" / "esco-fr",
    )
)
BENCHMARK = (
    Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "esco-occupations"
)

needs_esco = pytest.mark.skipif(
    not (ESCO_DIR / "occupations_fr.csv").is_file(),
    reason=f"ESCO French CSV folder not found at {ESCO_DIR} (set PASSERELLE_ESCO_DIR)",
)


# -- a tiny hand-written folder in the ESCO layout ----------------------------------------------

OCCUPATIONS = """conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,description,code
Occupation,occ:soudeur,7212,soudeur/soudeuse,"soudeuse
soudeur
soudeur TIG",,Assemble des pièces de métal par fusion.,7212.1
Occupation,occ:boulanger,7512,boulanger/boulangère,"boulangère
boulanger
ouvrier en boulangerie",,Fabrique le pain et les viennoiseries.,7512.1
Occupation,occ:devweb,2513,développeur web/développeuse web,"développeuse web
développeur web
intégrateur web",,Conçoit et programme des sites internet.,2513.1
"""
SKILLS = """conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description
KnowledgeSkillCompetence,sk:tig,skill/competence,,souder à l'arc sous gaz inerte,soudage TIG,
KnowledgeSkillCompetence,sk:plans,skill/competence,,lire des plans,,
KnowledgeSkillCompetence,sk:pate,skill/competence,,pétrir la pâte,"pétrissage
façonnage",
KnowledgeSkillCompetence,sk:four,skill/competence,,cuire au four,,
KnowledgeSkillCompetence,sk:html,knowledge,,HTML,,
KnowledgeSkillCompetence,sk:js,knowledge,,JavaScript,js,
"""
RELATIONS = """occupationUri,relationType,skillType,skillUri
occ:soudeur,essential,skill/competence,sk:tig
occ:soudeur,essential,skill/competence,sk:plans
occ:boulanger,essential,skill/competence,sk:pate
occ:boulanger,essential,skill/competence,sk:four
occ:devweb,essential,knowledge,sk:html
occ:devweb,essential,knowledge,sk:js
occ:devweb,optional,skill/competence,sk:plans
occ:devweb,essential,knowledge,sk:without-label
"""
ISCO = """conceptType,conceptUri,code,preferredLabel,status,altLabels,inScheme,description
ISCOGroup,isco:C7212,7212,Soudeurs,released,,,
ISCOGroup,isco:C7512,7512,Boulangers,released,,,
ISCOGroup,isco:C2513,2513,Développeurs web,released,,,
"""
FILES = {
    "occupations_fr.csv": OCCUPATIONS,
    "skills_fr.csv": SKILLS,
    "occupationSkillRelations.csv": RELATIONS,
    "ISCOGroups_fr.csv": ISCO,
}


def write_folder(root: Path, files: dict[str, str] = FILES) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (root / name).write_text(content, encoding="utf-8")
    return root


@pytest.fixture()
def tiny(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "esco")


def test_tiny_folder_loads_with_multiline_labels(tiny: Path) -> None:
    esco = EscoTaxonomy.load(tiny)
    assert len(esco.occupations) == 3 and len(esco.skills) == 6
    baker = esco.occupation("occ:boulanger")
    assert baker.alt_labels == ("boulangère", "boulanger", "ouvrier en boulangerie")
    assert baker.isco == "7512" and esco.isco_group("occ:boulanger") == "7512"
    assert esco.isco_label("7512") == "Boulangers"
    assert esco.skill("sk:pate").alt_labels == ("pétrissage", "façonnage")
    # relations to a skill without a label are dropped, not turned into empty labels
    assert esco.implied_skills("occ:devweb") == ["HTML", "JavaScript"]
    assert esco.implied_skills("occ:devweb", essential_only=False)[-1] == "lire des plans"
    with pytest.raises(KeyError):
        esco.implied_skills("occ:unknown")


def test_tiny_folder_infers_occupations(tiny: Path) -> None:
    esco = EscoTaxonomy.load(tiny)
    assert esco.infer_from_text("Soudeuse H/F")[0].uri == "occ:soudeur"
    assert esco.infer_from_text("Intégrateur web (H/F) en alternance")[0].uri == "occ:devweb"
    assert esco.infer_from_skills(["pétrissage", "cuire au four"])[0].uri == "occ:boulanger"
    assert esco.infer_from_skills(["JS", "html"])[0].uri == "occ:devweb"
    assert esco.infer_from_text("   ") == [] and esco.infer_from_skills([]) == []


class _PlacedEncoder:
    """Embeds each tiny occupation where a test puts it (by the first word of its label)."""

    name = "placed"

    def __init__(self, places: dict[str, list[float]]) -> None:
        self.places = places

    def encode_documents(self, texts: list[str], progress: object = None) -> np.ndarray:
        return np.array([self.places[text.split("/")[0]] for text in texts])


def test_a_text_is_compared_with_occupations_where_what_sets_them_apart_counts(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The welder and the baker lie far apart along one direction (x); the web developer stands
    # out from both only a little, along another (z). A text a little towards the welder on x
    # and as far towards the developer on z as the developer itself is read as the developer:
    # in the whitened space a step along z (where occupations rarely differ) counts more than
    # the same step along x (where they always do). Plain cosines read it as the welder.
    x, z = 1, 2
    base = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]

    def at(**steps: float) -> list[float]:
        out = list(base)
        out[x] += steps.get("x", 0.0)
        out[z] += steps.get("z", 0.0)
        return out

    encoder = _PlacedEncoder(
        {"soudeur": at(x=1.0), "boulanger": at(x=-1.0), "développeur web": at(z=0.15)}
    )
    text = np.array([at(x=0.15, z=0.15)])

    def first(esco: EscoTaxonomy) -> str:
        # "zzz" shares no word with any occupation: the vectors alone decide
        scores = esco.occupation_scores_from_texts(["zzz"], vectors=text, encoder=encoder)
        return esco.occupations[int(np.argmax(scores[0]))].uri

    assert first(EscoTaxonomy.load(tiny)) == "occ:devweb"
    monkeypatch.setattr(EscoTaxonomy, "WHITENING_SHRINK", 1e9)  # no evening out: cosines
    assert first(EscoTaxonomy.load(tiny)) == "occ:soudeur"


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EscoFormatError, match="folder not found") as error:
        EscoTaxonomy.load(tmp_path / "nowhere")
    assert error.value.path == tmp_path / "nowhere"


@pytest.mark.parametrize("missing", sorted(FILES))
def test_missing_file_is_named(tmp_path: Path, missing: str) -> None:
    folder = write_folder(tmp_path / "esco", {k: v for k, v in FILES.items() if k != missing})
    with pytest.raises(EscoFormatError, match=missing) as error:
        EscoTaxonomy.load(folder)
    assert error.value.path.name == missing


@pytest.mark.parametrize(
    ("file", "column"),
    [
        ("occupations_fr.csv", "iscoGroup"),
        ("occupations_fr.csv", "altLabels"),
        ("skills_fr.csv", "preferredLabel"),
        ("occupationSkillRelations.csv", "relationType"),
        ("ISCOGroups_fr.csv", "code"),
    ],
)
def test_missing_column_is_named(tmp_path: Path, file: str, column: str) -> None:
    header, _, body = FILES[file].partition("\n")
    renamed = ",".join("renamed" if c == column else c for c in header.split(","))
    folder = write_folder(tmp_path / "esco", {**FILES, file: f"{renamed}\n{body}"})
    with pytest.raises(EscoFormatError, match=column) as error:
        EscoTaxonomy.load(folder)
    assert error.value.column == column
    assert error.value.path.name == file
    assert file in str(error.value)


def test_cache_is_reused_and_invalidated(tiny: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = EscoTaxonomy.load(tiny, cache=cache)
    files = list(cache.glob("*.pickle"))
    assert len(files) == 1
    again = EscoTaxonomy.load(tiny, cache=cache)
    assert again.occupations == first.occupations
    assert again.infer_from_text("boulanger")[0].uri == "occ:boulanger"
    # an edited file (new size) gives a new key, so stale data is never served
    (tiny / "occupations_fr.csv").write_text(
        OCCUPATIONS.replace("ouvrier en boulangerie", "mitron"), encoding="utf-8"
    )
    edited = EscoTaxonomy.load(tiny, cache=cache)
    assert "mitron" in edited.occupation("occ:boulanger").alt_labels
    assert len(list(cache.glob("*.pickle"))) == 2
    for path in cache.glob("*.pickle"):
        path.write_bytes(b"not a pickle")  # a corrupt cache is rebuilt, not fatal
    assert EscoTaxonomy.load(tiny, cache=cache).occupations == edited.occupations


def test_a_label_is_matched_once_then_remembered_and_the_taxonomy_still_pickles(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    esco = EscoTaxonomy.load(tiny)
    computed: list[str] = []
    original = EscoTaxonomy._skill_candidates_of

    def counted(self: EscoTaxonomy, labels: list[str], fuzzy_top: int) -> object:
        computed.extend(labels)
        return original(self, labels, fuzzy_top)

    monkeypatch.setattr(EscoTaxonomy, "_skill_candidates_of", counted)
    labels = ["pétrir la pâte", "petrissage de pate", "xqzw vbnm", "pétrir la pâte"]
    first = esco.match_skills(labels)
    assert computed == ["pétrir la pâte", "petrissage de pate", "xqzw vbnm"]  # once each
    assert first[0] == first[3] and first[0].confidence == 1.0
    assert first[1].uri == first[0].uri and first[1].confidence < 1.0  # fuzzy
    assert first[2].uri is None
    # Asked again, in another batch and order: the same answers, nothing computed again.
    again = esco.match_skills(["xqzw vbnm", "cuire du pain", "petrissage de pate"])
    assert computed == ["pétrir la pâte", "petrissage de pate", "xqzw vbnm", "cuire du pain"]
    assert again[0] == first[2] and again[2] == first[1]
    # A used taxonomy still pickles (the ESCO cache), and the copy answers alike.
    copy = pickle.loads(pickle.dumps(esco))
    assert copy.match_skills(labels) == first


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Développeur(se) web H/F", "Développeur web"),
        ("Technicien·ne de maintenance (F/H) - CDI", "Technicien de maintenance"),
        ("Stage ingénieur data", "ingénieur data"),
        ("Chargé(e) de communication junior h/f/x", "Chargé de communication"),
        ("Infirmier(ère)", "Infirmier"),
        ("apprentissage automatique", "apprentissage automatique"),
    ],
)
def test_clean_title(title: str, expected: str) -> None:
    assert clean_title(title) == expected


def test_gender_forms_complete_a_bare_first_word() -> None:
    assert gender_forms("boulanger/boulangère") == ["boulanger", "boulangère"]
    assert gender_forms("conducteur/conductrice de ligne") == [
        "conducteur de ligne",
        "conductrice de ligne",
    ]
    assert gender_forms("cariste") == []


# -- the real French ESCO folder ------------------------------------------------------------------


@pytest.fixture(scope="module")
def esco() -> EscoTaxonomy:
    if not (ESCO_DIR / "occupations_fr.csv").is_file():
        pytest.skip(f"ESCO French CSV folder not found at {ESCO_DIR} (set PASSERELLE_ESCO_DIR)")
    return EscoTaxonomy.load(ESCO_DIR)


def top_labels(scores: list[OccupationScore], k: int = 1) -> str:
    return " | ".join(normalise(s.label) for s in scores[:k])


@needs_esco
def test_full_folder_loads_quickly_and_completely() -> None:
    start = time.perf_counter()
    esco = EscoTaxonomy.load(ESCO_DIR)
    assert time.perf_counter() - start < 10
    assert len(esco.occupations) > 2900 and len(esco.skills) > 13000
    assert all(len(o.isco) == 4 and o.isco.isdigit() for o in esco.occupations)
    assert not any("\n" in name for o in esco.occupations for name in o.alt_labels)
    assert sum(len(o.alt_labels) > 1 for o in esco.occupations) > 2000
    # skills that only later ESCO versions label are filled in from the collection files
    assert all(label for o in esco.occupations[:300] for label in esco.implied_skills(o.uri))


@pytest.mark.parametrize(
    ("title", "expected_word"),
    [
        ("Développeur web H/F", "developpeur web"),
        ("opérateur de tréfilerie", "trefilerie"),
        ("Soudeur TIG (H/F) - CDI Dunkerque", "soud"),
        ("Cariste CACES 3 H/F", "cariste"),
        ("Boulangère", "boulanger"),
        ("Serveuse en restauration", "serveu"),
        ("Alternance - assistant RH", "assistant ressource humaine"),
        ("Chauffeur PL", "poids lourd"),
        ("Data scientist junior", "donnee"),
        ("Électricien bâtiment", "electricien"),
    ],
)
def test_job_titles_infer_the_right_occupation(
    esco: EscoTaxonomy, title: str, expected_word: str
) -> None:
    found = esco.infer_from_text(title, k=5)
    assert expected_word in top_labels(found, 1), top_labels(found, 5)
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


def test_a_long_offer_text_infers_its_occupation(esco: EscoTaxonomy) -> None:
    offer = (
        "Boulangerie artisanale du Touquet recherche un(e) ouvrier(ère) qualifié(e). "
        "Vous préparez les pâtes, façonnez et cuisez le pain et les viennoiseries chaque matin, "
        "dans le respect des règles d'hygiène. Travail de nuit et le week-end."
    )
    assert "boulanger" in top_labels(esco.infer_from_text(offer, k=3), 3)


def test_skills_of_a_baker_infer_baker(esco: EscoTaxonomy) -> None:
    baker = next(o for o in esco.occupations if o.label.startswith("boulanger/"))
    sample = random.Random(7).sample(esco.implied_skills(baker.uri, essential_only=False), 10)
    assert esco.infer_from_skills(sample)[0].uri == baker.uri


def test_free_skill_labels_infer_a_plausible_occupation(esco: EscoTaxonomy) -> None:
    welder = esco.infer_from_skills(
        ["soudage TIG", "soudage à l'arc", "lire des plans", "meulage", "techniques de soudure"]
    )
    assert "soud" in top_labels(welder, 3)
    developer = esco.infer_from_skills(["Python", "JavaScript", "SQL", "Git", "HTML", "CSS"])
    assert "developpeu" in top_labels(developer, 3) or "logiciel" in top_labels(developer, 3)


def test_match_skills_uses_synonyms_then_fuzzy(esco: EscoTaxonomy) -> None:
    exact, synonym, fuzzy, unknown = esco.match_skills(
        ["anglais", "machine learning", "techniques de soudures", "xqzw vbnm"]
    )
    assert exact.confidence == 1.0 and exact.esco_label == "anglais"
    assert synonym.confidence == 1.0 and synonym.esco_label is not None
    assert normalise(synonym.esco_label) == "apprentissage automatique"
    assert fuzzy.uri is not None and 0.5 <= fuzzy.confidence <= 1.0
    assert unknown.uri is None and unknown.confidence == 0.0


def test_isco_and_implied_skills(esco: EscoTaxonomy) -> None:
    welder = esco.infer_from_text("soudeur", k=1)[0]
    assert esco.isco_group(welder.uri) == welder.isco and welder.isco.startswith("72")
    assert esco.isco_label(welder.isco)
    essential = esco.implied_skills(welder.uri)
    everything = esco.implied_skills(welder.uri, essential_only=False)
    assert essential and set(essential) < set(everything)


def test_esco_skills_extend_the_vocabulary(esco: EscoTaxonomy) -> None:
    builtin = SkillVocabulary.builtin()
    esco_skills = esco.as_vocabulary_skills()
    assert len(esco_skills) == len(esco.skills) and {s.family for s in esco_skills} == {"esco"}
    typed = {s.family for s in esco.as_vocabulary_skills(family=None)}
    assert {"knowledge", "skill/competence"} <= typed
    bigger = esco.extend_vocabulary(builtin)
    assert len(bigger) == len(builtin) + len(esco.skills)
    assert bigger.lookup("Python") == builtin.lookup("Python")  # built-in entries keep priority
    label = esco.implied_skills(esco.infer_from_text("soudeur", k=1)[0].uri)[0]
    found = bigger.lookup(label)
    assert found is not None and found.family in ("esco", *builtin.families())
    # ESCO names are lookup-only by default: long generic phrases would flood extraction
    assert bigger.extract("Bonne humeur et anglais") == builtin.extract("Bonne humeur et anglais")


def test_occupation_vectors_rank_matching_profiles_first(esco: EscoTaxonomy) -> None:
    texts = [
        "Soudeur TIG H/F : assemblage de pièces métalliques par soudage à l'arc, lecture de plans.",
        "Boulanger H/F : pétrissage, façonnage et cuisson du pain et des viennoiseries.",
    ]
    profiles = [
        ["pétrir des denrées alimentaires", "utiliser un four de boulangerie", "anglais"],
        ["techniques de soudage", "réaliser des tâches de soudage TIG", "lire des plans"],
    ]
    needs = esco.occupation_vectors_from_texts(texts, k=10)
    people = esco.occupation_vectors_from_skills(profiles, k=10)
    n_occupations = len(esco.occupations)
    assert needs.shape == (2, n_occupations) and people.shape == (2, n_occupations)
    assert np.diff(needs.indptr).max() <= 10
    assert np.allclose(np.sqrt(needs.multiply(needs).sum(axis=1)), 1.0)
    cosine = (needs @ people.T).toarray()
    assert cosine[0, 1] > cosine[0, 0] and cosine[1, 0] > cosine[1, 1]
    groups = esco.isco_vectors(needs)
    assert groups.shape == (2, len(esco.isco_groups()))
    assert esco.occupation_vectors_from_texts([]).shape == (0, n_occupations)


def test_isco_columns_are_the_groups_of_isco_vectors_normalised(esco: EscoTaxonomy) -> None:
    """The ranking's numpy shortcut agrees with the sparse definition, empty rows included."""
    texts = ["Soudeur TIG H/F", "", "Boulanger, pâtissier", "Développeuse web en alternance"]
    occupations = esco.occupation_vectors_from_texts(texts, k=20)
    assert occupations[1].nnz == 0
    expected = row_normalise(esco.isco_vectors(occupations)).T.toarray()
    columns = esco.isco_columns(occupations)
    assert columns.dtype == np.float32 and columns.shape == expected.shape
    assert np.allclose(columns, expected, atol=1e-6) and not columns[:, 1].any()
    assert np.allclose(np.linalg.norm(columns[:, [0, 2, 3]], axis=0), 1.0, atol=1e-6)


@pytest.mark.skipif(not BENCHMARK.is_dir(), reason="esco-occupations benchmark not found")
def test_benchmark_accuracy_does_not_regress(esco: EscoTaxonomy) -> None:
    # A 300-item sample of the esco-occupations benchmark (full run: see the module report).
    needs = [json.loads(line) for line in (BENCHMARK / "needs.jsonl").open(encoding="utf-8")]
    profiles = {
        p["id"]: p for p in map(json.loads, (BENCHMARK / "profiles.jsonl").open(encoding="utf-8"))
    }
    same = {}
    for line in (BENCHMARK / "qrels.tsv").open(encoding="utf-8"):
        need, profile, grade = line.split()
        if grade == "3":
            same[need] = profile
    by_label = {o.label: o.uri for o in esco.occupations}
    sample = random.Random(0).sample(needs, 300)
    truth = [by_label[n["title"].strip()] for n in sample]
    uris = [o.uri for o in esco.occupations]
    by_title = esco.occupation_scores_from_texts([n["title"] for n in sample]).argmax(axis=1)
    by_skills = esco.occupation_scores_from_skills(
        [profiles[same[n["id"]]]["skills"] for n in sample]
    ).argmax(axis=1)
    title_top1 = np.mean([uris[i] == t for i, t in zip(by_title, truth, strict=True)])
    skills_top1 = np.mean([uris[i] == t for i, t in zip(by_skills, truth, strict=True)])
    assert title_top1 >= 0.95
    assert skills_top1 >= 0.9


def test_an_indexed_query_reuses_its_stored_occupations_and_a_changed_one_does_not(
    tiny: Path,
) -> None:
    from matching.encoders import CachedEncoder, HashingEncoder
    from matching.index import Document, Featurizer, LiveIndex, Weights
    from matching.types import Need, Profile

    esco = EscoTaxonomy.load(tiny)
    featurizer = Featurizer(CachedEncoder(HashingEncoder()), taxonomy=esco)
    baker = Profile(id="p1", headline="Boulanger", skills=("pétrissage",))
    welder = Profile(id="p2", headline="Soudeur", skills=("souder",))
    need = Need(id="n1", title="Boulanger H/F", skills=("pétrissage",))
    people = LiveIndex(featurizer, needs=False).build(
        [
            Document(p, f)
            for p, f in zip([baker, welder], featurizer.features([baker, welder]), strict=True)
        ]
    )
    needs = LiveIndex(featurizer, needs=True).build(
        [Document(need, featurizer.features([need])[0])]
    )
    lent = needs.query_side([baker], mirror=people)
    fresh = Featurizer(CachedEncoder(HashingEncoder()), taxonomy=esco).queries(
        [baker], needs.table
    )  # computed anew (a snapshot remembers the side of a query it was asked)
    assert lent.occupations is not None and fresh.occupations is not None
    assert np.allclose(lent.occupations.toarray(), fresh.occupations.toarray())
    assert np.allclose(lent.dense, fresh.dense)
    assert np.allclose(lent.lexical.toarray(), fresh.lexical.toarray())
    assert people.stored_rows([baker]) and not people.stored_rows(
        [Profile(id="p1", headline="Soudeur", skills=("souder",))]
    )
    ranked = [s.score for s in needs.rank(baker, Weights(), 1, explain=0, side=lent)]
    assert ranked == [s.score for s in needs.rank(baker, Weights(), 1, explain=0)]


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        (
            "ingénieur en traitement des déchets/ingénieure en traitement des déchets",
            "ingénieur/ingénieure en traitement des déchets",
        ),
        ("développeur web/développeuse web", "développeur/développeuse web"),
        ("conducteur/conductrice de ligne", "conducteur/conductrice de ligne"),
        ("steward/hôtesse", "steward/hôtesse"),
        ("rudologue", "rudologue"),
    ],
)
def test_a_shown_label_writes_the_ending_both_forms_share_once(label: str, shown: str) -> None:
    from matching.taxonomy import shown_label

    assert shown_label(label) == shown


def test_an_explanation_names_the_occupation_that_lifted_the_pair_and_only_then(
    tiny: Path,
) -> None:
    """ "Same likely occupation" says which: the baker ranked first for a baker's job is told
    so by name, in both languages; the welder, whose occupation lifts nothing, is not."""
    from api.engine.explanations import written
    from matching.encoders import CachedEncoder, HashingEncoder
    from matching.index import Document, Featurizer, LiveIndex, Weights
    from matching.types import Need, Profile

    esco = EscoTaxonomy.load(tiny)
    featurizer = Featurizer(CachedEncoder(HashingEncoder()), taxonomy=esco)
    people = [
        Profile(id="baker", headline="Boulangère", skills=("pétrissage", "cuire au four")),
        Profile(id="welder", headline="Soudeur TIG", skills=("soudage TIG",)),
        Profile(id="dev", headline="Développeur web", skills=("JavaScript",)),
    ]
    live = LiveIndex(featurizer, needs=False)
    snapshot = live.build(
        [Document(p, f) for p, f in zip(people, featurizer.features(people), strict=True)]
    )
    need = Need(id="n", title="Boulanger H/F", description="Fabrication du pain au levain.")
    # Only the occupation evidence counts: both its components are the strong points.
    by_occupation = Weights(semantic=0, lexical=0, skills=0)
    ranked = snapshot.rank(need, by_occupation, k=3, explain=3)
    first = ranked[0]
    assert first.doc_id == "baker" and first.explanation is not None
    shown = written(first.explanation)
    assert first.explanation.occupation == "boulanger/boulangère"
    # named where the strong points list it, not in a sentence of its own
    assert "même métier probable « boulanger/boulangère » (ESCO)" in shown.text_fr
    assert "same likely occupation “boulanger/boulangère” (ESCO)" in shown.text_en
    assert "même métier probable (référentiel ESCO)" not in shown.text_fr
    welder = next(s for s in ranked if s.doc_id == "welder")
    assert welder.explanation is not None and welder.explanation.occupation is None
    assert "même métier probable «" not in written(welder.explanation).text_fr
    # The family alone lifted it: the family is named instead.
    by_group = Weights(semantic=0, lexical=0, skills=0, occupation=0)
    first = snapshot.rank(need, by_group, k=1, explain=1)[0]
    assert first.explanation is not None and first.explanation.occupation is None
    assert first.explanation.occupation_group == "Boulangers"
    assert "famille de métiers proche « Boulangers » (CITP)" in written(first.explanation).text_fr
    # The fit shown beside one pair reaches its explanation (the offer page's): a web
    # developer who reads plans, as the welder's job asks, shown a low fit, is told which
    # occupations the two read as.
    both = Profile(id="dev2", headline="Développeur web", skills=("JavaScript", "lire des plans"))
    snapshot = live.apply([Document(both, featurizer.features([both])[0])])
    asks = Need(id="n2", title="Soudeur H/F", skills=("lire des plans",))
    held = written(snapshot.explain(asks, both, Weights(), fit=0.05)).text_fr
    assert (
        "se lit comme « soudeur/soudeuse », le profil comme « développeur/développeuse web »"
        in held
    )
    assert "se lit comme" not in written(snapshot.explain(asks, both, Weights())).text_fr
    # A need torn between two trades (a baker's title, a welder's skill) is not said to read
    # as the closer one.
    torn = Need(id="n3", title="Boulanger", skills=("lire des plans",))
    reading = featurizer.reading(torn)
    assert reading is not None and not reading.clear
    held = written(snapshot.explain(torn, both, Weights(), fit=0.05)).text_fr
    assert (
        f"le besoin ne désigne pas clairement un métier (au plus près : « {reading.occupations[0]} »)"
        ", le profil se lit comme « développeur/développeuse web »" in held
    )


def test_two_occupation_rows_share_their_likeliest_occupation_and_group(tiny: Path) -> None:
    esco = EscoTaxonomy.load(tiny)
    at = {o.uri: i for i, o in enumerate(esco.occupations)}
    baker, welder, dev = at["occ:boulanger"], at["occ:soudeur"], at["occ:devweb"]

    def row(*pairs: tuple[int, float]) -> tuple[np.ndarray, np.ndarray]:
        ordered = sorted(pairs)
        return np.array([i for i, _ in ordered]), np.array([v for _, v in ordered])

    a = row((baker, 0.6), (welder, 0.4))
    b = row((baker, 0.2), (welder, 0.8))
    assert esco.shared_occupation(a, b) == "soudeur/soudeuse"  # 0.32 against 0.12
    assert esco.shared_group(a, b) == "Soudeurs"
    assert esco.shared_occupation(a, row((dev, 1.0))) is None
    assert esco.shared_group(a, row((dev, 1.0))) is None


def test_a_reading_lists_the_likeliest_occupations_and_says_whether_the_first_stands_out(
    tiny: Path,
) -> None:
    esco = EscoTaxonomy.load(tiny)
    at = {o.uri: i for i, o in enumerate(esco.occupations)}
    baker, welder, dev = at["occ:boulanger"], at["occ:soudeur"], at["occ:devweb"]
    # entries come in index order, not by probability: the reading orders them
    indices = np.array(sorted([baker, welder, dev]))
    probability = {baker: 0.15, welder: 0.6, dev: 0.25}
    clear = esco.reading((indices, np.array([probability[i] for i in indices])))
    assert clear is not None and clear.clear  # 0.6 is 2.4 times 0.25
    assert clear.occupations == (
        "soudeur/soudeuse",
        "développeur/développeuse web",
        "boulanger/boulangère",
    )
    probability = {baker: 0.3, welder: 0.38, dev: 0.32}  # 0.38 is not 1.5 times 0.32
    unclear = esco.reading((indices, np.array([probability[i] for i in indices])), k=2)
    assert unclear is not None and not unclear.clear
    assert unclear.occupations == ("soudeur/soudeuse", "développeur/développeuse web")
    alone = esco.reading((np.array([dev]), np.array([1.0])))
    assert alone is not None and alone.clear
    assert alone.occupations == ("développeur/développeuse web",)
    assert esco.reading((np.array([], dtype=np.int32), np.array([]))) is None


def test_the_featurizer_reads_a_text_as_the_index_does(tiny: Path) -> None:
    """What a user is shown of their text is what ranks it: the same occupations, in the
    same order, as its indexed features."""
    from matching.encoders import CachedEncoder, HashingEncoder
    from matching.index import Featurizer
    from matching.types import Need, Profile

    esco = EscoTaxonomy.load(tiny)
    featurizer = Featurizer(CachedEncoder(HashingEncoder()), taxonomy=esco)
    need = Need(id="n", title="Boulanger H/F", description="Fabrication du pain au levain.")
    reading = featurizer.reading(need)
    assert reading is not None and reading.occupations[0] == "boulanger/boulangère"
    assert reading.clear  # the title names the trade
    features = featurizer.features([need])[0]
    assert features.occupation_indices is not None and features.occupation_values is not None
    order = np.argsort(-features.occupation_values)
    indexed = [esco.occupations[int(features.occupation_indices[i])] for i in order]
    assert reading.occupations == tuple(o.shown_label for o in indexed[:3])
    assert featurizer.reading(Profile(id="p", headline="  ")) is None
    assert Featurizer(CachedEncoder(HashingEncoder())).reading(need) is None  # no ESCO
    # An indexed item is read from its stored occupations, unless its content changed since.
    from matching.index import Document, LiveIndex

    snapshot = LiveIndex(featurizer, needs=True).build([Document(need, features)])
    computed = featurizer.reading
    welder = Need(id="n", title="Soudeur TIG (H/F)", description="Soudure TIG d'inox.")
    featurizer.reading = lambda item: pytest.fail("an indexed item was read again")  # type: ignore[method-assign]
    assert snapshot.reading(need) == reading
    featurizer.reading = computed  # type: ignore[method-assign]
    changed = snapshot.reading(welder)
    assert changed is not None and changed.occupations[0] == "soudeur/soudeuse"


def test_clear_rows_say_what_each_reading_says(tiny: Path) -> None:
    """The dashboard counts clear readings per school from stored distributions at once: the
    same verdict as each reading, ties, single occupations and empty rows included."""
    import scipy.sparse as sp

    from matching.taxonomy import clear_rows

    esco = EscoTaxonomy.load(tiny)
    n = len(esco.occupations)
    rng = np.random.default_rng(7)
    rows: list[list[tuple[int, float]]] = [
        [],
        [(1, 1.0)],
        [(0, 0.6), (2, 0.4)],
        [(0, 0.5), (1, 0.5)],
    ]
    rows.append([(0, 0.25), (1, 0.375), (2, 0.125)])  # exactly 1.5 times: clear
    for _ in range(300):
        k = int(rng.integers(0, n + 1))
        cols = rng.choice(n, size=k, replace=False)
        values = rng.dirichlet(np.full(k, 0.3)) if k else np.zeros(0)
        rows.append(list(zip(cols.tolist(), values.astype(np.float32).tolist(), strict=True)))
    matrix = sp.csr_matrix(
        (
            [v for row in rows for _, v in row],
            [c for row in rows for c, _ in row],
            np.cumsum([0, *(len(row) for row in rows)]),
        ),
        shape=(len(rows), n),
        dtype=np.float32,
    )
    flags = clear_rows(matrix).tolist()
    expected = []
    for row in range(len(rows)):
        reading = esco.reading(row_entries(matrix, row))
        expected.append(-1 if reading is None else int(reading.clear))
    assert flags == expected
    assert flags[:5] == [-1, 1, 1, 0, 1] and {0, 1} <= set(flags[5:])


def test_a_snapshot_counts_its_clear_readings_as_each_item_reads(tiny: Path) -> None:
    from matching.encoders import CachedEncoder, HashingEncoder
    from matching.index import Document, Featurizer, LiveIndex
    from matching.types import Profile

    featurizer = Featurizer(CachedEncoder(HashingEncoder()), taxonomy=EscoTaxonomy.load(tiny))
    people = [
        Profile(id="a", headline="Apprentie boulangère", skills=("pétrissage",)),
        Profile(id="b", headline="Boulanger soudeur", skills=("pétrissage", "soudage TIG")),
        Profile(id="c", headline="Soudeur TIG", skills=("soudage TIG",)),
        Profile(id="d"),  # nothing to read
    ]
    index = LiveIndex(featurizer, needs=False)
    features = featurizer.features(people)
    built = index.build([Document(p, f) for p, f in zip(people, features, strict=True)])
    assert dict((item.id, clear) for item, clear in built.clear_readings()) == {
        "a": True,
        "b": False,  # torn between two trades
        "c": True,
    }
    welder = Profile(id="b", headline="Soudeuse TIG", skills=("soudage TIG",))
    snapshot = index.apply([Document(welder, featurizer.features([welder])[0])])
    pairs = snapshot.clear_readings()
    counted = {item.id: clear for item, clear in pairs}
    assert len(pairs) == len(counted)  # the replaced copy is not counted
    readings = {p.id: featurizer.reading(p) for p in (people[0], welder, *people[2:])}
    assert counted == {k: r.clear for k, r in readings.items() if r is not None}
    assert counted == {"a": True, "b": True, "c": True}


def test_readings_computed_at_once_by_many_requests_are_each_the_one_computed_alone(
    tiny: Path,
) -> None:
    """Forms are read on request threads while the index computes features: nothing a reading
    uses is shared and grown in place."""
    from concurrent.futures import ThreadPoolExecutor

    from matching.encoders import CachedEncoder, HashingEncoder
    from matching.index import Featurizer
    from matching.types import Need, Profile

    featurizer = Featurizer(CachedEncoder(HashingEncoder()), taxonomy=EscoTaxonomy.load(tiny))
    items: list[Need | Profile] = []
    for i in range(12):
        items.append(Need(id=f"n{i}", title=f"Soudeur TIG {i}", skills=("soudage TIG",)))
        items.append(Profile(id=f"p{i}", headline=f"Boulangère {i}", skills=("pétrissage",)))
        items.append(Need(id=f"w{i}", title=f"Intégrateur web {i}", description="HTML, CSS."))
    alone = [featurizer.reading(item) for item in items]
    fresh = Featurizer(CachedEncoder(HashingEncoder()), taxonomy=EscoTaxonomy.load(tiny))
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(fresh.reading, items))
    assert together == alone
    assert {r.occupations[0] for r in alone if r is not None} == {
        "soudeur/soudeuse",
        "boulanger/boulangère",
        "développeur/développeuse web",
    }
