"""A researcher proposes a collaboration on an R&D need; the company and coordinators read it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import CollaborationProposal, Need
from tests.web.test_pages import account, csrf, sign_in
from tests.web.test_profile_pages import form, researcher_without_account

pytestmark = pytest.mark.db

MESSAGE = "Je co-encadre des thèses CIFRE en apprentissage automatique ; notre banc de mesure est disponible."


def test_researcher_proposes_a_collaboration_instead_of_applying(
    client: TestClient, session: Session
) -> None:
    person = researcher_without_account(session)
    account(session, "researcher", "collab-chercheur@t.fr", person_id=person.id)
    sign_in(client, "collab-chercheur@t.fr")
    profile = client.get("/profil").text
    saved = client.post(
        "/profil",
        data=form(profile, seeks=["rd"], offers=["cifre_supervision"], level="doctorat"),
    )
    assert saved.status_code == 200, saved.text

    page = client.get("/recommandations?type=rd")
    assert page.status_code == 200
    refs = re.findall(r'href="/besoins/([^"/]+)/collaboration"', page.text)
    assert refs, "an R&D need is offered as a collaboration"
    assert "À acquérir" not in page.text and "Ça m&#39;intéresse" not in page.text
    assert "Proposer une collaboration" in page.text

    need_ref = refs[0]
    proposal_form = client.get(f"/besoins/{need_ref}/collaboration")
    assert proposal_form.status_code == 200
    need = session.scalars(select(Need).where(Need.ref == need_ref)).one()
    assert need.title in proposal_form.text.replace("&#39;", "'")

    short = client.post(
        f"/besoins/{need_ref}/collaboration",
        data={"csrf_token": csrf(proposal_form.text), "message": "Bonjour"},
    )
    assert short.status_code == 422 and 'id="f-message-error"' in short.text
    assert "20 caractères au moins" in short.text
    assert (
        session.scalar(
            select(CollaborationProposal).where(CollaborationProposal.need_id == need.id)
        )
        is None
    )

    sent = client.post(
        f"/besoins/{need_ref}/collaboration",
        data={"csrf_token": csrf(proposal_form.text), "message": MESSAGE},
    )
    assert sent.status_code == 200  # followed to the list
    assert "Votre proposition de collaboration a été transmise" in sent.text
    assert need.title in sent.text.replace("&#39;", "'")
    again = client.get(f"/besoins/{need_ref}/collaboration")
    assert "Vous avez proposé une collaboration le" in again.text
    after = client.get("/recommandations?type=rd").text
    assert "✓ Collaboration proposée" in after

    # The need's organisation sees it on its need's page, with the partners section.
    account(session, "company", "collab-entreprise@t.fr", organisation_id=need.organisation_id)
    client.post("/deconnexion", data={"csrf_token": csrf(after)})
    sign_in(client, "collab-entreprise@t.fr")
    candidates = client.get(f"/besoins/{need_ref}/candidats")
    assert candidates.status_code == 200
    assert "Laboratoires et chercheurs partenaires" in candidates.text
    assert "1 collaboration proposée" in candidates.text
    assert "co-encadre des thèses CIFRE" in candidates.text
    assert "Encadrement de thèses CIFRE" in candidates.text
    assert "co-encadre des thèses CIFRE" in client.get("/collaborations").text

    account(session, "coordinator", "collab-coord@t.fr")
    client.post("/deconnexion", data={"csrf_token": csrf(candidates.text)})
    sign_in(client, "collab-coord@t.fr")
    listed = client.get("/collaborations")
    assert "co-encadre des thèses CIFRE" in listed.text and person.last_name in listed.text


def test_a_company_with_an_rd_need_sees_labs_and_researchers(
    client: TestClient, session: Session
) -> None:
    need = session.scalars(
        select(Need).where(Need.kind == "rd", Need.is_open).order_by(Need.ref)
    ).first()
    assert need is not None
    account(session, "company", "partenaires@t.fr", organisation_id=need.organisation_id)
    sign_in(client, "partenaires@t.fr")
    page = client.get(f"/besoins/{need.ref}/candidats").text
    section = page.split('id="partenaires"', 1)[1].split("Tous les candidats", 1)[0]
    assert "Laboratoires" in section and section.count('id="partenaire-') >= 1
    internship = session.scalars(
        select(Need).where(Need.kind == "internship", Need.organisation_id == need.organisation_id)
    ).first()
    if internship is not None:  # a plain offer has candidates, not partners
        assert 'id="partenaires"' not in client.get(f"/besoins/{internship.ref}/candidats").text
