"""Who the user is: artisan, commerçant, micro-entrepreneur, profession libérale…

The status changes both the IJ rules and the organisme to contact, so one parser serves
the IJ calculator and the agency finder. Words come from ``knowledge/statuses.yml``.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional

from rapidfuzz import fuzz

from assistant.knowledge import load_yaml, require_provenance
from assistant.text import fold, ngrams, words


class Status(str, enum.Enum):
    ARTISAN = "artisan"
    COMMERCANT = "commercant"
    MICRO_ENTREPRENEUR = "micro_entrepreneur"
    PROFESSION_LIBERALE = "profession_liberale"
    CONJOINT_COLLABORATEUR = "conjoint_collaborateur"
    RETRAITE = "retraite"

    @property
    def label(self) -> str:
        return _lexicon()["statuses"][self.value]["label"]


# A micro-entrepreneur plumber is a micro-entrepreneur for the IJ rules; a conjoint
# collaborateur of an artisan is a conjoint. The first status found in this order wins.
_PRIORITY = [Status.CONJOINT_COLLABORATEUR, Status.MICRO_ENTREPRENEUR, Status.PROFESSION_LIBERALE,
             Status.ARTISAN, Status.COMMERCANT, Status.RETRAITE]


@dataclass(frozen=True)
class StatusMatch:
    status: Status
    matched: str                 # the lexicon term that matched
    caisse: Optional[str] = None  # CNAVPL section, "CNBF" or "regime_general" for liberals


def _lexicon() -> dict:
    data = load_yaml("statuses.yml")
    require_provenance(data, "statuses.yml")
    return data


def _fuzzy_in(term: str, text_words: list[str]) -> bool:
    """True when ``term`` (folded, possibly several words) appears in the text, typos allowed.

    Short terms ("ae", "bar", "micro") must match exactly: a fuzzy two-letter match is noise.
    """
    term_words = term.replace("-", " ").replace("'", " ").split()
    size = len(term_words)
    joined = " ".join(term_words)
    for _, _, gram in ngrams(text_words, size):
        if gram.count(" ") != size - 1:
            continue
        if gram == joined:
            return True
        if len(joined) >= 6 and fuzz.ratio(gram, joined) >= 88:
            return True
    # "autoentrepreneur" typed as one word vs "auto entrepreneur": compare without spaces
    if size > 1:
        squashed = joined.replace(" ", "")
        return any(w == squashed or (len(squashed) >= 8 and fuzz.ratio(w, squashed) >= 90) for w in text_words)
    return False


def parse_status(text: str) -> Optional[StatusMatch]:
    """The status the user states in ``text``, or None when nothing matches confidently."""
    if not text:
        return None
    text_words = words(text)
    lex = _lexicon()
    for code, prof in lex["professions_liberales"].items():
        for term in prof["words"]:
            if _fuzzy_in(fold(term), text_words):
                # a micro-entrepreneur consultant is still a micro-entrepreneur
                if any(_fuzzy_in(fold(t), text_words) for t in lex["statuses"]["micro_entrepreneur"]["words"]):
                    return StatusMatch(Status.MICRO_ENTREPRENEUR, term, prof["caisse"])
                return StatusMatch(Status.PROFESSION_LIBERALE, term, prof["caisse"])
    for status in _PRIORITY:
        for term in lex["statuses"][status.value]["words"]:
            if _fuzzy_in(fold(term), text_words):
                return StatusMatch(status, term)
    return None
