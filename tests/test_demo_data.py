"""The demo region: deterministic generation, sizes, integrity and text variety."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from matching.geo import TERRITORIES, find_place, territory_of
from matching.skills import SkillVocabulary
from matching.types import LEVELS, NeedKind

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "data" / "generate_demo.py"
DEMO = ROOT / "data" / "demo"
FILES = ("organisations.jsonl", "profiles.jsonl", "needs.jsonl")


def _generate(out: Path) -> Path:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), "--quiet"],
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first = _generate(tmp_path_factory.mktemp("demo_a"))
    second = _generate(tmp_path_factory.mktemp("demo_b"))
    return first, second


def _read(name: str) -> list[dict[str, Any]]:
    with (DEMO / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="module")
def orgs() -> list[dict[str, Any]]:
    return _read("organisations.jsonl")


@pytest.fixture(scope="module")
def people() -> list[dict[str, Any]]:
    return _read("profiles.jsonl")


@pytest.fixture(scope="module")
def needs() -> list[dict[str, Any]]:
    return _read("needs.jsonl")


# -- determinism ----------------------------------------------------------------------------------


def test_two_runs_are_byte_identical(generated: tuple[Path, Path]) -> None:
    first, second = generated
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_committed_files_match_the_generator(generated: tuple[Path, Path]) -> None:
    first, _ = generated
    for name in FILES:
        assert (DEMO / name).read_bytes() == (first / name).read_bytes(), (
            f"data/demo/{name} is stale: run `python data/generate_demo.py`"
        )


def test_files_are_utf8_json_lines_sorted_by_id() -> None:
    for name in FILES:
        raw = (DEMO / name).read_bytes()
        text = raw.decode("utf-8")
        assert "\\u00" not in text  # ensure_ascii=False: accents written as such
        assert text.endswith("\n") and "\r" not in text
        ids = [json.loads(line)["id"] for line in text.splitlines()]
        assert ids == sorted(ids)
        assert len(ids) == len(set(ids)), name


# -- sizes ----------------------------------------------------------------------------------------


def test_minimum_counts(
    orgs: list[dict[str, Any]], people: list[dict[str, Any]], needs: list[dict[str, Any]]
) -> None:
    org_kinds = Counter(o["kind"] for o in orgs)
    person_kinds = Counter(p["kind"] for p in people)
    assert org_kinds["company"] >= 120
    assert org_kinds["school"] >= 5 and org_kinds["lab"] >= 10
    assert person_kinds["student"] >= 500
    assert person_kinds["researcher"] >= 40
    assert len(needs) >= 250
    assert {n["kind"] for n in needs} == {kind.value for kind in NeedKind}


def test_all_four_territories_are_present(
    orgs: list[dict[str, Any]], people: list[dict[str, Any]], needs: list[dict[str, Any]]
) -> None:
    companies = [o for o in orgs if o["kind"] == "company"]
    for records in (companies, people, needs):
        assert set(TERRITORIES) <= {r["territory"] for r in records}
    per_territory = Counter(o["territory"] for o in companies)
    assert all(per_territory[t] >= 10 for t in TERRITORIES), per_territory


def test_company_sectors(orgs: list[dict[str, Any]]) -> None:
    sectors = Counter(o["sector"] for o in orgs if o["kind"] == "company")
    for sector in (
        "logistique portuaire",
        "énergie",
        "agroalimentaire et pêche",
        "tourisme",
        "industrie",
        "numérique",
    ):
        assert sectors[sector] >= 10, sector
    for sector in ("santé", "BTP", "environnement"):
        assert sectors[sector] >= 1, sector
    assert {o["sector"] for o in orgs if o["kind"] == "school"} == {"enseignement supérieur"}
    assert {o["sector"] for o in orgs if o["kind"] == "lab"} == {"recherche"}


# -- integrity ------------------------------------------------------------------------------------


def test_references_resolve_to_the_right_kind(
    orgs: list[dict[str, Any]], people: list[dict[str, Any]], needs: list[dict[str, Any]]
) -> None:
    kind_of = {o["id"]: o["kind"] for o in orgs}
    for person in people:
        expected = "school" if person["kind"] == "student" else "lab"
        assert kind_of.get(person["organisation_id"]) == expected, person["id"]
    for need in needs:
        assert kind_of.get(need["organisation_id"]) == "company", need["id"]


def test_places_come_from_the_gazetteer(
    orgs: list[dict[str, Any]], people: list[dict[str, Any]], needs: list[dict[str, Any]]
) -> None:
    for record in (*orgs, *people, *needs):
        place = find_place(record["town"])
        assert place is not None and place.town == record["town"], record["id"]
        assert (record["lat"], record["lon"]) == (place.lat, place.lon), record["id"]
        assert record["territory"] == territory_of(record["town"]), record["id"]


def test_profiles_fields(people: list[dict[str, Any]]) -> None:
    emails = [p["email"] for p in people]
    assert len(emails) == len(set(emails))
    kinds = {kind.value for kind in NeedKind}
    for p in people:
        assert p["email"].endswith("@demo.passerelle.fr"), p["id"]
        assert p["level"] in LEVELS and p["level"] != "bac", p["id"]
        assert 5 <= len(p["skills"]) <= 12 and len(set(p["skills"])) == len(p["skills"]), p["id"]
        start = date.fromisoformat(p["available_from"])
        end = date.fromisoformat(p["available_until"])
        assert start.year == end.year == 2027 and start < end, p["id"]
        assert 10 <= p["mobility_km"] <= 200, p["id"]
        assert p["languages"][0] == "fr", p["id"]
        assert p["seeks"] and set(p["seeks"]) <= kinds, p["id"]
        assert isinstance(p["consent_visible"], bool)
        if p["kind"] == "researcher":
            assert "rd" in p["seeks"] and p["research_topics"], p["id"]
    visible = sum(p["consent_visible"] for p in people) / len(people)
    assert 0.7 <= visible <= 0.9


def test_needs_fields(needs: list[dict[str, Any]]) -> None:
    for n in needs:
        assert 3 <= len(n["skills"]) <= 6 and len(n["nice_to_have"]) <= 4, n["id"]
        assert not set(n["skills"]) & set(n["nice_to_have"]), n["id"]
        assert n["level_min"] is None or n["level_min"] in LEVELS, n["id"]
        assert "fr" in n["languages"], n["id"]
        assert n["remote"] in ("none", "partial", "full"), n["id"]
        assert date.fromisoformat(n["start_date"]).year == 2027, n["id"]
        assert 1 <= n["places"] <= 4, n["id"]
        if n["kind"] == "job":
            assert n["duration_months"] is None, n["id"]
        else:
            assert isinstance(n["duration_months"], int) and n["duration_months"] >= 1, n["id"]


def test_skills_are_canonical_vocabulary_labels(
    people: list[dict[str, Any]], needs: list[dict[str, Any]]
) -> None:
    vocabulary = SkillVocabulary.builtin()
    labels = {s for p in people for s in p["skills"]}
    labels |= {s for n in needs for s in (*n["skills"], *n["nice_to_have"])}
    for label in sorted(labels):
        skill = vocabulary.lookup(label)
        assert skill is not None and skill.label == label, label


def test_a_title_never_names_a_skill_its_need_leaves_out(needs: list[dict[str, Any]]) -> None:
    """ "Stage – Développeur PHP Symfony" requires PHP and Symfony, "Défi étudiant –
    Cybersécurité des TPE" cybersécurité: a reader checks the title against the list first."""
    labels = {s for n in needs for s in (*n["skills"], *n["nice_to_have"])}
    named = 0
    for n in needs:
        title = n["title"].lower()
        for label in labels:
            if re.search(rf"(?<!\w){re.escape(label.lower())}(?!\w)", title):
                named += 1
                # "économie" is named by a need requiring "économie circulaire"
                assert any(label.lower() in s.lower() for s in n["skills"]), (n["id"], label)
    assert named > 50  # titles do name skills: the check is not empty


def test_students_share_skills_with_needs(
    people: list[dict[str, Any]], needs: list[dict[str, Any]]
) -> None:
    """Matching has signal: most needs have students holding half their required skills."""
    students = [set(p["skills"]) for p in people if p["kind"] == "student"]
    served = 0
    for need in needs:
        required = set(need["skills"])
        threshold = max(2, len(required) // 2)
        served += any(len(required & s) >= threshold for s in students)
    assert served / len(needs) >= 0.9


# -- texts ----------------------------------------------------------------------------------------


def test_no_duplicated_texts(
    orgs: list[dict[str, Any]], people: list[dict[str, Any]], needs: list[dict[str, Any]]
) -> None:
    for records, field in ((orgs, "description"), (people, "summary"), (needs, "description")):
        texts = [r[field] for r in records]
        duplicated = [t for t, c in Counter(texts).items() if c > 1]
        assert not duplicated, duplicated[:2]


def test_texts_read_as_french(people: list[dict[str, Any]], needs: list[dict[str, Any]]) -> None:
    texts = [p["summary"] for p in people] + [n["description"] for n in needs]
    assert any("é" in t for t in texts)
    for text in texts:
        assert text[:1].isupper() and text.rstrip()[-1] in ".!?", text[:80]
        for slip in (" à le ", " à les ", " de le ", " de les ", "  ", " ."):
            assert slip not in text, (slip, text[:120])
