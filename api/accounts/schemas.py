"""Shapes of signing up and signing in."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.core.inputs import Line
from api.core.vocabulary import SelfServiceRole


class SignUp(BaseModel):
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str = Field(min_length=10, max_length=200)
    role: SelfServiceRole
    first_name: Line = Field(default="", max_length=120)
    last_name: Line = Field(default="", max_length=120)
    organisation_name: Line | None = Field(default=None, max_length=200)
    sector: Line | None = Field(default=None, max_length=120)
    town: Line | None = Field(default=None, max_length=120)


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    role: str


class Me(BaseModel):
    email: str
    role: str
    person_ref: str | None
    organisation_ref: str | None
