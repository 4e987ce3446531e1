"""The engine's explanations written out in French and English from the message catalogues."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from api.core.i18n import gettext
from matching.messages import Listing, Phrase, Term, Value
from matching.types import Explanation


def _written(lang: str, value: Value) -> object:
    """A placeholder's value ready for `str.format`: messages become text, numbers stay numbers
    (a message may give them a format, `{km:.0f}`)."""
    if isinstance(value, Phrase):
        return sentence(lang, value)
    if isinstance(value, Term):
        text = gettext(lang, value.id)
        return value.code if text == value.id else text  # a code the catalogue does not name
    if isinstance(value, Listing):
        return gettext(lang, value.separator).join(str(_written(lang, v)) for v in value.items)
    return value


@lru_cache(maxsize=16384)
def sentence(lang: str, message: Phrase) -> str:
    """The message in `lang`. Remembered (bounded, thread-safe): a region's rankings say the
    same sentences again and again, and writing them was a fifth of a ranking's time."""
    return gettext(lang, message.id, **{name: _written(lang, v) for name, v in message.values})


@lru_cache(maxsize=16384)
def text(lang: str, reasons: tuple[Phrase, ...]) -> str:
    """The sentences one after the other, as one paragraph (empty when there is none).
    Remembered whole, as sentences are: the same pairs are explained again after each write."""
    if not reasons:
        return ""
    joined = gettext(lang, "explain.separator.sentences").join(sentence(lang, r) for r in reasons)
    return gettext(lang, "explain.end", text=joined)


def written(explanation: Explanation) -> Explanation:
    """The explanation with its French and English texts (and French violations) filled in."""
    return replace(
        explanation,
        text_fr=text("fr", explanation.reasons),
        text_en=text("en", explanation.reasons),
        violations=tuple(sentence("fr", v) for v in explanation.ruled_out),
    )
