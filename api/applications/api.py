"""JSON endpoints of applications: apply to a need (message and optional PDF CV), read one's
own, read a need's (its organisation and coordinators), move or withdraw one, fetch a CV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse

from api.applications import cv as cvs
from api.applications import service
from api.applications.schemas import ApplicationOut, StatusChange
from api.core.deps import CurrentUser, SessionDep
from api.core.inputs import DbId, RefPath, Text

router = APIRouter(prefix="/api/v1", tags=["candidatures / applications"])

REFUSALS = {
    403: {"description": "Entreprises et coordination ne postulent pas / not for companies"},
    409: {"description": "Déjà postulé, besoin fermé ou date limite passée / refused"},
    422: {"description": "CV non PDF, trop lourd (5 Mo) ou illisible : rien n'est enregistré"},
}


def read_cv_upload(upload: UploadFile | str | None) -> cvs.ReadCv | None:
    """The uploaded CV, checked; None when the form sent none (an empty field).

    A `cv` part sent as plain text rather than as a file is read as its bytes: it is then
    refused as not being a PDF, like any other file that is not one.
    """
    if upload is None or upload == "":
        return None
    if isinstance(upload, str):
        return cvs.read_cv(upload.encode()[: cvs.MAX_CV_BYTES + 1], "cv.pdf")
    if not upload.filename:
        return None
    data = upload.file.read(cvs.MAX_CV_BYTES + 1)
    return cvs.read_cv(data, upload.filename)


@router.post(
    "/needs/{ref}/applications",
    response_model=ApplicationOut,
    status_code=201,
    responses=REFUSALS,  # type: ignore[arg-type]
)
def apply(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    ref: RefPath,
    message: Annotated[Text, Form(max_length=service.MAX_MESSAGE)] = "",
    cv: Annotated[UploadFile | str | None, File(description="CV en PDF, 5 Mo au plus")] = None,
) -> ApplicationOut:
    """Postuler à un besoin / apply to a need (multipart : message, cv).

    Les compétences du vocabulaire trouvées dans le CV sont proposées (`cv.skills`).
    """
    read = read_cv_upload(cv)
    data_dir = request.app.state.settings.data_dir
    application = service.apply(
        session, request.app.state.matching, user, ref, message, read, data_dir
    )
    return service.application_out(application)


@router.get("/needs/{ref}/applications", response_model=list[ApplicationOut])
def need_applications(session: SessionDep, user: CurrentUser, ref: RefPath) -> list[ApplicationOut]:
    """Candidatures reçues pour un besoin / a need's applications (its organisation, staff)."""
    _need, items = service.for_need(session, user, ref)
    return [service.application_out(a) for a in items]


@router.get("/me/applications", response_model=list[ApplicationOut])
def my_applications(session: SessionDep, user: CurrentUser) -> list[ApplicationOut]:
    """Mes candidatures et leur statut / my applications and their status."""
    return [service.application_out(a) for a in service.mine(session, user)]


@router.post("/applications/{application_id}/status", response_model=ApplicationOut)
def change_status(
    session: SessionDep, user: CurrentUser, application_id: DbId, body: StatusChange
) -> ApplicationOut:
    """Faire avancer une candidature (l'entreprise du besoin) / move an application on.

    reçue → vue → entretien → retenue → embauche ; refusée avec un motif.
    """
    return service.application_out(service.change_status(session, user, application_id, body))


@router.post("/applications/{application_id}/withdrawal", response_model=ApplicationOut)
def withdraw(session: SessionDep, user: CurrentUser, application_id: DbId) -> ApplicationOut:
    """Retirer sa candidature / withdraw one's application."""
    return service.application_out(service.withdraw(session, user, application_id))


@router.get(
    "/applications/{application_id}/cv",
    response_class=FileResponse,
    responses={200: {"content": {"application/pdf": {}}}},
)
def download_cv(
    request: Request, session: SessionDep, user: CurrentUser, application_id: DbId
) -> FileResponse:
    """Le CV d'une candidature (candidat, entreprise du besoin, coordination) / the CV."""
    path, name = service.cv_path(session, user, application_id, request.app.state.settings.data_dir)
    return cvs.download(path, name)
