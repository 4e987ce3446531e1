"""Rules of partnerships: who proposes a collaboration on which need, who reads the proposals,
and which labs and researchers a company with an R&D need sees as partners."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from api.collaborations import repository
from api.collaborations.schemas import ProposalIn
from api.core.audit import record
from api.core.errors import Conflict, Forbidden
from api.core.policy import ensure_need_owner_or_staff, is_staff
from api.core.repository import get_or_404
from api.core.vocabulary import PARTNERSHIP_NEED_KINDS
from api.engine.service import MatchingService
from api.models import CollaborationProposal, Need, Organisation, Person, User
from api.recommendations import repository as recommendations_repository
from api.recommendations import service as recommendations
from api.recommendations.schemas import RecommendationOut


def is_partnership(need: Need) -> bool:
    """A need a researcher answers as a partner (R&D, CIFRE thesis), not a post to take."""
    return need.kind in PARTNERSHIP_NEED_KINDS


def partnership_refs(session: Session, refs: Iterable[str]) -> set[str]:
    """Which of these needs a researcher answers by proposing a collaboration."""
    return {
        ref
        for ref, kind in repository.kinds_of(session, refs).items()
        if kind in PARTNERSHIP_NEED_KINDS
    }


def proposed_refs(session: Session, person: Person) -> set[str]:
    """References of the needs the person proposed a collaboration on."""
    return repository.proposed_need_refs(session, person.id)


def _researcher(user: User) -> Person:
    if user.role != "researcher" or user.person is None:
        raise Forbidden("researchers_only")
    return user.person


def proposable_need(session: Session, user: User, ref: str) -> Need:
    """The need a researcher is about to propose a collaboration on, if they may."""
    _researcher(user)
    need = get_or_404(session, Need, ref)
    if not is_partnership(need):
        raise Conflict("not_a_partnership", kind=need.kind)
    if not need.is_open:
        raise Conflict("need_closed")
    return need


def proposal_of(session: Session, user: User, need: Need) -> CollaborationProposal | None:
    """The researcher's own proposal on this need, if they made one."""
    if user.person_id is None:
        return None
    return repository.find(session, need.id, user.person_id)


def propose(session: Session, user: User, ref: str, body: ProposalIn) -> CollaborationProposal:
    """A researcher proposes a collaboration: a message recorded for the need's organisation."""
    person = _researcher(user)
    need = proposable_need(session, user, ref)
    if repository.find(session, need.id, person.id) is not None:
        raise Conflict("already_proposed")
    proposal = CollaborationProposal(need=need, person=person, message=body.message)
    session.add(proposal)
    session.flush()
    record(session, user, "collaboration.propose", "need", need.ref, person=person.ref)
    return proposal


def proposals_for_need(session: Session, user: User, ref: str) -> list[CollaborationProposal]:
    """The proposals received on a need: for its organisation and the coordinators."""
    need = get_or_404(session, Need, ref)
    ensure_need_owner_or_staff(user, need)
    return repository.for_need(session, need.id)


def list_proposals(
    session: Session, user: User, *, limit: int, offset: int
) -> tuple[list[CollaborationProposal], int]:
    """A researcher's proposals, those a company received, or all of them for the staff."""
    if is_staff(user):
        return repository.listed(
            session, person_id=None, organisation_id=None, limit=limit, offset=offset
        )
    if user.role == "researcher" and user.person_id is not None:
        return repository.listed(
            session, person_id=user.person_id, organisation_id=None, limit=limit, offset=offset
        )
    if user.role == "company" and user.organisation_id is not None:
        return repository.listed(
            session,
            person_id=None,
            organisation_id=user.organisation_id,
            limit=limit,
            offset=offset,
        )
    raise Forbidden("collaborations_restricted")


@dataclass
class Lab:
    """A laboratory whose researchers fit the need, best first."""

    organisation: Organisation
    researchers: list[Person] = field(default_factory=list)


@dataclass
class Partners:
    """Researchers ranked for an R&D need (those the company may see), and their labs."""

    ranked: list[tuple[RecommendationOut, Person]]
    labs: list[Lab]


def partners_for_need(
    session: Session, matching: MatchingService, user: User, need: Need, limit: int = 6
) -> Partners:
    """The researchers and labs a company with an R&D need may approach as partners."""
    if not is_partnership(need):
        return Partners(ranked=[], labs=[])
    page = recommendations.candidates_for_need(
        session, matching, user, need.ref, territory=None, kind="researcher", limit=limit, offset=0
    )
    people = recommendations_repository.people_by_ref(session, [i.ref for i in page.items])
    ranked = [(item, people[item.ref]) for item in page.items if item.ref in people]
    labs: dict[int, Lab] = {}
    for _item, person in ranked:
        org = person.organisation
        if org is not None and org.kind == "lab":
            labs.setdefault(org.id, Lab(org)).researchers.append(person)
    return Partners(ranked=ranked, labs=list(labs.values()))
