"""Every form of every page, filled with hostile values, as a browser would post it.

For each role, the walk opens every page that role may see (the access matrix's rows), reads
its forms (`<form method="post">`: action, named fields and their current values, the CSRF
token included) and posts each form again with one field at a time made hostile: a text of
20,000 characters, a NUL character, a 40-digit number, an impossible date, another site's
address. A page must answer each with a page, never a 5xx nor JSON, and never send the
browser off the site: the refusal in the reader's language, or the work done. Forms that
sign out or erase the account are left out (they end the walk).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

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


class Forms(HTMLParser):
    """The POST forms of a page, with what a browser would send unchanged."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._optioned: set[str] = set()  # selects whose first option was read
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(a.get("action") or self.page_url.split("?")[0])
                self.forms.append(self._form)
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
    for page in MATRIX:
        if page.method != "GET" or expected(page, role) != "200":
            continue
        url = page.url.format(**world.refs)
        client.cookies = cookies
        shown = client.get(url)
        if not shown.headers.get("content-type", "").startswith("text/html"):
            continue  # a file (CSV, CV), not a page with forms
        parser = Forms(url)
        parser.feed(shown.text)
        for form in parser.forms:
            if any(form.action.startswith(out) for out in LEFT_OUT):
                continue
            for name in form.fields:
                if name == "csrf_token":
                    continue
                for value in HOSTILE:
                    client.cookies = cookies
                    data = dict(form.fields) | {name: value}
                    answer = client.post(form.action, data=data, follow_redirects=False)
                    posted += 1
                    kind = answer.headers.get("content-type", "")
                    where = f"{role} {form.action} ({page.url}) {name}={value[:12]!r}"
                    if answer.status_code >= 500:
                        wrong.append(f"{where}: {answer.status_code}")
                    elif answer.status_code in (301, 302, 303, 307, 308):
                        location = answer.headers["location"]
                        if not location.startswith("/") or location.startswith("//"):
                            wrong.append(f"{where}: sent off the site, to {location}")
                    elif answer.status_code >= 400 and not kind.startswith("text/html"):
                        wrong.append(f"{where}: {answer.status_code} {kind}")
    assert not wrong, "\n".join(wrong)
    assert posted > 40  # the forms were found and sent
