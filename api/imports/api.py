"""Bulk endpoints for coordinators: import a CSV, XLSX or JSON Lines file; export suggestions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response

from api.core.deps import Coordinator, SessionDep
from api.core.errors import message_key, problem, request_language
from api.core.i18n import translator
from api.imports.exports import CONTENT_TYPES, ExportFormat, ExportName, export
from api.imports.readers import format_of
from api.imports.schemas import BulkReportOut, Format, Kind
from api.imports.service import read_upload, run_import

router = APIRouter(prefix="/api/v1", tags=["imports et exports / bulk"])


@router.post(
    "/imports/{kind}",
    response_model=BulkReportOut,
    responses={422: {"description": "Erreurs de validation : rien n'a été importé"}},
)
def import_upload(
    request: Request,
    session: SessionDep,
    user: Coordinator,
    kind: Kind,
    file: Annotated[UploadFile, File(description="Fichier .csv, .xlsx ou .jsonl")],
    dry_run: Annotated[
        bool, Query(description="Valider sans rien écrire / validate, write nothing")
    ] = False,
    format: Annotated[
        Format | None, Query(description="Format, sinon l'extension du fichier / file format")
    ] = None,
) -> Any:
    """Importer des organisations, personnes ou besoins, tout ou rien / bulk import, all or none.

    Listes séparées par « ; » dans une cellule ; cellule vide = valeur absente.
    """
    source = file.filename or f"import.{format or 'csv'}"
    fmt = format_of(source, format)
    data = read_upload(file.file, request.app.state.settings.max_request_bytes)
    report = run_import(session, user, kind, data, source=source, fmt=fmt, dry_run=dry_run)
    body = report.as_dict(request_language(request))
    if report.errors and not dry_run:
        t = translator(request_language(request))
        detail = t(message_key("import_rejected"), count=len(report.errors))
        return problem(422, "import_rejected", detail, request, extra=body)
    return body


def _download(
    session: SessionDep, user: Coordinator, name: ExportName, fmt: ExportFormat
) -> Response:
    exported = export(session, user, name, fmt)
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )


@router.get(
    "/exports/suggestions.{fmt}",
    response_class=Response,
    responses={200: {"content": {t: {} for t in CONTENT_TYPES.values()}}},
)
def export_suggestions(session: SessionDep, user: Coordinator, fmt: ExportFormat) -> Response:
    """Suggestions : personne, besoin, organisation, score, statut, dates (UTC)."""
    return _download(session, user, "suggestions", fmt)


@router.get(
    "/exports/decisions.{fmt}",
    response_class=Response,
    responses={200: {"content": {t: {} for t in CONTENT_TYPES.values()}}},
)
def export_decisions(session: SessionDep, user: Coordinator, fmt: ExportFormat) -> Response:
    """Décisions sur les suggestions : qui, quand, de quel statut à quel statut, pourquoi."""
    return _download(session, user, "decisions", fmt)
