"""Every answer tells the browser to run only our own scripts, never be framed, never sniff types."""

from __future__ import annotations

import re
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.core.settings import Settings
from api.engine.service import MatchingService
from api.imports.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from api.main import create_app
from tests.conftest import TEST_SECRET, serving

pytestmark = pytest.mark.db

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates"
COORDINATOR = next(email for email, role in DEMO_ACCOUNTS if role == "coordinator")
FIXED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def directives(policy: str) -> dict[str, list[str]]:
    """A CSP header as {directive: sources}."""
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def assert_protected(response: object, what: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in FIXED.items():
        assert headers.get(name) == value, f"{what}: {name} = {headers.get(name)!r}"
    policy = directives(headers.get("Content-Security-Policy", ""))
    assert policy.get("frame-ancestors") == ["'none'"], what
    assert policy.get("script-src") == ["'self'"], f"{what}: {policy.get('script-src')}"
    assert policy.get("object-src") == ["'none'"], what


def sign_in(client: TestClient, email: str = COORDINATOR) -> None:
    page = client.get("/connexion")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    response = client.post(
        "/connexion",
        data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def route_list(client: TestClient) -> list[object]:
    """Every route of the app, through the routers it includes."""
    routes = client.app.routes  # type: ignore[attr-defined]
    try:  # FastAPI >= 0.16x wraps included routers; this walks through them
        from fastapi.routing import iter_route_contexts

        return list(iter_route_contexts(routes))
    except ImportError:  # pragma: no cover - older FastAPI lists routes flat
        return list(routes)


def get_routes(client: TestClient) -> list[str]:
    """Paths of every GET route that takes no path parameter: pages, API endpoints, docs."""
    paths = set()
    for route in route_list(client):
        path = getattr(route, "path", "")
        if "GET" in (getattr(route, "methods", None) or set()) and "{" not in path:
            paths.add(path)
    return sorted(paths)


@pytest.fixture
def https_client(
    database_url: str,
    engine: Engine,
    connection: sessionmaker[Session],
    matching_service: MatchingService,
) -> Iterator[TestClient]:
    """The app as a browser reaches it over HTTPS."""
    with serving(database_url, connection, matching_service, "https://testserver") as c:
        yield c


# ----------------------------------------------------------------------------- every answer


def test_every_page_and_endpoint_carries_the_headers(client: TestClient) -> None:
    paths = get_routes(client)
    assert "/" in paths and "/api/v1/health" in paths and "/docs" in paths
    for path in paths:
        assert_protected(client.get(path, follow_redirects=False), f"anonymous GET {path}")
    sign_in(client)
    for path in paths:
        if path.startswith("/api/v1/") and "export" in path:
            continue  # the same middleware; spares building every export file
        assert_protected(client.get(path, follow_redirects=False), f"coordinator GET {path}")


def test_errors_redirects_and_static_files_carry_the_headers(client: TestClient) -> None:
    answers = {
        "404 page": client.get("/pas-une-page"),
        "404 API": client.get("/api/v1/needs/N-0000000"),
        "401 API": client.get("/api/v1/auth/me"),
        "422 API": client.get("/api/v1/needs?limit=abc"),
        "403 CSRF": client.post("/connexion", data={"email": "x"}),
        "405": client.delete("/"),
        "303 redirect": client.get("/langue/en?next=/", follow_redirects=False),
        "static css": client.get("/static/css/passerelle.css"),
        "static js": client.get("/static/js/passerelle.js"),
        "static 404": client.get("/static/pas-un-fichier.js"),
        "openapi": client.get("/openapi.json"),
    }
    for what, response in answers.items():
        assert_protected(response, what)
    assert answers["404 API"].status_code == 404
    assert answers["static css"].status_code == 200


def test_pages_policy_forbids_inline_scripts_styles_and_foreign_sources(
    client: TestClient,
) -> None:
    policy = directives(client.get("/").headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no host
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


# ----------------------------------------------------------------------------- HSTS


def test_hsts_only_over_https(client: TestClient, https_client: TestClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "Strict-Transport-Security" not in client.get("/api/v1/health").headers
    for path in ("/", "/api/v1/health", "/static/css/passerelle.css"):
        hsts = https_client.get(path).headers.get("Strict-Transport-Security", "")
        assert hsts.startswith("max-age=") and int(hsts.split("=")[1]) >= 31536000


def test_forwarded_proto_counts_only_when_the_proxy_is_trusted(
    database_url: str,
    engine: Engine,
    connection: sessionmaker[Session],
    matching_service: MatchingService,
    client: TestClient,
) -> None:
    forwarded = {"X-Forwarded-Proto": "https"}
    # By default a client could send the header itself: it changes nothing.
    assert "Strict-Transport-Security" not in client.get("/", headers=forwarded).headers
    app = create_app(
        Settings(
            database_url=database_url,
            environment="test",
            secret_key=TEST_SECRET,
            trust_forwarded_proto=True,
        )
    )
    app.state.sessions = connection
    app.state.matching = matching_service
    with TestClient(app) as behind_proxy:
        assert "Strict-Transport-Security" in behind_proxy.get("/", headers=forwarded).headers
        assert "Strict-Transport-Security" not in behind_proxy.get("/").headers
        http = {"X-Forwarded-Proto": "http"}
        assert "Strict-Transport-Security" not in behind_proxy.get("/", headers=http).headers


# ----------------------------------------------------------------------------- templates


def test_no_template_holds_inline_script_handler_or_style() -> None:
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 20
    found = []
    for template in templates:
        source = re.sub(r"\{#.*?#\}", "", template.read_text(), flags=re.DOTALL)  # comments
        name = template.relative_to(TEMPLATES)
        for tag in re.findall(r"<script\b[^>]*>", source, flags=re.IGNORECASE):
            if not re.search(r"\ssrc=", tag):
                found.append(f"{name}: inline script {tag}")
        for attr in re.findall(r"\son[a-z]+\s*=", source, flags=re.IGNORECASE):
            found.append(f"{name}: event handler attribute {attr.strip()}")
        for attr in re.findall(r"\s(?:style|hx-on[:a-z-]*)\s*=", source, flags=re.IGNORECASE):
            found.append(f"{name}: inline {attr.strip()}")
        if re.search(r"<style\b", source, flags=re.IGNORECASE):
            found.append(f"{name}: <style> element")
        if re.search(r"javascript:", source, flags=re.IGNORECASE):
            found.append(f"{name}: javascript: URL")
    assert not found, "\n".join(found)


def test_htmx_is_told_not_to_inject_its_indicator_style(client: TestClient) -> None:
    page = client.get("/").text
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page)
    assert config is not None
    assert '"includeIndicatorStyles":false' in config.group(1)
    assert page.index('name="htmx-config"') < page.index("htmx.min.js")
    assert ".htmx-indicator" in client.get("/static/css/passerelle.css").text


# ----------------------------------------------------------------------------- API docs


def test_api_docs_are_served_from_our_own_files(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert 'id="swagger-ui"' in docs.text
    assert "http://" not in docs.text and "https://" not in docs.text  # nothing from a CDN
    sources = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    for source in sources:
        assert source.startswith("/static/"), source
        assert client.get(source).status_code == 200, source
    for tag in re.findall(r"<script\b[^>]*>", docs.text):
        assert " src=" in tag, tag
    policy = directives(docs.headers["Content-Security-Policy"])
    # Swagger UI writes style attributes; scripts stay our own files only.
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'none'"]
    redirect = client.get("/docs/oauth2-redirect")
    assert redirect.status_code == 200 and '<script src="/static/' in redirect.text
    assert directives(redirect.headers["Content-Security-Policy"])["script-src"] == ["'self'"]
    assert client.get("/redoc", follow_redirects=False).headers["location"] == "/docs"
    assert client.get("/openapi.json").json()["info"]["title"] == "Passerelle"


# ----------------------------------------------------------------------------- cookies


def cookie_flags(response: object) -> dict[str, dict[str, str | bool]]:
    """Set-Cookie headers of a response as {name: {attribute: value}} (lowercase attributes)."""
    found: dict[str, dict[str, str | bool]] = {}
    for header in response.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            found[name] = {key: value for key, value in morsel.items() if value}
            found[name]["raw"] = header
    return found


def _sign_in_response(client: TestClient) -> object:
    page = client.get("/connexion")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    return client.post(
        "/connexion",
        data={"email": COORDINATOR, "password": DEMO_PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_cookie_flags_on_sign_in(scheme: str, client: TestClient, https_client: TestClient) -> None:
    browser = https_client if scheme == "https" else client
    first_visit = cookie_flags(browser.get("/connexion"))
    signed_in = _sign_in_response(browser)
    assert signed_in.status_code == 303  # type: ignore[attr-defined]
    cookies = cookie_flags(signed_in)
    assert {"passerelle_token", "passerelle_csrf"} <= set(cookies), cookies
    assert "passerelle_csrf" in first_visit
    switched = cookie_flags(browser.get("/langue/en?next=/", follow_redirects=False))
    signed_out_page = browser.get("/tableau-de-bord")
    token = re.search(r'name="csrf_token" value="([^"]+)"', signed_out_page.text)
    assert token is not None
    signed_out = browser.post(
        "/deconnexion", data={"csrf_token": token.group(1)}, follow_redirects=False
    )
    flashed = cookie_flags(signed_out)
    shown = cookie_flags(browser.get("/"))
    every = {
        "session": cookies["passerelle_token"],
        "csrf (first visit)": first_visit["passerelle_csrf"],
        "csrf (rotated at sign-in)": cookies["passerelle_csrf"],
        "language": switched["lang"],
        "flash": flashed["flash"],
        "flash cleared": shown["flash"],
        "session cleared": flashed["passerelle_token"],
    }
    for what, flags in every.items():
        # No script of ours reads a cookie: every one is HttpOnly.
        assert flags.get("httponly") is True, f"{what}: {flags['raw']}"
        assert str(flags.get("samesite", "")).lower() == "lax", f"{what}: {flags['raw']}"
        assert bool(flags.get("secure")) == (scheme == "https"), f"{what}: {flags['raw']}"


def test_the_sweep_sees_the_whole_api(client: TestClient) -> None:
    # Guards the sweep above against a refactor that hides routes from it.
    paths = get_routes(client)
    assert sum(1 for path in paths if path.startswith("/api/v1/")) >= 10
    assert {"/revue", "/tableau-de-bord", "/imports", "/job-dating"} <= set(paths)
