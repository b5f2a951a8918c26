"""Text helpers shared by every parser: users type without accents, in capitals, with typos."""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Optional, Sequence

from rapidfuzz import fuzz, process

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00a0": " ", "\u202f": " "})


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes and spaces: the key every lookup uses."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> list[str]:
    """Folded word tokens (letters and digits), apostrophes and hyphens split words."""
    return re.findall(r"[a-z0-9]+", fold(text))


def best_match(query: str, choices: Sequence[str], cutoff: float = 85.0) -> Optional[tuple[str, float]]:
    """Closest folded choice to ``query`` with rapidfuzz's ratio, or None below ``cutoff``.

    The cutoff is high on purpose: a wrong guess (another city, another status) is worse
    than asking the user again.
    """
    if not query or not choices:
        return None
    found = process.extractOne(fold(query), [fold(c) for c in choices], scorer=fuzz.ratio, score_cutoff=cutoff)
    if found is None:
        return None
    _, score, index = found
    return choices[index], score


def ngrams(tokens: Sequence[str], max_len: int) -> Iterable[tuple[int, int, str]]:
    """All (start, end, joined) word n-grams up to ``max_len`` words, longest first."""
    for size in range(min(max_len, len(tokens)), 0, -1):
        for start in range(0, len(tokens) - size + 1):
            yield start, start + size, " ".join(tokens[start : start + size])
