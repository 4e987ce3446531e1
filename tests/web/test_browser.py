"""A real browser (Debian's Chromium, via Playwright) against a live server: each role's journey."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="/usr/bin/chromium absent (apt-get install chromium)"
    ),
]
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_server(folder: Path, **env_extra: str) -> Iterator[str]:
    """uvicorn on a free port over a fresh SQLite database in `folder` holding the demo region
    (`env_extra`: more environment, e.g. ESCO_DIR); stopped when the generator is closed."""
    db = folder / "web.db"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "HF_HUB_OFFLINE": "1",
        "DATA_DIR": str(db.parent / "data"),  # where the CVs sent in a journey go
        **env_extra,
    }
    for command in ("migrate", "load-demo"):
        subprocess.run([sys.executable, "-m", "api", command], env=env, check=True, cwd=ROOT)
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.worker:app_from_env",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.terminate()
        pytest.fail("the server did not start")
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo region served over a fresh SQLite database."""
    yield from demo_server(tmp_path_factory.mktemp("browser"))


def test_student_journey_in_chromium(server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-FR")
        # The first ranking fits the engine on the whole demo region (model load + encoding).
        page.set_default_timeout(180_000)
        page.goto(server + "/")
        assert "Le bon projet" in page.inner_text("h1")
        page.screenshot(path=str(ARTIFACTS / "01-home-phone.png"), full_page=True)

        page.get_by_role("link", name="Créer un compte").first.click()
        page.get_by_label("Prénom").fill("Inès")
        page.get_by_label("Nom", exact=True).fill("Lefebvre")
        page.get_by_label("Commune").fill("Calais")
        page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
        page.get_by_label("Mot de passe").fill("court")
        page.get_by_role("button", name="Créer mon compte").click()
        assert "adresse e-mail valide" in page.inner_text("#f-email-error")
        page.screenshot(path=str(ARTIFACTS / "02-signup-errors.png"), full_page=True)
        page.get_by_label("Adresse e-mail").fill("ines.lefebvre@etu.example.fr")
        page.get_by_label("Mot de passe").fill("correct horse battery")
        page.get_by_role("button", name="Créer mon compte").click()

        page.get_by_label("Mot de passe").fill("correct horse battery")
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        assert page.url.endswith("/recommandations"), page.url
        page.get_by_role("link", name="Mon profil", exact=True).click()
        page.get_by_label("Titre du profil").fill(
            "Étudiante en BUT Informatique, cherche un stage en développement web"
        )
        page.get_by_label("Présentation").fill(
            "Application web en Python et JavaScript, bases de données SQL, projet tutoré."
        )
        skills = page.get_by_label("Compétences", exact=True)
        skills.fill("Python, SQL, Java")
        # A selector, not wait_for_function: Playwright evaluates that string with eval, which
        # the page's CSP refuses (script-src 'self').
        page.wait_for_selector("#skills-list option", state="attached", timeout=5000)
        skills.fill("Python, SQL, JavaScript")
        page.get_by_label("Mobilité (km)").fill("60")
        page.get_by_label("Les entreprises peuvent voir mon profil").check()
        page.screenshot(path=str(ARTIFACTS / "03-profile.png"), full_page=True)
        page.get_by_role("button", name="Enregistrer").click()
        assert "Profil enregistré." in page.inner_text(".flash")

        page.get_by_role("link", name="Mes recommandations", exact=True).click()
        cards = page.locator("li.result")
        assert cards.count() >= 3
        assert "Pourquoi ?" in cards.first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "04-recommendations-phone.png"), full_page=False)
        cards.first.get_by_role("button", name="Ça m'intéresse").click()
        page.wait_for_selector("li.result >> nth=0 >> .done-badge")
        assert "Intérêt envoyé" in cards.first.inner_text()
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(ARTIFACTS / "05-recommendations-desktop.png"))

        page.get_by_role("link", name="Passer en anglais").or_(
            page.locator("a.lang-switch")
        ).first.click()
        assert "My recommendations" in page.inner_text("h1")
        browser.close()


DEMO_PASSWORD = "demo-passerelle-2027"


def _sign_in(page: Any, server: str, email: str) -> None:
    page.goto(server + "/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def test_company_posts_a_need_and_shortlists_in_chromium(server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.set_default_timeout(180_000)
        _sign_in(page, server, "entreprise@demo.passerelle.fr")
        assert page.url.endswith("/besoins"), page.url
        page.screenshot(path=str(ARTIFACTS / "10-company-needs.png"), full_page=True)

        page.get_by_role("link", name="Publier un besoin").first.click()
        page.get_by_role("button", name="Publier").click()  # empty: errors next to the fields
        assert page.locator("[aria-invalid=true]").count() >= 1
        assert "Ce champ est obligatoire." in page.inner_text("#f-title-error")
        page.get_by_label("Intitulé du besoin").fill(
            "Stage développeur·se Python — outils portuaires"
        )
        page.get_by_label("Description", exact=True).fill(
            "Suivi des conteneurs du port : API en Python, base de données SQL, tableaux de bord."
        )
        page.get_by_label("Compétences", exact=True).fill("Python, SQL")
        page.get_by_label("Commune").fill("Boulogne-sur-Mer")
        page.get_by_label("Nombre de places").fill("2")
        page.screenshot(path=str(ARTIFACTS / "11-company-need-form.png"), full_page=True)
        page.get_by_role("button", name="Publier").click()
        page.wait_for_load_state()
        assert "/candidats" in page.url, page.url
        assert "Besoin publié." in page.inner_text(".flash")
        cards = page.locator("li.result")
        assert cards.count() >= 1, "no visible candidate for a Python internship"
        assert "Pourquoi ?" in cards.first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "12-company-candidates.png"), full_page=False)
        cards.first.get_by_role("button", name="Présélectionner").click()
        page.wait_for_selector("li.result >> nth=0 >> .done-badge")
        assert "Présélectionné" in cards.first.inner_text()
        # The shortlist is stored: it is still there after a reload.
        page.reload()
        assert "Présélectionné" in page.locator("li.result").first.inner_text()
        browser.close()


def test_coordinator_approves_and_introduces_in_chromium(server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.set_default_timeout(300_000)
        _sign_in(page, server, "coordination@demo.passerelle.fr")
        assert "/revue" in page.url, page.url
        # An interest or an application of an earlier journey may already be in the queue.
        if page.locator("[data-review-item]").count() < 2:
            with page.expect_navigation():
                page.get_by_role("button", name="Lancer le lot de suggestions").click()
            # The batch runs as a background job: its progress page returns to the queue.
            page.wait_for_url(re.compile(r"/revue(\?|$)"), timeout=300_000)
            page.wait_for_load_state()
        items = page.locator("[data-review-item]")
        assert items.count() >= 2
        first = items.first.locator(".result-title").inner_text()
        page.screenshot(path=str(ARTIFACTS / "20-review-queue.png"), full_page=False)

        # Keyboard only: "a" approves the current card, which is replaced by its outcome.
        page.locator("body").press("a")
        page.wait_for_selector("[data-review-item] >> nth=0 >> .done-badge")
        assert "Approuvée" in items.first.inner_text()

        # A rejection needs a reason: "r" with an empty reason puts the focus in the field.
        second = items.nth(1)
        page.locator("body").press("r")
        assert second.locator("input[name=reason]").evaluate("e => e === document.activeElement")
        second.locator("input[name=reason]").fill("Profil trop éloigné du besoin")
        second.get_by_role("button", name="Rejeter").click()
        page.wait_for_selector("[data-review-item] >> nth=1 >> .done-badge")
        assert "Rejetée" in second.inner_text()

        # The approved suggestion is in its tab; introducing it makes the person visible.
        page.get_by_role("link", name="Approuvée").click()
        approved = page.locator("[data-review-item]").filter(has_text=first.split(" ")[0])
        assert approved.count() >= 1
        approved.first.get_by_role("button", name="Présenter").click()
        page.wait_for_selector(".done-badge")
        page.get_by_role("link", name="Présentée").click()
        assert page.locator("[data-review-item]").filter(has_text=first.split(" ")[0]).count() >= 1

        page.get_by_role("link", name="Tableau de bord").click()
        page.wait_for_load_state()
        assert page.locator("svg").count() >= 2
        page.screenshot(path=str(ARTIFACTS / "21-dashboard.png"), full_page=True)

        # The tools menu opens without JavaScript (details/summary) and leads to allocations.
        page.locator("summary", has_text="Outils").click()
        page.get_by_role("link", name="Allocations", exact=True).click()
        page.get_by_role("button", name="Lancer l'allocation").click()
        page.wait_for_load_state()
        assert "Allocation calculée et enregistrée." in page.inner_text(".flash")
        stable = page.locator("[data-method=stable][data-metric=blocking_pairs]").inner_text()
        assert stable.strip() == "0"
        page.screenshot(path=str(ARTIFACTS / "22-allocation.png"), full_page=False)
        browser.close()


def test_offer_application_and_candidate_journey_in_chromium(server: str, tmp_path: Path) -> None:
    """A visitor reads an offer; a student applies with a CV and sees the status change when
    the company moves it; the company reads the candidate's profile."""
    from tests.cv_pdf import STUDENT_CV, cv_pdf

    ARTIFACTS.mkdir(exist_ok=True)
    cv = tmp_path / "CV Inès Lefebvre.pdf"
    cv.write_bytes(cv_pdf(*STUDENT_CV))
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)

        def role_page(width: int = 1280, height: int = 900) -> Any:
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="fr-FR"
            )
            page = context.new_page()
            page.set_default_timeout(180_000)
            return page

        visitor = role_page(390, 844)
        visitor.goto(server + "/offres")
        assert "Offres" in visitor.inner_text("h1")
        assert "offres ouvertes" in visitor.inner_text("#nombre-offres")
        visitor.screenshot(path=str(ARTIFACTS / "30-offers-phone.png"), full_page=False)
        visitor.locator("li.result h2 a").first.click()
        visitor.wait_for_load_state()
        assert "/offres/" in visitor.url
        assert "En bref" in visitor.inner_text("main")
        assert visitor.get_by_role("link", name="Se connecter").count() >= 1
        visitor.screenshot(path=str(ARTIFACTS / "31-offer-visitor-phone.png"), full_page=True)

        company = role_page()
        _sign_in(company, server, "entreprise@demo.passerelle.fr")
        href = company.locator("li.result h2 a").first.get_attribute("href")
        assert href and href.startswith("/offres/")
        ref = href.rsplit("/", 1)[1]

        student = role_page()
        # Straight to the offer: the first ranking (fitting the engine) happens there.
        student.goto(f"{server}/connexion?next={href}")
        student.get_by_label("Adresse e-mail").fill("etudiant@demo.passerelle.fr")
        student.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        student.get_by_role("button", name="Se connecter").click()
        student.wait_for_load_state()
        assert student.url.endswith(href), student.url
        assert "Votre adéquation" in student.inner_text("#adequation")
        student.get_by_label("Votre message à l'organisation").fill(
            "Bonjour, ce projet correspond à mon BUT : Python et SQL au quotidien."
        )
        student.set_input_files("#f-cv", str(cv))
        student.get_by_role("button", name="Postuler", exact=True).click()
        student.wait_for_load_state()
        assert "Candidature envoyée" in student.inner_text(".flash")
        assert "Reçue" in student.inner_text("#candidature")
        student.screenshot(path=str(ARTIFACTS / "32-offer-applied.png"), full_page=True)
        student.get_by_role("link", name="Mes candidatures", exact=True).first.click()
        assert student.locator("[data-status=received]").count() == 1
        student.screenshot(path=str(ARTIFACTS / "33-my-applications.png"), full_page=True)

        company.goto(f"{server}/besoins/{ref}/candidatures")
        card = company.locator("li.result").first
        assert "CV : CV Inès Lefebvre.pdf" in card.inner_text()
        card.get_by_label("Nouveau statut").select_option("interview")
        card.get_by_role("button", name="Mettre à jour").click()
        company.wait_for_load_state()
        assert "Statut de la candidature mis à jour" in company.inner_text(".flash")
        assert company.locator("[data-status=interview]").count() == 1
        company.screenshot(path=str(ARTIFACTS / "34-company-inbox.png"), full_page=True)
        company.locator("li.result h2 a").first.click()
        company.wait_for_load_state()
        assert "/candidats/" in company.url
        assert "Adéquation avec vos offres ouvertes" in company.inner_text("main")
        assert "Entretien" in company.inner_text("main")
        company.screenshot(path=str(ARTIFACTS / "35-candidate-profile.png"), full_page=True)

        student.reload()
        assert student.locator("[data-status=interview]").count() == 1
        assert "Entretien" in student.inner_text("main")
        student.screenshot(path=str(ARTIFACTS / "36-my-applications-moved.png"), full_page=True)

        # The application reached the coordinators' queue: they filter it down to applications.
        coordinator = role_page()
        _sign_in(coordinator, server, "coordination@demo.passerelle.fr")
        coordinator.goto(f"{server}/revue")
        coordinator.locator("#f-signal").select_option("candidature")
        coordinator.get_by_role("button", name="Filtrer", exact=True).click()
        coordinator.wait_for_load_state()
        assert "signal=candidature" in coordinator.url
        cards = coordinator.locator("[data-review-item]")
        assert cards.count() >= 1
        assert all("A postulé" in cards.nth(i).inner_text() for i in range(cards.count()))
        coordinator.screenshot(path=str(ARTIFACTS / "37-queue-applications.png"), full_page=True)
        browser.close()
