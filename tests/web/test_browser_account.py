"""In Chromium: a user resets a forgotten password from the e-mail (read from the outbox
folder, as `make run` writes it), and a coordinator filters the review queue."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.core.db import make_engine, session_factory, session_scope
from api.models import Need, Person, Suggestion

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DEMO_PASSWORD = "demo-passerelle-2027"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium absent"),
]
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed_queue(url: str) -> None:
    """A few proposed suggestions, so the queue has something to filter without running the
    batch (which fits the engine on the whole region)."""
    engine = make_engine(url)
    for session in session_scope(session_factory(engine)):
        people = session.scalars(
            select(Person).where(Person.kind == "student").order_by(Person.id).limit(12)
        ).all()
        needs = session.scalars(select(Need).where(Need.is_open).order_by(Need.id).limit(3)).all()
        for i, person in enumerate(people):
            need = needs[i % len(needs)]
            session.add(Suggestion(person_id=person.id, need_id=need.id, score=0.9 - i / 100))
    engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """uvicorn over a fresh demo database, no SMTP: mails land in the outbox folder."""
    folder = tmp_path_factory.mktemp("browser-account")
    db = folder / "web.db"
    url = f"sqlite:///{db}"
    env = {**os.environ, "DATABASE_URL": url, "HF_HUB_OFFLINE": "1", "SMTP_HOST": ""}
    for command in ("migrate", "load-demo"):
        subprocess.run([sys.executable, "-m", "api", command], env=env, check=True, cwd=ROOT)
    _seed_queue(url)
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
    yield f"http://127.0.0.1:{port}", folder / "outbox"
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:  # a ranking still running holds the graceful shutdown
        process.kill()
        process.wait(timeout=10)


def _mail_to(outbox: Path, address: str) -> EmailMessage:
    """The newest .eml to `address` in the outbox folder (delivered after the response)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml"), reverse=True):
            parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            if parsed["To"] == address:
                return parsed
        time.sleep(0.1)
    pytest.fail(f"no mail to {address} in {outbox}")


def _sign_in(page: Any, server: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(server + "/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def test_a_forgotten_password_is_reset_from_the_mail_in_chromium(
    server: tuple[str, Path],
) -> None:
    url, outbox = server
    ARTIFACTS.mkdir(exist_ok=True)
    email = "etudiant@demo.passerelle.fr"
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        # Signing in opens the recommendations: the first fits the engine on the whole region.
        page.set_default_timeout(180_000)
        page.goto(url + "/connexion")
        page.get_by_role("link", name="Mot de passe oublié ?").click()
        page.get_by_label("Adresse e-mail").fill(email)
        page.screenshot(path=str(ARTIFACTS / "30-forgot-form.png"), full_page=True)
        page.get_by_role("button", name="Recevoir le lien").click()
        assert "Si un compte existe avec cette adresse" in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "31-forgot-sent.png"), full_page=True)

        mail = _mail_to(outbox, email)
        assert mail["Subject"] == "Passerelle : choisir un nouveau mot de passe"
        body = mail.get_body(preferencelist=("plain",))
        assert body is not None
        link = re.search(r"https?://\S+/mot-de-passe-oublie/nouveau\?jeton=\S+", body.get_content())
        assert link, body.get_content()
        html = mail.get_body(preferencelist=("html",))
        assert html is not None
        html_file = ARTIFACTS / "32-reset-mail.html"
        html_file.write_text(html.get_content())
        page.goto(html_file.as_uri())
        page.screenshot(path=str(ARTIFACTS / "32-reset-mail.png"), full_page=True)

        page.goto(link.group(0))
        page.locator("#f-new_password").fill("mon-nouveau-secret-2027")
        page.get_by_label("Confirmer le nouveau mot de passe").fill("mon-nouveau-secret-2027")
        page.screenshot(path=str(ARTIFACTS / "33-reset-form.png"), full_page=True)
        page.get_by_role("button", name="Enregistrer le mot de passe").click()
        page.wait_for_load_state()
        assert page.url.endswith("/connexion"), page.url
        assert "connectez-vous avec le nouveau" in page.inner_text(".flash")

        _sign_in(page, url, email, "mon-nouveau-secret-2027")
        assert page.url.endswith("/recommandations"), page.url
        page.get_by_role("link", name="Mon compte").click()
        assert "Changer de mot de passe" in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "34-account.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(ARTIFACTS / "34-account-phone.png"), full_page=False)
        page.set_viewport_size({"width": 1280, "height": 900})

        # The link worked once.
        page.goto(link.group(0))
        assert "a expiré ou a déjà servi" in page.inner_text("main")
        # An unknown page is a page, with this user's menu.
        page.goto(url + "/nulle-part")
        assert "Page introuvable" in page.inner_text("h1")
        assert "Se déconnecter" in page.inner_text("header")
        page.screenshot(path=str(ARTIFACTS / "35-not-found-signed-in.png"), full_page=True)
        browser.close()


def test_a_coordinator_filters_the_queue_in_chromium(server: tuple[str, Path]) -> None:
    url, _outbox = server
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.set_default_timeout(60_000)
        _sign_in(page, url, "coordination@demo.passerelle.fr")
        page.goto(url + "/revue")
        cards = page.locator("li.review-item")
        everything = cards.count()
        assert everything >= 6
        page.screenshot(path=str(ARTIFACTS / "40-queue.png"), full_page=False)

        organisation = page.get_by_label("Organisation")
        chosen = organisation.locator("option").nth(1)
        name = chosen.inner_text()
        organisation.select_option(chosen.get_attribute("value"))
        page.get_by_role("button", name="Filtrer", exact=True).click()
        page.wait_for_load_state()
        narrowed = cards.count()
        assert 0 < narrowed < everything
        for i in range(narrowed):
            assert name in cards.nth(i).inner_text()
        assert "Effacer les filtres" in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "41-queue-filtered.png"), full_page=False)

        first_name = cards.first.locator("h2").inner_text().split(" ")[0]
        page.get_by_label("Nom de la personne").fill(first_name)
        page.get_by_role("button", name="Filtrer", exact=True).click()
        page.wait_for_load_state()
        assert cards.count() >= 1
        assert all(first_name in cards.nth(i).inner_text() for i in range(cards.count()))
        page.get_by_role("link", name="Effacer les filtres").click()
        page.wait_for_load_state()
        assert cards.count() == everything
        browser.close()


def test_the_admin_reads_the_outbox_in_chromium(server: tuple[str, Path]) -> None:
    url, _outbox = server
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.set_default_timeout(60_000)
        _sign_in(page, url, "admin@demo.passerelle.fr")
        page.get_by_text("Outils", exact=True).click()
        page.get_by_role("link", name="Courriels envoyés").click()
        assert "Aucun serveur SMTP" in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "50-outbox.png"), full_page=True)
        rows = page.locator("tbody tr")
        if rows.count():  # the reset journey ran first in this module
            rows.first.get_by_role("link").click()
            assert "/mot-de-passe-oublie/nouveau?jeton=" in page.inner_text("pre")
            page.screenshot(path=str(ARTIFACTS / "51-outbox-mail.png"), full_page=True)
        page.goto(url + "/compte/supprimer")
        assert "Accès refusé" in page.inner_text("h1")  # an admin has no profile to erase
        page.screenshot(path=str(ARTIFACTS / "52-forbidden-admin.png"), full_page=True)
        browser.close()
