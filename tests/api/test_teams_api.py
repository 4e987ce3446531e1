"""Coordinators form hackathon teams: right sizes, schools mixed, saved, exported, deleted."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import AuditEntry, Interest, Need, Person
from tests.api.test_recommendations_review import login

pytestmark = pytest.mark.db


def two_schools(session: Session, per_school: int) -> list[Person]:
    """`per_school` students from each of the two schools with the most students."""
    counts = (
        select(Person.organisation_id)
        .where(Person.kind == "student")
        .group_by(Person.organisation_id)
        .order_by(func.count().desc(), Person.organisation_id)
        .limit(2)
    )
    people: list[Person] = []
    for org_id in session.scalars(counts):
        query = (
            select(Person)
            .where(Person.kind == "student", Person.organisation_id == org_id)
            .order_by(Person.ref)
            .limit(per_school)
        )
        people += list(session.scalars(query))
    assert len(people) == 2 * per_school
    return people


def test_teams_have_the_right_sizes_and_mix_schools(client: TestClient, session: Session) -> None:
    coordinator = login(client, session, "coordinator")
    people = two_schools(session, 11)
    body = {"name": "Hackathon de la mer", "team_size": 4, "participants": [p.ref for p in people]}
    created = client.post("/api/v1/hackathons", json=body, headers=coordinator)
    assert created.status_code == 201, created.text
    run = created.json()
    teams = run["teams"]
    assert [t["number"] for t in teams] == list(range(1, 7))  # 22 people, at most 4 a team
    assert sorted(len(t["members"]) for t in teams) == [3, 3, 4, 4, 4, 4]
    placed = Counter(m["person"] for t in teams for m in t["members"])
    assert set(placed) == set(body["participants"]) and set(placed.values()) == {1}
    for team in teams:
        assert len({m["school"] for m in team["members"]}) == 2, "every team mixes both schools"
    report = run["report"]
    assert report["violations"] == [] and report["teams"] == 6
    assert report["schools_per_team"] == [2] * 6
    assert report["score"] == pytest.approx(sum(t["score"] for t in teams), abs=1e-3)

    export = client.get(f"/api/v1/hackathons/{run['id']}/export.csv", headers=coordinator)
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert list(rows[0]) == ["equipe", "personne", "nom", "ecole", "niveau", "competences"]
    assert len(rows) == 22 and {r["personne"] for r in rows} == set(body["participants"])

    listed = client.get("/api/v1/hackathons", headers=coordinator).json()
    assert [h["id"] for h in listed["items"]] == [run["id"]] and listed["items"][0]["teams"] == 6
    read = client.get(f"/api/v1/hackathons/{run['id']}", headers=coordinator).json()
    assert (read["teams"], read["report"]) == (run["teams"], run["report"])
    assert client.delete(f"/api/v1/hackathons/{run['id']}", headers=coordinator).status_code == 204
    assert client.get(f"/api/v1/hackathons/{run['id']}", headers=coordinator).status_code == 404
    actions = list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "hackathon", AuditEntry.object_ref == str(run["id"]))
            .order_by(AuditEntry.id)
        )
    )
    assert actions == ["form_teams", "delete"]


def test_people_interested_in_a_hackathon_need_take_part(
    client: TestClient, session: Session
) -> None:
    coordinator = login(client, session, "coordinator")
    need = session.scalars(select(Need).where(Need.kind == "hackathon").order_by(Need.ref)).first()
    assert need is not None
    people = two_schools(session, 3)
    session.add_all(Interest(person_id=p.id, need_id=need.id) for p in people[1:])
    session.commit()
    body = {"name": need.title, "team_size": 2, "need": need.ref, "participants": [people[0].ref]}
    run = client.post("/api/v1/hackathons", json=body, headers=coordinator).json()
    assert run["need"] == need.ref
    members = {m["person"] for t in run["teams"] for m in t["members"]}
    assert members == {p.ref for p in people}
    assert sorted(len(t["members"]) for t in run["teams"]) == [2, 2, 2]


def test_bad_requests_name_the_field(client: TestClient, session: Session) -> None:
    coordinator = login(client, session, "coordinator")
    people = [p.ref for p in two_schools(session, 2)]
    internship = session.scalars(select(Need).where(Need.kind == "internship")).first()
    assert internship is not None

    def fields(**body: object) -> list[str]:
        response = client.post(
            "/api/v1/hackathons", json={"name": "Défi", **body}, headers=coordinator
        )
        assert response.status_code == 422, response.text
        return [e["field"] for e in response.json()["errors"]]

    assert fields(participants=[people[0], "PERSONNE-INCONNUE"]) == ["participants.1"]
    assert fields(participants=[people[0], people[1], people[0]]) == ["participants.2"]
    assert fields(participants=[]) == ["participants"]
    assert fields(need="BESOIN-INCONNU") == ["need"]
    assert fields(need=internship.ref, participants=people) == ["need"]
    assert fields(participants=people, team_size=0) == ["team_size"]
    other = login(client, session, "student", person_id=session.scalars(select(Person.id)).first())
    forbidden = client.post(
        "/api/v1/hackathons", json={"name": "Défi", "participants": people}, headers=other
    )
    assert forbidden.status_code == 403
