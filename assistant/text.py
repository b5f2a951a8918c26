"""Text helpers shared by every parser: users type without accents, in capitals, with typos."""
from __future__ import annotations

import re
import unicodedata
from typing import Sequence

from rapidfuzz import fuzz

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00a0": " ", "\u202f": " "})


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes and spaces: the key every lookup uses."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", text).strip()


def is_button_payload(text: str) -> bool:
    """A button's payload ("/help_topic{...}") is written by us, not typed: its intent and
    entities must reach Rasa's RegexMessageHandler exactly as written."""
    return text.lstrip().startswith("/")


def words(text: str) -> list[str]:
    """Folded word tokens (letters and digits), apostrophes and hyphens split words."""
    return re.findall(r"[a-z0-9]+", fold(text))


def _word_close(typed: str, term: str, cutoff: float) -> bool:
    """Short words must match exactly ("de" is not "en"); long ones may carry a slip."""
    return typed == term or (len(term) >= 6 and fuzz.ratio(typed, term) >= cutoff)


def contains_term(text_words: Sequence[str], term: str, cutoff: float = 88.0) -> bool:
    """True when ``term`` (folded, one or more words) appears in ``text_words``, typos allowed
    word by word. Comparing word by word, not whole phrases, keeps "caisse de retraite" from
    matching "déjà retraité". A term typed as one word ("autoentrepreneur") also matches."""
    term_words = term.replace("-", " ").replace("'", " ").split()
    size = len(term_words)
    for start in range(0, len(text_words) - size + 1):
        if all(_word_close(text_words[start + i], term_words[i], cutoff) for i in range(size)):
            return True
    if size > 1:
        squashed = "".join(term_words)
        return any(_word_close(w, squashed, cutoff) for w in text_words)
    return False
