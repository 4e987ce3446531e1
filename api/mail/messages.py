"""The mails the service sends: their values and their words (catalogue keys), one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    """A kind of mail: the values its texts need, and whether it has a button to `link`."""

    fields: tuple[str, ...]
    action: bool = False

    def keys(self, name: str) -> list[str]:
        """Its catalogue keys."""
        parts = ["subject", "body"] + (["action"] if self.action else [])
        return [f"mail.{name}.{part}" for part in parts]


MESSAGES: dict[str, Message] = {
    "password_reset": Message(("link", "minutes"), action=True),
    "application_received": Message(("person_name", "need_title", "link"), action=True),
    "application_status": Message(("need_title", "organisation", "status", "link"), action=True),
    "introduction_person": Message(("need_title", "organisation", "link"), action=True),
    "introduction_company": Message(("person_name", "need_title", "link"), action=True),
    "jobdating_agenda": Message(("event", "date", "place", "agenda", "link"), action=True),
    "jobdating_agenda_company": Message(("event", "date", "place", "agenda", "link"), action=True),
}

# Words every mail shares.
COMMON_KEYS = ("mail.greeting", "mail.signature", "mail.footer", "mail.link_hint")
