"""Which organisme the user asks about: contributions, health or pension.

One theme narrows the answer to one organisme, which is what a user who asked "quelle est
ma CPAM ?" wants to read on a phone screen. An organisme's name weighs more than a topic
word, and two different themes mean the user wants the whole picture (None).
"""
from __future__ import annotations

import enum
import functools
from typing import Optional

from assistant.knowledge import load_yaml, require_provenance
from assistant.statuses import Status, parse_status
from assistant.text import fold, words

THEMES_FILE = "agencies/themes.yml"


class Theme(str, enum.Enum):
    COTISATIONS = "cotisations"
    SANTE = "sante"
    RETRAITE = "retraite"


@functools.lru_cache(maxsize=1)
def _lexicon() -> dict[Theme, tuple[tuple[str, ...], tuple[str, ...]]]:
    data = load_yaml(THEMES_FILE)
    require_provenance(data, THEMES_FILE)
    return {
        Theme(name): (tuple(" ".join(words(w)) for w in entry["organismes"]), tuple(" ".join(words(w)) for w in entry["mots"]))
        for name, entry in data["themes"].items()
    }


def _contains(haystack: str, needle: str) -> bool:
    return f" {needle} " in haystack


def parse_theme(text: str) -> Optional[Theme]:
    """The one theme the text is about, or None when it names none or several."""
    if not text:
        return None
    joined = " " + " ".join(words(text)) + " "
    # "je suis retraité" says who the user is, not what they ask about.
    status = parse_status(text)
    if status is not None and status.status is Status.RETRAITE:
        joined = joined.replace(" " + fold(status.matched) + " ", " ")
    lexicon = _lexicon()
    for index in (0, 1):  # organisme names first, then topic words
        found = {theme for theme, lists in lexicon.items() if any(_contains(joined, w) for w in lists[index])}
        if len(found) == 1:
            return found.pop()
        if len(found) > 1:
            return None
    return None


def parse_theme_value(value: object) -> Optional[Theme]:
    """A slot value back to a Theme (None for anything else)."""
    try:
        return Theme(value) if value else None
    except ValueError:
        return None
