"""Why an import wrote nothing: an unreadable or oversized file, or rows that failed validation."""

from __future__ import annotations

from collections.abc import Sequence

from api.core.errors import AppError
from api.imports.schemas import ImportReport, RowError


class UnreadableFile(AppError):
    """The file cannot be read as the format it claims; nothing was validated or written."""

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message, status_code, field="file")


class FileTooLarge(AppError):
    """The upload is over the configured request size; it was not read further."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"Fichier trop volumineux (maximum {limit // 1024} Kio) / file too large; "
            "découpez-le ou utilisez la commande « passerelle import »",
            413,
            field="file",
        )


class EmptyFile(AppError):
    """The upload holds nothing but whitespace."""

    def __init__(self) -> None:
        super().__init__("Fichier vide / empty file", 400, field="file")


class WriteFailed(AppError):
    """Validated rows could not be written (the database changed meanwhile, or failed); none was."""

    def __init__(self, conflict: bool) -> None:
        super().__init__(
            "L'écriture a échoué, rien n'a été importé / the write failed, nothing was imported",
            409 if conflict else 500,
        )


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
