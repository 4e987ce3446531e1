"""Hostile input is refused at the edge: huge integers, naive times, control characters (422,
never 500), and the pages answer with their own error page."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Need, Organisation
from tests.api.test_recommendations_review import first_student, login
from tests.security.test_thin_data import COORDINATOR, empty_student
from tests.web.test_pages import form_token, sign_in

pytestmark = [pytest.mark.db, pytest.mark.slow]
HUGE = "9" * 40


def integer_parameters(client: TestClient) -> list[tuple[str, str, str, str]]:
    """(method, path, parameter, where) for every integer path or query parameter of the API."""
    found = []
    for path, operations in client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        for method, operation in operations.items():
            for p in operation.get("parameters", []):
                if p["schema"].get("type") == "integer":
                    found.append((method.upper(), path, p["name"], p["in"]))
    return found


def concrete(path: str, huge_name: str | None = None) -> str:
    """The path with every placeholder filled: the huge number for `huge_name`, 1 elsewhere."""
    out = path
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        name = out[start + 1 : end]
        value = HUGE if name == huge_name else ("csv" if name == "fmt" else "1")
        out = out[:start] + value + out[end + 1 :]
    return out


def test_every_integer_parameter_is_bounded(client: TestClient, session: Session) -> None:
    admin = login(client, session, "admin")
    params = integer_parameters(client)
    assert {n for _, _, n, _ in params} >= {"run_id", "event_id", "suggestion_id", "offset"}
    for method, path, name, where in params:
        if where == "path":
            url, query = concrete(path, name), {}
        else:
            url, query = concrete(path.replace("{ref}", first_student(session).ref)), {name: HUGE}
        for headers in (admin, {}):
            response = client.request(method, url, params=query, headers=headers, json={})
            assert response.status_code < 500, (method, url, query, response.text)
        response = client.request(method, url, params=query, headers=admin, json={})
        assert response.status_code == 422, (method, url, response.text)
        problem = response.json()
        assert response.headers["content-type"].startswith("application/problem+json")
        assert name in {e["field"].split(".")[-1] for e in problem["errors"]}


def test_anonymous_huge_offset_is_a_422(client: TestClient) -> None:
    for url in ("/api/v1/needs", "/api/v1/organisations", "/api/v1/search/needs?q=data"):
        response = client.get(url, params={"offset": HUGE})
        assert response.status_code in (401, 422), (url, response.text)
    response = client.get("/api/v1/needs", params={"offset": HUGE})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "query.offset"


def test_pages_answer_huge_ids_with_the_not_found_page(
    client: TestClient, session: Session
) -> None:
    login(client, session, "coordinator")
    sign_in(client, COORDINATOR)
    for url in (
        f"/allocations/{HUGE}",
        f"/job-dating/{HUGE}",
        f"/hackathons/{HUGE}",
        f"/job-dating/{HUGE}/agenda.csv",
        "/allocations/abc",
    ):
        page = client.get(url)
        assert page.status_code == 404, (url, page.text[:200])
        assert page.headers["content-type"].startswith("text/html")
        assert "introuvable" in page.text.lower()
    assert client.get(f"/revue?page={HUGE}").status_code == 200
    token = form_token(client, "/revue")
    decided = client.post(
        f"/revue/{HUGE}/decision", data={"action": "approve", "csrf_token": token}
    )
    assert decided.status_code == 404


def test_a_refused_body_is_explained_in_the_callers_language_field_by_field(
    client: TestClient, session: Session
) -> None:
    """pydantic writes its own messages in English: each is said again in the caller's
    language, with the limit or the accepted values it names."""
    ref, mine = empty_student(client, "langue@exemple.fr")
    french = {
        "headline": ("x" * 5000, "string_too_long", "headline : au plus 300 caractères."),
        "skills": ("Python", "list_type", "skills : une liste est attendue."),
        "nope": (1, "extra_forbidden", "nope : champ inconnu."),
    }
    for field, (value, code, message) in french.items():
        answer = client.patch(f"/api/v1/people/{ref}", json={field: value}, headers=mine)
        assert answer.status_code == 422
        assert answer.json()["errors"] == [{"field": field, "code": code, "message": message}]
    level = client.patch(f"/api/v1/people/{ref}", json={"level": "bac+9"}, headers=mine)
    said = level.json()["errors"][0]["message"]
    assert said.startswith("level : valeur non acceptée ; attendu : 'bac'")
    assert said.endswith("'bac+5' ou 'doctorat'.")
    broken = client.patch(
        f"/api/v1/people/{ref}",
        content=b'{"headline": ',
        headers=mine | {"Content-Type": "application/json"},
    )
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["message"].startswith(
        "Le corps de la requête n'est pas un JSON valide"
    )
    english = client.patch(
        f"/api/v1/people/{ref}",
        json={"headline": "x" * 5000, "level": "bac+9"},
        headers=mine | {"Accept-Language": "en"},
    )
    messages = [e["message"] for e in english.json()["errors"]]
    assert messages[0] == "headline: at most 300 characters."
    assert messages[1].endswith("'bac+5' or 'doctorat'.")
    assert not any("should" in m for m in messages)  # not pydantic's own text
    # Nothing was written by any of them.
    profile = client.get(f"/api/v1/people/{ref}", headers=mine).json()
    assert profile["headline"] != "x" * 5000


# pydantic's own wording: what no refusal may show a caller, in either language.
PYDANTIC_ENGLISH = re.compile(
    r"\bshould\b|^Field required|Extra inputs|Invalid JSON|Datetimes provided|^Value error"
)


def resolved(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema a `$ref` of the OpenAPI document names (the schema itself otherwise)."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def wrong_values(spec: dict[str, Any], schema: dict[str, Any]) -> list[Any]:
    """Values of the wrong type, shape or size for a body field of this JSON schema."""
    schema = resolved(spec, schema)
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return wrong_values(spec, option)
    kind = schema.get("type")
    values: list[Any] = [{"a": 1}]
    if kind == "string":
        values += [123, "", "x" * 100_000, "2027-13-45", "2027-03-18T10:00:00", True]
    elif kind in ("integer", "number"):
        values += ["abc", 1.5, 10**40, -5, True]
    elif kind == "array":
        values += ["x", [{"a": 1}], list(range(30_000))]
    elif kind == "boolean":
        values += ["peut-être", 3]
    else:
        values += [[1], "x", 5]
    return values


def test_every_refused_body_field_is_explained_in_french_or_english(
    client: TestClient, session: Session
) -> None:
    """Every body field of every API operation, sent with a wrong type, shape or size (and
    NaN or infinity, which Python's JSON reader takes): a 4xx whose every message is the
    service's own French or English, never pydantic's text and never a 500."""
    admin = login(client, session, "admin")
    spec = client.app.openapi()  # type: ignore[attr-defined]
    refused = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            schema = resolved(spec, body["schema"])
            for field, prop in schema.get("properties", {}).items():
                raw = [json.dumps({field: v}) for v in wrong_values(spec, prop)]
                raw += [f'{{"{field}": {number}}}' for number in ("NaN", "-Infinity", "1e400")]
                for i, content in enumerate(raw):
                    lang = ("fr", "en")[i % 2]
                    answer = client.request(
                        method.upper(),
                        concrete(path),
                        content=content,
                        headers=admin
                        | {"Content-Type": "application/json", "Accept-Language": lang},
                    )
                    assert answer.status_code < 500, (method, path, content[:80], answer.text)
                    if answer.status_code != 422:
                        continue
                    refused += 1
                    for error in answer.json()["errors"]:
                        said = error["message"]
                        assert not PYDANTIC_ENGLISH.search(said), (method, path, lang, error)
    assert refused > 300  # every operation's fields were reached, not turned away before


def test_a_nul_in_a_sign_in_address_is_wrong_credentials_not_a_500(client: TestClient) -> None:
    """Sign-in reads the address as typed (PostgreSQL refuses NUL in any text it is sent)."""
    token = client.post("/api/v1/auth/token", data={"username": "a\x00b@t.fr", "password": "x"})
    assert token.status_code == 401 and token.json()["code"] == "wrong_credentials"
    form = {"email": "a\x00b@t.fr", "password": "x", "csrf_token": form_token(client, "/connexion")}
    signed = client.post("/connexion", data=form, follow_redirects=False)
    assert signed.status_code == 401 and signed.headers["content-type"].startswith("text/html")


def test_no_query_sends_a_nul_to_either_database(session: Session) -> None:
    """The floor beneath every path: a NUL in any parameter is a 422, on SQLite as on
    PostgreSQL (which refuses it with an error of its own), and nothing is written."""
    from api.core.errors import AppError
    from api.models import User

    with pytest.raises(AppError) as refused:
        session.execute(select(User).where(User.email == "a\x00b@t.fr"))
    assert refused.value.status_code == 422 and "U+0000" in refused.value.message
    session.rollback()
    org = session.scalars(select(Organisation)).first()
    assert org is not None
    name = org.name
    org.name = "Nom\x00piégé"
    with pytest.raises(AppError):
        session.commit()
    session.rollback()
    session.refresh(org)
    assert org.name == name


def test_control_characters_are_refused_in_one_line_fields(
    client: TestClient, session: Session
) -> None:
    ref, mine = empty_student(client, "controle@exemple.fr")
    for field in ("headline", "town", "programme"):
        response = client.patch(f"/api/v1/people/{ref}", json={field: "a\x00b"}, headers=mine)
        assert response.status_code == 422, response.text
        error = response.json()["errors"][0]
        assert (error["field"], error["code"]) == (field, "control_characters")
        assert error["message"] == f"Caractère de contrôle interdit dans {field}."
    english = client.patch(
        f"/api/v1/people/{ref}",
        json={"skills": ["Python", "S\x1bQL"]},
        headers=mine | {"Accept-Language": "en"},
    )
    assert english.status_code == 422
    assert english.json()["errors"][0]["field"] == "skills.1"
    assert english.json()["errors"][0]["message"] == "Control character not allowed in skills.1."

    # Tab and line breaks are text in a multi-line field; a NUL is not.
    ok = client.patch(
        f"/api/v1/people/{ref}", json={"summary": "Ligne 1\n\tLigne 2\r\n"}, headers=mine
    )
    assert ok.status_code == 200, ok.text
    assert "\t" in ok.json()["summary"]
    nul = client.patch(f"/api/v1/people/{ref}", json={"summary": "a\x00"}, headers=mine)
    assert nul.status_code == 422 and nul.json()["errors"][0]["field"] == "summary"


def test_control_characters_are_refused_everywhere_text_comes_in(
    client: TestClient, session: Session
) -> None:
    signup = client.post(
        "/api/v1/auth/signup",
        json={
            "email": "nul@exemple.fr",
            "password": "un mot de passe long",
            "role": "student",
            "first_name": "Lé\x00a",
        },
    )
    assert signup.status_code == 422 and signup.json()["errors"][0]["field"] == "first_name"

    admin = login(client, session, "admin")
    org = session.scalars(select(Organisation).where(Organisation.kind == "company")).first()
    assert org is not None
    need: dict[str, Any] = {"title": "Stage\x07", "organisation": org.ref}
    response = client.post("/api/v1/needs", json=need, headers=admin)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "title"
    described = {"title": "Stage", "organisation": org.ref, "description": "a\nb\tc"}
    assert client.post("/api/v1/needs", json=described, headers=admin).status_code == 201

    coordinator = login(client, session, "coordinator")
    bad: list[tuple[str, dict[str, Any], str]] = [
        ("/api/v1/hackathons", {"name": "H\x00", "participants": ["x"]}, "name"),
        ("/api/v1/job-dating", {"name": "J", "date": "2027-03-18", "place": "\x00"}, "place"),
        ("/api/v1/allocations", {"pinned": [["P\x00", "N"]]}, "pinned.0.0"),
    ]
    for url, body, field in bad:
        response = client.post(url, json=body, headers=coordinator)
        assert response.status_code == 422, (url, response.text)
        assert field in {e["field"] for e in response.json()["errors"]}, response.text

    for url in (
        "/api/v1/needs?territory=Dun%00kerque",
        "/api/v1/people/P%00X",
        "/api/v1/needs/N%01",
        "/api/v1/search/needs?q=data%00",
    ):
        response = client.get(url, headers=admin)
        assert response.status_code == 422, (url, response.text)
        assert response.json()["errors"][0]["code"] == "control_characters"


def test_profile_form_names_the_field_with_a_control_character(client: TestClient) -> None:
    empty_student(client, "forme@exemple.fr")
    sign_in(client, "forme@exemple.fr", "un mot de passe long")
    token = form_token(client, "/profil")
    page = client.post("/profil", data={"headline": "Data\x00", "summary": "", "csrf_token": token})
    assert page.status_code == 422
    assert "Caractère de contrôle interdit" in page.text


def test_import_row_with_a_control_character_is_a_row_error(
    client: TestClient, session: Session
) -> None:
    coordinator = login(client, session, "coordinator")
    org = session.scalars(select(Organisation)).first()
    assert org is not None
    rows = [
        {"id": "CTL-N1", "organisation_id": org.ref, "title": "Stage"},
        {"id": "CTL-N2", "organisation_id": org.ref, "title": "Stage\x00 data"},
    ]
    data = "\n".join(json.dumps(r) for r in rows).encode()
    answer = client.post(
        "/api/v1/imports/needs",
        headers=coordinator,
        params={"dry_run": True},
        files={"file": ("n.jsonl", data, "application/octet-stream")},
    )
    assert answer.status_code == 200, answer.text
    errors = answer.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "title")]
    assert errors[0]["message"].startswith("caractère de contrôle interdit")
    assert session.scalar(select(Need).where(Need.ref == "CTL-N1")) is None


def test_dates_are_days_not_naive_times(client: TestClient, session: Session) -> None:
    ref, mine = empty_student(client, "dates@exemple.fr")
    naive = client.patch(
        f"/api/v1/people/{ref}", json={"available_from": "2027-03-18T10:00:00"}, headers=mine
    )
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["field"] == "available_from"
    expected = "Date attendue au format AAAA-MM-JJ, sans heure, dans available_from."
    assert naive.json()["errors"][0]["message"] == expected
    day = client.patch(f"/api/v1/people/{ref}", json={"available_from": "2027-03-18"}, headers=mine)
    assert day.status_code == 200
    query = client.get(
        f"/api/v1/people/{ref}/recommendations",
        params={"start_from": "2027-01-01T00:00:00"},
        headers=mine,
    )
    assert query.status_code == 422 and query.json()["errors"][0]["field"] == "query.start_from"
