"""JSON endpoints of people: the directory of people and organisations, and one's own data.

Organisations are public; people are personal data, shown only to those the policy lets see
them (api.core.policy): staff, the person themself, and companies they consented to or were
introduced to.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from api.core.deps import CurrentUser, PageDep, SessionDep
from api.core.inputs import Line, RefPath
from api.core.pagination import Paginated
from api.core.unit_of_work import ranking_turn
from api.core.vocabulary import OrganisationKindName, PersonKindName
from api.people import service
from api.people.schemas import (
    ConsentIn,
    ConsentOut,
    OrganisationOut,
    PersonExport,
    PersonOut,
    ProfileUpdate,
    ReadingOut,
)

directory = APIRouter(prefix="/api/v1", tags=["annuaire / directory"])
profiles = APIRouter(prefix="/api/v1/people", tags=["profils / profiles"])

Territory = Annotated[
    Line | None, Query(description="Territoire / territory, ex. « Dunkerque »", max_length=60)
]
SkillFilter = Annotated[
    list[Line], Query(description="Compétence(s) exigée(s), toutes / required skill(s), all")
]
OrgRef = Annotated[Line | None, Query(description="Référence de l'organisation", max_length=40)]


@directory.get("/organisations", response_model=Paginated[OrganisationOut])
def list_organisations(
    session: SessionDep,
    page: PageDep,
    kind: OrganisationKindName | None = None,
    territory: Territory = None,
    sector: Annotated[Line | None, Query(max_length=120)] = None,
) -> Paginated[OrganisationOut]:
    items, total = service.list_organisations(
        session, kind=kind, territory=territory, sector=sector, limit=page.limit, offset=page.offset
    )
    return Paginated(
        items=[OrganisationOut.model_validate(o) for o in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@directory.get("/organisations/{ref}", response_model=OrganisationOut)
def get_organisation(session: SessionDep, ref: RefPath) -> OrganisationOut:
    return OrganisationOut.model_validate(service.get_organisation(session, ref))


@directory.get("/people", response_model=Paginated[PersonOut])
def list_people(
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    kind: PersonKindName | None = None,
    territory: Territory = None,
    skill: SkillFilter = [],  # noqa: B006 - FastAPI copies defaults per request
    organisation: OrgRef = None,
) -> Paginated[PersonOut]:
    """Personnes que l'utilisateur peut voir / people the caller may see.

    Coordinateurs : tout le monde ; entreprises : profils consentants ou présentés ;
    étudiants et chercheurs : leur propre profil.
    """
    items, total = service.list_people(
        session,
        user,
        kind=kind,
        territory=territory,
        skills=skill,
        organisation=organisation,
        limit=page.limit,
        offset=page.offset,
    )
    return Paginated(
        items=[PersonOut.model_validate(p) for p in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@directory.get("/people/{ref}", response_model=PersonOut)
def get_person(session: SessionDep, user: CurrentUser, ref: RefPath) -> PersonOut:
    """Un profil, s'il est visible (404 sinon) / one profile, if visible (404 otherwise)."""
    return PersonOut.model_validate(service.get_person(session, user, ref))


@directory.get(
    "/people/{ref}/reading", response_model=ReadingOut, dependencies=[Depends(ranking_turn)]
)
def read_person(
    request: Request, session: SessionDep, user: CurrentUser, ref: RefPath
) -> ReadingOut:
    """Comment le moteur lit ce profil : ses métiers ESCO les plus probables, la preuve qui
    pèse le plus dans les classements / how the engine reads this profile: its likeliest ESCO
    occupations, the evidence rankings weigh most (404 if not visible)."""
    return service.person_reading(session, request.app.state.matching, user, ref)


@profiles.patch("/{ref}", response_model=PersonOut)
def update_profile(
    session: SessionDep, user: CurrentUser, ref: RefPath, body: ProfileUpdate
) -> PersonOut:
    """Modifier son profil (champs absents inchangés) / edit one's profile (partial update)."""
    return PersonOut.model_validate(service.update_profile(session, user, ref, body))


@profiles.put("/{ref}/consent", response_model=ConsentOut)
def set_consent(
    session: SessionDep, user: CurrentUser, ref: RefPath, body: ConsentIn
) -> ConsentOut:
    """Autoriser ou non les entreprises à voir son profil / let companies see one's profile."""
    return ConsentOut.model_validate(service.set_consent(session, user, ref, body))


@profiles.get("/{ref}/export", response_model=PersonExport)
def export_person(
    session: SessionDep, user: CurrentUser, ref: RefPath, response: Response
) -> PersonExport:
    """Toutes ses données, en JSON (droit d'accès et portabilité) / all one's data as JSON."""
    export = service.export_person(session, user, ref)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="passerelle-{export.profile.ref}.json"'
    )
    return export


@profiles.delete("/{ref}", status_code=204, response_class=Response)
def erase_person(
    request: Request, session: SessionDep, user: CurrentUser, ref: RefPath
) -> Response:
    """Effacer son compte et son profil (droit à l'effacement) / erase one's account and profile.

    Suggestions and their decision history are kept for the coordinators' statistics, with the
    person removed (person NULL) and their name and e-mail scrubbed from the texts.
    """
    service.erase_person(
        session, request.app.state.matching, user, ref, request.app.state.settings.data_dir
    )
    return Response(status_code=204)


# The directory's reads first, then a person's own data (the order the app always had).
router = APIRouter()
router.include_router(directory)
router.include_router(profiles)
