"""Learning from the region's decisions: the pairs recorded, and `passerelle learn` on a season
of simulated coordinator decisions over the demo region."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.engine.service import MatchingService, to_need
from api.learning import repository
from api.learning.service import latest_decisions, learn
from api.models import Interest, Need, Person, Shortlist, Suggestion, SuggestionEvent
from matching.rerank import load_reranker, save_reranker

pytestmark = pytest.mark.db
START = datetime(2026, 3, 2, 9, tzinfo=UTC)
COORDINATOR = "coordination@region.fr"


def _season(
    session: Session, matching: MatchingService, keep: Callable[[Need, Person, int], bool]
) -> int:
    """Coordinators decide on the 8 best candidates of 32 needs, one decision an hour."""
    indexes = matching.indexes(session)
    needs = session.scalars(select(Need).where(Need.is_open).order_by(Need.ref)).all()[:32]
    people = {p.ref: p for p in session.scalars(select(Person))}
    moment = START
    for need in needs:
        for suggestion in indexes.rank_people(to_need(need), 8, explain=0):
            person = people[suggestion.doc_id]
            kept = keep(need, person, suggestion.rank)
            status = "approved" if kept else "rejected"
            row = Suggestion(
                person_id=person.id,
                need_id=need.id,
                score=suggestion.score,
                explanation={},
                status=status,
            )
            row.events = [
                SuggestionEvent(
                    actor="engine", from_status=None, to_status="proposed", created_at=moment
                ),
                SuggestionEvent(
                    actor=COORDINATOR,
                    from_status="proposed",
                    to_status=status,
                    reason="" if kept else "hors territoire",
                    created_at=moment + timedelta(minutes=5),
                ),
            ]
            session.add(row)
            moment += timedelta(hours=1)
    session.flush()
    return int((moment - START) / timedelta(hours=1))


def test_decisions_of_every_kind_become_labelled_pairs(session: Session) -> None:
    need = session.scalars(select(Need).order_by(Need.ref)).first()
    a, b, c = session.scalars(select(Person).order_by(Person.ref)).all()[:3]
    assert need is not None
    row = Suggestion(person_id=a.id, need_id=need.id, score=1.0, explanation={}, status="rejected")
    row.events = [
        SuggestionEvent(actor=COORDINATOR, to_status="approved", created_at=START),
        SuggestionEvent(
            actor=COORDINATOR,
            from_status="approved",
            to_status="rejected",
            reason="déjà en poste",
            created_at=START + timedelta(days=1),
        ),
    ]
    session.add_all(
        [
            row,
            Shortlist(need_id=need.id, person_id=b.id, created_at=START + timedelta(hours=2)),
            Interest(person_id=c.id, need_id=need.id, created_at=START + timedelta(hours=3)),
        ]
    )
    session.flush()
    decisions = repository.decisions(session)
    assert {(d.person_id, d.source, d.kept) for d in decisions} == {
        (a.id, "coordinator", True),
        (a.id, "coordinator", False),
        (b.id, "company", True),
        (c.id, "student", True),
    }
    latest = {d.person_id: d for d in latest_decisions(decisions)}
    assert not latest[a.id].kept and latest[a.id].reason == "déjà en poste"  # the later word
    assert [d.person_id for d in latest_decisions(decisions)] == [b.id, c.id, a.id]


@pytest.mark.slow  # ranks and explains a season of decisions (~20 s): make test runs it
def test_learn_picks_up_a_preference_for_the_needs_territory(
    session: Session, matching_service: MatchingService, tmp_path: Path
) -> None:
    made = _season(
        session, matching_service, lambda need, person, _rank: person.territory == need.territory
    )
    path = tmp_path / "reranker.json"
    report = learn(session, matching_service, path)
    assert report.pairs == report.decisions == made > 200
    assert report.by_source == {"coordinator": made}
    holdout = report.holdout
    assert holdout is not None and holdout.beats_base, holdout
    assert holdout.ndcg_model > holdout.ndcg_base and holdout.auc_model > holdout.auc_base
    model = load_reranker(path)
    assert model is not None
    weights = model.weights()
    assert max(weights, key=lambda k: abs(weights[k])) == "same_territory"
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["in_use"] is True and saved["report"]["test"] == holdout.test


@pytest.mark.slow
def test_learn_keeps_the_base_order_when_the_region_follows_it(
    session: Session, matching_service: MatchingService, tmp_path: Path
) -> None:
    _season(session, matching_service, lambda _need, _person, rank: rank <= 3)
    path = tmp_path / "reranker.json"
    report = learn(session, matching_service, path)
    holdout = report.holdout
    assert holdout is not None and not holdout.beats_base
    assert holdout.ndcg_base == pytest.approx(1.0)
    assert load_reranker(path) is None
    assert json.loads(path.read_text(encoding="utf-8"))["in_use"] is False


def test_learn_without_decisions_says_so(
    session: Session, matching_service: MatchingService, tmp_path: Path
) -> None:
    report = learn(session, matching_service, tmp_path / "reranker.json")
    assert report.pairs == 0 and report.holdout is not None
    assert report.holdout.reason == "too_few_decisions"
    assert load_reranker(tmp_path / "reranker.json") is None


def test_learn_refuses_a_hold_out_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    from api.cli import main

    assert main(["learn", "--holdout", "1.5"]) == 2
    err = capsys.readouterr().err
    assert "--holdout" in err and len(err.strip().splitlines()) == 1


def test_every_reason_is_worded_in_french_and_english() -> None:
    from api.cli import LEARN_REASONS
    from matching.rerank import REASONS

    assert set(LEARN_REASONS) == set(REASONS)
    assert all(" / " in text for text in LEARN_REASONS.values())


@pytest.mark.slow  # a season of decisions, `learn`, then rankings through HTTP (~30 s)
def test_rankings_follow_what_learn_accepted_and_say_so(
    client: TestClient,
    session: Session,
    matching_service: MatchingService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Coordinators kept the candidates of the need's own territory: once `learn` accepts the
    model, candidates of other needs come in that order too, and the explanation says why."""
    from api.engine.service import RerankerFile
    from tests.api.test_recommendations_review import login

    _season(session, matching_service, lambda need, person, _r: person.territory == need.territory)
    path = tmp_path / "reranker.json"
    source = RerankerFile(path, check_every=0)
    monkeypatch.setattr(matching_service, "reranker", source)
    others = session.scalars(select(Need).where(Need.is_open).order_by(Need.ref)).all()[32:44]
    headers = login(client, session, "coordinator")

    def top(need: Need) -> list[dict[str, Any]]:
        response = client.get(
            f"/api/v1/needs/{need.ref}/candidates", params={"limit": 10}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()["items"]  # type: ignore[no-any-return]

    before = {need.ref: top(need) for need in others}  # no model yet: the base order
    report = learn(session, matching_service, path)
    assert report.holdout is not None and report.holdout.beats_base
    after = {need.ref: top(need) for need in others}

    def local(ranked: dict[str, list[dict[str, Any]]]) -> int:
        territory = {n.ref: n.territory for n in others}
        return sum(
            item["territory"] == territory[ref] for ref, items in ranked.items() for item in items
        )

    assert local(after) >= local(before) + 10, (local(before), local(after))
    moved = [
        item
        for ref in after
        for place, item in enumerate(after[ref])
        if place >= len(before[ref]) or before[ref][place]["ref"] != item["ref"]
    ]
    assert moved
    assert all(
        "Ordre ajusté selon les décisions de la région" in item["explanation"]["text_fr"]
        and "Order adjusted by learning from the region's decisions"
        in item["explanation"]["text_en"]
        for item in moved
    )
    # A later `learn` that does not beat the base puts the base order back at once.
    save_reranker(path, None, replace(report.holdout, beats_base=False, reason="not_better"))
    assert {ref: [i["ref"] for i in items] for ref, items in ((n.ref, top(n)) for n in others)} == {
        ref: [i["ref"] for i in items] for ref, items in before.items()
    }


@pytest.mark.parametrize("command", ["learn", "propose", "worker"])
def test_commands_score_with_the_servers_engine(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`learn` scores the decided pairs, `propose` and `worker` rank, as the server does: with
    ESCO when ESCO_DIR is set (else the features `learn` learns from are not the ones rankings
    give it, and it would recompute the whole index made with ESCO)."""
    import api.engine.service
    from api.cli import main

    seen: dict[str, Any] = {}

    class Stop(Exception):
        pass

    def engine(*args: Any, **kwargs: Any) -> None:
        seen.update(kwargs)
        raise Stop

    monkeypatch.setattr(api.engine.service, "MatchingService", engine)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("ESCO_DIR", str(tmp_path / "esco"))
    with pytest.raises(Stop):
        main([command])
    assert seen["esco_dir"] == tmp_path / "esco"
    if command != "learn":  # learning itself scores with the base ranker only
        assert seen["reranker_file"] is not None
