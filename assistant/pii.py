"""Personal data that users paste into a chat and that must never be stored or logged.

Independents often type their social security number (NIR) to "help" the bot. The number
identifies them for life, so the assistant masks it, with IBANs, e-mail addresses and phone
numbers, before the message reaches the tracker store or the logs, and tells them not to
share it. Checks use the official keys (NIR: 97 - n mod 97; IBAN: ISO 13616 mod 97) so that
an amount like "42 000" or a postcode is never taken for personal data.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class PiiKind(str, enum.Enum):
    NIR = "nir"
    IBAN = "iban"
    EMAIL = "email"
    PHONE = "phone"

    @property
    def label(self) -> str:
        return {
            PiiKind.NIR: "numéro de sécurité sociale",
            PiiKind.IBAN: "IBAN",
            PiiKind.EMAIL: "adresse e-mail",
            PiiKind.PHONE: "numéro de téléphone",
        }[self]

    @property
    def mask(self) -> str:
        return {
            PiiKind.NIR: "[NIR masqué]",
            PiiKind.IBAN: "[IBAN masqué]",
            PiiKind.EMAIL: "[e-mail masqué]",
            PiiKind.PHONE: "[téléphone masqué]",
        }[self]


@dataclass(frozen=True)
class PiiFound:
    kind: PiiKind
    start: int
    end: int


_SEP = r"[ .\-]?"
# NIR: sex, year, month, département (2 digits or 2A/2B), commune, order, optional key.
_NIR = re.compile(
    rf"(?<![\w])([1-478]){_SEP}(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{2}}|2[AB]){_SEP}(\d{{3}}){_SEP}(\d{{3}})(?:{_SEP}(\d{{2}}))?(?![\w])",
    re.IGNORECASE,
)
_IBAN = re.compile(r"(?<![\w])([A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30})(?![\w])", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# French numbers: 0X XX XX XX XX, +33 X XX XX XX XX, 0033…; separators space, dot or dash.
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)33[ .\-]?(?:\(0\))?[ .\-]?[1-9]|0[1-9])(?:[ .\-]?\d{2}){4}(?![\w])")


def _nir_ok(match: re.Match) -> bool:
    sex, year, month, dep, commune, order, key = match.groups()
    month_i = int(month)
    if not (1 <= month_i <= 12 or 20 <= month_i <= 42 or 50 <= month_i <= 99):
        return False
    digits = f"{sex}{year}{month}{dep}{commune}{order}".upper()
    if key is None:
        return True  # 13 digits shaped like a NIR: the login identifier itself, still personal
    number = int(digits.replace("2A", "19").replace("2B", "18"))
    return 97 - number % 97 == int(key)


def _iban_ok(candidate: str) -> bool:
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


def _longest_valid_iban_end(text: str, start: int, end: int) -> int | None:
    """The candidate may run into the next word ("… 189 svp"): keep the longest valid prefix
    that ends at a word boundary."""
    for stop in range(end, start + 14, -1):
        at_boundary = stop == len(text) or not text[stop].isalnum()
        if at_boundary and text[stop - 1].isalnum() and _iban_ok(text[start:stop]):
            return stop
    return None


def find_pii(text: str) -> list[PiiFound]:
    """Every piece of personal data in ``text``, in order, without overlaps."""
    found: list[PiiFound] = []
    for match in _EMAIL.finditer(text):
        found.append(PiiFound(PiiKind.EMAIL, match.start(), match.end()))
    for match in _IBAN.finditer(text):
        end = _longest_valid_iban_end(text, match.start(1), match.end(1))
        if end is not None:
            found.append(PiiFound(PiiKind.IBAN, match.start(1), end))
    for match in _NIR.finditer(text):
        if _nir_ok(match):
            found.append(PiiFound(PiiKind.NIR, match.start(), match.end()))
    for match in _PHONE.finditer(text):
        found.append(PiiFound(PiiKind.PHONE, match.start(), match.end()))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[PiiFound] = []
    for item in found:
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept


def mask_pii(text: str) -> tuple[str, list[PiiKind]]:
    """``text`` with personal data replaced by "[nir masqué]"-like marks, and the kinds found."""
    found = find_pii(text)
    if not found:
        return text, []
    pieces, last = [], 0
    for item in found:
        pieces.append(text[last : item.start])
        pieces.append(item.kind.mask)
        last = item.end
    pieces.append(text[last:])
    return "".join(pieces), [item.kind for item in found]


def mask_everywhere(value):
    """Mask personal data in every string of a JSON-like structure (an event as a dict)."""
    if isinstance(value, str):
        return mask_pii(value)[0]
    if isinstance(value, dict):
        return {key: mask_everywhere(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_everywhere(item) for item in value]
    return value
