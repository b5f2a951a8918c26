"""Where the user lives, from what they type: "le 93", "2A", "à Lyon", "69003", "Marseile".

Organismes are attached by département, so that is what this module finds. It reads
département numbers and names, regions, communes and postal codes, tolerates typos, and
returns either one département, a short list of candidates to ask about (Saint-Denis is in
the 93 and in La Réunion) or nothing.

A wrong département gives the user the wrong CPAM, which is worse than asking again; so the
parser is deliberately timid with words that are also ordinary French ("Orange", "Sens",
"Eu", "Y" are communes) and with numbers that may be amounts ("30 000 €"), ages or dates. A
name counts as a place when something says so: a preposition or verb before it ("à",
"dans", "j'habite"), a capital letter, a town big enough to be unmistakable, or a short
answer made of the name alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from rapidfuzz import fuzz, process

from assistant.agency.geography import Geography, geography
from assistant.text import fold

# A single-word name that is not an ordinary word is a place anywhere in a sentence only for
# towns this big ("boulanger metz"); smaller ones need a cue or a short answer.
ANYWHERE_MIN_POPULATION = 20_000
FUZZY_MIN_SCORE = 85.0
# A village named like a département or a region ("Bretagne" in the Indre, "La Réunion" in
# the Lot-et-Garonne) is not what people mean; a real town is ("Vienne" in the Isère).
AREA_HOMONYM_MIN_POPULATION = 10_000
MAX_CANDIDATES = 8
# Strength of a mention: discarded, only good to narrow another one, or a place by itself.
_NONE, _WEAK, _STRONG = 0, 1, 2
# Cues, by increasing weight: a weak hint, a preposition of place, a word announcing a place.
_PREPOSITION, _ANNOUNCED = 2, 3
_NOT_PREFIXES = frozenset({"saint", "sainte", "saints", "saintes"})
# Below this many letters, a message in capitals may just be a name ("LYON", "BOURG").
_SHOUTING_MIN_LETTERS = 12
_SENTENCE_END = re.compile(r"[.!?\n]\s*$")


@dataclass(frozen=True)
class PlaceCandidate:
    label: str          # what the user sees and sends back: "Saint-Denis (93)"
    departement: str    # "93"
    population: int


@dataclass(frozen=True)
class PlaceResult:
    departement: Optional[str] = None
    candidates: tuple[PlaceCandidate, ...] = ()
    matched: str = ""

    @property
    def resolved(self) -> bool:
        return self.departement is not None

    @property
    def ambiguous(self) -> bool:
        return self.departement is None and len(self.candidates) > 1


NOTHING = PlaceResult()


@dataclass
class _Token:
    key: str
    raw: str
    start: int
    end: int


@dataclass
class _Mention:
    start: int                      # token indices [start, end)
    end: int
    options: dict[str, PlaceCandidate]  # département -> best candidate for it
    strength: int
    kind: str                       # "name", "code" or "postcode"
    residence: bool = False
    attached: Optional["_Mention"] = None  # the name a number follows: "Saint-Denis (93)"
    specificity: int = field(default=0)   # lower is more specific (commune < département < region)


def _tokens(text: str, abbreviations: dict[str, str]) -> list[_Token]:
    tokens = []
    for match in re.finditer(r"[^\W_]+", text):
        for piece in re.findall(r"[a-z0-9]+", fold(match.group())):
            tokens.append(_Token(abbreviations.get(piece, piece), match.group(), match.start(), match.end()))
    return tokens


class _Parser:
    def __init__(self, text: str, geo: Geography):
        self.text = text
        self.geo = geo
        self.lex = geo.lexicon
        self.tokens = _tokens(text, self.lex.abbreviations)
        self.used = [False] * len(self.tokens)
        self.mentions: list[_Mention] = []
        # In a message typed in capitals ("J AI PERDU MA CARTE AU MARCHE"), a capital says
        # nothing about a name: "MARCHE" is not Marché, "EN CHARGE" is not Charge.
        letters = [char for char in text if char.isalpha()]
        self.shouting = len(letters) >= _SHOUTING_MIN_LETTERS and sum(c.isupper() for c in letters) >= 0.8 * len(letters)

    # --- context -----------------------------------------------------------------------
    def _previous(self, index: int) -> int:
        """Index of the word before ``index``, articles skipped ("dans la Somme")."""
        j = index - 1
        while j >= 0 and self.tokens[j].key in self.lex.articles:
            j -= 1
        return j

    def _cue(self, index: int) -> int:
        """What the words before ``index`` say about it: nothing, a weak hint ("de"), a
        preposition of place ("à", "dans"), or a verb or noun that announces a place
        ("j'habite", "ville de", "département du")."""
        j = self._previous(index)
        if j < 0:
            return _NONE
        token = self.tokens[j]
        if token.key in self.lex.residence_verbs or self._announced_kind(index):
            return _ANNOUNCED
        if token.raw in ("à", "À") or token.key in self.lex.strong_cues:
            before = self._previous(j)
            return _ANNOUNCED if before >= 0 and self.tokens[before].key in self.lex.residence_verbs else _PREPOSITION
        if token.key == "a":  # "à" typed without its accent, or the verb avoir
            subject = self.tokens[j - 1].key if j >= 1 else ""
            if subject in self.lex.residence_verbs:
                return _ANNOUNCED
            return _WEAK if subject in self.lex.avoir_subjects else _PREPOSITION
        if token.key in ("de", "d") and j >= 1 and self.tokens[j - 1].key in self.lex.strong_cues | {"cote", "coin", "secteur"}:
            return _PREPOSITION  # "près de Lyon"
        if token.key in self.lex.weak_cues:
            return _WEAK
        return _NONE

    def _residence(self, index: int) -> bool:
        return any(t.key in self.lex.residence_verbs for t in self.tokens[max(0, index - 3):index])

    def _has_capital(self, index: int) -> bool:
        return self.tokens[index].raw[:1].isupper() and not self.shouting

    def _capitalised(self, index: int) -> bool:
        """Written with a capital inside a sentence, not at its start."""
        token = self.tokens[index]
        if not self._has_capital(index) or index == 0:
            return False
        return not _SENTENCE_END.search(self.text[: token.start])

    def _alone(self, start: int, end: int) -> bool:
        """The message is this name plus filler words ("non, à Nancy", "c'est Metz").

        A number next to the name still counts as part of the answer ("Saint-Denis (93)",
        "75015 Paris"); a number elsewhere does not ("le 15 mars").
        """
        for i, token in enumerate(self.tokens):
            if start <= i < end or token.key in self.lex.fillers:
                continue
            if (i == end or i == start - 1) and (token.key.isdigit() or token.key in ("2a", "2b")):
                continue
            return False
        return True

    def _bare(self, start: int) -> bool:
        """Nothing but an article or a negation before the name: "Cher", "le Cher", "non, Orange"."""
        return all(t.key in self.lex.articles or t.key in ("non", "oui", "si") for t in self.tokens[:start])

    # --- names ---------------------------------------------------------------------------
    def _announced_kind(self, start: int) -> Optional[str]:
        """"département de la Vienne" is not the town of Vienne; "ville de Vienne" is."""
        j = start - 1
        while j >= 0 and self.tokens[j].key in self.lex.articles | {"de", "du", "d", "des"}:
            j -= 1
        return self.lex.announcers.get(self.tokens[j].key) if j >= 0 else None

    def _name_options(self, key: str, kind: Optional[str] = None) -> tuple[dict[str, PlaceCandidate], int, int]:
        """Candidates for a folded name, the largest population among them, and specificity."""
        options: dict[str, PlaceCandidate] = {}
        best_population, specificity = 0, 3
        if kind == "departement" and key not in self.geo.departement_keys:
            kind = None
        if kind == "region" and key not in self.geo.region_keys:
            kind = None
        if kind == "commune" and key not in self.geo.communes_by_key:
            kind = None
        is_area = key in self.geo.departement_keys or key in self.geo.region_keys
        for commune in self.geo.communes_by_key.get(key, ()) if kind in (None, "commune") else ():
            if is_area and commune.population < AREA_HOMONYM_MIN_POPULATION:
                continue
            self._add(options, commune.departement, commune.label, commune.population)
            best_population = max(best_population, commune.population)
            specificity = 0
        code = self.geo.departement_keys.get(key) if kind in (None, "departement") else None
        if code:
            dep = self.geo.departements[code]
            self._add(options, code, dep.label, dep.population)
            best_population = max(best_population, dep.population)
            specificity = min(specificity, 1)
        for code in self.geo.region_keys.get(key, ()) if kind in (None, "region") else ():
            dep = self.geo.departements[code]
            self._add(options, code, dep.label, dep.population)
            best_population = max(best_population, dep.population)
            specificity = min(specificity, 2)
        return options, best_population, specificity

    @staticmethod
    def _add(options: dict[str, PlaceCandidate], dep: str, label: str, population: int) -> None:
        current = options.get(dep)
        if current is None or population > current.population:
            options[dep] = PlaceCandidate(label, dep, population)

    def _core(self, key: str) -> list[str]:
        parts = key.split(" ")
        while len(parts) > 1 and parts[0] in self.lex.articles:
            parts = parts[1:]
        return parts

    def _name_strength(self, start: int, end: int, core: list[str], population: int, is_area: bool) -> int:
        ordinary = self.lex.common_words | self.lex.never_alone | self.lex.fillers | self.lex.articles
        cue = self._cue(start)
        if len(core) > 1:
            # "Indre-et-Loire" is made of ordinary words but is nothing else than a place;
            # "entre deux patients" is not Entre-Deux (La Réunion) unless announced as one.
            if is_area or not all(w in ordinary for w in core):
                return _STRONG
            if cue == _PREPOSITION and len(core) >= 3:
                return _STRONG  # "à bourg en bresse": a sequence that long is no accident
            return self._ordinary_name_strength(start, end, cue, first=end - len(core))
        word = core[0]
        if word in self.lex.never_alone or word.isdigit():
            return _NONE
        if word in self.lex.common_words or word in self.lex.fillers or word in self.lex.ordinary_prefixes:
            # "c'est cher" is not the Cher, "en charge" is not Charge (Indre-et-Loire), "qui
            # joue" is not Joué-lès-Tours.
            return self._ordinary_name_strength(start, end, cue, first=end - 1)
        if cue >= _PREPOSITION or self._alone(start, end):
            return _STRONG
        if cue == _WEAK or self._capitalised(start) or is_area or population >= ANYWHERE_MIN_POPULATION:
            return _STRONG
        return _WEAK

    def _ordinary_name_strength(self, start: int, end: int, cue: int, first: int) -> int:
        """A name made of ordinary words is a place after "j'habite" or "ville de", after a
        preposition when written with a capital ("à Orange", "à Entre-Deux"), or as the
        whole answer. `first` is the name's first word, after any article ("la Réunion")."""
        if cue == _ANNOUNCED or (cue == _PREPOSITION and self._has_capital(first)):
            return _STRONG
        return _STRONG if self._alone(start, end) and self._bare(start) else _WEAK

    def find_names(self, sizes: range) -> None:
        n = len(self.tokens)
        for size in sizes:
            for start in range(0, n - size + 1):
                end = start + size
                if any(self.used[start:end]):
                    continue
                key = " ".join(t.key for t in self.tokens[start:end])
                options, population, specificity = self._name_options(key, self._announced_kind(start))
                if size == 1:
                    options, population = self._with_prefix_expansion(key, options, population)
                if not options:
                    continue
                is_area = specificity > 0
                strength = self._name_strength(start, end, self._core(key), population, is_area)
                for i in range(start, end):
                    self.used[i] = True
                if strength:
                    self.mentions.append(_Mention(start, end, options, strength, "name",
                                                  self._residence(start), specificity=specificity))

    def _with_prefix_expansion(self, key: str, options: dict[str, PlaceCandidate], population: int):
        """"Boulogne" also means Boulogne-Billancourt and Boulogne-sur-Mer."""
        if len(key) < 3 or key in self.lex.never_alone or key in self.lex.fillers or key in _NOT_PREFIXES:
            return options, population
        big = self.geo.big_communes_by_first_word.get(key, ())
        if not big:
            return options, population
        options = dict(options)
        for commune in big:
            self._add(options, commune.departement, commune.label, commune.population)
        return options, max(population, big[0].population)

    def find_typos(self, sizes: tuple[int, ...]) -> None:
        """Close misspellings of big towns, départements and regions, only where a place is expected."""
        ordinary = self.lex.common_words | self.lex.never_alone | self.lex.fillers | self.lex.strong_cues | self.lex.weak_cues
        n = len(self.tokens)
        for size in sizes:
            for start in range(0, n - size + 1):
                end = start + size
                if any(self.used[start:end]):
                    continue
                parts = [t.key for t in self.tokens[start:end]]
                if parts[0] in ordinary or parts[-1] in ordinary or any(p.isdigit() for p in parts):
                    continue
                query = " ".join(parts)
                if len(query) < (5 if size == 1 else 8) or any(p in self.lex.not_typos for p in parts):
                    continue
                # A guessed name needs a strong reason to be a place: "du masque" is not Manosque.
                if not (self._cue(start) >= _PREPOSITION or self._alone(start, end)):
                    continue
                choices = self.geo.fuzzy_keys_by_words.get(size, ())
                found = process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE)
                if not found or found[0][0] != query[0]:
                    continue
                options, _, specificity = self._name_options(found[0])
                if not options:
                    continue
                for i in range(start, end):
                    self.used[i] = True
                self.mentions.append(_Mention(start, end, options, _STRONG, "name", self._residence(start),
                                              specificity=specificity))

    # --- numbers -------------------------------------------------------------------------
    def _gap(self, left: int, right: int) -> str:
        return self.text[self.tokens[left].end:self.tokens[right].start]

    def _is_amount(self, index: int) -> bool:
        token = self.tokens[index]
        after = self.text[token.end:token.end + 3]
        if re.match(r"\s*[€$%]", after) or re.match(r"[-.,/:]\d", after) or re.match(r"\s*[kK]€?", after):
            return True
        before = self.text[max(0, token.start - 2):token.start]
        if re.search(r"\d[-.,/:]$", before) or "€" in before or before.endswith("+"):
            return True  # "12/05", "36-48", "+33" (a country code)
        nxt = index + 1
        if nxt < len(self.tokens):
            following = self.tokens[nxt]
            if following.key in self.lex.after_number_not_place:
                return True
            after_next = nxt + 1
            if following.key in ("au", "a", "et", "ou") and after_next < len(self.tokens) and self.tokens[after_next].key.isdigit():
                return True  # a range or a list: "du 12 au 20 mars", "12 ou 15 jours"
            if following.key.isdigit() and len(following.key) == 3 and re.fullmatch(r"[ .\u00a0\u202f]", self._gap(index, nxt)):
                return True  # "30 000": thousands group
        prev = index - 1
        if prev >= 0 and self.tokens[prev].key.isdigit() and re.fullmatch(r"[ .\u00a0\u202f]", self._gap(prev, index)):
            return True  # "30 000", or a phone number "36 46"
        if nxt < len(self.tokens) and self.tokens[nxt].key.isdigit() and re.fullmatch(r"[ .\u00a0\u202f]", self._gap(index, nxt)):
            return True
        return any(t.key in self.lex.before_number_not_place for t in self.tokens[max(0, index - 3):index])

    def _name_before(self, index: int) -> Optional[_Mention]:
        """The name mention that ends right before this number, across a parenthesis."""
        for mention in self.mentions:
            if mention.kind == "name" and mention.end == index:
                return mention
        return None

    def find_numbers(self) -> None:
        for index, token in enumerate(self.tokens):
            if self.used[index]:
                continue
            key = token.key
            if not (key.isdigit() or key in ("2a", "2b")):
                continue
            if key.isdigit() and self._is_amount(index):
                continue
            attached = self._name_before(index)
            alone = self._alone(index, index + 1)
            if len(key) == 5:
                options = self._postcode_options(key)
                if not options:
                    continue
                followed_by_name = any(m.kind == "name" and m.start == index + 1 for m in self.mentions)
                strong = alone or attached or followed_by_name or self._cue(index) or self._code_cue(index)
                self.mentions.append(_Mention(index, index + 1, options, _STRONG if strong else _WEAK, "postcode",
                                              self._residence(index), attached, specificity=0))
                continue
            codes = self._departement_codes(key, index)
            if not codes:
                continue
            strong = alone or attached is not None or self._code_cue(index)
            if not strong:
                continue
            options: dict[str, PlaceCandidate] = {}
            for code in codes:
                dep = self.geo.departements[code]
                self._add(options, code, dep.label, dep.population)
            self.mentions.append(_Mention(index, index + 1, options, _STRONG, "code", self._residence(index),
                                          attached, specificity=1))

    def _code_cue(self, index: int) -> bool:
        j = index - 1
        if j >= 0 and self.tokens[j].key in self.lex.number_cues:
            return True
        return j >= 1 and self.tokens[j].key in self.lex.articles and self.tokens[j - 1].key in self.lex.number_cues

    def _departement_codes(self, key: str, index: int) -> tuple[str, ...]:
        deps = self.geo.departements
        if key in ("2a", "2b"):
            return (key.upper(),)
        if key == "20":
            return ("2A", "2B")  # Corsica's number before 1976, still used
        if len(key) == 2 and key in deps:
            return (key,)
        if len(key) == 1 and index >= 1 and self.lex.announcers.get(self.tokens[index - 1].key) == "departement":
            return ("0" + key,) if "0" + key in deps else ()
        if len(key) == 3 and key.startswith("97") and key in deps:
            return (key,)
        return ()

    def _postcode_options(self, code: str) -> dict[str, PlaceCandidate]:
        options: dict[str, PlaceCandidate] = {}
        for commune in self.geo.communes_by_postcode.get(code, ()):
            self._add(options, commune.departement, f"{commune.name} ({commune.departement})", commune.population)
        return options

    # --- decision ------------------------------------------------------------------------
    def result(self) -> PlaceResult:
        mentions = [m for m in self.mentions if m.strength == _STRONG]
        weak = [m for m in self.mentions if m.strength == _WEAK]
        # A number right after a name narrows that name ("Saint-Denis (93)") or, when it
        # does not fit, is not a département at all ("Paris 15": the arrondissement).
        for number in [m for m in mentions if m.attached is not None]:
            mentions.remove(number)
            name = number.attached
            common = {d: c for d, c in name.options.items() if d in number.options}
            if common and name in mentions:
                name.options = common
        if not mentions:
            return NOTHING
        chosen = self._intersection(mentions)
        if chosen is None:
            residence = [m for m in mentions if m.residence]
            chosen = (residence or mentions)[-1]
            options = chosen.options
        else:
            options = chosen.options
        for other in weak:
            narrowed = {d: c for d, c in options.items() if d in other.options}
            if narrowed and len(narrowed) < len(options):
                options = narrowed
        matched = self.text[self.tokens[chosen.start].start:self.tokens[chosen.end - 1].end]
        if len(options) == 1:
            return PlaceResult(departement=next(iter(options)), matched=matched)
        ranked = sorted(options.values(), key=lambda c: (-c.population, c.label))
        return PlaceResult(candidates=tuple(ranked[:MAX_CANDIDATES]), matched=matched)

    @staticmethod
    def _intersection(mentions: list[_Mention]) -> Optional[_Mention]:
        """All mentions agree ("Valence dans la Drôme"): the most specific, narrowed to the common départements."""
        common = set(mentions[0].options)
        for mention in mentions[1:]:
            common &= set(mention.options)
        if not common:
            return None
        best = min(mentions, key=lambda m: (m.specificity, len(m.options)))
        return _Mention(best.start, best.end, {d: c for d, c in best.options.items() if d in common},
                        _STRONG, best.kind, best.residence, specificity=best.specificity)


def parse_place(text: str) -> PlaceResult:
    """The département the user lives in, the candidates to ask about, or NOTHING."""
    if not text or not text.strip():
        return NOTHING
    parser = _Parser(text, geography())
    if not parser.tokens:
        return NOTHING
    # Longest names first, so "Saint-Denis" is not read as "Denis"; multi-word typos before
    # single words, so "aix en provance" is not read as "Aix" alone.
    parser.find_names(range(min(parser.geo.max_key_words, len(parser.tokens)), 1, -1))
    parser.find_typos((3, 2))
    parser.find_names(range(1, 0, -1))
    parser.find_typos((1,))
    parser.find_numbers()
    return parser.result()


_ORDINALS = {"premier": 0, "premiere": 0, "1er": 0, "1ere": 0, "deuxieme": 1, "second": 1, "seconde": 1, "2e": 1,
             "2eme": 1, "troisieme": 2, "3e": 2, "3eme": 2, "quatrieme": 3, "4e": 3, "4eme": 3, "dernier": -1,
             "derniere": -1}


def choose_among(text: str, codes: list[str]) -> Optional[str]:
    """The one of ``codes`` the user picks in reply to "which one?": a plain answer, a hint
    that would be too weak on its own ("celui de la réunion"), or an ordinal ("le premier")."""
    if not codes:
        return None
    result = parse_place(text)
    if result.departement in codes:
        return result.departement
    parser = _Parser(text, geography())
    if parser.tokens:
        parser.find_names(range(min(parser.geo.max_key_words, len(parser.tokens)), 0, -1))
        parser.find_numbers()
        hinted = {d for m in parser.mentions for d in m.options if d in codes}
        if len(hinted) == 1:
            return hinted.pop()
    for token in parser.tokens:
        if token.key in _ORDINALS and _ORDINALS[token.key] < len(codes):
            return codes[_ORDINALS[token.key]]
    return None


def code_of_label(label: str) -> Optional[str]:
    """"Saint-Denis (93)" -> "93"."""
    match = re.search(r"\((\w{2,3})\)\s*$", label or "")
    return match.group(1).upper() if match else None


def candidate_label(code: str) -> str:
    """The label a button shows for a département code ("Moselle (57)")."""
    dep = geography().departements.get(code)
    return dep.label if dep else code


def is_departement(code: Optional[str]) -> bool:
    """True for the codes the directory answers for (the 101 départements and Saint-Pierre-et-Miquelon)."""
    return bool(code) and code in geography().departements


def name_of(code: str) -> str:
    dep = geography().departements.get(code)
    return dep.name if dep else code


__all__ = ["PlaceCandidate", "PlaceResult", "NOTHING", "parse_place", "choose_among", "code_of_label",
           "candidate_label", "is_departement", "name_of"]
