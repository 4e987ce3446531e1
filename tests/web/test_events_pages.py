"""Coordinators run a job dating and form hackathon teams from the pages; attendees read their own
agendas; refusals are explained and change nothing."""

from __future__ import annotations

import csv
import functools
import io
import re
from collections import Counter

import httpx
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.engine.service import MatchingService
from api.jobdating.service import slot_labels
from api.models import (
    HackathonEvent,
    JobDatingEvent,
    JobDatingMeeting,
    Need,
    Organisation,
    Person,
    User,
)
from matching.encoders import CachedEncoder, HashingEncoder, MemoryStore
from tests.web.test_pages import account, csrf, form_token, sign_in, student_without_account

pytestmark = pytest.mark.db
TERRITORY = "Le Touquet"  # the demo region's smallest: 21 companies with open needs, 44 students


@functools.cache
def hashing_matching() -> MatchingService:
    """The engine on a hashing encoder (schedules do not depend on the model), for this module
    alone: an engine fitted here must not serve modules that commit other rows afterwards."""
    return MatchingService(
        sessionmaker(), "hashing", encoder=CachedEncoder(HashingEncoder(), MemoryStore())
    )


def as_coordinator(client: TestClient, session: Session, email: str) -> None:
    client.app.state.matching = hashing_matching()  # type: ignore[attr-defined]
    account(session, "coordinator", email)
    sign_in(client, email)


def other_company(session: Session) -> Organisation:
    """A company with an open need outside the territory, to type in the list by hand."""
    ids = select(Need.organisation_id).where(Need.is_open, Need.territory != TERRITORY)
    query = select(Organisation).where(
        Organisation.kind == "company",
        Organisation.id.in_(ids),
        Organisation.id.not_in(
            select(Need.organisation_id).where(Need.is_open, Need.territory == TERRITORY)
        ),
    )
    found = session.scalars(query.order_by(Organisation.ref)).first()
    assert found is not None
    return found


def outsider(session: Session) -> Person:
    found = session.scalars(
        select(Person)
        .where(Person.kind == "student", Person.territory != TERRITORY)
        .order_by(Person.ref)
    ).first()
    assert found is not None
    return found


def shown(value: str) -> str:
    """A name as the page writes it (apostrophes and ampersands escaped)."""
    return str(escape(value))


def create_event(client: TestClient, **fields: str) -> httpx.Response:
    data = {
        "name": "Job dating de la Côte d'Opale",
        "date": "2027-03-18",
        "place": "Palais des congrès, Le Touquet",
        "start_time": "18:00",
        "slot_minutes": "15",
        "slots": "4",
        "max_per_student": "2",
        "parallel": "1",
        "companies_territory": TERRITORY,
        "companies": "",
        "attendees_scope": f"territoire:{TERRITORY}",
        "attendees": "",
        **fields,
    }
    return client.post(
        "/job-dating",
        data={"csrf_token": form_token(client, "/job-dating"), **data},
        follow_redirects=False,
    )


def scheduled_event(client: TestClient, session: Session, **fields: str) -> JobDatingEvent:
    created = create_event(client, **fields)
    assert created.status_code == 303, created.text
    found = re.fullmatch(r"/job-dating/(\d+)", created.headers["location"])
    assert found, created.headers["location"]
    event_id = int(found.group(1))
    page = client.get(f"/job-dating/{event_id}")
    assert "Job dating créé" in page.text and "Calculer le planning" in page.text
    planned = client.post(
        f"/job-dating/{event_id}/planning",
        data={"csrf_token": csrf(page.text), "coverage": "1"},
        follow_redirects=False,
    )
    # The schedule is a background job: the form leads to its progress page, which leads to
    # the schedule once the job is done (the tests run jobs at once, after the commit).
    assert planned.status_code == 303, planned.text
    assert re.fullmatch(r"/travaux/\d+", planned.headers["location"]), planned.headers
    followed = client.get(planned.headers["location"], follow_redirects=False)
    assert followed.status_code == 303, followed.text
    assert followed.headers["location"] == f"/job-dating/{event_id}#planning"
    session.expire_all()
    event = session.get(JobDatingEvent, event_id)
    assert event is not None and event.meetings
    return event


def grid_cells(html: str) -> list[tuple[int, int, str]]:
    """(slot, meeting id, person ref) of each meeting shown in the schedule grid."""
    start = html.index('<table class="schedule"')
    table = html[start : html.index("</table>", start)]
    out = []
    for slot, cell in re.findall(r'<td data-slot="(\d+)"[^>]*>(.*?)</td>', table, re.S):
        for meeting, person in re.findall(r'data-meeting="(\d+)" data-person="([^"]+)"', cell):
            out.append((int(slot), int(meeting), person))
    return out


def sheet(html: str, ref: str) -> str:
    found = re.search(rf'id="agenda-{re.escape(ref)}".*?</section>', html, re.S)
    assert found, f"no agenda for {ref}"
    return found.group(0)


def slots_of(session: Session, event_id: int) -> dict[int, int]:
    session.expire_all()
    rows = session.execute(
        select(JobDatingMeeting.id, JobDatingMeeting.slot).where(
            JobDatingMeeting.event_id == event_id
        )
    )
    return {int(i): int(s) for i, s in rows}


def test_coordinator_creates_plans_and_exports_a_job_dating(
    client: TestClient, session: Session
) -> None:
    as_coordinator(client, session, "coord-jd@t.fr")
    empty = client.get("/job-dating")
    assert empty.status_code == 200
    assert 'href="/job-dating" aria-current="page"' in empty.text  # in the tools menu
    assert f"Entreprises ayant un besoin ouvert à {TERRITORY} (21)" in empty.text
    assert "Créer le job dating" in empty.text

    extra, guest = other_company(session), outsider(session)
    signed_up = student_without_account(session)  # typed by the address they sign in with
    account(session, "student", "inscrite-jd@t.fr", person_id=signed_up.id)
    event = scheduled_event(
        client,
        session,
        companies=f"{extra.ref};2",
        attendees=f"{guest.email.upper()}, inscrite-jd@t.fr",
    )
    assert event.tables[0].organisation.ref == extra.ref and event.tables[0].parallel == 2
    assert len(event.tables) == 22
    attendees = {a.person_id for a in event.attendees}
    assert {guest.id, signed_up.id} <= attendees and len(attendees) == 44 + 2
    labels = slot_labels(event)
    assert labels == ["18:00", "18:15", "18:30", "18:45"]

    page = client.get(f"/job-dating/{event.id}")
    assert "Planning calculé et enregistré." in page.text
    cells = grid_cells(page.text)
    assert sorted(m for _, m, _ in cells) == sorted(m.id for m in event.meetings)  # each once
    assert {(s, m) for s, m, _ in cells} == {(m.slot, m.id) for m in event.meetings}
    per_slot = Counter((person, slot) for slot, _, person in cells)
    assert max(per_slot.values()) == 1, "no student twice in a slot"
    report = event.report
    assert report["students_met"] == report["students"] == 46  # 92 seats for 46 people
    assert 'data-report="students_met">46 / 46' in page.text
    assert "aucun conflit, aucune limite dépassée" in page.text
    for label in labels:
        assert f'<span class="slot-time">{label}</span>' in page.text

    export = client.get(f"/job-dating/{event.id}/agenda.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert len(rows) == len(event.meetings)
    assert {(r["etudiant"], r["entreprise"], r["heure"]) for r in rows} == {
        (m.attendee.person.ref, m.table.organisation.ref, labels[m.slot]) for m in event.meetings
    }

    listing = client.get("/job-dating")
    assert f'href="/job-dating/{event.id}"' in listing.text
    assert f"Calculé · {len(event.meetings)} entretiens" in listing.text

    english = client.get(f"/langue/en?next=/job-dating/{event.id}")
    assert "Recompute the schedule" in english.text and "Swap the slots" in english.text
    client.get("/langue/fr")


def test_a_pin_survives_recomputing_and_a_refused_swap_changes_nothing(
    client: TestClient, session: Session
) -> None:
    as_coordinator(client, session, "coord-pin-jd@t.fr")
    event = scheduled_event(client, session)
    event_id = event.id
    pinned = event.meetings[-1]
    key = (pinned.attendee_id, pinned.table_id, pinned.slot)
    page = client.get(f"/job-dating/{event_id}")
    done = client.post(
        f"/job-dating/{event_id}/epingler",
        data={"csrf_token": csrf(page.text), "pin": str(pinned.id)},
    )
    assert done.status_code == 200 and "Entretien épinglé" in done.text
    assert re.search(rf'data-meeting="{pinned.id}"[^>]*data-pinned="true"', done.text)
    assert 'aria-pressed="true"' in done.text

    again = client.post(
        f"/job-dating/{event_id}/planning", data={"csrf_token": csrf(done.text)}
    )  # the box unticked: best fit first
    assert again.status_code == 200 and "Planning calculé" in again.text
    session.expire_all()
    event = session.get(JobDatingEvent, event_id)
    assert event is not None
    kept = [m for m in event.meetings if (m.attendee_id, m.table_id, m.slot) == key]
    assert len(kept) == 1 and kept[0].pinned
    assert event.report["pinned"] == 1 and event.report["coverage"] is False

    # A swap putting someone in two places at once is refused, explained, and changes nothing.
    busy = {(m.attendee_id, m.slot) for m in event.meetings}
    a, b = next(
        (a, b)
        for a in event.meetings
        for b in event.meetings
        if a.slot != b.slot
        and a.attendee_id != b.attendee_id
        and (a.attendee_id, b.slot) in busy
        and not a.pinned
        and not b.pinned
    )
    before = slots_of(session, event_id)
    refused = client.post(
        f"/job-dating/{event_id}/echanger",
        data={"csrf_token": csrf(again.text), "a": str(a.id), "b": str(b.id)},
    )
    assert refused.status_code == 409
    name = f"{a.attendee.person.first_name} {a.attendee.person.last_name}"
    assert "Échange refusé" in refused.text
    assert f"{shown(name)} aurait deux entretiens à {slot_labels(event)[b.slot]}." in refused.text
    assert "Rien n&#39;a été modifié." in refused.text
    assert f'<option value="{a.id}" selected>' in refused.text  # the choice is kept
    assert slots_of(session, event_id) == before

    # Moving the pinned meeting through a swap is refused too, until it is unpinned.
    other = next(m for m in event.meetings if m.slot != kept[0].slot and not m.pinned)
    moved = client.post(
        f"/job-dating/{event_id}/echanger",
        data={"csrf_token": csrf(again.text), "a": str(kept[0].id), "b": str(other.id)},
    )
    assert moved.status_code == 409 and "désépinglez-le d&#39;abord" in moved.text
    assert slots_of(session, event_id) == before


def test_printable_agendas_and_each_attendee_sees_only_their_own(
    client: TestClient, session: Session
) -> None:
    as_coordinator(client, session, "coord-agendas@t.fr")
    event = scheduled_event(client, session)
    labels = slot_labels(event)
    by_person: dict[str, list[JobDatingMeeting]] = {}
    for m in event.meetings:
        by_person.setdefault(m.attendee.person.ref, []).append(m)

    students = client.get(f"/job-dating/{event.id}/agendas/etudiants")
    assert students.status_code == 200
    assert "break-after: page" in client.get("/static/css/events.css").text
    assert "data-print hidden" in students.text and "Imprimer" in students.text
    assert students.text.count('class="agenda-sheet card"') == len(event.attendees)
    for attendee in event.attendees:
        html = sheet(students.text, attendee.person.ref)
        mine = sorted(by_person.get(attendee.person.ref, []), key=lambda m: m.slot)
        assert html.count('class="agenda-time"') == len(mine)
        for m in mine:
            assert f"{labels[m.slot]} – " in html and shown(m.table.organisation.name) in html

    companies = client.get(f"/job-dating/{event.id}/agendas/entreprises")
    assert companies.text.count('class="agenda-sheet card"') == len(event.tables)
    table = event.tables[0]
    html = sheet(companies.text, table.organisation.ref)
    assert html.count('class="agenda-time"') == event.slots  # free slots say so
    for m in (m for m in event.meetings if m.table_id == table.id):
        person = m.attendee.person
        assert shown(f"{person.first_name} {person.last_name}") in html

    # A student with interviews, no account yet: they get one and read their agenda.
    taken = set(session.scalars(select(User.person_id).where(User.person_id.is_not(None))))
    ref, meetings = next(
        (r, ms) for r, ms in by_person.items() if ms[0].attendee.person_id not in taken
    )
    person = meetings[0].attendee.person
    other_ref = next(r for r in by_person if r != ref)
    client.post("/deconnexion", data={"csrf_token": form_token(client, "/job-dating")})
    account(session, "student", "agenda-etu@t.fr", person_id=person.id)
    sign_in(client, "agenda-etu@t.fr")
    mine = client.get("/mon-agenda")
    assert mine.status_code == 200
    assert 'href="/mon-agenda" aria-current="page"' in mine.text
    assert shown(event.name) in mine.text
    assert mine.text.count('class="agenda-time"') == len(meetings)
    for m in meetings:
        assert labels[m.slot] in mine.text and shown(m.table.organisation.name) in mine.text
    own = client.get(f"/job-dating/{event.id}/agenda/{ref}")
    assert own.status_code == 200 and own.text.count('class="agenda-time"') == len(meetings)
    assert client.get(f"/job-dating/{event.id}/agenda/{other_ref}").status_code == 404
    assert client.get(f"/job-dating/{event.id}/agendas/etudiants").status_code == 403
    assert client.get(f"/job-dating/{event.id}").status_code == 403
    assert client.get(f"/job-dating/{event.id}/agenda.csv").status_code == 403

    # A company sees its own table's agenda, every slot of it.
    client.post("/deconnexion", data={"csrf_token": form_token(client, "/mon-agenda")})
    account(session, "company", "agenda-ent@t.fr", organisation_id=table.organisation_id)
    sign_in(client, "agenda-ent@t.fr")
    theirs = client.get("/mon-agenda")
    assert "Votre table : n° 1" in theirs.text
    assert theirs.text.count('class="agenda-time"') == event.slots
    for m in (m for m in event.meetings if m.table_id == table.id):
        assert shown(m.attendee.person.last_name) in theirs.text
    assert client.get(f"/job-dating/{event.id}/agenda/{table.organisation.ref}").status_code == 200
    assert client.get(f"/job-dating/{event.id}/agenda/{ref}").status_code == 404


def test_an_invalid_form_names_the_field_and_creates_nothing(
    client: TestClient, session: Session
) -> None:
    as_coordinator(client, session, "coord-bad-jd@t.fr")
    count = session.scalar(select(func.count()).select_from(JobDatingEvent))

    no_slots = create_event(client, slots="0")
    assert no_slots.status_code == 422
    error = re.search(r'id="f-slots-error">(.*?)</p>', no_slots.text, re.S)
    assert error and "supérieure ou égale à 1" in error.group(1)
    assert 'aria-invalid="true"' in no_slots.text
    assert 'value="Job dating de la Côte d&#39;Opale"' in no_slots.text  # typed values kept

    unknown = create_event(client, companies="Entreprise qui n'existe pas")
    assert unknown.status_code == 422
    error = re.search(r'id="f-companies-error">(.*?)</p>', unknown.text, re.S)
    assert error and "Ligne 1 : organisation introuvable" in error.group(1)

    nobody = create_event(client, attendees_scope="", attendees="P9999999")
    assert nobody.status_code == 422 and "Personnes introuvables" in nobody.text

    late = create_event(client, start_time="23:30", slots="8")
    assert late.status_code == 422 and "dépassent minuit" in late.text
    assert session.scalar(select(func.count()).select_from(JobDatingEvent)) == count


def test_hackathon_teams_have_the_right_sizes_and_export(
    client: TestClient, session: Session
) -> None:
    as_coordinator(client, session, "coord-hack@t.fr")
    page = client.get("/hackathons")
    assert page.status_code == 200 and "Former les équipes" in page.text
    school = session.scalars(
        select(Organisation)
        .join(Person, Person.organisation_id == Organisation.id)
        .where(Organisation.kind == "school", Person.kind == "student")
        .group_by(Organisation.id)
        .having(func.count(Person.id).between(10, 16))
        .order_by(Organisation.ref)
    ).first()
    assert school is not None
    students = list(
        session.scalars(
            select(Person).where(Person.organisation_id == school.id, Person.kind == "student")
        )
    )
    hackathon_need = session.scalars(select(Need).where(Need.kind == "hackathon")).first()
    assert hackathon_need is not None

    nobody = client.post(
        "/hackathons",
        data={
            "csrf_token": csrf(page.text),
            "name": "Défi",
            "team_size": "4",
            "need": hackathon_need.ref,
        },
    )
    assert nobody.status_code == 422
    assert "Personne ne s&#39;est encore déclaré intéressé" in nobody.text
    assert session.scalar(select(func.count()).select_from(HackathonEvent)) == 0

    created = client.post(
        "/hackathons",
        data={
            "csrf_token": csrf(page.text),
            "name": "Hackathon de la mer",
            "team_size": "4",
            "need": hackathon_need.ref,
            "school": school.ref,
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    hackathon_id = int(created.headers["location"].rsplit("/", 1)[1])
    page_html = client.get(f"/hackathons/{hackathon_id}").text
    assert "Équipes formées et enregistrées." in page_html
    sizes = [int(s) for s in re.findall(r'data-team="\d+" data-size="(\d+)"', page_html)]
    teams = -(-len(students) // 4)
    assert len(sizes) == teams and sum(sizes) == len(students)
    assert max(sizes) <= 4 and max(sizes) - min(sizes) <= 1
    assert page_html.count('class="member"') == len(students)
    assert "chacun dans une seule équipe" in page_html
    assert "Familles de compétences" in page_html and shown(school.name) in page_html

    export = client.get(f"/hackathons/{hackathon_id}/equipes.csv")
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert {r["personne"] for r in rows} == {p.ref for p in students}
    assert Counter(r["equipe"] for r in rows) == Counter(
        {str(n): size for n, size in enumerate(sizes, start=1)}
    )
    assert f'href="/hackathons/{hackathon_id}"' in client.get("/hackathons").text


def test_tools_menu_and_agenda_link_by_role(client: TestClient, session: Session) -> None:
    as_coordinator(client, session, "coord-menu@t.fr")
    review = client.get("/revue").text
    for href in ("/outils", "/job-dating", "/hackathons", "/imports"):
        assert f'href="{href}"' in review
    assert 'href="/mon-agenda"' not in review
    tools = client.get("/outils")
    assert tools.status_code == 200 and 'href="/outils" aria-current="page"' in tools.text
    assert 'href="/allocations"' in tools.text and 'href="/job-dating"' in tools.text
    client.post("/deconnexion", data={"csrf_token": csrf(tools.text)})
    account(session, "student", "menu-etu@t.fr", person_id=student_without_account(session).id)
    sign_in(client, "menu-etu@t.fr")
    page = client.get("/recommandations").text
    assert 'href="/mon-agenda"' in page and 'href="/job-dating"' not in page
    assert client.get("/job-dating").status_code == 403
    assert client.get("/hackathons").status_code == 403
    assert "aucun job dating" in client.get("/mon-agenda").text
