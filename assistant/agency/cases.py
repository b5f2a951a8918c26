"""The seed's exceptions to "attached by home address": river boatmen, volunteers living abroad,
people living abroad and working in France.

They are rare but their answer differs (another former SSI agency, no French address, or the
professional address instead of the home), so they are recognised from the user's words and
encoded in knowledge/agencies/cas_particuliers.yml rather than in code.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Optional

from assistant.knowledge import load_yaml, require_provenance
from assistant.text import words

CASES_FILE = "agencies/cas_particuliers.yml"


@dataclass(frozen=True)
class SpecialCase:
    id: str
    label: str
    words: tuple[str, ...]
    required_words: tuple[str, ...]   # one of them must also appear ("volontaire" + "étranger")
    former_agency: Optional[str]      # key in ssi.yml, replacing the residence rule
    needs_departement: bool
    remark: str
    uncertain: Optional[str] = None


def _folded(items) -> tuple[str, ...]:
    return tuple(" ".join(words(w)) for w in items or ())


@functools.lru_cache(maxsize=1)
def special_cases() -> tuple[SpecialCase, ...]:
    data = load_yaml(CASES_FILE)
    require_provenance(data, CASES_FILE)
    return tuple(
        SpecialCase(
            id=key,
            label=entry["libelle"],
            words=_folded(entry["mots"]),
            required_words=_folded(entry.get("mots_requis")),
            former_agency=entry.get("agence_ssi"),
            needs_departement=bool(entry["demande_departement"]),
            remark=entry["remarque"],
            uncertain=entry.get("uncertain"),
        )
        for key, entry in data["cas"].items()
    )


def case_by_id(case_id: Optional[str]) -> Optional[SpecialCase]:
    return next((case for case in special_cases() if case.id == case_id), None)


def parse_case(text: str) -> Optional[SpecialCase]:
    """The first exception the text describes, in the file's order (most specific first)."""
    if not text:
        return None
    joined = " " + " ".join(words(text)) + " "
    for case in special_cases():
        if not any(f" {w} " in joined for w in case.words):
            continue
        if case.required_words and not any(f" {w} " in joined for w in case.required_words):
            continue
        return case
    return None
