"""Messages the engine hands to its callers: catalogue message ids with typed values, no text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias

# A placeholder's value: written as is (numbers may carry a format in the message, `{km:.0f}`),
# or itself a message to write out first.
Value: TypeAlias = "str | int | float | date | None | Term | Listing | Phrase"


@dataclass(frozen=True, slots=True)
class Term:
    """A code of the engine's vocabulary, written out as message `explain.<group>.<code>`.

    A code the catalogue does not know is shown as it is.
    """

    group: Literal["kind", "component"]
    code: str

    @property
    def id(self) -> str:
        return f"explain.{self.group}.{self.code}"


@dataclass(frozen=True, slots=True)
class Listing:
    """Values written one after the other, between the catalogue's `separator` message."""

    items: tuple[Value, ...]
    separator: str = "explain.separator.list"


@dataclass(frozen=True, slots=True)
class Phrase:
    """A message id of the catalogues and the values of its `{name}` placeholders."""

    id: str
    values: tuple[tuple[str, Value], ...] = ()

    def value(self, name: str) -> Value:
        return dict(self.values)[name]


def phrase(message_id: str, **values: Value) -> Phrase:
    """`Phrase` from keyword values; `pybabel extract` finds the id of each call (babel.cfg)."""
    return Phrase(message_id, tuple(values.items()))
