"""Small French grammar helpers: elision, prepositions before towns, gender, lists, dates."""

from __future__ import annotations

import re
from datetime import date

_VOWELS = "aeiouyàâäéèêëîïôöùûüœAEIOUYÀÂÉÈÊÎÔÙŒ"
_GENDERED = re.compile(r"\[([^\[\]|]*)\|([^\[\]|]*)\]")

MONTHS: tuple[str, ...] = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def gender(text: str, female: bool) -> str:
    """Resolve "[masculine|feminine]" alternatives ("Passionné[|e]" -> "Passionnée")."""
    return _GENDERED.sub(lambda m: m.group(2) if female else m.group(1), text)


def _elides(word: str) -> bool:
    return bool(word) and word[0] in _VOWELS


def de(phrase: str) -> str:
    """ "de" + phrase with elision: de(“analyser”) -> "d'analyser"."""
    return f"d'{phrase}" if _elides(phrase) else f"de {phrase}"


def de_article(phrase: str) -> str:
    """ "de" before a phrase starting with an article: "le x" -> "du x", "les x" -> "des x"."""
    if phrase.startswith("le "):
        return f"du {phrase[3:]}"
    if phrase.startswith("les "):
        return f"des {phrase[4:]}"
    return f"de {phrase}"


def a_article(phrase: str) -> str:
    """ "à" before a phrase starting with an article: "le x" -> "au x", "les x" -> "aux x"."""
    if phrase.startswith("le "):
        return f"au {phrase[3:]}"
    if phrase.startswith("les "):
        return f"aux {phrase[4:]}"
    return f"à {phrase}"


def bare(phrase: str) -> str:
    """The phrase without its leading definite article."""
    for article in ("le ", "la ", "les ", "l'"):
        if phrase.startswith(article):
            return phrase[len(article) :]
    return phrase


def que(phrase: str) -> str:
    return f"qu'{phrase}" if _elides(phrase) else f"que {phrase}"


def a_town(town: str) -> str:
    """ "à Calais", "au Portel", "au Touquet-Paris-Plage"."""
    if town.startswith("Le "):
        return f"au {town[3:]}"
    if town.startswith("Les "):
        return f"aux {town[4:]}"
    return f"à {town}"


def de_town(town: str) -> str:
    """ "de Calais", "du Portel", "d'Étaples"."""
    if town.startswith("Le "):
        return f"du {town[3:]}"
    if town.startswith("Les "):
        return f"des {town[4:]}"
    return de(town)


def join(items: list[str] | tuple[str, ...], last: str = "et") -> str:
    """French enumeration: "a", "a et b", "a, b et c"."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def cap(text: str) -> str:
    """Upper-case the first letter only."""
    return text[:1].upper() + text[1:]


def long_date(day: date) -> str:
    """ "1er mars 2027", "15 septembre 2027"."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def month_year(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def de_month(day: date) -> str:
    """ "d'avril 2027", "de mars 2027"."""
    return de(month_year(day))


def months_words(n: int) -> str:
    words = {1: "un", 2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six"}
    return f"{words.get(n, str(n))} mois"


def duration_words(months: int) -> str:
    """ "trois mois", "un an", "deux ans", "18 mois"."""
    if months >= 12 and months % 12 == 0:
        years = months // 12
        return {1: "douze mois", 2: "deux ans", 3: "trois ans"}.get(years, f"{years} ans")
    return months_words(months)


def sentence(text: str) -> str:
    """Capitalise and end with a full stop (unless it ends with ! ? or …)."""
    text = cap(text.strip())
    return text if text[-1:] in ".!?…" else f"{text}."
