"""In Chromium, with ESCO: the need form and the profile page say how their text reads, and
say it again as it is typed, before anything is saved."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.test_taxonomy import write_folder
from tests.web.test_browser import ARGS, ARTIFACTS, CHROMIUM, demo_server, playwright_api

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="/usr/bin/chromium absent (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def esco_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo region served with a small ESCO folder (baker, welder, web developer)."""
    folder = tmp_path_factory.mktemp("browser-esco")
    yield from demo_server(folder, ESCO_DIR=str(write_folder(folder / "esco")))


@contextlib.contextmanager
def signed_in(server: str, email: str, landing: str) -> Iterator[Page]:
    """A French Chromium page signed in as the demo account `email` (which lands on
    `landing`)."""
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(locale="fr-FR")
        page.set_default_timeout(120_000)
        page.goto(server + "/connexion")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", "demo-passerelle-2027")
        page.click("form button[type=submit]")
        page.wait_for_url(f"**{landing}**")
        yield page
        browser.close()


def test_the_need_form_reads_the_title_as_it_is_typed(esco_server: str) -> None:
    with signed_in(esco_server, "entreprise@demo.passerelle.fr", "/besoins") as page:
        page.goto(esco_server + "/besoins/nouveau")
        reading = page.locator("[data-need-reading]")
        assert reading.inner_text().strip() == ""  # nothing typed, nothing read
        page.get_by_label("Intitulé du besoin").fill("Soudeur TIG (H/F)")
        page.locator("[data-need-reading] strong").wait_for()
        assert "« soudeur/soudeuse »" in reading.locator("strong").inner_text().replace(
            "\u00a0", " "
        )
        page.get_by_label("Intitulé du besoin").fill("Boulanger (H/F)")
        # the page's strict CSP forbids evaluated scripts: wait on a locator instead
        page.locator("[data-need-reading] strong", has_text="boulanger").wait_for()
        page.screenshot(path=str(ARTIFACTS / "need-reading-live.png"), full_page=True)
        assert page.url.endswith("/besoins/nouveau")  # nothing was posted


def test_the_profile_page_reads_the_headline_as_it_is_typed(esco_server: str) -> None:
    with signed_in(esco_server, "etudiant@demo.passerelle.fr", "/recommandations") as page:
        page.goto(esco_server + "/profil")
        headline = page.locator("input[name=headline]")
        saved = headline.input_value()
        headline.fill("Apprenti soudeur TIG")
        page.locator("[data-profile-reading]", has_text="soudeur").wait_for()
        headline.fill("Apprentie boulangère, pain au levain")
        page.locator("[data-profile-reading]", has_text="boulanger").wait_for()
        page.screenshot(path=str(ARTIFACTS / "profile-reading-live.png"), full_page=True)
        page.goto(esco_server + "/profil")  # nothing was saved
        assert page.locator("input[name=headline]").input_value() == saved
