"""Who the user is: artisan, commerçant, micro-entrepreneur, profession libérale…

The status changes both the IJ rules and the organisme to contact, so one parser serves
the IJ calculator and the agency finder. Words come from ``knowledge/statuses.yml``.
"""
from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from typing import Optional

from assistant.knowledge import load_yaml, require_provenance
from assistant.text import contains_term, fold, words


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


@functools.lru_cache(maxsize=None)
def _folded(term: str) -> str:
    """Lexicon terms folded once per process: folding them on every call was a third of the
    action server's CPU under load (py-spy, bench/PROFILE.md, fourth pass)."""
    return fold(term)


def parse_status(text: str) -> Optional[StatusMatch]:
    """The status the user states in ``text``, or None when nothing matches confidently."""
    if not text:
        return None
    text_words = words(text)
    lex = _lexicon()
    for code, prof in lex["professions_liberales"].items():
        for term in prof["words"]:
            if contains_term(text_words, _folded(term)):
                # a micro-entrepreneur consultant is still a micro-entrepreneur
                if any(contains_term(text_words, _folded(t)) for t in lex["statuses"]["micro_entrepreneur"]["words"]):
                    return StatusMatch(Status.MICRO_ENTREPRENEUR, term, prof["caisse"])
                return StatusMatch(Status.PROFESSION_LIBERALE, term, prof["caisse"])
    for status in _PRIORITY:
        for term in lex["statuses"][status.value]["words"]:
            if contains_term(text_words, _folded(term)):
                return StatusMatch(status, term)
    return None
