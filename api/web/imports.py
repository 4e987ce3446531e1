"""Coordinators' import page: upload a file, read its validation report and preview, then confirm.

The first step validates only (the bulk API's dry run); the file waits server-side under a
random token bound to the coordinator's account, and only the second step writes it, validated
again against the database as it is then. Any error writes nothing.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from datetime import date
from pathlib import Path, PurePath
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import UploadFile

from api.bulk import KINDS, MODELS, BulkReport, Kind, UnreadableFile, format_of, import_file
from api.bulk import read_file as read_rows
from api.core.audit import record
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
from api.models import User

router = APIRouter(route_class=WebRoute)

PREVIEW_ROWS = 5
KEEP_SECONDS = 3600  # an upload not confirmed within the hour is forgotten
TOKEN = re.compile(r"^[0-9a-f]{32}$")
CELL_CHARS = 80


def upload_dir(request: Request) -> Path:
    """A folder only this service's user can read; tests may point app.state.upload_dir elsewhere."""
    configured = getattr(request.app.state, "upload_dir", None)
    folder = Path(configured or Path(tempfile.gettempdir()) / f"passerelle-imports-{os.getuid()}")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    if folder.is_symlink() or info.st_uid != os.getuid() or info.st_mode & 0o077:
        # Someone else made it, or made it readable: uploads hold personal data.
        raise RuntimeError(f"dossier d'imports non sûr : {folder}")
    return folder


def _forget_old(folder: Path) -> None:
    limit = time.time() - KEEP_SECONDS
    for path in folder.glob("*.*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass


def _keep(folder: Path, user: User, kind: Kind, fmt: str, source: str, data: bytes) -> str:
    token = secrets.token_hex(16)
    (folder / f"{token}.data").write_bytes(data)
    meta = {"user": user.id, "kind": kind, "format": fmt, "source": source, "at": time.time()}
    (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def _kept(folder: Path, user: User, token: str) -> tuple[dict[str, Any], bytes] | None:
    """The upload behind `token`, only for the account that made it and within the hour."""
    if not TOKEN.match(token):
        return None
    try:
        meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
        data = (folder / f"{token}.data").read_bytes()
    except (OSError, ValueError):
        return None
    fresh = time.time() - float(meta.get("at", 0)) < KEEP_SECONDS
    if meta.get("user") != user.id or not fresh or meta.get("kind") not in KINDS:
        return None
    return meta, data


def _drop(folder: Path, token: str) -> None:
    if TOKEN.match(token):
        for suffix in (".data", ".json"):
            (folder / f"{token}{suffix}").unlink(missing_ok=True)


def columns(kind: Kind) -> list[dict[str, Any]]:
    model: type[BaseModel] = MODELS[kind]
    return [{"name": name, "required": f.is_required()} for name, f in model.model_fields.items()]


def _shown(value: Any) -> str:
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, date):
        value = value.isoformat()
    elif isinstance(value, bool):
        value = "oui" if value else "non"
    text = str(value)
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def first_rows(data: bytes, fmt: Any, kind: Kind, source: str) -> dict[str, Any]:
    """The first rows as they were read, in the columns the records know, in their order."""
    rows = read_rows(data, fmt, kind, source).rows[:PREVIEW_ROWS]
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
    require_role(user, "coordinator", "admin")
    done = None
    if importe.isdigit() and type in KINDS:
        done = {"rows": int(importe), "kind": type}
    return _page(request, user, kind=type if type in KINDS else "people", done=done)


def _report(report: BulkReport) -> dict[str, Any]:
    return report.as_dict() | {"ok": report.ok}


@router.post("/imports")
def check_upload(request: Request, session: SessionDep, user: SignedIn, form: Form) -> Response:
    """Step 1: validate the file and show its report and first rows; write nothing."""
    require_role(user, "coordinator", "admin")
    kind = text(form, "kind")
    if kind not in KINDS:
        return _page(request, user, 422, error="imports.error.kind")
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, user, 422, kind=kind, error="imports.error.no_file")
    source = PurePath(upload.filename.replace("\\", "/")).name[:120] or "import"
    limit = request.app.state.settings.max_request_bytes
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        return _page(request, user, 413, kind=kind, error="imports.error.too_large")
    if not data.strip():
        return _page(request, user, 422, kind=kind, error="imports.error.empty")
    try:
        fmt = format_of(source)
        report = import_file(session, kind, data, source=source, fmt=fmt, dry_run=True)
        shown = first_rows(data, fmt, kind, source) if report.ok else None
    except UnreadableFile as exc:
        session.rollback()
        return _page(
            request, user, 422, kind=kind, error="imports.error.unreadable", detail=str(exc)
        )
    session.rollback()  # a dry run writes nothing; nothing may linger either
    token = None
    if report.ok:
        folder = upload_dir(request)
        _forget_old(folder)
        token = _keep(folder, user, kind, fmt, source, data)
    return _page(
        request,
        user,
        200 if report.ok else 422,
        kind=kind,
        report=_report(report),
        preview=shown,
        token=token,
    )


@router.post("/imports/confirmer")
def confirm_upload(request: Request, session: SessionDep, user: SignedIn, form: Form) -> Response:
    """Step 2: write the file checked in step 1, validated again; all rows or none."""
    require_role(user, "coordinator", "admin")
    folder = upload_dir(request)
    token = text(form, "token")
    kept = _kept(folder, user, token)
    if kept is None:
        return _page(request, user, 410, error="imports.error.expired")
    meta, data = kept
    kind: Kind = meta["kind"]
    try:
        report = import_file(
            session, kind, data, source=meta["source"], fmt=meta["format"], dry_run=False
        )
    except (UnreadableFile, SQLAlchemyError):
        session.rollback()
        _drop(folder, token)
        return _page(request, user, 422, kind=kind, error="imports.error.failed")
    if not report.ok:
        # The database changed since the check (say, the same ids imported meanwhile).
        session.rollback()
        _drop(folder, token)
        return _page(request, user, 422, kind=kind, report=_report(report))
    record(
        session,
        user,
        "import",
        kind,
        str(meta["source"])[:80],
        rows=report.rows_written,
        format=meta["format"],
        skills_created=report.skills_created,
        via="web",
    )
    session.commit()
    _drop(folder, token)
    return redirect(request, f"/imports?importe={report.rows_written}&type={kind}", "imports.done")
