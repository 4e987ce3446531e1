"""Coordinators allocate internship places: two methods compared, saved, rerun with pins, exported."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.api.test_recommendations_review import login

pytestmark = [pytest.mark.db, pytest.mark.slow]  # each run ranks and allocates the whole region


def test_allocation_compares_methods_and_keeps_pins(client: TestClient, session: Session) -> None:
    coordinator = login(client, session, "coordinator")
    body = {"kinds": ["internship"], "candidates_per_person": 10}
    created = client.post("/api/v1/allocations", json=body, headers=coordinator)
    assert created.status_code == 201, created.text
    run = created.json()
    rows = {r["method"]: r for r in run["report"]["rows"]}
    assert set(rows) == {"stable", "welfare"}
    assert rows["stable"]["blocking_pairs"] == 0
    assert rows["welfare"]["total_score"] >= rows["stable"]["total_score"] - 1e-6
    assert rows["stable"]["placed"] > 0 and rows["stable"]["feasible"]
    territories = {b["attribute"] for b in rows["stable"]["balance"]}
    assert territories == {"territory", "school"}

    # Pin someone the stable method left out (or moved) to a need with room, and rerun.
    stable_pairs = {p["person_ref"]: p["need_ref"] for p in run["pairs"] if p["method"] == "stable"}
    welfare_pairs = [p for p in run["pairs"] if p["method"] == "welfare"]
    person, need = next(
        (p["person_ref"], p["need_ref"])
        for p in welfare_pairs
        if stable_pairs.get(p["person_ref"]) != p["need_ref"]
    )
    again = client.post(
        f"/api/v1/allocations/{run['id']}/rerun",
        json={"pinned": [[person, need]]},
        headers=coordinator,
    ).json()
    assert again["pinned"] == [f"{person}|{need}"]
    for method in ("stable", "welfare"):
        assert any(
            p["method"] == method and p["person_ref"] == person and p["need_ref"] == need
            for p in again["pairs"]
        )
    kept = client.post(f"/api/v1/allocations/{again['id']}/rerun", json={}, headers=coordinator)
    assert kept.json()["pinned"] == [f"{person}|{need}"]

    export = client.get(f"/api/v1/allocations/{run['id']}/export.xlsx", headers=coordinator)
    frame = pd.read_excel(io.BytesIO(export.content))
    assert len(frame) == len(run["pairs"]) and set(frame["methode"]) == {"stable", "welfare"}


def test_impossible_pin_is_a_clear_error(client: TestClient, session: Session) -> None:
    coordinator = login(client, session, "coordinator")
    response = client.post(
        "/api/v1/allocations",
        json={"pinned": [["PERSONNE-INCONNUE", "BESOIN-INCONNU"]]},
        headers=coordinator,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "pinned"
