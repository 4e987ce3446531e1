"""Real offers are not job sheets: what an offer's terms, the way to apply and the employer's
self-praise cost the engine, and how much of it reading only the work gives back.

    python benchmarks/offer_noise.py --taxonomy ../shared/data/esco-fr [--pools C] [--sets ...]

Each need of the four development sets (ROME job sheets, whose texts hold only the work) is
wrapped the way employers write: a sentence about the employer before, and pay, perks, contract,
how to apply or an equal-opportunity line after, drawn from a pool of sentences written for this
benchmark. Each set is then scored (nDCG@10, default weights) three ways: as published, wrapped
with every sentence read (`matching.features.offer_body` turned off), and wrapped as the engine
reads it today. Pools A and B were written while the cues of `offer_body` were (B showed what A
missed); pool C after the cues were first set (its misses were then seen, when the cues were
rewritten to keep HR and payroll missions); pool D after that rewrite, and it changed nothing:
it is the held-out measure.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from unittest.mock import patch

import matching.features
from matching.encoders import CachedEncoder, SqliteStore, default_cache_path, load_encoder
from matching.evaluation import Benchmark, evaluate, load_benchmark, print_progress
from matching.ranker import HybridRanker
from matching.skills import SkillVocabulary
from matching.taxonomy import EscoTaxonomy

# before: the employer; after: three of the terms, applying, equal opportunity.
POOLS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "A": (
        (
            "Acteur majeur de la région Hauts-de-France depuis 1987, notre groupe familial compte"
            " 350 collaborateurs répartis sur 12 sites.",
            "Rejoignez une entreprise à taille humaine, reconnue pour la qualité de ses services"
            " et son engagement en faveur de l'environnement.",
            "Notre société, filiale d'un grand groupe international, accompagne ses clients dans"
            " leur croissance depuis plus de 30 ans.",
            "Entreprise en pleine expansion, nous recrutons pour accompagner notre développement"
            " sur le littoral.",
            "Leader sur son marché, notre client recherche pour renforcer ses équipes un"
            " collaborateur motivé.",
        ),
        (
            "Rémunération : 28 à 32 k€ brut annuel selon expérience. Mutuelle, tickets restaurant,"
            " 13e mois.",
            "Nous vous offrons un poste en CDI, temps plein 35 h, avec RTT, comité d'entreprise et"
            " prime d'intéressement.",
            "Salaire attractif, avantages sociaux, participation aux frais de transport et"
            " télétravail partiel possible.",
            "Contrat à durée indéterminée, poste à pourvoir immédiatement, horaires de journée du"
            " lundi au vendredi.",
            "Envoyez votre CV et votre lettre de motivation en cliquant sur Postuler.",
            "Vous vous reconnaissez dans cette offre ? N'attendez plus, rejoignez-nous !",
            "Nos postes sont ouverts aux personnes en situation de handicap.",
        ),
    ),
    "B": (
        (
            "Fondée en 1992 à Dunkerque, la société Opale Services compte aujourd'hui 120 salariés.",
            "Qui sommes-nous ? Un groupe indépendant présent dans 14 pays, avec un chiffre"
            " d'affaires de 80 millions d'euros.",
            "Nous sommes une PME familiale implantée sur la Côte d'Opale, en pleine croissance.",
            "Créée il y a 25 ans, notre entreprise s'appuie sur des valeurs fortes : proximité,"
            " exigence et bienveillance.",
            "Au sein d'une structure dynamique, nous cultivons l'esprit d'équipe.",
        ),
        (
            "Les + du poste :\n- Salaire : 2 100 € brut mensuel\n- Prime de fin d'année\n"
            "- Chèques vacances",
            "Pourquoi nous rejoindre ? Une ambiance conviviale, des perspectives d'évolution et un"
            " parcours d'intégration personnalisé.",
            "Package : fixe + variable, véhicule de service, ordinateur et téléphone portables.",
            "Type de contrat : CDD de 6 mois renouvelable. Durée hebdomadaire : 39 heures.",
            "Merci d'adresser votre candidature (CV + lettre) à recrutement@opale-services.fr.",
            "Conformément à nos engagements, tous nos postes sont ouverts aux personnes en"
            " situation de handicap.",
            "Si ce poste vous intéresse, postulez dès maintenant !",
        ),
    ),
    "C": (
        (
            "Implantée à Saint-Omer depuis 1974, la Verrerie du Nord emploie 900 personnes et"
            " exporte dans le monde entier.",
            "Entreprise certifiée ISO 9001 et labellisée Great Place to Work, nous plaçons l'humain"
            " au cœur de notre projet.",
            "Le groupe Littoral Habitat, premier bailleur social de la région, gère plus de"
            " 20 000 logements.",
            "Notre cabinet accompagne TPE et PME depuis 30 ans avec une équipe de 40 experts.",
            "Vous rejoindrez une entreprise familiale de 60 salariés, reconnue pour son savoir-faire.",
        ),
        (
            "Avantages : mutuelle prise en charge à 70 %, prime de transport, chèques cadeaux.",
            "Salaire : à définir selon profil.",
            "Horaires : 8 h - 16 h 30, du lundi au vendredi.",
            "Statut : cadre, forfait jours. Démarrage : dès que possible.",
            "Pour postuler, envoyez CV et lettre de motivation à l'attention de Mme Durand,"
            " service RH.",
            "Cette offre vous correspond ? Candidatez en un clic !",
            "Le groupe s'engage en faveur de la diversité et de l'inclusion.",
            "Rémunération brute annuelle : 35 000 à 40 000 euros + variable.",
        ),
    ),
    "D": (
        (
            "Spécialiste de la maintenance navale depuis 1968, le chantier Boulonnais Marine réunit"
            " 210 collaborateurs.",
            "Rejoindre Opale Énergies, c'est intégrer un acteur engagé de la transition énergétique"
            " du littoral.",
            "Avec plus de 40 agences dans le Nord, notre réseau accompagne particuliers et"
            " professionnels au quotidien.",
            "Start-up de la Tech For Good basée à Lille, nous développons des outils pour les"
            " associations.",
            "Depuis trois générations, notre famille cultive le goût du travail bien fait.",
        ),
        (
            "Rémunération : 1 900 € net par mois sur 13 mois.",
            "Lieu de travail : Calais, zone portuaire. Poste en horaires postés (3x8).",
            "Avantages salariés : restaurant d'entreprise, participation, plan d'épargne entreprise.",
            "Durée du contrat : 12 mois, possibilité de titularisation.",
            "Vous souhaitez nous rejoindre ? Déposez votre candidature sur notre site carrières.",
            "Tous nos recrutements se font à compétences égales, sans discrimination.",
            "Le poste est à pourvoir dès le 1er mars, en CDI à temps complet.",
            "Contact : Julie Martin, chargée de recrutement, 03 21 00 00 00.",
        ),
    ),
}


def wrapped(bench: Benchmark, pool: str, seed: int = 7) -> Benchmark:
    """The benchmark with every need's description written the way an employer's offer is."""
    before, after = POOLS[pool]
    rng = random.Random(seed)
    needs = [
        replace(
            n,
            description="\n".join(
                [rng.choice(before), n.description, *rng.sample(after, 3)]
            ).strip(),
        )
        for n in bench.needs
    ]
    return replace(bench, needs=needs)


@contextmanager
def every_sentence_read() -> Iterator[None]:
    """The engine as it was before `offer_body`: every sentence of an offer is read."""
    with patch.object(matching.features, "offer_body", lambda text: text):
        yield


def main() -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--taxonomy", default=os.environ.get("ESCO_DIR") or None)
    parser.add_argument("--benchmarks", default="../shared/benchmarks/dev")
    parser.add_argument("--sets", nargs="*", default=None, help="folders under --benchmarks")
    parser.add_argument("--pools", nargs="*", default=["D"], choices=sorted(POOLS))
    args = parser.parse_args()
    root = Path(args.benchmarks)
    names = args.sets or sorted(p.name for p in root.iterdir() if (p / "qrels.tsv").exists())
    vocabulary = SkillVocabulary.builtin()
    taxonomy = None
    if args.taxonomy:
        taxonomy = EscoTaxonomy.load(args.taxonomy, cache=True)
        vocabulary = taxonomy.extend_vocabulary(vocabulary)
    encoder = CachedEncoder(load_encoder(), SqliteStore(default_cache_path()))

    def ndcg(bench: Benchmark) -> float:
        ranker = HybridRanker(encoder, vocabulary=vocabulary, taxonomy=taxonomy)
        result = evaluate(bench, ranker, baselines=False, progress=print_progress)
        return result.metrics["hybrid"]["ndcg@10"]

    started = time.perf_counter()
    rows: list[tuple[str, str, float, float, float]] = []
    for name in names:
        bench = load_benchmark(root / name)
        clean = ndcg(bench)
        for pool in args.pools:
            noisy = wrapped(bench, pool)
            with every_sentence_read():
                read_all = ndcg(noisy)
            rows.append((name, pool, clean, read_all, ndcg(noisy)))
            print(f"{name} {pool}: {clean:.4f} {read_all:.4f} {rows[-1][-1]:.4f}", file=sys.stderr)
    print(f"\n{'set':<16}{'pool':>5}{'published':>11}{'all read':>10}{'work only':>11}{'kept':>7}")
    for name, pool, clean, read_all, work in rows:
        lost = clean - read_all
        kept = (work - read_all) / lost if lost > 0 else float("nan")
        print(f"{name:<16}{pool:>5}{clean:>11.4f}{read_all:>10.4f}{work:>11.4f}{kept:>7.0%}")
    print(f"({time.perf_counter() - started:.0f} s, taxonomy: {'ESCO' if taxonomy else 'none'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
