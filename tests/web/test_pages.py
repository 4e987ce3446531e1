"""The web pages through HTTP: French by default, English on request, forms, CSRF, journeys."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.core.security import hash_password
from api.dashboard.service import good_cut
from api.models import Interest, Need, Organisation, Person, Shortlist, Suggestion, User

pytestmark = pytest.mark.db
PASSWORD = "correct horse battery"


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def form_token(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return csrf(page.text)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    token = form_token(client, "/connexion")
    response = client.post(
        "/connexion",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    cookie = response.headers["set-cookie"]
    assert "passerelle_token=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def student_without_account(session: Session) -> Person:
    """A demo student no account speaks for yet (the demo region has one per role)."""
    student = session.scalars(
        select(Person).where(
            Person.kind == "student",
            Person.id.not_in(select(User.person_id).where(User.person_id.is_not(None))),
        )
    ).first()
    assert student is not None
    return student


def account(session: Session, role: str, email: str, **links: int | None) -> User:
    user = User(email=email, password_hash=hash_password(PASSWORD), role=role, **links)
    session.add(user)
    session.commit()
    return user


def test_home_is_french_by_default_with_skip_link(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert "Le bon projet, la bonne personne" in page.text
    assert 'href="#contenu"' in page.text and 'id="contenu"' in page.text
    assert "/static/css/passerelle.css" in page.text
    assert client.get("/static/css/passerelle.css").status_code == 200
    assert client.get("/static/vendor/htmx.min.js").status_code == 200


def test_english_switch_is_remembered(client: TestClient) -> None:
    switched = client.get("/langue/en?next=/inscription", follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/inscription"
    page = client.get("/inscription")
    assert '<html lang="en">' in page.text
    assert "Create an account" in page.text
    client.get("/langue/fr")
    assert "Créer un compte" in client.get("/inscription").text


def test_a_first_visit_is_in_the_browsers_language_until_the_reader_chooses(
    client: TestClient,
) -> None:
    english = {"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"}
    page = client.get("/inscription", headers=english)
    assert '<html lang="en">' in page.text and "Create an account" in page.text
    assert "Accept-Language" in page.headers["vary"]  # a shared cache keeps both versions
    french = client.get("/inscription", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.8"})
    assert '<html lang="fr">' in french.text and "Créer un compte" in french.text
    other = client.get("/inscription", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="fr">' in other.text  # neither of ours: French, the region's language
    client.get("/langue/fr")  # the reader's choice outweighs the browser's
    assert "Créer un compte" in client.get("/inscription", headers=english).text


def test_language_switch_refuses_foreign_redirects(client: TestClient) -> None:
    response = client.get("/langue/en?next=//evil.example/", follow_redirects=False)
    assert response.headers["location"] == "/"


def test_student_signs_up_fills_profile_and_sees_explained_recommendations(
    client: TestClient, session: Session
) -> None:
    token = form_token(client, "/inscription")
    created = client.post(
        "/inscription",
        data={
            "csrf_token": token,
            "role": "student",
            "first_name": "Léa",
            "last_name": "Martin",
            "town": "Calais",
            "email": "lea.martin@etu.example.fr",
            "password": PASSWORD,
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    sign_in(client, "lea.martin@etu.example.fr")

    empty = client.get("/recommandations")
    assert "Complétez votre profil" in empty.text

    saved = client.post(
        "/profil",
        data={
            "csrf_token": csrf(client.get("/profil").text),
            "headline": "Étudiante en BUT Informatique, cherche un stage en développement web",
            "summary": "Projets en Python et JavaScript, bases de données SQL.",
            "skills": "Python, SQL, JavaScript",
            "available_from": "",
            "available_until": "",
            "mobility_km": "60",
            "town": "Calais",
            "consent": "on",
        },
    )
    assert saved.status_code == 200
    assert "Profil enregistré." in saved.text
    assert 'value="Python, SQL, JavaScript"' in saved.text
    assert re.search(r'name="consent"\s+checked', saved.text)

    page = client.get("/recommandations")
    assert page.status_code == 200
    assert page.text.count('class="card result"') >= 3
    assert "Pourquoi ?" in page.text
    assert "chip-match" in page.text
    ref = re.search(r'id="besoin-([^"]+)"', page.text).group(1)  # type: ignore[union-attr]

    marked = client.post(f"/besoins/{ref}/interet", data={"csrf_token": csrf(page.text)})
    assert marked.status_code == 200
    assert "Votre intérêt a été transmis" in marked.text
    assert "Intérêt envoyé" in marked.text
    person = session.scalars(
        select(Person).where(Person.email == "lea.martin@etu.example.fr")
    ).one()
    assert session.scalar(select(Interest).where(Interest.person_id == person.id)) is not None

    english = client.get("/langue/en?next=/recommandations")
    assert "Why?" in english.text and "My recommendations" in english.text


def test_sign_up_shows_french_errors_next_to_fields(client: TestClient) -> None:
    token = form_token(client, "/inscription")
    page = client.post(
        "/inscription",
        data={
            "csrf_token": token,
            "role": "company",
            "email": "pas-une-adresse",
            "password": "court",
        },
    )
    assert page.status_code == 422
    assert 'id="f-email-error"' in page.text
    assert "Saisissez une adresse e-mail valide" in page.text
    assert 'id="f-password-error"' in page.text and "10 caractères au moins." in page.text
    assert 'aria-invalid="true"' in page.text
    assert 'value="pas-une-adresse"' in page.text  # what was typed is kept


def test_profile_rejects_bad_values_with_french_messages(
    client: TestClient, session: Session
) -> None:
    student = student_without_account(session)
    account(session, "student", "profil-errors@t.fr", person_id=student.id)
    sign_in(client, "profil-errors@t.fr")
    token = csrf(client.get("/profil").text)
    page = client.post(
        "/profil",
        data={
            "csrf_token": token,
            "headline": "x",
            "mobility_km": "loin",
            "town": "Atlantide",
        },
    )
    assert page.status_code == 422
    assert 'id="f-mobility_km-error"' in page.text and "Saisissez un nombre." in page.text
    page = client.post(
        "/profil",
        data={"csrf_token": token, "headline": "x", "town": "Atlantide"},
    )
    assert 'id="f-town-error"' in page.text and "Commune inconnue" in page.text


def test_forms_require_the_csrf_token(client: TestClient) -> None:
    client.get("/inscription")
    data = {"role": "student", "email": "csrf@t.fr", "password": PASSWORD}
    missing = client.post("/inscription", data=data)
    assert missing.status_code == 403
    assert "Le formulaire a expiré" in missing.text
    forged = client.post("/inscription", data={**data, "csrf_token": "0" * 64})
    assert forged.status_code == 403
    fresh = TestClient(client.app)  # another browser: its cookie does not match this token
    token = form_token(client, "/inscription")
    assert fresh.post("/inscription", data={**data, "csrf_token": token}).status_code == 403


def test_wrong_password_is_refused_in_french(client: TestClient) -> None:
    token = form_token(client, "/connexion")
    page = client.post(
        "/connexion", data={"csrf_token": token, "email": "nobody@t.fr", "password": "x" * 12}
    )
    assert page.status_code == 401
    assert "Adresse ou mot de passe incorrect." in page.text


def test_private_pages_redirect_to_sign_in(client: TestClient) -> None:
    response = client.get("/recommandations", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion?next=/recommandations"


def test_sign_out_forgets_the_session(client: TestClient, session: Session) -> None:
    account(session, "coordinator", "bye@t.fr")
    sign_in(client, "bye@t.fr")
    page = client.get("/revue")
    assert page.status_code == 200
    client.post("/deconnexion", data={"csrf_token": csrf(page.text)})
    assert client.get("/revue", follow_redirects=False).status_code == 303


def test_skill_suggestions(client: TestClient) -> None:
    assert "Python" in client.get("/web/competences", params={"q": "SQL, pyt"}).json()
    assert client.get("/web/competences", params={"q": "p"}).json() == []


def test_company_posts_a_need_and_shortlists_a_visible_candidate(
    client: TestClient, session: Session
) -> None:
    token = form_token(client, "/inscription")
    client.post(
        "/inscription",
        data={
            "csrf_token": token,
            "role": "company",
            "organisation_name": "Opale Numérique",
            "sector": "numérique",
            "town": "Boulogne-sur-Mer",
            "email": "rh@opale-numerique.example.fr",
            "password": PASSWORD,
        },
    )
    sign_in(client, "rh@opale-numerique.example.fr")
    bad = client.post(
        "/besoins/nouveau", data={"csrf_token": csrf(client.get("/besoins").text), "title": ""}
    )
    assert bad.status_code == 422 and 'id="f-title-error"' in bad.text
    page = client.post(
        "/besoins/nouveau",
        data={
            "csrf_token": csrf(bad.text),
            "title": "Stage développement web Python",
            "kind": "internship",
            "description": "Développer notre application de suivi logistique en Python et SQL.",
            "skills": "Python, SQL",
            "remote": "partial",
            "places": "1",
        },
    )
    assert page.status_code == 200, page.text
    assert "Besoin publié." in page.text
    assert "Candidats pour" in page.text
    need = session.scalars(select(Need).where(Need.title == "Stage développement web Python")).one()
    refs = re.findall(r'id="candidat-([^"]+)"', page.text)
    assert refs, "no visible candidate"
    people = session.scalars(select(Person).where(Person.ref.in_(refs))).all()
    assert all(p.consent is not None and p.consent.companies_may_view for p in people)
    client.post(f"/besoins/{need.ref}/preselection/{refs[0]}", data={"csrf_token": csrf(page.text)})
    assert session.scalar(select(Shortlist).where(Shortlist.need_id == need.id)) is not None


def test_coordinator_reviews_with_reasons(client: TestClient, session: Session) -> None:
    account(session, "coordinator", "coord-web@t.fr")
    sign_in(client, "coord-web@t.fr")
    page = client.get("/revue")
    client.post("/revue/lancer", data={"csrf_token": csrf(page.text)})
    page = client.get("/revue")
    ids = [int(i) for i in re.findall(r'id="suggestion-(\d+)"', page.text)]
    assert len(ids) >= 2
    token = csrf(page.text)
    refused = client.post(
        f"/revue/{ids[0]}/decision", data={"csrf_token": token, "action": "reject", "reason": ""}
    )
    assert refused.status_code == 422
    assert "Un motif est requis pour rejeter." in refused.text
    client.post(
        f"/revue/{ids[0]}/decision",
        data={"csrf_token": token, "action": "reject", "reason": "trop loin"},
    )
    client.post(f"/revue/{ids[1]}/decision", data={"csrf_token": token, "action": "introduce"})
    assert session.get(Suggestion, ids[0]).status == "rejected"  # type: ignore[union-attr]
    assert session.get(Suggestion, ids[1]).status == "introduced"  # type: ignore[union-attr]
    swapped = client.post(
        f"/revue/{ids[1]}/decision",
        data={"csrf_token": token, "action": "approve"},
        headers={"HX-Request": "true"},
    )
    assert swapped.status_code == 200 and "plus possible pour cette suggestion" in swapped.text


def figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert found, f"no figure {name}"
    return found.group(1)


def count_badge(html: str, name: str) -> int:
    found = re.search(rf'data-count="{name}">(\d+)<', html)
    assert found, f"no count {name}"
    return int(found.group(1))


def test_dashboard_before_any_suggestion(client: TestClient, session: Session) -> None:
    account(session, "coordinator", "coord-dash@t.fr")
    sign_in(client, "coord-dash@t.fr")
    page = client.get("/tableau-de-bord")
    assert page.status_code == 200
    assert page.text.count('<svg class="chart"') == 2  # territory and sector; no activity yet
    assert "Par territoire" in page.text and ("Calaisis" in page.text or "Dunkerque" in page.text)
    assert "Pas encore de décisions." in page.text
    assert "lancez le lot de suggestions depuis la revue" in page.text
    people = session.scalar(select(func.count()).select_from(Person))
    assert figure(page.text, "people") == str(people)
    assert figure(page.text, "suggestions") == "0"
    assert figure(page.text, "introduction-rate") == "—"
    open_needs = session.scalar(select(func.count()).select_from(Need).where(Need.is_open))
    assert count_badge(page.text, "weak-needs") == open_needs  # no candidate proposed yet
    students = session.scalar(
        select(func.count()).select_from(Person).where(Person.kind == "student")
    )
    assert count_badge(page.text, "unmatched") == students


def test_dashboard_numbers_match_the_database(client: TestClient, session: Session) -> None:
    account(session, "coordinator", "coord-dash2@t.fr")
    sign_in(client, "coord-dash2@t.fr")
    client.post("/revue/lancer", data={"csrf_token": form_token(client, "/revue")})
    queue = client.get("/revue")
    ids = [int(i) for i in re.findall(r'id="suggestion-(\d+)"', queue.text)]
    token = csrf(queue.text)
    client.post(f"/revue/{ids[0]}/decision", data={"csrf_token": token, "action": "introduce"})
    client.post(f"/revue/{ids[1]}/decision", data={"csrf_token": token, "action": "approve"})
    client.post(
        f"/revue/{ids[2]}/decision",
        data={"csrf_token": token, "action": "reject", "reason": "trop loin"},
    )

    page = client.get("/tableau-de-bord").text
    suggestions = session.scalars(select(Suggestion)).all()
    assert figure(page, "suggestions") == str(len(suggestions))
    rate = f"{100 / len(suggestions):.1f}".rstrip("0").rstrip(".").replace(".", ",")
    assert figure(page, "introduction-rate") == f"{rate}\u00a0%"
    assert f"1 présentée ou embauche sur {len(suggestions)} suggestions" in page

    # The weekly chart: accessible title and description, and its data as a table.
    assert '<svg class="chart chart-activity"' in page
    assert '<title id="activity-title">Suggestions et décisions par semaine</title>' in page
    assert f"({len(suggestions)} en tout)" in page and "(3 en tout)" in page
    assert "<summary>Voir les données du graphique</summary>" in page
    start = page.index('<details class="data-details">')
    data = page[start : page.index("</details>", start)]
    last_row = re.findall(r"<tr><th scope=\"row\">[^<]+</th>((?:<td>\d+</td>)+)</tr>", data)[-1]
    assert re.findall(r"\d+", last_row) == [str(len(suggestions)), "1", "1", "0", "1"]

    # Needs with no good candidate: none proposed, or the best stored fit under "Bonne".
    assert client.app.state.matching.calibrator() is not None  # type: ignore[attr-defined]
    GOOD = good_cut(calibrated=True)  # noqa: N806
    assert GOOD == 0.35
    assert "adéquation « Bonne » ou mieux" in page
    best: dict[int, float] = {}
    for s in suggestions:
        if s.status != "rejected":
            best[s.need_id] = max(best.get(s.need_id, -1e9), s.fit if s.fit is not None else -1e9)
    open_needs = session.scalars(select(Need).where(Need.is_open)).all()
    weak = [n for n in open_needs if best.get(n.id, -1e9) < GOOD]
    assert count_badge(page, "weak-needs") == len(weak)
    if weak:
        assert f'href="/besoins/{weak[0].ref}/candidats"' in page or len(weak) > 20

    # Students with no good offer, and per school.
    by_person: dict[int, float] = {}
    for s in suggestions:
        if s.status != "rejected" and s.person_id is not None:
            fit = s.fit if s.fit is not None else -1e9
            by_person[s.person_id] = max(by_person.get(s.person_id, -1e9), fit)
    students = session.scalars(select(Person).where(Person.kind == "student")).all()
    unmatched = [p for p in students if by_person.get(p.id, -1e9) < GOOD]
    assert count_badge(page, "unmatched") == len(unmatched)
    school = session.scalars(select(Organisation).where(Organisation.kind == "school")).first()
    assert school is not None
    mine = [p for p in students if p.organisation_id == school.id]
    row = re.search(rf'<tr data-school="{school.ref}">(.*?)</tr>', page, re.S)
    assert row, "no row for the school"
    cells = re.findall(r"<td[^>]*>(?:<span class=\"num\">)?(?:<strong>)?(\d+)", row.group(1))
    without_good = sum(1 for p in mine if by_person.get(p.id, -1e9) < GOOD)
    assert cells[0] == str(len(mine)) and cells[-1] == str(without_good)

    english = client.get("/langue/en?next=/tableau-de-bord").text
    assert "Suggestions and decisions per week" in english and "Students by school" in english


def test_recommendations_filter_and_page(client: TestClient, session: Session) -> None:
    student = student_without_account(session)
    account(session, "student", "pages@t.fr", person_id=student.id)
    sign_in(client, "pages@t.fr")
    first = client.get("/recommandations")
    assert first.status_code == 200
    assert 'href="/recommandations?page=2"' in first.text and 'rel="next"' in first.text
    second = client.get("/recommandations?page=2")
    refs_1 = re.findall(r'id="besoin-([^"]+)"', first.text)
    refs_2 = re.findall(r'id="besoin-([^"]+)"', second.text)
    assert refs_1 and refs_2 and not set(refs_1) & set(refs_2)
    assert 'href="/recommandations"' in second.text and 'rel="prev"' in second.text

    # The filter form is a plain GET form: its URL can be bookmarked.
    assert '<form method="get" action="/recommandations"' in first.text
    assert 'name="type"' in first.text and 'name="territoire"' in first.text
    assert 'name="teletravail"' in first.text
    top = session.scalars(select(Need).where(Need.ref == refs_1[0])).one()
    query = f"type={top.kind}&territoire={top.territory}"
    filtered = client.get(f"/recommandations?{query}")
    refs = re.findall(r'id="besoin-([^"]+)"', filtered.text)
    assert refs[0] == top.ref
    needs = session.scalars(select(Need).where(Need.ref.in_(refs))).all()
    assert {(n.kind, n.territory) for n in needs} == {(top.kind, top.territory)}
    assert f'<option value="{top.kind}" selected>' in filtered.text
    if 'rel="next"' in filtered.text:
        assert f'href="/recommandations?{query.replace("&", "&amp;")}&amp;page=2"' in filtered.text
    assert client.get("/recommandations?type=nimportequoi&page=x").status_code == 200


def test_candidates_and_review_queue_have_pages(client: TestClient, session: Session) -> None:
    account(session, "coordinator", "coord-pages@t.fr")
    sign_in(client, "coord-pages@t.fr")
    need = session.scalars(select(Need).where(Need.is_open).order_by(Need.ref)).first()
    assert need is not None
    first = client.get(f"/besoins/{need.ref}/candidats")
    assert f'href="/besoins/{need.ref}/candidats?page=2"' in first.text
    second = client.get(f"/besoins/{need.ref}/candidats?page=2")
    refs_1 = re.findall(r'id="candidat-([^"]+)"', first.text)
    refs_2 = re.findall(r'id="candidat-([^"]+)"', second.text)
    assert len(refs_1) == 15 and refs_2 and not set(refs_1) & set(refs_2)
    assert "Page 2" in second.text

    client.post("/revue/lancer", data={"csrf_token": csrf(first.text)})
    total = session.scalar(
        select(func.count()).select_from(Suggestion).where(Suggestion.status == "proposed")
    )
    pages = (total + 29) // 30
    queue = client.get("/revue")
    assert f"page 1 sur {pages}" in queue.text
    assert 'href="/revue?statut=proposed&amp;page=2"' in queue.text
    later = client.get("/revue?statut=proposed&page=2")
    ids_1 = re.findall(r'id="suggestion-(\d+)"', queue.text)
    ids_2 = re.findall(r'id="suggestion-(\d+)"', later.text)
    assert len(ids_1) == 30 and ids_2 and not set(ids_1) & set(ids_2)
    assert 'name="page" value="2"' in later.text  # a decision comes back to this page
    done = client.post(
        f"/revue/{ids_2[0]}/decision",
        data={
            "csrf_token": csrf(later.text),
            "action": "approve",
            "statut": "proposed",
            "page": "2",
        },
        follow_redirects=False,
    )
    assert done.headers["location"] == "/revue?statut=proposed&page=2"


def test_empty_recommendations_say_which_constraint_excludes_what(
    client: TestClient, session: Session
) -> None:
    student = student_without_account(session)
    student.available_from = date(2031, 1, 1)
    student.available_until = date(2031, 3, 1)
    session.commit()
    account(session, "student", "too-late@t.fr", person_id=student.id)
    sign_in(client, "too-late@t.fr")
    page = client.get("/recommandations")
    assert page.status_code == 200
    assert 'id="besoin-' not in page.text
    open_needs = session.scalar(select(func.count()).select_from(Need).where(Need.is_open))
    assert "Pourquoi aucune recommandation ?" in page.text
    assert f"Les {open_needs} besoins ouverts sont tous écartés par vos contraintes" in page.text
    assert (
        f"{open_needs} besoins commencent hors de vos disponibilités (du 01/01/2031 au 01/03/2031)"
        in page.text
    )
    assert 'href="/profil#f-available_from"' in page.text
    english = client.get("/langue/en?next=/recommandations").text
    assert "Why no recommendations?" in english and "start outside your availability" in english

    # With filters, the explanation counts what the filters left, and offers to widen them.
    client.get("/langue/fr")
    for need in session.scalars(select(Need).where(Need.kind == "hackathon")):
        need.is_open = False
    session.commit()
    filtered = client.get("/recommandations?type=hackathon")
    assert "Aucun besoin ouvert ne correspond à ces filtres." in filtered.text
    assert '<a class="button" href="/recommandations">Élargir les filtres</a>' in filtered.text


def test_the_last_page_says_what_the_constraints_left_out(
    client: TestClient, session: Session
) -> None:
    student = student_without_account(session)
    student.town, student.lat, student.lon = "Marseille", 43.2965, 5.3698  # far from the coast
    student.mobility_km = 20  # only fully remote needs are within reach
    student.seeks, student.level, student.languages = [], None, []
    student.available_from = student.available_until = None
    session.commit()
    account(session, "student", "stay-home@t.fr", person_id=student.id)
    sign_in(client, "stay-home@t.fr")
    remote = session.scalar(
        select(func.count()).select_from(Need).where(Need.is_open, Need.remote == "full")
    )
    assert remote and 12 < remote <= 24  # the demo region: two pages of twelve at most
    first = client.get("/recommandations")
    assert "Pourquoi seulement" not in first.text  # more on the next page
    last = client.get("/recommandations?page=2")
    refs = re.findall(r'id="besoin-([^"]+)"', last.text)
    assert len(refs) == remote - 12
    open_needs = session.scalar(select(func.count()).select_from(Need).where(Need.is_open))
    assert f"<summary>Pourquoi seulement {remote} recommandations ?</summary>" in last.text
    assert f"{open_needs - remote} des {open_needs} besoins ouverts sont écartés" in last.text
    beyond = "besoins sont" if open_needs - remote > 1 else "besoin est"
    assert f"{open_needs - remote} {beyond} au-delà de votre mobilité (20 km)" in last.text


PEOPLE_BAD = (
    "id,first_name,last_name,email,organisation_id,level,available_from\n"
    "IMP-1,Inès,Petit,ines.petit@imp.example.fr,O0142,bac+2,2027-04-01\n"
    "IMP-2,Hugo,Roux,pas-une-adresse,O0142,bac+9,2027-04-01\n"
    "IMP-3,Léa,Blanc,lea.blanc@imp.example.fr,O9999,bac+3,2027-04-01\n"
)
ORGS_GOOD = (
    "id;kind;name;town;sector\n"
    "IMP-O1;company;Opale Robotique;Calais;robotique\n"
    "IMP-O2;company;Digue Numérique;Dunkerque;numérique\n"
)


def upload(client: TestClient, kind: str, name: str, body: str) -> httpx.Response:
    return client.post(
        "/imports",
        data={"csrf_token": form_token(client, "/imports"), "kind": kind},
        files={"file": (name, body.encode(), "text/csv")},
    )


def test_import_with_errors_shows_rows_and_columns_and_writes_nothing(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    client.app.state.upload_dir = tmp_path  # type: ignore[attr-defined]
    account(session, "coordinator", "coord-import@t.fr")
    sign_in(client, "coord-import@t.fr")
    people_before = session.scalar(select(func.count()).select_from(Person))
    page = upload(client, "people", "etudiants.csv", PEOPLE_BAD)
    assert page.status_code == 422
    assert "erreurs : rien ne sera importé" in page.text
    rows = re.findall(
        r"<tr><td>(\d+)</td><td><code>([^<]+)</code></td><td lang=\"fr\">([^<]+)</td></tr>",
        page.text,
    )
    assert ("3", "email", "format invalide") in [(r, c, m[:15]) for r, c, m in rows]
    assert ("4", "organisation_id", "organisation inconnue : O9999") in rows
    assert ("3", "level") in [(r, c) for r, c, _ in rows]
    assert not any(r == "2" for r, _, _ in rows)
    assert 'action="/imports/confirmer"' not in page.text
    assert session.scalar(select(func.count()).select_from(Person)) == people_before
    assert not list(tmp_path.iterdir())  # nothing kept for a file that cannot be imported

    unreadable = upload(client, "people", "etudiants.pdf", "%PDF-1.4")
    assert unreadable.status_code == 422 and "extension non reconnue" in unreadable.text


def test_import_previews_then_writes_on_confirmation(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    client.app.state.upload_dir = tmp_path  # type: ignore[attr-defined]
    account(session, "coordinator", "coord-import2@t.fr")
    sign_in(client, "coord-import2@t.fr")
    assert 'href="/imports"' in client.get("/revue").text  # in the coordinators' navigation
    page = upload(client, "organisations", "entreprises.csv", ORGS_GOOD)
    assert page.status_code == 200, page.text
    assert "Aperçu de ce qui sera écrit" in page.text
    assert "2 lignes seront ajoutées aux Organisations" in page.text
    assert "<td>Opale Robotique</td>" in page.text and "<td>Digue Numérique</td>" in page.text
    assert "Confirmer l&#39;import de 2 lignes" in page.text
    assert session.scalar(select(Organisation).where(Organisation.ref == "IMP-O1")) is None
    token = re.search(r'name="token" value="([0-9a-f]{32})"', page.text).group(1)  # type: ignore[union-attr]

    # The token is bound to the account that uploaded the file.
    other = TestClient(client.app)
    account(session, "coordinator", "coord-import3@t.fr")
    sign_in(other, "coord-import3@t.fr")
    stolen = other.post(
        "/imports/confirmer", data={"csrf_token": form_token(other, "/imports"), "token": token}
    )
    assert stolen.status_code == 410
    assert session.scalar(select(Organisation).where(Organisation.ref == "IMP-O1")) is None

    done = client.post("/imports/confirmer", data={"csrf_token": csrf(page.text), "token": token})
    assert done.status_code == 200
    assert "2 lignes importées : Organisations." in done.text
    created = session.scalars(select(Organisation).where(Organisation.ref.like("IMP-O%"))).all()
    assert sorted(o.name for o in created) == ["Digue Numérique", "Opale Robotique"]
    again = client.post("/imports/confirmer", data={"csrf_token": csrf(page.text), "token": token})
    assert again.status_code == 410 and "déposez-le à nouveau" in again.text
    assert not list(tmp_path.iterdir())


def test_import_is_for_coordinators_and_refuses_large_files(
    client: TestClient, session: Session
) -> None:
    student = student_without_account(session)
    account(session, "student", "no-import@t.fr", person_id=student.id)
    sign_in(client, "no-import@t.fr")
    assert 'href="/imports"' not in client.get("/recommandations").text
    assert client.get("/imports").status_code == 403
    refused = client.post(
        "/imports",
        data={"csrf_token": form_token(client, "/profil"), "kind": "organisations"},
        files={"file": ("entreprises.csv", ORGS_GOOD.encode(), "text/csv")},
    )
    assert refused.status_code == 403
    assert session.scalar(select(Organisation).where(Organisation.ref == "IMP-O1")) is None
    limit = client.app.state.settings.max_request_bytes  # type: ignore[attr-defined]
    large = client.post(
        "/imports",
        files={"file": ("gros.csv", b"x" * (limit + 1), "text/csv")},
        headers={"accept": "text/html"},
    )
    assert large.status_code == 413 and "dépasse la taille acceptée" in large.text


def test_students_cannot_open_the_review_queue(client: TestClient, session: Session) -> None:
    student = student_without_account(session)
    account(session, "student", "nosy@t.fr", person_id=student.id)
    sign_in(client, "nosy@t.fr")
    page = client.get("/revue")
    assert page.status_code == 403
    assert "Cette page ne vous est pas accessible." in page.text
