"""CVs sent with applications: checked as real PDFs, read for skills, kept under the data folder.

A file is refused before anything is written when it is not a PDF, is over the size limit, or
has no page pypdf can read. Files are named by a random token, in a folder only this service's
user can read: a CV is personal data, and no URL serves the folder.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from fastapi.responses import FileResponse
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from api.core.errors import Invalid
from matching.skills import SkillVocabulary

log = logging.getLogger(__name__)

MAX_CV_BYTES = 5_000_000  # "5 Mo": what the form promises; the request limit (5 MiB) is above
MAX_PAGES = 20  # a CV is one or two pages; more is not read for skills
MAX_TEXT = 50_000
MAX_SKILLS = 20
PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class ReadCv:
    """A CV that passed the checks: its bytes, the name it came under, and its skills."""

    data: bytes
    name: str
    text: str
    skills: tuple[str, ...]


def _text_of(data: bytes) -> str:
    """The PDF's text; Invalid(cv_unreadable) when pypdf cannot read it."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Invalid("cv_unreadable", field="cv")
        parts: list[str] = []
        for page in reader.pages[:MAX_PAGES]:
            parts.append(page.extract_text() or "")
            if sum(map(len, parts)) > MAX_TEXT:
                break
    except Invalid:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        # pypdf raises several kinds of error on a damaged file; each means the same here.
        log.info("CV refused, unreadable PDF: %s", exc)
        raise Invalid("cv_unreadable", field="cv") from None
    if not parts:
        raise Invalid("cv_unreadable", field="cv")
    return "\n".join(parts)[:MAX_TEXT]


def read_cv(data: bytes, name: str) -> ReadCv:
    """Check an uploaded CV and find the vocabulary's skills in its text (nothing is stored)."""
    if not data:
        raise Invalid("cv_empty", field="cv")
    if len(data) > MAX_CV_BYTES:
        raise Invalid("cv_too_large", field="cv", limit_mb=MAX_CV_BYTES // 1_000_000)
    if not data.startswith(PDF_MAGIC):
        raise Invalid("cv_not_pdf", field="cv")
    text = _text_of(data)
    skills = [s.label for s in SkillVocabulary.builtin().extract(text)][:MAX_SKILLS]
    clean = Path(name or "cv.pdf").name[:200] or "cv.pdf"
    return ReadCv(data=data, name=clean, text=text, skills=tuple(skills))


def folder(data_dir: Path) -> Path:
    """The CV folder under the data folder, created private to this service's user."""
    path = Path(data_dir) / "cvs"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def new_name() -> str:
    """A fresh random file name for a CV."""
    return f"{secrets.token_hex(16)}.pdf"


def store(data_dir: Path, cv: ReadCv, name: str | None = None) -> str:
    """Write the CV under `name` (a new random one if not given); that name."""
    name = name or new_name()
    target = folder(data_dir) / name
    # O_EXCL: never write through a file (or link) someone else put there.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(cv.data)
    return name


def path_of(data_dir: Path, name: str) -> Path | None:
    """Where a stored CV is, if it is still there (names are ours: 32 hex digits and .pdf)."""
    if (
        len(name) != 36
        or not name.endswith(".pdf")
        or not all(c in "0123456789abcdef" for c in name[:32])
    ):
        return None
    path = folder(data_dir) / name
    return path if path.is_file() else None


def remove(data_dir: Path, name: str | None) -> None:
    if not name:
        return
    path = path_of(data_dir, name)
    if path is not None:
        path.unlink(missing_ok=True)


def download(path: Path, name: str) -> FileResponse:
    """The CV as a download: an attachment, never shown inline in the site's origin, and kept
    by no cache on the way."""
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=name,
        content_disposition_type="attachment",
        headers={"Cache-Control": "private, no-store"},
    )
