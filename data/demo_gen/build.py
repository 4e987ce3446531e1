"""Assemble the demo region and write it as three JSON Lines files."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

from demo_gen import SEED
from demo_gen.build_needs import build_needs
from demo_gen.build_orgs import build_organisations
from demo_gen.build_profiles import build_students
from demo_gen.build_researchers import build_researchers

FILES = ("organisations", "profiles", "needs")


def build(seed: int = SEED) -> dict[str, list[dict[str, Any]]]:
    """The three record lists, each sorted by id. Same seed, same records."""
    rng = random.Random(seed)
    organisations, institutions = build_organisations(random.Random(rng.randrange(2**32)))
    emails: set[str] = set()
    students = build_students(random.Random(rng.randrange(2**32)), institutions, emails)
    researchers = build_researchers(random.Random(rng.randrange(2**32)), institutions, emails)
    needs = build_needs(random.Random(rng.randrange(2**32)), organisations)
    people = students + researchers
    for n, person in enumerate(people, start=1):
        person["id"] = f"P{n:04d}"
    public = [{k: v for k, v in o.items() if not k.startswith("_")} for o in organisations]
    data = {"organisations": public, "profiles": people, "needs": needs}
    check(data)
    return data


def check(data: dict[str, list[dict[str, Any]]]) -> None:
    """Unique ids, e-mails and texts; references that resolve; sane dates."""
    orgs = {o["id"]: o for o in data["organisations"]}
    for name in FILES:
        ids = [r["id"] for r in data[name]]
        if len(ids) != len(set(ids)) or ids != sorted(ids):
            raise AssertionError(f"{name}: ids not unique or not sorted")
    emails = [p["email"] for p in data["profiles"]]
    if len(emails) != len(set(emails)):
        raise AssertionError("duplicated e-mail")
    for person in data["profiles"]:
        org = orgs[person["organisation_id"]]
        expected = "school" if person["kind"] == "student" else "lab"
        if org["kind"] != expected:
            raise AssertionError(f"{person['id']}: attached to a {org['kind']}")
        if not person["available_from"] < person["available_until"]:
            raise AssertionError(f"{person['id']}: empty availability window")
        if not 5 <= len(person["skills"]) <= 12 or len(set(person["skills"])) != len(
            person["skills"]
        ):
            raise AssertionError(f"{person['id']}: {len(person['skills'])} skills")
    for need in data["needs"]:
        if orgs[need["organisation_id"]]["kind"] != "company":
            raise AssertionError(f"{need['id']}: not posted by a company")
        if not 3 <= len(need["skills"]) <= 6 or len(need["nice_to_have"]) > 4:
            raise AssertionError(f"{need['id']}: skill counts")
    for name, field in (
        ("organisations", "description"),
        ("profiles", "summary"),
        ("needs", "description"),
    ):
        texts = [r[field] for r in data[name]]
        if len(texts) != len(set(texts)):
            raise AssertionError(f"{name}: duplicated {field}")


def write(data: dict[str, list[dict[str, Any]]], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in FILES:
        path = out / f"{name}.jsonl"
        lines = (json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) for r in data[name])
        path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
        paths.append(path)
    return paths


def summary(data: dict[str, list[dict[str, Any]]]) -> str:
    """Counts per kind and per territory, for the console."""
    lines = []
    for name in FILES:
        records = data[name]
        kinds = Counter(r["kind"] for r in records)
        territories = Counter(r["territory"] or "(hors des quatre)" for r in records)
        lines.append(f"{name}: {len(records)}")
        lines.append(
            "  par type / by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        )
        lines.append(
            "  par territoire / by territory: "
            + ", ".join(f"{k} {v}" for k, v in sorted(territories.items()))
        )
    companies = [o for o in data["organisations"] if o["kind"] == "company"]
    sectors = Counter(o["sector"] for o in companies)
    lines.append(
        "companies by sector: " + ", ".join(f"{k} {v}" for k, v in sorted(sectors.items()))
    )
    return "\n".join(lines)
