"""Numbers written in French words: "vingt mille", "quatre-vingt-dix", "deux semaines".

People type amounts and durations in words as often as in digits, on phones especially;
both the amount parser and the duration parser read them through ``find_number_words``.
Input is expected folded (lower case, no accents) by ``assistant.text.fold``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator

_SMALL = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16,
}
_TENS = {
    "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
}
_HUNDRED = {"cent", "cents"}
_SCALES = {"mille": 1000, "milles": 1000, "mil": 1000, "million": 1_000_000, "millions": 1_000_000,
           "milliard": 1_000_000_000, "milliards": 1_000_000_000}
NUMBER_WORDS = frozenset(_SMALL) | frozenset(_TENS) | _HUNDRED | frozenset(_SCALES)

_TOKEN = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class NumberWords:
    """A run of number words in the text, with its value and character span."""

    value: Decimal
    start: int
    end: int
    words: tuple[str, ...]

    @property
    def has_scale(self) -> bool:
        """"mille"/"million" make it an amount for sure; "un" or "neuf" alone may be anything."""
        return any(w in _SCALES for w in self.words)


def words_value(words: list[str]) -> Decimal:
    """Value of number words in order, e.g. ["quatre", "vingt", "dix"] → 90."""
    total, current = 0, 0
    for word in words:
        if word in _SMALL:
            current += _SMALL[word]
        elif word in _TENS:
            value = _TENS[word]
            if value == 20 and current % 100 == 4:   # quatre-vingt(s)
                current += 80 - 4
            else:
                current += value
        elif word in _HUNDRED:
            hundreds, rest = divmod(current, 100)
            current = hundreds * 100 + max(rest, 1) * 100
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
    return Decimal(total + current)


def find_number_words(folded: str) -> Iterator[NumberWords]:
    """Every run of number words; "et" and hyphens may join them ("vingt et un", "dix-sept")."""
    run: list[re.Match] = []
    pending_et: list[re.Match] = []
    for match in _TOKEN.finditer(folded):
        word = match.group()
        if word in NUMBER_WORDS:
            previous = pending_et[-1] if pending_et else (run[-1] if run else None)
            glued = previous is not None and re.fullmatch(r"[\s-]*", folded[previous.end():match.start()])
            if run and (not glued or (pending_et and word not in ("un", "une", "onze"))):
                yield _close(run)
                run = []
            run.append(match)
            pending_et = []
            continue
        if word == "et" and run and not pending_et and folded[run[-1].end():match.start()].strip() == "":
            pending_et = [match]
            continue
        if run:
            yield _close(run)
        run, pending_et = [], []
    if run:
        yield _close(run)


def _close(run: list[re.Match]) -> NumberWords:
    words = tuple(m.group() for m in run)
    return NumberWords(words_value(list(words)), run[0].start(), run[-1].end(), words)
