"""False friends are never called related skills; true neighbours still are.

The lists are what a user would check: a need asking for "allemand" must never be told that a
person's "anglais" is a related skill, while "gestion des stocks" may still be offered for
"gestion d'entrepôt". Each pair is tried against the rule, and through the explanation a user
reads, with an encoder that calls every pair close (the rule must hold whatever the cosine)
and with the real model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest
from numpy.typing import NDArray

from matching.encoders import CachedEncoder
from matching.explain import explain_pair
from matching.features import view
from matching.ranker import HybridRanker
from matching.related import (
    IMPLIES,
    IMPLIES_WHOLLY,
    Kinship,
    implied_by,
    kinship,
    may_relate,
    wholly_implied_by,
)
from matching.skills import SkillVocabulary
from matching.types import Need, Profile

# (asked, held): alike in words or for an encoder, unlike in what a person can do.
FALSE_FRIENDS: list[tuple[str, str]] = [
    # languages
    ("anglais", "allemand"),
    ("espagnol", "portugais"),
    ("italien", "espagnol"),
    ("chinois", "japonais"),
    ("russe", "ukrainien"),
    ("néerlandais", "allemand"),
    ("anglais courant", "allemand courant"),
    ("polonais", "roumain"),
    ("arabe", "turc"),
    ("langue anglaise", "langue espagnole"),
    # programming languages
    ("Java", "JavaScript"),
    ("langage R", "Rust"),
    ("langage Go", "langage C"),
    ("PHP", "Python"),
    ("Ruby", "Rust"),
    ("C#", "C++"),
    ("Scala", "Swift"),
    ("VBA", "Java"),
    ("Perl", "Python"),
    ("golang", "Java"),
    # tools and standards
    ("Excel", "Word"),
    ("PowerPoint", "Power BI"),
    ("SAP", "SAS"),
    ("Jira", "Jenkins"),
    ("Tableau", "tableau de bord"),
    ("ISO 9001", "ISO 14001"),
    ("HACCP", "HAZOP"),
    # trades
    ("plomberie", "électricité"),
    ("maçonnerie", "menuiserie"),
    ("couvreur", "carreleur"),
    ("peinture en bâtiment", "peinture industrielle"),
    ("chef de chantier", "chef de rang"),
    ("agent immobilier", "agent de sûreté portuaire"),
    ("serveur", "administration système"),
    ("technicien de laboratoire", "technicien de surface"),
    ("chargé d'affaires", "chargé de communication"),
    ("assistant de direction", "assistant dentaire"),
    ("opérateur de saisie", "opérateur de production"),
    # logistics
    ("gestion des déchets", "gestion d'entrepôt"),
    ("transport maritime", "transport routier"),
    ("transport ferroviaire", "transport fluvial"),
    ("transport aérien", "transport maritime"),
    ("conduite poids lourd", "conduite de ligne de production"),
    ("conduite de bus", "conduite de projet"),
    ("permis C", "permis B"),
    ("gestion des stocks", "gestion de la paie"),
    ("stockage d'énergie", "gestion des stocks"),
    # energy
    ("photovoltaïque", "énergie éolienne"),
    ("énergie nucléaire", "énergie éolienne"),
    ("réseaux sociaux", "réseaux électriques"),
    ("hydrogène", "hydraulique"),
    ("audit énergétique", "audit financier"),
    ("géotechnique", "géothermie"),
    # agri-food
    ("boulangerie", "boucherie"),
    ("fromagerie", "poissonnerie"),
    ("élevage", "maraîchage"),
    ("viticulture", "arboriculture"),
    ("analyse sensorielle", "analyse financière"),
    ("sécurité des aliments", "sécurité informatique"),
    ("industrie laitière", "industrie textile"),
    # sea and fishing
    ("pêche maritime", "transport maritime"),
    ("aquaculture", "agriculture"),
    ("aquaculture", "aquariologie"),
    ("mécanique navale", "mécanique des fluides"),
    ("pilotage maritime", "pilotage de projet"),
    ("biologie marine", "biologie moléculaire"),
    # tourism
    ("guide touristique", "guide de haute montagne"),
    ("tourisme d'affaires", "droit des affaires"),
    ("restauration", "restauration écologique"),
    ("gestion de patrimoine", "valorisation du patrimoine"),
    ("ingénierie touristique", "ingénierie de formation"),
    # one word, two trades
    ("comptabilité", "comptabilité carbone"),
    ("contrôle qualité", "contrôle de gestion"),
    ("développement web", "développement durable"),
    ("maintenance informatique", "maintenance industrielle"),
    ("sécurité incendie", "sécurité informatique"),
    ("traitement de l'eau", "traitement thermique"),
    ("étude de marché", "étude d'impact"),
    ("soins infirmiers", "soins spa"),
    ("droit du travail", "droit de l'environnement"),
    # one trade, different work: words and encoder both call them close
    ("dédouanement", "affrètement"),
    ("ingénierie touristique", "accueil touristique"),
    ("valorisation de la recherche", "méthodologie de la recherche"),
    ("habilitation électrique", "réseaux électriques"),
    ("e-logistique", "logistique portuaire"),
    ("étiquetage alimentaire", "technologie alimentaire"),
    ("supervision industrielle", "maintenance industrielle"),
    ("Java", "JIRA"),  # seen with the model: a ticket tool is no language
]

# (asked, held): neighbours a person could build on, which explanations may still offer.
TRUE_RELATED: list[tuple[str, str]] = [
    ("Django", "Python"),
    ("pandas", "Python"),
    ("TypeScript", "JavaScript"),
    ("React", "JavaScript"),
    ("Node.js", "JavaScript"),
    ("C++", "langage C"),
    ("Spring Boot", "Java"),
    ("Kotlin", "Java"),
    ("PostgreSQL", "SQL"),
    ("MySQL", "PostgreSQL"),
    ("Kubernetes", "Docker"),
    ("ArcGIS", "QGIS"),
    ("QGIS", "SIG"),
    ("soudage MIG/MAG", "soudage TIG"),
    ("maintenance prédictive", "maintenance préventive"),
    ("anglais des affaires", "anglais"),
    ("gestion d'entrepôt", "gestion des stocks"),
    ("gestion d'entrepôt", "préparation de commandes"),
    ("photovoltaïque", "énergies renouvelables"),
    ("éolien en mer", "énergie éolienne"),
    ("pâtisserie", "boulangerie"),
    ("sécurité des aliments", "HACCP"),
    ("sciences halieutiques", "pêche maritime"),
    ("biologie marine", "aquaculture"),
    ("gestion hôtelière", "hôtellerie"),
    ("cuisine", "restauration"),
    ("patrimoine", "guide touristique"),
    ("marketing digital", "marketing"),
    ("comptabilité analytique", "comptabilité"),
    ("VBA", "Excel"),
    ("Figma", "UX design"),
    ("électricité industrielle", "électricité du bâtiment"),
    ("électrotechnique", "électronique"),
    ("gestion de flotte", "transport routier"),
]


def test_the_lists_are_large_and_varied() -> None:
    assert len(FALSE_FRIENDS) >= 50 and len(set(FALSE_FRIENDS)) == len(FALSE_FRIENDS)
    assert len(TRUE_RELATED) >= 30


@pytest.mark.parametrize(("asked", "held"), FALSE_FRIENDS)
def test_false_friends_are_refused_both_ways(asked: str, held: str) -> None:
    assert kinship(asked, held).refused
    assert not may_relate(asked, held) and not may_relate(held, asked)


@pytest.mark.parametrize(("asked", "held"), TRUE_RELATED)
def test_true_neighbours_are_allowed(asked: str, held: str) -> None:
    assert may_relate(asked, held), kinship(asked, held)


def test_refusals_come_from_rules_more_than_from_the_list() -> None:
    """The explicit list only covers what no rule can see: pairs of other trades the words
    do not tell apart, and pairs of one trade (which the rules leave to the encoder) that the
    encoder calls close."""
    reasons = Counter(kinship(a, b) for a, b in FALSE_FRIENDS)
    assert reasons[Kinship.LISTED] <= len(FALSE_FRIENDS) // 5
    assert {Kinship.ALTERNATIVES, Kinship.OTHER_FAMILY, Kinship.SHARED_WORD} <= set(reasons)


def test_one_skill_under_two_names_is_the_same() -> None:
    assert kinship("gestion de stock", "Gestion des stocks") is Kinship.SAME
    assert kinship("golang", "langage Go") is Kinship.SAME
    assert kinship("anglais technique", "anglais") is Kinship.SAME


def test_unknown_labels_follow_the_rules() -> None:
    """Labels outside the vocabulary (free text, ESCO) are judged by their words."""
    assert kinship("guide de pêche", "guide de haute montagne") is Kinship.SHARED_WORD
    assert kinship("allemand juridique", "anglais juridique") is Kinship.ALTERNATIVES
    assert may_relate("programmation Python avancée", "Python")
    # A single letter is a language only as a label of its own.
    assert may_relate("vitamine C", "nutrition")


def _close_for_every_pair(cosine: float):  # type: ignore[no-untyped-def]
    """An encoder that calls every pair of different labels close (the worst case)."""

    def similarity(a: Sequence[str], b: Sequence[str]) -> NDArray[np.float32]:
        out = np.full((len(a), len(b)), cosine, dtype=np.float32)
        for i, x in enumerate(a):
            for j, y in enumerate(b):
                if x == y:
                    out[i, j] = 1.0
        return out

    return similarity


def _explain(asked: str, held: str, cosine: float, headline: str = "Étudiant"):  # type: ignore[no-untyped-def]
    need = Need(id="N", title="Offre", skills=(asked,))
    person = Profile(id="P", headline=headline, skills=(held,))
    return explain_pair(
        need,
        person,
        need_view=view(need),
        person_view=view(person),
        similarity=_close_for_every_pair(cosine),
        components=(),
        code=0,
    )


@pytest.mark.parametrize(("asked", "held"), FALSE_FRIENDS)
@pytest.mark.parametrize("cosine", [0.7, 0.9])
def test_an_explanation_never_calls_false_friends_related_or_met(
    asked: str, held: str, cosine: float
) -> None:
    explanation = _explain(asked, held, cosine)
    assert explanation.missing_skills == (asked,)
    assert explanation.matched_skills == () and explanation.inferred_skills == ()
    assert not any(r.id == "explain.related" for r in explanation.reasons)


@pytest.mark.parametrize(("asked", "held"), TRUE_RELATED)
def test_an_explanation_still_offers_true_neighbours(asked: str, held: str) -> None:
    explanation = _explain(asked, held, 0.7)
    assert explanation.inferred_skills == (asked,)
    related = next(r for r in explanation.reasons if r.id == "explain.related")
    pair = related.value("pairs").items[0]  # type: ignore[union-attr]
    assert (pair.value("wanted"), pair.value("held")) == (asked, held)


def _javascript_asked(held: tuple[str, str], cosines: list[float]):  # type: ignore[no-untyped-def]
    """The explanation of a need asking JavaScript for a person holding `held`, at `cosines`."""
    need = Need(id="N", title="Développeur", skills=("JavaScript",))
    person = Profile(id="P", skills=held)
    return explain_pair(
        need,
        person,
        need_view=view(need),
        person_view=view(person),
        similarity=lambda a, b: np.array([cosines], dtype=np.float32),
        components=(),
        code=0,
    )


def test_the_closest_allowed_skill_is_offered_instead_of_a_false_friend() -> None:
    explanation = _javascript_asked(("Java", "développement front-end"), [0.75, 0.65])
    related = next(r for r in explanation.reasons if r.id == "explain.related")
    held = related.value("pairs").items[0].value("held")  # type: ignore[union-attr]
    assert held == "développement front-end"  # Java, closer by the cosine, is no kin


def test_a_skill_held_whole_by_another_is_covered_whatever_a_false_friend_scores() -> None:
    explanation = _javascript_asked(("Java", "TypeScript"), [0.75, 0.1])  # JavaScript, typed
    assert explanation.matched_skills == ("JavaScript",) and explanation.missing_skills == ()
    assert not any(r.id == "explain.related" for r in explanation.reasons)


# Pairs the real model (USE) puts at a cosine of 0.6 or more, which explanations called
# related (or, from 0.8, "covered") before the rule.
SEEN_WITH_THE_MODEL = [
    ("allemand", "anglais"),
    ("JavaScript", "Java"),
    ("gestion d'entrepôt", "gestion des déchets"),
    ("ISO 14001", "ISO 9001"),
    ("permis C", "permis B"),
    ("transport routier", "transport maritime"),
    ("énergie éolienne", "énergie nucléaire"),
    ("biologie moléculaire", "biologie marine"),
]
NEIGHBOURS_WITH_THE_MODEL = [
    ("C++", "langage C"),
    ("PostgreSQL", "SQL"),
    ("gestion d'entrepôt", "gestion des stocks"),
    ("pâtisserie", "boulangerie"),
    ("marketing digital", "marketing"),
    ("électricité industrielle", "électricité du bâtiment"),
]


@pytest.fixture(scope="module")
def pair_ranker(use_encoder: CachedEncoder) -> HybridRanker:
    people = [
        Profile(id=f"P{i}", headline="Étudiant en alternance", skills=(held,))
        for i, (_, held) in enumerate(SEEN_WITH_THE_MODEL + NEIGHBOURS_WITH_THE_MODEL)
    ]
    return HybridRanker(use_encoder, vocabulary=SkillVocabulary.builtin()).fit(people)


def test_the_ranker_explains_without_false_friends(pair_ranker: HybridRanker) -> None:
    for i, (asked, held) in enumerate(SEEN_WITH_THE_MODEL):
        need = Need(id=f"N{i}", title="Offre d'alternance", skills=(asked,))
        person = Profile(id=f"P{i}", headline="Étudiant en alternance", skills=(held,))
        explanation = pair_ranker.explain(need, person)
        assert explanation.missing_skills == (asked,), (asked, held)
        assert explanation.inferred_skills == () and explanation.matched_skills == ()


def test_the_ranker_still_explains_true_neighbours(pair_ranker: HybridRanker) -> None:
    offset = len(SEEN_WITH_THE_MODEL)
    for i, (asked, held) in enumerate(NEIGHBOURS_WITH_THE_MODEL, start=offset):
        need = Need(id=f"N{i}", title="Offre d'alternance", skills=(asked,))
        person = Profile(id=f"P{i}", headline="Étudiant en alternance", skills=(held,))
        explanation = pair_ranker.explain(need, person)
        assert asked in explanation.inferred_skills + explanation.matched_skills, (asked, held)


# (asked, held): a skill nobody holds the second without (a framework and its language, a
# tool and its trade, a technique and the skill it specialises).
IMPLIED: list[tuple[str, str]] = [
    ("JavaScript", "React"),
    ("JavaScript", "Next.js"),  # through React
    ("PHP", "Symfony"),
    ("Python", "Django"),
    ("Python", "pandas"),
    ("Java", "Spring Boot"),
    ("apprentissage automatique", "PyTorch"),  # through deep learning
    ("intelligence artificielle", "scikit-learn"),
    ("SQL", "PostgreSQL"),
    ("développement web", "React"),
    ("soudage", "soudage TIG"),
    ("conception assistée par ordinateur", "SolidWorks"),
    ("BIM", "Revit"),
    ("amélioration continue", "Lean manufacturing"),
    ("sécurité des aliments", "HACCP"),
    ("SIG", "QGIS"),
    ("énergies renouvelables", "éolien en mer"),
    ("gestion de projet", "PRINCE2"),
    ("marketing", "référencement naturel"),
]


# Of those, the ones where the held skill holds the asked one whole (a framework and its
# language, a database engine and SQL, a welding process and welding, a program and its trade).
WHOLLY: set[tuple[str, str]] = {
    ("JavaScript", "React"),
    ("JavaScript", "Next.js"),
    ("PHP", "Symfony"),
    ("Python", "Django"),
    ("Python", "pandas"),
    ("Java", "Spring Boot"),
    ("SQL", "PostgreSQL"),
    ("soudage", "soudage TIG"),
    ("conception assistée par ordinateur", "SolidWorks"),
    ("BIM", "Revit"),
    ("SIG", "QGIS"),
}


@pytest.mark.parametrize(("asked", "held"), IMPLIED)
def test_a_skill_implied_by_a_held_one_is_never_to_acquire(asked: str, held: str) -> None:
    """Even when the encoder sees nothing in common (cosine 0.1): "PHP" is not to acquire for
    a person who writes Symfony: it is covered. "Sécurité des aliments" is not either for one
    who applies HACCP, which is a part of it: it is related."""
    assert implied_by(asked, held)
    assert wholly_implied_by(asked, held) == ((asked, held) in WHOLLY)
    explanation = _explain(asked, held, 0.1)
    assert explanation.missing_skills == ()
    related = [r for r in explanation.reasons if r.id == "explain.related"]
    if (asked, held) in WHOLLY:
        assert explanation.matched_skills == (asked,) and not related
    else:
        assert explanation.matched_skills == () and explanation.inferred_skills == (asked,)
        pair = related[0].value("pairs").items[0]  # type: ignore[union-attr]
        assert (pair.value("wanted"), pair.value("held")) == (asked, held)


def test_whole_implications_are_implications() -> None:
    assert len(IMPLIES_WHOLLY) >= 30
    for skill, whole in IMPLIES_WHOLLY.items():
        assert whole and whole <= IMPLIES[skill], skill


@pytest.mark.parametrize(("asked", "held"), IMPLIED)
def test_implication_goes_one_way(asked: str, held: str) -> None:
    """Knowing JavaScript is no sign of knowing React: the specific skill stays to acquire."""
    assert not implied_by(held, asked) and not wholly_implied_by(held, asked)
    assert _explain(held, asked, 0.1).missing_skills == (held,)


def test_implications_name_known_skills_and_no_false_friend() -> None:
    vocabulary = SkillVocabulary.builtin()
    known = {skill.id for skill in vocabulary}
    assert len(IMPLIES) >= 60
    for skill, implied in IMPLIES.items():
        assert skill in known and implied <= known and skill not in implied
    for asked, held in FALSE_FRIENDS:
        assert not implied_by(asked, held) and not implied_by(held, asked), (asked, held)
