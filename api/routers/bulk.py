"""Bulk endpoints for coordinators: import a CSV, XLSX or JSON Lines file; export suggestions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from api.bulk import Format, Kind, UnreadableFile, format_of, import_file
from api.core.audit import record
from api.core.deps import Coordinator, SessionDep
from api.core.errors import PROBLEM, TITLES, AppError
from api.exports import CONTENT_TYPES, ExportFormat, decisions_frame, filename, suggestions_frame
from api.exports import to_bytes as export_bytes

router = APIRouter(prefix="/api/v1", tags=["imports et exports / bulk"])


class Issue(BaseModel):
    row: int
    column: str
    message: str


class BulkReportOut(BaseModel):
    kind: Kind
    format: Format
    file: str
    dry_run: bool
    rows_read: int
    rows_valid: int
    rows_written: int
    skills_created: int
    errors_total: int
    errors: list[Issue]
    warnings: list[Issue]


def _read_upload(upload: UploadFile, limit: int) -> bytes:
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise AppError(
            f"Fichier trop volumineux (maximum {limit // 1024} Kio) / file too large; "
            "découpez-le ou utilisez la commande « passerelle import »",
            413,
            field="file",
        )
    if not data.strip():
        raise AppError("Fichier vide / empty file", 400, field="file")
    return data


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
    try:
        fmt = format_of(source, format)
        data = _read_upload(file, request.app.state.settings.max_request_bytes)
        report = import_file(session, kind, data, source=source, fmt=fmt, dry_run=dry_run)
    except UnreadableFile as exc:
        raise AppError(str(exc), exc.status_code, field="file") from None
    body = report.as_dict()
    if report.errors and not dry_run:
        status = 422
        return JSONResponse(
            {
                "type": "about:blank",
                "title": TITLES[status],
                "status": status,
                "detail": f"{len(report.errors)} erreur(s) : rien n'a été importé / nothing imported",
                "instance": request.url.path,
                **body,
            },
            status_code=status,
            media_type=PROBLEM,
        )
    if not dry_run:
        record(
            session,
            user,
            "import",
            kind,
            source[:80],
            rows=report.rows_written,
            format=fmt,
            skills_created=report.skills_created,
        )
    return body


def _export(
    session: SessionDep, user: Coordinator, name: str, fmt: ExportFormat, frame: Any
) -> Response:
    record(session, user, "export", name, fmt, rows=len(frame))
    return Response(
        export_bytes(frame, fmt, sheet=name),
        media_type=CONTENT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename(name, fmt)}"'},
    )


@router.get(
    "/exports/suggestions.{fmt}",
    response_class=Response,
    responses={200: {"content": {t: {} for t in CONTENT_TYPES.values()}}},
)
def export_suggestions(session: SessionDep, user: Coordinator, fmt: ExportFormat) -> Response:
    """Suggestions : personne, besoin, organisation, score, statut, dates (UTC)."""
    return _export(session, user, "suggestions", fmt, suggestions_frame(session))


@router.get(
    "/exports/decisions.{fmt}",
    response_class=Response,
    responses={200: {"content": {t: {} for t in CONTENT_TYPES.values()}}},
)
def export_decisions(session: SessionDep, user: Coordinator, fmt: ExportFormat) -> Response:
    """Décisions sur les suggestions : qui, quand, de quel statut à quel statut, pourquoi."""
    return _export(session, user, "decisions", fmt, decisions_frame(session))
