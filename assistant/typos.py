"""Typo-tolerant normalisation of domain words before intent classification.

DIET's character n-grams absorb small typos, but a word like "cotisassions" or "urssaff"
still drifts away from its training neighbours. Mapping the few domain words back to their
canonical spelling (accents included, which helps the spaCy vectors) is cheap and safe as
long as only domain words are candidates: ordinary French words are left alone.
Chat shorthands ("slt", "kel", "pr", "jsuis") are written out the same way, from the table in
knowledge/lexicon.yml: the training examples mostly spell the words in full, so "cc" alone
otherwise shares nothing with "coucou".
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from assistant.knowledge import load_yaml, require_provenance
from assistant.text import fold

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
MIN_LENGTH = 5      # shorter words are too ambiguous to correct ("rsi", "cpam" must be exact)


def max_edits(length: int) -> int:
    """One slip in a word of 5-7 letters, two from 8 letters: a ratio threshold would also
    turn "entrepreneur" into "autoentrepreneur" or "carrée" into "carrière"."""
    return 1 if length < 8 else 2


@dataclass(frozen=True)
class Correction:
    original: str
    corrected: str
    edits: float   # 0 when only accents or case were restored, or a shorthand written out


@functools.lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, str], list[str], dict[str, str]]:
    data = load_yaml("lexicon.yml")
    require_provenance(data, "lexicon.yml")
    canonical = {fold(word): word for word in data["words"]}
    shorthands = {fold(short): full for short, full in (data.get("abbreviations") or {}).items()}
    return canonical, list(canonical), shorthands


def correct_word(word: str) -> Correction | None:
    canonical, folded_words, shorthands = _lexicon()
    key = fold(word)
    if key in shorthands:
        # Written out whole: a shorthand is not a slip of one letter, and "cc" is not "cpam".
        return Correction(word, shorthands[key], 0.0)
    if key in canonical:
        target = canonical[key]
        return Correction(word, target, 0.0) if target != word.lower() else None
    if len(key) < MIN_LENGTH:
        return None
    found = process.extractOne(key, folded_words, scorer=Levenshtein.distance, score_cutoff=max_edits(len(key)))
    if found is None:
        return None
    target, edits, _ = found
    return Correction(word, canonical[target], float(edits))


def normalise(text: str) -> tuple[str, list[Correction]]:
    """``text`` with misspelled domain words replaced, and the corrections made."""
    corrections: list[Correction] = []

    def replace(match: re.Match) -> str:
        found = correct_word(match.group(0))
        if found is None:
            return match.group(0)
        corrections.append(found)
        return found.corrected

    return _WORD.sub(replace, text), corrections
