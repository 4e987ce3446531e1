"""Speed of bulk import: 10,000 student rows from a CSV into a fresh, migrated SQLite database.

    python benchmarks/bench_import.py [--rows 10000] [--keep DIR]

Rows are the demo region's students resampled (ids, names, e-mails and skills varied), written
as a coordinator's spreadsheet would be: lists joined by ';', booleans as oui/non, French dates.
The schools they belong to are imported first from their own CSV. Both timings go through
`api.imports.service.import_file`, the code path of the endpoint and of `passerelle import`:
validation is a dry run (read, parse, validate, check against the database); the whole import
reads, validates, writes and commits.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from api.core.db import make_engine, migrate, session_factory, session_scope
from api.imports.service import import_file

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
COLUMNS = [
    "id",
    "kind",
    "first_name",
    "last_name",
    "email",
    "headline",
    "summary",
    "skills",
    "organisation_id",
    "programme",
    "level",
    "available_from",
    "available_until",
    "mobility_km",
    "languages",
    "seeks",
    "town",
    "territory",
    "lat",
    "lon",
    "consent_visible",
]


def _read(name: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (DEMO / name).read_text(encoding="utf-8").splitlines() if x]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def _french_date(iso: str | None) -> str:
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def write_csvs(folder: Path, rows: int, seed: int = 0) -> tuple[Path, Path]:
    rng = random.Random(seed)
    schools = [o for o in _read("organisations.jsonl") if o["kind"] == "school"]
    students = [p for p in _read("profiles.jsonl") if p.get("kind", "student") == "student"]
    firsts = sorted({p["first_name"] for p in students})
    lasts = sorted({p["last_name"] for p in students})
    pool = sorted({s for p in students for s in p.get("skills", [])})

    schools_csv = folder / "schools.csv"
    with schools_csv.open("w", encoding="utf-8", newline="") as handle:
        fields = ["id", "kind", "name", "sector", "town", "territory", "lat", "lon", "description"]
        writer = csv.writer(handle)
        writer.writerow(fields)
        for school in schools:
            writer.writerow([_cell(school.get(f)) for f in fields])

    people_csv = folder / "students.csv"
    with people_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            base = dict(students[i % len(students)])
            first, last = rng.choice(firsts), rng.choice(lasts)
            skills = list(base.get("skills", []))
            skills = rng.sample(skills, k=max(1, len(skills) - 1)) + rng.sample(pool, k=2)
            base.update(
                id=f"S{i:06d}",
                first_name=first,
                last_name=last,
                email=f"{first}.{last}.{i}@etu.example.fr".lower().replace(" ", "-"),
                skills=skills,
                organisation_id=rng.choice(schools)["id"],
                consent_visible=rng.random() < 0.6,
            )
            for key in ("available_from", "available_until"):
                base[key] = _french_date(base.get(key))
            writer.writerow([_cell(base.get(c)) for c in COLUMNS])
    return schools_csv, people_csv


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="keep the CSV and database in this folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        schools_csv, people_csv = write_csvs(folder, args.rows)
        database = folder / "bench.db"
        database.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{database}")
        migrate(engine)
        sessions = session_factory(engine)
        for session in session_scope(sessions):
            import_file(
                session, "organisations", schools_csv.read_bytes(), source="schools.csv", fmt="csv"
            )
        data = people_csv.read_bytes()

        started = time.perf_counter()
        for session in session_scope(sessions):
            checked = import_file(
                session, "people", data, source=people_csv.name, fmt="csv", dry_run=True
            )
        validate_s = time.perf_counter() - started
        assert not checked.errors, checked.lines()[:5]

        started = time.perf_counter()
        for session in session_scope(sessions):
            report = import_file(session, "people", data, source=people_csv.name, fmt="csv")
        import_s = time.perf_counter() - started
        assert report.rows_written == args.rows, report.lines()[:5]
        engine.dispose()

        size = len(data) / 1e6
        print(f"{args.rows} student rows, {size:.1f} MB of CSV, SQLite (WAL), fresh database")
        print(f"validation (dry run): {validate_s:.2f} s = {args.rows / validate_s:,.0f} rows/s")
        print(
            f"whole import (read, validate, write, commit): {import_s:.2f} s "
            f"= {args.rows / import_s:,.0f} rows/s ({report.skills_created} skills created)"
        )


if __name__ == "__main__":
    main()
