"""Euro amounts in free French text: "20 000 €", "20k", "20.000", "vingt mille euros", "1,5 million".

The IJ form reads every user message with this parser, so it must be strict about what is
NOT an amount: durations ("10 jours", "un mois"), years ("en 2019"), dates ("le 3 mars"),
percentages and ordinals. A number counts as an amount when something says so (a currency,
"k"/"mille", thousands separators, an income word nearby, or four digits or more); a bare
small number only counts when the bot has just asked for the income (``expecting=True``).
Absurd values raise ``AmountError`` so the action can say what is wrong instead of guessing.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Optional

from assistant.ij.french_numbers import find_number_words
from assistant.text import fold

# Sanity bounds of what a self-employed person could mean by a yearly income; not a legal
# parameter. Above it the user most likely typed an extra digit.
MAX_AMOUNT = Decimal(10_000_000)
MAX_INCOMES = 3

MONTH_NAMES = ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
               "octobre", "novembre", "decembre")
_MONTHS = "|".join(MONTH_NAMES)

# Dates are blanked before looking for amounts (same length, so positions stay valid).
_DATE_PATTERNS = [
    re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}\b"),
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),
    re.compile(rf"\b(?:1er|\d{{1,2}})\s+(?:{_MONTHS})\b(?:\s+\d{{4}})?"),
    re.compile(rf"\b(?:{_MONTHS})\s+\d{{4}}\b"),
]

_NUMBER = re.compile(
    r"(?P<num>\d{1,3}(?:[ .'’]\d{3})+(?:,\d{1,2})?(?!\d)|\d+(?:[.,]\d{1,3}(?!\d))?)"
    r"(?P<mult>\s*(?:k(?:e|eur)?|milles?|millions?|m(?=\s*(?:€|eur))))?"
    r"(?P<cur>\s*(?:d['’ ]\s*)?(?:€|euros?\b|eur\b|e\b|balles\b))?"
)
_MULTIPLIERS = {"k": 1000, "ke": 1000, "keur": 1000, "mille": 1000, "milles": 1000,
                "million": 1_000_000, "millions": 1_000_000, "m": 1_000_000}

# Words right after a number that make it something else than an amount.
_NOT_AMOUNT_AFTER = re.compile(
    r"\s*(?:%|pour\s*cent|pourcent|p\.?\s*100\b|(?:j|jr|jrs|jour|jours|journee|journees|sem|semaine|semaines|mois|"
    r"an|ans|annee|annees|h|heure|heures|min|minutes|fois|enfants?|salaries?|personnes?|dernier|derniere|"
    r"derniers|dernieres|premier|premiere|premiers|premieres|eme|ieme|er|e|trimestres?|km|kg|ans)\b)"
)
_INCOME_WORDS = re.compile(
    r"\b(?:revenus?|gagne|gagnes|gagnait|gagner|touche|benefices?|ca|chiffres?|affaires|salaire|remuneration|"
    r"declare|declares|moyenne|moyen|bnc|bic|an|annuel|annuels|annee|brut|net)\b"
)
_PLACE_WORDS = re.compile(r"\b(?:au|cp|postal|habite|departement|rue|avenue|numero|n|no|tel|article|art)\s*$")
_DAILY_AFTER = re.compile(r"\s*(?:brut\s+|net\s+)?(?:par|/)\s*(?:jour|j|heure|h)\b")
_MONTHLY_AFTER = re.compile(r"\s*(?:net\s+|brut\s+)?(?:par\s+mois|/\s*mois|mensuels?|mensuellement|chaque\s+mois)\b")
_NEGATIVE_WORDS = re.compile(r"\b(?:deficit|deficitaire|perte|pertes|negatif|negative)\b")
_GLUED_LETTERS = re.compile(r"\b(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{2,}\b")
_ALLOWED_GLUED = re.compile(r"^(?:\d+(?:k|ke|keur|e|er|eme|j|jr|jrs|h|m|an|ans|mois|sem)|[a-z]\d{3}-?\d*)$")


class AmountErrorKind(str, enum.Enum):
    NEGATIVE = "negative"
    TOO_LARGE = "too_large"
    NOT_A_NUMBER = "not_a_number"
    TOO_MANY = "too_many"


class AmountError(ValueError):
    """An amount was given but cannot be used; ``kind`` lets the action choose its message."""

    def __init__(self, kind: AmountErrorKind, text: str) -> None:
        super().__init__(f"{kind.value}: {text!r}")
        self.kind = kind
        self.text = text


@dataclass(frozen=True)
class AmountMatch:
    value: Decimal
    start: int
    end: int
    strong: bool  # something in the text says it is a sum of money


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def mask_dates(folded: str) -> str:
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(folded):
            folded = _blank(folded, match.start(), match.end())
    return folded


def _digits_value(raw: str) -> Decimal:
    """"20 000,50" → 20000.50; "20.000" and "20,000" → 20000 (three digits = thousands)."""
    if re.search(r"[ '’]", raw) or re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", raw):
        raw = re.sub(r"[ .'’]", "", raw)
    elif re.fullmatch(r"\d+[.,]\d{3}", raw):
        raw = re.sub(r"[.,]", "", raw)
    return Decimal(raw.replace(",", "."))


def _is_negative(folded: str, start: int) -> bool:
    """A minus glued to the number ("-5000", "revenu: -5 000"), "moins 5000", or a deficit.

    A dash followed by a space is a separator ("commerçant - 30 000 €", "25k - 30k"), and
    "moins de 5 000" means "less than", so neither makes the amount negative.
    """
    before = folded[:start]
    if re.search(r"(?:^|[\s(:;=])-$", before) or re.search(r"\bmoins\s*$", before):
        return True
    return bool(_NEGATIVE_WORDS.search(" ".join(before.split()[-4:])))


def _income_context(folded: str, start: int, end: int) -> bool:
    before = " ".join(folded[:start].split()[-4:])
    after = " ".join(folded[end:].split()[:3])
    return bool(_INCOME_WORDS.search(before) or _INCOME_WORDS.search(after))


def _checked(text: str, folded: str, value: Decimal, start: int, end: int, strong: bool) -> Optional[AmountMatch]:
    if _DAILY_AFTER.match(folded, end):
        return None  # "41,10 € par jour" is an allowance the user quotes, not an income
    if _is_negative(folded, start):
        raise AmountError(AmountErrorKind.NEGATIVE, text)
    if _MONTHLY_AFTER.match(folded, end):
        value *= 12  # people often give a monthly figure; the IJ needs a yearly one
    if value > MAX_AMOUNT:
        raise AmountError(AmountErrorKind.TOO_LARGE, text)
    return AmountMatch(value, start, end, strong)


def find_amounts(text: str) -> list[AmountMatch]:
    """Every amount in ``text`` in order; raises AmountError for a negative or huge one."""
    folded = mask_dates(fold(text))
    found: list[AmountMatch] = []
    for match in _NUMBER.finditer(folded):
        start, end = match.span()
        raw = match.group("num")
        if start > 0 and folded[start - 1].isalnum():
            continue  # part of a word or an identifier ("d622", "t2")
        multiplier = (match.group("mult") or "").strip()
        currency = (match.group("cur") or "").strip()
        if end < len(folded) and folded[end].isalpha() and not currency and not multiplier:
            continue  # glued to letters: ordinal ("1er", "3e") or a typo (see has_garbled_number)
        if not multiplier and not currency and _NOT_AMOUNT_AFTER.match(folded, end):
            continue
        try:
            value = _digits_value(raw) * _MULTIPLIERS.get(multiplier, 1)
        except InvalidOperation:
            continue
        plain_integer = re.fullmatch(r"\d+", raw) is not None
        if plain_integer and not multiplier and not currency:
            if len(raw) == 4 and 1900 <= int(raw) <= 2100:
                continue  # a year
            if _PLACE_WORDS.search(folded[:start]):
                continue  # a street number, a postal code, an article
        if currency == "e" and plain_integer and value < 100:
            continue  # "2 e" is an ordinal
        grouped = not plain_integer and bool(re.search(r"[ '’]", raw) or re.fullmatch(r"\d+[.,]\d{3}", raw)
                                             or re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", raw))
        strong = bool(multiplier or currency or grouped or (start > 0 and folded[start - 1] == "€")
                      or (plain_integer and value >= 1000) or _income_context(folded, start, end))
        checked = _checked(text, folded, value, start, end, strong)
        if checked is not None:
            found.append(checked)

    taken = [(m.start, m.end) for m in found]
    for words in find_number_words(folded):
        if any(s < words.end and words.start < e for s, e in taken):
            continue
        currency = re.match(r"\s*(?:d['’ ]\s*)?(?:€|euros?\b|eur\b|balles\b)", folded[words.end:]) is not None
        if not currency and _NOT_AMOUNT_AFTER.match(folded, words.end):
            continue
        if not (words.has_scale or currency):
            continue  # "un", "neuf", "cent" alone are too often something else
        checked = _checked(text, folded, words.value, words.start, words.end, True)
        if checked is not None:
            found.append(checked)
    return sorted(found, key=lambda m: m.start)


def has_garbled_number(text: str) -> bool:
    """True for "2O OOO" or "20abc": the user meant a number but it cannot be read."""
    folded = fold(text)
    if re.search(r"\b\d+\s*[o]{2,}\b|\b[o]\d|\d[o]\d", folded):
        return True
    return any(not _ALLOWED_GLUED.match(token) for token in _GLUED_LETTERS.findall(folded))


def parse_incomes(text: str, expecting: bool = False) -> Optional[tuple[Decimal, ...]]:
    """One amount (an average) or one per year, oldest first; None when there is none.

    ``expecting`` is True right after the bot asked for the income: then "30000" or "0"
    alone is an answer, and a number that cannot be read is an error worth reporting.
    "entre 25 000 et 30 000" is a range: its middle is returned.
    """
    amounts = [m for m in find_amounts(text) if m.strong or expecting]
    if not amounts:
        folded = fold(text)
        if expecting and re.search(r"\b(?:zero|rien|aucun|aucune|nul|nulle)\b", folded):
            return (Decimal(0),)
        if expecting and has_garbled_number(text):
            raise AmountError(AmountErrorKind.NOT_A_NUMBER, text)
        return None
    values = tuple(m.value for m in amounts)
    folded = fold(text)
    if len(values) == 2 and re.search(r"\bentre\b", folded[: amounts[0].start]):
        return ((values[0] + values[1]) / 2,)
    if len(values) > MAX_INCOMES:
        raise AmountError(AmountErrorKind.TOO_MANY, text)
    return values


def parse_amount(text: str, expecting: bool = False) -> Optional[Decimal]:
    """The first amount of ``text`` (see ``parse_incomes`` for what counts)."""
    incomes = parse_incomes(text, expecting)
    return incomes[0] if incomes else None
