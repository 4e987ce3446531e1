"""Shapes of signing up, signing in and changing a password."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.core.inputs import Line
from api.core.vocabulary import SelfServiceRole

PASSWORD_MIN_LENGTH = 10


class SignUp(BaseModel):
    # A company account needs its organisation's name (`organisation_name_required`): said in
    # the schema too, so a client generated from OpenAPI sends it.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"role": {"const": "company"}}, "required": ["role"]},
            "then": {
                "required": ["organisation_name"],
                "properties": {"organisation_name": {"type": "string", "minLength": 1}},
            },
        }
    )

    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=200)
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


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=200)
    new_password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=200)


class ForgotPassword(BaseModel):
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PasswordReset(BaseModel):
    token: str = Field(min_length=1, max_length=2000)
    new_password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=200)
