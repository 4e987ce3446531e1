"""Why an import wrote nothing: an unreadable or oversized file, or rows that failed validation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from api.core.errors import AppError
from api.imports.schemas import ImportReport, RowError


class UnreadableFile(AppError):
    """The file cannot be read as the format it claims; nothing was validated or written.

    `code` says why (`unknown_format`, `csv_unreadable`...), `params` what the message shows.
    """

    code = "unreadable_file"

    def __init__(self, code: str, status_code: int = 400, **params: Any) -> None:
        super().__init__(code, status_code, field="file", **params)


class FileTooLarge(AppError):
    """The upload is over the configured request size; it was not read further."""

    code = "file_too_large"
    status_code = 413

    def __init__(self, limit: int) -> None:
        super().__init__(field="file", limit_kib=limit // 1024)


class EmptyFile(AppError):
    """The upload holds nothing but whitespace."""

    code = "empty_file"

    def __init__(self) -> None:
        super().__init__(field="file")


class WriteFailed(AppError):
    """Validated rows could not be written (the database changed meanwhile, or failed); none was."""

    code = "write_failed"

    def __init__(self, conflict: bool) -> None:
        super().__init__(status_code=409 if conflict else 500)


class ImportFailed(ValueError):
    """Nothing was written; `errors` says which row and column are at fault.

    Raised by the region loader (command line, demo region, tests), never across HTTP: the bulk
    endpoints return their row report instead. It is not an AppError because its `errors` are
    row errors, not the problem document's field list.
    """

    def __init__(self, errors: Sequence[RowError], report: ImportReport | None = None) -> None:
        self.errors = list(errors)
        self.report = report
        shown = "\n".join(str(e) for e in self.errors[:20])
        more = f"\n… et {len(self.errors) - 20} autres" if len(self.errors) > 20 else ""
        super().__init__(f"{len(self.errors)} erreur(s), rien n'a été importé :\n{shown}{more}")
