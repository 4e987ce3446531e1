"""Every form of every page, filled with hostile values, as a browser would post it.

For each role, the walk opens every page that role may see (the access matrix's rows), reads
its forms (`<form method="post">`: action, named fields and their current values, the CSRF
token included, and the boxes left unchecked, which a forged post may carry all the same) and
posts each form again with one field at a time made hostile: a text of
20,000 characters, a NUL character, a 40-digit number, an impossible date, another site's
address. A page must answer each with a page, never a 5xx nor JSON, and never send the
browser off the site: the refusal in the reader's language, or the work done. Forms that
sign out or erase the account are left out (they end the walk). The same walk then asks each
page's filters, searches and query links (`<form method="get">`, `<a href="…?…">`) with one
query parameter at a time made hostile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.test_page_access_matrix import MATRIX, ROLES, enter, expected

pytestmark = [pytest.mark.db, pytest.mark.slow]

HOSTILE = ("x" * 20_000, "a\x00b", "9" * 40, "2027-13-45", "//ailleurs.example/piege")
# Forms that end the walk rather than answer: signing out, erasing the account.
LEFT_OUT = ("/deconnexion", "/compte/supprimer")


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> value as the page sets it
    unset: set[str] = field(default_factory=set)  # boxes and radios left unchecked: not sent


class Forms(HTMLParser):
    """The POST forms of a page, with what a browser would send unchanged; its GET forms
    (filters, searches) and the on-site links that carry a query, as queries."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.queries: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._optioned: set[str] = set()  # selects whose first option was read
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action") or self.page_url.split("?")[0])
            post = a.get("method", "get").lower() == "post"
            (self.forms if post else self.queries).append(self._form)
            return
        if tag == "a" and "?" in a.get("href", ""):
            target = urlsplit(urljoin(self.page_url, a["href"]))
            if not target.netloc and target.query:
                fields = dict(parse_qsl(target.query, keep_blank_values=True))
                self.queries.append(Form(target.path, fields))
            return
        form, name = self._form, a.get("name")
        if form is None or not name:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):  # sent only when set
                if "checked" in a:
                    form.fields[name] = a.get("value") or "on"
                    form.unset.discard(name)
                elif name not in form.fields:
                    form.unset.add(name)
                return
            form.fields[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
            form.fields.setdefault(name, "")
        elif tag == "option" and self._select is not None:
            # A browser sends the selected option, else the first one.
            if "selected" in a or self._select not in self._optioned:
                form.fields[self._select] = a.get("value", "")
            self._optioned.add(self._select)
        elif tag == "textarea":
            self._textarea = name
            form.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea is not None:
            self._form.fields[self._textarea] += data


@pytest.mark.parametrize("role", ROLES)
def test_every_form_refuses_hostile_values_with_a_page(
    client: TestClient, session: Session, role: str, tmp_path: Path
) -> None:
    world = enter(client, session, role, tmp_path)
    client.get("/connexion")  # the CSRF cookie, for an anonymous visitor too
    cookies = dict(client.cookies)
    wrong: list[str] = []
    posted = 0
    for url, parser in _pages(client, world.refs, role, cookies):
        for form in parser.forms:
            if any(form.action.startswith(out) for out in LEFT_OUT):
                continue
            # An unchecked box is absent from what a browser sends; a forged post may carry it.
            for name in [*form.fields, *sorted(form.unset)]:
                if name == "csrf_token":
                    continue
                for value in HOSTILE:
                    client.cookies = cookies
                    data = dict(form.fields) | {name: value}
                    answer = client.post(form.action, data=data, follow_redirects=False)
                    posted += 1
                    wrong += _wrong(answer, f"{role} {form.action} ({url}) {name}={value[:12]!r}")
    assert not wrong, "\n".join(wrong)
    assert posted > 40  # the forms were found and sent


@pytest.mark.parametrize("role", ROLES)
def test_every_filter_and_link_refuses_hostile_values_with_a_page(
    client: TestClient, session: Session, role: str, tmp_path: Path
) -> None:
    """The same for what a page asks by its address: filters, searches, pages of a list,
    sort orders, each query parameter made hostile in turn."""
    world = enter(client, session, role, tmp_path)
    client.get("/connexion")
    cookies = dict(client.cookies)
    wrong: list[str] = []
    asked: set[tuple[str, str]] = set()
    for url, parser in _pages(client, world.refs, role, cookies):
        for query in parser.queries:
            if any(query.action.startswith(out) for out in LEFT_OUT):
                continue
            for name in [*query.fields, *sorted(query.unset)]:
                if (query.action, name) in asked:
                    continue
                asked.add((query.action, name))
                for value in HOSTILE:
                    client.cookies = cookies
                    params = dict(query.fields) | {name: value}
                    answer = client.get(query.action, params=params, follow_redirects=False)
                    wrong += _wrong(
                        answer, f"{role} GET {query.action} ({url}) {name}={value[:12]!r}"
                    )
    assert not wrong, "\n".join(wrong)
    assert len(asked) > 5  # the filters and links were found and asked


def _pages(
    client: TestClient, refs: dict[str, str], role: str, cookies: dict[str, str]
) -> list[tuple[str, Forms]]:
    """Every page the role may see, parsed (files such as CSV exports and CVs left out)."""
    out = []
    for page in MATRIX:
        if page.method != "GET" or expected(page, role) != "200":
            continue
        url = page.url.format(**refs)
        client.cookies = cookies
        shown = client.get(url)
        if not shown.headers.get("content-type", "").startswith("text/html"):
            continue  # a file (CSV, CV), not a page with forms
        parser = Forms(url)
        parser.feed(shown.text)
        out.append((url, parser))
    return out


def _wrong(answer: Any, where: str) -> list[str]:  # the test client's response
    """What is wrong with a page's answer to a hostile value: a 5xx, a refusal that is not a
    page, or a redirect off the site."""
    kind = answer.headers.get("content-type", "")
    if answer.status_code >= 500:
        return [f"{where}: {answer.status_code}"]
    if answer.status_code in (301, 302, 303, 307, 308):
        location = answer.headers["location"]
        if not location.startswith("/") or location.startswith("//"):
            return [f"{where}: sent off the site, to {location}"]
    elif answer.status_code >= 400 and not kind.startswith("text/html"):
        return [f"{where}: {answer.status_code} {kind}"]
    return []
