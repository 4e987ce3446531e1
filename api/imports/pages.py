"""Coordinators' import page: upload a file, read its validation report and preview, then confirm.

The first step validates only (the bulk API's dry run); the file waits server-side under a
random token bound to the coordinator's account, and only the second step writes it, validated
again against the database as it is then. Any error writes nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePath
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from api.core.deps import SessionDep
from api.core.rendering import (
    Form,
    SignedIn,
    WebRoute,
    formatters,
    language,
    redirect,
    render,
    require_role,
    text,
)
from api.core.vocabulary import STAFF_ROLES
from api.imports import uploads
from api.imports.errors import EmptyFile, FileTooLarge, UnreadableFile, WriteFailed
from api.imports.exports import ExportFormat
from api.imports.readers import format_of
from api.imports.schemas import KINDS, BulkReport, Format, Kind, columns
from api.imports.service import first_rows, read_upload, run_import
from api.imports.template_files import template_file
from api.models import User

router = APIRouter(route_class=WebRoute)

PREVIEW_ROWS = 5
CELL_CHARS = 80


def _kind(value: str) -> Kind | None:
    return next((k for k in KINDS if k == value), None)


def _upload_dir(request: Request) -> Path:
    """Tests may point app.state.upload_dir elsewhere."""
    return uploads.folder(getattr(request.app.state, "upload_dir", None))


def _shown(value: Any) -> str:
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, date):
        value = value.isoformat()
    elif isinstance(value, bool):
        value = "oui" if value else "non"
    text = str(value)
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def _preview(data: bytes, fmt: Format, kind: Kind, source: str) -> dict[str, Any]:
    """The first rows as they were read, in the columns the records know, in their order."""
    rows = first_rows(data, fmt, kind, source, PREVIEW_ROWS)
    present = {key for _, row in rows for key in row}
    names = [c["name"] for c in columns(kind) if c["name"] in present]
    return {
        "columns": names,
        "rows": [
            {"number": n, "cells": [_shown(row[c]) if c in row else "" for c in names]}
            for n, row in rows
        ],
    }


def _grouped(request: Request, number: int) -> str:
    return formatters(language(request))["num"](number)


def _page(
    request: Request,
    user: User,
    status_code: int = 200,
    *,
    kind: str = "people",
    error: str | None = None,
    detail: str | None = None,
    report: dict[str, Any] | None = None,
    preview: dict[str, Any] | None = None,
    token: str | None = None,
    done: dict[str, Any] | None = None,
) -> Response:
    return render(
        request,
        "web/imports.html",
        user,
        status_code,
        kinds=KINDS,
        columns={k: columns(k) for k in KINDS},
        kind=kind,
        limit_kib=_grouped(request, request.app.state.settings.max_request_bytes // 1024),
        error=error,
        detail=detail,
        report=report,
        preview=preview,
        token=token,
        done=done,
    )


@router.get("/imports")
def imports_page(request: Request, user: SignedIn, importe: str = "", type: str = "") -> Response:
    require_role(user, *STAFF_ROLES)
    done = None
    if importe.isdigit() and type in KINDS:
        done = {"rows": int(importe), "kind": type}
    return _page(request, user, kind=type if type in KINDS else "people", done=done)


def _report(request: Request, report: BulkReport) -> dict[str, Any]:
    return report.as_dict(language(request)) | {"ok": report.ok}


@router.post("/imports")
def check_upload(request: Request, session: SessionDep, user: SignedIn, form: Form) -> Response:
    """Step 1: validate the file and show its report and first rows; write nothing."""
    require_role(user, *STAFF_ROLES)
    kind = _kind(text(form, "kind"))
    if kind is None:
        return _page(request, user, 422, error="imports.error.kind")
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, user, 422, kind=kind, error="imports.error.no_file")
    source = PurePath(upload.filename.replace("\\", "/")).name[:120] or "import"
    try:
        data = read_upload(upload.file, request.app.state.settings.max_request_bytes)
    except FileTooLarge:
        return _page(request, user, 413, kind=kind, error="imports.error.too_large")
    except EmptyFile:
        return _page(request, user, 422, kind=kind, error="imports.error.empty")
    try:
        fmt = format_of(source)
        report = run_import(session, user, kind, data, source=source, fmt=fmt, dry_run=True)
        shown = _preview(data, fmt, kind, source) if report.ok else None
    except UnreadableFile as exc:
        return _page(
            request,
            user,
            422,
            kind=kind,
            error="imports.error.unreadable",
            detail=exc.text(language(request)),
        )
    token = None
    if report.ok:
        folder = _upload_dir(request)
        uploads.forget_old(folder)
        token = uploads.keep(folder, user.id, kind, fmt, source, data)
    return _page(
        request,
        user,
        200 if report.ok else 422,
        kind=kind,
        report=_report(request, report),
        preview=shown,
        token=token,
    )


@router.post("/imports/confirmer")
def confirm_upload(request: Request, session: SessionDep, user: SignedIn, form: Form) -> Response:
    """Step 2: write the file checked in step 1, validated again; all rows or none."""
    require_role(user, *STAFF_ROLES)
    folder = _upload_dir(request)
    token = text(form, "token")
    kept = uploads.kept(folder, user.id, token)
    if kept is None:
        return _page(request, user, 410, error="imports.error.expired")
    kind = kept.kind
    try:
        report = run_import(
            session, user, kind, kept.data, source=kept.source, fmt=kept.format, via="web"
        )
    except (UnreadableFile, WriteFailed):
        uploads.drop(folder, token)
        return _page(request, user, 422, kind=kind, error="imports.error.failed")
    uploads.drop(folder, token)
    if not report.ok:
        # The database changed since the check (say, the same ids imported meanwhile).
        return _page(request, user, 422, kind=kind, report=_report(request, report))
    return redirect(request, f"/imports?importe={report.rows_written}&type={kind}", "imports.done")


@router.get("/imports/modele/{kind}.{fmt}")
def template_download(request: Request, user: SignedIn, kind: Kind, fmt: ExportFormat) -> Response:
    """A blank file to fill in: the French column names and one example row."""
    require_role(user, *STAFF_ROLES)
    blank = template_file(kind, fmt)
    return Response(
        blank.content,
        media_type=blank.media_type,
        headers={"Content-Disposition": f'attachment; filename="{blank.filename}"'},
    )
