"""Message catalogues of the service: key-based gettext `.po` files, French first, English second.

Each msgid is a key (`"nav.home"`) that code and templates look up; both catalogues translate
every key, and `{name}` placeholders are filled with `str.format` (`python-brace-format`).
Plural entries carry a second id, the key with `_plural` appended, and one text per plural
form of the language (`ngettext`). The `.po` files are compiled in memory once per process, so
the repository holds no binary catalogue.

To add a message: append an entry to both `api/locale/fr/LC_MESSAGES/messages.po` and
`api/locale/en/LC_MESSAGES/messages.po` (`#, python-brace-format` above it when it has
placeholders); `tests/test_catalogues.py` checks that both have it with the same placeholders.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
# The locales whose number and date conventions the pages follow.
LOCALES = {"fr": "fr_FR", "en": "en_GB"}
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "messages"
PLURAL_SUFFIX = "_plural"
# The cookie in which the site keeps the language a reader chose.
LANG_COOKIE = "lang"


def pick_language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def accepted_language(header: str | None) -> str:
    """The language an Accept-Language header prefers among ours (French when none is)."""
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for item in (header or "").split(","):
        tag, _, rest = item.strip().partition(";")
        primary = tag.strip().split("-")[0].lower()
        q = 1.0
        for param in rest.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        # Strictly greater: of equal weights the earlier entry wins, as the header ranks them.
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(lang: str) -> Catalog:
    """The parsed `.po` catalogue of one language."""
    with po_path(lang).open("rb") as po:
        return read_po(po, locale=lang, domain=DOMAIN)


@cache
def translations(lang: str) -> Translations:
    """The catalogue compiled in memory; English falls back to French for a missing key."""
    compiled = BytesIO()
    write_mo(compiled, catalogue(lang))
    compiled.seek(0)
    out = Translations(compiled, domain=DOMAIN)
    if lang != DEFAULT_LANGUAGE:
        out.add_fallback(translations(DEFAULT_LANGUAGE))
    return out


@cache
def plural_ids() -> Mapping[str, str]:
    """Singular key -> plural key, for the entries that have plural forms."""
    return {
        message.id[0]: message.id[1]
        for message in catalogue(DEFAULT_LANGUAGE)
        if message.pluralizable and isinstance(message.id, tuple)
    }


def placeholders(text: str) -> list[str]:
    """The names of the `{name}` fields of a message, in order."""
    return [field for _, field, _, _ in string.Formatter().parse(text) if field]


def _fill(text: str, values: Mapping[str, Any]) -> str:
    return text.format(**values) if values else text


def _count(text: str, values: Mapping[str, Any]) -> int:
    """The number that picks a plural form: `count`, else `num`, else the first number shown."""
    for name in ("count", "num", *placeholders(text)):
        value = values.get(name)
        if isinstance(value, int):
            return value
    return 1


def ngettext(lang: str, singular: str, plural: str, n: int, /, **values: Any) -> str:
    """The plural form of `singular` for `n` in `lang`; `{num}` is `n`, as Jinja's ngettext."""
    text = translations(pick_language(lang)).ngettext(singular, plural, n)
    return text.format(**{"num": n, **values})


def gettext(lang: str, key: str, /, **values: Any) -> str:
    """The message `key` in `lang`, its placeholders filled; the key itself when it is unknown.

    A plural entry asked for by its singular key takes its form from `count` (or the first
    number among the values), so `t("review.total", total=n)` reads right for every `n`.
    """
    if not key:
        return ""  # gettext's empty msgid is the catalogue's header
    lang = pick_language(lang)
    plural = plural_ids().get(key)
    if plural is not None:
        singular = translations(lang).ngettext(key, plural, 1)
        return ngettext(lang, key, plural, _count(singular, values), **values)
    return _fill(translations(lang).gettext(key), values)


def translator(lang: str) -> Callable[..., str]:
    """A `t(key, **values)` for one language (missing English falls back to French, then to the
    key itself)."""
    lang = pick_language(lang)

    def t(key: str, /, **values: Any) -> str:
        return gettext(lang, key, **values)

    return t
