"""What the engine reads of a need or a profile: a title, a body, skills, constraints."""

from __future__ import annotations

import re
from dataclasses import dataclass

from matching.skills import SkillVocabulary
from matching.types import Need, Profile

# Offers and profiles carry sentences that say nothing about the match ("H/F", perks,
# "motivé, permis B"); they drown the signal for every model, so the core is kept apart.
_GENDER = re.compile(r"\(?\b[hf]\s*/\s*[hf]\b\)?", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
MAX_TEXT = 20_000  # characters read from one text: a huge paste must not stall a request

# An offer's terms (pay, perks, contract, hours), how to apply, its equal-opportunity line and
# the employer's self-praise say nothing about which person fits: they would weigh in every
# model as much as the missions. Such a sentence is left out of what a need is compared on.
# The cues are the phrasing of the offer itself, never of a job's content: a payroll or HR
# offer's missions ("établit les bulletins de salaire", "gère les contrats à temps partiel",
# "informe les salariés sur la mutuelle d'entreprise") are kept, so a term counts only where
# it leads its line ("Salaire : …", "Tickets-restaurant, mutuelle…", "Télétravail possible")
# or in a formula no task uses ("nous vous offrons", "envoyez votre CV"). Tested; no sentence
# of the ROME, RNCP or ESCO texts of the benchmarks is left out.
_BULLET = r"^[\s\-–•*·▪►✓]*"
_TERM_LEADS = re.compile(
    _BULLET
    + r"(?:(?:les?|la|l'|une?|des|vos|nos)\s*)?(?:"
    + "|".join(
        (
            r"salaires?\b",
            r"r[ée]mun[ée]rations?\b",
            r"gratifications?\b",
            r"avantages?\b",
            r"package\b",
            r"(?:type de )?contrat\s*:",
            r"statut\s*:",
            r"horaires?\b",
            r"dur[ée]e (?:hebdomadaire|du contrat)\b",
            r"temps (?:plein|partiel|de travail)\b",
            r"prise de poste\b",
            r"d[ée]marrage\s*:",
            r"date de (?:d[ée]but|prise de poste)\b",
            r"t[ée]l[ée]travail\b",
            r"organisation hybride\b",
            r"(?:tickets?|titres?|cartes?)[- ](?:restaurants?|d[ée]jeuner)",
            r"mutuelle\b",
            r"primes?\b",
            r"13e mois\b|treizi[èe]me mois\b",
            r"rtt\b",
            r"ch[èe]ques?[- ](?:vacances|cadeaux)",
            r"int[ée]ressement\b",
            r"comit[ée] (?:d'entreprise|social et [ée]conomique)\b",
            r"ambiance\b",
            r"perspectives d'[ée]volution\b",
            r"parcours d'int[ée]gration\b",
            r"informations? compl[ée]mentaires?\b",
            r"\+ du poste\b",
            r"pourquoi nous rejoindre\b",
            r"ce que nous (?:offrons|proposons)\b",
            r"qui sommes-nous\b",
        )
    )
    + ")",
    re.IGNORECASE,
)
# Each formula with the words one of which it cannot match without: a plain `in` on the
# lowered sentence spares most sentences the regular expressions (0.4 ms a demo offer before).
_TERM_FORMULAS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (words, re.compile(pattern, re.IGNORECASE))
    for words, pattern in (
        # pay
        (("€", "euro"), r"\d[\d\s.,]*\s*(?:k\s?€|k\s?euros|€|euros)\s*(?:bruts?|nets?)\b"),
        (("brut",), r"\bbrut(?:e|s)? (?:annuel|mensuel|horaire|par an|par mois)"),
        (("selon",), r"\bselon (?:profil|exp[ée]rience|convention)\b"),
        (("nous",), r"\bnous (?:vous )?(?:offrons|proposons)\b"),
        (("travail",), r"\bjours? de t[ée]l[ée]travail\b"),
        (
            ("travail",),
            r"\bt[ée]l[ée]travail (?:possible|partiel|accept|autoris|occasionnel|ponctuel)",
        ),
        # contract
        (("temps",), r"\b(?:poste|emploi|cdi|cdd)\s+(?:en |à )?temps (?:plein|partiel)\b"),
        (("contrat",), r"\bcontrat à dur[ée]e (?:ind[ée])?d[ée]termin[ée]e\b"),
        (("pourvoir",), r"\bposte à pourvoir\b"),
        # applying
        (("postul",), r"\bpostul(?:er|ez)\b"),
        (
            ("envoy", "adress", "transmett"),
            r"\b(?:envoy|adress|transmett)(?:ez|er) (?:nous )?(?:votre|vos) (?:cv|candidature)",
        ),
        (
            ("lettre",),
            r"\b(?:cv|candidature)\W+(?:et|\+)\s*(?:votre |une )?lettre(?: de motivation)?\b",
        ),
        (("lettre",), r"\bvotre lettre de motivation\b"),
        (
            ("recrutement",),
            r"\b(?:notre|le) processus de recrutement\s*(?::|se d[ée]roule|comprend)",
        ),
        (
            ("entretien",),
            r"\b(?:un|premier|d'un) entretien (?:t[ée]l[ée]phonique|vid[ée]o|en visio)",
        ),
        (("sitez",), r"\bn'h[ée]sitez (?:pas|plus)\b"),
        (("attendez",), r"\bn'attendez plus\b"),
        (("rejoignez",), r"\brejoignez[- ]nous\b"),
        (("reconnaissez",), r"\bvous vous reconnaissez\b"),
        (("resse",), r"\bce poste vous int[ée]resse\b"),
        # equal opportunity
        (
            ("handicap",),
            r"\b(?:postes?|offres?|emplois?|recrutements?)\b[^.]{0,60}\b(?:ouverts?|accessibles?)\b"
            r"[^.]{0,40}\bhandicap",
        ),
        (("handi",), r"\bhandi-?accueillant"),
        (("gale",), r"\b[àa] comp[ée]tences? [ée]gales?\b"),
        (("ouvert",), r"\bouverte? aux (?:femmes et aux hommes|hommes et aux femmes)"),
    )
)
# The employer's history and size; its activity ("spécialisée dans la chaudronnerie") stays,
# since it says what the work is about.
_EMPLOYER = re.compile(
    r"\b(?:depuis|fond[ée]e?s? en|cr[ée]{2}e?s? (?:en|il y a))\s+(?:\d{4}|plus de \d+ ans|\d+ ans)"
    r"|\b(?:compte|emploie|r[ée]unit|regroupe|fort(?:e)? de)\s+(?:aujourd'hui\s+|plus de\s+|pr[èe]s de\s+)?"
    r"\d[\d\s.,]*\s*(?:collaborateurs|salari[ée]s|employ[ée]s|personnes)\b"
    r"|\bpr[ée]sente?s? dans\s+\d+\s+pays\b|\b\d+\s+(?:agences|implantations|filiales|magasins)\b"
    r"|\bqui sommes-nous\b",
    re.IGNORECASE,
)
# Self-praise counts only in the employer's own voice ("notre groupe, leader de…"), never in a
# job's description ("le directeur de filiale…", "un leader au cœur du développement").
_PRAISE = re.compile(
    r"\bfiliale\b|\bleader\b|\bacteur (?:majeur|incontournable|reconnu|de r[ée]f[ée]rence)\b"
    r"|\bà taille humaine\b|\ben (?:pleine )?(?:croissance|expansion)\b|\bstructure dynamique\b"
    r"|\bvaleurs fortes\b|\bambiance conviviale\b|\bchiffre d'affaires de\b",
    re.IGNORECASE,
)
# Every word a formula waits for, found in one pass over the lowered sentence.
_TRIGGERS = re.compile(
    "|".join(sorted({re.escape(w) for words, _ in _TERM_FORMULAS for w in words}, key=len)[::-1])
)
_DIGIT = re.compile(r"\d")
_OWN_VOICE = re.compile(r"\b(?:nous|notre|nos|rejoign\w*)\b", re.IGNORECASE)
_ABOUT_WORK = re.compile(
    r"\b(?:recherch|recrut|poste\b|mission|sp[ée]cialis[ée]e?s? dans|intervien\w* dans|con[çc]oi"
    r"|fabriqu|produi|dont le m[ée]tier)",
    re.IGNORECASE,
)
# Sentences, lines, and items of a list run inline ("• Mutuelle • RTT"); a dash inside a line
# is not a bullet ("8 h - 16 h 30").
_PIECES = re.compile(r"((?<=[.!?;])\s+|\s*\n+\s*|\s+[•·▪►✓]\s+)")
_HEADING = re.compile(r"[^.!?:\n]{1,40}:\s*$")
OFFER_SENTENCE = 240  # longer sentences are content: boilerplate is short; ROME texts run on


@dataclass(frozen=True, slots=True)
class MatchView:
    """One side of a match as text: `skills` are required (need) or held (person)."""

    id: str
    is_need: bool
    title: str
    body: str
    skills: tuple[str, ...]
    nice: tuple[str, ...]
    extracted: bool  # skills were read from the text, not given

    @property
    def lexical_text(self) -> str:
        return " ; ".join([self.title, *self.skills, *self.nice, self.body])

    @property
    def core(self) -> str:
        """The first sentences of the body, for the dense vector when nothing else is given."""
        out = ""
        for sentence in _SENTENCE.split(self.body):
            if len(out) + len(sentence) > 300 and out:
                break
            out = f"{out} {sentence}".strip()
        return out


def clean(text: str) -> str:
    return _GENDER.sub(" ", text[:MAX_TEXT]).strip()


def offer_line(sentence: str) -> bool:
    """Whether a sentence of an offer is about its terms, applying or the employer, not the work
    (or only a heading: "Vos missions :", "Les + du poste :")."""
    if _HEADING.match(sentence):
        return True
    if len(sentence) > OFFER_SENTENCE:
        return False
    if _TERM_LEADS.search(sentence):
        return True
    low = sentence.lower()
    found = set(_TRIGGERS.findall(low))
    if found and any(
        found.intersection(words) and rx.search(sentence) for words, rx in _TERM_FORMULAS
    ):
        return True
    # The employer's history and size always hold a number (or "qui sommes-nous").
    employer = (_DIGIT.search(low) or "sommes-nous" in low) and _EMPLOYER.search(sentence)
    employer = employer or (_OWN_VOICE.search(sentence) and _PRAISE.search(sentence))
    return bool(employer) and not _ABOUT_WORK.search(sentence)


def _offer_read(text: str) -> tuple[str, list[str]]:
    """What the engine reads of an offer's text, and the `offer_line` sentences it leaves out
    (none, and the whole text, when nothing else would be left)."""
    pieces = _PIECES.split(text)  # sentence, separator, sentence, …
    kept: list[str] = []
    dropped: list[str] = []
    for i in range(0, len(pieces), 2):
        if pieces[i].strip() and offer_line(pieces[i]):
            dropped.append(pieces[i].strip())
            continue
        kept.append(pieces[i])
        if i + 1 < len(pieces):
            kept.append(pieces[i + 1])
    body = "".join(kept).strip()
    return (body, dropped) if dropped and body else (text, [])


def offer_body(text: str) -> str:
    """An offer's text without its `offer_line` sentences (the whole text if none is left)."""
    return _offer_read(text)[0]


def offer_left_out(text: str) -> list[str]:
    """The sentences of an offer that `offer_body` leaves out, as written (headings too)."""
    return _offer_read(text)[1]


def _dedupe(labels: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for label in labels:
        label = label.strip()
        if label and label.lower() not in seen:
            seen[label.lower()] = label
    return tuple(seen.values())


def view(item: Need | Profile, vocabulary: SkillVocabulary | None = None) -> MatchView:
    """The view of a need or profile; skills are extracted from the text when none are given."""
    if isinstance(item, Need):
        title, body = clean(item.title), offer_body(clean(item.description))
        skills, nice = _dedupe(item.skills), _dedupe(item.nice_to_have)
        is_need = True
    else:
        title, body = clean(item.headline), clean(item.summary)
        skills, nice = _dedupe(list(item.skills) + list(item.research_topics)), ()
        is_need = False
    extracted = False
    if not skills and vocabulary is not None:
        skills = tuple(s.label for s in vocabulary.extract(f"{title}. {body}"))[:30]
        extracted = bool(skills)
    return MatchView(item.id, is_need, title, body, skills, nice, extracted)
