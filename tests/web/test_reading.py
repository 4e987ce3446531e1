"""How the engine reads a profile or a need (its likeliest ESCO occupations), shown to the
person who wrote it: on the profile page, on the need form as it is typed, and in the API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.engine.service import MatchingService
from api.models import Need, Organisation, Person
from api.needs.schemas import NeedUpdate
from api.needs.service import update_need
from api.people.schemas import ProfileUpdate
from api.people.service import update_profile
from matching.encoders import CachedEncoder
from tests.conftest import serving
from tests.test_taxonomy import write_folder
from tests.web.test_editing_pages import a_need, company_of, edit_form
from tests.web.test_pages import account, csrf, sign_in, student_without_account
from tests.web.test_profile_pages import form

pytestmark = pytest.mark.db


@pytest.fixture
def esco_client(
    tmp_path: Path,
    database_url: str,
    connection: sessionmaker[Session],
    use_encoder: CachedEncoder,
) -> Iterator[TestClient]:
    """The service with a small ESCO folder (baker, welder, web developer)."""
    matching = MatchingService(
        None,  # type: ignore[arg-type]  # reads through each request's session
        "use-multilingual",
        encoder=use_encoder,
        esco_dir=write_folder(tmp_path / "esco"),
    )
    with serving(database_url, connection, matching) as client:
        yield client
    matching.close()


def signed_in_student(client: TestClient, session: Session, email: str) -> Person:
    """A student without an account given one, signed in on `client`."""
    person = student_without_account(session)
    account(session, "student", email, person_id=person.id)
    sign_in(client, email)
    return person


def signed_in_company(client: TestClient, session: Session, email: str) -> Need:
    """An open need, and its company's account signed in on `client`."""
    need = a_need(session)
    company_of(session, need, email)
    sign_in(client, email)
    return need


def reading_of(page: str) -> str:
    assert 'id="lecture-metier"' in page, "no reading shown"
    return page.split('id="lecture-metier"')[1].split("</div>")[0]


def test_a_student_sees_how_the_engine_reads_their_profile_in_both_languages(
    esco_client: TestClient, session: Session
) -> None:
    signed_in_student(esco_client, session, "lecture@t.fr")
    page = esco_client.get("/profil").text
    saved = esco_client.post(
        "/profil",
        data=form(
            page,
            headline="Apprentie boulangère",
            summary="Pain au levain, viennoiseries.",
            skills="pétrissage, cuire au four",
        ),
    )
    assert saved.status_code == 200 and "Profil enregistré." in saved.text
    shown = reading_of(saved.text)
    assert "Comment Passerelle lit votre profil" in shown
    assert 'data-reading-clear="1"' in shown
    assert "Se lit d&#39;abord comme <strong>« boulanger/boulangère »</strong>, puis" in shown
    assert "nommez-le dans votre titre" in shown
    esco_client.cookies.set("lang", "en")
    english = reading_of(esco_client.get("/profil").text)
    assert "How Passerelle reads your profile" in english
    assert "Reads first as <strong>“boulanger/boulangère”</strong>, then" in english


def test_the_need_form_reads_the_text_being_typed_before_it_is_saved(
    esco_client: TestClient, session: Session
) -> None:
    need = signed_in_company(esco_client, session, "lecture-besoin@t.fr")
    assert 'id="lecture-metier"' not in esco_client.get("/besoins/nouveau").text  # nothing typed
    token = csrf(esco_client.get(f"/besoins/{need.ref}/modifier").text)
    data = edit_form(
        need, token, title="Soudeur TIG (H/F)", description="Soudure TIG d'inox.", skills=""
    )
    preview = esco_client.post(f"/besoins/{need.ref}/modifier/apercu", data=data)
    shown = reading_of(preview.text)
    assert "Comment Passerelle lit ce besoin" in shown
    assert "<strong>« soudeur/soudeuse »</strong>" in shown
    assert "Les candidats sont classés d&#39;abord selon le métier que Passerelle lit" in shown
    session.refresh(need)
    assert need.title != "Soudeur TIG (H/F)"  # a preview saves nothing
    new = esco_client.post(
        "/besoins/nouveau/apercu",
        data={"csrf_token": token, "title": "Boulanger", "description": "Pain au levain."},
    )
    assert "<strong>« boulanger/boulangère »</strong>" in reading_of(new.text)
    # a text torn between two trades is said to be so, with both named
    torn = esco_client.post(
        "/besoins/nouveau/apercu",
        data={
            "csrf_token": token,
            "title": "Boulanger soudeur",
            "description": "Pain au levain le matin, soudure TIG l'après-midi.",
        },
    )
    shown = reading_of(torn.text)
    assert 'data-reading-clear="0"' in shown
    assert "Ne désigne pas clairement un métier : Passerelle hésite entre" in shown
    assert "« boulanger/boulangère »" in shown and "« soudeur/soudeuse »" in shown


def test_the_api_gives_the_reading_of_a_need_and_of_a_visible_profile_only(
    esco_client: TestClient, session: Session
) -> None:
    need = a_need(session)
    read = esco_client.get(f"/api/v1/needs/{need.ref}/reading")
    assert read.status_code == 200
    body = read.json()
    assert body["esco"] is True and 1 <= len(body["occupations"]) <= 3
    assert isinstance(body["clear"], bool)
    assert esco_client.get("/api/v1/needs/N99999/reading").status_code == 404
    person = student_without_account(session)
    # a profile is personal data: nobody signed in sees nothing of it, not even its existence
    assert esco_client.get(f"/api/v1/people/{person.ref}/reading").status_code in (401, 404)
    account(session, "student", "lecture-api@t.fr", person_id=person.id)
    sign_in(esco_client, "lecture-api@t.fr")
    mine = esco_client.get(f"/api/v1/people/{person.ref}/reading")
    assert mine.status_code == 200 and mine.json()["esco"] is True


def test_without_esco_nothing_is_shown_and_the_api_says_so(
    client: TestClient, session: Session
) -> None:
    person = signed_in_student(client, session, "sans-esco@t.fr")
    assert 'id="lecture-metier"' not in client.get("/profil").text
    body = client.get(f"/api/v1/people/{person.ref}/reading").json()
    assert body == {"esco": False, "occupations": [], "clear": False}
    assert re.search(r"Comment Passerelle lit", client.get("/profil").text) is None
    account(session, "coordinator", "sans-esco-tableau@t.fr")
    sign_in(client, "sans-esco-tableau@t.fr")
    dashboard = client.get("/tableau-de-bord")
    assert dashboard.status_code == 200 and 'id="ecoles"' in dashboard.text
    assert "Profils au métier clair" not in dashboard.text and "data-clear" not in dashboard.text


def test_the_company_sees_how_its_need_reads_above_its_candidates(
    esco_client: TestClient, session: Session
) -> None:
    need = signed_in_company(esco_client, session, "lecture-candidats@t.fr")
    page = esco_client.get(f"/besoins/{need.ref}/candidats")
    assert page.status_code == 200
    shown = reading_of(page.text)
    assert "Comment Passerelle lit ce besoin" in shown
    assert f'<a href="/besoins/{need.ref}/modifier">Modifier le besoin</a>' in shown
    # the same reading as the API's, which reads the same need from the index
    first = esco_client.get(f"/api/v1/needs/{need.ref}/reading").json()["occupations"][0]
    assert f"«\u00a0{first}\u00a0»" in shown


def test_a_student_sees_what_their_offers_are_ranked_for_above_them(
    esco_client: TestClient, session: Session
) -> None:
    person = signed_in_student(esco_client, session, "lecture-reco@t.fr")
    page = esco_client.get("/recommandations")
    assert page.status_code == 200
    shown = reading_of(page.text)
    assert "Comment Passerelle lit votre profil" in shown
    assert '<a href="/profil#f-headline">Préciser mon profil</a>' in shown
    first = esco_client.get(f"/api/v1/people/{person.ref}/reading").json()["occupations"][0]
    assert f"«\u00a0{first}\u00a0»" in shown


def test_the_dashboard_marks_the_listed_needs_and_students_whose_text_names_no_clear_occupation(
    esco_client: TestClient, session: Session
) -> None:
    account(session, "coordinator", "lecture-tableau@t.fr")
    # the tiny ESCO knows bakers, welders and web developers: one listed need becomes a baker's
    baker = session.scalars(select(Need).where(Need.is_open).order_by(Need.ref)).first()
    assert baker is not None
    admin = account(session, "admin", "lecture-admin@t.fr")
    change = {"title": "Boulanger (H/F)", "description": "Pain au levain.", "skills": []}
    update_need(session, admin, baker.ref, NeedUpdate.model_validate(change))
    session.flush()
    sign_in(esco_client, "lecture-tableau@t.fr")
    page = esco_client.get("/tableau-de-bord").text
    needs = page.split('id="besoins-sans-candidat"')[1].split("</section>")[0]
    listed = re.findall(r'<li><a href="/besoins/([^/"]+)/candidats">', needs)
    assert listed, "no need listed"
    unclear = [
        ref for ref in listed if not esco_client.get(f"/api/v1/needs/{ref}/reading").json()["clear"]
    ]
    # each listed need is tagged exactly when the API says its reading is not clear
    assert needs.count('data-unclear="need"') == len(unclear)
    assert baker.ref in listed and baker.ref not in unclear
    assert 0 < len(unclear) < len(listed)
    assert "Le texte ne désigne pas clairement un métier ESCO" in needs


def test_the_dashboard_says_how_many_of_each_schools_profiles_name_a_clear_occupation(
    esco_client: TestClient, session: Session
) -> None:
    """Counted from the index at once; each school's count is what the API says of each of its
    students, one by one, and a profile made clear counts at the next visit."""
    account(session, "coordinator", "lecture-ecoles@t.fr")
    sign_in(esco_client, "lecture-ecoles@t.fr")
    page = esco_client.get("/tableau-de-bord").text
    assert "Profils au métier clair" in page
    table = page.split('id="ecoles"')[1].split("</section>")[0]
    shown = dict(re.findall(r'<tr data-school="([^"]+)">.*?data-clear="(\d+/\d+)"', table, re.S))
    school = max(shown, key=lambda ref: int(shown[ref].split("/")[1]))
    students = session.scalars(
        select(Person)
        .join(Organisation, Person.organisation_id == Organisation.id)
        .where(Organisation.ref == school, Person.kind == "student")
    ).all()
    clear = [
        p for p in students if esco_client.get(f"/api/v1/people/{p.ref}/reading").json()["clear"]
    ]
    assert shown[school] == f"{len(clear)}/{len(students)}"
    unclear = next(p for p in students if p not in clear)
    admin = account(session, "admin", "lecture-ecoles-admin@t.fr")
    change = {"headline": "Apprentie boulangère", "skills": ["pétrissage", "cuire au four"]}
    update_profile(session, admin, unclear.ref, ProfileUpdate.model_validate(change))
    session.commit()
    again = esco_client.get("/tableau-de-bord").text.split('id="ecoles"')[1]
    assert f'data-clear="{len(clear) + 1}/{len(students)}"' in again
    esco_client.cookies.set("lang", "en")
    assert "Profiles with a clear occupation" in esco_client.get("/tableau-de-bord").text


def test_the_schools_count_never_waits_for_the_index_loading_at_start(
    tmp_path: Path, connection: sessionmaker[Session], session: Session, use_encoder: CachedEncoder
) -> None:
    """A served engine (its own sessions) still loading its index gives no count, at once,
    rather than keeping the dashboard waiting; once loaded it counts."""
    matching = MatchingService(
        connection, "use-multilingual", encoder=use_encoder, esco_dir=write_folder(tmp_path / "e")
    )
    assert matching.owns_sessions and not matching.ready()
    assert matching.people_readings(session) is None
    matching.load()
    counted = matching.people_readings(session)
    assert counted is not None and len(counted) == session.scalar(
        select(func.count()).select_from(Person)
    )
    matching.close()


def test_the_need_form_reading_is_refreshed_as_the_text_is_typed(
    esco_client: TestClient, session: Session
) -> None:
    """What the form's script fetches while the company types: the reading block alone."""
    signed_in_company(esco_client, session, "lecture-direct@t.fr")
    form = esco_client.get("/besoins/nouveau").text
    assert "data-need-reading" in form and 'id="lecture-metier"' not in form
    typed = esco_client.get(
        "/web/besoins/lecture", params={"titre": "Soudeur TIG", "description": "Soudure d'inox."}
    )
    assert typed.status_code == 200
    assert "<strong>«\u00a0soudeur/soudeuse\u00a0»</strong>" in reading_of(typed.text)
    assert "<html" not in typed.text  # the block, not a page
    assert 'id="lecture-metier"' not in esco_client.get("/web/besoins/lecture").text


def test_the_profile_form_reading_follows_the_text_being_typed_and_saves_nothing(
    esco_client: TestClient, session: Session
) -> None:
    """What the profile page's script fetches while a student types: the reading block alone,
    of the profile as typed. A rejected form (422) reads what was typed too."""
    person = signed_in_student(esco_client, session, "lecture-profil@t.fr")
    headline = person.headline
    page = esco_client.get("/profil").text
    assert "data-profile-reading" in page
    typed = esco_client.get(
        "/web/profil/lecture",
        params={"titre": "Apprenti soudeur", "resume": "Soudure TIG d'inox.", "competences": ""},
    )
    assert typed.status_code == 200 and "<html" not in typed.text  # the block, not a page
    assert "<strong>«\u00a0soudeur/soudeuse\u00a0»</strong>" in reading_of(typed.text)
    assert "Comment Passerelle lit votre profil" in typed.text
    baker = esco_client.get(
        "/web/profil/lecture",
        params={"titre": "Apprentie boulangère", "competences": "pétrissage, cuire au four"},
    )
    assert "<strong>«\u00a0boulanger/boulangère\u00a0»</strong>" in reading_of(baker.text)
    session.refresh(person)
    assert person.headline == headline  # reading a draft saves nothing
    rejected = esco_client.post(
        "/profil",
        data=form(page, headline="Apprenti soudeur", mobility_km="beaucoup"),
    )
    assert rejected.status_code == 422
    assert "«\u00a0soudeur/soudeuse\u00a0»" in reading_of(rejected.text)
    hostile = esco_client.get(
        "/web/profil/lecture", params={"titre": "é" * 8_000, "resume": "\x00"}
    )
    assert hostile.status_code == 200


def test_only_a_student_or_researcher_reads_their_own_profile_draft(
    esco_client: TestClient, session: Session
) -> None:
    address = "/web/profil/lecture?titre=Soudeur"
    assert esco_client.get(address, follow_redirects=False).status_code in (303, 401)
    signed_in_company(esco_client, session, "lecture-profil-entreprise@t.fr")
    assert esco_client.get(address).status_code == 403
