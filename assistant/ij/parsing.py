"""What the user says about their leave, read from free French text.

Each parser returns None when the message says nothing about its subject, so the Rasa form
can run them all on every message: one sentence ("micro-entrepreneur en vente, 55 500 € de
CA, arrêt de 2 semaines") fills several slots, and a later correction overwrites a value.
Users type without accents, with typos and in SMS style; everything works on ``fold``-ed
text, with rapidfuzz for the vocabulary. Amounts live in ``amounts.py``.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from rapidfuzz import fuzz

from assistant.ij.amounts import (MONTH_NAMES, AmountError, AmountErrorKind, find_amounts, parse_amount,
                                  parse_incomes)
from assistant.ij.french_numbers import find_number_words
from assistant.ij.model import CAISSE_LAWYERS, CAISSE_REGIME_GENERAL, CAISSE_UNKNOWN, MicroActivity
from assistant.ij.params import load_params
from assistant.statuses import parse_status
from assistant.text import contains_term, fold, words

__all__ = [
    "AmountError", "AmountErrorKind", "find_amounts", "parse_amount", "parse_incomes", "parse_activity",
    "parse_caisse", "parse_leave_days", "parse_hospitalisation", "parse_therapeutic_part_time",
    "parse_retired", "parse_leave_date",
]

_FUZZY_CUTOFF = 88  # same strictness as the status parser: a wrong guess is worse than a question
_NEGATION = re.compile(r"\b(?:pas|sans|non|jamais|ni|aucune?)\b(?:\s+\S+){0,2}\s*$")


def _negated(folded: str, start: int) -> bool:
    """"pas hospitalisé", "sans mi-temps thérapeutique": a negation just before the term."""
    return _NEGATION.search(folded[:start]) is not None


# --- micro-entreprise activity ------------------------------------------------------------

def parse_activity(text: str) -> Optional[MicroActivity]:
    """The tax category of a micro-entreprise (vente / prestation / BNC), typos allowed.

    Longer expressions are tried first so that "prestation libérale" is BNC and not a
    plain "prestation"; the vocabulary sits next to each abatement in rules.yml.
    """
    if not text:
        return None
    text_words = words(text)
    terms = [(fold(term), activity) for activity, abatement in load_params().abatements.items()
             for term in abatement.words]
    for term, activity in sorted(terms, key=lambda item: -len(item[0])):
        if contains_term(text_words, term, _FUZZY_CUTOFF):
            return activity
    return None


# --- liberal section ------------------------------------------------------------------------

_UNKNOWN = re.compile(r"\b(?:(?:je\s+)?(?:ne\s+)?sais\s+pas|sais\s+plus|aucune\s+idee|inconnue?|nsp|jsp|"
                      r"pas\s+sur|ne\s+connais\s+pas|je\s+ne\s+sais)\b")
_REGIME_GENERAL = re.compile(r"\b(?:regime\s+general|non\s+reglementee?s?|ssi|securite\s+sociale\s+des\s+independants|"
                             r"(?:pas\s+de|aucune)\s+caisse)\b")


def parse_caisse(text: str) -> Optional[str]:
    """The liberal pension section (CARMF, CIPAV…), "CNBF", "regime_general" or "inconnu".

    A profession is enough ("je suis kiné" → CARPIMKO): the status lexicon knows which
    section each regulated profession belongs to.
    """
    if not text:
        return None
    folded = fold(text)
    text_words = words(text)
    codes = list(load_params().sections) + [CAISSE_LAWYERS]
    for code in codes:
        key = code.lower()
        # typos only when the word is as long as the code and starts like it: "avec" is not CAVEC
        if any(w == key or (len(w) >= len(key) and w[:2] == key[:2] and fuzz.ratio(w, key) >= 80)
               for w in text_words):
            return code
    match = parse_status(text)
    if match is not None and match.caisse:
        return match.caisse
    if _REGIME_GENERAL.search(folded):
        return CAISSE_REGIME_GENERAL
    if _UNKNOWN.search(folded):
        return CAISSE_UNKNOWN
    return None


# --- leave length ---------------------------------------------------------------------------

_UNIT_DAYS = {"j": 1, "jr": 1, "jrs": 1, "jour": 1, "jours": 1, "journee": 1, "journees": 1,
              "sem": 7, "semaine": 7, "semaines": 7, "mois": 30}
_DURATION = re.compile(
    r"(?P<num>\d+(?:[.,]5)?)\s*(?P<unit>jours|jour|journees|journee|jrs|jr|j|semaines|semaine|sem|mois)\b"
    r"(?P<half>\s+et\s+demie?)?"
)
_NOT_A_LENGTH_AFTER = re.compile(r"\s*(?:de\s+carence|de\s+franchise|d'attente|par\s+an)\b")
_NOT_A_LENGTH_BEFORE = re.compile(r"(?:\bdans|\bsous|\bau\s+bout\s+de|\bapres|\ba\s+partir\s+de)\s*$")
MAX_LEAVE_DAYS = 3 * 365  # ALD: three years at most; anything longer is a typo


def parse_leave_days(text: str) -> Optional[int]:
    """Length of the leave in days: "10 jours", "2 semaines", "un mois et demi", "15j".

    A month counts 30 days (the CPAM counts calendar days; the exact figure depends on the
    dates). "3 jours de carence" or "sous 48 h" are not the length of the leave.
    """
    if not text:
        return None
    folded = fold(text)
    candidates: list[tuple[int, float]] = []
    for match in _DURATION.finditer(folded):
        if match.start() > 0 and folded[match.start() - 1].isalnum():
            continue
        value = float(match.group("num").replace(",", "."))
        candidates.append((match.start(), _length(folded, match.start(), match.end(), value,
                                                  match.group("unit"), bool(match.group("half")))))
    for number in find_number_words(folded):
        unit = re.match(r"\s*(jours|jour|journees|journee|semaines|semaine|mois)\b(\s+et\s+demie?)?",
                        folded[number.end:])
        if unit:
            candidates.append((number.start, _length(folded, number.start, number.end + unit.end(),
                                                     float(number.value), unit.group(1), bool(unit.group(2)))))
    lengths = [days for _, days in sorted(candidates) if days > 0]
    if not lengths:
        return None
    days = int(round(lengths[0]))
    return days if 1 <= days <= MAX_LEAVE_DAYS else None


def _length(folded: str, start: int, end: int, value: float, unit: str, half: bool) -> float:
    """Days of one "<number> <unit>" expression, or 0 when the context says it is not a length."""
    if _NOT_A_LENGTH_AFTER.match(folded, end) or _NOT_A_LENGTH_BEFORE.search(folded[:start]):
        return 0
    if half:
        value += 0.5
    days = value * _UNIT_DAYS[unit]
    more = re.match(r"\s*et\s+(\d+)\s*(jours|jour|j)\b", folded[end:])
    return days + (int(more.group(1)) if more else 0)


# --- yes/no facts ---------------------------------------------------------------------------

_HOSPITAL = re.compile(r"\b(?:hospitali\w*|hopital|hopitaux|hosto|clinique|hospit)\b")
_TPT = re.compile(r"\b(?:(?:mi|demi)\s*-?\s*temps\s+th\w*|temps\s+partiel\s+(?:pour\s+motif\s+)?th\w*|tpt|"
                  r"reprise\s+(?:a|en)\s+(?:mi|demi)\s*-?\s*temps|reprise\s+(?:a|en)\s+temps\s+partiel)\b")
_RETIRED = re.compile(r"^\s*(?:un\s+|une\s+)?retraitee?s?\W*$|\b(?:cumul\s+emploi\s*-?\s*retraite|(?:je\s+suis|suis|deja|jeune|en|a\s+la)\s+retraite(?:e|s|es)?|"
                      r"retraite(?:e|s|es)?\s+(?:et|mais|qui|actif|active)|pensionnee?|je\s+touche\s+ma\s+retraite|"
                      r"je\s+percois\s+(?:ma|une)\s+retraite)\b")


def _yes_no(pattern: re.Pattern, text: str) -> Optional[bool]:
    if not text:
        return None
    folded = fold(text)
    match = pattern.search(folded)
    if match is None:
        return None
    return not _negated(folded, match.start())


def parse_hospitalisation(text: str) -> Optional[bool]:
    """True for "hospitalisé", False for "pas d'hospitalisation", None when not mentioned.

    It matters for leaves of 2018-2021, when a hospitalisation brought payment forward
    from the 8th to the 4th day.
    """
    return _yes_no(_HOSPITAL, text)


def parse_therapeutic_part_time(text: str) -> Optional[bool]:
    """True for "mi-temps thérapeutique" / "temps partiel thérapeutique" (half the IJ)."""
    return _yes_no(_TPT, text)


def parse_retired(text: str) -> Optional[bool]:
    """True when the user says they already draw a pension (cumul emploi-retraite).

    "caisse de retraite" is not a retiree: only phrasings about the person count (the status
    lexicon's fuzzy "déjà retraité" also matches "de retraite", so it is not used here).
    """
    return _yes_no(_RETIRED, text)


# --- date of the leave ----------------------------------------------------------------------

_MONTH_NUMBER = {name: index + 1 for index, name in enumerate(MONTH_NAMES)}
_MONTHS = "|".join(MONTH_NAMES)
_DMY = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DAY_MONTH = re.compile(rf"\b(1er|\d{{1,2}})\s+({_MONTHS})\b(?:\s+(\d{{4}}))?")
_MONTH_YEAR = re.compile(rf"\b({_MONTHS})\s+(\d{{4}})\b")
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_LEAVE_WORDS = re.compile(r"\b(?:arret\w*|malade|maladie|hospitali\w*|accident|operee?|tombee?)\b")
_INCOME_BEFORE = re.compile(r"\b(?:revenus?|ca|chiffres?|affaires|gagne|gagnes|benefices?|bnc|bic|declare)\W*"
                            r"(?:\w+\W+){0,2}$")
_AMOUNT_BEFORE = re.compile(r"(?:\d|€|\bk|\beuros?|\bmille)\s*(?:\b(?:en|pour|de|sur|au\s+titre\s+de)\b)?\s*$")
_INCOME_AFTER = re.compile(r"\W*(?:\w+\W+){0,2}?(?:gagne|gagnes|revenus?|ca|chiffres?|benefices?|declare)\b")
_RELATIVE = {
    "aujourd'hui": 0, "aujourdhui": 0, "ajd": 0, "auj": 0, "demain": 1, "hier": -1, "avant-hier": -2,
    "avant hier": -2, "apres-demain": 2, "apres demain": 2,
}


def _safe_date(year: int, month: int, day: int) -> Optional[dt.date]:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_leave_date(text: str, today: Optional[dt.date] = None) -> Optional[dt.date]:
    """Start of the leave: "le 3 mars 2019", "03/03/2019", "mars 2019", "arrêt en 2019", "hier".

    A year alone means 1 January of that year (today for the current year); it only counts
    when the message speaks of the leave ("arrêt en 2019", "en 2019") and not of incomes
    ("revenus 2023 : 25 000 €"), and when it is the only year mentioned.
    """
    if not text:
        return None
    today = today or dt.date.today()
    folded = fold(text)
    if (m := _ISO.search(folded)) is not None:
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if (m := _DMY.search(folded)) is not None:
        year = int(m.group(3))
        year += 2000 if year < 100 else 0
        return _safe_date(year, int(m.group(2)), int(m.group(1)))
    if (m := _DAY_MONTH.search(folded)) is not None:
        day = 1 if m.group(1) == "1er" else int(m.group(1))
        year = int(m.group(3)) if m.group(3) else today.year
        return _safe_date(year, _MONTH_NUMBER[m.group(2)], day)
    if (m := _MONTH_YEAR.search(folded)) is not None:
        return _safe_date(int(m.group(2)), _MONTH_NUMBER[m.group(1)], 1)
    for phrase, offset in sorted(_RELATIVE.items(), key=lambda item: -len(item[0])):
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded):
            return today + dt.timedelta(days=offset)
    if re.search(r"\b(?:l'an|l annee|lan)\s+derni(?:er|ere)\b|\bannee\s+derniere\b", folded):
        return _year_start(today.year - 1, today)
    if re.search(r"\bcette\s+annee\b", folded):
        return today
    years = {m.group(1) for m in _YEAR.finditer(folded)}
    if len(years) != 1:
        return None
    for match in _YEAR.finditer(folded):
        before, after = folded[: match.start()], folded[match.end():]
        if _AMOUNT_BEFORE.search(before) or re.match(r"\s*(?:[:=]\s*\d|€|euros?\b)", after):
            continue  # "25 000 € en 2024", "2024 : 30 000": the year of an income
        if _LEAVE_WORDS.search(before[-25:]):
            return _year_start(int(match.group(1)), today)  # "arrêt maladie en 2019"
        if _INCOME_BEFORE.search(before) or _INCOME_AFTER.match(after):
            continue  # "revenus 2023", "en 2019 j'ai gagné"
        if re.search(r"\b(?:en|depuis|de|du|annee|le|pour)\s*$", before) or _LEAVE_WORDS.search(before[-40:]):
            return _year_start(int(match.group(1)), today)
    return None


def _year_start(year: int, today: dt.date) -> dt.date:
    return today if year == today.year else dt.date(year, 1, 1)
