"""Read endpoints of the directory: organisations, people and needs, filtered and paginated.

Organisations and needs are public; people are personal data, shown only to those the policy
lets see them (api.core.policy): staff, the person themself, and companies they consented to or
were introduced to.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api import repository
from api.core import policy
from api.core.deps import CurrentUser, PageDep, SessionDep
from api.core.errors import NotFound
from api.core.pagination import Paginated
from api.models import Need, Organisation, Person
from api.schemas import NeedOut, OrganisationOut, PersonOut

router = APIRouter(prefix="/api/v1", tags=["annuaire / directory"])

Territory = Annotated[
    str | None, Query(description="Territoire / territory, ex. « Dunkerque »", max_length=60)
]
SkillFilter = Annotated[
    list[str], Query(description="Compétence(s) exigée(s), toutes / required skill(s), all")
]
OrgRef = Annotated[str | None, Query(description="Référence de l'organisation", max_length=40)]


@router.get("/organisations", response_model=Paginated[OrganisationOut])
def list_organisations(
    session: SessionDep,
    page: PageDep,
    kind: Literal["company", "school", "lab"] | None = None,
    territory: Territory = None,
    sector: Annotated[str | None, Query(max_length=120)] = None,
) -> Paginated[OrganisationOut]:
    items, total = repository.list_organisations(
        session, kind=kind, territory=territory, sector=sector, limit=page.limit, offset=page.offset
    )
    return Paginated(
        items=[OrganisationOut.model_validate(o) for o in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/organisations/{ref}", response_model=OrganisationOut)
def get_organisation(session: SessionDep, ref: str) -> OrganisationOut:
    found = repository.get_by_ref(session, Organisation, ref)
    if found is None:
        raise NotFound("Organisation", ref)
    return OrganisationOut.model_validate(found)


@router.get("/people", response_model=Paginated[PersonOut])
def list_people(
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    kind: Literal["student", "researcher"] | None = None,
    territory: Territory = None,
    skill: SkillFilter = [],  # noqa: B006 - FastAPI copies defaults per request
    organisation: OrgRef = None,
) -> Paginated[PersonOut]:
    """Personnes que l'utilisateur peut voir / people the caller may see.

    Coordinateurs : tout le monde ; entreprises : profils consentants ou présentés ;
    étudiants et chercheurs : leur propre profil.
    """
    items, total = repository.list_people(
        session,
        kind=kind,
        territory=territory,
        skills=skill,
        organisation=organisation,
        limit=page.limit,
        offset=page.offset,
        visible=policy.visible_people_clause(user),
    )
    return Paginated(
        items=[PersonOut.model_validate(p) for p in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/people/{ref}", response_model=PersonOut)
def get_person(session: SessionDep, user: CurrentUser, ref: str) -> PersonOut:
    """Un profil, s'il est visible (404 sinon) / one profile, if visible (404 otherwise)."""
    found = repository.get_by_ref(session, Person, ref)
    if found is None:
        raise NotFound("Personne", ref)
    policy.ensure_view_person(session, user, found)
    return PersonOut.model_validate(found)


@router.get("/needs", response_model=Paginated[NeedOut])
def list_needs(
    session: SessionDep,
    page: PageDep,
    kind: Literal["internship", "apprenticeship", "job", "rd", "hackathon"] | None = None,
    territory: Territory = None,
    skill: SkillFilter = [],  # noqa: B006
    organisation: OrgRef = None,
) -> Paginated[NeedOut]:
    items, total = repository.list_needs(
        session,
        kind=kind,
        territory=territory,
        skills=skill,
        organisation=organisation,
        limit=page.limit,
        offset=page.offset,
    )
    return Paginated(
        items=[NeedOut.model_validate(n) for n in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/needs/{ref}", response_model=NeedOut)
def get_need(session: SessionDep, ref: str) -> NeedOut:
    found = repository.get_by_ref(session, Need, ref)
    if found is None:
        raise NotFound("Besoin", ref)
    return NeedOut.model_validate(found)
