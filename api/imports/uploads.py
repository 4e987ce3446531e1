"""Files waiting between the import page's check and its confirmation, kept an hour at most.

Each upload lies under a random token, bound to the account that made it, in a folder only this
service's user can read: uploads hold personal data.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from api.imports.schemas import KINDS, Format, Kind

KEEP_SECONDS = 3600  # an upload not confirmed within the hour is forgotten
TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class KeptUpload:
    kind: Kind
    format: Format
    source: str
    data: bytes


def folder(configured: str | Path | None = None) -> Path:
    """The uploads folder (the configured one, else one under the system's temporary folder).

    RuntimeError when it is not private to this service's user.
    """
    path = Path(configured or Path(tempfile.gettempdir()) / f"passerelle-imports-{os.getuid()}")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if path.is_symlink() or info.st_uid != os.getuid() or info.st_mode & 0o077:
        # Someone else made it, or made it readable: uploads hold personal data.
        raise RuntimeError(f"dossier d'imports non sûr : {path}")
    return path


def forget_old(where: Path) -> None:
    """Delete the uploads older than KEEP_SECONDS."""
    limit = time.time() - KEEP_SECONDS
    for path in where.glob("*.*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass


def keep(where: Path, user_id: int, kind: Kind, fmt: Format, source: str, data: bytes) -> str:
    """Store an upload for its account; the token that finds it again."""
    token = secrets.token_hex(16)
    (where / f"{token}.data").write_bytes(data)
    meta = {"user": user_id, "kind": kind, "format": fmt, "source": source, "at": time.time()}
    (where / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def kept(where: Path, user_id: int, token: str) -> KeptUpload | None:
    """The upload behind `token`, only for the account that made it and within the hour."""
    if not TOKEN.match(token):
        return None
    try:
        meta = json.loads((where / f"{token}.json").read_text(encoding="utf-8"))
        data = (where / f"{token}.data").read_bytes()
    except (OSError, ValueError):
        return None
    fresh = time.time() - float(meta.get("at", 0)) < KEEP_SECONDS
    if meta.get("user") != user_id or not fresh or meta.get("kind") not in KINDS:
        return None
    return KeptUpload(kind=meta["kind"], format=meta["format"], source=meta["source"], data=data)


def drop(where: Path, token: str) -> None:
    """Forget the upload behind `token`, if any."""
    if TOKEN.match(token):
        for suffix in (".data", ".json"):
            (where / f"{token}{suffix}").unlink(missing_ok=True)
