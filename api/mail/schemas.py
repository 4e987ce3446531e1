"""Shapes of the mail outbox as the admin's pages show it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class MailOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    recipient: str
    template: str
    lang: str
    subject: str
    text_body: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    delivered_to: str | None
    created_at: datetime
    sent_at: datetime | None

    @property
    def in_folder(self) -> bool:
        """Written to the local outbox folder (development): its text may be shown."""
        return bool(self.delivered_to and self.delivered_to.startswith("file:"))
