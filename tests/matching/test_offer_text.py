"""An offer is compared on the work it describes, not on its pay, perks, way to apply or the
employer's self-praise; a job's own words that sound like those are kept."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from matching.features import offer_body, view
from matching.ranker import HybridRanker
from matching.skills import SkillVocabulary
from matching.types import Need

BENCHMARKS = Path(__file__).resolve().parents[3] / "shared" / "benchmarks"

MISSIONS = (
    "Vous assurez la maintenance préventive et corrective des portiques et des grues du"
    " terminal. Vous diagnostiquez les pannes électriques et hydrauliques et rédigez les"
    " comptes rendus d'intervention."
)
# The way employers wrap missions: none of it says who fits.
WRAPPED = (
    "Fondée en 1987, notre société compte aujourd'hui 350 collaborateurs répartis sur 12 sites.\n"
    f"Vos missions :\n{MISSIONS}\n"
    "Les + du poste :\n"
    "- Salaire : 2 300 € brut mensuel selon expérience\n"
    "- Tickets restaurant, mutuelle d'entreprise, 13e mois\n"
    "Type de contrat : CDI, temps plein, du lundi au vendredi.\n"
    "Envoyez votre CV et votre lettre de motivation en cliquant sur Postuler.\n"
    "Tous nos postes sont ouverts aux personnes en situation de handicap."
)


def test_an_offer_wrapped_in_its_terms_ranks_the_same_people(
    profiles_ranker: HybridRanker,
) -> None:
    bare = Need(id="N-bare", title="Technicien de maintenance portuaire", description=MISSIONS)
    wrapped = replace(bare, id="N-wrapped", description=WRAPPED)
    assert view(wrapped).body == MISSIONS
    first = profiles_ranker.rank(bare, k=10, explain=0)
    second = profiles_ranker.rank(wrapped, k=10, explain=0)
    assert [s.doc_id for s in second] == [s.doc_id for s in first]


@pytest.mark.parametrize(
    "work",
    [
        "Calcule les salaires, les primes et les cotisations des 300 salariés.",
        "Accompagne des élèves en situation de handicap dans leur vie scolaire.",
        "Le directeur de filiale ouvre et gère une filiale dans une autre région.",
        "Le chef des ventes, un leader au cœur du développement commercial.",
        "Encadre une équipe de 12 collaborateurs et organise le temps de travail.",
        "Coordonne les processus de recrutement et conduit les entretiens individuels.",
        "Les responsables diversité élaborent des politiques d'égalité professionnelle.",
        "Notre entreprise, spécialisée dans la chaudronnerie, conçoit des cuves inox.",
        "Établit les bulletins de salaire : vérifie les heures et les absences.",
        "Gère les contrats à temps partiel et les avenants.",
        "Déploie les outils de télétravail pour les équipes.",
        "Calcule l'intéressement et la participation des salariés.",
        "Négocie les avantages sociaux avec les partenaires sociaux.",
        "Prépare la prise de poste des nouveaux arrivants.",
        "Assure le suivi des primes de fin d'année et des 13e mois.",
        "Organise le processus de recrutement en lien avec les managers.",
        "Informe les salariés sur la mutuelle d'entreprise et la prévoyance.",
        "Gère un budget de 2 M€ et un chiffre d'affaires de 15 millions d'euros.",
        "Gère un budget de 500 000 € par an pour le service.",
        "Accueille le public du lundi au vendredi.",
        "Aide les demandeurs d'emploi à rédiger une lettre de motivation.",
        "Traite les tickets d'incident des utilisateurs.",
        "Participation aux inventaires et aux réunions de chantier.",
        "Accompagne les salariés RQTH dans leur maintien dans l'emploi.",
        "Promeut l'égalité des chances et veille à la non-discrimination.",
    ],
)
def test_a_jobs_own_words_are_kept(work: str) -> None:
    """Words of a job's content that also appear in offers' terms (HR, payroll, care, sales,
    IT support, a careers adviser): an HR or payroll offer keeps its missions."""
    text = f"{work} Prépare les documents et rend compte à la direction."
    assert offer_body(text) == text
    assert work in view(Need(id="N", title="Poste", description=text)).body


def test_an_offer_of_terms_only_is_still_read() -> None:
    text = "Salaire : 2 000 € brut mensuel. Postulez vite !"
    need = Need(id="N", title="Agent de quai", description=text)
    assert view(need).body == text


def test_a_persons_text_is_never_cut() -> None:
    from matching.types import Profile

    summary = "Je cherche un CDI à temps plein. Salaire : 2 000 € brut mensuel."
    person = Profile(id="P", headline="Cariste", summary=summary)
    assert view(person).body == summary


@pytest.mark.skipif(not BENCHMARKS.is_dir(), reason="../shared/benchmarks absent")
def test_no_sentence_of_the_benchmark_texts_is_left_out() -> None:
    """ROME job sheets, RNCP certifications and ESCO occupations hold only the work."""
    files = [BENCHMARKS / "esco-occupations" / "needs.jsonl", *BENCHMARKS.glob("dev/*/needs.jsonl")]
    texts = [
        json.loads(line).get("description", "")
        for path in files
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert len(texts) > 9000
    assert [t for t in texts if offer_body(t) != t] == []


def test_skills_read_from_an_offer_come_from_its_work() -> None:
    """A need listing no skill is read for them: how to apply names none ("service RH")."""
    text = (
        f"{MISSIONS}\nPour postuler, envoyez CV et lettre de motivation au service RH."
        "\nMerci d'adresser votre candidature à recrutement@exemple.fr."
    )
    need = Need(id="N", title="Technicien de maintenance", description=text)
    read = view(need, SkillVocabulary.builtin())
    assert read.extracted and read.skills
    assert not {"ressources humaines", "recrutement"} & {s.casefold() for s in read.skills}
