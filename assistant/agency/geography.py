"""Communes, départements and regions of France, indexed for the place parser.

Place resolution runs on every user turn of the agency form, so the 37 000 communes of
knowledge/places/communes.json are read and indexed once per process, by folded name (the
form every lookup uses), by postal code and, for the big towns people shorten ("Boulogne",
"Aix"), by first word.
"""
from __future__ import annotations

import datetime as _dt
import functools
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from assistant.knowledge import KnowledgeError, load_yaml, path_of, require_provenance
from assistant.text import words

COMMUNES_FILE = "places/communes.json"
LEXICON_FILE = "places/lieux.yml"

# A shortened name ("Boulogne") is only expanded to the big towns it starts: nobody shortens
# the name of a village, and expanding to every "Saint-…" would be noise.
PREFIX_MIN_POPULATION = 20_000
# Typos are only corrected towards towns big enough to be worth the risk.
FUZZY_MIN_POPULATION = 10_000


@dataclass(frozen=True)
class Commune:
    name: str
    departement: str
    postcodes: tuple[str, ...]
    population: int

    @property
    def label(self) -> str:
        return f"{self.name} ({self.departement})"


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region: str
    population: int
    territory: bool = False  # outside the 101 départements (Saint-Pierre-et-Miquelon)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


@dataclass(frozen=True)
class PlaceLexicon:
    """Words around place names, from knowledge/places/lieux.yml (see that file for why)."""

    strong_cues: frozenset[str]
    weak_cues: frozenset[str]
    avoir_subjects: frozenset[str]
    residence_verbs: frozenset[str]
    announcers: dict[str, str]          # "departement" -> "departement", "ville" -> "commune"
    number_cues: frozenset[str]
    articles: frozenset[str]
    fillers: frozenset[str]
    after_number_not_place: frozenset[str]
    before_number_not_place: frozenset[str]
    abbreviations: dict[str, str]
    never_alone: frozenset[str]
    common_words: frozenset[str]
    ordinary_prefixes: frozenset[str]   # "joue", "fort": ordinary words that begin a big town's name
    not_typos: frozenset[str]


@dataclass(frozen=True)
class Geography:
    communes_by_key: dict[str, tuple[Commune, ...]]
    big_communes_by_first_word: dict[str, tuple[Commune, ...]]
    communes_by_postcode: dict[str, tuple[Commune, ...]]
    departements: dict[str, Departement]
    departement_keys: dict[str, str]
    region_keys: dict[str, tuple[str, ...]]
    fuzzy_keys_by_words: dict[int, tuple[str, ...]]  # typo targets, by number of words
    max_key_words: int
    lexicon: PlaceLexicon

    def main_departement_codes(self) -> list[str]:
        """The 101 départements (metropolitan France, Corsica and the DROM)."""
        return [code for code, dep in self.departements.items() if not dep.territory]


def name_key(name: str) -> str:
    """The folded, space-separated form of a name: "Saint-Étienne" -> "saint etienne"."""
    return " ".join(words(name))


def strip_article(key: str, articles: Iterable[str]) -> str | None:
    """"le havre" -> "havre": people drop the article ("au Havre", "Sables-d'Olonne")."""
    first, _, rest = key.partition(" ")
    return rest if rest and first in articles else None


def _folded_set(items: Iterable[str]) -> frozenset[str]:
    return frozenset(name_key(item) for item in items)


def _domain_words() -> set[str]:
    """Words of the assistant's own vocabulary ("maçon", "retraite"…): a user who says "je
    suis maçon" does not live in Mâcon. Read from the files where they live."""
    found: set[str] = set()
    statuses = load_yaml("statuses.yml")
    for entry in statuses["statuses"].values():
        found.update(entry["words"])
    for entry in statuses["professions_liberales"].values():
        found.update(entry["words"])
    for entry in load_yaml("agencies/themes.yml")["themes"].values():
        found.update(entry["organismes"] + entry["mots"])
    return {name_key(w) for w in found if " " not in name_key(w)}


def _load_lexicon() -> tuple[PlaceLexicon, dict]:
    data = load_yaml(LEXICON_FILE)
    require_provenance(data, LEXICON_FILE)
    lexicon = PlaceLexicon(
        strong_cues=_folded_set(data["indices_forts"]),
        weak_cues=_folded_set(data["indices_faibles"]),
        avoir_subjects=_folded_set(data["sujets_du_verbe_avoir"]),
        residence_verbs=_folded_set(data["verbes_de_residence"]),
        announcers={name_key(k): v for k, v in data["annonces"].items()},
        number_cues=_folded_set(data["avant_numero"]),
        articles=_folded_set(data["articles"]),
        fillers=_folded_set(data["remplissage"]),
        after_number_not_place=_folded_set(data["apres_nombre_pas_lieu"]),
        before_number_not_place=_folded_set(data["avant_nombre_pas_lieu"]),
        abbreviations={name_key(k): name_key(v) for k, v in data["abreviations"].items()},
        never_alone=_folded_set(data["jamais_seuls"]),
        common_words=_folded_set(data["mots_courants"]) | _domain_words(),
        ordinary_prefixes=_folded_set(data["debuts_courants"]),
        not_typos=_folded_set(data["pas_des_fautes"]) | _domain_words(),
    )
    return lexicon, data


def _load_communes_document() -> dict:
    path = path_of(COMMUNES_FILE)
    if not path.is_file():
        raise KnowledgeError(f"missing knowledge file: {path} (run `make communes`)")
    document = json.loads(path.read_text(encoding="utf-8"))
    record = dict(document, checked=_dt.date.fromisoformat(document.get("checked", "")))
    require_provenance(record, COMMUNES_FILE)
    return document


@functools.lru_cache(maxsize=1)
def geography() -> Geography:
    """Load and index everything once per process (about a second, then dictionary lookups)."""
    lexicon, extra = _load_lexicon()
    document = _load_communes_document()
    territories = set(extra.get("territoires", {}))

    by_key: dict[str, list[Commune]] = defaultdict(list)
    by_first_word: dict[str, list[Commune]] = defaultdict(list)
    by_postcode: dict[str, list[Commune]] = defaultdict(list)
    population_by_dep: dict[str, int] = defaultdict(int)
    for name, dep, postcodes, population in document["communes"]:
        commune = Commune(name, dep, tuple(postcodes), int(population))
        key = name_key(name)
        by_key[key].append(commune)
        alias = strip_article(key, lexicon.articles)
        if alias:
            by_key[alias].append(commune)
        for postcode in postcodes:
            by_postcode[postcode].append(commune)
        population_by_dep[dep] += commune.population
        first, _, rest = key.partition(" ")
        if rest and population >= PREFIX_MIN_POPULATION and first not in lexicon.articles:
            by_first_word[first].append(commune)

    regions_by_code = {code: name for code, name in document["regions"]}
    departements = {
        code: Departement(code, name, regions_by_code.get(region, ""), population_by_dep[code], code in territories)
        for code, name, region in document["departements"]
    }

    dep_keys: dict[str, str] = {}
    for dep in departements.values():
        key = name_key(dep.name)
        dep_keys[key] = dep.code
        alias = strip_article(key, lexicon.articles)
        if alias:
            dep_keys[alias] = dep.code
    for code, aliases in {**extra.get("departements", {}), **extra.get("territoires", {})}.items():
        for alias in aliases:
            dep_keys[name_key(alias)] = str(code)

    region_keys: dict[str, tuple[str, ...]] = {}
    deps_by_region: dict[str, list[str]] = defaultdict(list)
    for dep in departements.values():
        if not dep.territory:
            deps_by_region[dep.region].append(dep.code)
    for region, codes in deps_by_region.items():
        if len(codes) > 1:  # a one-département region (Guadeloupe…) is found as a département
            region_keys[name_key(region)] = tuple(codes)
    for name, codes in extra.get("regions", {}).items():
        region_keys[name_key(name)] = tuple(str(c) for c in codes)

    def ranked(index: dict[str, list[Commune]]) -> dict[str, tuple[Commune, ...]]:
        return {k: tuple(sorted(v, key=lambda c: -c.population)) for k, v in index.items()}

    communes_by_key = ranked(by_key)
    fuzzy = {k for k, cs in communes_by_key.items() if cs[0].population >= FUZZY_MIN_POPULATION}
    fuzzy |= set(dep_keys) | set(region_keys)
    fuzzy -= lexicon.common_words | lexicon.never_alone
    return Geography(
        communes_by_key=communes_by_key,
        big_communes_by_first_word=ranked(by_first_word),
        communes_by_postcode=ranked(by_postcode),
        departements=departements,
        departement_keys=dep_keys,
        region_keys=region_keys,
        fuzzy_keys_by_words={n: tuple(sorted(k for k in fuzzy if len(k) >= 4 and k.count(" ") + 1 == n)) for n in (1, 2, 3)},
        max_key_words=max(k.count(" ") + 1 for k in list(communes_by_key) + list(dep_keys) + list(region_keys)),
        lexicon=lexicon,
    )


def departement_name(code: str) -> str:
    dep = geography().departements.get(code)
    return dep.name if dep else code
