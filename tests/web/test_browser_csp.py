"""In Chromium, the pages and the API docs run under the Content-Security-Policy with no violation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_browser import ARGS, CHROMIUM, playwright_api, server  # noqa: F401

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="/usr/bin/chromium absent (apt-get install chromium)"
    ),
]

DEMO_PASSWORD = "demo-passerelle-2027"
# Runs before any page script, outside the page's CSP (the browser injects it): it records what
# the policy refused, with the directive, so a failure says what to fix.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile
                    + ":" + e.lineNumber);
});
"""
ANONYMOUS_PAGES = ("/", "/connexion", "/inscription", "/offres")
PAGES_BY_ACCOUNT = {
    "etudiant@demo.passerelle.fr": (
        "/profil",
        "/mes-mises-en-relation",
        "/mon-agenda",
        "/candidatures",
    ),
    "entreprise@demo.passerelle.fr": ("/besoins", "/besoins/nouveau"),
    "coordination@demo.passerelle.fr": (
        "/revue",
        "/tableau-de-bord",
        "/outils",
        "/allocations",
        "/job-dating",
        "/hackathons",
        "/imports",
    ),
}


class Watch:
    """A page's CSP reports, from the console and from the violation event, and its JS errors."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def _on_console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(f"{self.page.url}: {text}")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status < 500, url
        assert "default-src 'self'" in response.headers["content-security-policy"]
        self.page.wait_for_load_state("load")
        self.check()

    def check(self) -> None:
        reported = self.page.evaluate("window.__csp || []")
        assert not reported, f"{self.page.url}: CSP refused {reported}"
        assert not self.console, "\n".join(self.console)
        assert not self.errors, "\n".join(self.errors)


def _sign_in(page: Any, server: str, email: str, next_path: str) -> None:  # noqa: F811
    # `next` spares a student the first ranking of the region (the home after sign-in).
    page.goto(f"{server}/connexion?next={next_path}")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    assert "/connexion" not in page.url, page.url


def test_pages_run_under_the_csp_without_violation(server: str) -> None:  # noqa: F811
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(60_000)
        watch = Watch(page)
        for path in ANONYMOUS_PAGES:
            watch.visit(server + path)
        # The sign-up form's script (company fields shown on choice) still runs.
        page.goto(server + "/inscription")
        page.locator("label.segment", has_text="Entreprise").click()
        page.wait_for_selector("form[data-role-company]", state="attached")
        watch.check()
        for email, paths in PAGES_BY_ACCOUNT.items():
            context.clear_cookies()
            _sign_in(page, server, email, paths[0])
            for path in paths:
                watch.visit(server + path)
        # The company's need form asks the server for skills named in the text (fetch, CSP
        # connect-src) and offers them as buttons.
        context.clear_cookies()
        _sign_in(page, server, "entreprise@demo.passerelle.fr", "/besoins/nouveau")
        page.get_by_label("Description", exact=True).fill(
            "Développement d'une application web en Python avec une base de données SQL."
        )
        page.wait_for_selector("[data-add-skill]")
        watch.check()
        browser.close()


def test_api_docs_render_offline_under_their_csp(server: str) -> None:  # noqa: F811
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        outside: list[str] = []
        page.on(
            "request",
            lambda request: (
                outside.append(request.url) if not request.url.startswith(server) else None
            ),
        )
        watch = Watch(page)
        page.goto(server + "/docs")
        page.wait_for_selector(".swagger-ui .info .title")
        assert "Passerelle" in page.inner_text(".swagger-ui .info .title")
        page.wait_for_selector(".opblock-summary-path")
        assert page.locator(".opblock").count() > 20
        watch.check()
        assert not [url for url in outside if not url.startswith("data:")], outside
        page.goto(server + "/redoc")
        assert page.url == server + "/docs"
        browser.close()
