"""The coordinators' queue: filters (need, organisation, territory, school, name, signal), the
facts on each card, the rejection reason, and closed needs leaving the queue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.models import Interest, Need, Organisation, Person, Suggestion, SuggestionEvent
from tests.web.test_account_pages import account, bearer
from tests.web.test_pages import csrf, sign_in

pytestmark = pytest.mark.db


@dataclass
class Queue:
    needs: list[Need]
    people: list[Person]
    suggestions: list[Suggestion]
    school: Organisation
    orgs: list[Organisation]


def _build(session: Session) -> Queue:
    school = Organisation(ref="T-Q-ECOLE", kind="school", name="Lycée du Détroit")
    orgs = [
        Organisation(ref="T-Q-ORG-1", kind="company", name="Filets Boulonnais"),
        Organisation(ref="T-Q-ORG-2", kind="company", name="Verrerie d'Arques Test"),
    ]
    needs = [
        Need(
            ref="T-Q-N1",
            organisation=orgs[0],
            kind="internship",
            title="Stage maille",
            territory="Territoire-Test-Nord",
        ),
        Need(
            ref="T-Q-N2",
            organisation=orgs[1],
            kind="job",
            title="Souffleur de verre",
            territory="Territoire-Test-Sud",
        ),
    ]
    people = [
        Person(
            ref="T-Q-P1",
            kind="student",
            first_name="Zoé",
            last_name="Queuefiltre",
            email="zoe.q@t.fr",
            organisation=school,
            town="Wimereux",
            available_from=date(2027, 2, 1),
        ),
        Person(
            ref="T-Q-P2",
            kind="student",
            first_name="Yanis",
            last_name="Quefiltre",
            email="yanis.q@t.fr",
            town="Calais",
        ),
        Person(
            ref="T-Q-P3",
            kind="student",
            first_name="Xavier",
            last_name="Filtrequeue",
            email="xavier.q@t.fr",
            organisation=school,
        ),
    ]
    session.add_all([school, *orgs, *needs, *people])
    session.flush()
    pairs = [(people[0], needs[0], 0.97), (people[1], needs[0], 0.96), (people[2], needs[1], 0.95)]
    suggestions = [Suggestion(person_id=p.id, need_id=n.id, score=s) for p, n, s in pairs]
    session.add_all(suggestions)
    session.commit()
    return Queue(needs, people, suggestions, school, orgs)


def refs(answer: dict[str, object]) -> set[str]:
    return {item["person_ref"] for item in answer["items"]}  # type: ignore[attr-defined, index]


OURS = {"T-Q-P1", "T-Q-P2", "T-Q-P3"}


def test_the_api_queue_narrows_by_each_filter(client: TestClient, session: Session) -> None:
    q = _build(session)
    account(session, "coordinator", "coord-filtres@t.fr")
    headers = bearer(client, "coord-filtres@t.fr")

    def queue(**params: str) -> set[str]:
        answer = client.get(
            "/api/v1/review/queue", params={"limit": 200, **params}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        return refs(answer.json())

    assert queue(need="T-Q-N1") == {"T-Q-P1", "T-Q-P2"}
    assert queue(organisation="T-Q-ORG-2") == {"T-Q-P3"}
    assert queue(territory="Territoire-Test-Nord") == {"T-Q-P1", "T-Q-P2"}
    assert queue(school="T-Q-ECOLE") == {"T-Q-P1", "T-Q-P3"}
    assert queue(q="queuefiltre zo") == {"T-Q-P1"}
    assert queue(q="QUEFILTRE") == {"T-Q-P2"}
    assert queue(q="%") & OURS == set()  # a wildcard is a character like any other
    assert queue(school="T-Q-ECOLE", need="T-Q-N1") == {"T-Q-P1"}

    session.add(Interest(person_id=q.people[1].id, need_id=q.needs[0].id))
    session.commit()
    assert queue(need="T-Q-N1", interested_only="true") == {"T-Q-P2"}

    first = client.get("/api/v1/review/queue", params={"need": "T-Q-N1"}, headers=headers).json()[
        "items"
    ][0]
    assert first["person_school"] == "Lycée du Détroit"
    assert first["person_town"] == "Wimereux"
    assert first["person_available_from"] == "2027-02-01"


def test_suggestions_of_a_closed_need_leave_the_queue(client: TestClient, session: Session) -> None:
    q = _build(session)
    account(session, "coordinator", "coord-ferme@t.fr")
    headers = bearer(client, "coord-ferme@t.fr")
    rejected = q.suggestions[2]
    rejected.status = "rejected"
    q.needs[1].is_open = False
    q.needs[0].is_open = False
    q.suggestions[0].status = "approved"
    session.commit()
    for status in ("proposed", "approved"):
        answer = client.get(
            "/api/v1/review/queue", params={"status": status, "limit": 200}, headers=headers
        ).json()
        assert refs(answer) & OURS == set(), status
    kept = client.get(
        "/api/v1/review/queue",
        params={"status": "rejected", "organisation": "T-Q-ORG-2"},
        headers=headers,
    ).json()
    assert refs(kept) == {"T-Q-P3"}  # the history stays
    assert kept["items"][0]["need_open"] is False


def test_a_coordinator_filters_the_queue_page_and_reads_rejection_reasons(
    client: TestClient, session: Session
) -> None:
    q = _build(session)
    account(session, "coordinator", "coord-page@t.fr")
    sign_in(client, "coord-page@t.fr")

    page = client.get("/revue")
    assert 'role="search"' in page.text
    assert '<option value="T-Q-N1">Stage maille (T-Q-N1)</option>' in page.text
    assert '<option value="T-Q-ECOLE">Lycée du Détroit</option>' in page.text

    narrowed = client.get("/revue", params={"besoin": "T-Q-N1"})
    cards = re.findall(r'id="suggestion-(\d+)"', narrowed.text)
    assert sorted(map(int, cards)) == sorted(s.id for s in q.suggestions[:2])
    assert "2 suggestions" in narrowed.text
    assert "École : Lycée du Détroit" in narrowed.text
    assert "Ville : Wimereux" in narrowed.text
    assert "Disponible dès le 01/02/2027" in narrowed.text
    assert "Disponibilité non précisée" in narrowed.text  # Yanis gave none
    assert "Effacer les filtres" in narrowed.text
    # The tabs keep the filters.
    assert 'href="/revue?statut=rejected&amp;besoin=T-Q-N1"' in narrowed.text

    by_name = client.get("/revue", params={"q": "Xavier"})
    assert re.findall(r'id="suggestion-(\d+)"', by_name.text) == [str(q.suggestions[2].id)]
    empty = client.get("/revue", params={"q": "Personne-De-Ce-Nom"})
    assert "Aucune suggestion ne correspond à ces filtres." in empty.text

    target = q.suggestions[0]
    back = "/revue?statut=proposed&besoin=T-Q-N1"
    decided = client.post(
        f"/revue/{target.id}/decision",
        data={
            "csrf_token": csrf(narrowed.text),
            "action": "reject",
            "reason": "Trop loin de Boulogne",
            "statut": "proposed",
            "retour": back,
        },
        follow_redirects=False,
    )
    assert decided.status_code == 303 and decided.headers["location"] == back
    rejected_tab = client.get("/revue", params={"statut": "rejected", "besoin": "T-Q-N1"})
    assert "Motif du rejet :" in rejected_tab.text
    assert "Trop loin de Boulogne" in rejected_tab.text


def test_the_rejection_reason_is_the_last_one(client: TestClient, session: Session) -> None:
    q = _build(session)
    row = q.suggestions[1]
    row.status = "rejected"
    row.events = [
        SuggestionEvent(actor="c", from_status="proposed", to_status="rejected", reason="ancien"),
        SuggestionEvent(actor="c", from_status="rejected", to_status="approved", reason=""),
        SuggestionEvent(actor="c", from_status="approved", to_status="rejected", reason="récent"),
    ]
    session.commit()
    account(session, "coordinator", "coord-motif@t.fr")
    answer = client.get(
        "/api/v1/review/queue",
        params={"status": "rejected", "need": "T-Q-N1"},
        headers=bearer(client, "coord-motif@t.fr"),
    ).json()
    assert [i["rejection_reason"] for i in answer["items"]] == ["récent"]
