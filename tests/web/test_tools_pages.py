"""Coordinators' allocation pages: launch, compare both methods, pin and forbid, refusals, export."""

from __future__ import annotations

import csv
import io
import re
from typing import get_args

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request

from api.allocations.pages import REFUSALS, refusal_reason
from api.allocations.service import AllocationRefused
from api.core.i18n import translator
from api.models import AllocationRun
from matching.errors import AllocationCode, AllocationError
from tests.web.test_pages import account, csrf, form_token, sign_in, student_without_account

pytestmark = [pytest.mark.db, pytest.mark.slow]  # each run ranks and allocates the whole region


def as_coordinator(client: TestClient, session: Session, email: str) -> None:
    account(session, "coordinator", email)
    sign_in(client, email)


def launch(client: TestClient, **fields: str | list[str]) -> int:
    """Run an allocation from the form; the id of the run the page lands on."""
    data = {"kinds": ["internship"], "candidates_per_person": "10", **fields}
    response = client.post(
        "/allocations",
        data={"csrf_token": form_token(client, "/allocations"), **data},
        follow_redirects=False,
    )
    # The allocation is a background job: the form leads to its progress page, which leads to
    # the run once the job is done (the tests run jobs at once, after the commit).
    assert response.status_code == 303, response.text
    assert re.fullmatch(r"/travaux/\d+", response.headers["location"]), response.headers
    response = client.get(response.headers["location"], follow_redirects=False)
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/allocations/(\d+)", response.headers["location"])
    assert found, response.headers["location"]
    return int(found.group(1))


def cell(html: str, method: str, metric: str) -> str:
    found = re.search(rf'data-method="{method}" data-metric="{metric}">(.*?)</td>', html)
    assert found, f"no {metric} for {method}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def pairs_of(run: AllocationRun, method: str) -> set[tuple[str, str]]:
    return {(p.person_ref, p.need_ref) for p in run.pairs if p.method == method}


def runs(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AllocationRun)) or 0)


def test_coordinator_launches_and_compares_both_methods(
    client: TestClient, session: Session
) -> None:
    as_coordinator(client, session, "coord-alloc@t.fr")
    empty = client.get("/allocations")
    assert empty.status_code == 200
    assert 'href="/allocations" aria-current="page"' in empty.text  # the nav entry
    assert 'name="kinds" value="internship" checked' in empty.text
    assert "Lancer l&#39;allocation" in empty.text

    refused = client.post("/allocations", data={"csrf_token": csrf(empty.text), "kinds": []})
    assert refused.status_code == 422
    assert "Choisissez au moins un type de besoin." in refused.text

    run_id = launch(client)
    page = client.get(f"/allocations/{run_id}")
    assert page.status_code == 200
    assert "Allocation calculée et enregistrée." in page.text
    assert "Stable" in page.text and "Optimale" in page.text
    run = session.get(AllocationRun, run_id)
    assert run is not None
    report = {r["method"]: r for r in run.report["rows"]}
    for method in ("stable", "welfare"):
        row = report[method]
        assert cell(page.text, method, "placed") == f"{row['placed']} / {row['people']}"
        assert cell(page.text, method, "unplaced") == str(row["unplaced"])
        assert len(pairs_of(run, method)) == row["placed"]
    assert report["stable"]["placed"] > 0
    assert report["stable"]["blocking_pairs"] == 0
    assert cell(page.text, "stable", "blocking_pairs") == "0"
    assert cell(page.text, "welfare", "blocking_pairs") == str(report["welfare"]["blocking_pairs"])
    shown_score = cell(page.text, "stable", "total_score").replace("\u202f", "").replace(",", ".")
    assert float(shown_score) == pytest.approx(report["stable"]["total_score"], abs=0.05)
    assert page.text.count('<svg class="bar"') > 4  # share placed and both balance tables
    assert (
        "Part placée par territoire" in page.text and "Part placée par établissement" in page.text
    )

    # Every distinct pair is a row; those kept by one method only are marked, in words too.
    distinct = pairs_of(run, "stable") | pairs_of(run, "welfare")
    assert page.text.count('id="paire-') == len(distinct)
    differing = pairs_of(run, "stable") ^ pairs_of(run, "welfare")
    assert page.text.count('class="is-different"') == len(differing)
    if differing:
        assert "Optimale seulement" in page.text or "Stable seulement" in page.text
        only = client.get(f"/allocations/{run_id}", params={"ecarts": "1"})
        assert only.text.count('id="paire-') == len(differing)

    rates = next(b["rates"] for b in report["stable"]["balance"] if b["attribute"] == "territory")
    territory = rates[0][0]
    filtered = client.get(f"/allocations/{run_id}", params={"territoire": territory})
    assert 0 < filtered.text.count('id="paire-') <= len(distinct)

    listing = client.get("/allocations")
    assert f'href="/allocations/{run_id}"' in listing.text
    api = client.get("/api/v1/allocations").json()
    assert api["items"][0]["id"] == run_id and "pairs" not in api["items"][0]

    english = client.get(f"/langue/en?next=/allocations/{run_id}")
    assert "The two methods compared" in english.text and "Optimal" in english.text


def test_a_pin_from_the_page_is_kept_by_both_methods_and_later_reruns(
    client: TestClient, session: Session
) -> None:
    as_coordinator(client, session, "coord-pin@t.fr")
    run_id = launch(client)
    run = session.get(AllocationRun, run_id)
    assert run is not None
    stable, welfare = pairs_of(run, "stable"), pairs_of(run, "welfare")
    # A pair only the optimal method chose (else any pair): pinning makes both keep it.
    person, need = sorted(welfare - stable or welfare)[0]
    page = client.get(f"/allocations/{run_id}")
    assert f'name="pin" value="{person}|{need}"' in page.text

    pinned = client.post(
        f"/allocations/{run_id}/relancer",
        data={"csrf_token": csrf(page.text), "pin": f"{person}|{need}"},
        follow_redirects=False,
    )
    assert pinned.status_code == 303
    second_id = int(pinned.headers["location"].rsplit("/", 1)[1])
    second = session.get(AllocationRun, second_id)
    assert second is not None and second_id != run_id
    assert second.pinned == [f"{person}|{need}"]
    assert (person, need) in pairs_of(second, "stable")
    assert (person, need) in pairs_of(second, "welfare")
    page = client.get(f"/allocations/{second_id}")
    assert "Allocation relancée avec vos contraintes et enregistrée." in page.text
    assert "Paires épinglées (1)" in page.text
    assert f'name="unpin" value="{person}|{need}"' in page.text

    # Forbidding another pair reruns with the pin still there.
    other = next(p for p in sorted(pairs_of(second, "stable")) if p[0] != person)
    forbidden = client.post(
        f"/allocations/{second_id}/relancer",
        data={"csrf_token": csrf(page.text), "forbid": "|".join(other)},
        follow_redirects=False,
    )
    third = session.get(AllocationRun, int(forbidden.headers["location"].rsplit("/", 1)[1]))
    assert third is not None
    assert third.pinned == [f"{person}|{need}"] and third.forbidden == ["|".join(other)]
    assert other not in pairs_of(third, "stable") | pairs_of(third, "welfare")
    assert (person, need) in pairs_of(third, "stable") & pairs_of(third, "welfare")


def test_an_impossible_pin_is_explained_in_french_and_saves_nothing(
    client: TestClient, session: Session
) -> None:
    as_coordinator(client, session, "coord-refus@t.fr")
    run_id = launch(client)
    run = session.get(AllocationRun, run_id)
    assert run is not None
    person = sorted(pairs_of(run, "stable"))[0][0]
    page = client.get(f"/allocations/{run_id}")
    before = runs(session)

    unknown = client.post(
        f"/allocations/{run_id}/relancer",
        data={
            "csrf_token": csrf(page.text),
            "person_ref": person,
            "need_ref": "BESOIN-INCONNU",
            "action": "pin",
        },
    )
    assert unknown.status_code == 422
    assert 'role="alert"' in unknown.text
    assert "Impossible d&#39;épingler" in unknown.text
    assert "Ce besoin n&#39;est pas pris en compte" in unknown.text
    assert "Aucune nouvelle allocation n&#39;a été enregistrée" in unknown.text
    assert 'value="BESOIN-INCONNU"' in unknown.text  # what was typed is kept
    assert runs(session) == before

    # A pair must name both sides: said in words, before any computing.
    missing = client.post(
        f"/allocations/{run_id}/relancer",
        data={"csrf_token": csrf(page.text), "person_ref": person, "action": "forbid"},
    )
    assert missing.status_code == 422
    assert "Indiquez la référence de la personne et celle du besoin." in missing.text
    assert runs(session) == before


def test_the_csv_export_link_returns_the_pairs(client: TestClient, session: Session) -> None:
    as_coordinator(client, session, "coord-export@t.fr")
    run_id = launch(client)
    run = session.get(AllocationRun, run_id)
    assert run is not None
    page = client.get(f"/allocations/{run_id}")
    link = f"/api/v1/allocations/{run_id}/export.csv"
    assert f'href="{link}"' in page.text
    assert f'href="/api/v1/allocations/{run_id}/export.xlsx"' in page.text
    export = client.get(link)  # the session cookie of the page is enough
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert len(rows) == len(run.pairs)
    assert {(r["methode"], r["personne"], r["besoin"]) for r in rows} == {
        (p.method, p.person_ref, p.need_ref) for p in run.pairs
    }


def test_only_coordinators_reach_the_allocation_pages(client: TestClient, session: Session) -> None:
    anonymous = client.get("/allocations", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/connexion?next=/allocations"
    student = student_without_account(session)
    account(session, "student", "nosy-alloc@t.fr", person_id=student.id)
    sign_in(client, "nosy-alloc@t.fr")
    page = client.get("/allocations")
    assert page.status_code == 403
    assert "Cette page ne vous est pas accessible." in page.text
    assert 'href="/allocations"' not in page.text
    posted = client.post("/allocations", data={"csrf_token": form_token(client, "/profil")})
    assert posted.status_code == 403
    assert client.get("/allocations/1").status_code == 403


def test_a_refused_pin_is_explained_by_the_engines_code(
    client: TestClient, session: Session
) -> None:
    as_coordinator(client, session, "coord-codes@t.fr")
    run_id = launch(client)
    run = session.get(AllocationRun, run_id)
    assert run is not None
    person, need = sorted(pairs_of(run, "stable"))[0]
    page = client.get(f"/allocations/{run_id}")
    banned = client.post(
        f"/allocations/{run_id}/relancer",
        data={"csrf_token": csrf(page.text), "forbid": f"{person}|{need}"},
        follow_redirects=False,
    )
    assert banned.status_code == 303
    banned_id = int(banned.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/allocations/{banned_id}")
    before = runs(session)

    # Pinning the banned pair: the engine's "also_forbidden".
    both = client.post(
        f"/allocations/{banned_id}/relancer",
        data={"csrf_token": csrf(page.text), "pin": f"{person}|{need}"},
    )
    assert both.status_code == 422
    assert "Impossible d&#39;épingler" in both.text
    assert "Une paire ne peut pas être à la fois épinglée et interdite" in both.text

    # Someone outside the allocation: the engine's "unknown_person".
    nobody = client.post(
        f"/allocations/{banned_id}/relancer",
        data={"csrf_token": csrf(page.text), "pin": f"PERSONNE-INCONNUE|{need}"},
    )
    assert nobody.status_code == 422
    assert "Cette personne ne fait pas partie des étudiants et chercheurs" in nobody.text
    assert runs(session) == before


@pytest.mark.parametrize("code", get_args(AllocationCode))
def test_the_refusal_depends_on_the_code_not_the_wording(code: AllocationCode) -> None:
    french = Request({"type": "http", "headers": []})
    english = Request({"type": "http", "headers": [(b"cookie", b"lang=en")]})
    key = REFUSALS.get(code, "allocations.refusal.generic")
    for wording in ("pinned pair ('P', 'N') is also forbidden", "un tout autre texte", ""):
        refused = AllocationRefused(AllocationError(code, wording, person="P", need="N"))
        assert refused.reason == code and refused.status_code == 422
        assert refused.code == "allocation_refused"
        assert refusal_reason(french, refused) == translator("fr")(key)
        assert refusal_reason(english, refused) == translator("en")(key)
