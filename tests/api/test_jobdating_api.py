"""Coordinators run a job dating: tables and attendees, a checked schedule, swaps, pins, agendas."""

from __future__ import annotations

import csv
import functools
import io
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.core.i18n import translator
from api.engine.service import MatchingService
from api.jobdating.service import ChangeRefused
from api.models import AuditEntry, Need, Organisation, Person
from matching.allocation import Violation
from matching.encoders import CachedEncoder, HashingEncoder, MemoryStore
from tests.api.test_recommendations_review import login

pytestmark = pytest.mark.db


@functools.cache
def hashing_matching() -> MatchingService:
    """The engine on a hashing encoder (schedules do not depend on the model), for this module
    alone: an engine fitted here must not serve modules that commit other rows afterwards."""
    encoder = CachedEncoder(HashingEncoder(), MemoryStore())
    return MatchingService(sessionmaker(), "hashing", encoder=encoder)


@pytest.fixture
def coordinator(client: TestClient, session: Session) -> dict[str, str]:
    client.app.state.matching = hashing_matching()  # type: ignore[attr-defined]
    return login(client, session, "coordinator")


def companies_with_needs(session: Session, n: int) -> list[Organisation]:
    ids = select(Need.organisation_id).where(Need.is_open)
    query = (
        select(Organisation)
        .where(Organisation.kind == "company", Organisation.id.in_(ids))
        .order_by(Organisation.ref)
    )
    return list(session.scalars(query).unique().all()[:n])


def organisation_without_needs(session: Session) -> Organisation:
    ids = select(Need.organisation_id).where(Need.is_open)
    query = select(Organisation).where(Organisation.id.not_in(ids)).order_by(Organisation.ref)
    found = session.scalars(query).first()
    assert found is not None, "the demo region has a school or lab without open needs"
    return found


def students(session: Session, n: int, offset: int = 0) -> list[Person]:
    query = select(Person).where(Person.kind == "student").order_by(Person.ref)
    return list(session.scalars(query.offset(offset).limit(n)))


def event_body(session: Session, **changes: Any) -> dict[str, Any]:
    orgs = companies_with_needs(session, 5)
    spare = organisation_without_needs(session)
    body: dict[str, Any] = {
        "name": "Job dating du littoral",
        "date": "2027-03-18",
        "place": "Halle aux sucres, Dunkerque",
        "start_time": "18:00",
        "slot_minutes": 15,
        "slots": 4,
        "max_per_student": 2,
        "companies": [
            {"organisation": orgs[0].ref, "parallel": 2},
            {"organisation": orgs[1].ref, "parallel": 1, "max_interviews": 3},
            *({"organisation": o.ref} for o in orgs[2:]),
            {"organisation": spare.ref},
        ],
        "attendees": [p.ref for p in students(session, 16)],
    }
    return body | changes


def assert_valid(event: dict[str, Any]) -> None:
    """The rules a coordinator checks by eye, from the saved schedule alone."""
    meetings = event["meetings"]
    tables = {t["organisation"]: t for t in event["companies"]}
    attendees = {a["person"] for a in event["attendees"]}
    per_slot = Counter((m["person"], m["slot"]) for m in meetings)
    assert max(per_slot.values(), default=0) == 1, "nobody is double-booked"
    per_person = Counter(m["person"] for m in meetings)
    assert max(per_person.values(), default=0) <= event["max_per_student"]
    assert len({(m["person"], m["organisation"]) for m in meetings}) == len(meetings)
    at_table = Counter((m["organisation"], m["slot"]) for m in meetings)
    for (org, _), count in at_table.items():
        assert count <= tables[org]["parallel"]
    per_table = Counter(m["organisation"] for m in meetings)
    for org, count in per_table.items():
        cap = tables[org]["max_interviews"]
        assert cap is None or count <= cap
    assert {m["person"] for m in meetings} <= attendees
    assert all(0 <= m["slot"] < event["slots"] for m in meetings)
    assert all(m["time"] == event["slot_labels"][m["slot"]] for m in meetings)


def test_schedule_keeps_every_rule_and_pins_survive_a_reschedule(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    created = client.post("/api/v1/job-dating", json=event_body(session), headers=coordinator)
    assert created.status_code == 201, created.text
    event = created.json()
    assert event["slot_labels"] == ["18:00", "18:15", "18:30", "18:45"]
    assert event["meetings"] == [] and event["scheduled_at"] is None

    scheduled = client.post(f"/api/v1/job-dating/{event['id']}/schedule", headers=coordinator)
    assert scheduled.status_code == 200, scheduled.text
    event = scheduled.json()
    assert_valid(event)
    report = event["report"]
    assert report["violations"] == []
    assert report["interviews"] == len(event["meetings"]) > 0
    # 16 students, 2 interviews each at most; 7 tables x 4 slots (one capped at 3): room for all.
    assert report["students_met"] == report["students"] == 16
    assert 0 < report["fit_ratio"] <= 1.0 + 1e-9
    assert all(0 < m["score"] <= 1 for m in event["meetings"])

    pinned = event["meetings"][-1]
    response = client.post(
        f"/api/v1/job-dating/{event['id']}/pin", json={"meeting": pinned["id"]}, headers=coordinator
    )
    assert response.status_code == 200, response.text
    again = client.post(
        f"/api/v1/job-dating/{event['id']}/schedule", json={"coverage": False}, headers=coordinator
    ).json()
    assert_valid(again)
    kept = [
        m
        for m in again["meetings"]
        if (m["person"], m["organisation"]) == (pinned["person"], pinned["organisation"])
    ]
    assert len(kept) == 1 and kept[0]["slot"] == pinned["slot"] and kept[0]["pinned"]
    assert again["report"]["pinned"] == 1

    actions = set(
        session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.object_type == "job_dating", AuditEntry.object_ref == str(event["id"])
            )
        )
    )
    assert actions == {"create", "schedule", "pin"}


def _find_swaps(event: dict[str, Any]) -> tuple[tuple[int, int], tuple[int, int]]:
    """A swap of two meetings' slots that keeps every rule, and one double-booking someone."""
    meetings = event["meetings"]
    busy = {(m["person"], m["slot"]) for m in meetings}
    load = Counter((m["organisation"], m["slot"]) for m in meetings)
    parallel = {t["organisation"]: t["parallel"] for t in event["companies"]}
    valid = invalid = None
    for a in meetings:
        for b in meetings:
            if a["slot"] == b["slot"] or a["person"] == b["person"]:
                continue
            a_free = (a["person"], b["slot"]) not in busy
            b_free = (b["person"], a["slot"]) not in busy
            fits = a["organisation"] == b["organisation"] or (
                load[(a["organisation"], b["slot"])] < parallel[a["organisation"]]
                and load[(b["organisation"], a["slot"])] < parallel[b["organisation"]]
            )
            if valid is None and a_free and b_free and fits:
                valid = (a["id"], b["id"])
            if invalid is None and not a_free:
                invalid = (a["id"], b["id"])
    assert valid is not None and invalid is not None
    return valid, invalid


def test_swap_exchanges_slots_and_an_invalid_swap_changes_nothing(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    event_id = client.post(
        "/api/v1/job-dating", json=event_body(session), headers=coordinator
    ).json()["id"]
    event = client.post(f"/api/v1/job-dating/{event_id}/schedule", headers=coordinator).json()
    (a, b), (c, d) = _find_swaps(event)
    slot = {m["id"]: m["slot"] for m in event["meetings"]}

    swapped = client.post(
        f"/api/v1/job-dating/{event_id}/swap", json={"a": a, "b": b}, headers=coordinator
    )
    assert swapped.status_code == 200, swapped.text
    after = {m["id"]: m["slot"] for m in swapped.json()["meetings"]}
    assert (after[a], after[b]) == (slot[b], slot[a])
    assert_valid(swapped.json())

    before = client.get(f"/api/v1/job-dating/{event_id}", headers=coordinator).json()
    refused = client.post(
        f"/api/v1/job-dating/{event_id}/swap", json={"a": c, "b": d}, headers=coordinator
    )
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "student_double_booked"
    assert refused.json()["code"] == "swap_refused"
    assert "même créneau" in refused.json()["detail"]
    unchanged = client.get(f"/api/v1/job-dating/{event_id}", headers=coordinator).json()
    assert unchanged["meetings"] == before["meetings"]

    # A pinned meeting does not move until it is unpinned.
    client.post(f"/api/v1/job-dating/{event_id}/pin", json={"meeting": a}, headers=coordinator)
    moved = client.post(
        f"/api/v1/job-dating/{event_id}/swap", json={"a": a, "b": b}, headers=coordinator
    )
    assert moved.status_code == 409 and moved.json()["errors"][0]["field"] == "pin_moved"
    client.post(
        f"/api/v1/job-dating/{event_id}/pin",
        json={"meeting": a, "pinned": False},
        headers=coordinator,
    )
    back = client.post(
        f"/api/v1/job-dating/{event_id}/swap", json={"a": a, "b": b}, headers=coordinator
    )
    assert back.status_code == 200
    assert {m["id"]: m["slot"] for m in back.json()["meetings"]} == slot

    unknown = client.post(
        f"/api/v1/job-dating/{event_id}/swap", json={"a": a, "b": 999999}, headers=coordinator
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "b"


def test_moving_a_meeting_onto_a_busy_slot_is_refused(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    event_id = client.post(
        "/api/v1/job-dating", json=event_body(session), headers=coordinator
    ).json()["id"]
    event = client.post(f"/api/v1/job-dating/{event_id}/schedule", headers=coordinator).json()
    by_person: dict[str, list[dict[str, Any]]] = {}
    for m in event["meetings"]:
        by_person.setdefault(m["person"], []).append(m)
    first, second = next(ms for ms in by_person.values() if len(ms) == 2)
    response = client.post(
        f"/api/v1/job-dating/{event_id}/pin",
        json={"meeting": first["id"], "slot": second["slot"]},
        headers=coordinator,
    )
    assert response.status_code == 409
    after = client.get(f"/api/v1/job-dating/{event_id}", headers=coordinator).json()
    assert after["meetings"] == event["meetings"]


def test_bad_events_are_refused_naming_the_field(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    body = event_body(session)

    def errors(changes: dict[str, Any]) -> list[str]:
        response = client.post("/api/v1/job-dating", json=body | changes, headers=coordinator)
        assert response.status_code == 422, response.text
        return [e["field"] for e in response.json()["errors"]]

    unknown = [{"organisation": "ORG-INCONNUE"}, *body["companies"]]
    assert errors({"companies": unknown}) == ["companies.0.organisation"]
    twice = [*body["companies"], body["companies"][0]]
    assert errors({"companies": twice}) == [f"companies.{len(twice) - 1}.organisation"]
    assert errors({"attendees": [*body["attendees"], "PERSONNE-INCONNUE"]}) == [
        f"attendees.{len(body['attendees'])}"
    ]
    assert errors({"attendees": [body["attendees"][0], body["attendees"][0]]}) == ["attendees.1"]
    assert errors({"slots": 0}) == ["slots"]
    assert errors({"start_time": "23:30", "slots": 8}) == ["slots"]  # past midnight
    assert errors({"start_time": "25:00"}) == ["start_time"]
    assert errors(
        {"companies": [{"organisation": body["companies"][0]["organisation"], "parallel": 0}]}
    ) == ["companies.0.parallel"]
    assert client.get("/api/v1/job-dating", headers=coordinator).json()["total"] == 0


def test_an_empty_event_has_a_valid_empty_schedule(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    body = {"name": "Soirée vide", "date": "2027-01-10", "slots": 3}
    event_id = client.post("/api/v1/job-dating", json=body, headers=coordinator).json()["id"]
    scheduled = client.post(f"/api/v1/job-dating/{event_id}/schedule", headers=coordinator)
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["meetings"] == []
    assert scheduled.json()["report"]["interviews"] == 0
    assert scheduled.json()["report"]["violations"] == []
    text = client.get(f"/api/v1/job-dating/{event_id}/agenda.csv", headers=coordinator).text
    assert text.splitlines() == [
        "creneau,heure,fin,etudiant,nom,entreprise,organisation,score,epingle"
    ]
    agendas = client.get(f"/api/v1/job-dating/{event_id}/agendas", headers=coordinator).json()
    assert agendas["students"] == [] and agendas["companies"] == []
    assert agendas["slot_labels"] == ["18:00", "18:15", "18:30"]


def test_agendas_csv_and_each_participant_sees_only_their_own(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    body = event_body(session)
    event_id = client.post("/api/v1/job-dating", json=body, headers=coordinator).json()["id"]
    event = client.post(f"/api/v1/job-dating/{event_id}/schedule", headers=coordinator).json()
    meetings = event["meetings"]

    response = client.get(f"/api/v1/job-dating/{event_id}/agenda.csv", headers=coordinator)
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(meetings)
    assert {(r["etudiant"], r["entreprise"], r["heure"]) for r in rows} == {
        (m["person"], m["organisation"], m["time"]) for m in meetings
    }

    agendas = client.get(f"/api/v1/job-dating/{event_id}/agendas", headers=coordinator).json()
    assert [a["ref"] for a in agendas["students"]] == body["attendees"]
    assert sum(len(a["meetings"]) for a in agendas["students"]) == len(meetings)
    assert sum(len(a["meetings"]) for a in agendas["companies"]) == len(meetings)
    for agenda in agendas["students"]:
        times = [item["time"] for item in agenda["meetings"]]
        assert times == sorted(times) and len(set(times)) == len(times)

    person = session.scalars(select(Person).where(Person.ref == meetings[0]["person"])).one()
    mine = client.get(
        f"/api/v1/job-dating/{event_id}/my-agenda",
        headers=login(client, session, "student", person_id=person.id),
    )
    assert mine.status_code == 200, mine.text
    expected = [(m["time"], m["organisation"]) for m in meetings if m["person"] == person.ref]
    assert [(i["time"], i["ref"]) for i in mine.json()["agenda"]["meetings"]] == sorted(expected)
    assert mine.json()["agenda"]["name"] == f"{person.first_name} {person.last_name}"

    org = session.scalars(
        select(Organisation).where(Organisation.ref == meetings[0]["organisation"])
    ).one()
    theirs = client.get(
        f"/api/v1/job-dating/{event_id}/my-agenda",
        headers=login(client, session, "company", organisation_id=org.id),
    ).json()["agenda"]
    assert theirs["kind"] == "company"
    assert [i["ref"] for i in theirs["meetings"]] == [
        m["person"]
        for m in sorted(meetings, key=lambda m: (m["slot"], m["person"]))
        if m["organisation"] == org.ref
    ]

    outsider = students(session, 1, offset=100)[0]
    assert outsider.ref not in body["attendees"]
    headers = login(client, session, "student", person_id=outsider.id)
    assert (
        client.get(f"/api/v1/job-dating/{event_id}/my-agenda", headers=headers).status_code == 404
    )
    assert client.get(f"/api/v1/job-dating/{event_id}/agendas", headers=headers).status_code == 403

    listed = client.get("/api/v1/job-dating", headers=coordinator).json()["items"]
    assert [e["id"] for e in listed] == [event_id] and listed[0]["interviews"] == len(meetings)
    assert client.delete(f"/api/v1/job-dating/{event_id}", headers=coordinator).status_code == 204
    assert client.get(f"/api/v1/job-dating/{event_id}", headers=coordinator).status_code == 404


def test_an_erased_person_leaves_the_schedule(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    event_id = client.post(
        "/api/v1/job-dating", json=event_body(session), headers=coordinator
    ).json()["id"]
    event = client.post(f"/api/v1/job-dating/{event_id}/schedule", headers=coordinator).json()
    gone = event["meetings"][0]["person"]
    admin = login(client, session, "admin")
    assert client.delete(f"/api/v1/people/{gone}", headers=admin).status_code == 204
    after = client.get(f"/api/v1/job-dating/{event_id}", headers=coordinator).json()
    assert gone not in {a["person"] for a in after["attendees"]}
    assert gone not in {m["person"] for m in after["meetings"]}
    assert len(after["meetings"]) == len([m for m in event["meetings"] if m["person"] != gone])
    assert (
        gone
        not in client.get(f"/api/v1/job-dating/{event_id}/agenda.csv", headers=coordinator).text
    )


def test_a_persons_data_export_lists_their_interviews_and_team(
    client: TestClient, session: Session, coordinator: dict[str, str]
) -> None:
    body = event_body(session)
    event_id = client.post("/api/v1/job-dating", json=body, headers=coordinator).json()["id"]
    event = client.post(f"/api/v1/job-dating/{event_id}/schedule", headers=coordinator).json()
    ref = event["meetings"][0]["person"]
    team_body = {"name": "Hackathon de l'export", "team_size": 2, "participants": body["attendees"]}
    teams = client.post("/api/v1/hackathons", json=team_body, headers=coordinator).json()["teams"]
    team = next(t["number"] for t in teams for m in t["members"] if m["person"] == ref)

    person = session.scalars(select(Person).where(Person.ref == ref)).one()
    own = login(client, session, "student", person_id=person.id)
    export = client.get(f"/api/v1/people/{ref}/export", headers=own).json()
    [dating] = export["job_datings"]
    assert dating["event"] == body["name"] and dating["date"] == body["date"]
    names = {m["organisation"]: m["organisation_name"] for m in event["meetings"]}
    assert [(i["time"], i["company"]) for i in dating["interviews"]] == sorted(
        (m["time"], names[m["organisation"]]) for m in event["meetings"] if m["person"] == ref
    )
    assert export["hackathons"] == [{"hackathon": team_body["name"], "team": team}]


def test_a_refused_change_names_each_rule_from_the_catalogue_by_code() -> None:
    refused = ChangeRefused(
        "swap_refused",
        [Violation("student_double_booked", ("S1", "2")), Violation("no_fit", ("S1", "C1", "0"))],
    )
    assert refused.status_code == 409 and refused.code == "swap_refused"
    errors = refused.field_errors("fr")
    assert [e["field"] for e in errors] == ["student_double_booked", "no_fit"]
    assert [e["code"] for e in errors] == ["student_double_booked", "no_fit"]
    wording = translator("fr")("jobdating.api.violation.student_double_booked")
    assert errors[0]["message"] == f"{wording} (S1, 2)"
    assert errors[1]["message"] == "no_fit (S1, C1, 0)"  # no words for it: its code
    assert refused.message.startswith("Échange impossible : " + wording)
    english = translator("en")("jobdating.api.violation.student_double_booked")
    assert refused.field_errors("en")[0]["message"] == f"{english} (S1, 2)"
    assert refused.text("en").startswith("Swap refused: " + english)
