"""In Chromium: a researcher says what they offer, proposes a collaboration on an R&D need, and
a coordinator finds it on the need's page, beside the partner labs and researchers."""

from __future__ import annotations

import re

import pytest

from tests.web.test_browser import ARGS, ARTIFACTS, CHROMIUM, _sign_in, server  # noqa: F401

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium absent"),
]
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")

MESSAGE = (
    "Notre équipe co-encadre des thèses CIFRE en apprentissage automatique ; "
    "nous pouvons ouvrir notre cluster de calcul au projet."
)


def test_researcher_proposes_a_collaboration_in_chromium(server: str) -> None:  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.set_default_timeout(180_000)
        _sign_in(page, server, "chercheur@demo.passerelle.fr")

        page.get_by_role("link", name="Mon profil", exact=True).click()
        page.get_by_label("Encadrement de thèses CIFRE").check()
        page.get_by_label("Collaborations R&D avec des entreprises").check()
        page.get_by_label("En détail").fill("Cluster de calcul GPU, banc de mesure optique.")
        page.screenshot(path=str(ARTIFACTS / "30-researcher-profile.png"), full_page=True)
        page.get_by_role("button", name="Enregistrer").click()
        assert "Profil enregistré." in page.inner_text(".flash")

        page.goto(server + "/recommandations?type=rd")
        cards = page.locator("li.result")
        assert cards.count() >= 1
        text = page.inner_text("main")
        assert "À acquérir" not in text and "Ça m'intéresse" not in text
        page.screenshot(path=str(ARTIFACTS / "31-researcher-rd-recommendations.png"))
        first = cards.first
        title = first.locator(".result-title").inner_text()
        first.get_by_role("link", name=re.compile("Proposer une collaboration")).click()
        assert title in page.inner_text("main")
        page.get_by_role("button", name="Proposer une collaboration").click()  # empty
        assert "20 caractères au moins" in page.inner_text("#f-message-error")
        page.get_by_label("Votre proposition").fill(MESSAGE)
        page.screenshot(path=str(ARTIFACTS / "32-collaboration-form.png"), full_page=True)
        page.get_by_role("button", name="Proposer une collaboration").click()
        page.wait_for_load_state()
        assert page.url.endswith("/collaborations"), page.url
        assert "a été transmise" in page.inner_text(".flash")
        assert title in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "33-collaborations-researcher.png"), full_page=True)
        need_ref = page.locator("li.proposal").first.get_attribute("data-need")
        assert need_ref

        page.context.clear_cookies()
        _sign_in(page, server, "coordination@demo.passerelle.fr")
        page.goto(server + "/collaborations")
        assert MESSAGE[:40] in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "34-collaborations-coordinator.png"), full_page=True)
        # The need's page shows the proposal beside the partner labs and researchers.
        page.goto(server + f"/besoins/{need_ref}/candidats")
        partners = page.locator("#partenaires")
        assert "1 collaboration proposée" in partners.inner_text()
        assert MESSAGE[:40] in partners.inner_text()
        page.screenshot(path=str(ARTIFACTS / "35-need-partners.png"), full_page=False)
        browser.close()
