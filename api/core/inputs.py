"""Strict input types shared by every schema, form and route: bounded integers, dates and times
that say where they are, and text without control characters.

A 40-digit integer reached the database driver (OverflowError, 500); a NUL byte was stored and
broke the XLSX exports later. Refusing them at the edge turns both into a 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

# The largest value of the databases' INTEGER columns (PostgreSQL's int4).
DB_INT_MAX = 2**31 - 1

# What is read, per field, of a form being typed (a need's description, a profile's summary):
# a long job ad is ~3,000 characters; more is not a text being typed.
DRAFT_TEXT = 5_000

# -- integers --------------------------------------------------------------------------------------

DbId = Annotated[int, Path(ge=1, le=DB_INT_MAX, description="identifiant / id")]
"""A row id in a URL path: out of range is a 422 (API) or the error page (pages), never a 500."""

BodyId = Annotated[int, Field(ge=1, le=DB_INT_MAX)]
"""A row id in a request body (a meeting to swap or pin...)."""

# -- dates and times -------------------------------------------------------------------------------

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day_only(value: object) -> object:
    """A date is written as a day: a date-time (which would carry a naive time) is refused."""
    if isinstance(value, str) and not _ISO_DAY.match(value.strip()):
        raise PydanticCustomError("date_format", "Date must be written YYYY-MM-DD")
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_format", "Date must be written YYYY-MM-DD")
    return value


Day = Annotated[dt.date, BeforeValidator(_day_only)]
"""A calendar day as YYYY-MM-DD; "2027-03-18T10:00" (a naive time) is a 422."""

Instant = AwareDatetime
"""A point in time in a request: a time zone is required (a naive one is a 422 naming the field)."""


# -- text ------------------------------------------------------------------------------------------

# C0 and C1 control characters and DEL; tab and line breaks are text in multi-line fields.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS = "control_characters"


def has_control(value: str, *, multiline: bool = False) -> bool:
    """True when `value` holds a character no field of the service stores."""
    return bool((_CONTROL_IN_TEXT if multiline else _CONTROL).search(value))


def _refuse(value: str, multiline: bool) -> str:
    if has_control(value, multiline=multiline):
        raise PydanticCustomError(CONTROL_CHARACTERS, "Control character not allowed")
    return value


def _line(value: str) -> str:
    return _refuse(value, multiline=False)


def _text(value: str) -> str:
    return _refuse(value, multiline=True)


@dataclass(frozen=True)
class _Documented:
    """Writes the refusal of control characters into the JSON schema as a `pattern`, so OpenAPI
    says what the validator enforces; the validator keeps its own error code."""

    excluded: str

    @property
    def pattern(self) -> str:
        return f"^[^{self.excluded}]*$"

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["pattern"] = self.pattern
        if schema.get("minLength") == 1:
            # Bodies strip whitespace before checking the length: a blank one is empty.
            allowed = f"[^{self.excluded}]*"
            schema["pattern"] = f"^{allowed}[^\\s{self.excluded}]{allowed}$"
        return schema


_LINE_PATTERN = _Documented(r"\u0000-\u001f\u007f-\u009f")
_TEXT_PATTERN = _Documented(r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f")

Line = Annotated[str, AfterValidator(_line), _LINE_PATTERN]
"""One-line text (a name, a title, a reference): no control character at all."""

Text = Annotated[str, AfterValidator(_text), _TEXT_PATTERN]
"""Multi-line text (a description): tab and line breaks allowed, other control characters not."""

RefPath = Annotated[Line, Path(min_length=1, max_length=200, description="référence / ref")]
"""A reference (person, need, organisation) in a URL path."""

SearchLine = Annotated[Line, Query(max_length=200)]
"""A one-line filter in a query string (territory, sector, organisation...)."""
